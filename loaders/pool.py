"""A pool of query worker processes over an on-disk store, so that a runaway query can be stopped.

pyoxigraph cannot cancel a query from Python, but a process can be killed: each worker opens the
store read-only and answers one query at a time; a query past its deadline gets its worker killed
(its CPU is freed at once) and replaced, while the other workers go on serving. Writes stop every
worker first, because a read-only open next to a writer is undefined behaviour in RocksDB.
"""

import contextlib
import multiprocessing
import queue
import threading
import uuid
from pathlib import Path

from geokg.loaders.errors import GeokgError, StoreError
from geokg.loaders.execution import Result, execute
from geokg.loaders.querytext import refuse_fetching_update, refuse_service
from geokg.loaders.store import OxigraphStore, install_ontology, replace_graphs_update


class QueryTimeout(GeokgError):
    """A query ran past its deadline and was stopped."""

    def __init__(self, seconds: float):
        super().__init__(f"the query ran for more than {seconds:g} s and was stopped; narrow it or add a LIMIT",
                         503, "Query timeout")


def _serve(path: str, connection) -> None:
    """A worker's life: open the store read-only, answer requests until told to stop."""
    import pyoxigraph as ox

    store = ox.Store.read_only(path)
    connection.send(("ready",))
    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        if request is None:
            return
        try:
            connection.send(("ok",) + execute(store, request))
        except GeokgError as exc:
            connection.send(("error", exc.status, exc.title, exc.message))
        except SyntaxError as exc:
            connection.send(("error", 400, "Bad query", f"SPARQL syntax error: {exc}"))
        except (RuntimeError, ValueError) as exc:
            connection.send(("error", 400, "Bad query", str(exc)))
        except OSError as exc:
            connection.send(("error", 500, "Store error", f"the store failed to answer: {exc}"))


class _Worker:
    def __init__(self, context, path):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(path, child), daemon=True)
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, seconds=60):
        if not self.ready:
            try:
                if not self.connection.poll(seconds):
                    raise StoreError(f"a query worker did not start within {seconds} s")
                self.connection.recv()
            except EOFError:
                raise StoreError(f"a query worker exited while opening the store (exit code "
                                 f"{self.process.exitcode}); see the messages above") from None
            self.ready = True

    def kill(self):
        self.process.kill()
        self.process.join(5)
        self.connection.close()

    def stop(self):
        with contextlib.suppress(OSError, BrokenPipeError):
            self.connection.send(None)
        self.process.join(5)
        if self.process.is_alive():
            self.kill()


class WorkerPool:
    """Killable query workers over one on-disk store."""

    def __init__(self, path, workers: int = 2, timeout: float = 30.0):
        self.path = str(path)
        self.size = max(1, workers)
        self.timeout = timeout
        self.context = multiprocessing.get_context("spawn")
        self.idle: queue.Queue = queue.Queue()
        self.lock = threading.Lock()
        self.writing = threading.Event()
        self.killed = 0
        self._start()

    def _start(self):
        workers = [_Worker(self.context, self.path) for _ in range(self.size)]
        for worker in workers:
            worker.wait_ready()
            self.idle.put(worker)

    def request(self, message: dict, timeout: float | None = None):
        """Send one request to an idle worker and wait for its answer, killing it past the deadline."""
        deadline = self.timeout if timeout is None else timeout
        worker = self.idle.get()
        try:
            worker.connection.send(message)
            if not worker.connection.poll(deadline):
                worker.kill()
                self.killed += 1
                worker = _Worker(self.context, self.path)
                threading.Thread(target=self._return_when_ready, args=(worker,), daemon=True).start()
                worker = None
                raise QueryTimeout(deadline)
            answer = worker.connection.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError):
            worker = _Worker(self.context, self.path)
            threading.Thread(target=self._return_when_ready, args=(worker,), daemon=True).start()
            worker = None
            raise StoreError("a query worker died while answering; it has been replaced") from None
        finally:
            if worker is not None:
                self.idle.put(worker)
        if answer[0] == "error":
            raise GeokgError(answer[3], answer[1], answer[2])
        return answer[1:]

    def _return_when_ready(self, worker):
        try:
            worker.wait_ready()
        finally:
            self.idle.put(worker)

    @contextlib.contextmanager
    def exclusive(self):
        """Stop every worker (after their current query) for a write, then start them again."""
        with self.lock:
            stopped = [self.idle.get() for _ in range(self.size)]
            for worker in stopped:
                worker.stop()
            try:
                yield
            finally:
                self._start()

    def close(self):
        for _ in range(self.size):
            try:
                self.idle.get(timeout=self.timeout).stop()
            except queue.Empty:
                break


class PooledStore:
    """The Store interface over a worker pool: reads in killable workers, writes with the workers stopped."""

    def __init__(self, path, workers: int = 2, timeout: float = 30.0, max_rows: int = 100_000,
                 union_default_graph: bool = True, service_allow=()):
        self.path = Path(path)
        self.service_allow = tuple(service_allow)
        self.union_default_graph = union_default_graph
        self.max_rows = max_rows
        seed = OxigraphStore(self.path)
        install_ontology(seed)
        seed.flush()
        del seed
        self.pool = WorkerPool(self.path, workers=workers, timeout=timeout)
        self.version = uuid.uuid4().hex[:12]
        self._size = (None, 0)

    def describe(self) -> str:
        return f"Oxigraph store at {self.path} ({self.pool.size} query workers)"

    def query(self, sparql: str, bindings: dict | None = None, default_graphs=None, named_graphs=None,
              union: bool | None = None, base_iri: str | None = None):
        refuse_service(sparql, self.service_allow)
        return Result(self.pool.request, sparql, bindings, {"default_graphs": default_graphs,
                                                           "named_graphs": named_graphs, "base_iri": base_iri},
                      self.union_default_graph if union is None else union, self.max_rows)

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        """Run a SPARQL Update with the workers stopped, through the embedded store's own update."""
        # Refused updates are refused before the workers are stopped for them.
        refuse_fetching_update(sparql)
        with self.pool.exclusive():
            writer = OxigraphStore(self.path)
            try:
                writer.update(sparql, base_iri=base_iri)
            finally:
                del writer
        self.version = uuid.uuid4().hex[:12]

    def replace_graphs(self, graphs: dict[str, str]) -> None:
        self.update(replace_graphs_update(graphs))

    def graphs(self) -> list[str]:
        return self.pool.request({"op": "graphs"})[2]

    def __len__(self) -> int:
        # Counting a big store takes a while (0.4 s at 1M triples) and health checks ask often: count
        # once per dataset version.
        version, counted = self._size
        if version != self.version:
            version = self.version
            counted = self.pool.request({"op": "len"})[2]
            self._size = (version, counted)
        return counted

    def dump(self, fmt: str) -> bytes:
        return self.pool.request({"op": "dump", "format": fmt}, timeout=3600)[2]

    def flush(self) -> None:
        """Writes are flushed as they happen."""

    def close(self) -> None:
        self.pool.close()
