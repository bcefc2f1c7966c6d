"""The pure mapping from checked records to triples, compared as graphs, never as strings."""

import json
import textwrap

import pyoxigraph
import pytest
from rdflib import Graph, Literal, RDF, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import SKOS, XSD

from geokg.loaders.claims import check_claims, read_claims
from geokg.loaders.errors import LoadError
from geokg.loaders.ids import Ids
from geokg.loaders.mapping import claims_to_graph
from geokg.loaders.shacl import shacl_problems
from geokg.ontology import GK

ONE_RELATION = textwrap.dedent("""\
    article: tiny.txt
    actors:
    - {name: Ruritania, type: State}
    - {name: Grand Pact, type: Alliance}
    relations:
    - {subject: Ruritania, predicate: memberOf, object: Grand Pact, start: '2019', end: 2021-06,
       role: founder, sentence: Ruritania was in the Grand Pact.}
    """)

EXPECTED = """
@prefix gk: <https://w3id.org/geokg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <http://x.test/id/> .

<http://x.test/graph/tiny> prov:wasDerivedFrom id:article\\/tiny .
id:article\\/tiny a gk:Article ; gk:fileName "tiny.txt" ; rdfs:label "tiny.txt" .
id:actor\\/ruritania a gk:State ; skos:prefLabel "Ruritania" ; rdfs:label "Ruritania" ; gk:nameKey "ruritania" ;
    schema:subjectOf id:article\\/tiny ; gk:memberOf id:actor\\/grand-pact .
id:actor\\/grand-pact a gk:Alliance ; skos:prefLabel "Grand Pact" ; rdfs:label "Grand Pact" ; gk:nameKey "grand pact" ;
    schema:subjectOf id:article\\/tiny .
id:relation\\/tiny\\/ruritania-memberof-grand-pact a gk:Membership ;
    gk:subject id:actor\\/ruritania ; gk:relation gk:memberOf ; gk:object id:actor\\/grand-pact ;
    org:member id:actor\\/ruritania ; org:organization id:actor\\/grand-pact ;
    gk:role "founder" ; gk:start "2019"^^xsd:gYear ; gk:end "2021-06"^^xsd:gYearMonth ;
    gk:sentence "Ruritania was in the Grand Pact." ; gk:statedIn id:article\\/tiny .
"""


def mapped(text, base="http://x.test"):
    doc = check_claims(read_claims(text.encode(), "t.yaml"), "t.yaml", "t.yaml")
    return claims_to_graph(doc, Ids(base))


def test_relation_becomes_direct_triple_plus_statement_node():
    graph_uri, g = mapped(ONE_RELATION)
    assert graph_uri == URIRef("http://x.test/graph/tiny")
    expected = Graph().parse(data=EXPECTED, format="turtle")
    assert isomorphic(g, expected), sorted(set(to_isomorphic(g)) ^ set(to_isomorphic(expected)))


def test_mapping_is_deterministic_and_base_relative():
    _, first = mapped(ONE_RELATION)
    _, second = mapped(ONE_RELATION)
    assert isomorphic(first, second)
    _, other = mapped(ONE_RELATION, base="https://kg.example.net/data")
    assert (URIRef("https://kg.example.net/data/id/actor/ruritania"), RDF.type, GK.State) in other


def test_mediation_repeats_the_direct_triple_for_each_party():
    text = ONE_RELATION.replace(
        "- {name: Grand Pact, type: Alliance}",
        "- {name: Grand Pact, type: Alliance}\n- {name: Graustark, type: State}\n- {name: Kravonia, type: State}",
    ) + "- {subject: Ruritania, predicate: mediatesBetween, object: [Graustark, Kravonia], sentence: S.}\n"
    _, g = mapped(text)
    ruritania = URIRef("http://x.test/id/actor/ruritania")
    parties = set(g.objects(ruritania, GK.mediatesBetween))
    assert parties == {URIRef("http://x.test/id/actor/graustark"), URIRef("http://x.test/id/actor/kravonia")}
    statement = next(g.subjects(GK.relation, GK.mediatesBetween))
    assert set(g.objects(statement, GK.object)) == parties


def test_same_fact_twice_in_one_article_gets_two_nodes():
    text = ONE_RELATION + ONE_RELATION.split("relations:\n")[1]
    _, g = mapped(text)
    assert len(set(g.subjects(GK.relation, GK.memberOf))) == 2


def test_mapped_seed_conforms_to_the_shapes(store):
    from geokg.server.app import sample_claims
    from geokg.loaders.registry import format_for

    path = sample_claims()[0]
    doc = format_for(path).parse(path.read_bytes(), str(path))
    _, g = claims_to_graph(doc, Ids("http://x.test"))
    assert shacl_problems(g, str(path)) == []


def test_shacl_violations_are_reported_with_node_and_property():
    _, g = mapped(ONE_RELATION)
    statement = next(g.subjects(GK.relation, GK.memberOf))
    g.remove((statement, GK.sentence, None))
    g.add((statement, GK.start, Literal("soon")))
    problems = [str(p) for p in shacl_problems(g, "t.yaml")]
    assert any("ruritania-memberof-grand-pact" in p and "sentence: SHACL: a fact needs at least one supporting sentence" in p
               for p in problems), problems
    assert any("start: SHACL: start must be an xsd:gYear" in p and "(value soon)" in p for p in problems), problems


def test_aliases_and_wikidata_links():
    text = ONE_RELATION.replace("- {name: Ruritania, type: State}",
                                "- {name: Ruritania, type: State, aliases: [Strelsau], wikidata: Q1}")
    _, g = mapped(text)
    node = URIRef("http://x.test/id/actor/ruritania")
    assert (node, SKOS.altLabel, Literal("Strelsau")) in g
    assert (node, URIRef("http://www.w3.org/2002/07/owl#sameAs"), URIRef("http://www.wikidata.org/entity/Q1")) in g


def test_dates_keep_their_precision():
    _, g = mapped(ONE_RELATION)
    statement = next(g.subjects(GK.relation, GK.memberOf))
    assert g.value(statement, GK.start).datatype == XSD.gYear
    assert g.value(statement, GK.end).datatype == XSD.gYearMonth


IRI_VALUES = [
    ("source", "https://example.org/news/Ḥamās?id=1#top", True),
    ("source", "http://example.org/a%20b", True),
    ("source", "not a URL at all: kept out of the graph", True),
    ("source", "http://example.org/a b", False),
    ("source", "http://example.org/<a>", False),
    ("source", 'http://example.org/"a"', False),
    ("source", "http://example.org/{a}", False),
    ("source", "http://example.org/%zz", False),
    ("source", "http://example.org:port/", False),
    ("dbpedia", "Grand Pact (1900)", True),
    ("dbpedia", "AC/DC", True),
    ("dbpedia", "Ruritania's army", True),
    ("dbpedia", "Grand Pact <1900>", False),
    ("dbpedia", "{Grand Pact}", False),
    ("dbpedia", 'The "Pact"', False),
    ("dbpedia", "100% Pact", False),
]


@pytest.mark.parametrize("field,value,kept", IRI_VALUES, ids=[f"{f}={v!r}" for f, v, _ in IRI_VALUES])
def test_fields_that_become_iris_map_to_iris_the_store_reads_or_are_refused(field, value, kept):
    text = ONE_RELATION.replace("- {name: Ruritania, type: State}",
                                f"- {{name: Ruritania, type: State, dbpedia: {json.dumps(value)}}}")
    if field == "source":
        text = ONE_RELATION.replace("article: tiny.txt", f"article: tiny.txt\nsource: {json.dumps(value)}")
    try:
        _, g = mapped(text)
    except LoadError as exc:
        assert not kept
        assert [(p.item, p.field) for p in exc.problems] == [("actors[0]" if field == "dbpedia" else None, field)]
        return
    assert kept
    data = g.serialize(format="nt")
    assert len(list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_TRIPLES))) == len(g)


def test_dbpedia_names_are_page_titles():
    text = ONE_RELATION.replace("- {name: Ruritania, type: State}",
                                "- {name: Ruritania, type: State, dbpedia: Kingdom of Ruritania}")
    _, g = mapped(text)
    assert (URIRef("http://x.test/id/actor/ruritania"), URIRef("http://www.w3.org/2002/07/owl#sameAs"),
            URIRef("http://dbpedia.org/resource/Kingdom_of_Ruritania")) in g


def test_a_fact_key_taken_by_a_numbered_twin_is_not_shared():
    text = ONE_RELATION.replace("- {name: Grand Pact, type: Alliance}",
                                "- {name: Grand Pact, type: Alliance}\n- {name: Grand Pact 2, type: Alliance}")
    twice = text.split("relations:\n")[1]
    text = text + twice + twice.replace("object: Grand Pact,", "object: Grand Pact 2,")
    _, g = mapped(text)
    statements = set(g.subjects(GK.relation, GK.memberOf))
    assert len(statements) == 3
    assert all(len(set(g.objects(s, GK.object))) == 1 for s in statements)
