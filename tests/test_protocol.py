"""The protocol's edges: request size limits, format names real clients send, statuses and their headers,
update semantics and descriptions that state only what is true (issue 9)."""

import http.client
import io
import json
import os
import subprocess
import sys
import time
import urllib.parse
import warnings

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from SPARQLWrapper import (CSV, GET, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, URLENCODED, XML,
                           SPARQLWrapper)

from geokg.store import open_store
from geokg.server.app import create_app
from geokg.server.config import Config
from tests.conftest import free_port, wait_for

BASE = "https://geokg.example.org"
TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
GK = "https://w3id.org/geokg/ontology#"
HAMAS = f"{BASE}/id/actor/hamas"
SELECT = "SELECT ?name WHERE { ?a <http://www.w3.org/2004/02/skos/core#prefLabel> ?name } LIMIT 3"
ASK = "ASK { ?s ?p ?o }"
CONSTRUCT = "CONSTRUCT { ?a ?p ?o } WHERE { ?a ?p ?o FILTER(?a = <%s>) }" % HAMAS
DESCRIBE = f"DESCRIBE <{HAMAS}>"
HUGE_FORM = b"field=val&" * 3_000_000


def app_for(store, **config):
    return create_app({"GEOKG_STORE_OBJECT": store, "GEOKG_BASE": BASE, "GEOKG_WRITE_TOKEN": TOKEN, **config})


@pytest.fixture
def writable(store):
    return app_for(store).test_client()


def error(response) -> str:
    body = response.get_json()
    assert set(body) == {"ok", "status", "title", "error"} and body["status"] == response.status_code
    assert "\n" not in body["error"]
    return body["error"]


# Item 6: request size limits


def test_limits_are_read_from_the_environment(monkeypatch):
    defaults = Config()
    assert (defaults.GEOKG_MAX_QUERY_BYTES, defaults.GEOKG_MAX_UPLOAD_BYTES, defaults.GEOKG_MAX_FORM_FIELDS) == \
        (1 << 20, 16 << 20, 100)
    monkeypatch.setenv("GEOKG_MAX_QUERY_BYTES", "5000")
    monkeypatch.setenv("GEOKG_MAX_UPLOAD_BYTES", "70000")
    monkeypatch.setenv("GEOKG_MAX_FORM_FIELDS", "7")
    config = Config()
    assert (config.GEOKG_MAX_QUERY_BYTES, config.GEOKG_MAX_UPLOAD_BYTES, config.GEOKG_MAX_FORM_FIELDS) == \
        (5000, 70000, 7)
    assert config.MAX_CONTENT_LENGTH == 70000 and config.MAX_FORM_PARTS == 7


def test_a_three_million_field_form_is_refused_before_it_is_parsed(client):
    # Parsed, this form costs 10 s of CPU; refused from its length, far less even on a loaded machine.
    started = time.perf_counter()
    response = client.post("/sparql", data=HUGE_FORM, content_type="application/x-www-form-urlencoded")
    assert time.perf_counter() - started < 3.0
    assert response.status_code == 413 and "GEOKG_MAX_QUERY_BYTES" in error(response)


def test_query_and_update_bodies_are_refused_by_their_length(store):
    client = app_for(store, GEOKG_MAX_QUERY_BYTES=1000).test_client()
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 1000
    for content_type, headers in (("application/sparql-query", {}), ("application/sparql-update", AUTH),
                                  ("application/sparql-update", {})):
        response = client.post("/sparql", data=big, content_type=content_type, headers=headers)
        assert response.status_code == 413 and "at most 1000" in error(response)
    assert client.post("/sparql", data={"query": big}).status_code == 413
    small = client.post("/sparql", data=SELECT, content_type="application/sparql-query")
    assert small.status_code == 200


def test_form_fields_are_counted_before_the_form_is_parsed(client):
    fields = {"query": SELECT, **{f"f{i}": "x" for i in range(100)}}
    response = client.post("/sparql", data=urllib.parse.urlencode(fields),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413 and "GEOKG_MAX_FORM_FIELDS" in error(response)
    started = time.perf_counter()
    many = client.post("/sparql", data=b"&" * 1_000_000, content_type="application/x-www-form-urlencoded")
    assert many.status_code == 413 and time.perf_counter() - started < 3.0
    multipart = client.post("/sparql", data=fields, content_type="multipart/form-data")
    assert multipart.status_code == 413 and "GEOKG_MAX_FORM_FIELDS" in error(multipart)
    assert client.post("/sparql", data={"query": SELECT, "default-graph-uri": BASE + "/graph/x"},
                       content_type="multipart/form-data").status_code == 200


def test_a_body_without_a_length_is_cut_at_the_limit(store):
    """A chunked body reaches the app with no Content-Length from a server that ends the stream itself."""
    client = app_for(store, GEOKG_MAX_QUERY_BYTES=1000, GEOKG_MAX_UPLOAD_BYTES=2000).test_client()
    for path, content_type, size in (("/sparql", "application/sparql-query", 1001),
                                     ("/sparql", "application/x-www-form-urlencoded", 1001),
                                     ("/rdf-graph-store?graph=urn:test:g", "text/turtle", 2001)):
        response = client.open(path, method="PUT" if "graph" in path else "POST", headers={**AUTH,
                               "Content-Type": content_type}, input_stream=io.BytesIO(b"#" * size),
                               environ_overrides={"wsgi.input_terminated": True})
        assert response.status_code == 413, (path, response.get_data(as_text=True))
        error(response)


def test_long_query_strings_are_refused(store):
    client = app_for(store, GEOKG_MAX_QUERY_BYTES=1000).test_client()
    response = client.get("/sparql", query_string={"query": SELECT + " #" + "x" * 1000})
    assert response.status_code == 414 and "GEOKG_MAX_QUERY_BYTES" in error(response)
    fields = client.get("/sparql", query_string={"query": SELECT, **{f"f{i}": "" for i in range(100)}})
    assert fields.status_code == 414 and "GEOKG_MAX_FORM_FIELDS" in error(fields)
    assert client.get("/sparql", query_string={"query": SELECT}).status_code == 200


def test_graph_store_uploads_are_limited(store):
    client = app_for(store, GEOKG_MAX_UPLOAD_BYTES=2000).test_client()
    turtle = "<urn:test:a> <urn:test:b> '%s' ." % ("x" * 2000)
    for method in ("PUT", "POST"):
        response = client.open("/rdf-graph-store?graph=urn:test:big", method=method, data=turtle,
                               content_type="text/turtle", headers=AUTH)
        assert response.status_code == 413 and "GEOKG_MAX_UPLOAD_BYTES" in error(response)
    assert client.get("/rdf-graph-store?graph=urn:test:big").status_code == 404


def test_deeply_nested_documents_are_refused_not_parsed(writable):
    """A JSON-LD document nested 10,000 deep crashed the server in the parser; RDF/XML 40,000 deep took 34 s."""
    jsonld = '{"@id": "urn:test:s", "urn:test:p": ' * 10_000 + '"x"' + "}" * 10_000
    rdfxml = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:t="urn:test:">'
              + '<rdf:Description><t:p rdf:parseType="Resource">' * 20_000
              + "</t:p></rdf:Description>" * 20_000 + "</rdf:RDF>")
    for body, content_type in ((jsonld, "application/ld+json"), (rdfxml, "application/rdf+xml")):
        started = time.perf_counter()
        response = writable.put("/rdf-graph-store?graph=urn:test:deep", data=body, content_type=content_type,
                                headers=AUTH)
        assert response.status_code == 413 and "nests" in error(response)
        assert time.perf_counter() - started < 5.0
    assert writable.get("/rdf-graph-store?graph=urn:test:deep").status_code == 404


def _raw_request(url: str, method: str, path: str, headers: dict, body: bytes | None = None, chunked=False):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers, encode_chunked=chunked)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_a_real_server_refuses_a_huge_form_fast(live_server):
    """Under waitress: a body past every limit is refused from its head alone; one past the query limit but
    within waitress's gets the app's own 413, chunked or not, before any form is parsed."""
    parts = urllib.parse.urlsplit(live_server)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    started = time.perf_counter()
    connection.putrequest("POST", "/sparql")
    connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.putheader("Content-Length", str(len(HUGE_FORM)))
    connection.endheaders()
    assert connection.getresponse().status == 413 and time.perf_counter() - started < 3.0
    connection.close()
    form = HUGE_FORM[:3_000_000]
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    for chunked in (False, True):
        started = time.perf_counter()
        body = iter([form[i:i + 65536] for i in range(0, len(form), 65536)]) if chunked else form
        status, answer = _raw_request(live_server, "POST", "/sparql", headers, body, chunked=chunked)
        assert status == 413 and "GEOKG_MAX_QUERY_BYTES" in json.loads(answer)["error"]
        assert time.perf_counter() - started < 3.0


def test_a_real_server_bounds_get_query_strings(live_server):
    """waitress refuses request heads over its max_request_header_size (256 KiB) before the app runs."""
    path = "/sparql?" + urllib.parse.urlencode({"query": SELECT + " #" + "x" * 300_000})
    status, _ = _raw_request(live_server, "GET", path, {})
    assert status == 431


# Item 12: the format names SPARQLWrapper, Jena and curl users send

KINDS = {
    "select": (SELECT, {JSON: "application/sparql-results+json", XML: "application/sparql-results+xml",
                        CSV: "text/csv", TSV: "text/tab-separated-values"}),
    "ask": (ASK, {JSON: "application/sparql-results+json", XML: "application/sparql-results+xml",
                  CSV: "text/csv", TSV: "text/tab-separated-values"}),
    "construct": (CONSTRUCT, {JSON: "application/ld+json", JSONLD: "application/ld+json",
                              XML: "application/rdf+xml", RDFXML: "application/rdf+xml", N3: "text/turtle",
                              TURTLE: "text/turtle"}),
    "describe": (DESCRIBE, {JSON: "application/ld+json", JSONLD: "application/ld+json",
                            XML: "application/rdf+xml", RDFXML: "application/rdf+xml", N3: "text/turtle",
                            TURTLE: "text/turtle"}),
}
METHODS = {"GET": (GET, URLENCODED), "POST form": (POST, URLENCODED), "POST direct": (POST, POSTDIRECTLY)}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("kind,fmt", [(kind, fmt) for kind, (_, formats) in KINDS.items() for fmt in formats])
def test_sparqlwrapper_gets_every_format_it_asks_for(live_server, kind, fmt, method):
    query, formats = KINDS[kind]
    client = SPARQLWrapper(live_server + "/sparql")
    client.setMethod(METHODS[method][0])
    client.setRequestMethod(METHODS[method][1])
    client.setReturnFormat(fmt)
    client.setQuery(query)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = client.query()
        assert result.info()["content-type"].split(";")[0] == formats[fmt]
        converted = result.convert()
    assert not [w for w in caught if "returned by the endpoint" in str(w.message)]
    if kind in ("construct", "describe") and isinstance(converted, Graph):
        assert (URIRef(HAMAS), None, None) in converted
    elif fmt == JSON:
        assert converted.get("boolean") is True if kind == "ask" else converted["results"]["bindings"]
    else:
        assert converted


@pytest.mark.parametrize("query,params,mimetype", [
    (CONSTRUCT, {"format": "json"}, "application/ld+json"),
    (CONSTRUCT, {"format": "json-ld"}, "application/ld+json"),
    (CONSTRUCT, {"format": "xml"}, "application/rdf+xml"),
    (CONSTRUCT, {"format": "rdf+xml"}, "application/rdf+xml"),
    (CONSTRUCT, {"format": "rdf"}, "application/rdf+xml"),
    (CONSTRUCT, {"format": "n3"}, "text/turtle"),
    (CONSTRUCT, {"format": "ttl"}, "text/turtle"),
    (CONSTRUCT, {"format": "nt"}, "application/n-triples"),
    (CONSTRUCT, {"format": "text/turtle"}, "text/turtle"),
    (CONSTRUCT, {"format": "application/ld+json"}, "application/ld+json"),
    (CONSTRUCT, {"output": "json-ld"}, "application/ld+json"),
    (DESCRIBE, {"results": "xml"}, "application/rdf+xml"),
    (SELECT, {"format": "json"}, "application/sparql-results+json"),
    (SELECT, {"format": "xml"}, "application/sparql-results+xml"),
    (SELECT, {"format": "application/sparql-results+xml"}, "application/sparql-results+xml"),
    (SELECT, {"format": "text/tab-separated-values"}, "text/tab-separated-values"),
    (SELECT, {"output": "csv"}, "text/csv"),
    (SELECT, {"results": "JSON"}, "application/sparql-results+json"),
    (ASK, {"format": "xml"}, "application/sparql-results+xml"),
    (SELECT, {"format": ["tsv", "text/tab-separated-values"], "output": ["tsv", ""]}, "text/tab-separated-values"),
])
def test_format_names_for_every_query_kind(client, query, params, mimetype):
    for response in (client.get("/sparql", query_string={"query": query, **params}),
                     client.post("/sparql", data={"query": query, **params}),
                     client.post("/sparql", query_string=params, data=query, content_type="application/sparql-query")):
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == mimetype


def test_format_names_that_do_not_fit_the_query(client):
    inapplicable = client.get("/sparql", query_string={"query": SELECT, "format": "turtle"})
    assert inapplicable.status_code == 406 and "turtle" in error(inapplicable)
    assert client.get("/sparql", query_string={"query": CONSTRUCT, "format": "csv"}).status_code == 406
    unknown = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "pdf"})
    assert unknown.status_code == 400 and "unknown format 'pdf'" in error(unknown)


# Item 13: statuses and their headers


@pytest.mark.parametrize("accept", ["*/*", "*/*;q=0.8", "text/html;q=0.1, */*"])
def test_a_wildcard_accept_without_a_query_gets_the_service_description(client, accept):
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    assert (None, None, SD.Service) in graph


def test_q_zero_refuses_a_type_even_when_a_wildcard_matches(client):
    response = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": "text/turtle;q=0, */*"})
    assert response.status_code == 200 and response.mimetype != "text/turtle"
    description = client.get("/sparql", headers={"Accept": "text/turtle;q=0, */*"})
    assert description.status_code == 200 and description.mimetype != "text/turtle"
    results = client.get("/sparql", query_string={"query": SELECT},
                         headers={"Accept": "application/sparql-results+json;q=0, */*;q=0.5"})
    assert results.status_code == 200 and results.mimetype != "application/sparql-results+json"


def test_401_says_how_to_authenticate(writable):
    for response in (writable.post("/sparql", data={"update": "CLEAR ALL"}),
                     writable.put("/rdf-graph-store?graph=urn:test:g", data="", content_type="text/turtle",
                                  headers={"Authorization": "Bearer wrong"})):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="geokg"'


def test_every_405_says_what_is_allowed(client):
    update = client.get("/sparql", query_string={"update": "CLEAR ALL"})
    assert update.status_code == 405 and set(update.headers["Allow"].split(", ")) >= {"GET", "POST"}
    put = client.put("/sparql", data=SELECT)
    assert put.status_code == 405 and "POST" in put.headers["Allow"]
    patch = client.patch("/rdf-graph-store?default")
    assert patch.status_code == 405 and {"GET", "PUT", "POST", "DELETE"} <= set(patch.headers["Allow"].split(", "))


def test_no_content_has_no_content_type(writable):
    responses = [
        writable.post("/sparql", data="INSERT DATA { <urn:test:a> <urn:test:b> 'c' }",
                      content_type="application/sparql-update", headers=AUTH),
        writable.post("/sparql", data={"update": "CLEAR SILENT GRAPH <urn:test:none>"}, headers=AUTH),
        writable.put("/rdf-graph-store?default", data="<urn:test:a> <urn:test:b> 'c' .", content_type="text/turtle",
                     headers=AUTH),
        writable.delete("/rdf-graph-store?default", headers=AUTH),
    ]
    for response in responses:
        assert response.status_code == 204, response.get_data(as_text=True)
        assert "Content-Type" not in response.headers


def test_engine_errors_keep_their_status_and_message(writable):
    missing = writable.post("/sparql", data={"update": "DROP GRAPH <urn:test:missing>"}, headers=AUTH)
    assert missing.status_code == 404 and "urn:test:missing" in error(missing)
    writable.post("/sparql", data={"update": "CREATE GRAPH <urn:test:made>"}, headers=AUTH)
    again = writable.post("/sparql", data={"update": "CREATE GRAPH <urn:test:made>"}, headers=AUTH)
    assert again.status_code == 409 and "already exists" in error(again)
    bad_dataset = writable.get("/sparql", query_string={"query": SELECT, "default-graph-uri": "not an iri"})
    assert bad_dataset.status_code == 400


# Item 14: update semantics


def test_load_silent_does_nothing_and_fetches_nothing(writable, listener):
    before = writable.get("/health").get_json()["triples"]
    response = writable.post("/sparql", headers=AUTH, data={
        "update": f"LOAD SILENT <http://127.0.0.1:{listener.port}/data.ttl> INTO GRAPH <urn:test:loaded>"})
    assert response.status_code == 204, response.get_data(as_text=True)
    assert writable.get("/health").get_json()["triples"] == before
    mixed = writable.post("/sparql", headers=AUTH, data={
        "update": f"LOAD SILENT <http://127.0.0.1:{listener.port}/x.ttl> ; "
                  "INSERT DATA { <urn:test:s> <urn:test:p> 1 }"})
    assert mixed.status_code == 204, mixed.get_data(as_text=True)
    assert writable.get("/sparql", query_string={"query": "ASK { <urn:test:s> <urn:test:p> 1 }"}).get_json()["boolean"]
    assert listener.connections == 0


def test_the_service_description_claims_only_what_the_endpoint_does(client, writable):
    for endpoint in (client, writable):
        graph = Graph().parse(data=endpoint.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True),
                              format="turtle")
        service = next(graph.subjects(predicate=None, object=SD.Service))
        assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph, "LOAD is refused"
        assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
        assert (service, SD.feature, SD.EmptyGraphs) not in graph, "CLEAR ALL on disk removes empty graphs"
    languages = set(graph.objects(service, SD.supportedLanguage)) - {SD.SPARQL11Query}
    assert len(languages) == 1
    comment = str(graph.value(languages.pop(), URIRef("http://www.w3.org/2000/01/rdf-schema#comment")))
    assert "LOAD" in comment


def test_post_to_the_graph_store_itself_creates_a_graph(writable):
    response = writable.post("/rdf-graph-store", data="<urn:test:a> <urn:test:b> 'new' .", content_type="text/turtle",
                             headers=AUTH)
    assert response.status_code == 201
    location = response.headers["Location"]
    assert location.startswith(BASE + "/graph/") and len(location) > len(BASE + "/graph/") + 30
    got = writable.get("/rdf-graph-store", query_string={"graph": location})
    assert got.status_code == 200
    assert {str(o) for o in Graph().parse(data=got.get_data(as_text=True), format="turtle").objects()} == {"new"}
    other = writable.post("/rdf-graph-store", data="", content_type="text/turtle", headers=AUTH)
    assert other.status_code == 201 and other.headers["Location"] != location


@pytest.mark.not_on("virtuoso", reason="Virtuoso keeps no graph without triples: an empty PUT leaves nothing "
                   "that GRAPH ?g lists or GET finds")
def test_an_empty_put_makes_an_empty_graph_that_exists(writable):
    created = writable.put("/rdf-graph-store?graph=urn:test:empty", data="", content_type="text/turtle", headers=AUTH)
    assert created.status_code == 201
    got = writable.get("/rdf-graph-store?graph=urn:test:empty", headers={"Accept": "text/turtle"})
    assert got.status_code == 200 and len(Graph().parse(data=got.get_data(as_text=True), format="turtle")) == 0
    assert writable.head("/rdf-graph-store?graph=urn:test:empty").status_code == 200
    added = writable.post("/rdf-graph-store?graph=urn:test:empty", data="<urn:test:a> <urn:test:b> <urn:test:c> .",
                          content_type="application/n-triples", headers=AUTH)
    assert added.status_code == 204
    writable.post("/sparql", data={"update": "DELETE DATA { GRAPH <urn:test:empty> { <urn:test:a> <urn:test:b> "
                                             "<urn:test:c> } }"}, headers=AUTH)
    assert writable.get("/rdf-graph-store?graph=urn:test:empty").status_code == 200, "graphs left empty remain"
    assert writable.delete("/rdf-graph-store?graph=urn:test:empty", headers=AUTH).status_code == 204
    assert writable.get("/rdf-graph-store?graph=urn:test:empty").status_code == 404


def test_graph_store_reads_n3_and_reports_bad_rdf(writable):
    n3 = writable.put("/rdf-graph-store?graph=urn:test:n3", data="@prefix t: <urn:test:> . t:a t:b t:c .",
                      content_type="text/n3", headers=AUTH)
    assert n3.status_code == 201
    bad = writable.put("/rdf-graph-store?graph=urn:test:n3", data="<urn:x> <urn:y", content_type="text/turtle",
                       headers=AUTH)
    assert bad.status_code == 400 and "not valid turtle" in error(bad)
    assert writable.get("/rdf-graph-store?graph=urn:test:n3").status_code == 200


@pytest.fixture(scope="module")
def writable_server():
    """`geokg serve --demo` with a write token: Graph Store writes go through the pool's writer process."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "geokg", "serve", "--demo", "--host", "127.0.0.1", "--port",
                                str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "GEOKG_WRITE_TOKEN": TOKEN})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/health", process)
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_graph_store_writes_through_a_real_server(writable_server):
    url, process = writable_server
    turtle = {"Content-Type": "text/turtle", **AUTH}
    status, _ = _raw_request(url, "PUT", "/rdf-graph-store?graph=urn:test:empty", turtle, b"")
    assert status == 201
    status, body = _raw_request(url, "GET", "/rdf-graph-store?graph=urn:test:empty", {"Accept": "text/turtle"})
    assert status == 200 and len(Graph().parse(data=body.decode(), format="turtle")) == 0
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("POST", "/rdf-graph-store", body=b"<urn:test:a> <urn:test:b> 'new' .", headers=turtle)
    created = connection.getresponse()
    created.read()
    location = created.getheader("Location")
    connection.close()
    assert created.status == 201 and location.startswith("https://geokg.example.org/graph/")
    status, body = _raw_request(url, "GET", "/rdf-graph-store?" + urllib.parse.urlencode({"graph": location}),
                                {"Accept": "application/n-triples"})
    assert status == 200 and b'"new"' in body
    deep = b'{"urn:test:p": ' * 10_000 + b'"x"' + b"}" * 10_000
    status, body = _raw_request(url, "PUT", "/rdf-graph-store?graph=urn:test:deep",
                                {"Content-Type": "application/ld+json", "Accept": "application/json", **AUTH}, deep)
    assert status == 413 and process.poll() is None
    status, _ = _raw_request(url, "GET", "/health", {})
    assert status == 200


# Item 15: descriptions and headers


def test_search_terms_are_percent_encoded_in_the_link_header(client):
    for term in ('x>; rel="next", <https://evil.example/', "ham\r\nSet-Cookie: a=b", "a b,c;d"):
        response = client.get("/search", query_string={"q": term})
        assert response.status_code == 200
        link = response.headers["Link"]
        assert link.count("<") == 1 and link.count(">") == 1 and "evil.example/>" not in link
        assert "\r" not in link and "\n" not in link and " " not in link.split(";")[0]
        target = link[link.index("<") + 1:link.index(">")]
        assert urllib.parse.parse_qs(urllib.parse.urlsplit(target).query)["q"] == [term.strip()]


def test_descriptions_use_the_configured_base_not_the_host_header(client):
    evil = {"Host": "evil.example"}
    for response in (client.get("/.well-known/void", headers=evil),
                     client.get("/sparql", headers={**evil, "Accept": "text/turtle"})):
        text = response.get_data(as_text=True)
        assert response.status_code == 200 and "evil.example" not in text
        graph = Graph().parse(data=text, format="turtle")
        assert URIRef(BASE + "/sparql") in set(graph.all_nodes())


def test_void_states_only_what_is_true(store, client, writable):
    graph = Graph().parse(data=client.get("/.well-known/void").get_data(as_text=True), format="turtle")
    dataset = URIRef(BASE + "/.well-known/void")
    assert (dataset, VOID.sparqlEndpoint, URIRef(BASE + "/sparql")) in graph
    assert graph.value(dataset, VOID.rootResource) is None, "no resource is a root of the data"
    assert graph.value(dataset, VOID.uriSpace) == Literal(BASE + "/")
    vocabularies = {str(v) for v in graph.objects(dataset, VOID.vocabulary)}
    assert {GK, "http://www.w3.org/2004/02/skos/core#", "http://www.w3.org/ns/prov#", "https://schema.org/",
            "http://www.w3.org/ns/org#"} <= vocabularies
    assert "http://xmlns.com/foaf/0.1/" not in vocabularies
    writable.post("/sparql", headers=AUTH, data={
        "update": "INSERT DATA { GRAPH <urn:test:g> { <urn:test:s> <http://xmlns.com/foaf/0.1/name> 'x' } }"})
    graph = Graph().parse(data=client.get("/.well-known/void").get_data(as_text=True), format="turtle")
    assert URIRef("http://xmlns.com/foaf/0.1/") in set(graph.objects(dataset, VOID.vocabulary))
    assert graph.value(dataset, VOID.uriSpace) is None, "urn:test:s is not under the base"
    empty = app_for(open_store(None)).test_client()
    graph = Graph().parse(data=empty.get("/.well-known/void").get_data(as_text=True), format="turtle")
    assert graph.value(dataset, VOID.uriSpace) is None, "nothing is minted in an empty store"
