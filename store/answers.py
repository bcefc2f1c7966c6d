"""A query's answer as the server, the pages and the CLI read it: rows of rdflib terms, plain texts, a
graph or serialised bytes, fetched from wherever the query runs (this process or a query worker).

Kept apart from ``execution``, which runs inside the workers, so that they never import rdflib.
"""

import re

from rdflib import BNode, Graph, Literal, URIRef

from geokg.store.querytext import names_dataset, query_kind, refuse_service


def decode(cell):
    """A picklable tuple back as an rdflib term."""
    if cell is None:
        return None
    kind = cell[0]
    if kind == "u":
        return URIRef(cell[1])
    if kind == "b":
        return BNode(cell[1])
    if kind == "l":
        return Literal(cell[1], lang=cell[3]) if cell[3] else Literal(cell[1], datatype=URIRef(cell[2]))
    return Literal(cell[1])


def read_query(store, run, sparql: str, bindings, default_graphs, named_graphs, union, base_iri) -> "Result":
    """A read query on ``store`` (any store: its service_allow, union_default_graph and max_rows), answered by
    ``run``: a SERVICE call off the allowlist is refused here, before any store sees the text."""
    refuse_service(sparql, store.service_allow)
    return Result(run, sparql, bindings, {"default_graphs": default_graphs, "named_graphs": named_graphs,
                                          "base_iri": base_iri},
                  store.union_default_graph if union is None else union, store.max_rows)


class Result:
    """A query, run when its rows or a serialisation are asked for; ``run`` sends it where it executes."""

    def __init__(self, run, sparql, bindings, options, union, max_rows):
        self.run_request, self.sparql, self.bindings, self.options = run, sparql, bindings, options
        self.union, self.max_rows = union, max_rows
        self.kind = query_kind(sparql)
        self.variables: list[str] = []
        self.truncated = False
        self._boolean = None

    def _run(self, fmt):
        # Judged here, where the text was just checked (and its tokens are cached), not lexed again in a worker.
        message = {"op": "query", "sparql": self.sparql, "fmt": fmt, "union": self.union, "max_rows": self.max_rows,
                   "own_dataset": names_dataset(self.sparql),
                   "bindings": {k: _to_cell(v) for k, v in (self.bindings or {}).items()}, **self.options}
        kind, variables, payload, truncated = self.run_request(message)
        self.kind, self.variables, self.truncated = kind, variables, truncated
        return payload

    def __bool__(self):
        if self.kind == "boolean":
            if self._boolean is None:
                self._boolean = self._run("rows")
            return bool(self._boolean)
        return True

    def rows(self) -> list[dict]:
        payload = self._run("rows")
        if self.kind == "boolean":
            self._boolean = payload
            return []
        return [{v: decode(c) for v, c in zip(self.variables, row) if c is not None} for row in payload]

    def texts(self) -> list[dict]:
        """Rows as plain strings (IRIs, lexical values, blank node ids), for pages that only print them.
        Several times cheaper than ``rows``, but with no row cap: only for queries bounded by design."""
        payload = self._run("texts")
        if self.kind == "boolean":
            return []
        if self.kind == "graph":
            return [{v: c[1] for v, c in zip(self.variables, row) if c is not None} for row in payload]
        return tsv_texts(payload)

    def graph(self) -> Graph:
        g = Graph()
        for s, p, o in self._run("rows"):
            g.add((decode(s), decode(p), decode(o)))
        return g

    def serialize(self, fmt: str) -> bytes:
        return self._run(fmt)


_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ESCAPED = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(match) -> str:
    code = match.group(1) or match.group(2)
    return chr(int(code, 16)) if code else _ESCAPED.get(match.group(3), match.group(3))


def _tsv_value(cell: str) -> str:
    first = cell[0]
    if first == "<" and cell[1] != "<":
        return cell[1:-1]
    if first == '"':
        text = cell[1:cell.rindex('"')]
        return _ESCAPE.sub(_unescape, text) if "\\" in text else text
    return cell[2:] if cell.startswith("_:") else cell


def tsv_texts(data: bytes) -> list[dict]:
    """SPARQL TSV results as rows of plain strings: IRIs without brackets, literals' lexical forms."""
    lines = data.decode("utf-8").split("\n")
    if lines[-1] == "":
        lines.pop()
    if not lines or not lines[0]:
        return [{} for _ in lines[1:]]
    names = [name[1:] for name in lines[0].split("\t")]
    return [{name: _tsv_value(cell) for name, cell in zip(names, line.split("\t")) if cell} for line in lines[1:]]


def _to_cell(term):
    """An rdflib term (or a plain string, taken as a literal) as a picklable tuple."""
    if isinstance(term, URIRef):
        return ("u", str(term))
    if isinstance(term, BNode):
        return ("b", str(term))
    if isinstance(term, Literal):
        return ("l", str(term), str(term.datatype or "http://www.w3.org/2001/XMLSchema#string"), term.language)
    return ("l", str(term), "http://www.w3.org/2001/XMLSchema#string", None)
