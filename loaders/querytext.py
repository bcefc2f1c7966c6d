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
    return bool(_FROM.search(mask(sparql)))


def query_kind(sparql: str) -> str:
    """bindings, boolean or graph, from the query form after the prologue; bindings when unsure."""
    match = _FORM.search(mask(sparql))
    if not match:
        return "bindings"
    return {"SELECT": "bindings", "ASK": "boolean"}.get(match.group(1).upper(), "graph")
