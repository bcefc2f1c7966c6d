"""Checked claims records to RDF triples: pure, so it can be tested without a store or a file."""

from collections import Counter

import pyoxigraph
from rdflib import Graph, Namespace, URIRef
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
        self.issued = set()

    def __call__(self, *parts) -> str:
        key = "-".join(slug(str(p)) for p in parts if p)
        self.seen[key] += 1
        candidate = key if self.seen[key] == 1 else f"{key}-{self.seen[key]}"
        # A second 'B' made 'a-memberof-b-2': a later object named 'B 2' counts on instead of sharing its node.
        while candidate in self.issued:
            self.seen[key] += 1
            candidate = f"{key}-{self.seen[key]}"
        self.issued.add(candidate)
        return candidate


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_GK = str(GK._NS)
_SKOS, _OWL, _XSD = str(SKOS), str(OWL), str(XSD)
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_TYPE = f"<{_RDF}type>"
_LABEL, _PREF, _ALT, _KEY = f"<{_RDFS}label>", f"<{_SKOS}prefLabel>", f"<{_SKOS}altLabel>", f"<{_GK}nameKey>"
_TRUE, _FALSE = f'"true"^^<{_XSD}boolean>', f'"false"^^<{_XSD}boolean>'
_MEMBERSHIP = ("memberOf", "joinedAlliance")


def text_literal(value: str) -> str:
    """A plain literal in N-Triples (and in SPARQL, whose strings take the same escapes)."""
    return f'"{value.translate(_ESCAPES)}"'


def _typed(literal) -> str:
    """A literal from the checked records (a date, a publication date) in N-Triples."""
    if literal.datatype is None or str(literal.datatype) == f"{_XSD}string":
        return text_literal(str(literal))
    return f'"{str(literal).translate(_ESCAPES)}"^^<{literal.datatype}>'


def _gk(name: str) -> str:
    return f"<{_GK}{name}>"


def claims_ntriples(doc: ClaimsDoc, ids: Ids) -> tuple[str, list[str]]:
    """The named graph IRI and the triples of one article's claims, each an N-Triples statement without
    its closing dot, in order and without repeats. The one mapping: the load writes these lines as they
    are, and claims_to_graph reads them into an rdflib graph. Every IRI in them is minted from a slug, a
    checked base or a value the checker has passed through iri_problem, so each line is valid N-Triples."""
    name = article_slug(doc.article)
    article = f"<{ids.article(name)}>"
    graph_iri = str(ids.graph(name))
    out = []
    add = out.append

    add(f"<{graph_iri}> <{PROV.wasDerivedFrom}> {article}")
    add(f"{article} {_TYPE} {_gk('Article')}")
    add(f"{article} {_gk('fileName')} {text_literal(doc.article)}")
    add(f"{article} {_LABEL} {text_literal(doc.title or doc.article)}")
    for prop, value in ((SCHEMA.headline, doc.title), (SCHEMA.publisher, doc.publisher),
                        (SCHEMA.articleBody, doc.body)):
        if value:
            add(f"{article} <{prop}> {text_literal(value)}")
    if source_iri(doc.source):
        add(f"{article} <{SCHEMA.url}> <{source_iri(doc.source)}>")
    if doc.published is not None:
        add(f"{article} <{SCHEMA.datePublished}> {_typed(doc.published)}")

    # A resolved record carries the URI of the node it stands for; an unresolved one gets the one its name mints.
    actor = {n: f"<{a.uri or ids.actor(n)}>" for n, a in doc.actors.items()}
    subject_of = f"<{SCHEMA.subjectOf}>"
    for a in doc.actors.values():
        node = actor[a.name]
        label = text_literal(a.name)
        add(f"{node} {_TYPE} <{_class(ACTOR_CLASS, a.type)}>")
        add(f"{node} {_PREF} {label}")
        add(f"{node} {_LABEL} {label}")
        for alias in a.aliases:
            if alias != a.name:
                add(f"{node} {_ALT} {text_literal(alias)}")
        for key in {n.lower() for n in (a.name, *a.aliases)}:
            add(f"{node} {_KEY} {text_literal(key)}")
        if a.wikidata:
            add(f"{node} <{_OWL}sameAs> <{WD}{a.wikidata}>")
        if a.dbpedia:
            add(f"{node} <{_OWL}sameAs> <{dbpedia_iri(a.dbpedia)}>")
        if a.description:
            add(f"{node} <{SCHEMA.description}> {text_literal(a.description)}")
        add(f"{node} {subject_of} {article}")

    def provenance(node, prov: Provenance):
        add(f"{node} {_gk('statedIn')} {article}")
        for sentence in prov.sentences:
            add(f"{node} {_gk('sentence')} {text_literal(sentence)}")
        if prov.confidence is not None:
            add(f'{node} {_gk("confidence")} "{float(prov.confidence):.3f}"^^<{_XSD}decimal>')

    def when(node, item, *fields):
        if item.time:
            add(f"{node} {_gk('timeText')} {text_literal(item.time)}")
        for field in fields:
            value = getattr(item, field)
            if value is not None:
                add(f"{node} {_gk(field)} {_typed(value)}")

    keys = _Keys()
    for r in doc.relations:
        predicate = _gk(r.predicate)
        node = f"<{ids.fact('relation', name, keys(r.subject, r.predicate, *r.objects))}>"
        subject = actor[r.subject]
        add(f"{node} {_TYPE} {_gk('Membership' if r.predicate in _MEMBERSHIP else 'RelationStatement')}")
        add(f"{node} {_gk('subject')} {subject}")
        add(f"{node} {_gk('relation')} {predicate}")
        for obj in r.objects:
            add(f"{node} {_gk('object')} {actor[obj]}")
            add(f"{subject} {predicate} {actor[obj]}")
        if r.predicate in _MEMBERSHIP:
            add(f"{node} <{ORG.member}> {subject}")
            add(f"{node} <{ORG.organization}> {actor[r.objects[0]]}")
        for prop, value in (("role", r.role), ("status", r.status)):
            if value:
                add(f"{node} {_gk(prop)} {text_literal(value)}")
        when(node, r, "date", "start", "end")
        provenance(node, r.prov)

    for e in doc.events:
        node = f"<{ids.fact('event', name, keys(e.type, e.date))}>"
        add(f"{node} {_TYPE} <{_class(EVENT_CLASS, e.type)}>")
        add(f"{node} {_LABEL} {text_literal(_event_label(e))}")
        for p in e.participants:
            add(f"{node} {_gk('participant')} {actor[p]}")
        if e.place:
            add(f"{node} {_gk('place')} {actor[e.place]}")
        when(node, e, "date")
        provenance(node, e.prov)

    for c in doc.claims:
        who = (c.claimants + c.claimant_descriptions or ["article"])[0]
        node = f"<{ids.fact('claim', name, keys(who))}>"
        add(f"{node} {_TYPE} {_gk('Claim')}")
        add(f"{node} {_gk('content')} {text_literal(c.content)}")
        add(f"{node} {_gk('directQuote')} {_TRUE if c.direct_quote else _FALSE}")
        for claimant in c.claimants:
            add(f"{node} {_gk('claimant')} {actor[claimant]}")
        for description in c.claimant_descriptions:
            add(f"{node} {_gk('claimantDescription')} {text_literal(description)}")
        if c.channel:
            add(f"{node} {_gk('channel')} {actor[c.channel]}")
        if c.channel_name:
            add(f"{node} {_gk('channelName')} {text_literal(c.channel_name)}")
        if c.hedge:
            add(f"{node} {_gk('hedge')} {text_literal(c.hedge)}")
        for a in c.about:
            add(f"{node} {_gk('about')} {actor[a]}")
        provenance(node, c.prov)
    return graph_iri, list(dict.fromkeys(out))


def actor_memory_ntriples(uri: str, classes, label: str | None, keys, qid: str | None) -> list[str]:
    """What one resolved record adds to the actors graph about its actor: the first name of a new actor
    (``label``), and the classes, name keys and Wikidata id the actor did not have yet."""
    node = f"<{uri}>"
    out = [f"{node} {_TYPE} <{c}>" for c in classes]
    if label is not None:
        out.append(f"{node} {_PREF} {text_literal(label)}")
    out += [f"{node} {_KEY} {text_literal(k)}" for k in keys]
    if qid:
        out.append(f"{node} <{_OWL}sameAs> <{WD}{qid}>")
    return out


def candidate_ntriples(ids: Ids, new: str, old: str, evidence: str) -> list[str]:
    """A new actor that may be an older one, kept apart: gk:candidateSameAs between them, and a gk:Link
    waiting for review that says why."""
    link = f"<{ids.fact('candidate', new.rsplit('/', 1)[-1], old.rsplit('/', 1)[-1])}>"
    return [f"<{new}> {_gk('candidateSameAs')} <{old}>", f"{link} {_TYPE} {_gk('Link')}",
            f"{link} {_gk('linkFrom')} <{new}>", f"{link} {_gk('linkTo')} <{old}>",
            f"{link} {_gk('linkStatus')} {text_literal('review')}",
            f"{link} {_gk('evidence')} {text_literal(evidence)}"]


def ntriples_text(triples: list[str]) -> str:
    """Lines from claims_ntriples as an N-Triples document."""
    return " .\n".join(triples) + " .\n" if triples else ""


def nquads(graph_iri: str, ntriples: str) -> str:
    """An N-Triples document from ntriples_text as N-Quads in one named graph. Its statements end in " .\n"
    and nothing else does: a literal's line breaks are escaped."""
    return ntriples.replace(" .\n", f" <{graph_iri}> .\n")


def claims_to_graph(doc: ClaimsDoc, ids: Ids) -> tuple[URIRef, Graph]:
    """The named graph URI and the triples of one article's claims as an rdflib graph (for SHACL and tests)."""
    graph_iri, triples = claims_ntriples(doc, ids)
    g = Graph()
    g.bind("gk", GK._NS)
    g.bind("schema", SCHEMA)
    g.bind("skos", SKOS)
    g.parse(data=ntriples_text(triples), format="nt")
    return URIRef(graph_iri), g


def _event_label(event) -> str:
    """A short human title, because events have no name of their own."""
    kind = "Event" if event.type == "Other" else event.type
    who = ", ".join(event.participants[:3]) + (" and others" if len(event.participants) > 3 else "")
    when = f" ({event.date})" if event.date is not None else (f" ({event.time})" if event.time else "")
    return f"{kind}: {who}{when}"
