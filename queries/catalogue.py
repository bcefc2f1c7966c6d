"""Reading named queries from their .rq files, and binding their parameters safely."""

import datetime as dt
import difflib
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import XSD, Literal, URIRef

from geokg.loaders.dates import NotADate, iso_literal
from geokg.loaders.errors import GeokgError
from geokg.loaders.model import PREDICATES
from geokg.store.querytext import query_form
from geokg.store.sparqllex import tokenize
from geokg.ontology import GK

HERE = Path(__file__).resolve().parent
PARAM_TYPES = ("actor", "date", "relation", "string")
_HEADER = re.compile(r"^#\s*(title|description|param|page|key|names):\s*(.*)$")
# The highest page a listing answers: each page reads the rows of the pages before it.
MAX_PAGE = 10_000
_PARAM = re.compile(r"^(\w+)\s+(\w+)((?:\s+(?:required|default=\S+))*)\s*(?:--\s*(.*))?$")
# Each name and alias of an actor is also written in lower case as gk:nameKey when it is loaded, so a
# name in any case is one index lookup; only the few actors found are then checked with the engine's
# own LCASE, as every label used to be. A label written by other means (an update, the Graph Store)
# has no key and is found when given exactly as stored. Only the names of the actors found are read
# (LATERAL), not all of their triples: an actor in many relations has thousands.
_ACTOR_BY_NAME = """PREFIX gk: <https://w3id.org/geokg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?actor ?p WHERE {{
  {{ ?actor gk:nameKey {key} }} UNION {{ ?actor skos:prefLabel {name} }} UNION {{ ?actor skos:altLabel {name} }}
  LATERAL {{
    {{ ?actor skos:prefLabel ?label BIND(skos:prefLabel AS ?p) }} UNION {{ ?actor skos:altLabel ?label BIND(skos:altLabel AS ?p) }}
  }}
  FILTER(isIRI(?actor) && LCASE(STR(?label)) = LCASE({name}))
}}"""
_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
# What may stand between the angle brackets of an IRIREF, and no more: nothing that could end it.
_SAFE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20\s<>\"{}|\\^`]*$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
_ESCAPED = re.compile(r'[\\"\n\r]')


class ParameterError(GeokgError):
    """A parameter whose value cannot be used, naming the parameter and the value as given, so that a
    form can be shown again with that field marked."""

    def __init__(self, message: str, status: int, title: str, param: str, value: str):
        super().__init__(message, status, title)
        self.param, self.value = param, value


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
    # A listing that grows with the store is answered this many items at a time; its text holds one
    # LIMIT of this size, and the implicit parameter ``page`` adds the OFFSET of the page asked for.
    page_size: int | None = None
    # The columns that answer the question, which a page shows first; the rest are its evidence.
    key: tuple[str, ...] = ()
    # URI column -> the column holding its name, where the names do not say so (?x with ?xName does).
    names: tuple[tuple[str, str], ...] = ()


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
        if key == "page":
            meta["page"] = _page_size(value.strip(), text, name, lineno)
            params.append(Param("page", "page", False, "1", f"which {meta['page']} items to show: 1, 2, ..."))
            continue
        if key == "key":
            meta["key"] = tuple(value.split())
            continue
        if key == "names":
            pairs = [pair.split("=", 1) for pair in value.split()]
            if not all(len(pair) == 2 and all(pair) for pair in pairs):
                raise GeokgError(f"{name}.rq:{lineno}: bad names line {value!r}; expected '# names: URI=NAME ...', "
                                 "each a column of the query")
            meta["names"] = tuple(tuple(pair) for pair in pairs)
            continue
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
    variables = {t.text[1:] for t in tokenize(text) if t.kind in ("VAR1", "VAR2")}
    unknown = [k for k in [*meta.get("key", ()), *(v for pair in meta.get("names", ()) for v in pair)]
               if k not in variables]
    if unknown:
        raise GeokgError(f"{name}.rq: the header names {', '.join(map(repr, unknown))}, which the query does not use")
    return NamedQuery(name, meta["title"], meta["description"], text, tuple(params), meta.get("page"),
                      meta.get("key", ()), meta.get("names", ()))


def _limits(sparql: str, size: int) -> list:
    """The INTEGER tokens of every ``LIMIT size`` in a query."""
    tokens = tokenize(sparql)
    return [tokens[i + 1] for i, t in enumerate(tokens[:-1])
            if t.kind == "KEYWORD" and t.value == "LIMIT" and tokens[i + 1].kind == "INTEGER"
            and int(tokens[i + 1].text) == size]


def _page_size(value: str, text: str, name: str, lineno: int) -> int:
    if not value.isdigit() or int(value) < 1:
        raise GeokgError(f"{name}.rq:{lineno}: bad page line {value!r}; expected '# page: N', N a whole number")
    if len(_limits(text, int(value))) != 1:
        raise GeokgError(f"{name}.rq:{lineno}: '# page: {value}' needs exactly one 'LIMIT {value}' in the query, "
                         "where the page's items are picked")
    return int(value)


def paged(query: NamedQuery, page: int) -> str:
    """The text of one page of a paged query: its LIMIT, with the OFFSET of that page."""
    if query.page_size is None or page == 1:
        return query.sparql
    token = _limits(query.sparql, query.page_size)[0]
    return f"{query.sparql[:token.end]} OFFSET {(page - 1) * query.page_size}{query.sparql[token.end:]}"


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


def sparql_term(term) -> str:
    """An IRI or literal as SPARQL text, checked so that it is read as that one term and nothing more."""
    if isinstance(term, URIRef):
        if not _SAFE_IRI.match(term):
            raise GeokgError(f"not an IRI that can be written in a query: {str(term)!r}", 400, "Bad parameter")
        text = f"<{term}>"
    elif isinstance(term, Literal):
        text = '"' + _ESCAPED.sub(lambda m: _ESCAPES[m.group(0)], str(term)) + '"'
        if term.language:
            text += "@" + term.language
        elif term.datatype and str(term.datatype) != str(XSD.string):
            text += "^^" + sparql_term(URIRef(term.datatype))
    else:
        raise GeokgError(f"a parameter must be an IRI or a literal, not {term!r}", 400, "Bad parameter")
    # The engine's own reading, as the endpoint's checks use it: one term, of the kind that was meant.
    kinds = [t.kind for t in tokenize(text)]
    if kinds not in (["IRIREF"], ["STRING_LITERAL2"], ["STRING_LITERAL2", "LANGTAG"],
                     ["STRING_LITERAL2", "PUNCT", "IRIREF"]):
        raise GeokgError(f"parameter value {str(term)!r} cannot be written as one SPARQL term", 400, "Bad parameter")
    return text


def _actor(store, value: str, param: Param):
    if re.match(r"^https?://[^\s<>\"{}|\\^`]+$", value):
        return URIRef(value)
    name = sparql_term(Literal(value))
    rows = store.query(_ACTOR_BY_NAME.format(key=sparql_term(Literal(value.lower())), name=name)).texts()
    preferred = {r["actor"] for r in rows if r["p"] == _PREF_LABEL}
    found = preferred or {r["actor"] for r in rows}
    if len(found) == 1:
        return URIRef(found.pop())
    if not found:
        raise ParameterError(f"parameter {param.name!r}: no actor is named {value!r}", 404, "Unknown actor",
                             param.name, value)
    names = ", ".join(sorted(found))
    raise ParameterError(f"parameter {param.name!r}: {value!r} names several actors ({names}); pass a URI", 400,
                         "Ambiguous actor", param.name, value)


def _value(store, param: Param, value: str):
    if param.type == "page":
        if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
            raise GeokgError(f"parameter 'page': expected a whole number from 1 to {MAX_PAGE}, not {value!r}", 400,
                             "Bad parameter")
        return int(value)
    if param.type == "actor":
        return _actor(store, value, param)
    if param.type == "date":
        text = dt.date.today().isoformat() if value == "today" else value
        try:
            return Literal(str(iso_literal(text)))
        except NotADate as exc:
            raise ParameterError(f"parameter {param.name!r}: {exc}", 400, "Bad parameter", param.name,
                                 value) from None
    if param.type == "relation":
        if value not in PREDICATES:
            close = difflib.get_close_matches(value, PREDICATES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ParameterError(f"parameter {param.name!r}: unknown relation {value!r}{hint}", 400, "Bad parameter",
                                 param.name, value)
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


def _inlined(tokens, opening, bound: dict, terms: dict):
    """(offset, end, text) edits writing each bound variable's term in its place in the WHERE group,
    or None where a term cannot stand for it: after AS or in BOUND(...). A subquery is left as it is,
    its own projection and grouping naming variables: what it projects still meets the VALUES block,
    and LATERAL hands it the value itself."""
    edits = []
    i = tokens.index(opening)
    while i + 1 < len(tokens):
        i += 1
        token = tokens[i]
        if token.depth == 0:
            break
        if token.kind == "KEYWORD" and token.value == "SELECT":
            # To the brace that closes the subquery's group, one level out from its SELECT.
            while not (tokens[i].text == "}" and tokens[i].depth == token.depth - 1):
                i += 1
            continue
        if token.kind in ("VAR1", "VAR2") and token.text[1:] in bound:
            before = [t.value for t in tokens[max(0, i - 2):i]]
            if before[-1:] == ["AS"] or before == ["BOUND", "("]:
                return None
            edits.append((token.offset, token.end, terms[token.text[1:]]))
    return edits


def with_values(sparql: str, bound: dict) -> str:
    """The query with its parameters' terms in the text: in a VALUES block at the head of its WHERE
    group, which keeps them in the answer, and written in place of the variables in the group itself.

    Engine substitutions hide a value from Oxigraph's planner, which then reads every candidate and
    filters (actor-events: 1.4 s instead of 3 ms at 1M quads). VALUES alone is seen, but not always
    inside both branches of a UNION (relation-sources read every statement of its second branch); a
    constant in the pattern always is, as on the entity pages. Each term is checked to read as
    exactly one term.
    """
    if not bound:
        return sparql
    terms = {name: sparql_term(term) for name, term in bound.items()}
    tokens = tokenize(sparql)
    form = query_form(sparql)
    # Not the group of CONSTRUCT WHERE, which is also the template and holds triples only.
    opening = next((tokens[i + 1] for i, t in enumerate(tokens[:-1])
                    if t.depth == 0 and t.kind == "KEYWORD" and t.value == "WHERE" and tokens[i + 1].text == "{"
                    and not (i and tokens[i - 1].value == "CONSTRUCT")), None)
    if opening is None and form in ("SELECT", "ASK"):
        opening = next((t for t in tokens if t.depth == 0 and t.text == "{"), None)
    names = " ".join(f"?{name}" for name in bound)
    values = f"VALUES ({names}) {{ ({' '.join(terms.values())}) }}"
    if opening is None:
        # A query with no group of its own to open (CONSTRUCT WHERE, DESCRIBE): the trailing VALUES clause.
        return sparql + "\n" + values + "\n"
    edits = _inlined(tokens, opening, bound, terms) or []
    edits.append((opening.end, opening.end, "\n  " + values))
    for offset, end, text in sorted(edits, reverse=True):
        sparql = sparql[:offset] + text + sparql[end:]
    return sparql


def run(store, query: NamedQuery, values: dict[str, str]):
    """Run a named query with its parameters checked and written as VALUES, never pasted as raw text;
    a paged query answers the page its ``page`` parameter asks for (the first by default)."""
    bound = bind(query, values, store)
    page = bound.pop("page", 1)
    return store.query(with_values(paged(query, page), bound))
