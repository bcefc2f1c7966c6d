"""Dumps at /dumps/: the whole dataset as gzipped N-Quads, each graph as TriG, and VoID that advertises them."""

import gzip
import io

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from geokg.server.app import create_app

from conftest import BASE

VOID = "http://rdfs.org/ns/void#"


def _quads(data: bytes, fmt) -> set:
    return set(ox.parse(io.BytesIO(data), format=fmt))


def _store_quads(store) -> set:
    return _quads(store.dump("nquads"), ox.RdfFormat.N_QUADS)


@pytest.fixture
def dumping(store, tmp_path):
    app = create_app({"GEOKG_STORE_OBJECT": store, "GEOKG_BASE": BASE, "TESTING": True,
                      "GEOKG_DUMP_DIR": str(tmp_path / "dumps")})
    return app.test_client(), store, tmp_path / "dumps"


def test_the_index_lists_the_whole_dump_and_every_graph_with_a_json_twin(dumping):
    client, store, _ = dumping
    listing = client.get("/dumps.json").get_json()
    assert listing["dataset"]["url"] == f"{BASE}/dumps/geokg.nq.gz"
    graphs = {item["graph"] for item in listing["graphs"]}
    assert graphs == {g for g in store.graphs() if g.startswith(f"{BASE}/graph/")}
    page = client.get("/dumps/")
    assert page.status_code == 200 and b"geokg.nq.gz" in page.data
    assert b'<a href="/dumps/">Dumps</a>' in client.get("/").data
    assert '</dumps.json>; rel="alternate"; type="application/json"' in page.headers["Link"]


def test_the_whole_dump_holds_exactly_the_store_and_is_built_once_per_version(dumping):
    client, store, directory = dumping
    first = client.get("/dumps/geokg.nq.gz")
    assert first.status_code == 200 and first.mimetype == "application/gzip"
    assert _quads(gzip.decompress(first.data), ox.RdfFormat.N_QUADS) == _store_quads(store)
    built = list(directory.glob("geokg-*.nq.gz"))
    assert len(built) == 1
    again = client.get("/dumps/geokg.nq.gz", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/dumps.json").get_json()["dataset"]["bytes"] == built[0].stat().st_size


def test_a_write_gives_a_new_dump_and_the_old_file_goes(dumping):
    client, store, directory = dumping
    old = client.get("/dumps/geokg.nq.gz")
    store.update(f"INSERT DATA {{ GRAPH <{BASE}/graph/extra> {{ <{BASE}/id/actor/x> <{OWL.sameAs}> "
                 "<http://www.wikidata.org/entity/Q1> } }")
    new = client.get("/dumps/geokg.nq.gz", headers={"If-None-Match": old.headers["ETag"]})
    assert new.status_code == 200
    added = ox.Quad(ox.NamedNode(f"{BASE}/id/actor/x"), ox.NamedNode(str(OWL.sameAs)),
                    ox.NamedNode("http://www.wikidata.org/entity/Q1"), ox.NamedNode(f"{BASE}/graph/extra"))
    assert added in _quads(gzip.decompress(new.data), ox.RdfFormat.N_QUADS)
    assert len(list(directory.glob("geokg-*.nq.gz"))) == 1


def test_each_graph_dump_is_trig_of_that_graph_alone(dumping):
    client, store, _ = dumping
    for item in client.get("/dumps.json").get_json()["graphs"]:
        response = client.get(item["url"][len(BASE):])
        assert response.status_code == 200 and response.mimetype == "application/trig"
        quads = _quads(response.data, ox.RdfFormat.TRIG)
        expected = {q for q in _store_quads(store) if q.graph_name == ox.NamedNode(item["graph"])}
        assert quads == expected and quads


def test_an_unknown_graph_is_a_404_in_the_one_error_shape(dumping):
    client, _, _ = dumping
    response = client.get("/dumps/graphs/no-such-article.trig")
    assert response.status_code == 404
    assert response.get_json()["ok"] is False and "no-such-article" in response.get_json()["error"]


def test_void_advertises_the_dumps_and_counts_the_links_to_wikidata(dumping):
    client, store, _ = dumping
    # The same link in two graphs is one link.
    x, y, same = f"<{BASE}/id/actor/x>", f"<{BASE}/id/actor/y>", f"<{OWL.sameAs}>"
    store.update(f"INSERT DATA {{ GRAPH <{BASE}/graph/a> {{ {x} {same} <http://www.wikidata.org/entity/Q1> }} "
                 f"GRAPH <{BASE}/graph/b> {{ {x} {same} <http://www.wikidata.org/entity/Q1> . "
                 f"{y} {same} <http://dbpedia.org/resource/Y> }} }}")
    void = Graph().parse(data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).data,
                         format="turtle")
    dataset = URIRef(f"{BASE}/.well-known/void")
    assert (dataset, URIRef(VOID + "dataDump"), URIRef(f"{BASE}/dumps/geokg.nq.gz")) in void
    article = URIRef(f"{BASE}/graph/a")
    assert (article, URIRef(VOID + "dataDump"), URIRef(f"{BASE}/dumps/graphs/a.trig")) in void
    distinct = {(str(r["s"]), str(r["o"])) for r in store.query(
        f"SELECT ?s ?o WHERE {{ GRAPH ?g {{ ?s <{OWL.sameAs}> ?o }} "
        "FILTER(STRSTARTS(STR(?o), 'http://www.wikidata.org/entity/')) }").rows()}
    counts = {str(o): int(n) for s, o in void.subject_objects(URIRef(VOID + "objectsTarget"))
              for n in void.objects(s, URIRef(VOID + "triples"))}
    assert counts[f"{BASE}/.well-known/void#wikidata"] == len(distinct) >= 1
    assert counts[f"{BASE}/.well-known/void#dbpedia"] >= 1


def test_a_served_store_builds_the_dump_in_a_worker(tmp_path):
    app = create_app({"GEOKG_DEMO": True, "GEOKG_WORKERS": 1, "GEOKG_BASE": BASE,
                      "GEOKG_DUMP_DIR": str(tmp_path / "dumps")})
    try:
        client = app.test_client()
        data = gzip.decompress(client.get("/dumps/geokg.nq.gz").data)
        store = app.extensions["geokg"].store
        assert _quads(data, ox.RdfFormat.N_QUADS) == _store_quads(store)
    finally:
        app.extensions["geokg"].store.close()
