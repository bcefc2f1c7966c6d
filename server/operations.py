"""Operations: liveness, Prometheus metrics and the VoID description of the dataset."""

from flask import Blueprint, Response, current_app, redirect, request, url_for

from geokg.server import conneg
from geokg.server.app import geokg
from geokg.server.descriptions import serialize, void_description, void_facts
from geokg.server.dumps import dump_urls, graph_names
from geokg.server.entities import store_kind
from geokg.server.render import negotiated

bp = Blueprint("operations", __name__)


@bp.get("/health")
def health():
    g = geokg()
    problem = g.store.health()
    if problem:
        # Load balancers read the status; people read the message.
        return {"ok": False, "status": 503, "title": "Store unavailable", "error": problem,
                "store": store_kind(g.store)}, 503
    return {"ok": True, "triples": len(g.store), "store": store_kind(g.store)}


@bp.get("/favicon.ico")
def favicon():
    # Clients that never read the page's <link rel="icon"> ask here first; the one icon is an SVG.
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.get("/metrics")
def metrics():
    pool = getattr(geokg().store, "pool", None)
    counts = {name: getattr(pool, name, 0) for name in ("killed", "memory_killed", "crashed")}
    text = current_app.extensions["geokg_metrics"].text(**counts)
    return Response(text, content_type="text/plain; version=0.0.4; charset=utf-8")


@bp.get("/.well-known/void")
def void():
    g = geokg()
    fmt = negotiated(conneg.GRAPH_TYPES, "turtle", extra=())
    # Finding the vocabularies and the URI space reads every triple (a second at a million), so once per
    # dataset version; the configured base, never the Host header, makes every URL.
    cache = current_app.extensions.setdefault("geokg_void", {})
    version = getattr(g.store, "version", None)
    if version is None or cache.get("version") != version:
        cache.update(version=version, facts=void_facts(g.store, g.ids.base))
    names = graph_names()
    whole, by_name = dump_urls(g.ids.base, [name for name, _ in names])
    dumps = (whole, {iri: by_name[name] for name, iri in names})
    graph = void_description(g.ids.base + url_for("operations.void"), g.ids.base + url_for("sparql.sparql"),
                             len(g.store), g.store.graphs(), dumps=dumps, **cache["facts"])
    body = serialize(graph, fmt)
    response = Response(body, content_type=conneg.MEDIA_TYPES[fmt])
    response.vary.add("Accept")
    return response


@bp.after_app_request
def count(response):
    current_app.extensions["geokg_metrics"].request(request.endpoint, request.method, response.status_code)
    return response
