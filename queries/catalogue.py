"""Reading named queries from their .rq files, and binding their parameters safely."""

import datetime as dt
import difflib
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef

from geokg.loaders.dates import NotADate, iso_literal
from geokg.loaders.errors import GeokgError
from geokg.loaders.model import PREDICATES
from geokg.ontology import GK

HERE = Path(__file__).resolve().parent
PARAM_TYPES = ("actor", "date", "relation", "string")
_HEADER = re.compile(r"^#\s*(title|description|param):\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s+(\w+)((?:\s+(?:required|default=\S+))*)\s*(?:--\s*(.*))?$")
_ACTOR_BY_NAME = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?actor ?name ?preferred WHERE {
  { ?actor skos:prefLabel ?label BIND(true AS ?preferred) }
  UNION { ?actor skos:altLabel ?label BIND(false AS ?preferred) }
  FILTER(LCASE(STR(?label)) = LCASE(STR(?name)))
}"""


@dataclass(frozen=True)
class Param:
    """One parameter of a named query; it is the SPARQL variable of the same name."""

    name: str
    type: str
    required: bool = False
    default: str | None = None
    help: str = ""


@dataclass(frozen=True)
class NamedQuery:
    """A stored, parameterised SPARQL query."""

    name: str
    title: str
    description: str
    sparql: str
    params: tuple[Param, ...] = field(default_factory=tuple)


def parse_rq(text: str, name: str) -> NamedQuery:
    """A named query from .rq text whose leading comments give title, description and params."""
    meta = {"title": None, "description": ""}
    params = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key != "param":
            meta[key] = value.strip()
            continue
        spec = _PARAM.match(value.strip())
        if not spec or spec.group(2) not in PARAM_TYPES:
            raise GeokgError(f"{name}.rq:{lineno}: bad param line {value!r}; expected "
                             f"'NAME TYPE [required] [default=V] -- help' with TYPE one of {', '.join(PARAM_TYPES)}")
        flags = spec.group(3).split()
        default = next((f.split("=", 1)[1] for f in flags if f.startswith("default=")), None)
        params.append(Param(spec.group(1), spec.group(2), "required" in flags, default, spec.group(4) or ""))
    if not meta["title"]:
        raise GeokgError(f"{name}.rq: the header needs a '# title:' line")
    return NamedQuery(name, meta["title"], meta["description"], text, tuple(params))


@functools.lru_cache(maxsize=None)
def catalogue() -> dict[str, NamedQuery]:
    """Every shipped named query, by name."""
    return {p.stem: parse_rq(p.read_text(encoding="utf-8"), p.stem) for p in sorted(HERE.glob("*.rq"))}


def get(name: str) -> NamedQuery:
    """A named query by name, or a 404 that lists the known ones."""
    queries = catalogue()
    if name not in queries:
        close = difflib.get_close_matches(name, list(queries), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise GeokgError(f"no named query {name!r}.{hint} Known: {', '.join(queries)}", 404, "Unknown query")
    return queries[name]


def _actor(store, value: str, param: Param):
    if re.match(r"^https?://[^\s<>\"{}|\\^`]+$", value):
        return URIRef(value)
    rows = store.query(_ACTOR_BY_NAME, {"name": Literal(value)}).rows()
    preferred = {r["actor"] for r in rows if r["preferred"].toPython()}
    found = preferred or {r["actor"] for r in rows}
    if len(found) == 1:
        return found.pop()
    if not found:
        raise GeokgError(f"parameter {param.name!r}: no actor is named {value!r}", 404, "Unknown actor")
    names = ", ".join(sorted(str(a) for a in found))
    raise GeokgError(f"parameter {param.name!r}: {value!r} names several actors ({names}); pass a URI", 400,
                     "Ambiguous actor")


def _value(store, param: Param, value: str):
    if param.type == "actor":
        return _actor(store, value, param)
    if param.type == "date":
        text = dt.date.today().isoformat() if value == "today" else value
        try:
            return Literal(str(iso_literal(text)))
        except NotADate as exc:
            raise GeokgError(f"parameter {param.name!r}: {exc}", 400, "Bad parameter") from None
    if param.type == "relation":
        if value not in PREDICATES:
            close = difflib.get_close_matches(value, PREDICATES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise GeokgError(f"parameter {param.name!r}: unknown relation {value!r}{hint}", 400, "Bad parameter")
        return getattr(GK, value)
    return Literal(value)


def bind(query: NamedQuery, values: dict[str, str], store) -> dict:
    """Checked SPARQL terms for the given parameter values; a parameter left out stays a free variable."""
    known = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise GeokgError(f"{query.name} takes no parameter {', '.join(map(repr, unknown))}; "
                         f"it takes {', '.join(known) or 'none'}", 400, "Bad parameter")
    bound = {}
    for param in query.params:
        value = values.get(param.name)
        if value in (None, ""):
            value = param.default
        if value in (None, ""):
            if param.required:
                raise GeokgError(f"{query.name} needs the parameter {param.name!r} ({param.help})", 400,
                                 "Missing parameter")
            continue
        bound[param.name] = _value(store, param, value.strip())
    return bound


def run(store, query: NamedQuery, values: dict[str, str]):
    """Run a named query with its parameters bound by the engine, never pasted into the text."""
    return store.query(query.sparql, bind(query, values, store))
