"""The embedded store: Oxigraph in this process, on disk or in memory, the default."""

import functools
import uuid
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from geokg.loaders.errors import StoreError
from geokg.store.answers import Result, read_query
from geokg.store.execution import DATASET_FORMATS, engine_error, execute, write_dump
from geokg.store.querytext import refuse_fetching_update
from geokg.store.writing import replace_graphs_update, run_update, write_graph
from geokg.ontology import ONTOLOGY_IRI, ONTOLOGY_PATH, context


# Oxigraph's bulk loader ingests each million quads on their own: add_graphs writes fewer, in one ingestion.
BULK_QUADS_LIMIT = 1_000_000


def graph_to_jsonld(graph: Graph) -> bytes:
    """Compact JSON-LD with the ontology's own context, embedded so that no context is ever fetched."""
    return graph.serialize(format="json-ld", context=context()["@context"], auto_compact=True).encode("utf-8")


class OxigraphStore:
    """Embedded Oxigraph in this process: on disk at ``path``, or in memory when ``path`` is None."""

    def __init__(self, path: str | Path | None = None, union_default_graph: bool = True, max_rows: int = 100_000,
                 service_allow=()):
        self.path = Path(path) if path else None
        self.union_default_graph = union_default_graph
        self.max_rows = max_rows
        self.service_allow = tuple(service_allow)
        self.version = uuid.uuid4().hex[:12]
        try:
            self._store = ox.Store(str(self.path)) if self.path else ox.Store()
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreError(f"the store at {self.path} is open in another process (such as `geokg serve`), "
                                 "which alone may write it: stop that process, or send the data to the running "
                                 "server (Graph Store PUT to /rdf-graph-store, or a SPARQL update)", 409,
                                 "Store in use") from None
            raise StoreError(f"cannot open the store at {self.path}: {exc}") from None

    def describe(self) -> str:
        """Where the data lives, for messages."""
        return f"Oxigraph store at {self.path}" if self.path else "in-memory Oxigraph store"

    def health(self) -> str | None:
        """An embedded store answers as long as this process runs."""
        return None

    def query(self, sparql: str, bindings: dict | None = None, default_graphs=None, named_graphs=None,
              union: bool | None = None, base_iri: str | None = None) -> Result:
        """A read query; ``bindings`` (variable -> term) are substituted by the engine, never pasted."""
        return read_query(self, self._run, sparql, bindings, default_graphs, named_graphs, union, base_iri)

    def _run(self, request):
        try:
            return execute(self._store, request)
        except (SyntaxError, RuntimeError, ValueError, OSError) as exc:
            raise engine_error(exc) from None

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        """A SPARQL Update in one transaction; LOAD and SERVICE are refused before the engine sees them."""
        sparql = refuse_fetching_update(sparql, self.service_allow)
        if not sparql.strip():
            return
        run_update(self._store, sparql, base_iri)
        self.version = uuid.uuid4().hex[:12]
        self.flush()

    def write_graph(self, graph: str | None, data: bytes, fmt: str, base_iri: str | None, replace: bool) -> None:
        """Parse an RDF document and write it into one graph, in one transaction."""
        write_graph(self._store, graph, data, fmt, base_iri, replace)
        self.version = uuid.uuid4().hex[:12]
        self.flush()

    def replace_graphs(self, graphs: dict[str, str]) -> None:
        """Replace named graphs (IRI -> N-Triples) in one transaction: all of them or none."""
        run_update(self._store, replace_graphs_update(graphs))
        self.version = uuid.uuid4().hex[:12]

    def add_graphs(self, nquads: str, graphs) -> bool:
        """Write N-Quads text all or nothing when none of ``graphs`` (IRIs) exists yet, and False, with nothing
        written, when one does (replace_graphs then drops and writes them in one transaction). The text goes
        through bulk_load: under its batch of a million quads, the whole text is parsed first and goes in as
        one ingestion of sorted files (RocksDB ingests files into several column families atomically),
        at about twice the speed of a transaction, which also leaves work for the flush."""
        if nquads.count("\n") >= BULK_QUADS_LIMIT:
            return False
        if any(self._store.contains_named_graph(ox.NamedNode(g)) for g in graphs):
            return False
        try:
            self._store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
        except SyntaxError as exc:
            raise StoreError(f"the quads to write are not valid N-Quads, nothing was written: {exc}") from None
        except OSError as exc:
            raise StoreError(f"the write failed and changed nothing: {exc}") from None
        self.version = uuid.uuid4().hex[:12]
        return True

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        return len(self._store)

    def dump(self, fmt: str) -> bytes:
        """The whole dataset as N-Quads or TriG."""
        return self._store.dump(format=getattr(ox.RdfFormat, DATASET_FORMATS[fmt]))

    def dump_file(self, path: str, fmt: str) -> int:
        return write_dump(self._store, str(path), fmt)

    def flush(self) -> None:
        """Make written data durable before the process exits."""
        if self.path:
            self._store.flush()


@functools.lru_cache(maxsize=1)
def ontology_ntriples() -> str:
    """The ontology as N-Triples, for its own named graph."""
    return Graph().parse(ONTOLOGY_PATH, format="turtle").serialize(format="nt")


def install_ontology(store) -> None:
    """Keep the ontology's own triples in their named graph, so term labels are queryable."""
    store.replace_graphs({ONTOLOGY_IRI: ontology_ntriples()})
