"""The SPARQL 1.1 Graph Store HTTP Protocol: read graphs freely, write them with the write token."""

import re

import pyoxigraph as ox
from flask import Blueprint, Response, request
from rdflib import URIRef

from geokg.loaders.errors import GeokgError
from geokg.server import conneg
from geokg.server.app import geokg
from geokg.server.render import negotiated
from geokg.server.sparql import require_write_token

bp = Blueprint("graphstore", __name__)
PARSERS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


def _target() -> str | None:
    """The graph IRI the request names, or None for the default graph."""
    has_default, graph = "default" in request.args, request.args.get("graph")
    if has_default == (graph is not None):
        raise GeokgError("name exactly one graph: ?graph=IRI or ?default", 400, "Bad request")
    if graph is not None and not _IRI.match(graph):
        raise GeokgError(f"the graph must be an absolute IRI, got {graph!r}", 400, "Bad request")
    return graph


def _exists(graph: str | None) -> bool:
    if graph is None:
        return True
    return bool(geokg().store.query("ASK { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph)}))


def _body_triples(graph: str | None) -> str:
    mimetype = request.mimetype
    fmt = PARSERS.get(mimetype)
    if fmt is None:
        raise GeokgError(f"send RDF as one of {', '.join(PARSERS)}; got {mimetype or 'no content type'}", 415,
                         "Unsupported media type")
    data = request.get_data()
    try:
        # pyoxigraph's JSON-LD parser has no document loader, so a remote @context is never fetched.
        quads = list(ox.parse(data, format=fmt, base_iri=graph or request.base_url))
    except SyntaxError as exc:
        raise GeokgError(f"the body is not valid {mimetype}: {exc}", 400, "Bad RDF") from None
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def _clear(graph: str | None) -> str:
    return "DROP SILENT DEFAULT" if graph is None else f"DROP SILENT GRAPH <{graph}>"


def _insert(graph: str | None, ntriples: str) -> str:
    if not ntriples.strip():
        return ""
    return f"INSERT DATA {{ {ntriples} }}" if graph is None else f"INSERT DATA {{ GRAPH <{graph}> {{ {ntriples} }} }}"


@bp.route("/rdf-graph-store", methods=["GET", "HEAD"])
def read():
    graph = _target()
    if not _exists(graph):
        raise GeokgError(f"no graph <{graph}> in the store", 404, "Not found")
    fmt = negotiated(conneg.GRAPH_TYPES, "turtle", extra=())
    store = geokg().store
    if graph is None:
        # The store's own default graph, not the union of all graphs that queries see by default.
        result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", union=False)
    else:
        result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph)})
    body = result.serialize(fmt)
    response = Response(b"" if request.method == "HEAD" else body, content_type=conneg.MEDIA_TYPES[fmt])
    response.headers["Content-Length"] = str(len(body))
    response.vary.add("Accept")
    return response


@bp.route("/rdf-graph-store", methods=["PUT", "POST", "DELETE"])
def write():
    require_write_token()
    graph = _target()
    existed = _exists(graph)
    store = geokg().store
    if request.method == "DELETE":
        if not existed:
            raise GeokgError(f"no graph <{graph}> in the store", 404, "Not found")
        store.update(_clear(graph))
        return Response(status=204)
    insert = _insert(graph, _body_triples(graph))
    if request.method == "PUT":
        store.update(_clear(graph) + (" ;\n" + insert if insert else ""))
    elif insert:
        store.update(insert)
    return Response(status=204 if existed else 201)
