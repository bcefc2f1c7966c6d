"""The geokg ontology, its SHACL shapes and JSON-LD context, and the namespace class built from them."""

from geokg.ontology.namespace import GK, NS, ONTOLOGY_IRI
from geokg.ontology.files import CONTEXT_PATH, ONTOLOGY_PATH, SHAPES_PATH, context, ontology_graph, shapes_graph

__all__ = [
    "GK", "NS", "ONTOLOGY_IRI", "CONTEXT_PATH", "ONTOLOGY_PATH", "SHAPES_PATH",
    "context", "ontology_graph", "shapes_graph",
]
