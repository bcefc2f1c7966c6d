from rdflib import OWL, RDF, RDFS, URIRef

from geokg.loaders.model import ACTOR_TYPES, EVENT_TYPES, PREDICATES
from geokg.ontology import GK, NS, context, ontology_graph, shapes_graph

import pytest


def ontology_terms():
    g = ontology_graph()
    return sorted({s for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(NS)})


@pytest.mark.parametrize("term", ontology_terms(), ids=lambda t: t.split("#")[-1])
def test_every_term_has_an_english_label_and_comment(term):
    g = ontology_graph()
    assert any(l.language == "en" for l in g.objects(term, RDFS.label)), f"{term} has no label"
    assert any(c.language == "en" and len(c) > 10 for c in g.objects(term, RDFS.comment)), f"{term} has no comment"


def test_namespace_class_knows_exactly_the_ontology_terms():
    assert {str(t) for t in ontology_terms()} == {str(GK[name]) for name in GK.__annotations__}


def test_misspelt_term_fails_at_once():
    with pytest.raises(AttributeError):
        GK.memberof  # noqa: B018 - the access itself is the test


def test_claims_format_vocabularies_are_all_ontology_terms():
    for name in PREDICATES:
        assert (GK[name], RDF.type, OWL.ObjectProperty) in ontology_graph()
    for name in ACTOR_TYPES + EVENT_TYPES:
        if name != "Other":
            assert (GK[name], RDF.type, OWL.Class) in ontology_graph()


def test_alignment_to_org_prov_sem_schema_and_wikidata():
    g = ontology_graph()
    assert (GK.memberOf, OWL.equivalentProperty, URIRef("http://www.wikidata.org/prop/direct/P463")) in g
    assert (GK.Membership, RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#Membership")) in g
    assert (GK.Event, RDFS.subClassOf, URIRef("http://semanticweb.cs.vu.nl/2009/11/sem/Event")) in g
    assert (GK.Claim, RDFS.subClassOf, URIRef("https://schema.org/Claim")) in g
    assert (GK.statedIn, RDFS.subPropertyOf, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")) in g
    seealso = set(g.objects(GK.start, RDFS.seeAlso))
    assert URIRef("http://www.wikidata.org/prop/qualifier/P580") in seealso


def test_shapes_parse_and_target_the_fact_classes():
    sh = URIRef("http://www.w3.org/ns/shacl#targetClass")
    targets = set(shapes_graph().objects(None, sh))
    assert {GK.Actor, GK.RelationStatement, GK.Event, GK.Claim, GK.Article} <= targets


def test_context_maps_every_property_to_an_ontology_or_known_term():
    terms = context()["@context"]
    for name in PREDICATES:
        assert terms[name]["@id"] == f"gk:{name}"
    assert terms["sentence"]["@id"] == "gk:sentence"
