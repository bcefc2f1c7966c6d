"""The LATERAL rewrite for Virtuoso (store/lateral.py) on generated query text: it reads the text through
the grammar's lexer, so a "LATERAL" inside a string, an IRI or a comment is never taken for the keyword,
and whatever it writes keeps every SERVICE, string and IRI of the query, or it refuses in one line."""

from hypothesis import given, settings, strategies as st

from geokg.store.lateral import LateralRefused, without_lateral
from geokg.store.sparqllex import tokenize

PIECES = [
    "?s ?p ?o .",
    "?s <http://x.test/p#LATERAL> ?o .",
    '?s ?p "LATERAL { ?x ?y ?z }" .',
    "# LATERAL { in a comment }\n",
    "<http://x.test/a#b> ?p ?o .",
    "SERVICE <http://x.test/sparql> { ?s ?p ?o }",
    "OPTIONAL { ?s ?q ?r }",
    "LATERAL { ?s ?q ?r }",
    "LATERAL { SELECT DISTINCT ?s ?name WHERE { ?s <http://x.test/name> ?name } }",
    "LATERAL { OPTIONAL { SELECT DISTINCT ?s ?n WHERE { ?n <http://x.test/p> ?s } } }",
    "LATERAL { SELECT ?s ?t WHERE { ?s ?p ?t } LIMIT 2 }",
    "{ ?s ?p ?o } UNION { ?o ?p ?s }",
    "FILTER(?o != 'LATERAL')",
]


def _kept(text: str) -> dict:
    tokens = tokenize(text)
    return {
        "service": sum(t.kind == "KEYWORD" and t.value == "SERVICE" for t in tokens),
        "literals": sorted(t.text for t in tokens if t.kind.startswith("STRING")),
        "iris": sorted({t.text for t in tokens if t.kind == "IRIREF"}),
    }


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8))
def test_the_rewrite_keeps_services_strings_and_iris_and_leaves_no_lateral(pieces):
    text = "SELECT * WHERE {\n  " + "\n  ".join(pieces) + "\n}"
    try:
        written = without_lateral(text)
    except LateralRefused as exc:
        assert "\n" not in exc.message and "LATERAL at line" in exc.message
        return
    tokens = tokenize(written)
    assert not any(t.kind == "KEYWORD" and t.value == "LATERAL" for t in tokens)
    before, after = _kept(text), _kept(written)
    assert after["service"] == before["service"]
    # An unrolled LATERAL repeats its group once per value: the same literals, perhaps more often.
    assert set(after["literals"]) == set(before["literals"])
    assert after["iris"] == before["iris"]


def test_lateral_in_a_string_an_iri_or_a_comment_is_left_alone():
    text = ('SELECT * WHERE { ?s <http://x.test/p#LATERAL> "LATERAL { }" # LATERAL {\n'
            "}")
    assert without_lateral(text) == text
