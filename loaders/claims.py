"""The claims file format (YAML or JSON): bytes to raw records, and raw records to checked records."""

import bisect
import difflib
import json
import re
from json.decoder import JSONArray, JSONObject, scanstring
from json.scanner import py_make_scanner

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import (
    AliasEvent, DocumentEndEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent, ScalarEvent,
    SequenceEndEvent, SequenceStartEvent, StreamEndEvent,
)
from yaml.nodes import MappingNode, ScalarNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from geokg.loaders.dates import NotADate, iso_literal, published_literal
from geokg.loaders.errors import LoadError, Problem
from geokg.loaders.ids import slug
from geokg.loaders.mapping import dbpedia_iri, iri_problem, source_iri
from geokg.loaders.model import (
    ACTOR_TYPES, ANONYMOUS, EVENT_TYPES, PREDICATES, QUOTE_LIMIT, Actor, Claim, ClaimsDoc, Event, Provenance,
    Relation, shown,
)

_WIKIDATA = re.compile(r"^Q[1-9]\d*$")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
_UNNAMED = re.compile(r"\b(unnamed|anonymous|unidentified)\b")
_SECTIONS = ("actors", "relations", "events", "claims")

# A claims file nests four deep (document, section, record, list of names). 64 leaves room for any notes
# kept in unknown fields, and keeps reading (about four Python frames a level) far from the recursion limit.
MAX_DEPTH = 64
# What all aliases together may stand for, in nodes, a text counting one node per TEXT_PER_NODE characters.
# Counting what each alias stands for bounds the document as the checker and the store would see it; a
# budget on the number of aliases would not: 25 aliases each doubling the one before stand for 33 million
# nodes. Reusing a sentence or a list of parties a few hundred times stays well inside it.
ALIAS_BUDGET = 10_000
TEXT_PER_NODE = 100
# No field wants a longer number; a longer one could not even be written out (Python refuses past 4300
# digits) and YAML's hexadecimal and base-60 forms have no such limit of their own.
MAX_DIGITS = 300

_TOO_DEEP = f"nested too deep: lists and mappings may nest at most {MAX_DEPTH} levels"
_TOO_MUCH_ALIASED = (f"aliases stand for more than {ALIAS_BUDGET:,} nodes in all (an alias bomb?); "
                     "write the values out instead")


class _Mapping(dict):
    """A mapping that remembers its own line and each field's, so errors can point at them. The document's
    top-level one also carries the keys written twice anywhere in it, which check_claims reports along with
    everything else it finds (the last value of a repeated key is the one checked)."""

    line: int | None = None
    lines: dict = {}
    repeated: list = []


class _Refused(yaml.MarkedYAMLError):
    """Well-formed YAML that is not read: nested too deep, aliases standing for too much, a number too long."""


class _BoundedComposer(Composer):
    """Composes nodes while counting how deep they nest and what each alias stands for, so a hostile
    document is refused where it crosses a bound, before anything is built from it. Python's composer
    runs on libyaml's events too: libyaml's own composer recurses in C and crashes on deep nesting."""

    def __init__(self):
        Composer.__init__(self)
        self._depth = 0
        self._reach = 0
        self._size = 0
        self._aliased = 0
        self._extent = {}

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            return self._compose_alias(parent, index, event)
        if isinstance(event, ScalarEvent):
            size = 1 + len(event.value) // TEXT_PER_NODE
            self._size += size
            if event.anchor is not None:
                self._extent[event.anchor] = (size, 0)
            return Composer.compose_node(self, parent, index)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(problem=_TOO_DEEP, problem_mark=event.start_mark)
        outer_reach, self._reach = self._reach, self._depth
        start = self._size
        self._size += 1
        node = Composer.compose_node(self, parent, index)
        if event.anchor is not None:
            self._extent[event.anchor] = (self._size - start, self._reach - self._depth + 1)
        self._reach = max(outer_reach, self._reach)
        self._depth -= 1
        return node

    def _compose_alias(self, parent, index, event):
        node = Composer.compose_node(self, parent, index)
        extent = self._extent.get(event.anchor)
        if extent is None:
            raise _Refused(problem=f"alias *{shown(event.anchor)[1:-1]} stands for a collection that contains it",
                           problem_mark=event.start_mark)
        size, height = extent
        self._size += size
        self._aliased += size
        if self._aliased > ALIAS_BUDGET:
            raise _Refused(problem=_TOO_MUCH_ALIASED, problem_mark=event.start_mark)
        if self._depth + height > MAX_DEPTH:
            raise _Refused(problem=_TOO_DEEP, problem_mark=event.start_mark)
        self._reach = max(self._reach, self._depth + height)
        return node


class _LineConstructor(SafeConstructor):
    """SafeConstructor whose mappings carry their lines, that notes repeated keys, keeps dates as written
    (dates.py checks them and says where) and turns a scalar it cannot read into an error with a line."""

    def __init__(self):
        SafeConstructor.__init__(self)
        self.duplicates = []


def _construct_mapping(loader, node):
    if not isinstance(node, MappingNode):
        raise ConstructorError(None, None, f"expected a mapping, found a {node.id}", node.start_mark)
    # flatten_mapping (merge keys) deletes the `<<` pairs from this very list and puts the merged pairs
    # in front of a new one: this list keeps the keys written here, which alone may not repeat.
    own = node.value
    mapping = _Mapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    constructed = loader.constructed_objects
    lines = {}
    for key_node, value_node in own:
        key = constructed[key_node]
        if key in lines:
            first = next(k for k, _ in own if constructed[k] == key)
            loader.duplicates.append((mapping, key, key_node.start_mark.line + 1, first.start_mark.line + 1))
        lines[key] = value_node.start_mark.line + 1
    if node.value is not own:
        for key_node, value_node in node.value[:len(node.value) - len(own)]:
            lines.setdefault(constructed[key_node], value_node.start_mark.line + 1)
    mapping.lines = lines
    return mapping


def _construct_text(loader, node):
    return loader.construct_scalar(node)


def _construct_checked_text(loader, node):
    # Only the pure-Python scanner lets a \ud800 escape through; libyaml refuses it.
    text = loader.construct_scalar(node)
    if not text.isascii() and _SURROGATE.search(text):
        raise ConstructorError(None, None, "a \\u escape stands for half a UTF-16 surrogate pair, "
                               "which is no character", node.start_mark)
    return text


def _read_scalar(construct, kind):
    def read(loader, node):
        try:
            value = construct(loader, node)
        except (ValueError, KeyError, AttributeError, TypeError):
            raise ConstructorError(None, None, f"cannot read {shown(node.value)} as {kind}",
                                   node.start_mark) from None
        if isinstance(value, int) and value.bit_length() > MAX_DIGITS * 10 // 3:
            raise _Refused(problem=f"{shown(node.value)} is too long a number (over {MAX_DIGITS} digits)",
                           problem_mark=node.start_mark)
        return value
    return read


_LineConstructor.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
for _tag in ("timestamp", "value"):
    _LineConstructor.add_constructor(f"tag:yaml.org,2002:{_tag}", _construct_text)
for _tag, _kind in (("int", "a whole number"), ("float", "a number"), ("bool", "true or false")):
    _tag = f"tag:yaml.org,2002:{_tag}"
    _LineConstructor.add_constructor(_tag, _read_scalar(SafeConstructor.yaml_constructors[_tag], _kind))


class _PythonLoader(Reader, Scanner, Parser, _BoundedComposer, _LineConstructor, Resolver):
    """The reader in pure Python, for when PyYAML was built without libyaml."""

    def __init__(self, stream):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _BoundedComposer.__init__(self)
        _LineConstructor.__init__(self)
        Resolver.__init__(self)


for _tag in ("str", "timestamp", "value"):
    _PythonLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _construct_checked_text)

_LOADERS = {"python": _PythonLoader}

if yaml.__with_libyaml__:
    from yaml.cyaml import CParser

    class _LibyamlLoader(_BoundedComposer, CParser, _LineConstructor, Resolver):
        """libyaml scans and parses, which is most of the work; Python composes and constructs, so that the
        bounds and the line of every mapping and field are the same as without it."""

        def __init__(self, stream):
            CParser.__init__(self, stream)
            _BoundedComposer.__init__(self)
            _LineConstructor.__init__(self)
            Resolver.__init__(self)

    _LOADERS["libyaml"] = _LibyamlLoader

_Loader = _LOADERS.get("libyaml", _PythonLoader)


class _Unusual(Exception):
    """The document uses something the event reader leaves to the full loader: an anchor, an alias, a tag,
    a merge key, a key written twice, a key that is a collection, deep nesting, or a syntax error."""


_NO_KEY = object()
_PLAIN = Resolver.yaml_implicit_resolvers
_NULL, _MERGE = "tag:yaml.org,2002:null", "tag:yaml.org,2002:merge"
_AS_TEXT = frozenset({"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value"})
_SCALARS = _LineConstructor()


def _plain_scalar(value: str, mark):
    """A plain scalar as the full loader reads it: the same implicit resolvers and constructors."""
    resolvers = _PLAIN.get(value[0] if value else "")
    if not resolvers:
        return value
    for tag, regexp in resolvers:
        if regexp.match(value):
            break
    else:
        return value
    if tag == _NULL:
        return None
    if tag in _AS_TEXT:
        return value
    if tag == _MERGE:
        raise _Unusual
    return _SCALARS.yaml_constructors[tag](_SCALARS, ScalarNode(tag, value, mark, mark))


def _read_events(text: str):
    """The common claims file straight from libyaml's events into mappings that carry their lines, without
    building a node per value: the full loader's composer and constructor cost about three times as much.
    Anything unusual raises _Unusual, and the full loader reads the document instead (and reports its
    problems); the tests hold both to the same values and lines."""
    parser = CParser(text)
    get = parser.get_event
    try:
        get()
        if type(get()) is not DocumentStartEvent:
            raise _Unusual
        # One frame per open collection: [the collection, its first line, the key awaiting its value].
        stack = []
        while True:
            event = get()
            kind = type(event)
            if kind is ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    raise _Unusual
                line = event.start_mark.line + 1
                value = _plain_scalar(event.value, event.start_mark) if event.implicit[0] \
                    else event.value
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None or event.tag is not None or len(stack) >= MAX_DEPTH:
                    raise _Unusual
                line = event.start_mark.line + 1
                if kind is MappingStartEvent:
                    mapping = _Mapping()
                    mapping.line, mapping.lines = line, {}
                    stack.append([mapping, line, _NO_KEY])
                else:
                    stack.append([[], line, None])
                continue
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                value, line, _ = stack.pop()
            else:
                raise _Unusual
            if not stack:
                if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
                    raise _Unusual
                return value
            frame = stack[-1]
            container = frame[0]
            if type(container) is list:
                container.append(value)
            elif frame[2] is _NO_KEY:
                if kind is not ScalarEvent or value in container:
                    raise _Unusual
                frame[2] = value
            else:
                key = frame[2]
                container[key] = value
                container.lines[key] = line
                frame[2] = _NO_KEY
    except yaml.YAMLError:
        raise _Unusual from None
    finally:
        parser.dispose()


def _field_name(key) -> str:
    return key if isinstance(key, str) and key.isprintable() and len(key) <= QUOTE_LIMIT else shown(key)


def _duplicate_problems(name, raw, duplicates) -> list[Problem]:
    """A problem for each key written twice in one mapping, with the record it is in where it is one."""
    items = {}
    if isinstance(raw, dict):
        for section in _SECTIONS:
            records = raw.get(section)
            if isinstance(records, list):
                for i, record in enumerate(records):
                    items.setdefault(id(record), f"{section}[{i}]")
    return [
        Problem(name, f"appears twice in one mapping (first on line {first}); keep one", line,
                items.get(id(mapping)), _field_name(key))
        for mapping, key, line, first in sorted(duplicates, key=lambda d: d[2])
    ]


def _noting_duplicates(name, raw, duplicates):
    if duplicates:
        problems = _duplicate_problems(name, raw, duplicates)
        if not isinstance(raw, _Mapping):
            raise LoadError(problems)
        raw.repeated = problems
    return raw


def _read_yaml(text: str, name: str):
    if _Loader is _LOADERS.get("libyaml"):
        try:
            return _read_events(text)
        except (_Unusual, yaml.YAMLError):
            pass
    loader = _Loader(text)
    try:
        raw = loader.get_single_data()
    except _Refused as exc:
        raise LoadError([Problem(name, exc.problem, line=exc.problem_mark.line + 1)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise LoadError([Problem(name, f"invalid YAML: {_printable(reason, 2 * QUOTE_LIMIT)}", line=line)]) from None
    finally:
        loader.dispose()
    return _noting_duplicates(name, raw, loader.duplicates)


def _json_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"a number of {len(digits)} digits is too long (over {MAX_DIGITS} digits)")
    return int(digits)


def _read_json(text: str, name: str):
    """JSON through the standard library's Python scanner, hooked so that objects carry their lines and
    report repeated keys, nesting is bounded before it recurses, and values that cannot be stored are
    located. The C scanner is faster but has no such hooks and no line for anything but a syntax error."""
    newlines = [m.start() for m in re.finditer("\n", text)]
    duplicates = []
    # One list per open object or array: the positions of the values scanned in it, so far.
    open_values = []

    def line_at(pos):
        return bisect.bisect_left(newlines, pos) + 1

    def scan(s, idx):
        if open_values:
            open_values[-1].append(idx)
        try:
            return scan_once(s, idx)
        except json.JSONDecodeError:
            raise
        except ValueError as exc:
            raise json.JSONDecodeError(str(exc), s, idx) from None

    def opened(pos):
        if len(open_values) >= MAX_DEPTH:
            raise LoadError([Problem(name, _TOO_DEEP, line=line_at(pos))])
        starts = []
        open_values.append(starts)
        return starts

    def parse_object(s_and_end, strict, _scan_once, object_hook, object_pairs_hook, memo=None):
        s, end = s_and_end
        starts = opened(end)
        try:
            pairs, stop = JSONObject(s_and_end, strict, scan, None, list, memo)
        finally:
            open_values.pop()
        mapping = _Mapping(pairs)
        mapping.line = line_at(end)
        lines = {}
        for (key, _), start in zip(pairs, starts):
            line = line_at(s.rfind(":", 0, start))
            if key in lines:
                duplicates.append((mapping, key, line, lines[key]))
            lines[key] = line
        mapping.lines = lines
        return mapping, stop

    def parse_array(s_and_end, _scan_once):
        opened(s_and_end[1])
        try:
            return JSONArray(s_and_end, scan)
        finally:
            open_values.pop()

    def parse_string(s, end, strict):
        value, stop = scanstring(s, end, strict)
        if not value.isascii() and _SURROGATE.search(value):
            raise json.JSONDecodeError("a \\u escape stands for half a UTF-16 surrogate pair, which is no character",
                                       s, end - 1)
        return value, stop

    decoder = json.JSONDecoder(parse_int=_json_int)
    decoder.parse_object, decoder.parse_array, decoder.parse_string = parse_object, parse_array, parse_string
    scan_once = py_make_scanner(decoder)
    decoder.scan_once = scan
    try:
        raw = decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise LoadError([Problem(name, f"invalid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno)]) from None
    return _noting_duplicates(name, raw, duplicates)


def read_claims(data: bytes, name: str):
    """Decode a claims file into plain records; a syntax error, nesting deeper than MAX_DEPTH or aliases
    standing for more than ALIAS_BUDGET nodes name the file and the line. Keys written twice in one mapping
    are noted on the returned mapping, for check_claims to report with the other problems."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError([Problem(name, f"not UTF-8 text (byte {exc.start})")]) from None
    if name.lower().endswith(".json"):
        return _read_json(text, name)
    return _read_yaml(text, name)


def _norm(name: str) -> str:
    return _SPACES.sub(" ", name).strip().casefold()


def _anonymous(name: str) -> bool:
    """An unnamed claimant ("a source", "diplomats (unnamed)") rather than a reference to an actor."""
    norm = _norm(name)
    return norm in ANONYMOUS or bool(_UNNAMED.search(norm))


def _suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {shown(close[0])}?)" if close else ""


def _printable(reason: str, limit: int = QUOTE_LIMIT) -> str:
    """A reason from a library, which may quote input raw (a newline, a tab, a tag of any length)."""
    if len(reason) > limit:
        reason = reason[:limit - 1] + "…"
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in reason)


class _Checker:
    """Walks the raw records once, collecting every problem instead of stopping at the first."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[Problem] = []
        self.actors: dict[str, Actor] = {}
        self.index: dict[str, str] = {}
        self.slugs: dict[str, str] = {}

    def problem(self, record, item, field, message):
        line = getattr(record, "lines", {}).get(field) or getattr(record, "line", None)
        self.problems.append(Problem(self.name, message, line, item, field))

    def text(self, record, item, field, required=False):
        value = record.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(record, item, field, "is required")
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.problem(record, item, field, f"must be text, got {type(value).__name__}")
            return None
        return value.strip()

    def texts(self, record, item, field, required=False):
        value = record.get(field)
        if value is None:
            if required:
                self.problem(record, item, field, "is required")
            return []
        values = value if isinstance(value, list) else [value]
        if (required and not values) or not all(
            v.strip() if isinstance(v, str) else isinstance(v, (int, float)) and not isinstance(v, bool) for v in values
        ):
            self.problem(record, item, field, "must be a non-empty text or a list of them")
            return []
        return [v.strip() if isinstance(v, str) else str(v) for v in values]

    def iri(self, record, item, field, value, iri) -> bool:
        """Whether the IRI a field becomes can be written; a problem for the field when it cannot."""
        reason = iri_problem(iri)
        if reason:
            self.problem(record, item, field, f"{shown(value)} does not make a valid IRI ({_printable(reason)})")
        return reason is None

    def date(self, record, item, field):
        value = record.get(field)
        if value is None or value == "":
            return None
        try:
            return iso_literal(value)
        except NotADate as exc:
            self.problem(record, item, field, str(exc))
            return None

    def records(self, doc, section):
        value = doc.get(section)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(doc, section, None, "must be a list")
            return []
        good = []
        for i, record in enumerate(value):
            if isinstance(record, dict):
                good.append((f"{section}[{i}]", record))
            else:
                self.problem(doc, f"{section}[{i}]", None, f"must be a mapping, got {type(record).__name__}")
        return good

    def declare(self, doc):
        for item, record in self.records(doc, "actors"):
            name = self.text(record, item, "name", required=True)
            kind = self.text(record, item, "type", required=True)
            if kind is not None and kind not in ACTOR_TYPES:
                self.problem(record, item, "type", f"unknown actor type {shown(kind)}{_suggest(kind, ACTOR_TYPES)}")
                kind = None
            aliases = self.texts(record, item, "aliases")
            wikidata = self.text(record, item, "wikidata")
            if wikidata and not _WIKIDATA.match(wikidata):
                self.problem(record, item, "wikidata", f"expected a Wikidata id like Q794, got {shown(wikidata)}")
                wikidata = None
            dbpedia = self.text(record, item, "dbpedia")
            if dbpedia and not self.iri(record, item, "dbpedia", dbpedia, dbpedia_iri(dbpedia)):
                dbpedia = None
            description = self.text(record, item, "description")
            if name is None or kind is None:
                continue
            if name in self.actors:
                self.problem(record, item, "name", f"actor {shown(name)} is declared twice")
                continue
            # An actor's IRI is minted from its name's slug: two names with one slug would be one node with
            # two names, which the shapes refuse.
            same = self.slugs.get(slug(name))
            if same is not None:
                self.problem(record, item, "name", f"actor {shown(name)} gets the same identifier as actor "
                             f"{shown(same)} ({slug(name)}); name it once and list the other form in its aliases")
                continue
            self.slugs[slug(name)] = name
            self.actors[name] = Actor(name, kind, aliases, wikidata, dbpedia, description)
            for form in [name, *aliases]:
                self.index.setdefault(_norm(form), name)

    def actor(self, record, item, field, name, place_ok=False):
        """The canonical name an actor reference stands for; undeclared places are made when allowed."""
        if isinstance(name, (int, float)) and not isinstance(name, bool):
            name = str(name)
        if not isinstance(name, str) or not name.strip():
            got = "" if isinstance(name, str) else f", got {type(name).__name__}"
            self.problem(record, item, field, f"must name an actor{got}")
            return None
        if place_ok:
            # A location slot names a place: "Damascus" the city, not Syria that it may stand for elsewhere.
            # A name that makes an actor's identifier is that actor: it would be its node anyway.
            found = next((n for n in self.actors if _norm(n) == _norm(name)), None) or self.slugs.get(slug(name))
            if found:
                return found
            place = name.strip()
            self.actors[place] = Actor(place, "Place", implicit=True)
            self.index.setdefault(_norm(place), place)
            self.slugs[slug(place)] = place
            return place
        found = self.index.get(_norm(name))
        if found:
            return found
        self.problem(record, item, field,
                     f"actor {shown(name)} is not declared in actors{_suggest(name, self.actors)}")
        return None

    def provenance(self, record, item):
        sentences = self.texts(record, item, "sentence", required=True)
        confidence = record.get("confidence")
        if confidence is not None:
            if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1:
                self.problem(record, item, "confidence", f"must be a number from 0 to 1, got {shown(confidence)}")
                confidence = None
        return Provenance(sentences, confidence)

    def relation(self, item, record):
        predicate = self.text(record, item, "predicate", required=True)
        if predicate is not None and predicate not in PREDICATES:
            self.problem(record, item, "predicate",
                         f"unknown predicate {shown(predicate)}{_suggest(predicate, PREDICATES)}")
            predicate = None
        subject = self.actor(record, item, "subject", record.get("subject"))
        raw_objects = record.get("object")
        if raw_objects is None:
            self.problem(record, item, "object", "is required")
            raw_objects = []
        elif isinstance(raw_objects, list) and not raw_objects:
            self.problem(record, item, "object", "must name at least one actor")
        raw_objects = raw_objects if isinstance(raw_objects, list) else [raw_objects]
        place_ok = predicate == "headquarteredIn"
        objects = [self.actor(record, item, "object", o, place_ok=place_ok) for o in raw_objects]
        relation = Relation(
            subject, predicate, objects, self.provenance(record, item),
            role=self.text(record, item, "role"), time=self.text(record, item, "time"),
            date=self.date(record, item, "date"), start=self.date(record, item, "start"),
            end=self.date(record, item, "end"), status=self.text(record, item, "status"),
        )
        if relation.start is not None and relation.end is not None and str(relation.end) < str(relation.start):
            self.problem(record, item, "end", f"ends ({relation.end}) before it starts ({relation.start})")
        return relation

    def event(self, item, record):
        kind = self.text(record, item, "type", required=True)
        if kind is not None and kind not in EVENT_TYPES:
            self.problem(record, item, "type", f"unknown event type {shown(kind)}{_suggest(kind, EVENT_TYPES)}")
        raw = record.get("participants")
        if not isinstance(raw, list) or not raw:
            self.problem(record, item, "participants", "must be a non-empty list of actors")
            raw = []
        participants = [self.actor(record, item, "participants", p) for p in raw]
        place = record.get("place")
        return Event(
            kind, participants, self.provenance(record, item),
            time=self.text(record, item, "time"), date=self.date(record, item, "date"),
            place=None if place is None or place == "" else self.actor(record, item, "place", place, place_ok=True),
        )

    def claim(self, item, record):
        raw = record.get("claimant")
        claimants, descriptions = [], []
        for claimant in raw if isinstance(raw, list) else ([] if raw is None else [raw]):
            if isinstance(claimant, str) and _anonymous(claimant) and _norm(claimant) not in self.index:
                descriptions.append(claimant.strip())
            else:
                claimants.append(self.actor(record, item, "claimant", claimant))
        channel = self.text(record, item, "channel")
        channel_actor = self.index.get(_norm(channel)) if channel else None
        quote = record.get("direct_quote")
        if quote is None:
            quote = False
        elif not isinstance(quote, bool):
            self.problem(record, item, "direct_quote", f"must be true or false, got {shown(quote)}")
            quote = False
        about = record.get("about")
        if about is None or about == "":
            about = []
        elif not isinstance(about, list):
            about = [about]
        return Claim(
            self.text(record, item, "content", required=True), quote, self.provenance(record, item),
            claimants=claimants, claimant_descriptions=descriptions,
            channel=channel_actor, channel_name=None if channel_actor else channel,
            hedge=self.text(record, item, "hedge"),
            about=[self.actor(record, item, "about", a) for a in about],
        )


def check_claims(raw, name: str, default_article: str) -> ClaimsDoc:
    """Check raw claims records and resolve their names; LoadError lists every problem found."""
    checker = _Checker(name)
    if not isinstance(raw, dict):
        raise LoadError([Problem(name, f"the top level must be a mapping of fields, got {type(raw).__name__}")])
    checker.problems.extend(getattr(raw, "repeated", ()))
    checker.declare(raw)
    relations = [checker.relation(i, r) for i, r in checker.records(raw, "relations")]
    events = [checker.event(i, r) for i, r in checker.records(raw, "events")]
    claims = [checker.claim(i, r) for i, r in checker.records(raw, "claims")]
    published = raw.get("published")
    if published is None or (isinstance(published, str) and not published.strip()):
        published = None
    else:
        try:
            published = published_literal(published)
        except NotADate as exc:
            checker.problem(raw, None, "published", str(exc))
            published = None
    meta = {field: checker.text(raw, None, field) for field in ("article", "title", "source", "publisher", "text")}
    if source_iri(meta["source"]):
        checker.iri(raw, None, "source", meta["source"], source_iri(meta["source"]))
    if checker.problems:
        raise LoadError(sorted(checker.problems, key=lambda p: p.line or 0))
    return ClaimsDoc(
        article=meta["article"] or default_article, actors=checker.actors,
        relations=relations, events=events, claims=claims,
        title=meta["title"], source=meta["source"], published=published, publisher=meta["publisher"],
        text_file=meta["text"],
    )
