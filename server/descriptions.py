"""The SPARQL service description and the VoID description, as graphs that state only what holds."""

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, XSD

from geokg.ontology import ONTOLOGY_IRI

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

RESULT_FORMATS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
                  "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "ntriples": "N-Triples", "nquads": "N-Quads",
                  "trig": "TriG", "jsonld": "JSON-LD", "rdfxml": "RDF_XML"}


RDFLIB_NAMES = {"turtle": "turtle", "ntriples": "nt", "rdfxml": "xml", "jsonld": "json-ld", "nquads": "nquads",
                "trig": "trig"}


def serialize(graph: Graph, fmt: str) -> str:
    """A description graph in one of the negotiated graph formats."""
    return graph.serialize(format=RDFLIB_NAMES[fmt])


def service_description(endpoint: str, writable: bool, union: bool, federated: bool, void_url: str) -> Graph:
    """What this endpoint supports, in the W3C service description vocabulary."""
    g = Graph()
    g.bind("sd", SD)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if writable:
        # sd:SPARQL11Update would promise LOAD, which this endpoint refuses; the language it does
        # support is described here instead.
        update = URIRef(endpoint + "#update-without-load")
        g.add((service, SD.supportedLanguage, update))
        g.add((update, RDF.type, SD.Language))
        g.add((update, RDFS.label, Literal("SPARQL 1.1 Update without LOAD")))
        g.add((update, RDFS.comment, Literal("Every SPARQL 1.1 Update operation except LOAD: this endpoint never "
                                             "fetches a URL. Send data with the Graph Store Protocol instead.")))
        g.add((update, RDFS.seeAlso, URIRef("https://www.w3.org/TR/sparql11-update/")))
    for name in RESULT_FORMATS.values():
        g.add((service, SD.resultFormat, FORMATS[name]))
    # No sd:EmptyGraphs: an on-disk Oxigraph store keeps empty graphs, except that CLEAR ALL removes them.
    if union:
        g.add((service, SD.feature, SD.UnionDefaultGraph))
    if federated:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    dataset = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, DCTERMS.description, Literal("News facts about alliances, rifts and mediation; one named graph "
                                                 "per article, plus the ontology graph.")))
    g.add((dataset, RDFS.seeAlso, URIRef(void_url)))
    return g


# Every graph, the store's own default graph too, whatever the union setting makes the default graph.
EVERY_GRAPH = "{ %s } UNION { GRAPH ?g { %s } }"
PREDICATES = "SELECT DISTINCT ?term WHERE { %s }" % (EVERY_GRAPH % ("?s ?term ?o", "?s ?term ?o"))
CLASSES = "SELECT DISTINCT ?term WHERE { %s }" % (EVERY_GRAPH % ("?s a ?term", "?s a ?term"))
MINTED = "ASK { %s FILTER(isIRI(?s) && STRSTARTS(STR(?s), %%(space)s)) }" % (EVERY_GRAPH % ("?s ?p ?o", "?s ?p ?o"))
# Subjects outside the URI space, in any graph but the ontology's, whose terms are vocabulary, not entities.
FOREIGN = """ASK {
  { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } FILTER(?g != <%s>) }
  FILTER(isIRI(?s) && !STRSTARTS(STR(?s), %%(space)s))
}""" % ONTOLOGY_IRI


# The datasets that owl:sameAs links lead into, each known by the URI space of its entities.
LINK_TARGETS = {"wikidata": ("Wikidata", "https://www.wikidata.org/", "http://www.wikidata.org/entity/"),
                "dbpedia": ("DBpedia", "https://dbpedia.org/", "http://dbpedia.org/resource/")}
# DISTINCT: a link stated in several graphs (every article that names the actor) is one link.
SAME_AS = """SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?o WHERE {
  %s FILTER(STRSTARTS(STR(?o), %%(space)s)) } }""" % (EVERY_GRAPH % (f"?s <{OWL.sameAs}> ?o", f"?s <{OWL.sameAs}> ?o"))


def void_facts(store, base: str) -> dict:
    """What the data itself shows: the vocabularies its predicates and classes come from, and whether
    every entity IRI lies under the base (a VoID URI space is the prefix of all of them)."""
    vocabularies = set()
    for query in (PREDICATES, CLASSES):
        for row in store.query(query, union=False).rows():
            namespace = _namespace(str(row["term"]))
            if namespace:
                vocabularies.add(namespace)
    space = base + "/"
    # The engine substitutes variables only into a SELECT's projection, so the base is written into the
    # text as a literal: check_base admits no quote, backslash or space that could end it.
    literal = {"space": f'"{space}"'}
    minted = (bool(store.query(MINTED % literal, union=False))
              and not bool(store.query(FOREIGN % literal, union=False)))
    linksets = {}
    for key, (_, _, target_space) in LINK_TARGETS.items():
        rows = store.query(SAME_AS % {"space": f'"{target_space}"'}, union=False).rows()
        linksets[key] = int(rows[0]["n"]) if rows else 0
    return {"vocabularies": sorted(vocabularies), "uri_space": space if minted else None, "linksets": linksets}


def _namespace(iri: str) -> str | None:
    """The namespace of a term: its IRI up to the last '#' or '/', when that leaves more than a scheme."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    namespace = iri[:cut + 1]
    return namespace if cut >= 0 and not namespace.endswith("//") else None


def void_description(dataset_url: str, endpoint: str, triples: int, graphs: list[str], vocabularies: list[str],
                     uri_space: str | None, linksets: dict[str, int] | None = None,
                     dumps: tuple[str, dict[str, str]] | None = None) -> Graph:
    """The dataset in the VoID vocabulary: size, endpoint, its graphs, the vocabularies it uses, when every
    entity IRI starts with one its URI space, a linkset for each external dataset it links to (counted) and
    its dumps (the whole, and one per graph: ``dumps`` maps graph IRIs to URLs). No void:rootResource: no
    resource in this data is the root the others hang from."""
    g = Graph()
    g.bind("void", VOID)
    dataset = URIRef(dataset_url)
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, DCTERMS.title, Literal("geokg")))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    if uri_space:
        g.add((dataset, VOID.uriSpace, Literal(uri_space)))
    for vocabulary in vocabularies:
        g.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    g.add((dataset, VOID.triples, Literal(triples, datatype=XSD.integer)))
    whole, each = dumps or (None, {})
    if whole:
        g.add((dataset, VOID.dataDump, URIRef(whole)))
    for graph in graphs:
        part = URIRef(graph)
        g.add((dataset, VOID.subset, part))
        g.add((part, RDF.type, VOID.Dataset))
        if graph in each:
            g.add((part, VOID.dataDump, URIRef(each[graph])))
    for key, count in (linksets or {}).items():
        if not count:
            continue
        title, homepage, space = LINK_TARGETS[key]
        target, linkset = URIRef(f"{dataset_url}#{key}"), URIRef(f"{dataset_url}#links-{key}")
        g.add((target, RDF.type, VOID.Dataset))
        g.add((target, DCTERMS.title, Literal(title)))
        g.add((target, FOAF.homepage, URIRef(homepage)))
        g.add((target, VOID.uriSpace, Literal(space)))
        g.add((dataset, VOID.subset, linkset))
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((linkset, VOID.subjectsTarget, dataset))
        g.add((linkset, VOID.objectsTarget, target))
        g.add((linkset, VOID.linkPredicate, OWL.sameAs))
        g.add((linkset, VOID.triples, Literal(count, datatype=XSD.integer)))
    return g
