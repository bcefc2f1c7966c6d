"""The W3C SPARQL 1.1 Protocol test manifest, run request by request against the endpoint.

The manifest's requests are replayed through the Flask client. Two adaptations, both by design: every
request carries the configured write token (the manifest knows nothing of tokens), and "/sparql/"
becomes this server's "/sparql". The default graph is the store's own default graph here, as the
SPARQL specification has it, not geokg's union default.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, RDF, RDFS
from rdflib.collection import Collection

from geokg.store import OxigraphStore
from geokg.server.app import create_app

HERE = Path(__file__).parent / "w3c" / "protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
TOKEN = "w3c-token"
FORMATS = {
    "boolean": ("application/sparql-results+json", "application/sparql-results+xml"),
    "tabular": ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"),
    "RDF": ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json",
            "application/n-quads", "application/trig"),
}
# Tests that need data from the web, which this endpoint refuses by design: none in this manifest.
NEEDS_REMOTE_DATA: set[str] = set()


def manifest():
    g = Graph().parse(HERE / "manifest.ttl", format="turtle", publicID=HERE.as_uri() + "/manifest.ttl")
    head = next(g.subjects(RDF.type, MF.Manifest))
    return g, list(Collection(g, g.value(head, MF.entries)))


GRAPH, ENTRIES = manifest()


def _status_ok(status: int, expected) -> bool:
    classes = {str(e).rsplit("#", 1)[-1] for e in expected}
    return f"StatusCode{status // 100}xx" in classes


@pytest.mark.parametrize("test", ENTRIES, ids=[str(t).rsplit("#", 1)[-1] for t in ENTRIES])
def test_protocol(test):
    name = str(test).rsplit("#", 1)[-1]
    if name in NEEDS_REMOTE_DATA:
        pytest.skip("needs remote data, which geokg refuses by design")
    store = OxigraphStore(None, union_default_graph=False)
    for data in GRAPH.objects(test, UT.graphData):
        path = GRAPH.value(data, UT.graph)
        label = str(GRAPH.value(data, RDFS.label))
        store._store.load(path=urlsplit(str(path)).path, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(label))
    app = create_app({"GEOKG_STORE_OBJECT": store, "GEOKG_WRITE_TOKEN": TOKEN, "TESTING": True,
                      "GEOKG_INSTALL_ONTOLOGY": False})
    client = app.test_client()
    action = GRAPH.value(test, MF.action)
    for request in Collection(GRAPH, GRAPH.value(action, HT.requests)):
        method = str(GRAPH.value(request, HT.methodName))
        path = str(GRAPH.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        header_list = GRAPH.value(request, HT.headers)
        if header_list is not None:
            for header in Collection(GRAPH, header_list):
                headers[str(GRAPH.value(header, HT.fieldName))] = str(GRAPH.value(header, HT.fieldValue))
        body = GRAPH.value(request, HT.body)
        data = str(GRAPH.value(body, CNT.chars)).encode("utf-8") if body is not None else None
        content_type = headers.pop("content-type", None)
        response = client.open(path, method=method, data=data, headers=headers, content_type=content_type)
        expected = GRAPH.value(request, HT.resp)
        statuses = list(GRAPH.objects(expected, MF.expectedStatus))
        assert _status_ok(response.status_code, statuses), (name, response.status_code, response.get_data(as_text=True))
        fmt = GRAPH.value(expected, MF.expectedFormat)
        if fmt is not None:
            assert response.mimetype in FORMATS[str(fmt)], (name, response.mimetype)
        boolean = GRAPH.value(expected, MF.expectedBoolean)
        if boolean is not None:
            assert response.get_json()["boolean"] is boolean.toPython(), name
