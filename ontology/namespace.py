"""The ``GK`` namespace class: its terms are read from ontology.ttl, so a misspelt term fails at once."""

import re
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace

NS = "https://w3id.org/geokg/ontology#"
ONTOLOGY_IRI = "https://w3id.org/geokg/ontology"

# A regex over the Turtle instead of an rdflib parse: this module is imported by every command,
# and the terms are always written as `gk:Name` at the start of a line in ontology.ttl.
_TERM = re.compile(r"^gk:([A-Za-z][A-Za-z0-9]*)\s", re.MULTILINE)


def _terms() -> list[str]:
    text = (Path(__file__).resolve().parent / "ontology.ttl").read_text(encoding="utf-8")
    return sorted(set(_TERM.findall(text)))


TERMS = _terms()

GK = type(
    "GK",
    (DefinedNamespace,),
    {
        "__doc__": "Terms of the geokg ontology; unknown names raise AttributeError.",
        "__annotations__": {term: URIRef for term in TERMS},
        "_NS": Namespace(NS),
        "_fail": True,
    },
)
