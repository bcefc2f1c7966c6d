"""What a query's or update's text says before the engine parses it: its form, and whether it would call out.

pyoxigraph runs SERVICE calls and LOAD itself, with no switch to stop it, so every check here reads the
tokens of store/sparqllex.py: a SERVICE or LOAD keyword can then only hide inside an IRI, a string, a
comment, a prefixed name or a variable, and the lexer knows where each of those starts and ends (and
refuses text it cannot read). Each call lexes its text once; the last few texts are remembered, since
one request asks several of these questions about the same text.
"""

import functools
import re

from geokg.loaders.errors import StoreError
from geokg.store.sparqllex import KEYWORDS, NUMBERS, PNAMES, STRINGS, iri_value, tokenize

MAX_NESTING = 100
# Oxigraph also recurses along chains (a || b || ..., UNION after UNION, OPTIONAL after OPTIONAL, BIND
# after BIND): 0.5.13 crashed at 500 to 1000 chained OPTIONALs or BINDs on a 2 MB thread stack and at
# 2,000 to 10,000 on 8 MB. A text's depth counts each bracket and each chained operator or pattern along
# its deepest path.
MAX_DEPTH = 500

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_CHAIN_PUNCT = frozenset(("||", "&&", "+", "-", "*", "/", "!", "|", "^", "?"))
_CHAIN_KEYWORDS = frozenset(("UNION", "OPTIONAL", "MINUS", "BIND", "FILTER", "SERVICE", "GRAPH", "VALUES",
                             "LATERAL", "EXISTS", "NOT", "IN"))
_SIGNED = frozenset(k for k in NUMBERS if "_" in k)
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_URI_PARTS = re.compile(r"(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?", re.S)
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PLAIN_HOST = re.compile(r"[A-Za-z0-9._~-]*")
# Oxigraph compares keywords in ASCII case only: str.upper() would also turn a long s into S.
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_IRI_ONLY = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


class Inspection:
    """One pass over a text's tokens: its form, SERVICE targets, LOAD operations, nesting and depth."""

    def __init__(self, text: str):
        self.tokens = tokens = tokenize(text)
        self.form = _form(tokens)
        self.services: list[tuple] = []  # (SERVICE token, target IRIs, target as written)
        self.loads: list[int] = []  # indexes of LOAD tokens
        self.froms = False
        self.nesting = self.depth = 0
        base, prefixes, names = None, {}, []
        stack = [[0, 0]]  # per open bracket: chained items in it, deepest bracket closed in it
        for i, token in enumerate(tokens):
            kind, value = token.kind, token.value
            if kind == "KEYWORD":
                if value == "BASE" and _kind(tokens, i + 1) == "IRIREF":
                    base = _resolve(base, iri_value(tokens[i + 1].text))
                elif value == "PREFIX" and _kind(tokens, i + 1) == "PNAME_NS" and _kind(tokens, i + 2) == "IRIREF":
                    prefixes[tokens[i + 1].text[:-1]] = _resolve(base, iri_value(tokens[i + 2].text)) or ""
                elif value == "SERVICE":
                    self.services.append(_service_target(tokens, i, base, prefixes))
                elif value == "LOAD":
                    self.loads.append(i)
                elif value == "FROM":
                    self.froms = True
                if value in _CHAIN_KEYWORDS:
                    stack[-1][0] += 1
            elif kind == "PUNCT":
                if value in ("{", "(", "["):
                    if value == "{":
                        stack[-1][0] += 1
                    stack.append([0, 0])
                    self.nesting = max(self.nesting, len(stack) - 1)
                elif value in ("}", ")", "]"):
                    items, deepest = stack.pop()
                    stack[-1][1] = max(stack[-1][1], 1 + items + deepest)
                elif value in _CHAIN_PUNCT:
                    stack[-1][0] += 1
            elif kind in _SIGNED:
                stack[-1][0] += 1
            elif kind in PNAMES:
                upper = token.text.translate(_ASCII_UPPER)
                if "SERVICE" in upper or "LOAD" in upper:
                    names.append(token)
        self.depth = stack[0][0] + stack[0][1]
        self.hidden = _hidden_keywords(names, prefixes)


def inspect(text: str) -> Inspection:
    """The text's tokens and what they say; StoreError (400, Bad query) when it cannot be lexed."""
    return _remembered(text) if len(text) <= _REMEMBERED_UP_TO else Inspection(text)


# Queries are small; a long text is lexed again rather than kept with its tokens.
_REMEMBERED_UP_TO = 1 << 14
_remembered = functools.lru_cache(maxsize=16)(Inspection)


def check_nesting(text: str, limit: int = MAX_NESTING, depth_limit: int = MAX_DEPTH) -> None:
    """Refuse a text whose brackets nest deeper than ``limit`` or whose depth passes ``depth_limit``:
    Oxigraph parses and evaluates recursively and crashes the process on deep enough input."""
    _refuse_deep(inspect(text), limit, depth_limit)


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first keyword after the prologue; None for anything else."""
    return inspect(text).form


def query_kind(sparql: str) -> str:
    """bindings, boolean or graph, from the query form; bindings when the text is no query."""
    return {"ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}.get(query_form(sparql), "bindings")


def names_dataset(sparql: str) -> bool:
    """True when the query has FROM or FROM NAMED clauses of its own."""
    return inspect(sparql).froms


def uses_service(query: str) -> bool:
    """True when the query holds a SERVICE call, which would make the engine call out."""
    found = inspect(query)
    return bool(found.services or found.hidden["SERVICE"])


def refuse_service(query: str, allowed=()) -> None:
    """Refuse SERVICE calls unless their endpoint, resolved as the engine resolves it, is on the
    allowlist; refuse texts too deeply nested for the engine, and texts the lexer cannot read."""
    found = inspect(query)
    _refuse_deep(found, MAX_NESTING, MAX_DEPTH)
    _refuse_calls(found, allowed)


def refuse_fetching_update(update: str, allowed=()) -> str:
    """The update to run: ``update`` with its LOAD SILENT operations taken out (empty when nothing else
    is left: nothing to do). geokg never fetches a URL because a request asked it to: LOAD SILENT does
    nothing, any other LOAD is refused, and SERVICE, nesting and unreadable text are refused as in
    queries. Callers run the returned text, not the one they passed."""
    found = inspect(update)
    _refuse_deep(found, MAX_NESTING, MAX_DEPTH)
    _refuse_calls(found, allowed)
    if found.hidden["LOAD"]:
        raise _load_refused(f"the engine could read {found.hidden['LOAD'][0].text} as a LOAD; rename the prefix")
    if not found.loads:
        return update
    kept = drop_silent_loads(update)
    if kept:
        again = inspect(kept)
        _refuse_deep(again, MAX_NESTING, MAX_DEPTH)
        _refuse_calls(again, allowed)
        if again.loads or again.hidden["LOAD"]:
            raise _load_refused("removing LOAD SILENT left a LOAD behind")
    return kept


def drop_silent_loads(update: str) -> str:
    """``update`` without its ``LOAD SILENT <iri> (INTO GRAPH <g>)?`` operations; an empty string when no
    other operation is left. Any other LOAD is refused: geokg never fetches URLs."""
    found = inspect(update)
    if not found.loads:
        return update
    tokens = found.tokens
    cuts, remaining = [], 0
    for start, stop in _operations(tokens):
        first = _after_prologue(tokens, start, stop)
        loads = [i for i in found.loads if start <= i < stop]
        if not loads:
            remaining += first < stop
            continue
        if loads != [first]:
            raise _load_refused("LOAD may only start an operation")
        if _kind(tokens, first + 1) != "KEYWORD" or tokens[first + 1].value != "SILENT":
            raise _load_refused(" ".join(t.text for t in tokens[first:min(first + 2, stop)]))
        if not _is_load_silent(tokens, first, stop):
            raise _load_refused("a LOAD SILENT operation is LOAD SILENT <iri>, optionally INTO GRAPH <iri>")
        end = tokens[stop].end if stop < len(tokens) else tokens[stop - 1].end
        cuts.append((tokens[first].offset, end))
    if not remaining:
        return ""
    kept, at = [], 0
    for begin, end in cuts:
        kept.append(update[at:begin])
        at = end
    kept.append(update[at:])
    return "".join(kept)


def with_using(update: str, graphs: list[str], named: list[str]) -> str:
    """The update with the protocol's using-graph-uri/using-named-graph-uri as USING clauses in each
    DELETE/INSERT ... WHERE operation; an update with USING or WITH of its own conflicts with them."""
    for iri in graphs + named:
        if not _IRI_ONLY.match(iri):
            raise StoreError(f"using-graph-uri must be an absolute IRI, got {iri!r}", 400, "Bad request")
    tokens = inspect(update).tokens
    clause = " ".join([f"USING <{g}>" for g in graphs] + [f"USING NAMED <{g}>" for g in named]) + " "
    inserts, modify = [], False
    for i, token in enumerate(tokens):
        if token.depth:
            continue
        value = token.value
        if value == ";" and token.kind == "PUNCT":
            modify = False
        elif token.kind != "KEYWORD":
            continue
        elif value in ("USING", "WITH"):
            raise StoreError("the update names its own dataset (USING or WITH) and the request gives "
                             "using-graph-uri too; use one or the other", 400, "Bad request")
        elif value in ("DELETE", "INSERT"):
            following = tokens[i + 1].value if i + 1 < len(tokens) else ""
            modify = following not in ("DATA", "WHERE")
        elif value == "WHERE" and modify:
            inserts.append(token.offset)
            modify = False
    for position in reversed(inserts):
        update = update[:position] + clause + update[position:]
    return update


def _refuse_deep(found: Inspection, limit: int, depth_limit: int) -> None:
    if found.nesting > limit:
        raise StoreError(f"brackets nest {found.nesting} deep here; at most {limit} are accepted",
                         status=400, title="Query too deeply nested")
    if found.depth > depth_limit:
        raise StoreError(f"brackets and chained operators or patterns (UNION, OPTIONAL, BIND, ||, +, ...) "
                         f"reach a depth of {found.depth}; at most {depth_limit} is accepted",
                         status=400, title="Query too deeply nested")


def _refuse_calls(found: Inspection, allowed) -> None:
    if found.hidden["SERVICE"]:
        token = found.hidden["SERVICE"][0]
        raise StoreError(f"the engine could read {token.text} as a SERVICE call, which this endpoint does not "
                         "accept; rename the prefix", status=400, title="Query refused")
    for _, targets, written in found.services:
        for target in targets:
            if target is None or target not in allowed:
                raise StoreError(f"SERVICE {target or written} is not allowed: this endpoint only calls the "
                                 f"endpoints on its allowlist ({', '.join(allowed) or 'empty'})", status=400,
                                 title="Query refused")


def _load_refused(what: str) -> StoreError:
    return StoreError(f"LOAD is not allowed ({what}): geokg never fetches URLs or reads files because a "
                      "request asked it to; send the data in the request instead (Graph Store Protocol PUT or "
                      "POST). LOAD SILENT is accepted and does nothing.", status=400, title="Update refused")


def _kind(tokens, i: int) -> str | None:
    return tokens[i].kind if i < len(tokens) else None


def _after_prologue(tokens, start: int, stop: int) -> int:
    """The index of the first token after the BASE, PREFIX and VERSION declarations from ``start``."""
    i = start
    while i < stop and tokens[i].kind == "KEYWORD":
        if tokens[i].value == "BASE" and _kind(tokens, i + 1) == "IRIREF":
            i += 2
        elif tokens[i].value == "PREFIX" and _kind(tokens, i + 1) == "PNAME_NS" and _kind(tokens, i + 2) == "IRIREF":
            i += 3
        elif tokens[i].value == "VERSION" and _kind(tokens, i + 1) in STRINGS:
            i += 2
        else:
            break
    return min(i, stop)


def _form(tokens) -> str | None:
    first = _after_prologue(tokens, 0, len(tokens))
    if first < len(tokens) and tokens[first].kind == "KEYWORD" and tokens[first].value in FORMS:
        return tokens[first].value
    return None


def _operations(tokens):
    """(start, stop) token index ranges of an update's operations, split at the ';' outside brackets."""
    start = 0
    for i, token in enumerate(tokens):
        if token.depth == 0 and token.kind == "PUNCT" and token.value == ";":
            yield start, i
            start = i + 1
    yield start, len(tokens)


def _is_load_silent(tokens, first: int, stop: int) -> bool:
    shape = [t.kind if t.kind != "KEYWORD" else t.value for t in tokens[first:stop]]
    iri = {"IRIREF", "PNAME_LN", "PNAME_NS"}
    if len(shape) == 3:
        return shape[:2] == ["LOAD", "SILENT"] and shape[2] in iri
    return (len(shape) == 6 and shape[:2] == ["LOAD", "SILENT"] and shape[2] in iri
            and shape[3:5] == ["INTO", "GRAPH"] and shape[5] in iri)


def _service_target(tokens, i: int, base, prefixes) -> tuple:
    """(SERVICE token, every endpoint IRI the engine could call (None: one it cannot tell), the target as written)."""
    j = i + 1
    silent = _kind(tokens, j) == "KEYWORD" and tokens[j].value == "SILENT"
    j += silent
    if j >= len(tokens):
        return tokens[i], [None], "(none)"
    target = tokens[j]
    if target.kind == "IRIREF":
        iri = iri_value(target.text)
        return tokens[i], [iri if _ABSOLUTE.match(iri) else _resolve(base, iri)], target.text
    if target.kind not in PNAMES:
        return tokens[i], [None], target.text
    prefix, _, local = target.text.partition(":")
    readings = [prefix]
    # Oxigraph tries SERVICE SILENT first, and finds SILENT at the start of "silentex:x" too.
    if not silent and prefix.translate(_ASCII_UPPER).startswith("SILENT") and prefix[6:] in prefixes:
        readings.append(prefix[6:])
    targets = []
    for name in readings:
        namespace = prefixes.get(name)
        iri = None if namespace is None else namespace + local.replace("\\", "")
        targets.append(iri if iri is not None and _ABSOLUTE.match(iri) else None)
    return tokens[i], targets, target.text


def _resolve(base: str | None, ref: str) -> str | None:
    """``ref`` resolved against ``base`` (RFC 3986, section 5.2); None when it stays relative."""
    scheme, authority, path, query, fragment = _URI_PARTS.fullmatch(ref).groups()
    if scheme is not None:
        return ref
    if base is None:
        return None
    b_scheme, b_authority, b_path, b_query, _ = _URI_PARTS.fullmatch(base).groups()
    if authority is not None:
        path = _remove_dot_segments(path)
    else:
        authority = b_authority
        if path == "":
            path, query = b_path, query if query is not None else b_query
        elif path.startswith("/"):
            path = _remove_dot_segments(path)
        else:
            merged = ("/" + path) if b_authority is not None and b_path == "" else b_path[:b_path.rfind("/") + 1] + path
            path = _remove_dot_segments(merged)
    out = b_scheme + ":"
    if authority is not None:
        out += "//" + authority
    out += path
    if query is not None:
        out += "?" + query
    if fragment is not None:
        out += "#" + fragment
    return out


def _remove_dot_segments(path: str) -> str:
    output: list[str] = []
    while path:
        if path.startswith("../"):
            path = path[3:]
        elif path.startswith("./"):
            path = path[2:]
        elif path.startswith("/./"):
            path = path[2:]
        elif path == "/.":
            path = "/"
        elif path.startswith("/../"):
            path = path[3:]
            if output:
                output.pop()
        elif path == "/..":
            path = "/"
            if output:
                output.pop()
        elif path in (".", ".."):
            path = ""
        else:
            cut = path.find("/", 1)
            cut = len(path) if cut < 0 else cut
            output.append(path[:cut])
            path = path[cut:]
    return "".join(output)


def _hidden_keywords(names, prefixes: dict) -> dict:
    """Prefixed names the engine could read as SERVICE or LOAD followed by an endpoint.

    Oxigraph matches keywords without a word boundary (``service:x`` can be ``SERVICE :x``) and, when a
    prefixed name expands to an invalid IRI, reads ``ex:`` alone and the local part as new tokens."""
    hidden = {"SERVICE": [], "LOAD": []}
    for token in names:
        prefix, _, local = token.text.partition(":")
        for word in hidden:
            if _keyword_split(prefix, word, prefixes) or (
                    word in local.translate(_ASCII_UPPER)
                    and not all(_surely_valid(ns, local.replace("\\", "")) for ns in prefixes.values())):
                hidden[word].append(token)
    return hidden


def _keyword_split(prefix: str, word: str, prefixes: dict) -> bool:
    """True when ``prefix`` can be read as keywords, then ``word``, SILENT perhaps, then a declared prefix."""
    upper = prefix.translate(_ASCII_UPPER)
    reachable = {0}
    for at in range(len(prefix)):
        if at not in reachable:
            continue
        if upper.startswith(word, at):
            rest = prefix[at + len(word):]
            options = [rest, rest[6:]] if rest.translate(_ASCII_UPPER).startswith("SILENT") else [rest]
            if any(option in prefixes for option in options):
                return True
        if prefix.startswith("a", at):
            reachable.add(at + 1)
        for keyword in KEYWORDS:
            if upper.startswith(keyword, at):
                reachable.add(at + len(keyword))
    return False


def _surely_valid(namespace: str, local: str) -> bool:
    """True when ``namespace`` + ``local`` is certainly a valid IRI, so the engine reads the name whole."""
    scheme = _ABSOLUTE.match(namespace)
    if not scheme:
        return False
    rest = namespace[scheme.end():]
    if rest.startswith("//") and not any(c in rest[2:] for c in "/?#"):
        return bool(_PLAIN_HOST.fullmatch(local))
    if local.count("#") > ("#" not in namespace):
        return False
    return not _BAD_PERCENT.search(local) and not any("\uFFF0" <= c <= "\uFFFF" for c in local)
