"""The mapping writes N-Triples text, and the load writes that text as it is: the graphs it gives must be
the graphs the rdflib mapping it replaced gave, on the fixtures and on generated records, hostile ones too."""

from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, SKOS, XSD

from claims_strategies import claims_documents
from geokg.loaders.claims import check_claims
from geokg.loaders.errors import LoadError
from geokg.loaders.ids import Ids, article_slug
from geokg.loaders.mapping import (
    ACTOR_CLASS, EVENT_CLASS, ORG, PROV, SCHEMA, WD, _Keys, _class, _event_label, claims_ntriples, claims_to_graph,
    dbpedia_iri, nquads, ntriples_text, source_iri,
)
from geokg.loaders.registry import format_for
from geokg.ontology import GK

FIXTURES = Path(__file__).parent / "fixtures" / "claims"
SEED = Path(__file__).parent.parent / "loaders" / "samples" / "000-iran-hamas-syria-axis.yaml"


def rdflib_mapping(doc, ids):
    """claims_to_graph as it was before the mapping wrote N-Triples (commit ac52848), kept as the oracle."""
    name = article_slug(doc.article)
    article = ids.article(name)
    graph_uri = ids.graph(name)
    g = Graph()
    g.bind("gk", GK._NS)
    g.bind("schema", SCHEMA)
    g.bind("skos", SKOS)

    g.add((graph_uri, PROV.wasDerivedFrom, article))
    g.add((article, RDF.type, GK.Article))
    g.add((article, GK.fileName, Literal(doc.article)))
    g.add((article, RDFS.label, Literal(doc.title or doc.article)))
    for prop, value in ((SCHEMA.headline, doc.title), (SCHEMA.publisher, doc.publisher), (SCHEMA.articleBody, doc.body)):
        if value:
            g.add((article, prop, Literal(value)))
    if source_iri(doc.source):
        g.add((article, SCHEMA.url, URIRef(source_iri(doc.source))))
    if doc.published is not None:
        g.add((article, SCHEMA.datePublished, doc.published))

    actor = {name: ids.actor(name) for name in doc.actors}
    for a in doc.actors.values():
        node = actor[a.name]
        g.add((node, RDF.type, _class(ACTOR_CLASS, a.type)))
        g.add((node, SKOS.prefLabel, Literal(a.name)))
        g.add((node, RDFS.label, Literal(a.name)))
        for alias in a.aliases:
            if alias != a.name:
                g.add((node, SKOS.altLabel, Literal(alias)))
        for key in {n.lower() for n in (a.name, *a.aliases)}:
            g.add((node, GK.nameKey, Literal(key)))
        if a.wikidata:
            g.add((node, OWL.sameAs, WD[a.wikidata]))
        if a.dbpedia:
            g.add((node, OWL.sameAs, URIRef(dbpedia_iri(a.dbpedia))))
        if a.description:
            g.add((node, SCHEMA.description, Literal(a.description)))
        g.add((node, SCHEMA.subjectOf, article))

    def provenance(node, prov):
        g.add((node, GK.statedIn, article))
        for sentence in prov.sentences:
            g.add((node, GK.sentence, Literal(sentence)))
        if prov.confidence is not None:
            g.add((node, GK.confidence, Literal(f"{float(prov.confidence):.3f}", datatype=XSD.decimal)))

    def when(node, item, *fields):
        if item.time:
            g.add((node, GK.timeText, Literal(item.time)))
        for field in fields:
            value = getattr(item, field)
            if value is not None:
                g.add((node, getattr(GK, field), value))

    keys = _Keys()
    for r in doc.relations:
        predicate = getattr(GK, r.predicate)
        node = ids.fact("relation", name, keys(r.subject, r.predicate, *r.objects))
        g.add((node, RDF.type, GK.Membership if r.predicate in ("memberOf", "joinedAlliance") else GK.RelationStatement))
        g.add((node, GK.subject, actor[r.subject]))
        g.add((node, GK.relation, predicate))
        for obj in r.objects:
            g.add((node, GK.object, actor[obj]))
            g.add((actor[r.subject], predicate, actor[obj]))
        if r.predicate in ("memberOf", "joinedAlliance"):
            g.add((node, ORG.member, actor[r.subject]))
            g.add((node, ORG.organization, actor[r.objects[0]]))
        for prop, value in ((GK.role, r.role), (GK.status, r.status)):
            if value:
                g.add((node, prop, Literal(value)))
        when(node, r, "date", "start", "end")
        provenance(node, r.prov)

    for e in doc.events:
        node = ids.fact("event", name, keys(e.type, e.date))
        g.add((node, RDF.type, _class(EVENT_CLASS, e.type)))
        g.add((node, RDFS.label, Literal(_event_label(e))))
        for p in e.participants:
            g.add((node, GK.participant, actor[p]))
        if e.place:
            g.add((node, GK.place, actor[e.place]))
        when(node, e, "date")
        provenance(node, e.prov)

    for c in doc.claims:
        who = (c.claimants + c.claimant_descriptions or ["article"])[0]
        node = ids.fact("claim", name, keys(who))
        g.add((node, RDF.type, GK.Claim))
        g.add((node, GK.content, Literal(c.content)))
        g.add((node, GK.directQuote, Literal(c.direct_quote)))
        for claimant in c.claimants:
            g.add((node, GK.claimant, actor[claimant]))
        for description in c.claimant_descriptions:
            g.add((node, GK.claimantDescription, Literal(description)))
        if c.channel:
            g.add((node, GK.channel, actor[c.channel]))
        if c.channel_name:
            g.add((node, GK.channelName, Literal(c.channel_name)))
        if c.hedge:
            g.add((node, GK.hedge, Literal(c.hedge)))
        for a in c.about:
            g.add((node, GK.about, actor[a]))
        provenance(node, c.prov)
    return graph_uri, g





def store_quads(text: str) -> set:
    store = ox.Store()
    store.load(text, format=ox.RdfFormat.N_QUADS)
    return {str(q) for q in store}


def same_graphs(doc, ids):
    """The new mapping and the oracle agree as graphs, and as the quads a store holds after each is loaded."""
    graph_iri, triples = claims_ntriples(doc, ids)
    old_iri, old = rdflib_mapping(doc, ids)
    assert graph_iri == str(old_iri)
    new = Graph().parse(data=ntriples_text(triples), format="nt")
    assert len(triples) == len(new) == len(old)
    assert isomorphic(new, old)
    assert isomorphic(claims_to_graph(doc, ids)[1], old)
    oracle = "".join(f"{line[:-2]} <{graph_iri}> .\n" for line in old.serialize(format="nt").split("\n") if line)
    assert store_quads(nquads(graph_iri, ntriples_text(triples))) == store_quads(oracle)


@pytest.mark.parametrize("path", [SEED, *sorted(FIXTURES.glob("*.yaml"))], ids=lambda p: p.name)
def test_fixtures_map_to_the_graphs_the_rdflib_mapping_gave(path):
    same_graphs(format_for(path).parse(path.read_bytes(), str(path)), Ids())


def test_generated_benchmark_files_map_alike(tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    from load_bench import generate

    for path in generate(tmp_path, 20, seed=5):
        same_graphs(format_for(path).parse(path.read_bytes(), str(path)), Ids("http://x.test/kg"))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=claims_documents())
def test_generated_records_map_alike(raw):
    try:
        doc = check_claims(raw, "g.yaml", "g.yaml")
    except LoadError:
        return
    same_graphs(doc, Ids())
