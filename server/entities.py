"""Entity pages and the home page: every URI under /id/ is a page with machine-readable twins."""

import datetime as dt
import hashlib
import json
import threading

from flask import Blueprint, Response, request
from markupsafe import Markup
from rdflib import OWL, RDF, RDFS

from geokg import queries as named
from geokg.loaders.errors import GeokgError
from geokg.server import conneg
from geokg.server.app import geokg
from geokg.loaders.dates import NotADate, iso_literal
from geokg.ontology import CONTEXT_PATH, NS, ONTOLOGY_PATH, ontology_graph
from geokg.server.entity_data import body_marks, build_entity, describe, events_in_order, home_data, \
    members_as_of, membership_rows, network_edges, start_network
from geokg.server.pictures import network_svg, timeline_svg
from geokg.server.render import href, negotiated, respond, url_with

bp = Blueprint("entities", __name__)

ENTITY_TYPES = {**conneg.GRAPH_TYPES, "application/json": "json"}
TWINS = {"html": "", "json": ".json", "turtle": ".ttl", "jsonld": ".jsonld", "ntriples": ".nt", "rdfxml": ".rdf"}


# The home page reads every actor's facts and every event, which grows with the store (seconds at
# 10M quads), so its data is kept for as long as the dataset version stays the same.
_HOME = {}
_HOME_LOCK = threading.Lock()


@bp.get("/")
@bp.get("/index.json", defaults={"as_json": True})
def home(as_json=False):
    g = geokg()
    fmt = "json" if as_json else negotiated({"application/json": "json"}, "html")
    key = (id(g.store), getattr(g.store, "version", None), fmt)
    with _HOME_LOCK:
        data = _HOME.get(key) if key[1] is not None else None
    if data is None:
        data = home_data(g.store)
        data["queries"] = [{"name": q.name, "title": q.title} for q in named.catalogue().values()]
        data["store"] = store_kind(g.store)
        if fmt == "html":
            _story(g, data)
        with _HOME_LOCK:
            for old in [k for k in _HOME if k[0] == key[0] and k[1] != key[1]]:
                del _HOME[old]
            _HOME[key] = data
    return respond(fmt, data, "home.html", {"json": "/index.json"})


def store_kind(store) -> str:
    """What kind of store answers, for the home page: never where it lives (a path or an address tells a
    visitor about the server, and an address may carry credentials)."""
    if hasattr(store, "config"):
        return "remote SPARQL store"
    workers = getattr(getattr(store, "pool", None), "size", None)
    if getattr(store, "path", None):
        return "Oxigraph store on disk" + (f" ({workers} query workers)" if workers else "")
    return "in-memory Oxigraph store"


def _story(g, data):
    """The graph at a glance: the most connected actor's network, the largest alliance over time, events."""
    actors = [a for a in data["actors"] if a["type"] != "Alliance" and a["type"] != "Place"]
    if actors:
        top = actors[0]
        edges, data["network_more"] = network_edges(g.store, top["uri"],
                                                    {a["uri"]: a["label"] for a in data["actors"]}, href)
        if edges:
            data["story_actor"] = top
            data["network"] = Markup(network_svg({"uri": top["uri"], "label": top["label"], "href": None}, edges))
    alliances = [a for a in data["actors"] if a["type"] == "Alliance"]
    if alliances:
        rows = membership_rows(g.store, alliances[0]["uri"], {a["uri"]: a["label"] for a in data["actors"]}, href)
        if rows:
            data["story_alliance"] = alliances[0]
            data["timeline"] = Markup(timeline_svg(rows, dt.date.today().isoformat()))
    data["events"] = events_in_order(g.store)


@bp.get("/id/<path:rest>")
def entity(rest: str):
    g = geokg()
    stem, dot, suffix = rest.rpartition(".")
    fmt = conneg.SUFFIXES.get(suffix) if dot else None
    if fmt is None or fmt == "csv":
        stem, fmt = rest, negotiated(ENTITY_TYPES, "html")
    uri = f"{g.ids.base}/id/{stem}"
    page = f"/id/{stem}"
    alternates = {f: page + s for f, s in TWINS.items() if f != "html"}
    # Weak ETags from the dataset version: any write changes them, so a cached page is never stale.
    tag = f"{g.store.version}-{hashlib.sha1(request.full_path.encode() + fmt.encode()).hexdigest()[:16]}"
    if request.if_none_match.contains_weak(tag):
        response = Response(status=304)
        response.set_etag(tag, weak=True)
        response.vary.add("Accept")
        return response
    as_of = request.args.get("asOf") or None
    if as_of:
        try:
            as_of = str(iso_literal(as_of))
        except NotADate as exc:
            raise GeokgError(f"asOf: {exc}", 400, "Bad parameter") from None
    network = start_network(g.store, uri) if fmt == "html" else []
    data = build_entity(g.store, uri, as_of=as_of, incoming_page=request.args.get("incoming", 1, type=int),
                        network=network, page=request.args.get("page", 1, type=int))
    if data is None:
        raise GeokgError(f"nothing in the graph is called <{uri}>", 404, "Not found")
    paging = data.get("paging")
    if paging:
        alternates = _paged(paging, alternates)
    if fmt == "html":
        _pictures(g, uri, data, network)
        data["schema"] = schema_jsonld(data)
        if data["body"]:
            data["marks"] = body_marks(data)
    response = respond(fmt, data, "entity.html", alternates, graph=lambda: describe(g.store, uri))
    if paging:
        response.headers["Link"] += "".join(f', <{paging[rel]}>; rel="{rel}"' for rel in ("prev", "next")
                                            if paging[rel])
    response.set_etag(tag, weak=True)
    return response


def _paged(paging: dict, alternates: dict) -> dict:
    """Links to the pages around this one, in the format asked for, and twins of this very page."""
    args = {k: v for k, v in request.args.items() if k != "page"}
    number = paging["page"]
    paging["prev"] = url_with(request.path, **args, page=number - 1) if number > 1 else None
    paging["next"] = url_with(request.path, **args, page=number + 1) if number < paging["pages"] else None
    return {f: url_with(url, **args, page=number if number > 1 else None) for f, url in alternates.items()}


ACTOR_CLASSES = ("State", "Organization", "ArmedGroup", "PoliticalParty", "Person", "Media", "Alliance", "Place", "Actor")


def _pictures(g, uri, data, network):
    kinds = {t["uri"].rsplit("#", 1)[-1] for t in data["types"]}
    if kinds & set(ACTOR_CLASSES):
        edges, data["network_more"] = network_edges(g.store, uri, data["labels"], href, network)
        if data.get("asOf"):
            edges = [e for e in edges if any(
                r["relation"].endswith("#" + e["relation"]) for r in data["relations"])]
        if edges:
            data["network"] = Markup(network_svg({"uri": uri, "label": data["label"], "href": None}, edges))
    if "Alliance" in kinds:
        rows = membership_rows(g.store, uri, data["labels"], href)
        if data.get("asOf"):
            rows = members_as_of(rows, data["asOf"])
        if rows:
            data["timeline"] = Markup(timeline_svg(rows, data.get("asOf") or dt.date.today().isoformat()))
            data["members"] = rows


SCHEMA_TYPES = {"State": "Country", "Person": "Person", "Organization": "Organization", "ArmedGroup": "Organization",
                "PoliticalParty": "PoliticalParty", "Media": "NewsMediaOrganization", "Alliance": "Organization",
                "Place": "Place", "Article": "NewsArticle", "Claim": "Claim"}


def schema_jsonld(data: dict) -> Markup:
    """schema.org JSON-LD for search engines, safe to embed: '<' is escaped so it cannot end the block."""
    kinds = [t["uri"].rsplit("#", 1)[-1] for t in data["types"]]
    kind = next((SCHEMA_TYPES[k] for k in kinds if k in SCHEMA_TYPES), "Event" if data["events"] else "Thing")
    doc = {"@context": "https://schema.org", "@type": kind, "@id": data["uri"], "name": data["label"],
           "url": data["uri"]}
    if data["aliases"]:
        doc["alternateName"] = data["aliases"]
    if data["sameAs"]:
        doc["sameAs"] = data["sameAs"]
    text = json.dumps(doc, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


@bp.get("/ontology")
def ontology_page():
    fmt = negotiated({"text/turtle": "turtle"}, "html")
    if fmt == "turtle":
        return ontology()
    graph = ontology_graph()
    terms = []
    for term in sorted({s for s in graph.subjects() if str(s).startswith(NS)}):
        terms.append({"name": str(term)[len(NS):], "uri": str(term),
                      "label": str(graph.value(term, RDFS.label) or ""),
                      "comment": str(graph.value(term, RDFS.comment) or ""),
                      "kind": "class" if (term, RDF.type, OWL.Class) in graph else "property"})
    return respond("html", {"terms": terms}, "ontology.html", {"turtle": "/ontology.ttl"})


@bp.get("/graph/<path:name>")
def graph(name: str):
    """A named graph's IRI leads to the article it holds the facts of."""
    target = f"/id/article/{name}"
    if build_entity(geokg().store, f"{geokg().ids.base}{target}") is None:
        raise GeokgError(f"no graph <{geokg().ids.base}/graph/{name}> in the store", 404, "Not found")
    return Response(status=303, headers={"Location": target})


@bp.get("/ontology.ttl")
def ontology():
    return ONTOLOGY_PATH.read_bytes(), 200, {"Content-Type": "text/turtle; charset=utf-8"}


@bp.get("/context.jsonld")
def jsonld_context():
    return CONTEXT_PATH.read_bytes(), 200, {"Content-Type": "application/ld+json"}
