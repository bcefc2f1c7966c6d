"""The SPARQL 1.1 Protocol endpoint: queries by GET, POST form or POST direct, updates with a token."""

import hmac
import time

from flask import Blueprint, Response, current_app, render_template, request, url_for

from geokg import queries as named
from geokg.loaders.errors import GeokgError
from geokg.loaders.pool import QueryTimeout
from geokg.loaders.querytext import with_using
from geokg.server import conneg
from geokg.server.app import geokg
from geokg.server.descriptions import service_description, serialize
from geokg.server.render import negotiated

bp = Blueprint("sparql", __name__)
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
DESCRIPTION_TYPES = {**conneg.GRAPH_TYPES}


def _params() -> dict:
    """Protocol parameters from the query string, or the form of a form POST."""
    if request.method == "POST" and request.mimetype in (FORM, "multipart/form-data"):
        return request.form
    return request.args


def _graph_lists(params):
    return params.getlist("default-graph-uri") or None, params.getlist("named-graph-uri") or None


def require_write_token() -> None:
    """Writes need the configured token, compared in constant time; without one the endpoint is read-only."""
    token = current_app.config.get("GEOKG_WRITE_TOKEN") or ""
    if not token:
        raise GeokgError("this endpoint is read-only: set GEOKG_WRITE_TOKEN to allow updates", 403, "Read-only")
    given = request.headers.get("Authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
        raise GeokgError("a valid write token is needed: send 'Authorization: Bearer TOKEN'", 401, "Unauthorized")


@bp.route("/sparql", methods=["GET", "POST"])
def sparql():
    params = _params()
    mimetype = request.mimetype if request.method == "POST" else None
    charset = request.mimetype_params.get("charset", "utf-8").lower() if request.method == "POST" else "utf-8"
    if charset.replace("-", "") != "utf8":
        raise GeokgError(f"requests must be UTF-8, not {charset}", 415, "Unsupported media type")
    if request.method == "GET" and "update" in request.args:
        raise GeokgError("updates must be POSTed, never sent with GET", 405, "Method not allowed")
    for name in ("query", "update"):
        if len(params.getlist(name)) > 1:
            raise GeokgError(f"give one '{name}' parameter, not {len(params.getlist(name))}", 400, "Bad request")
    if "query" in params and "update" in params:
        raise GeokgError("a request is a query or an update, not both", 400, "Bad request")
    if request.method == "POST" and mimetype not in (FORM, "multipart/form-data", QUERY, UPDATE):
        raise GeokgError(f"POST a query as {FORM} or {QUERY}, or an update as {UPDATE}; "
                         f"got {mimetype or 'no content type'}", 415, "Unsupported media type")
    if mimetype == UPDATE or (mimetype in (FORM, "multipart/form-data") and "update" in params):
        using = request.args if mimetype == UPDATE else params
        return _update(request.get_data(as_text=True) if mimetype == UPDATE else params.get("update", ""),
                       using.getlist("using-graph-uri"), using.getlist("using-named-graph-uri"))
    query = request.get_data(as_text=True) if mimetype == QUERY else params.get("query")
    if query is not None and "query" in params and mimetype == QUERY:
        raise GeokgError("give the query once: in the body or as a parameter, not both", 400, "Bad request")
    if not query or not query.strip():
        return _no_query()
    return _query(query, *_graph_lists(request.args if mimetype == QUERY else params))


def _no_query():
    accept = request.headers.get("Accept")
    fmt = conneg.choose(accept, DESCRIPTION_TYPES, "turtle", ("html",))
    if request.method == "GET" and fmt == "html":
        catalogue = [{"name": q.name, "title": q.title, "query": q.sparql} for q in named.catalogue().values()]
        return render_template("sparql.html", examples=catalogue, endpoint=url_for("sparql.sparql"))
    if request.method == "GET" and fmt and accept and "*/*" not in accept:
        return _description(fmt)
    if request.method == "GET" and not accept:
        return _description("turtle")
    raise GeokgError("no query given: pass it as the 'query' parameter", 400, "Missing query")


def _description(fmt: str):
    g = geokg()
    endpoint = request.url_root.rstrip("/") + url_for("sparql.sparql")
    graph = service_description(endpoint, bool(current_app.config.get("GEOKG_WRITE_TOKEN")),
                                g.store.union_default_graph, bool(current_app.config.get("GEOKG_SERVICE_ALLOW")),
                                request.url_root.rstrip("/") + "/.well-known/void")
    body = serialize(graph, fmt)
    response = Response(body, content_type=conneg.MEDIA_TYPES[fmt])
    response.vary.add("Accept")
    return response


def _query(query: str, default_graphs, named_graphs):
    metrics = current_app.extensions["geokg_metrics"]
    try:
        result = geokg().store.query(query, default_graphs=default_graphs, named_graphs=named_graphs,
                                     base_iri=request.base_url)
    except GeokgError:
        metrics.refused += 1
        raise
    fmt = negotiated(conneg.kind_table(result.kind), conneg.DEFAULT[result.kind])
    started = time.perf_counter()
    try:
        if fmt == "html":
            table = _table(result)
            body, mimetype = render_template("sparql_results.html", query=query, result=table), "text/html"
        else:
            body, mimetype = result.serialize(fmt), conneg.MEDIA_TYPES[fmt]
    except QueryTimeout:
        metrics.timeouts += 1
        raise
    finally:
        elapsed = time.perf_counter() - started
        metrics.query(elapsed)
        if elapsed >= current_app.config.get("GEOKG_SLOW_QUERY_SECONDS", 1.0):
            current_app.logger.warning("slow query (%.2f s): %s", elapsed, " ".join(query.split())[:2000])
    response = Response(body, content_type=mimetype)
    if result.truncated:
        response.headers["X-Geokg-Truncated"] = str(geokg().store.max_rows)
    response.vary.add("Accept")
    return response


def _update(update: str, using: list[str], using_named: list[str]):
    require_write_token()
    if not update.strip():
        raise GeokgError("no update given: pass it as the 'update' parameter or the body", 400, "Missing update")
    if using or using_named:
        update = with_using(update, using, using_named)
    geokg().store.update(update, base_iri=request.base_url)
    return Response(status=204)


def _table(result) -> dict:
    if result.kind == "boolean":
        return {"kind": "boolean", "boolean": bool(result)}
    if result.kind == "graph":
        graph = result.graph()
        rows = [{"s": s, "p": p, "o": o} for s, p, o in sorted(graph)]
        return {"kind": "graph", "variables": ["s", "p", "o"], "rows": rows, "truncated": result.truncated}
    rows = result.rows()
    return {"kind": "bindings", "variables": result.variables, "rows": rows, "truncated": result.truncated}
