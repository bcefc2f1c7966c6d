"""The ontology's Turtle and JSON-LD files, parsed once per process."""

import functools
import json
from pathlib import Path

from rdflib import Graph

HERE = Path(__file__).resolve().parent
ONTOLOGY_PATH = HERE / "ontology.ttl"
SHAPES_PATH = HERE / "shapes.ttl"
CONTEXT_PATH = HERE / "context.jsonld"


@functools.lru_cache(maxsize=None)
def ontology_graph() -> Graph:
    """The ontology as an rdflib graph (cached: callers must not modify it)."""
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


@functools.lru_cache(maxsize=None)
def shapes_graph() -> Graph:
    """The SHACL shapes as an rdflib graph (cached: callers must not modify it)."""
    return Graph().parse(SHAPES_PATH, format="turtle")


@functools.lru_cache(maxsize=None)
def context() -> dict:
    """The JSON-LD context document, so no remote context is ever needed."""
    return json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))
