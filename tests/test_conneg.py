import pytest

from geokg.server.conneg import GRAPH_TYPES, RESULT_TYPES, choose, parse_accept

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
])
def test_choose(header, table, default, expected):
    assert choose(header, table, default) == expected


def test_browsers_get_html_when_offered():
    assert choose(BROWSER, RESULT_TYPES, "json", ("html",)) == "html"
    assert choose("application/json", RESULT_TYPES, "json", ("html",)) == "json"
