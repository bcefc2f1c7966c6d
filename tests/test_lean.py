"""The lean /sparql handler answers exactly as the Flask view does: same status, headers and body, same
metrics, and errors in the one JSON error shape; what it does not handle reaches Flask intact."""

import json
import re

import pytest

from geokg.store.execution import execute
from geokg.store import open_store
from geokg.server.app import create_app

BASE = "https://geokg.example.org"
SEED_GRAPH = "https://geokg.example.org/graph/000-iran-hamas-syria-axis"
ONTOLOGY = "https://w3id.org/geokg/ontology"
GK = "https://w3id.org/geokg/ontology#"
SELECT = f"SELECT ?s ?label WHERE {{ ?s a <{GK}Alliance> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }} ORDER BY ?s ?label"
LABELS = "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(lang(?l) != '') } ORDER BY ?l LIMIT 5"
EMPTY = "SELECT ?s WHERE { ?s <urn:nothing:here> ?o }"
ASK_TRUE = f"ASK {{ ?s a <{GK}Alliance> }}"
ASK_FALSE = "ASK { <urn:none> ?p ?o }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RELATIVE = "SELECT ?x WHERE { BIND(<relative> AS ?x) }"
QUERIES = [SELECT, LABELS, EMPTY, ASK_TRUE, ASK_FALSE, COUNT, RELATIVE]
ACCEPTS = [None, "application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values", "application/json", "application/xml", "*/*",
           "text/csv;q=0.5, application/sparql-results+xml;q=0.9", "text/*", "application/*"]
FORMAT_PARAMS = [{"format": "json"}, {"format": "xml"}, {"format": "csv"}, {"format": "tsv"},
                 {"output": "application/sparql-results+xml"}, {"results": "text/csv"}, {"format": "srj"},
                 {"format": " ", "output": "tsv"}]


@pytest.fixture
def pair(store):
    """Two apps over one store: the lean handler in front, and Flask alone."""
    lean = create_app({"GEOKG_STORE_OBJECT": store, "GEOKG_BASE": BASE})
    flask_only = create_app({"GEOKG_STORE_OBJECT": store, "GEOKG_BASE": BASE, "GEOKG_INSTALL_ONTOLOGY": False})
    flask_only.wsgi_app = flask_only.wsgi_app.fallback
    handed_on = []
    handler, fallback = lean.wsgi_app, lean.wsgi_app.fallback
    handler.fallback = lambda environ, start: handed_on.append(environ["PATH_INFO"]) or fallback(environ, start)
    return lean, flask_only, handed_on


def _same(lean, flask_only, method, **request):
    ours = getattr(lean.test_client(), method)("/sparql", **request)
    theirs = getattr(flask_only.test_client(), method)("/sparql", **request)
    assert ours.status_code == theirs.status_code, (request, ours.get_data(as_text=True))
    assert sorted(ours.headers.items()) == sorted(theirs.headers.items()), request
    assert ours.get_data() == theirs.get_data(), request
    return ours


def _metric_lines(app) -> list[str]:
    text = app.extensions["geokg_metrics"].text()
    return [line for line in text.splitlines() if re.match(r"geokg_(requests|query_timeouts|requests_refused)", line)
            or line.startswith("geokg_query_seconds_count")]


def test_queries_by_get_answer_as_flask_does_without_flask(pair):
    lean, flask_only, handed_on = pair
    for query in QUERIES:
        for accept in ACCEPTS:
            headers = {"Accept": accept} if accept else {}
            response = _same(lean, flask_only, "get", query_string={"query": query}, headers=headers)
            assert response.status_code == 200
        for params in FORMAT_PARAMS:
            assert _same(lean, flask_only, "get", query_string={"query": query, **params}).status_code == 200
    assert handed_on == []
    assert _metric_lines(lean) == _metric_lines(flask_only)


def test_form_posts_answer_as_flask_does_with_formats_from_form_or_url(pair):
    lean, flask_only, handed_on = pair
    for query in QUERIES:
        for accept in ACCEPTS[:5]:
            headers = {"Accept": accept} if accept else {}
            assert _same(lean, flask_only, "post", data={"query": query}, headers=headers).status_code == 200
        assert _same(lean, flask_only, "post", data={"query": query}, query_string={"format": "csv"}).status_code == 200
        # The form's format comes before the URL's, as in the Flask view.
        assert _same(lean, flask_only, "post", data={"query": query, "format": "xml"},
                     query_string={"format": "tsv"}).status_code == 200
        assert _same(lean, flask_only, "post", data={"query": query},
                     content_type="application/x-www-form-urlencoded; charset=UTF-8").status_code == 200
    assert handed_on == []
    assert _metric_lines(lean) == _metric_lines(flask_only)


def test_dataset_parameters_pick_the_same_graphs(pair):
    lean, flask_only, handed_on = pair
    for params in ({"default-graph-uri": ONTOLOGY}, {"default-graph-uri": [ONTOLOGY, SEED_GRAPH]},
                   {"named-graph-uri": SEED_GRAPH}):
        for query in (COUNT, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
            response = _same(lean, flask_only, "get", query_string={"query": query, **params},
                             headers={"Accept": "application/sparql-results+json"})
            assert response.status_code == 200
            _same(lean, flask_only, "post", data={"query": query, **params})
    assert handed_on == []
    only_ontology = json.loads(lean.test_client().get("/sparql", query_string={
        "query": COUNT, "default-graph-uri": ONTOLOGY}).get_data())["results"]["bindings"][0]["n"]["value"]
    union = json.loads(lean.test_client().get("/sparql", query_string={"query": COUNT}).get_data())
    assert 0 < int(only_ontology) < int(union["results"]["bindings"][0]["n"]["value"])


ERRORS = [
    ({"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}, {}, 400),
    ({"query": "SELECT * WHERE { ?s ?p }"}, {}, 400),
    ({"query": SELECT, "format": "turtle"}, {}, 406),
    ({"query": SELECT, "format": "nonsense"}, {}, 400),
    ({"query": SELECT}, {"Accept": "image/png"}, 406),
    ({"query": SELECT, "update": "CLEAR ALL"}, {}, 405),
    ({"query": [SELECT, ASK_TRUE]}, {}, 400),
    ({"query": " "}, {"Accept": "image/png"}, 400),
    ({"update": "CLEAR ALL"}, {}, 405),
    ({"query": "SELECT * WHERE { " * 200 + "}" * 200}, {}, 400),
]


def test_errors_take_the_flask_error_shape(pair):
    lean, flask_only, _ = pair
    for params, headers, status in ERRORS:
        response = _same(lean, flask_only, "get", query_string=params, headers=headers)
        assert response.status_code == status, params
        body = response.get_json()
        assert body["ok"] is False and body["status"] == status and body["error"], params
        assert _same(lean, flask_only, "post", data=params, headers=headers).status_code >= 400
    assert _metric_lines(lean) == _metric_lines(flask_only)
    refused = [line for line in _metric_lines(lean) if line.startswith("geokg_requests_refused_total")]
    assert refused != ["geokg_requests_refused_total 0"]


def test_what_the_lean_handler_leaves_reaches_flask_whole(pair):
    lean, flask_only, handed_on = pair
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s a <{GK}Alliance> ; ?p ?o }}"
    requests = [
        ("get", {"query_string": {"query": construct}, "headers": {"Accept": "text/turtle"}}),
        ("get", {"query_string": {"query": SELECT}, "headers": {"Accept": "text/html"}}),
        ("get", {"query_string": {"query": SELECT, "format": "html"}}),
        ("post", {"data": SELECT, "content_type": "application/sparql-query"}),
        ("post", {"data": {"query": construct, "format": "nt"}}),
        ("post", {"data": {"query": SELECT}, "content_type": "multipart/form-data"}),
        ("post", {"data": {"query": SELECT}, "content_type": "application/x-www-form-urlencoded; charset=latin-1"}),
        ("head", {"query_string": {"query": SELECT}}),
    ]
    for method, request in requests:
        response = _same(lean, flask_only, method, **request)
        assert response.status_code in (200, 415), request
    # Each was handed on, a form POST with its body still readable by Flask.
    assert len(handed_on) == len(requests)
    posted = lean.test_client().post("/sparql", data={"query": SELECT, "format": "html"})
    assert posted.status_code == 200 and b"<html" in posted.get_data().lower()
    assert lean.test_client().get("/health").status_code == 200


def test_a_cut_answer_says_so_on_both_paths(pair, store):
    lean, flask_only, handed_on = pair
    store.max_rows = 2
    query = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 10"
    for fmt in ("json", "xml"):
        response = _same(lean, flask_only, "get", query_string={"query": query, "format": fmt})
        assert response.headers["X-Geokg-Truncated"] == "2"
        assert b"urn:geokg:truncated" in response.get_data()
    assert handed_on == []
    response = _same(lean, flask_only, "get", query_string={"query": query, "format": "csv"})
    assert response.status_code == 400 and response.get_json()["title"] == "Result too large"


def _request(sparql, fmt, cap):
    return {"op": "query", "sparql": sparql, "fmt": fmt, "union": True, "max_rows": cap, "own_dataset": False,
            "bindings": {}}


def test_worker_answers_are_the_engines_own_writing_unless_the_cap_could_cut_them():
    store = open_store(None)
    store.update("INSERT DATA { " + " ".join(f"<urn:s:{i}> <urn:p> 'a rather long value {i}' ." for i in range(6)) + " }")
    engine = store._store
    query = "SELECT ?s ?o WHERE { ?s <urn:p> ?o } ORDER BY ?s"
    import pyoxigraph as ox

    for fmt, name in (("json", "JSON"), ("xml", "XML"), ("csv", "CSV"), ("tsv", "TSV")):
        kind, variables, body, truncated = execute(engine, _request(query, fmt, 1000))
        assert body == engine.query(query).serialize(format=getattr(ox.QueryResultsFormat, name))
        assert (kind, variables, truncated) == ("bindings", ["s", "o"], False)
    # Six rows of more bytes than a cap of 6 could be cut at: written again row by row, whole.
    kind, variables, body, truncated = execute(engine, _request(query, "json", 6))
    assert truncated is False and len(json.loads(body)["results"]["bindings"]) == 6
    kind, variables, body, truncated = execute(engine, _request(query, "json", 5))
    doc = json.loads(body)
    assert truncated is True and doc["truncated"] is True and len(doc["results"]["bindings"]) == 5
