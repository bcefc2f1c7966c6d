"""What a query's text says before any engine parses it: its form, and whether it would call out."""

import re

from geokg.loaders.errors import StoreError

# Strings and comments (and, for keyword checks, IRIs) are blanked out at the same length before
# keywords are looked for, so "SERVICE" inside a literal or an IRI is not taken for the keyword.
# pyoxigraph would run a SERVICE call or a LOAD itself, with no switch to stop it.
_STRINGS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*')
_IRIS = re.compile(r"<[^<>\s]*>")
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE\b(?:\s+SILENT\b)?\s*(<[^<>\s]*>|\S+)?", re.IGNORECASE)
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_FROM = re.compile(r"(?<![\w:?$])FROM\b", re.IGNORECASE)
_LOAD = re.compile(r"(?<![\w:?$])LOAD\b", re.IGNORECASE)


def mask(query: str, keep_iris: bool = False) -> str:
    """The query with strings and comments (and IRIs unless kept) blanked out, offsets unchanged."""
    blank = _STRINGS.sub(lambda m: " " * len(m.group(0)), query)
    return blank if keep_iris else _IRIS.sub(lambda m: " " * len(m.group(0)), blank)


def uses_service(query: str) -> bool:
    """True when the query contains a SERVICE clause, which would make the engine call out."""
    return bool(_SERVICE.search(mask(query)))


def refuse_service(query: str, allowed=()) -> None:
    """Refuse SERVICE calls unless their endpoint IRI is on the allowlist."""
    if "service" not in query.lower():
        return
    for match in _SERVICE.finditer(mask(query, keep_iris=True)):
        target = (match.group(1) or "").strip()
        endpoint = target[1:-1] if target.startswith("<") else None
        if endpoint is None or endpoint not in allowed:
            shown = endpoint or target or "(none)"
            raise StoreError(f"SERVICE {shown} is not allowed: this endpoint only calls the endpoints on its "
                             f"allowlist ({', '.join(allowed) or 'empty'})", status=400, title="Query refused")


def refuse_fetching_update(update: str, allowed=()) -> None:
    """Refuse LOAD: geokg never fetches a URL or reads a file because a request asked it to."""
    if _LOAD.search(mask(update)):
        raise StoreError("LOAD is not allowed: this endpoint never fetches URLs or reads files; "
                         "send the data in the request instead (Graph Store Protocol PUT or POST)",
                         status=400, title="Update refused")
    refuse_service(update, allowed)


def names_dataset(sparql: str) -> bool:
    """True when the query has FROM or FROM NAMED clauses of its own."""
    if "from" not in sparql.lower():
        return False
    return bool(_FROM.search(mask(sparql)))


def query_kind(sparql: str) -> str:
    """bindings, boolean or graph, from the query form after the prologue; bindings when unsure."""
    match = _FORM.search(mask(sparql))
    if not match:
        return "bindings"
    return {"SELECT": "bindings", "ASK": "boolean"}.get(match.group(1).upper(), "graph")


_IRI_ONLY = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
_OPERATION = re.compile(r"(?<![\w:?$])(WITH|DELETE|INSERT|USING|WHERE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|DATA)\b|[{};]",
                        re.IGNORECASE)


def with_using(update: str, graphs: list[str], named: list[str]) -> str:
    """The update with the protocol's using-graph-uri/using-named-graph-uri as USING clauses in each
    DELETE/INSERT ... WHERE operation; an update with USING or WITH of its own conflicts with them."""
    for iri in graphs + named:
        if not _IRI_ONLY.match(iri):
            raise StoreError(f"using-graph-uri must be an absolute IRI, got {iri!r}", 400, "Bad request")
    masked = mask(update)
    clause = " ".join([f"USING <{g}>" for g in graphs] + [f"USING NAMED <{g}>" for g in named]) + " "
    inserts, depth, modify = [], 0, False
    for match in _OPERATION.finditer(masked):
        token = match.group(0).upper()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth:
            continue
        elif token == ";":
            modify = False
        elif token in ("USING", "WITH"):
            raise StoreError("the update names its own dataset (USING or WITH) and the request gives "
                             "using-graph-uri too; use one or the other", 400, "Bad request")
        elif token in ("DELETE", "INSERT"):
            following = masked[match.end():].lstrip()[:5].upper()
            modify = not following.startswith(("DATA", "WHERE"))
        elif token == "WHERE" and modify:
            inserts.append(match.start())
            modify = False
    for position in reversed(inserts):
        update = update[:position] + clause + update[position:]
    return update
