"""The one store interface that the loaders, the server and the CLI use, whichever store is behind it."""

from typing import Protocol

from geokg.store.answers import Result


class Store(Protocol):
    """What the loaders, the server and the CLI need of a store; a remote SPARQL store can provide it too."""

    def describe(self) -> str: ...

    def health(self) -> str | None:
        """None when the store can answer, else a one-line reason."""

    def query(self, sparql: str, bindings: dict | None = None, default_graphs=None, named_graphs=None,
              union: bool | None = None, base_iri: str | None = None) -> Result: ...

    def update(self, sparql: str, base_iri: str | None = None) -> None: ...

    def replace_graphs(self, graphs: dict[str, str]) -> None: ...

    def write_graph(self, graph: str | None, data: bytes, fmt: str, base_iri: str | None, replace: bool) -> None:
        """Parse an RDF document (turtle, ntriples, rdfxml, jsonld, n3) and write it into ``graph`` (None: the
        default graph) in one transaction, replacing the graph or adding to it; a named graph written
        with no triples exists afterwards."""

    def graphs(self) -> list[str]: ...

    def dump(self, fmt: str) -> bytes: ...

    def dump_file(self, path: str, fmt: str) -> int:
        """The whole dataset written to a file (gzip when the name ends in .gz), streamed; returns its size."""

    def flush(self) -> None: ...

    def __len__(self) -> int: ...
