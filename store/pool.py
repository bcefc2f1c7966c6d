"""Killable query workers and one writer process over an on-disk store.

pyoxigraph cannot cancel a query from Python, but a process can be killed. Readers answer one query
at a time from the newest snapshot (see ``workers``); a query past its deadline or its memory cap
gets its worker killed and replaced while the others go on serving. Nothing a client sends is parsed
in the server's own process, so a parser crash costs one worker, never the server.

Fairness: while long queries hold the regular workers, extra ones are started (up to a ceiling) so
that cheap requests keep flowing, and a request that cannot get a worker within the queue deadline
is answered 503 at once rather than waiting out somebody else's runaway query.
"""

import contextlib
import fcntl
import os
import pickle
import queue
import select
import shutil
import signal
import threading
import time
import uuid
from pathlib import Path

from geokg.loaders.errors import GeokgError, StoreError
from geokg.store.forks import ForkServer
from geokg.store.answers import read_query
from geokg.store.querytext import refuse_fetching_update
from geokg.store.embedded import install_ontology

# A query busy this long holds its worker for a while yet: time for a spare, so the next cheap
# request does not queue behind it. Cheap requests take milliseconds; a spare costs a fork, a cold
# snapshot and its caches, so queries of a hundred milliseconds (common on a big store) do not start
# one: at 0.1 s, the endpoint benchmark's 16 clients kept starting and retiring spares (8 processes at
# the peak instead of 6, the readers' caches cold each time).
HELD_SECONDS = 0.5
# A query busy this long is a long one, and gives way on the CPU.
LONG_SECONDS = 0.5
NICE = 19
WATCH_SECONDS = 0.05
# Past this long without a request, the pool shrinks to one reader (each holds its own engine caches,
# tens of MiB); past this long without a write, the writer process stops. Both come back on demand.
IDLE_SECONDS = 30.0
_PAGE = os.sysconf("SC_PAGE_SIZE")


class QueryTimeout(GeokgError):
    """A query ran past its deadline and was stopped."""

    def __init__(self, seconds: float, what: str = "query"):
        super().__init__(f"the {what} ran for more than {seconds:g} s and was stopped; narrow it or add a LIMIT",
                         503, "Query timeout")


class _Died(Exception):
    """The process at the other end of the pipe is gone."""


def _forks() -> ForkServer:
    # Forked from a process that has imported the engine but opened nothing: a replacement worker is
    # ready in milliseconds, and no RocksDB handle is ever inherited across a fork.
    return ForkServer(["geokg.store.workers"])


class _Process:
    """One child process and the pipe to it."""

    def __init__(self, forks: ForkServer, target: str, args: tuple):
        self.process, self.connection = forks.start(f"geokg.store.workers:{target}", args)
        # Kept for the process's life: a poll object per wait, as Connection.poll makes, costs more
        # than the wait itself on a millisecond query.
        self.answers = select.poll()
        self.answers.register(self.connection.fileno(), select.POLLIN)
        self.hello: tuple = ()
        self.busy_since: float | None = None
        self.snapshot: str | None = None
        self.kill_reason: str | None = None
        self.niced = False
        self.used = False

    def yield_cpu(self) -> None:
        """Run at the lowest CPU priority: a long query then takes only the time cheap requests leave."""
        if not self.niced:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, self.process.pid, NICE)
                self.niced = True

    def restore_cpu(self) -> bool:
        """Back to normal priority; False where this user may not raise it again (then replace the worker)."""
        if self.niced:
            try:
                os.setpriority(os.PRIO_PROCESS, self.process.pid, os.getpriority(os.PRIO_PROCESS, 0))
            except OSError:
                return False
            self.niced = False
        return True

    def wait_ready(self, seconds: float = 60) -> tuple:
        try:
            if not self.connection.poll(seconds):
                self.kill()
                raise StoreError(f"a store process did not start within {seconds:g} s", 503, "Store unavailable")
            hello = self.connection.recv()
        except (EOFError, OSError):
            raise StoreError(f"a store process exited while starting (exit code {self.process.exitcode})", 503,
                             "Store unavailable") from None
        if hello[0] == "failed":
            self.process.join(5)
            raise StoreError(hello[1], 503, "Store unavailable")
        self.hello = hello
        return hello

    def call(self, message, deadline: float):
        """Send one request and wait for its answer; None past the deadline, _Died if the process went."""
        try:
            # Plain pickle, not Connection.send's: that builds a ForkingPickler (a copy of the reducer
            # table) for every message, and these hold only plain data.
            self.connection.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))
            if not self.answers.poll(deadline * 1000):
                return None
            return pickle.loads(self.connection.recv_bytes())
        except (EOFError, OSError):
            raise _Died() from None

    def alive(self) -> bool:
        """True while the process runs: one poll of its sentinel, no wait."""
        return self.process.is_alive()

    def rss(self) -> int:
        try:
            with open(f"/proc/{self.process.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            return 0

    def kill(self, reason: str | None = None) -> None:
        self.kill_reason = self.kill_reason or reason
        with contextlib.suppress(OSError):
            self.process.kill()
        self.process.join(5)
        self.process.close()
        self.connection.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.send(None)
        self.process.join(5)
        if self.process.is_alive():
            self.kill()
        else:
            self.process.close()
            self.connection.close()

    def death(self) -> str:
        code = self.process.exitcode
        if code is not None and code < 0:
            with contextlib.suppress(ValueError):
                return f"signal {signal.Signals(-code).name}"
        return f"exit code {code}"


class WorkerPool:
    """Reader processes over snapshots, one writer process that owns the store, and a watchdog."""

    def __init__(self, path, workers: int = 2, timeout: float = 30.0, max_workers: int | None = None,
                 queue_seconds: float = 5.0, memory_mb: int = 2048, sandbox: bool = True):
        self.path = str(path)
        self.snapshots = f"{self.path}.snapshots"
        shutil.rmtree(self.snapshots, ignore_errors=True)
        os.makedirs(self.snapshots)
        self.size = max(1, workers)
        self.ceiling = max(self.size, max_workers or self.size + 2)
        self.timeout, self.queue_seconds = timeout, queue_seconds
        self.memory = memory_mb * 1024 * 1024
        self.sandbox = sandbox
        self.forks = _forks()
        self.lock = threading.Lock()
        self.write_lock = threading.Lock()
        # Last in, first out: requests one after another go to the reader that answered the last one,
        # whose engine caches are warm (the endpoint benchmark's lookups: 0.1-0.17 ms less each than
        # taking the readers in turn). Under load every reader is busy and the order does not matter.
        self.idle: queue.Queue = queue.LifoQueue()
        self.readers: set[_Process] = set()
        self.starting = 0
        self.killed = self.crashed = self.memory_killed = 0
        self.broken: str | None = None
        self.version = uuid.uuid4().hex[:12]
        self.writer: _Process | None = None
        self.dirty = False
        # While the writer is stopped for idleness this process holds the store's lock file, so the
        # store stays as closed to other writers (`geokg load`) as while the writer has it open.
        self.parked: int | None = None
        self.last_request = self.last_write = time.monotonic()
        self.snapshot = self._start_writer()
        for reader in [self._spawn_reader() for _ in range(self.size)]:
            reader.wait_ready()
            self._admit(reader)
        self.closed = threading.Event()
        threading.Thread(target=self._watch, daemon=True, name="geokg-pool-watchdog").start()

    @property
    def network(self) -> str:
        """Whether the workers can open network connections, for the README's promise and for tests."""
        refusals = [r.hello[1] for r in list(self.readers) if len(r.hello) > 1]
        if not self.sandbox:
            return "allowed (SERVICE allowlist set)"
        return "denied by seccomp" if not any(refusals) else f"not enforced: {refusals[0]}"

    # Readers

    def _spawn_reader(self) -> _Process:
        return _Process(self.forks, "reader_main", (self.sandbox,))

    def _admit(self, reader: _Process) -> None:
        with self.lock:
            self.readers.add(reader)
        self.idle.put(reader)

    def _replace(self, reader: _Process) -> None:
        """Start a replacement in the background; a pool that cannot start one says so and keeps trying."""
        with self.lock:
            self.readers.discard(reader)
            self.starting += 1
        threading.Thread(target=self._start_replacement, daemon=True, name="geokg-pool-replace").start()

    def _start_replacement(self) -> None:
        delay = 0.5
        while not self.closed.is_set():
            try:
                fresh = self._spawn_reader()
                fresh.wait_ready()
            except (StoreError, OSError) as exc:
                self.broken = f"query workers cannot start: {getattr(exc, 'message', exc)}"
                time.sleep(delay)
                delay = min(delay * 2, 10)
                continue
            with self.lock:
                self.starting -= 1
                self.broken = None
            self._admit(fresh)
            return
        with self.lock:
            self.starting -= 1

    def _grow(self) -> None:
        """Back to full size, in the background, at the first request after the pool shrank."""
        with self.lock:
            grow = len(self.readers) + self.starting < self.size and not self.broken
            if grow:
                self.starting += 1
        if grow:
            threading.Thread(target=self._start_replacement, daemon=True, name="geokg-pool-grow").start()

    def _acquire(self) -> _Process:
        """An idle live worker, or a 503 once the queue deadline passes; a worker that died idle is replaced."""
        deadline = time.monotonic() + self.queue_seconds
        self.last_request = time.monotonic()
        self._grow()
        while True:
            if self.broken and not self.readers:
                raise StoreError(self.broken, 503, "Store unavailable")
            try:
                reader = self.idle.get(timeout=max(0.0, min(deadline - time.monotonic(), 0.5)))
            except queue.Empty:
                if time.monotonic() < deadline:
                    continue
                if self.broken:
                    raise StoreError(self.broken, 503, "Store unavailable") from None
                raise StoreError(f"all {len(self.readers)} query workers stayed busy for {self.queue_seconds:g} s; "
                                 "retry in a moment", 503, "Server busy") from None
            if reader.alive():
                return reader
            with self.lock:
                known = reader in self.readers
            if known:
                self._replace(reader)

    def _release(self, reader: _Process) -> None:
        if not reader.restore_cpu():
            reader.stop()
            self._replace(reader)
            return
        with self.lock:
            free_without = len(self.readers) - 1 - self._held_count()
            retire = len(self.readers) > self.size and free_without >= 1
            if retire:
                self.readers.discard(reader)
        if retire:
            reader.stop()
        else:
            self.idle.put(reader)

    def _held_count(self) -> int:
        now = time.monotonic()
        return sum(1 for r in self.readers if r.busy_since is not None and now - r.busy_since > HELD_SECONDS)

    def request(self, message: dict, timeout: float | None = None):
        """Run one read request in a worker, killing it past the deadline or the memory cap."""
        deadline = self.timeout if timeout is None else timeout
        if self.dirty:
            self._catch_up()
        reader = self._acquire()
        with self.lock:
            reader.snapshot = self.snapshot
            reader.busy_since = time.monotonic()
            reader.used = True
        try:
            answer = reader.call({**message, "snapshot": reader.snapshot}, deadline)
        except _Died:
            self._replace(reader)
            raise self._death_error(reader, "query") from None
        if answer is None:
            reader.kill("timeout")
            self.killed += 1
            self._replace(reader)
            raise QueryTimeout(deadline)
        reader.busy_since = None
        self._release(reader)
        if answer[0] == "error":
            raise GeokgError(answer[3], answer[1], answer[2])
        return answer[1:]

    def _death_error(self, process: _Process, what: str) -> GeokgError:
        process.process.join(5)
        if process.kill_reason == "memory":
            self.memory_killed += 1
            return GeokgError(f"the {what} needed more than {self.memory // 2**20} MiB and was stopped "
                              "(GEOKG_MEMORY_MB); narrow it or add a LIMIT", 503, "Query too large")
        self.crashed += 1
        return StoreError(f"the {what}'s worker process crashed ({process.death()}); it has been replaced",
                          500, "Worker crashed")

    # The writer

    def _start_writer(self, snapshot: bool = True) -> str | None:
        self._unpark()
        writer = _Process(self.forks, "writer_main", (self.path, self.snapshots, self.sandbox, snapshot))
        hello = writer.wait_ready()
        self.writer = writer
        return hello[2]

    def _park(self) -> None:
        """Stop the idle writer (its snapshot published first) and hold the store's lock in its place."""
        if self.dirty:
            self._publish(self._call_writer({"op": "snapshot"}, "snapshot")[1])
            self.dirty = False
        writer, self.writer = self.writer, None
        writer.stop()
        try:
            handle = os.open(os.path.join(self.path, "LOCK"), os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return
        try:
            # RocksDB locks this file with fcntl(F_SETLK) over all of it: lockf takes the same lock.
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(handle)
            return
        self.parked = handle

    def _unpark(self) -> None:
        if self.parked is not None:
            os.close(self.parked)
            self.parked = None

    def write(self, message: dict) -> None:
        """Run one write in the writer process; the next read makes a snapshot first, so it sees the write."""
        with self.write_lock:
            self.last_write = time.monotonic()
            self._call_writer(message, "update")
            self.dirty = True
            self.version = uuid.uuid4().hex[:12]

    def _catch_up(self) -> None:
        """Snapshot the writes made since the last one, once for however many writes came in a row."""
        with self.write_lock:
            if self.dirty:
                self._publish(self._call_writer({"op": "snapshot"}, "snapshot")[1])
                self.dirty = False

    def _ensure_writer(self) -> _Process:
        """The live writer, started again (and its first snapshot published) if it died; under write_lock."""
        if self.writer is None or not self.writer.process.is_alive():
            self.writer = None
            # Back from idleness, nothing was written since the last snapshot: the readers keep it, and their caches.
            resumed = self.parked is not None
            snapshot = self._start_writer(snapshot=not resumed)
            if snapshot is not None:
                self._publish(snapshot)
        return self.writer

    def _call_writer(self, message: dict, what: str):
        writer = self._ensure_writer()
        writer.busy_since = time.monotonic()
        try:
            answer = writer.call(message, self.timeout)
        except _Died:
            self.writer = None
            raise self._death_error(writer, what) from None
        finally:
            writer.busy_since = None
        if answer is None:
            writer.kill("timeout")
            self.killed += 1
            self.writer = None
            raise QueryTimeout(self.timeout, what)
        if answer[0] == "error":
            raise GeokgError(answer[3], answer[1], answer[2])
        return answer

    def _publish(self, snapshot: str) -> None:
        with self.lock:
            self.snapshot = snapshot
            keep = {self.snapshot} | {r.snapshot for r in self.readers}
        for name in os.listdir(self.snapshots):
            path = os.path.join(self.snapshots, name)
            if path not in keep:
                shutil.rmtree(path, ignore_errors=True)

    # The watchdog

    def _watch(self) -> None:
        while not self.closed.wait(WATCH_SECONDS):
            with self.lock:
                processes = [r for r in self.readers if r.busy_since is not None]
                spare = (len(self.readers) + self.starting - self._held_count() < 1
                         and len(self.readers) + self.starting < self.ceiling and not self.broken)
                if spare:
                    self.starting += 1
            writer = self.writer
            if writer is not None and writer.busy_since is not None:
                processes.append(writer)
            now = time.monotonic()
            for process in processes:
                if process.rss() > self.memory:
                    process.kill("memory")
                elif process is not writer and now - (process.busy_since or now) > LONG_SECONDS:
                    process.yield_cpu()
            if spare:
                threading.Thread(target=self._start_replacement, daemon=True, name="geokg-pool-spare").start()
            self._shrink(now)

    def _shrink(self, now: float) -> None:
        """Once idle long enough: one fresh reader left, and no writer process (see IDLE_SECONDS).
        The last reader is replaced by a fresh one once: a reader never gives back the engine caches
        its queries filled, and a new one costs milliseconds and a few cold reads."""
        if now - self.last_request > IDLE_SECONDS:
            with self.lock:
                count, used = len(self.readers), any(r.used for r in self.readers)
            if count > 1 or (count == 1 and used and not self.starting):
                try:
                    reader = self.idle.get_nowait()
                except queue.Empty:
                    reader = None
                if reader is not None:
                    if count > 1:
                        with self.lock:
                            self.readers.discard(reader)
                        reader.stop()
                    else:
                        reader.stop()
                        self._replace(reader)
        writer = self.writer
        if (writer is not None and writer.busy_since is None and now - self.last_write > IDLE_SECONDS
                and self.write_lock.acquire(blocking=False)):
            try:
                if self.writer is writer and now - self.last_write > IDLE_SECONDS:
                    self._park()
            except GeokgError:
                pass
            finally:
                self.write_lock.release()

    def health(self) -> str | None:
        """None when the pool can answer, else why not."""
        if self.broken and not self.readers:
            return self.broken
        if self.writer is None and self.parked is None and self.write_lock.acquire(blocking=False):
            try:
                self._ensure_writer()
            except StoreError as exc:
                return f"the store cannot be opened for writing: {exc.message}"
            finally:
                self.write_lock.release()
        return None

    def close(self) -> None:
        self.closed.set()
        with self.lock:
            readers = list(self.readers)
            self.readers.clear()
        for reader in readers:
            if reader.busy_since is None:
                reader.stop()
            else:
                reader.kill()
        if self.writer is not None:
            self.writer.stop()
        self._unpark()
        self.forks.close()
        shutil.rmtree(self.snapshots, ignore_errors=True)


class PooledStore:
    """The Store interface over a worker pool: reads in killable workers, writes in the writer process."""

    def __init__(self, path, workers: int = 2, timeout: float = 30.0, max_rows: int = 100_000,
                 union_default_graph: bool = True, service_allow=(), max_workers: int | None = None,
                 queue_seconds: float = 5.0, memory_mb: int = 2048):
        self.path = Path(path)
        self.service_allow = tuple(service_allow)
        self.union_default_graph = union_default_graph
        self.max_rows = max_rows
        # With no endpoint to call, no worker needs the network: take it away as a second wall.
        self.pool = WorkerPool(self.path, workers=workers, timeout=timeout, max_workers=max_workers,
                               queue_seconds=queue_seconds, memory_mb=memory_mb, sandbox=not self.service_allow)
        self._size = (None, 0)
        install_ontology(self)

    @property
    def version(self) -> str:
        return self.pool.version

    def describe(self) -> str:
        return f"Oxigraph store at {self.path} ({self.pool.size} query workers)"

    def health(self) -> str | None:
        return self.pool.health()

    def query(self, sparql: str, bindings: dict | None = None, default_graphs=None, named_graphs=None,
              union: bool | None = None, base_iri: str | None = None):
        return read_query(self, self.pool.request, sparql, bindings, default_graphs, named_graphs, union, base_iri)

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        """Run a SPARQL Update in the writer process; refused updates never reach it."""
        sparql = refuse_fetching_update(sparql, self.service_allow)
        if sparql.strip():
            self.pool.write({"op": "update", "sparql": sparql, "base_iri": base_iri})

    def write_graph(self, graph: str | None, data: bytes, fmt: str, base_iri: str | None, replace: bool) -> None:
        """Parse an RDF document in the writer process (a parser crash costs that process only) and write it."""
        self.pool.write({"op": "write_graph", "graph": graph, "data": data, "fmt": fmt, "base_iri": base_iri,
                         "replace": replace})

    def replace_graphs(self, graphs: dict[str, str]) -> None:
        self.pool.write({"op": "replace_graphs", "graphs": graphs})

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

    def dump_file(self, path: str, fmt: str) -> int:
        return self.pool.request({"op": "dump_file", "path": str(path), "format": fmt}, timeout=3600)[2]

    def flush(self) -> None:
        """Writes are flushed as they happen."""

    def close(self) -> None:
        self.pool.close()
