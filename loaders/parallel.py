"""Articles read, extracted and checked in other processes: local worker processes (``--jobs N``) or the
workers of a Dask cluster (``--dask tcp://HOST:8786``), behind one small interface.

Only the reading step runs there. Resolving actors reads the store and the earlier files of the load, and
writing needs the one store, so both stay in the process that runs the load (loaders/pipeline.py). Each
worker loads spaCy and the gazetteer once, when it starts, and then takes one article at a time; what
comes back is a plain picklable record (the checked ClaimsDoc and the extracted claims, or the problems),
and the results are handed over in the order of the paths, so a parallel load is the serial one.
"""

import copy
import os
import pickle
import subprocess
import sys
import traceback
from collections import deque
from multiprocessing.connection import wait
from pathlib import Path
from typing import Iterator, Protocol

from geokg.loaders.errors import GeokgError, LoadError, Problem

# Articles handed out ahead of the one the load waits for, per worker: enough that a worker never waits
# for the next while the load resolves and maps, few enough that memory holds a handful of documents.
AHEAD_PER_WORKER = 4


def extract_article(path: str):
    """One article read, extracted and checked, as ``parse_article`` does: the ClaimsDoc, and the extracted
    claims as they were before checking (the review file is written from them); LoadError if it is bad."""
    from geokg.loaders.article import article_text, extract_claims
    from geokg.loaders.claims import check_claims
    from geokg.loaders.pipeline import read_source

    data = read_source(Path(path))
    claims = extract_claims(data, path)
    # The checker may normalise the records it is given; the review shows what was extracted.
    doc = check_claims(copy.deepcopy(claims), path, default_article=Path(path).name)
    doc.body = article_text(data, path)
    return doc, claims


def read_article(path: str):
    """``extract_article`` in a worker, as a plain record: ``("doc", doc, claims)``, or
    ``("problems", [Problem...])``, or ``("error", exception, traceback text)`` for anything else."""
    try:
        return ("doc", *extract_article(path))
    except LoadError as exc:
        return ("problems", exc.problems)
    except Exception as exc:  # noqa: BLE001 - handed back whole, raised in the loading process
        return ("error", _picklable(exc), traceback.format_exc())


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any exception that does not survive the trip becomes its text
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def outcome(path: str, result):
    """The ClaimsDoc and claims of a worker's result; a LoadError for its problems; its exception raised."""
    kind = result[0]
    if kind == "doc":
        return result[1], result[2]
    if kind == "problems":
        raise LoadError(result[1])
    raise RuntimeError(f"{path}: extraction failed in a worker:\n{result[2]}") from result[1]


def warm() -> None:
    """Load what extraction needs once per worker: the parser (spaCy and its model) and the gazetteer."""
    from geokg.loaders.extract import gazetteer
    from geokg.loaders.extract.parser import load_parser

    load_parser()
    gazetteer.load()


class Extractors(Protocol):
    """Where articles are extracted: ``results(paths)`` yields each path's result, in the order given."""

    workers: int

    def results(self, paths: list[str]) -> Iterator: ...

    def close(self) -> None: ...


def _serve() -> None:
    """A worker's loop (``python -m geokg.loaders.parallel``): paths in on standard input, results out, one
    pickle each. Its standard output is the channel, so anything a library prints goes to standard error."""
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = sys.stdin.buffer
    try:
        warm()
    except GeokgError as exc:
        _send(channel, ("failed", exc.message))
        return
    _send(channel, ("ready",))
    while True:
        try:
            path = pickle.load(requests)
        except EOFError:
            return
        if path is None:
            return
        _send(channel, read_article(path))


def _send(channel, message) -> None:
    pickle.dump(message, channel, protocol=pickle.HIGHEST_PROTOCOL)
    channel.flush()


class _Worker:
    def __init__(self):
        # A fresh interpreter, not a fork or multiprocessing's spawn: the loading process holds the store's
        # threads, which a forked child must not inherit, and spawn would run the caller's __main__ again.
        self.process = subprocess.Popen([sys.executable, "-m", "geokg.loaders.parallel"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.holding: tuple[int, str] | None = None
        self.ready = False

    def send(self, message) -> None:
        _send(self.process.stdin, message)

    def fileno(self) -> int:
        return self.process.stdout.fileno()


class LocalProcesses:
    """``jobs`` worker processes on this machine. A worker that dies is a problem naming the article it held
    (the next article goes to a fresh worker), never a hang."""

    def __init__(self, jobs: int):
        if jobs < 1:
            raise ValueError(f"--jobs must be 1 or more, got {jobs}")
        self.workers = jobs
        self._pool: list[_Worker] = []

    def start(self) -> None:
        """Start the workers now, so that they load spaCy while the caller opens its store."""
        if not self._pool:
            self._pool = [_Worker() for _ in range(self.workers)]

    def results(self, paths: list[str]) -> Iterator:
        if paths:
            # Started when there are articles, not before: a load of claims files alone must not pay for spaCy.
            self.start()
        return self._ordered(paths)

    def _ordered(self, paths: list[str]) -> Iterator:
        waiting = deque(enumerate(paths))
        done: dict[int, object] = {}
        ahead = AHEAD_PER_WORKER * self.workers
        for index, path in enumerate(paths):
            while index not in done:
                self._hand_out(waiting, index + ahead)
                self._collect(done)
            yield done.pop(index)

    def _hand_out(self, waiting: deque, until: int) -> None:
        for worker in self._pool:
            if worker.ready and worker.holding is None and waiting and waiting[0][0] < until:
                worker.holding = waiting.popleft()
                try:
                    worker.send(worker.holding[1])
                except OSError:
                    # A worker that died idle: the read side says so, and names what it was given.
                    pass

    def _collect(self, done: dict) -> None:
        for worker in wait(list(self._pool)):
            try:
                message = pickle.load(worker.process.stdout)
            except (EOFError, OSError, pickle.UnpicklingError):
                self._replace(worker, done)
                continue
            if message[0] == "ready":
                worker.ready = True
            elif message[0] == "failed":
                raise GeokgError(f"an extraction worker could not start: {message[1]}")
            else:
                index, _ = worker.holding
                worker.holding = None
                done[index] = message

    def _replace(self, worker: _Worker, done: dict) -> None:
        code = worker.process.wait()
        if worker.holding is None:
            raise GeokgError(f"an extraction worker died before it took an article (exit status {code})")
        index, path = worker.holding
        done[index] = ("problems", [Problem(path, f"the extraction worker died while reading it "
                                                 f"(exit status {code}); nothing of it was loaded")])
        worker.process.stdin.close()
        worker.process.stdout.close()
        self._pool[self._pool.index(worker)] = _Worker()

    def close(self) -> None:
        for worker in self._pool:
            if not worker.ready:
                # Still loading spaCy, with nothing in hand (a load that failed early): no need to wait.
                worker.process.kill()
            try:
                worker.send(None)
                worker.process.stdin.close()
            except OSError:
                pass
        for worker in self._pool:
            try:
                worker.process.wait(5)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
            worker.process.stdout.close()


class DaskCluster:
    """The workers of a Dask cluster (``distributed.Client(address)``, or a Client given): each loads the
    parser once through a worker plugin, and articles are submitted ``AHEAD_PER_WORKER`` per worker ahead.
    Paths are read by the workers, so they must see the same files (a shared or copied folder). An article
    whose worker dies is tried again on others (``distributed.scheduler.allowed-failures`` times, 3 by
    default; a death also counts against the tasks queued on that worker), then is a problem naming it."""

    def __init__(self, address_or_client):
        from distributed import Client

        self._own = not isinstance(address_or_client, Client)
        self.client = Client(address_or_client) if self._own else address_or_client
        self.client.register_plugin(_warm_plugin_class()(), name="geokg-warm")
        self.workers = max(1, len(self.client.scheduler_info(n_workers=-1)["workers"]))

    def results(self, paths: list[str]) -> Iterator:
        submitted: deque = deque()
        waiting = deque(paths)
        self._submit(submitted, waiting)
        return self._ordered(submitted, waiting)

    def _submit(self, submitted: deque, waiting: deque) -> None:
        while waiting and len(submitted) < AHEAD_PER_WORKER * self.workers:
            path = waiting.popleft()
            submitted.append((path, self.client.submit(read_article, path, pure=False)))

    def _ordered(self, submitted: deque, waiting: deque) -> Iterator:
        from distributed import KilledWorker

        while submitted:
            path, future = submitted.popleft()
            self._submit(submitted, waiting)
            try:
                yield future.result()
            except KilledWorker as exc:
                yield ("problems", [Problem(path, f"the Dask workers that read it died ({exc}); nothing of it "
                                                  "was loaded")])
            finally:
                future.release()

    def close(self) -> None:
        if self._own:
            self.client.close()


def _warm_plugin_class():
    from distributed.diagnostics.plugin import WorkerPlugin

    class WarmParser(WorkerPlugin):
        """Loads the parser and gazetteer when a Dask worker starts (and on workers that join later)."""

        def setup(self, worker):
            warm()

    return WarmParser


if __name__ == "__main__":
    _serve()
