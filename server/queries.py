"""Named queries on the web: a form per query, its answer as HTML, and JSON/CSV twins.

The view builds the answer's data once; the twins serialise the query's result with every column, and
the page renders the same rows for a reader: names linked instead of URIs, the columns that answer
the question first, and a parameter's value said once above the rows instead of in each of them."""

import datetime as dt
import re

from flask import Blueprint, Response, jsonify, render_template, request
from rdflib import Literal, URIRef

from geokg import queries as named
from geokg.loaders.errors import GeokgError
from geokg.queries.catalogue import ParameterError
from geokg.server import conneg
from geokg.server.app import geokg
from geokg.server.entity_data import ontology_labels
from geokg.server.errors import error_payload
from geokg.server.render import href, link_header, negotiated, respond, url_with
from geokg.server.search import matches

bp = Blueprint("queries", __name__)
QUERY_TYPES = {"application/json": "json", "application/sparql-results+json": "json", "text/csv": "csv"}
# A column named after another with one of these endings holds that column's name for people.
NAME_SUFFIXES = ("Name", "Label")
# Longer text than this is a sentence or a quotation: its column gets the room and wraps.
LONG_TEXT = 60
SUGGESTIONS = 5
GUESSES = 6

# Names for all the URIs of a page in one query, each looked up from its bound URI (LATERAL), once per
# distinct name: a person's name first, then a label (events, articles), then a headline.
LABELS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
SELECT ?n ?rank ?label WHERE {{
  VALUES ?n {{ {values} }}
  LATERAL {{ SELECT DISTINCT ?n ?rank ?label WHERE {{
    {{ ?n skos:prefLabel ?label BIND(0 AS ?rank) }} UNION {{ ?n rdfs:label ?label BIND(1 AS ?rank) }}
    UNION {{ ?n schema:headline ?label BIND(2 AS ?rank) }}
  }} }}
}}"""


@bp.get("/queries")
@bp.get("/queries.json", defaults={"as_json": True})
def index(as_json=False):
    fmt = "json" if as_json else negotiated({"application/json": "json"}, "html")
    data = {"queries": [
        {"name": q.name, "title": q.title, "description": q.description,
         "params": [vars(p) for p in q.params]} for q in named.catalogue().values()
    ]}
    return respond(fmt, data, "queries/index.html", {"json": "/queries.json"})


@bp.get("/queries/<name>")
def run(name: str):
    stem, dot, suffix = name.rpartition(".")
    fmt = {"json": "json", "csv": "csv"}.get(suffix) if dot else None
    if fmt is None:
        stem, fmt = name, negotiated(QUERY_TYPES, "html")
    query = named.get(stem)
    values = {k: v for k, v in request.args.items() if k != "format"}
    alternates = {f: url_with(f"/queries/{stem}.{f}", **values) for f in ("json", "csv")}
    if fmt == "html":
        response = _page(stem, query, values, alternates)
    else:
        try:
            result = named.run(geokg().store, query, values)
        except ParameterError as exc:
            # The twin of a form answered with "did you mean": the one error shape, naming the guesses.
            guesses = [s["label"] for s in _did_you_mean(query, exc)]
            hint = f"; did you mean {' or '.join(map(repr, guesses))}?" if guesses else ""
            response = jsonify(error_payload(exc.status, exc.title, exc.message + hint))
            response.status_code = exc.status
        else:
            response = Response(result.serialize(fmt), content_type=conneg.MEDIA_TYPES[fmt])
    response.headers["Link"] = ", ".join(filter(None, [response.headers.get("Link"), link_header(alternates)]))
    response.vary.add("Accept")
    return response


def _page(stem: str, query, values: dict, alternates: dict) -> Response:
    """The form, and the answer when every required parameter is given; a value the query cannot use
    keeps the form, with the error by its field and the names search finds for it."""
    missing = [p.name for p in query.params if p.required and not values.get(p.name)]
    answer, problem, status = None, None, 200
    if not missing:
        try:
            result = named.run(geokg().store, query, values)
        except ParameterError as exc:
            status = exc.status
            problem = {"param": exc.param, "title": exc.title, "message": exc.message,
                       "suggestions": [{**s, "url": url_with(f"/queries/{stem}", **{**values, exc.param: s["label"]})}
                                       for s in _did_you_mean(query, exc)]}
        else:
            rows = result.rows()
            answer = answer_view(geokg().store, query, values, result.variables, rows, result.truncated)
            answer["pages"] = _pages(stem, query, values, len(answer["rows"]))
    page = render_template("queries/query.html", query=query, values=values, form=_form(query, values),
                           answer=answer, problem=problem, missing=missing, alternates=alternates)
    response = Response(page, status, mimetype="text/html")
    if answer and answer["pages"]:
        links = [f'<{answer["pages"][rel]}>; rel="{rel}"' for rel in ("prev", "next") if answer["pages"][rel]]
        if links:
            response.headers["Link"] = ", ".join(links)
    return response


def _form(query, values: dict) -> list[dict]:
    """The form's fields: what was typed, else the default, with "today" written as today's date."""
    fields = []
    for p in query.params:
        value = values.get(p.name)
        if value is None:
            value = _dated(p, p.default or "")
        fields.append({"name": p.name, "type": p.type, "required": p.required, "help": p.help, "value": value,
                       "label": title(p.name)})
    return fields


def _did_you_mean(query, error: ParameterError) -> list[dict]:
    """Actors the site search finds for a name no actor has: for the whole text, else for ever shorter
    beginnings of it, down to half of it, so that a misspelt ending still finds its actor."""
    param = next((p for p in query.params if p.name == error.param), None)
    if param is None or param.type != "actor" or not error.value.strip():
        return []
    text = error.value.strip()[:100]
    store = geokg().store
    # At most about GUESSES searches, however long the text: each reads every name that holds it.
    step = max(1, len(text) // GUESSES)
    for length in range(len(text), max(2, len(text) // 2) - 1, -step):
        found = matches(store, text[:length].rstrip())
        if found:
            return found[:SUGGESTIONS]
    return []


def _pages(stem: str, query, values: dict, rows: int) -> dict | None:
    """Links to the pages around this one, for a query answered a page at a time. A page shorter than
    the page size is the last; a full one may be followed by an empty one."""
    if query.page_size is None:
        return None
    page = int(values.get("page") or 1)
    others = {k: v for k, v in values.items() if k != "page"}
    return {"page": page, "size": query.page_size,
            "prev": url_with(f"/queries/{stem}", **others, page=page - 1) if page > 1 else None,
            "next": url_with(f"/queries/{stem}", **others, page=page + 1) if rows >= query.page_size else None}


def title(variable: str) -> str:
    """A column's heading from its variable: "asOf" -> "As of", "memberName" -> "Member"."""
    for suffix in NAME_SUFFIXES:
        if variable.endswith(suffix) and len(variable) > len(suffix):
            variable = variable[: -len(suffix)]
    words = re.sub(r"(?<=[a-z0-9])([A-Z])", r" \1", variable).lower()
    return words[:1].upper() + words[1:]


def _name_columns(variables: list[str], declared=()) -> dict[str, str]:
    """URI column -> the column holding its name: pairs such as ?member and ?memberName, and those the
    query's '# names:' header declares."""
    out = {uri: name for uri, name in declared if uri in variables and name in variables}
    for v in variables:
        for suffix in NAME_SUFFIXES:
            base = v[: -len(suffix)]
            if v.endswith(suffix) and base in variables and base not in out:
                out[base] = v
    return out


def answer_view(store, query, values: dict, variables: list[str], rows: list[dict], truncated: bool) -> dict:
    """The answer as a reader sees it: given values once, key columns first, a name and link per URI."""
    names = _name_columns(variables, query.names)
    label_columns = set(names.values())
    # A parameter's column holds the value given for it in every row: said once, above the rows.
    constant = {v for v in variables if rows and len({str(r.get(v)) for r in rows}) == 1 and rows[0].get(v) is not None}
    given = [p for p in query.params if p.type != "page" and (p.name in constant or values.get(p.name) or p.default)]
    key = [k for k in query.key if k in variables]
    hidden = {p.name for p in given if p.name in constant} | label_columns
    shown = [v for v in key + [v for v in variables if v not in key] if v not in hidden]
    uris = {str(r[v]) for r in rows for v in variables if isinstance(r.get(v), URIRef) and v not in names}
    label_of = labels(store, uris)

    def cell(row, v):
        value = row.get(v)
        if value is None:
            return None
        if isinstance(value, URIRef):
            name = row.get(names[v]) if v in names else None
            text = str(name) if name is not None else label_of.get(str(value))
            # A node with no name (a statement, a claim) is shown by the last part of its address.
            return {"text": text or _last_segment(str(value)), "href": href(value), "uri": str(value),
                    "slug": not text}
        text = str(value)
        if isinstance(value, Literal) and value.datatype and str(value.datatype).endswith("#boolean"):
            text = "yes" if value.toPython() is True else "no"
        return {"text": text, "long": len(text) > LONG_TEXT}

    cells = [[cell(r, v) for v in shown] for r in rows]
    # Long as shown: a URI shown by a short name is not.
    columns = [{"name": v, "title": title(v), "key": v in key,
                "long": any(row[i] is not None and len(row[i]["text"]) > LONG_TEXT for row in cells)}
               for i, v in enumerate(shown)]
    return {
        "given": [{"name": p.name, "title": title(p.name),
                   "cell": cell(rows[0], p.name) if p.name in constant else {"text": _typed(p, values)}}
                  for p in given],
        "columns": columns,
        "rows": cells,
        "truncated": truncated,
    }


def _typed(param, values: dict) -> str:
    return _dated(param, values.get(param.name) or param.default or "")


def _dated(param, value: str) -> str:
    """A date parameter's "today" as the date it stands for, which is what a reader needs to see."""
    return dt.date.today().isoformat() if param.type == "date" and value == "today" else value


def _last_segment(uri: str) -> str:
    return re.split(r"[/#]", uri.rstrip("/"))[-1] or uri


def labels(store, uris) -> dict[str, str]:
    """The best name of each URI that has one, in one query for all of them."""
    vocabulary = ontology_labels()
    found = {u: vocabulary[u] for u in uris if u in vocabulary}
    asked = sorted(u for u in uris if u not in found)
    terms = []
    for u in asked:
        try:
            terms.append(named.sparql_term(URIRef(u)))
        except GeokgError:
            continue
    if terms:
        best = {}
        for r in store.query(LABELS.format(values=" ".join(terms))).texts():
            # The best kind of name, and of several of that kind, the first in order: the same every time.
            candidate = (int(r["rank"]), r["label"])
            best[r["n"]] = min(best.get(r["n"], candidate), candidate)
        found.update({u: label for u, (_, label) in best.items()})
    return found
