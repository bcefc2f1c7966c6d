"""A remote SPARQL 1.1 store (Oxigraph server, Virtuoso) behind the store interface: queries and updates
through the SPARQL Protocol, bulk writes and dumps through the Graph Store Protocol.

Answers are read in the store's own serialisations (SPARQL TSV or JSON, N-Triples, N-Quads) and parsed by
the engine's parsers, streamed: a SELECT answer asked for in a result format is passed on as the store
wrote it when it is small enough to hold at most the row cap, so an answer looks as the embedded store's
does, with the same cap and the same signal when the cap (ours, or the store's own) cuts it. The SERVICE
and LOAD checks run here, before any text is sent, since the store would make those calls itself.
Timeouts are the store's own (``oxigraph serve --timeout-s``, Virtuoso's MaxQueryExecutionTime).
"""

import dataclasses
import gzip
import os
import threading
import time
import uuid

import pyoxigraph as ox
import requests
from requests.adapters import HTTPAdapter
from requests.auth import HTTPBasicAuth, HTTPDigestAuth
from rdflib import URIRef

from geokg.loaders.errors import GeokgError, StoreError
from geokg.store.answers import Result, read_query
from geokg.store import dialects
from geokg.store.execution import _ROW_BYTES, _results_format, bindings_answer, first, graph_answer
from geokg.store.querytext import query_kind, refuse_fetching_update
from geokg.store.remote_config import RemoteConfig, public_url, remote_config
from geokg.store.results import write_rows
from geokg.store.sparqllex import tokenize
from geokg.store.writing import graph_write_update, parse_document, replace_graphs_update, update_error

MEDIA = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml", "csv": "text/csv",
         "tsv": "text/tab-separated-values"}
DATASET_MEDIA = {"nquads": "application/n-quads", "trig": "application/trig"}
# Virtuoso says so when its ResultSetMaxRows cut an answer.
SERVER_CAP_HEADER = "X-SPARQL-MaxRows"
# Virtuoso's "anytime" answers: what it found before MaxQueryExecutionTime, marked only by this header.
PARTIAL_STATE_HEADER, PARTIAL_STATE = "X-SQL-State", "S1TAT"
# Dumps from a store that cuts every answer (Virtuoso) are read in pages of at most its cap.
DUMP_PAGE = 10_000
# What each store's first contact found (dialect, system graphs), per query endpoint and configured
# dialect, for this process.
_DETECTED: dict[tuple, tuple] = {}
_DETECTING = threading.Lock()
# Virtuoso refuses a request body longer than 10 MB ("string session is longer than 10Mb").
UPDATE_BYTES = 4 << 20
QUAD_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
CONNECT_SECONDS = 10.0
HEALTH_SECONDS = 5.0
_CHUNK = 1 << 16


class RemoteStore:
    """The Store interface over a SPARQL 1.1 store that runs elsewhere."""

    def __init__(self, config: RemoteConfig | str, max_rows: int = 100_000, union_default_graph: bool = True,
                 service_allow=()):
        self.config = remote_config(config) if isinstance(config, str) else config
        self.max_rows = max_rows
        self.union_default_graph = union_default_graph
        self.service_allow = tuple(service_allow)
        self.session = requests.Session()
        # One kept-alive connection per server thread that asks at once.
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=32)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        # Loopback and LAN stores: compressing answers costs more than it saves.
        self.session.headers["Accept-Encoding"] = "identity"
        if self.config.user is not None:
            auth = HTTPDigestAuth if self.config.auth == "digest" else HTTPBasicAuth
            self.session.auth = auth(self.config.user, self.config.password or "")
        self._writes = uuid.uuid4().hex[:12]
        self._size = (None, 0)
        self._dialect = None

    @property
    def version(self) -> str:
        """Changes at each write through this client and, when another client may write the store too,
        every ``version_ttl`` seconds, so that nothing cached outlives that long."""
        ttl = self.config.version_ttl
        return f"{self._writes}-{int(time.time() // ttl)}" if ttl > 0 else self._writes

    def _wrote(self) -> None:
        self._writes = uuid.uuid4().hex[:12]

    @property
    def dialect(self):
        """How this store departs from the standard (dialects.py): forced by the configuration, or read
        from the store's Server header on first contact; a Virtuoso's system graphs are found then too."""
        if self._dialect is None:
            self._dialect = self._detect()
        return self._dialect

    def _detect(self):
        config = self.config
        where = f"the SPARQL store at {config.name or public_url(config.query)}"
        key = (config.query, config.dialect)
        with _DETECTING:
            found = _DETECTED.get(key)
        if found is None:
            name = config.dialect
            if name == "auto":
                with self._send("POST", config.query, "query", data=[("query", "ASK {}")],
                                headers={"Accept": MEDIA["json"]}, timeout=(HEALTH_SECONDS, config.timeout)) as response:
                    name = dialects.detect(response.headers.get("Server"))
            hidden = self._system_graphs() if name == dialects.VIRTUOSO else ()
            found = (name, hidden)
            with _DETECTING:
                _DETECTED[key] = found
        name, hidden = found
        if name != dialects.VIRTUOSO:
            return dialects.Standard()
        # Virtuoso's TSV quotes IRIs, it knows no union parameter (its default graph is the union already),
        # and its graph store takes one graph a request.
        self.config = dataclasses.replace(config, results="json", union_default_graph="native", post_quads=False,
                                          row_cap=config.row_cap or dialects.VIRTUOSO_ROW_CAP)
        return dialects.Virtuoso((*hidden, *config.system_graphs), where)

    def _system_graphs(self) -> tuple:
        text = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        with self._send("POST", self.config.query, "query", data=[("query", text)],
                        headers={"Accept": MEDIA["json"]}, stream=True) as response:
            solutions = self._parse_results(response, "json")
            graphs = [s["g"].value for s in solutions if isinstance(s["g"], ox.NamedNode)]
        return tuple(g for g in graphs if dialects.is_system_graph(g, self.config.system_graphs))

    def describe(self) -> str:
        return f"SPARQL store at {self.config.name or public_url(self.config.query)}"

    def health(self) -> str | None:
        try:
            self._send("GET", self.config.query, "query", params={"query": "ASK {}"},
                       headers={"Accept": MEDIA["json"]}, timeout=(HEALTH_SECONDS, HEALTH_SECONDS)).close()
        except GeokgError as exc:
            return exc.message
        return None

    # Queries

    def query(self, sparql: str, bindings: dict | None = None, default_graphs=None, named_graphs=None,
              union: bool | None = None, base_iri: str | None = None) -> Result:
        """A read query; checked for SERVICE calls here, before the store sees it."""
        return read_query(self, self._run, sparql, bindings, default_graphs, named_graphs, union, base_iri)

    def _run(self, message):
        """One query message (as answers.Result sends it), answered as store.execution answers it."""
        sparql = message["sparql"]
        kind = query_kind(sparql)
        text = substitute(sparql, message.get("bindings") or {})
        if message.get("base_iri") and not (self.dialect.name == dialects.VIRTUOSO and _has_base(text)):
            # Virtuoso refuses a second BASE; the query's own then stands alone, as it would override ours.
            text = f"BASE <{message['base_iri']}>\n{text}"
        params = [("default-graph-uri", g) for g in message.get("default_graphs") or []]
        params += [("named-graph-uri", g) for g in message.get("named_graphs") or []]
        text = self.dialect.query_text(text, message["union"], bool(params) or message["own_dataset"])
        # Oxigraph server refuses its union parameter beside a dataset named in the request: a request that
        # names only named graphs gets the store's own default graph.
        if (message["union"] and not params and not message["own_dataset"]
                and self.config.union_default_graph == "parameter"):
            params.append(("union-default-graph", ""))
        fmt, cap = message["fmt"], message["max_rows"]
        if kind == "graph":
            return self._graph(text, params, fmt, cap)
        if kind == "boolean":
            with self._ask(text, params, MEDIA["json"]) as response:
                answer = self._parse_results(response, "json")
            if fmt in ("rows", "texts"):
                return "boolean", [], bool(answer), False
            return "boolean", [], answer.serialize(format=_results_format(fmt)), False
        if fmt == "texts":
            return self._texts(text, params)
        if fmt in _ROW_BYTES and self.dialect.verbatim:
            passed = self._passed_on(text, params, fmt, cap)
            if passed is not None:
                return passed
        variables, rows, truncated = self._rows(text, params, cap)
        return bindings_answer(variables, rows, fmt, cap, truncated)

    def _passed_on(self, text, params, fmt, cap):
        """The answer as the store wrote it, when its size proves it holds at most ``cap`` rows and the store
        did not cut it; else None (the rows are then read and cut here)."""
        budget = _ROW_BYTES[fmt] * cap
        with self._ask(text, params, MEDIA[fmt]) as response:
            if response.headers.get(SERVER_CAP_HEADER):
                return None
            parts, size = [], 0
            for chunk in response.iter_content(_CHUNK):
                size += len(chunk)
                if size > budget:
                    return None
                parts.append(chunk)
        body = b"".join(parts)
        if fmt == "csv":
            # CSV cannot be parsed back into terms; its first line names the variables, and a store that
            # broke off (Oxigraph writes its error after the rows) leaves no line end last.
            if not body.endswith(b"\n"):
                raise self._broken(body.rsplit(b"\n", 1)[-1].decode("utf-8", "replace"))
            variables = [v for v in body.split(b"\r\n", 1)[0].decode("utf-8").split(",") if v]
        else:
            # Read through once: a store that broke off mid-answer must not pass for a whole one.
            try:
                solutions = ox.parse_query_results(body, format=_results_format(fmt))
                variables = [v.value for v in solutions.variables]
                for _ in solutions:
                    pass
            except SyntaxError as exc:
                raise self._broken(f"{exc} (the answer ends: {body[-200:].decode('utf-8', 'replace')})") from None
        return "bindings", variables, body, False

    def _rows(self, text, params, cap):
        fmt = self.config.results
        with self._ask(text, params, MEDIA[fmt]) as response:
            capped = response.headers.get(SERVER_CAP_HEADER)
            solutions = self._parse_results(response, fmt)
            variables = [v.value for v in solutions.variables]
            fix = _same if self.dialect.verbatim else dialects.canonical
            try:
                rows, truncated = first(([fix(solution[v]) for v in variables] for solution in solutions), cap)
            except SyntaxError as exc:
                raise self._broken(exc) from None
        return variables, rows, truncated or self._store_cut(capped, len(rows))

    def _store_cut(self, capped: str | None, count: int) -> bool:
        # The store's own cap: it says so in a header, and the answer then holds exactly that many rows.
        if not (capped and capped.strip().isdigit()):
            return False
        if self.config.row_cap is not None and int(capped) != self.config.row_cap:
            # Learnt for the answers it cuts without saying so (Virtuoso's CONSTRUCT).
            self.config = dataclasses.replace(self.config, row_cap=int(capped))
        return count >= int(capped)

    def _texts(self, text, params):
        """Rows as SPARQL TSV, as the pages' plain-text rows are read from it."""
        if self.config.results == "tsv":
            with self._ask(text, params, MEDIA["tsv"]) as response:
                body = response.content
                capped = response.headers.get(SERVER_CAP_HEADER)
            if body and not body.endswith(b"\n"):
                raise self._broken(body.rsplit(b"\n", 1)[-1].decode("utf-8", "replace"))
            lines = body.split(b"\n", 1)
            variables = [v[1:] for v in lines[0].decode("utf-8").split("\t") if v]
            return "bindings", variables, body, self._store_cut(capped, body.count(b"\n") - 1)
        variables, rows, truncated = self._rows(text, params, None)
        return "bindings", variables, write_rows(variables, rows, "tsv", False), truncated

    def _graph(self, text, params, fmt, cap):
        with self._ask(text, params, "application/n-triples") as response:
            try:
                fix = _same if self.dialect.verbatim else dialects.canonical
                triples, truncated = first((ox.Triple(q.subject, q.predicate, fix(q.object))
                                            for q in ox.parse(_Reader(response), format=ox.RdfFormat.N_TRIPLES)), cap)
            except SyntaxError as exc:
                raise self._broken(exc) from None
        # Virtuoso cuts a CONSTRUCT at its ResultSetMaxRows and says nothing: an answer that long was cut.
        store_cap = self.config.row_cap
        return graph_answer(triples, fmt, cap, truncated or (store_cap is not None and len(triples) >= store_cap))

    def _ask(self, text, params, accept):
        # POST, form-encoded: a query of any length, and no query text in the store's access log line.
        return self._send("POST", self.config.query, "query", data=[("query", text)] + params,
                          headers={"Accept": accept}, stream=True)

    def _parse_results(self, response, fmt):
        try:
            return ox.parse_query_results(_Reader(response), format=_results_format(fmt))
        except SyntaxError as exc:
            raise self._broken(exc) from None

    def _broken(self, exc) -> StoreError:
        # Oxigraph server reports a failure met while streaming inside the 200 answer, its timeout included.
        where = f"the SPARQL store at {public_url(self.config.query)}"
        if "operation has been cancelled" in str(exc) or "timeout" in str(exc).lower():
            return StoreError(f"{where} stopped the query at its own time limit (oxigraph serve --timeout-s, "
                              "Virtuoso's MaxQueryExecutionTime); narrow it or add a LIMIT", 504, "Query timeout")
        return StoreError(f"{where} broke off its answer: {exc}", 502, "Bad gateway")

    # Writes

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        """A SPARQL Update in one request (one transaction on the store); LOAD and SERVICE are refused here."""
        sparql = refuse_fetching_update(sparql, self.service_allow)
        if sparql.strip():
            self._update(sparql, base_iri)

    def _update(self, sparql: str, base_iri: str | None = None) -> None:
        if not self.config.update:
            raise StoreError(f"the SPARQL store at {public_url(self.config.query)} has no update endpoint "
                             "configured: it is read-only here", 405, "Read-only store")
        if base_iri:
            sparql = f"BASE <{base_iri}>\n{sparql}"
        try:
            for text in self.dialect.update_texts(sparql, self):
                self._send("POST", self.config.update, "update", data={"update": text}).close()
        finally:
            # Even a failed request may have written (a store that is not transactional).
            self._wrote()

    def write_graph(self, graph: str | None, data: bytes, fmt: str, base_iri: str | None, replace: bool) -> None:
        """Parse here (the store never parses a client's document) and write as one update."""
        self._update(graph_write_update(graph, parse_document(data, fmt, base_iri or graph), replace))

    def replace_graphs(self, graphs: dict[str, str]) -> None:
        """Replace named graphs in one update: all of them or none. Virtuoso is not all or nothing across a
        request's operations anyway, and compiles no big update: there, each graph goes to its graph store
        (PUT, then POSTs of at most UPDATE_BYTES), or the update is sent in parts."""
        if self.dialect.name != dialects.VIRTUOSO:
            self._update(replace_graphs_update(graphs))
            return
        if self.config.store:
            # Its graph store reads Turtle with its own loader, with neither limit: PUT, then POST the rest.
            try:
                for graph, ntriples in graphs.items():
                    method = "PUT"
                    for piece in _pieces(ntriples, UPDATE_BYTES):
                        self._send(method, self.config.store, "graph store", params={"graph": graph},
                                   data=piece.encode("utf-8"), headers={"Content-Type": "text/turtle"}).close()
                        method = "POST"
                    if method == "PUT":
                        self._update(f"DROP SILENT GRAPH <{graph}>")
            finally:
                self._wrote()
            return
        # No graph store: updates, which _update cuts to the size Virtuoso compiles.
        self._update(replace_graphs_update(graphs))

    def add_graphs(self, nquads: str, graphs) -> bool:
        """N-Quads POSTed to the graph store in one request when none of ``graphs`` exists yet; False, with
        nothing written, when one does or the store takes no N-Quads (replace_graphs then writes them)."""
        if not (self.config.store and self.config.post_quads):
            return False
        graphs = list(graphs)
        if graphs:
            listed = " ".join(f"<{g}>" for g in graphs)
            if self.query(f"ASK {{ VALUES ?g {{ {listed} }} GRAPH ?g {{ }} }}", union=False):
                return False
        try:
            self._send("POST", self.config.store, "graph store", data=nquads.encode("utf-8"),
                       headers={"Content-Type": DATASET_MEDIA["nquads"]}).close()
        finally:
            self._wrote()
        return True

    def flush(self) -> None:
        """The store makes its own writes durable."""

    # The whole dataset

    def graphs(self) -> list[str]:
        # Virtuoso lists no graph for GRAPH ?g { }: a graph there is its triples (an empty one is not listed).
        pattern = "?s ?p ?o" if self.dialect.name == dialects.VIRTUOSO else ""
        rows = self._whole(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {pattern} }} }}", union=False)
        hidden = set(self.dialect.hidden_graphs)
        return sorted(str(r["g"]) for r in rows if isinstance(r.get("g"), URIRef) and str(r["g"]) not in hidden)

    def _whole(self, text: str, union: bool) -> list[dict]:
        """Every row of a query the store must answer whole, past our own row cap: the store's own cap cutting
        it is an error, never a short list."""
        result = Result(self._run, text, None, {"default_graphs": None, "named_graphs": None, "base_iri": None},
                        union, None)
        rows = result.rows()
        if result.truncated:
            raise StoreError(f"the SPARQL store at {public_url(self.config.query)} cut the answer to {len(rows)} "
                             "rows at its own row cap (Virtuoso: ResultSetMaxRows in virtuoso.ini); raise it to "
                             "list everything", 507, "Answer cut")
        return rows

    def __len__(self) -> int:
        # Counting reads every quad: once per version, as health checks ask often.
        version, counted = self._size
        if version != self.version:
            version = self.version
            counted = self._count_quads()
            self._size = (version, counted)
        return counted

    def _dataset(self, fmt: str):
        if not self.config.store:
            raise StoreError(f"the SPARQL store at {public_url(self.config.query)} has no graph store endpoint "
                             "configured, which a dump needs", 501, "No graph store")
        return self._send("GET", self.config.store, "graph store", headers={"Accept": DATASET_MEDIA[fmt]},
                          stream=True)

    def dump(self, fmt: str) -> bytes:
        if self.dialect.name == dialects.VIRTUOSO:
            return b"".join(self._paged_dataset(fmt))
        with self._dataset(fmt) as response:
            return response.content

    def _paged_dataset(self, fmt: str):
        """The dataset as serialised pages of quads, for a store that cuts every answer at its row cap and
        dumps no whole dataset (Virtuoso: its graph store sends one graph, cut at ResultSetMaxRows too).
        Pages follow the store's own order (an ORDER BY is refused past the cap); the count taken first
        must equal the quads read, else the store changed meanwhile and the dump is refused, never short."""
        expected = self._count_quads()
        page, offset = min(self.config.row_cap or DUMP_PAGE, DUMP_PAGE), 0
        text = self.dialect.query_text(
            "SELECT ?g ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }", False, False)
        while True:
            with self._ask(f"{text} LIMIT {page} OFFSET {offset}", [], MEDIA["json"]) as response:
                capped = response.headers.get(SERVER_CAP_HEADER)
                solutions = self._parse_results(response, "json")
                try:
                    quads = [ox.Quad(s["s"], s["p"], dialects.canonical(s["o"]),
                                     s["g"] if s["g"] is not None else ox.DefaultGraph())
                             for s in solutions]
                except SyntaxError as exc:
                    raise self._broken(exc) from None
            if quads:
                yield ox.serialize(quads, format=ox.RdfFormat.N_QUADS if fmt == "nquads" else ox.RdfFormat.TRIG)
            offset += len(quads)
            if capped and capped.strip().isdigit() and int(capped) < page and len(quads) == int(capped):
                # A cap lower than the page: the rows came whole up to it; go on in pages of that size.
                page = int(capped)
                continue
            if len(quads) < page:
                break
        if offset != expected:
            raise StoreError(f"the SPARQL store at {public_url(self.config.query)} changed during the dump "
                             f"({expected} quads counted, {offset} read); dump it again", 409, "Store changed")

    def _count_quads(self) -> int:
        rows = self.query(QUAD_COUNT, union=False).rows()
        return int(rows[0]["n"]) if rows else 0

    def dump_file(self, path: str, fmt: str) -> int:
        """Streamed from the store into a file beside the target, then renamed: memory stays flat."""
        path = str(path)
        partial = f"{path}.{os.getpid()}.partial"
        try:
            with (gzip.open(partial, "wb", compresslevel=6) if path.endswith(".gz") else open(partial, "wb")) as out:
                if self.dialect.name == dialects.VIRTUOSO:
                    for chunk in self._paged_dataset(fmt):
                        out.write(chunk)
                else:
                    with self._dataset(fmt) as response:
                        for chunk in response.iter_content(_CHUNK):
                            out.write(chunk)
            os.replace(partial, path)
        except requests.RequestException as exc:
            raise self._failure(self.config.store, "graph store", exc) from None
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
        return os.path.getsize(path)

    def close(self) -> None:
        self.session.close()

    # HTTP

    def _send(self, method: str, url: str, what: str, timeout=None, **kwargs) -> requests.Response:
        """One request; any failure is one StoreError line naming the endpoint (never its credentials)."""
        try:
            response = self.session.request(method, url, timeout=timeout or (CONNECT_SECONDS, self.config.timeout),
                                            **kwargs)
        except requests.RequestException as exc:
            raise self._failure(url, what, exc) from None
        if response.status_code >= 400:
            with response:
                raise self._refusal(url, what, response)
        if response.headers.get(PARTIAL_STATE_HEADER) == PARTIAL_STATE:
            response.close()
            raise StoreError(f"the SPARQL {what} endpoint at {public_url(url)} stopped the query at its own time "
                             "limit (Virtuoso's MaxQueryExecutionTime) and sent what it had found so far; narrow "
                             "it or add a LIMIT", 504, "Query timeout")
        return response

    def _failure(self, url: str, what: str, exc: Exception) -> StoreError:
        where = f"the SPARQL {what} endpoint at {public_url(url)}"
        if isinstance(exc, requests.Timeout):
            return StoreError(f"{where} did not answer within {self.config.timeout:g} s", 504, "Store timeout")
        if isinstance(exc, requests.ConnectionError):
            reason = _reason(exc)
            return StoreError(f"{where} cannot be reached: {reason}", 503, "Store unavailable")
        return StoreError(f"{where} failed: {_reason(exc)}", 502, "Bad gateway")

    def _refusal(self, url: str, what: str, response) -> GeokgError:
        # Virtuoso repeats the whole query text after its message: the message alone is the line.
        message = " ".join(response.text.split("SPARQL query:", 1)[0].split())[:500] or response.reason
        if "has not been explicitly created before" in message:
            message = f"the graph does not exist ({message})"
        elif "has been explicitly created before" in message:
            message = f"the graph already exists ({message})"
        where = f"the SPARQL {what} endpoint at {public_url(url)}"
        status = response.status_code
        if what == "update" and (status == 400 or "does not exist" in message or "already exists" in message):
            # Oxigraph server answers 500 for a graph that is missing or exists already: the request's fault.
            return update_error(message)
        if status == 400:
            return StoreError(f"{where} refused the request: {message}", 400, "Bad query")
        if status in (401, 403):
            return StoreError(f"{where} refused our credentials (HTTP {status}): check the user and password "
                              "in the store configuration", 502, "Bad gateway")
        if status in (404, 405, 415):
            return StoreError(f"{where} does not offer this (HTTP {status}): {message}", 502, "Bad gateway")
        if ("timeout" in message.lower() or "timed out" in message.lower() or status == 504
                or "estimated execution time" in message):
            return StoreError(f"{where} stopped the request at its own time limit: {message}", 504, "Store timeout")
        if status == 503:
            return StoreError(f"{where} is unavailable (HTTP 503): {message}", 503, "Store unavailable")
        return StoreError(f"{where} failed (HTTP {status}): {message}", 502, "Bad gateway")


class _Reader:
    """A response body as a file for the engine's parsers, read as it arrives."""

    def __init__(self, response):
        self.raw = response.raw
        self.raw.decode_content = True

    def read(self, size=-1):
        return self.raw.read(None if size is None or size < 0 else size)


def _pieces(ntriples: str, limit: int):
    """N-Triples in pieces of about ``limit`` characters, cut at line ends."""
    start = 0
    while start < len(ntriples):
        end = ntriples.find("\n", start + limit) + 1 if len(ntriples) - start > limit else 0
        end = end or len(ntriples)
        yield ntriples[start:end]
        start = end


def _has_base(text: str) -> bool:
    return any(t.kind == "KEYWORD" and t.value == "BASE" for t in tokenize(text))


def _same(term):
    return term


def _reason(exc: Exception) -> str:
    # requests nests urllib3's errors; the innermost says what happened (refused, reset, name unknown).
    inner = exc
    while inner.__context__ is not None or (inner.args and isinstance(inner.args[0], Exception)):
        inner = inner.args[0] if inner.args and isinstance(inner.args[0], Exception) else inner.__context__
    text = str(getattr(inner, "reason", None) or inner)
    for known in ("Connection refused", "Name or service not known", "Connection reset", "timed out"):
        if known in text:
            return known.lower()
    return text.split(": ", 1)[-1][:200]


# Substitution of bindings into the text: the SPARQL Protocol has no way to pass them.

def sparql_term(cell) -> str:
    """A cell (answers._to_cell's tuple) written as a SPARQL term."""
    kind, value = cell[0], cell[1]
    if kind == "u":
        return str(ox.NamedNode(value))
    if kind == "l":
        literal = ox.Literal(value, language=cell[3]) if cell[3] else ox.Literal(value, datatype=ox.NamedNode(cell[2]))
        return str(literal)
    raise GeokgError("a blank node cannot be bound in a query sent to a remote store", 400, "Bad query")


def substitute(sparql: str, bindings: dict) -> str:
    """The text with each bound variable replaced by its term, as the engine's substitution would bind it:
    in a projection it becomes ``(term AS ?v)``, in GROUP BY and ORDER BY ``(term)``, elsewhere the term."""
    if not bindings:
        return sparql
    return substitute_terms(sparql, {name.lstrip("?$"): sparql_term(cell) for name, cell in bindings.items()})


def substitute_terms(sparql: str, terms: dict[str, str]) -> str:
    """``substitute`` with each variable's term already written as SPARQL (name without '?')."""
    out, last, clause, clause_depth, previous = [], 0, None, 0, None
    for token in tokenize(sparql):
        if token.kind == "KEYWORD":
            if token.value == "SELECT":
                clause, clause_depth = "project", token.depth
            elif token.value in ("WHERE", "FROM") or token.value in ("LIMIT", "OFFSET", "HAVING", "VALUES"):
                clause = None
            elif token.value == "BY" and previous in ("GROUP", "ORDER"):
                clause, clause_depth = "order", token.depth
        elif token.kind == "PUNCT" and token.value in ("{", "}") and token.depth <= clause_depth:
            clause = None
        if token.kind in ("VAR1", "VAR2") and token.text[1:] in terms and previous != "AS":
            term = terms[token.text[1:]]
            if clause == "project" and token.depth == clause_depth:
                term = f"({term} AS {token.text})"
            elif clause == "order" and token.depth == clause_depth:
                term = f"({term})"
            out.append(sparql[last:token.offset])
            out.append(term)
            last = token.offset + len(token.text)
        previous = token.value if token.kind == "KEYWORD" else token.text
    out.append(sparql[last:])
    return "".join(out)
