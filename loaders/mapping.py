"""Checked claims records to RDF triples: pure, so it can be tested without a store or a file."""

from collections import Counter

import pyoxigraph
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, SKOS, XSD

from geokg.loaders.ids import Ids, article_slug, slug
from geokg.loaders.model import ClaimsDoc, Provenance
from geokg.ontology import GK

SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
WD = Namespace("http://www.wikidata.org/entity/")
DBR = Namespace("http://dbpedia.org/resource/")

ACTOR_CLASS = {"Other": GK.Actor}
EVENT_CLASS = {"Other": GK.Event}


def source_iri(source: str | None) -> str | None:
    """The IRI an article's ``source`` becomes: only a web address is one; other text names no resource."""
    return source if source and source.startswith(("http://", "https://")) else None


def dbpedia_iri(name: str) -> str:
    """The DBpedia resource an actor's ``dbpedia`` names, written as a page title (spaces for underscores)."""
    return f"{DBR}{name.replace(' ', '_')}"


def iri_problem(iri: str) -> str | None:
    """Why ``iri`` is not an IRI, or None. Oxigraph's parser follows RFC 3987 to the letter and is the one
    the default store writes with, so what it accepts can be written and read back everywhere."""
    try:
        pyoxigraph.NamedNode(iri)
    except ValueError as exc:
        return str(exc)
    return None


def _class(table, name):
    return table.get(name) or getattr(GK, name)


class _Keys:
    """Readable, collision-free keys for the facts of one article."""

    def __init__(self):
        self.seen = Counter()

    def __call__(self, *parts) -> str:
        key = "-".join(slug(str(p)) for p in parts if p)
        self.seen[key] += 1
        return key if self.seen[key] == 1 else f"{key}-{self.seen[key]}"


def claims_to_graph(doc: ClaimsDoc, ids: Ids) -> tuple[URIRef, Graph]:
    """The named graph URI and the triples of one article's claims."""
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

    def provenance(node, prov: Provenance):
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


def _event_label(event) -> str:
    """A short human title, because events have no name of their own."""
    kind = "Event" if event.type == "Other" else event.type
    who = ", ".join(event.participants[:3]) + (" and others" if len(event.participants) > 3 else "")
    when = f" ({event.date})" if event.date is not None else (f" ({event.time})" if event.time else "")
    return f"{kind}: {who}{when}"
