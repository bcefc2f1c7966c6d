"""The SPARQL protocol beyond queries: datasets, formats, descriptions, writes, and never fetching."""

import json

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef

from geokg.server.app import create_app

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SEED_GRAPH = "https://geokg.example.org/graph/000-iran-hamas-syria-axis"
ONTOLOGY = "https://w3id.org/geokg/ontology"


@pytest.fixture
def writable(store):
    app = create_app({"GEOKG_STORE_OBJECT": store, "GEOKG_BASE": "https://geokg.example.org",
                      "GEOKG_WRITE_TOKEN": TOKEN})
    return app.test_client()


def select(client, query, **params):
    response = client.get("/sparql", query_string={"query": query, **params},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"]["bindings"]


def test_default_and_named_graph_uris_pick_store_graphs(client):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    union = int(select(client, count)[0]["n"]["value"])
    only_ontology = int(select(client, count, **{"default-graph-uri": ONTOLOGY})[0]["n"]["value"])
    assert 0 < only_ontology < union
    named = select(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": SEED_GRAPH})
    assert [b["g"]["value"] for b in named] == [SEED_GRAPH]


def test_dataset_formats_for_graph_results(client):
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/geokg/ontology#Alliance> ; ?p ?o }"
    for accept, fmt in (("application/n-quads", "nquads"), ("application/trig", "trig")):
        response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
        assert response.mimetype == accept
        dataset = Dataset()
        dataset.parse(data=response.get_data(as_text=True), format=fmt)
        assert len(list(dataset.quads())) > 3


def test_service_description_lists_what_is_enabled(client, writable):
    read_only = Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True),
                              format="turtle")
    service = next(read_only.subjects(predicate=None, object=SD.Service))
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in read_only
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in read_only
    assert (service, SD.feature, SD.UnionDefaultGraph) in read_only
    assert (service, SD.feature, SD.BasicFederatedQuery) not in read_only
    formats = set(read_only.objects(service, SD.resultFormat))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    writing = Graph().parse(data=writable.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True),
                            format="turtle")
    assert (None, SD.supportedLanguage, URIRef("https://geokg.example.org/sparql#update-without-load")) in writing


def test_void_description(client):
    g = Graph().parse(data=client.get("/.well-known/void").get_data(as_text=True), format="turtle")
    dataset = next(g.subjects(VOID.sparqlEndpoint, None))
    triples = int(g.value(dataset, VOID.triples))
    assert triples == int(client.get("/health").get_json()["triples"])
    assert {URIRef(SEED_GRAPH), URIRef(ONTOLOGY)} <= set(g.objects(dataset, VOID.subset))
    assert g.value(dataset, VOID.uriSpace) == Literal("https://geokg.example.org/")


def test_updates_need_a_configured_token_compared_exactly(client, writable):
    update = "INSERT DATA { GRAPH <urn:test:g> { <urn:test:s> <urn:test:p> 'o' } }"
    assert client.post("/sparql", data={"update": update}).status_code == 403
    assert writable.post("/sparql", data={"update": update}).status_code == 401
    assert writable.post("/sparql", data={"update": update},
                         headers={"Authorization": "Bearer s3cret-tokeN"}).status_code == 401
    before = writable.get("/sparql", query_string={"query": "ASK { GRAPH <urn:test:g> { ?s ?p 'o' } }"})
    assert before.get_json()["boolean"] is False
    response = writable.post("/sparql", data=update, content_type="application/sparql-update", headers=AUTH)
    assert response.status_code == 204
    ask = writable.get("/sparql", query_string={"query": "ASK { GRAPH <urn:test:g> { ?s ?p 'o' } }"})
    assert ask.get_json()["boolean"] is True


def test_bad_update_changes_nothing(writable):
    before = writable.get("/health").get_json()["triples"]
    broken = "INSERT DATA { <urn:a> <urn:b> 'c' } ; DELETE WHERE { ?s ?p"
    assert writable.post("/sparql", data={"update": broken}, headers=AUTH).status_code == 400
    assert writable.get("/health").get_json()["triples"] == before


def test_graph_store_protocol_round_trip(writable, client):
    graph = "urn:test:gsp"
    turtle = "<urn:test:a> <urn:test:b> 'one' , 'two' ."
    assert client.put(f"/rdf-graph-store?graph={graph}", data=turtle, content_type="text/turtle").status_code == 403
    assert writable.put(f"/rdf-graph-store?graph={graph}", data=turtle, content_type="text/turtle",
                        headers=AUTH).status_code == 201
    got = Graph().parse(data=client.get(f"/rdf-graph-store?graph={graph}").get_data(as_text=True), format="turtle")
    assert len(got) == 2
    assert writable.post(f"/rdf-graph-store?graph={graph}", data='<urn:test:a> <urn:test:b> "three" .',
                         content_type="application/n-triples", headers=AUTH).status_code == 204
    assert writable.put(f"/rdf-graph-store?graph={graph}", data="<urn:test:a> <urn:test:b> 'only' .",
                        content_type="text/turtle", headers=AUTH).status_code == 204
    got = Graph().parse(data=client.get(f"/rdf-graph-store?graph={graph}").get_data(as_text=True), format="turtle")
    assert {str(o) for o in got.objects()} == {"only"}
    assert client.head(f"/rdf-graph-store?graph={graph}").status_code == 200
    assert writable.delete(f"/rdf-graph-store?graph={graph}", headers=AUTH).status_code == 204
    assert client.get(f"/rdf-graph-store?graph={graph}").status_code == 404
    assert writable.delete(f"/rdf-graph-store?graph={graph}", headers=AUTH).status_code == 404
    bad = writable.put(f"/rdf-graph-store?graph={graph}", data="<urn:x> <urn:y", content_type="text/turtle",
                       headers=AUTH)
    assert bad.status_code == 400 and "not valid turtle" in bad.get_json()["error"]
    assert writable.put(f"/rdf-graph-store?graph={graph}", data="x", content_type="image/png",
                        headers=AUTH).status_code == 415
    assert client.get("/rdf-graph-store?graph=not%20an%20iri").status_code == 400


def test_load_is_refused_and_fetches_nothing(writable, listener):
    update = f"LOAD <http://127.0.0.1:{listener.port}/data.ttl> INTO GRAPH <urn:test:loaded>"
    response = writable.post("/sparql", data={"update": update}, headers=AUTH)
    assert response.status_code == 400 and "LOAD is not allowed" in response.get_json()["error"]
    assert listener.connections == 0


def test_from_and_from_named_never_fetch(client, listener):
    url = f"http://127.0.0.1:{listener.port}/remote.ttl"
    response = client.get("/sparql", query_string={"query": f"SELECT * FROM <{url}> FROM NAMED <{url}> "
                                                            "WHERE { ?s ?p ?o }"},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200 and response.get_json()["results"]["bindings"] == []
    assert listener.connections == 0


def test_remote_jsonld_contexts_are_never_fetched(writable, listener):
    doc = {"@context": f"http://127.0.0.1:{listener.port}/context.jsonld", "@id": "urn:test:x", "name": "X"}
    response = writable.put("/rdf-graph-store?graph=urn:test:jsonld", data=json.dumps(doc),
                            content_type="application/ld+json", headers=AUTH)
    assert response.status_code in (201, 204, 400)
    assert listener.connections == 0


def test_service_allowlist(store, listener):
    allowed = f"http://127.0.0.1:{listener.port}/sparql"
    app = create_app({"GEOKG_STORE_OBJECT": store, "GEOKG_BASE": "https://geokg.example.org"})
    store.service_allow = (allowed,)
    try:
        client = app.test_client()
        refused = client.get("/sparql", query_string={"query": "SELECT * WHERE { SERVICE <http://127.0.0.2:9/x> "
                                                               "{ ?s ?p ?o } }"})
        assert refused.status_code == 400 and allowed in refused.get_json()["error"]
        assert client.get("/sparql", query_string={"query": "SELECT * WHERE { SERVICE ?x { ?s ?p ?o } }"}
                          ).status_code == 400
    finally:
        store.service_allow = ()
    assert listener.connections == 0


def test_row_cap_signal_in_header_and_body(store):
    store.max_rows = 3
    try:
        client = create_app({"GEOKG_STORE_OBJECT": store}).test_client()
        response = client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p ?o }"},
                              headers={"Accept": "application/sparql-results+json"})
        body = response.get_json()
        assert response.headers["X-Geokg-Truncated"] == "3"
        assert len(body["results"]["bindings"]) == 3 and body["truncated"] is True
        assert "urn:geokg:truncated" in body["head"]["link"]
        xml = client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p ?o }"},
                         headers={"Accept": "application/sparql-results+xml"}).get_data(as_text=True)
        assert 'link href="urn:geokg:truncated"' in xml
        csv = client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p ?o }"},
                         headers={"Accept": "text/csv"})
        assert csv.status_code == 400 and "CSV has no way" in csv.get_json()["error"]
        small = client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2"},
                           headers={"Accept": "text/csv"})
        assert small.status_code == 200 and "X-Geokg-Truncated" not in small.headers
        construct = {"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"}
        turtle = client.get("/sparql", query_string=construct, headers={"Accept": "text/turtle"})
        assert turtle.headers["X-Geokg-Truncated"] == "3" and "# truncated after 3 triples" in turtle.get_data(as_text=True)
        assert len(Graph().parse(data=turtle.get_data(as_text=True), format="turtle")) == 3
        jsonld = client.get("/sparql", query_string=construct, headers={"Accept": "application/ld+json"}).get_json()
        assert jsonld["urn:geokg:truncated"] == 3
    finally:
        store.max_rows = 100_000


def test_metrics_count_requests(client):
    client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    client.get("/sparql", query_string={"query": "SELECT nonsense"})
    text = client.get("/metrics").get_data(as_text=True)
    assert 'geokg_requests_total{endpoint="sparql.sparql",method="GET",status="200"} 1' in text
    assert 'geokg_requests_total{endpoint="sparql.sparql",method="GET",status="400"} 1' in text
    assert "geokg_query_seconds_count" in text


def test_query_page_bundles_yasgui_without_cdn(client):
    page = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "/static/yasgui/yasgui.min.js" in page and "/static/sparql.js" in page
    assert "cdn" not in page.lower() and "<script>" not in page
    assert client.get("/static/yasgui/yasgui.min.js").status_code == 200
    assert "data-query=" in page and "Members of an alliance" in page


@pytest.mark.parametrize("query, kind, media", [
    ("PREFIX ask: <http://example.org/>\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2", "graph", "text/turtle"),
    ("PREFIX construct: <http://example.org/>\nSELECT * WHERE { ?s ?p ?o } LIMIT 2", "bindings",
     "application/sparql-results+json"),
    ("PREFIX select: <http://example.org/>\n# SELECT in a comment\nASK { ?s ?p ?o }", "boolean",
     "application/sparql-results+json"),
    ("BASE <http://example.org/describe/>\nDESCRIBE <http://example.org/x>", "graph", "text/turtle"),
])
def test_the_query_form_comes_from_the_parse_not_the_first_keyword(client, query, kind, media):
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == media
    if kind == "boolean":
        assert response.get_json()["boolean"] is True
    elif kind == "bindings":
        assert len(response.get_json()["results"]["bindings"]) == 2
