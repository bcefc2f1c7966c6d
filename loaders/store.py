"""Where the graph lives: one interface, with embedded Oxigraph (on disk or in memory) as the default."""

import re
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from geokg.loaders.errors import GeokgError
from geokg.ontology import ONTOLOGY_IRI, ONTOLOGY_PATH, context


class StoreError(GeokgError):
    """The store cannot be opened or cannot run a request."""

    def __init__(self, message: str, status: int = 500, title: str = "Store error"):
        super().__init__(message, status, title)


RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
DATASET_FORMATS = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}


def to_rdflib(term):
    """A pyoxigraph term as the equivalent rdflib term (None stays None)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term):
    """An rdflib term (or a plain string, taken as a literal) as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, str):
        return ox.Literal(term)
    raise TypeError(f"cannot bind {term!r}")


# A SERVICE keyword outside strings, IRIs and comments; a prefixed name (ex:SERVICE) or a variable
# (?service) is not one. pyoxigraph would run the remote call itself, with no switch to stop it.
_SKIP = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>|#[^\n]*')
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE\b", re.IGNORECASE)


def uses_service(query: str) -> bool:
    """True when the query contains a SERVICE clause, which would make the engine call out."""
    return bool(_SERVICE.search(_SKIP.sub(" ", query)))


class Result:
    """The answer to one query, read once: as rows for views, or serialised for clients."""

    def __init__(self, native):
        self._native = native
        if isinstance(native, ox.QueryBoolean):
            self.kind, self.variables = "boolean", []
        elif isinstance(native, ox.QuerySolutions):
            self.kind, self.variables = "bindings", [v.value for v in native.variables]
        else:
            self.kind, self.variables = "graph", []

    def __bool__(self) -> bool:
        return bool(self._native) if self.kind == "boolean" else True

    def rows(self) -> list[dict]:
        """SELECT rows as dicts of rdflib terms, unbound variables left out."""
        out = []
        for solution in self._native:
            row = {}
            for var in self.variables:
                value = solution[var]
                if value is not None:
                    row[var] = to_rdflib(value)
            out.append(row)
        return out

    def graph(self) -> Graph:
        """CONSTRUCT/DESCRIBE triples as an rdflib graph."""
        g = Graph()
        data = self._native.serialize(format=ox.RdfFormat.N_TRIPLES)
        if data:
            g.parse(data=data.decode("utf-8"), format="nt")
        return g

    def serialize(self, fmt: str) -> bytes:
        """The answer in a format named in RESULT_FORMATS or GRAPH_FORMATS, or "jsonld"."""
        if self.kind == "graph":
            if fmt == "jsonld":
                return graph_to_jsonld(self.graph())
            return self._native.serialize(format=GRAPH_FORMATS[fmt]) or b""
        return self._native.serialize(format=RESULT_FORMATS[fmt])


def graph_to_jsonld(graph: Graph) -> bytes:
    """Compact JSON-LD with the ontology's own context, embedded so that no context is ever fetched."""
    return graph.serialize(format="json-ld", context=context()["@context"], auto_compact=True).encode("utf-8")


class Store(Protocol):
    """What the loaders, the server and the CLI need of a store; a remote SPARQL store can provide it too."""

    def describe(self) -> str: ...

    def query(self, sparql: str, bindings: dict | None = None) -> Result: ...

    def replace_graphs(self, graphs: dict[str, str]) -> None: ...

    def graphs(self) -> list[str]: ...

    def dump(self, fmt: str) -> bytes: ...

    def flush(self) -> None: ...

    def __len__(self) -> int: ...


class OxigraphStore:
    """Embedded Oxigraph: on disk at ``path``, or in memory when ``path`` is None."""

    def __init__(self, path: str | Path | None = None, union_default_graph: bool = True):
        self.path = Path(path) if path else None
        self.union_default_graph = union_default_graph
        try:
            self._store = ox.Store(str(self.path)) if self.path else ox.Store()
        except OSError as exc:
            hint = " Is another geokg process (such as `geokg serve`) using it?" if "lock" in str(exc).lower() else ""
            raise StoreError(f"cannot open the store at {self.path}: {exc}.{hint}") from None

    def describe(self) -> str:
        """Where the data lives, for messages."""
        return f"Oxigraph store at {self.path}" if self.path else "in-memory Oxigraph store"

    def query(self, sparql: str, bindings: dict | None = None) -> Result:
        """Run a read query; ``bindings`` (variable -> term) are substituted by the engine, never pasted."""
        if uses_service(sparql):
            raise StoreError("SERVICE is not allowed: this endpoint does not call other endpoints",
                             status=400, title="Query refused")
        substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()}
        try:
            native = self._store.query(
                sparql, use_default_graph_as_union=self.union_default_graph,
                substitutions=substitutions or None,
            )
        except SyntaxError as exc:
            raise StoreError(f"SPARQL syntax error: {exc}", status=400, title="Bad query") from None
        except RuntimeError as exc:
            raise StoreError(str(exc), status=400, title="Bad query") from None
        except OSError as exc:
            raise StoreError(f"the store failed to answer: {exc}") from None
        return Result(native)

    def replace_graphs(self, graphs: dict[str, str]) -> None:
        """Replace named graphs (IRI -> N-Triples) in one transaction: all of them or none."""
        parts = []
        for graph, ntriples in graphs.items():
            parts.append(f"DROP SILENT GRAPH <{graph}>")
            parts.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{ntriples}\n}} }}")
        try:
            self._store.update(" ;\n".join(parts))
        except (SyntaxError, OSError) as exc:
            raise StoreError(f"writing {len(graphs)} graph(s) failed, nothing was changed: {exc}") from None

    def drop_graph(self, graph: str) -> None:
        """Remove one named graph and its triples."""
        self._store.update(f"DROP SILENT GRAPH <{graph}>")

    def graphs(self) -> list[str]:
        """The IRIs of the named graphs, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        return len(self._store)

    def dump(self, fmt: str) -> bytes:
        """The whole dataset as N-Quads or TriG."""
        return self._store.dump(format=DATASET_FORMATS[fmt])

    def flush(self) -> None:
        """Make written data durable before the process exits."""
        if self.path:
            self._store.flush()


def open_store(location: str | Path | None = None, **options) -> Store:
    """The store at a location: a path for an embedded on-disk store, or None for memory."""
    return OxigraphStore(location, **options)


def install_ontology(store) -> None:
    """Keep the ontology's own triples in their named graph, so term labels are queryable."""
    g = Graph().parse(ONTOLOGY_PATH, format="turtle")
    store.replace_graphs({ONTOLOGY_IRI: g.serialize(format="nt")})
