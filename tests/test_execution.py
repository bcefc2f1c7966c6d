"""Plain-text rows read from the engine's own TSV must say exactly what the term-by-term rows say."""

import pyoxigraph as ox
import pytest

from geokg.store.answers import tsv_texts
from geokg.store.execution import execute
from geokg.store import OxigraphStore

TRICKY = r"""
PREFIX ex: <http://example.org/>
INSERT DATA {
  ex:a ex:p "tab\there, \"quoted\", back\\slash, new\nline" .
  ex:a ex:p "caf\u00e9 \U0001F600 naïve"@fr .
  ex:a ex:p 42 .
  ex:a ex:p -1.5e3 .
  ex:a ex:p true .
  ex:a ex:p "2012"^^<http://www.w3.org/2001/XMLSchema#gYear> .
  ex:a ex:p _:blank .
  ex:a ex:p <http://example.org/with%20escape?x=1#frag> .
  ex:a ex:p "" .
}
"""
QUERY = "SELECT ?s ?o ?missing WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?missing } }"


@pytest.fixture()
def engine():
    store = ox.Store()
    store.update(TRICKY)
    return store


def run(engine, fmt):
    return execute(engine, {"op": "query", "sparql": QUERY, "fmt": fmt, "union": False, "max_rows": 100,
                            "own_dataset": False})


def test_texts_match_rows_for_every_kind_of_term(engine):
    _, names, cells, _ = run(engine, "rows")
    term_by_term = sorted(tuple(sorted((k, c[1]) for k, c in zip(names, row) if c is not None)) for row in cells)
    kind, _, payload, _ = run(engine, "texts")
    texts = tsv_texts(payload)
    assert kind == "bindings" and len(texts) == 9
    assert sorted(tuple(sorted(row.items())) for row in texts) == term_by_term
    values = {row["o"] for row in texts}
    assert 'tab\there, "quoted", back\\slash, new\nline' in values
    assert "café \U0001F600 naïve" in values
    assert "" in values and "http://example.org/with%20escape?x=1#frag" in values


def test_texts_of_one_variable_keep_unbound_rows():
    store = OxigraphStore(None)
    assert store.query("SELECT ?x WHERE { VALUES ?x { UNDEF 'a' UNDEF } }").texts() == [{}, {"x": "a"}, {}]
    assert store.query("SELECT ?x WHERE { FILTER(false) }").texts() == []
    assert store.query("ASK { FILTER(false) }").texts() == []
