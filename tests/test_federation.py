"""Federated queries: SERVICE to an allowlisted endpoint (a real `oxigraph serve` on loopback, holding a
Wikidata-shaped slice) joins our actors with its data; without the allowlist the query is refused and the
endpoint receives no connection."""

import socket
import threading
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from geokg.server.app import create_app

from w3c_update_runner import oxigraph_server

SLICE = Path(__file__).parent / "fixtures" / "federation" / "wikidata-slice.ttl"
POPULATION = URIRef("http://www.wikidata.org/prop/direct/P1082")

QUERY = """PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?name ?population ?headOfState WHERE {
  ?actor owl:sameAs ?item ; skos:prefLabel ?name .
  FILTER(STRSTARTS(STR(?item), "http://www.wikidata.org/entity/"))
  SERVICE <%s> { ?item wdt:P1082 ?population ; wdt:P35 ?head . ?head rdfs:label ?headOfState }
} ORDER BY ?name"""


class CountingProxy:
    """A loopback TCP forwarder that counts the connections it is given."""

    def __init__(self, target_port: int):
        self.target_port, self.connections = target_port, 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.server.close()


@pytest.fixture(scope="module")
def wikidata(tmp_path_factory):
    import urllib.request

    with oxigraph_server(tmp_path_factory.mktemp("wikidata")) as server:
        base = server.query_url.rsplit("/", 1)[0]
        request = urllib.request.Request(base + "/store?default", data=SLICE.read_bytes(), method="POST",
                                         headers={"Content-Type": "text/turtle"})
        urllib.request.urlopen(request, timeout=10).read()
        proxy = CountingProxy(int(base.rsplit(":", 1)[1]))
        yield f"http://127.0.0.1:{proxy.port}/query", proxy
        proxy.close()


def _app(tmp_path, allow):
    return create_app({"GEOKG_DEMO": True, "GEOKG_WORKERS": 1, "GEOKG_SERVICE_ALLOW": allow,
                       "GEOKG_STORE": str(tmp_path / "store")})


def test_an_allowlisted_service_joins_our_actors_with_its_data(tmp_path, wikidata):
    endpoint, proxy = wikidata
    app = _app(tmp_path, [endpoint])
    try:
        before = proxy.connections
        response = app.test_client().post("/sparql", data={"query": QUERY % endpoint},
                                          headers={"Accept": "application/sparql-results+json"})
        assert response.status_code == 200, response.data
        rows = {b["name"]["value"]: int(b["population"]["value"]) for b in response.get_json()["results"]["bindings"]}
        fixture = Graph().parse(SLICE)
        # Every seed actor with a Wikidata id in the slice comes back with the slice's figure.
        expected = {}
        for item, population in fixture.subject_objects(POPULATION):
            label = str(fixture.value(item, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
            expected[label] = int(population)
        assert rows == expected
        assert proxy.connections > before
    finally:
        app.extensions["geokg"].store.close()


def test_a_service_off_the_allowlist_is_refused_and_never_called(tmp_path, wikidata):
    endpoint, proxy = wikidata
    app = _app(tmp_path, [])
    try:
        before = proxy.connections
        response = app.test_client().post("/sparql", data={"query": QUERY % endpoint},
                                          headers={"Accept": "application/sparql-results+json"})
        assert response.status_code == 400
        assert "SERVICE" in response.get_json()["error"]
        assert proxy.connections == before
    finally:
        app.extensions["geokg"].store.close()
