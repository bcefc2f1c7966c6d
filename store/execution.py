"""Running one query against a pyoxigraph store and writing its answer, in-process or in a worker.

Both the embedded store and the worker pool use ``execute``, so an answer looks the same however it
was computed: the same formats, the same row cap and the same signal when the cap cuts it. Query
workers import this module and little else (rdflib only for a JSON-LD answer): what a worker imports,
every worker holds. What the server makes of an answer is in ``answers``.
"""

import gzip
import itertools
import json
import os

import pyoxigraph as ox

from geokg.loaders.errors import GeokgError, StoreError

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


def _oxigraph_term(cell):
    kind = cell[0]
    if kind == "u":
        return ox.NamedNode(cell[1])
    if kind == "b":
        return ox.BlankNode(cell[1])
    return ox.Literal(cell[1], language=cell[3]) if cell[3] else ox.Literal(cell[1], datatype=ox.NamedNode(cell[2]))


def write_dump(store, path: str, fmt: str) -> int:
    """The whole dataset into a file (gzip-compressed when the name ends in .gz), streamed from the engine so
    memory stays flat whatever the size; written beside the target and renamed, so a reader never sees half a
    dump. Returns the file's size in bytes."""
    partial = f"{path}.{os.getpid()}.partial"
    try:
        with (gzip.open(partial, "wb", compresslevel=6) if path.endswith(".gz") else open(partial, "wb")) as out:
            store.dump(out, format=getattr(ox.RdfFormat, DATASET_FORMATS[fmt]))
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return os.path.getsize(path)


_MORE = object()


def first(items, cap: int | None) -> tuple[list, bool]:
    """The first ``cap`` items (all of them for None), and whether there were more."""
    items = iter(items)
    taken = list(itertools.islice(items, cap))
    return taken, cap is not None and next(items, _MORE) is not _MORE


def graph_answer(triples, fmt: str, cap: int, truncated: bool) -> tuple:
    """A CONSTRUCT's or DESCRIBE's answer from its triples: encoded rows, or the triples written in ``fmt``."""
    if fmt in ("rows", "texts"):
        return "graph", ["s", "p", "o"], [[_encode(t.subject), _encode(t.predicate), _encode(t.object)]
                                          for t in triples], truncated
    return "graph", [], _write_graph(triples, fmt, truncated, cap), truncated


def bindings_answer(variables, rows, fmt: str, cap: int, truncated: bool) -> tuple:
    """A SELECT's answer from its rows of terms: encoded rows, or the rows written in ``fmt``; CSV and TSV
    cannot say the answer was cut, so a cut one is refused in them."""
    from geokg.store.results import write_rows

    if fmt == "rows":
        return "bindings", variables, [[_encode(t) for t in row] for row in rows], truncated
    if truncated and fmt in ("csv", "tsv"):
        raise GeokgError(f"the result has more than {cap} rows and {fmt.upper()} has no way to say it was cut; "
                         "add LIMIT/OFFSET or ask for JSON or XML", 400, "Result too large")
    return "bindings", variables, write_rows(variables, rows, fmt, truncated), truncated


def execute(store, request):
    """Run one request inside a worker; returns (kind, variables, payload, truncated)."""
    op = request["op"]
    if op == "len":
        return "count", [], len(store), False
    if op == "graphs":
        return "graphs", [], sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)), False
    if op == "dump":
        return "dump", [], store.dump(format=getattr(ox.RdfFormat, DATASET_FORMATS[request["format"]])), False
    if op == "dump_file":
        return "dumped", [], write_dump(store, request["path"], request["format"]), False
    native = _native_query(store, request)
    fmt, cap = request["fmt"], request["max_rows"]
    if fmt in _ROW_BYTES and isinstance(native, ox.QuerySolutions):
        body = _engine_written(native, fmt, cap)
        if body is not None:
            return "bindings", [v.value for v in native.variables], body, False
        # Perhaps more rows than the cap: run it again, counting rows, to cut it and say so.
        native = _native_query(store, request)
    if fmt == "texts" and isinstance(native, ox.QuerySolutions):
        # Written by the engine, not term by term in Python: half the time of a page's big queries.
        return "bindings", [v.value for v in native.variables], native.serialize(format=ox.QueryResultsFormat.TSV), \
            False
    if isinstance(native, ox.QueryBoolean):
        if fmt in ("rows", "texts"):
            return "boolean", [], bool(native), False
        return "boolean", [], native.serialize(format=_results_format(fmt)), False
    if isinstance(native, ox.QuerySolutions):
        rows, truncated = first(map(tuple, native), cap)
        return bindings_answer([v.value for v in native.variables], rows, fmt, cap, truncated)
    triples, truncated = first(native, cap)
    return graph_answer(triples, fmt, cap, truncated)


def _native_query(store, request):
    defaults = [ox.NamedNode(g) for g in request.get("default_graphs") or []]
    named = [ox.NamedNode(g) for g in request.get("named_graphs") or []]
    substitutions = {ox.Variable(k): _oxigraph_term(v) for k, v in (request.get("bindings") or {}).items()}
    # A query that names its dataset (FROM, FROM NAMED) or a request that does (default-graph-uri)
    # gets exactly that dataset, built from the store's own graphs; only otherwise is the union used.
    return store.query(
        request["sparql"],
        base_iri=request.get("base_iri"),
        use_default_graph_as_union=request["union"] and not defaults and not request["own_dataset"],
        default_graph=defaults or None,
        named_graphs=named or None,
        substitutions=substitutions or None,
    )


# The fewest bytes one row takes in each result format the engine writes: ``{},`` in JSON, an empty
# <result/> element in XML, a line break in TSV and CSV. An answer of at most this many bytes per
# row of the cap has at most the cap's rows.
_ROW_BYTES = {"json": 3, "xml": 17, "csv": 2, "tsv": 1}


class _Full(Exception):
    """The engine's writer passed the byte budget: the answer may hold more rows than the cap."""


class _Budget:
    """A file for the engine's writer that refuses to grow past ``limit`` bytes."""

    def __init__(self, limit: int):
        self.limit, self.size, self.parts = limit, 0, []

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _Full()
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing is buffered here."""


def _engine_written(native, fmt: str, cap: int) -> bytes | None:
    """The solutions as the engine writes them, one Rust pass with no Python per row; None when the
    answer outgrows what ``cap`` rows could take, so that it cannot be cut unnoticed."""
    budget = _Budget(_ROW_BYTES[fmt] * cap)
    try:
        native.serialize(output=budget, format=_results_format(fmt))
    except _Full:
        return None
    return b"".join(budget.parts)


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
        from rdflib import Graph

        from geokg.store.embedded import graph_to_jsonld

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
