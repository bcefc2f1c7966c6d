import pytest

from geokg.server.conneg import GRAPH_TYPES, RESULT_TYPES, choose, known_format_name, named_format, parse_accept

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize("header,expected", [
    (None, [("*/*", 1.0)]),
    ("text/csv;q=0.5, application/json", [("application/json", 1.0), ("text/csv", 0.5)]),
    ("a/b;q=0.5, c/d;q=0.5", [("a/b", 0.5), ("c/d", 0.5)]),
    ("a/b;q=oops", [("a/b", 0.0)]),
    ("A/B ; Q=0.3", [("a/b", 0.3)]),
])
def test_parse_accept(header, expected):
    assert parse_accept(header) == expected


@pytest.mark.parametrize("header,table,default,expected", [
    (None, RESULT_TYPES, "json", "json"),
    ("*/*", GRAPH_TYPES, "turtle", "turtle"),
    ("application/sparql-results+xml", RESULT_TYPES, "json", "xml"),
    ("text/csv;q=0.4, text/tab-separated-values", RESULT_TYPES, "json", "tsv"),
    ("application/ld+json", GRAPH_TYPES, "turtle", "jsonld"),
    ("application/n-triples", GRAPH_TYPES, "turtle", "ntriples"),
    ("application/rdf+xml", GRAPH_TYPES, "turtle", "rdfxml"),
    ("image/png", GRAPH_TYPES, "turtle", None),
    ("text/turtle;q=0", GRAPH_TYPES, "turtle", None),
    ("application/*", RESULT_TYPES, "json", "json"),
    ("text/turtle;q=0, */*", GRAPH_TYPES, "turtle", "jsonld"),
    ("*/*, text/turtle;q=0", GRAPH_TYPES, "turtle", "jsonld"),
    ("application/sparql-results+json;q=0, */*;q=0.5", RESULT_TYPES, "json", "xml"),
    ("application/*;q=0, */*", RESULT_TYPES, "json", "csv"),
    ("*/*;q=0.1, application/ld+json;q=0.5", GRAPH_TYPES, "turtle", "jsonld"),
    ("text/csv, application/sparql-results+json", RESULT_TYPES, "json", "csv"),
    ("application/x-turtle", GRAPH_TYPES, "turtle", "turtle"),
    ("application/json", GRAPH_TYPES, "turtle", "jsonld"),
])
def test_choose(header, table, default, expected):
    assert choose(header, table, default) == expected


def test_browsers_get_html_when_offered():
    assert choose(BROWSER, RESULT_TYPES, "json", ("html",)) == "html"
    assert choose("application/json", RESULT_TYPES, "json", ("html",)) == "json"


@pytest.mark.parametrize("names,kind,expected", [
    (["json"], "bindings", "json"),
    (["json"], "graph", "jsonld"),
    (["xml"], "boolean", "xml"),
    (["xml"], "graph", "rdfxml"),
    (["n3"], "graph", "turtle"),
    (["rdf+xml", "application/rdf+xml"], "graph", "rdfxml"),
    (["json-ld"], "graph", "jsonld"),
    (["TSV"], "bindings", "tsv"),
    (["text/turtle; charset=utf-8"], "graph", "turtle"),
    (["pdf", "csv"], "bindings", "csv"),
    (["turtle"], "bindings", None),
    (["csv"], "graph", None),
])
def test_format_names(names, kind, expected):
    assert named_format(names, kind) == expected


def test_known_format_names():
    assert known_format_name("turtle") and known_format_name("application/sparql-results+json")
    assert not known_format_name("pdf")
