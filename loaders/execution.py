"""Running one query against a pyoxigraph store and writing its answer, in-process or in a worker.

Both the embedded store and the worker pool use ``execute``, so an answer looks the same however it
was computed: the same formats, the same row cap and the same signal when the cap cuts it.
"""

import json
import re

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from geokg.loaders.errors import GeokgError, StoreError
from geokg.loaders.querytext import names_dataset, query_kind

DATASET_FORMATS = {"nquads": "N_QUADS", "trig": "TRIG"}
TRUNCATED = "urn:geokg:truncated"
_NAMED, _LITERAL, _BLANK = ox.NamedNode, ox.Literal, ox.BlankNode


def _encode(term):
    """A pyoxigraph term as a picklable tuple (dispatch on the exact type: this runs once per cell)."""
    kind = type(term)
    if kind is _NAMED:
        return ("u", term.value)
    if kind is _LITERAL:
        return ("l", term.value, term.datatype.value, term.language)
    if term is None:
        return None
    if kind is _BLANK:
        return ("b", term.value)
    return ("t", str(term))


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


def _oxigraph_term(cell):
    kind = cell[0]
    if kind == "u":
        return ox.NamedNode(cell[1])
    if kind == "b":
        return ox.BlankNode(cell[1])
    return ox.Literal(cell[1], language=cell[3]) if cell[3] else ox.Literal(cell[1], datatype=ox.NamedNode(cell[2]))


def execute(store, request):
    """Run one request inside a worker; returns (kind, variables, payload, truncated)."""

    from geokg.loaders.results import write_rows

    op = request["op"]
    if op == "len":
        return "count", [], len(store), False
    if op == "graphs":
        return "graphs", [], sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)), False
    if op == "dump":
        return "dump", [], store.dump(format=getattr(ox.RdfFormat, DATASET_FORMATS[request["format"]])), False
    defaults = [ox.NamedNode(g) for g in request.get("default_graphs") or []]
    named = [ox.NamedNode(g) for g in request.get("named_graphs") or []]
    substitutions = {ox.Variable(k): _oxigraph_term(v) for k, v in (request.get("bindings") or {}).items()}
    # A query that names its dataset (FROM, FROM NAMED) or a request that does (default-graph-uri)
    # gets exactly that dataset, built from the store's own graphs; only otherwise is the union used.
    native = store.query(
        request["sparql"],
        base_iri=request.get("base_iri"),
        use_default_graph_as_union=request["union"] and not defaults and not request["own_dataset"],
        default_graph=defaults or None,
        named_graphs=named or None,
        substitutions=substitutions or None,
    )
    fmt, cap = request["fmt"], request["max_rows"]
    if fmt == "texts" and isinstance(native, ox.QuerySolutions):
        # Written by the engine, not term by term in Python: half the time of a page's big queries.
        return "bindings", [v.value for v in native.variables], native.serialize(format=ox.QueryResultsFormat.TSV), \
            False
    if isinstance(native, ox.QueryBoolean):
        if fmt in ("rows", "texts"):
            return "boolean", [], bool(native), False
        return "boolean", [], native.serialize(format=_results_format(fmt)), False
    if isinstance(native, ox.QuerySolutions):
        variables = [v.value for v in native.variables]
        rows, truncated = [], False
        for solution in native:
            if len(rows) == cap:
                truncated = True
                break
            rows.append(tuple(solution))
        if fmt == "rows":
            return "bindings", variables, [[_encode(t) for t in row] for row in rows], truncated
        if truncated and fmt in ("csv", "tsv"):
            raise GeokgError(f"the result has more than {cap} rows and {fmt.upper()} has no way to say it was cut; "
                             "add LIMIT/OFFSET or ask for JSON or XML", 400, "Result too large")
        return "bindings", variables, write_rows(variables, rows, fmt, truncated), truncated
    triples, truncated = [], False
    for triple in native:
        if len(triples) == cap:
            truncated = True
            break
        triples.append(triple)
    if fmt in ("rows", "texts"):
        return "graph", ["s", "p", "o"], [[_encode(t.subject), _encode(t.predicate), _encode(t.object)]
                                          for t in triples], truncated
    return "graph", [], _write_graph(triples, fmt, truncated, cap), truncated


def engine_error(exc: Exception) -> GeokgError:
    """What an exception from running a request means to a client: the query's fault (4xx) or the store's (500)."""
    if isinstance(exc, GeokgError):
        return exc
    if isinstance(exc, SyntaxError):
        return StoreError(f"SPARQL syntax error: {exc}", 400, "Bad query")
    if isinstance(exc, (RuntimeError, ValueError)):
        return StoreError(str(exc), 400, "Bad query")
    return StoreError(f"the store failed to answer: {exc}", 500, "Store error")


def _results_format(fmt):

    return {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
            "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}[fmt]


def _write_graph(triples, fmt, truncated, cap) -> bytes:

    if fmt == "jsonld":
        from geokg.loaders.store import graph_to_jsonld

        g = Graph()
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        if data:
            g.parse(data=data.decode("utf-8"), format="nt")
        body = graph_to_jsonld(g)
        if not truncated:
            return body
        doc = json.loads(body)
        doc = doc if isinstance(doc, dict) else {"@graph": doc}
        # A term the context does not define is dropped by JSON-LD processors but seen by readers.
        doc[TRUNCATED] = cap
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    if fmt in ("nquads", "trig"):
        data = ox.serialize([ox.Quad(t.subject, t.predicate, t.object) for t in triples],
                            format=getattr(ox.RdfFormat, DATASET_FORMATS[fmt])) or b""
    else:
        data = ox.serialize(triples, format={"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                                             "rdfxml": ox.RdfFormat.RDF_XML}[fmt]) or b""
    if truncated:
        note = f"truncated after {cap} triples ({TRUNCATED})"
        data += (f"<!-- {note} -->\n" if fmt == "rdfxml" else f"# {note}\n").encode()
    return data


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
