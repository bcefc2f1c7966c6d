"""The SPARQL 1.1 Protocol endpoint: query by GET, by POST form or by POST direct."""

from flask import Blueprint, Response, render_template, request

from geokg.loaders.errors import GeokgError
from geokg.server import conneg
from geokg.server.app import geokg
from geokg.server.render import negotiated

bp = Blueprint("sparql", __name__)
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"


def query_text() -> str | None:
    """The query string from wherever the protocol allows it to be."""
    if request.method == "GET":
        return request.args.get("query")
    mimetype = request.mimetype
    if mimetype == DIRECT:
        return request.get_data(as_text=True)
    if mimetype in (FORM, "multipart/form-data"):
        return request.form.get("query")
    raise GeokgError(f"POST a query as {FORM} or {DIRECT}, not {mimetype or 'no content type'}", 415,
                     "Unsupported media type")


@bp.route("/sparql", methods=["GET", "POST"])
def sparql():
    query = query_text()
    if not query or not query.strip():
        if conneg.choose(request.headers.get("Accept"), {}, "html", ("html",)) == "html" and request.method == "GET":
            return render_template("sparql.html", query=EXAMPLE, result=None)
        raise GeokgError("no query given: pass it as the 'query' parameter", 400, "Missing query")
    result = geokg().store.query(query)
    table = conneg.kind_table(result.kind)
    fmt = negotiated(table, conneg.DEFAULT[result.kind])
    if fmt == "html":
        page = render_template("sparql.html", query=query, result=_table(result))
        response = Response(page, mimetype="text/html")
    else:
        response = Response(result.serialize(fmt), content_type=conneg.MEDIA_TYPES[fmt])
    response.vary.add("Accept")
    return response


def _table(result) -> dict:
    if result.kind == "boolean":
        return {"kind": "boolean", "boolean": bool(result)}
    if result.kind == "graph":
        graph = result.graph()
        rows = [{"s": s, "p": p, "o": o} for s, p, o in sorted(graph)]
        return {"kind": "graph", "variables": ["s", "p", "o"], "rows": rows}
    rows = result.rows()
    return {"kind": "bindings", "variables": result.variables, "rows": rows, "truncated": result.truncated}


EXAMPLE = """PREFIX gk: <https://w3id.org/geokg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

SELECT ?memberName ?allianceName WHERE {
  ?member gk:memberOf ?alliance .
  ?alliance a gk:Alliance .
  ?member skos:prefLabel ?memberName .
  ?alliance skos:prefLabel ?allianceName .
} ORDER BY ?allianceName ?memberName
"""
