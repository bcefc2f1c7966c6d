"""The SPARQL service description and the VoID description, as graphs built from what is enabled."""

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from geokg.ontology import NS, ONTOLOGY_IRI

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
        g.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    for name in RESULT_FORMATS.values():
        g.add((service, SD.resultFormat, FORMATS[name]))
    if union:
        g.add((service, SD.feature, SD.UnionDefaultGraph))
    if federated:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    dataset = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, DCTERMS.description, Literal("News facts about alliances, rifts and mediation; one named graph "
                                                 "per article, plus the ontology graph.")))
    g.add((dataset, URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso"), URIRef(void_url)))
    return g


def void_description(base: str, dataset_url: str, endpoint: str, triples: int, graphs: list[str]) -> Graph:
    """The dataset in the VoID vocabulary: size, endpoint, URI space, vocabulary and its graphs."""
    g = Graph()
    g.bind("void", VOID)
    dataset = URIRef(dataset_url)
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, DCTERMS.title, Literal("geokg")))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    g.add((dataset, VOID.uriSpace, Literal(base + "/id/")))
    g.add((dataset, VOID.vocabulary, URIRef(NS)))
    g.add((dataset, VOID.triples, Literal(triples, datatype=XSD.integer)))
    g.add((dataset, VOID.rootResource, URIRef(ONTOLOGY_IRI)))
    for graph in graphs:
        part = URIRef(graph)
        g.add((dataset, VOID.subset, part))
        g.add((part, RDF.type, VOID.Dataset))
    return g
