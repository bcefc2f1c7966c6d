"""Entity pages and the home page: every URI under /id/ is a page with machine-readable twins."""

from flask import Blueprint

from geokg import queries as named
from geokg.loaders.errors import GeokgError
from geokg.server import conneg
from geokg.server.app import geokg
from geokg.server.entity_data import build_entity, describe, home_data
from geokg.server.render import negotiated, respond
from geokg.ontology import CONTEXT_PATH, ONTOLOGY_PATH

bp = Blueprint("entities", __name__)

ENTITY_TYPES = {**conneg.GRAPH_TYPES, "application/json": "json"}
TWINS = {"html": "", "json": ".json", "turtle": ".ttl", "jsonld": ".jsonld", "ntriples": ".nt", "rdfxml": ".rdf"}


@bp.get("/")
@bp.get("/index.json", defaults={"as_json": True})
def home(as_json=False):
    g = geokg()
    fmt = "json" if as_json else negotiated({"application/json": "json"}, "html")
    data = home_data(g.store)
    data["queries"] = [{"name": q.name, "title": q.title} for q in named.catalogue().values()]
    data["store"] = g.store.describe()
    return respond(fmt, data, "home.html", {"json": "/index.json"})


@bp.get("/id/<path:rest>")
def entity(rest: str):
    g = geokg()
    stem, dot, suffix = rest.rpartition(".")
    fmt = conneg.SUFFIXES.get(suffix) if dot else None
    if fmt is None or fmt == "csv":
        stem, fmt = rest, negotiated(ENTITY_TYPES, "html")
    uri = f"{g.ids.base}/id/{stem}"
    data = build_entity(g.store, uri)
    if data is None:
        raise GeokgError(f"nothing in the graph is called <{uri}>", 404, "Not found")
    page = f"/id/{stem}"
    alternates = {f: page + s for f, s in TWINS.items() if f != "html"}
    return respond(fmt, data, "entity.html", alternates, graph=lambda: describe(g.store, uri))


@bp.get("/ontology.ttl")
def ontology():
    return ONTOLOGY_PATH.read_bytes(), 200, {"Content-Type": "text/turtle; charset=utf-8"}


@bp.get("/context.jsonld")
def jsonld_context():
    return CONTEXT_PATH.read_bytes(), 200, {"Content-Type": "application/ld+json"}
