"""The SPARQL 1.1 Protocol endpoint: queries by GET, POST form or POST direct, updates with a token."""

import hmac
import time

from flask import Blueprint, Response, current_app, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from geokg import queries as named
from geokg.loaders.errors import GeokgError
from geokg.store.pool import QueryTimeout
from geokg.store.querytext import with_using
from geokg.server import conneg
from geokg.server.app import geokg
from geokg.server.descriptions import service_description, serialize
from geokg.server.lean import ERROR_KEY, FORM, FORMAT_PARAMS, count_fields
from geokg.server.render import accepted

bp = Blueprint("sparql", __name__)
MULTIPART = "multipart/form-data"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
DESCRIPTION_TYPES = {**conneg.GRAPH_TYPES}
QUERY_FORMS = {"bindings": "SELECT", "boolean": "ASK", "graph": "CONSTRUCT or DESCRIBE"}


def limit_request(setting: str) -> None:
    """Refuse a request past the size limits before any of its body is read: by its query string, and by
    its Content-Length against ``setting``. A body without one (chunked) is cut off at the same limit
    while it is read, and forms are cut at GEOKG_MAX_FORM_FIELDS fields."""
    config = current_app.config
    most_bytes, most_fields = config["GEOKG_MAX_QUERY_BYTES"], config["GEOKG_MAX_FORM_FIELDS"]
    query_string = request.query_string
    if len(query_string) > most_bytes:
        raise GeokgError(f"the URL's query string is {len(query_string)} bytes; at most {most_bytes} are accepted "
                         "(GEOKG_MAX_QUERY_BYTES): POST a long query instead", 414, "URI too long")
    if count_fields(query_string) > most_fields:
        raise GeokgError(f"the URL has {count_fields(query_string)} parameters; at most {most_fields} are accepted "
                         "(GEOKG_MAX_FORM_FIELDS)", 414, "URI too long")
    limit = config[setting]
    request.max_content_length = limit
    request.max_form_memory_size = limit
    request.max_form_parts = most_fields
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(setting, request.content_length)


def _too_large(setting: str, size: int | None = None) -> GeokgError:
    limit = current_app.config[setting]
    said = f"is {size} bytes" if size is not None else f"is larger than {limit} bytes"
    return GeokgError(f"the request body {said}; at most {limit} are accepted here ({setting})", 413,
                      "Request too large")


def read_body(setting: str) -> bytes:
    """The request body, read at most up to the limit that ``limit_request`` set."""
    try:
        return request.get_data()
    except RequestEntityTooLarge:
        raise _too_large(setting) from None


@bp.before_request
def _limit():
    # The lean handler in front (server/lean.py) met this error answering the request: say it here.
    error = request.environ.pop(ERROR_KEY, None)
    if error is not None:
        raise error
    limit_request("GEOKG_MAX_QUERY_BYTES")


def _params() -> dict:
    """Protocol parameters from the query string, or the form of a form POST, its fields counted first."""
    if request.method != "POST" or request.mimetype not in (FORM, MULTIPART):
        return request.args
    most = current_app.config["GEOKG_MAX_FORM_FIELDS"]
    if request.mimetype == FORM:
        # Werkzeug bounds a urlencoded form's bytes but not its fields: three million of them in 30 MB
        # cost 10 s of parsing. The body read here is the one the form is then parsed from.
        fields = count_fields(read_body("GEOKG_MAX_QUERY_BYTES"))
        if fields > most:
            raise GeokgError(f"the form has {fields} fields; at most {most} are accepted (GEOKG_MAX_FORM_FIELDS)",
                             413, "Request too large")
    try:
        return request.form
    except RequestEntityTooLarge:
        raise GeokgError(f"the form has more than {most} fields (GEOKG_MAX_FORM_FIELDS) or more than "
                         f"{current_app.config['GEOKG_MAX_QUERY_BYTES']} bytes (GEOKG_MAX_QUERY_BYTES)", 413,
                         "Request too large") from None


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


def no_content(status: int = 204) -> Response:
    """A response with no body (204, or a 201 that only says where), and so no Content-Type."""
    response = Response(status=status)
    del response.headers["Content-Type"]
    return response


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
    if request.method == "POST" and mimetype not in (FORM, MULTIPART, QUERY, UPDATE):
        raise GeokgError(f"POST a query as {FORM} or {QUERY}, or an update as {UPDATE}; "
                         f"got {mimetype or 'no content type'}", 415, "Unsupported media type")
    if mimetype == UPDATE or (mimetype in (FORM, MULTIPART) and "update" in params):
        using = request.args if mimetype == UPDATE else params
        return _update(_text() if mimetype == UPDATE else params.get("update", ""),
                       using.getlist("using-graph-uri"), using.getlist("using-named-graph-uri"))
    query = _text() if mimetype == QUERY else params.get("query")
    if query is not None and "query" in params and mimetype == QUERY:
        raise GeokgError("give the query once: in the body or as a parameter, not both", 400, "Bad request")
    if not query or not query.strip():
        return _no_query()
    return _query(query, params, *_graph_lists(request.args if mimetype == QUERY else params))


def _text() -> str:
    return read_body("GEOKG_MAX_QUERY_BYTES").decode("utf-8", errors="replace")


def _no_query():
    if request.method in ("GET", "HEAD"):
        fmt = conneg.choose(request.headers.get("Accept"), DESCRIPTION_TYPES, "turtle", ("html",))
        if fmt == "html":
            catalogue = [{"name": q.name, "title": q.title, "query": q.sparql} for q in named.catalogue().values()]
            return render_template("sparql.html", examples=catalogue, endpoint=url_for("sparql.sparql"))
        if fmt:
            return _description(fmt)
    raise GeokgError("no query given: pass it as the 'query' parameter", 400, "Missing query")


def _description(fmt: str):
    g = geokg()
    # The configured base, never the Host header: a description states this dataset's public address.
    graph = service_description(g.ids.base + url_for("sparql.sparql"),
                                bool(current_app.config.get("GEOKG_WRITE_TOKEN")),
                                g.store.union_default_graph, bool(current_app.config.get("GEOKG_SERVICE_ALLOW")),
                                g.ids.base + url_for("operations.void"))
    body = serialize(graph, fmt)
    response = Response(body, content_type=conneg.MEDIA_TYPES[fmt])
    response.vary.add("Accept")
    return response


def _query(query: str, params, default_graphs, named_graphs):
    metrics = current_app.extensions["geokg_metrics"]
    try:
        # Relative IRIs resolve against the dataset's public address, never a Host header.
        result = geokg().store.query(query, default_graphs=default_graphs, named_graphs=named_graphs,
                                     base_iri=geokg().ids.base + request.path)
    except GeokgError:
        metrics.refused += 1
        raise
    fmt = _result_format(result.kind, params)
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


def _result_format(kind: str, params) -> str:
    """The format named by format=, output= or results= (in the form or the URL), else chosen by Accept."""
    sources = [params] if params is request.args else [params, request.args]
    names = [v for source in sources for name in FORMAT_PARAMS for v in source.getlist(name) if v.strip()]
    if not names:
        return accepted(conneg.kind_table(kind), conneg.DEFAULT[kind])
    fmt = conneg.named_format(names, kind)
    if fmt:
        return fmt
    offered = ", ".join(sorted(set(conneg.kind_table(kind).values()) | {"html"}))
    if any(conneg.known_format_name(name) for name in names):
        raise GeokgError(f"a {QUERY_FORMS[kind]} query cannot be answered as {names[0]!r}; use one of {offered}",
                         406, "Not acceptable")
    raise GeokgError(f"unknown format {names[0]!r}; use one of {offered} or a media type", 400, "Bad format")


def _update(update: str, using: list[str], using_named: list[str]):
    require_write_token()
    if not update.strip():
        raise GeokgError("no update given: pass it as the 'update' parameter or the body", 400, "Missing update")
    if using or using_named:
        update = with_using(update, using, using_named)
    geokg().store.update(update, base_iri=geokg().ids.base + request.path)
    return no_content()


def _table(result) -> dict:
    if result.kind == "boolean":
        return {"kind": "boolean", "boolean": bool(result)}
    if result.kind == "graph":
        graph = result.graph()
        rows = [{"s": s, "p": p, "o": o} for s, p, o in sorted(graph)]
        return {"kind": "graph", "variables": ["s", "p", "o"], "rows": rows, "truncated": result.truncated}
    rows = result.rows()
    return {"kind": "bindings", "variables": result.variables, "rows": rows, "truncated": result.truncated}
