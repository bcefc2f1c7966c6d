"""Where the graph lives, behind one interface (``interface.Store``): the embedded Oxigraph store
(``embedded``), the served store's killable worker pool (``pool``, with ``workers``, ``forks``, ``sandbox``
and ``writing``), a remote SPARQL 1.1 store (``remote``, configured by ``remote_config``), query execution
and answers (``execution``, ``results``, ``answers``) and the checks on query text (``querytext`` on the
tokens of ``sparqllex``). The loaders and the server open a store with
``open_store`` and never learn which kind they have."""

from pathlib import Path

from geokg.store.embedded import OxigraphStore, graph_to_jsonld, install_ontology, ontology_ntriples
from geokg.store.interface import Store

__all__ = ["OxigraphStore", "Store", "graph_to_jsonld", "install_ontology", "ontology_ntriples", "open_store",
           "require_store"]


def open_store(location: str | Path | None = None, **options) -> Store:
    """The store at a location: an http(s) URL or a .toml/.json file naming a remote SPARQL store's endpoints,
    a path for an embedded on-disk store, or None for memory."""
    from geokg.store.remote_config import is_remote

    if is_remote(location):
        from geokg.store.remote import RemoteStore

        return RemoteStore(str(location), **options)
    return OxigraphStore(location, **options)


def require_store(location: str | Path | None) -> None:
    """Refuse a local path that holds no store. Opening one creates it, so a mistyped --store would
    otherwise be served or queried as an empty store without a word; only loading may create one."""
    from geokg.loaders.errors import StoreError
    from geokg.store.remote_config import is_remote

    if location is None or is_remote(location):
        return
    path = Path(location)
    # RocksDB, under Oxigraph, keeps the name of its current manifest in CURRENT from the first open on.
    if (path / "CURRENT").is_file():
        return
    why = "no such folder" if not path.exists() else "the folder holds no Oxigraph store"
    raise StoreError(f"no store at {path} ({why}); only `geokg load` creates one: check --store or $GEOKG_STORE",
                     404, "No store")
