"""Named queries on the web: a form per query, its answer as HTML, and JSON/CSV twins."""

from flask import Blueprint, Response, render_template, request

from geokg import queries as named
from geokg.server import conneg
from geokg.server.app import geokg
from geokg.server.render import link_header, negotiated, respond, url_with

bp = Blueprint("queries", __name__)
QUERY_TYPES = {"application/json": "json", "application/sparql-results+json": "json", "text/csv": "csv"}


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
    missing = [p.name for p in query.params if p.required and not values.get(p.name)]
    if fmt == "html":
        table = None
        if not missing:
            result = named.run(geokg().store, query, values)
            rows = result.rows()
            table = {"variables": result.variables, "rows": rows, "truncated": result.truncated,
                     "pages": _pages(stem, query, values, len(rows))}
        page = render_template("queries/query.html", query=query, values=values, table=table, missing=missing,
                               alternates=alternates)
        response = Response(page, mimetype="text/html")
        if table and table["pages"]:
            links = [f'<{table["pages"][rel]}>; rel="{rel}"' for rel in ("prev", "next") if table["pages"][rel]]
            if links:
                response.headers["Link"] = ", ".join(links)
    else:
        result = named.run(geokg().store, query, values)
        response = Response(result.serialize(fmt), content_type=conneg.MEDIA_TYPES[fmt])
    response.headers["Link"] = ", ".join(filter(None, [response.headers.get("Link"), link_header(alternates)]))
    response.vary.add("Accept")
    return response


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
