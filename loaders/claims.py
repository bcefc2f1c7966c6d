"""The claims file format (YAML or JSON): bytes to raw records, and raw records to checked records."""

import difflib
import json
import re

import yaml
from rdflib import Literal

from geokg.loaders.dates import NotADate, iso_literal, published_literal
from geokg.loaders.errors import LoadError, Problem
from geokg.loaders.model import (
    ACTOR_TYPES, ANONYMOUS, EVENT_TYPES, PREDICATES, Actor, Claim, ClaimsDoc, Event, Provenance, Relation,
)

_WIKIDATA = re.compile(r"^Q[1-9]\d*$")


class _Mapping(dict):
    """A YAML mapping that remembers its own line and each field's, so errors can point at them."""

    line: int | None = None
    lines: dict = {}


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings carry their 1-based line number."""


def _construct_mapping(loader, node):
    mapping = _Mapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.lines = {key.value: value.start_mark.line + 1 for key, value in node.value}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_claims(data: bytes, name: str):
    """Decode a claims file into plain records; a syntax error names the file and line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError([Problem(name, f"not UTF-8 text (byte {exc.start})")]) from None
    if name.lower().endswith(".json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise LoadError([Problem(name, f"invalid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno)]) from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise LoadError([Problem(name, f"invalid YAML: {reason}", line=line)]) from None


def _norm(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def _anonymous(name: str) -> bool:
    """An unnamed claimant ("a source", "diplomats (unnamed)") rather than a reference to an actor."""
    norm = _norm(name)
    return norm in ANONYMOUS or bool(re.search(r"\b(unnamed|anonymous|unidentified)\b", norm))


def _suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Checker:
    """Walks the raw records once, collecting every problem instead of stopping at the first."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[Problem] = []
        self.actors: dict[str, Actor] = {}
        self.index: dict[str, str] = {}

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
        if not all(isinstance(v, str) and v.strip() for v in values):
            self.problem(record, item, field, "must be a non-empty text or a list of them")
            return []
        return [v.strip() for v in values]

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
                self.problem(record, item, "type", f"unknown actor type {kind!r}{_suggest(kind, ACTOR_TYPES)}")
                kind = None
            aliases = self.texts(record, item, "aliases")
            wikidata = self.text(record, item, "wikidata")
            if wikidata and not _WIKIDATA.match(wikidata):
                self.problem(record, item, "wikidata", f"expected a Wikidata id like Q794, got {wikidata!r}")
                wikidata = None
            if name is None or kind is None:
                continue
            if name in self.actors:
                self.problem(record, item, "name", f"actor {name!r} is declared twice")
                continue
            self.actors[name] = Actor(
                name, kind, aliases, wikidata, self.text(record, item, "dbpedia"), self.text(record, item, "description"),
            )
            for form in [name, *aliases]:
                self.index.setdefault(_norm(form), name)

    def actor(self, record, item, field, name, place_ok=False):
        """The canonical name an actor reference stands for; undeclared places are made when allowed."""
        if not isinstance(name, str) or not name.strip():
            self.problem(record, item, field, "must name an actor")
            return None
        if place_ok:
            # A location slot names a place: "Damascus" the city, not Syria that it may stand for elsewhere.
            found = next((n for n in self.actors if _norm(n) == _norm(name)), None)
            if found:
                return found
            place = name.strip()
            self.actors[place] = Actor(place, "Place", implicit=True)
            self.index.setdefault(_norm(place), place)
            return place
        found = self.index.get(_norm(name))
        if found:
            return found
        self.problem(record, item, field, f"actor {name!r} is not declared in actors{_suggest(name, self.actors)}")
        return None

    def provenance(self, record, item):
        sentences = self.texts(record, item, "sentence", required=True)
        confidence = record.get("confidence")
        if confidence is not None:
            if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1:
                self.problem(record, item, "confidence", f"must be a number from 0 to 1, got {confidence!r}")
                confidence = None
        return Provenance(sentences, confidence)

    def relation(self, item, record):
        predicate = self.text(record, item, "predicate", required=True)
        if predicate is not None and predicate not in PREDICATES:
            self.problem(record, item, "predicate", f"unknown predicate {predicate!r}{_suggest(predicate, PREDICATES)}")
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
            self.problem(record, item, "type", f"unknown event type {kind!r}{_suggest(kind, EVENT_TYPES)}")
        raw = record.get("participants")
        if not isinstance(raw, list) or not raw:
            self.problem(record, item, "participants", "must be a non-empty list of actors")
            raw = []
        participants = [self.actor(record, item, "participants", p) for p in raw]
        place = record.get("place")
        return Event(
            kind, participants, self.provenance(record, item),
            time=self.text(record, item, "time"), date=self.date(record, item, "date"),
            place=self.actor(record, item, "place", place, place_ok=True) if place else None,
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
        quote = record.get("direct_quote", False)
        if not isinstance(quote, bool):
            self.problem(record, item, "direct_quote", f"must be true or false, got {quote!r}")
            quote = False
        about = record.get("about") or []
        if not isinstance(about, list):
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
    checker.declare(raw)
    relations = [checker.relation(i, r) for i, r in checker.records(raw, "relations")]
    events = [checker.event(i, r) for i, r in checker.records(raw, "events")]
    claims = [checker.claim(i, r) for i, r in checker.records(raw, "claims")]
    published = None
    if raw.get("published") not in (None, ""):
        try:
            published = published_literal(raw["published"])
        except NotADate:
            # The format lets a file keep the date as printed ("unknown" included): kept as text.
            published = Literal(str(raw["published"]).strip())
    meta = {field: checker.text(raw, None, field) for field in ("article", "title", "source", "publisher")}
    if checker.problems:
        raise LoadError(checker.problems)
    return ClaimsDoc(
        article=meta["article"] or default_article, actors=checker.actors,
        relations=relations, events=events, claims=claims,
        title=meta["title"], source=meta["source"], published=published, publisher=meta["publisher"],
    )
