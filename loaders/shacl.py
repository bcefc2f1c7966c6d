"""SHACL validation of a graph against the ontology's shapes, reported in words a person can act on."""

from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

from geokg.loaders.errors import Problem
from geokg.ontology import ontology_graph, shapes_graph

SH = Namespace("http://www.w3.org/ns/shacl#")


def shacl_problems(data: Graph, file: str) -> list[Problem]:
    """One Problem per SHACL violation, naming the node, the property and the shape's message."""
    conforms, report, _ = validate(
        data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="none", advanced=False,
    )
    if conforms:
        return []
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage) or "does not conform"
        value = report.value(result, SH.value)
        detail = f"{message}" + (f" (value {value})" if value is not None else "")
        problems.append(Problem(file, f"SHACL: {detail}", item=_name(data, focus), field=_short(path)))
    return sorted(problems, key=str)


def _name(data: Graph, node) -> str:
    label = data.value(node, SKOS.prefLabel)
    return f"<{node}>" + (f" ({label})" if label else "")


def _short(term) -> str | None:
    if not isinstance(term, URIRef):
        return None
    text = str(term)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
