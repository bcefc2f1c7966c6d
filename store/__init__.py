"""Where the graph lives, behind one interface (``interface.Store``): the embedded Oxigraph store
(``embedded``), the served store's killable worker pool (``pool``, with ``workers``, ``forks``, ``sandbox``
and ``writing``), query execution and answers (``execution``, ``results``, ``answers``) and the checks on
query text (``querytext`` on the tokens of ``sparqllex``). The loaders and the server open a store with
``open_store`` and never learn which kind they have."""

from pathlib import Path

from geokg.store.embedded import OxigraphStore, graph_to_jsonld, install_ontology, ontology_ntriples
from geokg.store.interface import Store

__all__ = ["OxigraphStore", "Store", "graph_to_jsonld", "install_ontology", "ontology_ntriples", "open_store"]


def open_store(location: str | Path | None = None, **options) -> Store:
    """The store at a location: a path for an embedded on-disk store, or None for memory."""
    return OxigraphStore(location, **options)
