"""What runs inside the pool's processes: readers answer queries from a snapshot, one writer owns the store.

A read-only open beside a process that writes is undefined behaviour in RocksDB, and pyoxigraph has
no secondary mode. So the writer, the only process that opens the store for writing, publishes a
checkpoint when a read follows writes (hard links to immutable files: milliseconds), and readers
open the newest checkpoint read-only. Nobody ever writes a checkpoint, so readers never sit beside a writer,
and a write never has to stop them.
"""

import os
import pickle
import uuid

import pyoxigraph as ox

from geokg.loaders.errors import GeokgError
from geokg.store.execution import engine_error, execute
from geokg.store.sandbox import deny_network
from geokg.store.writing import replace_graphs_update, run_update, write_graph


def _error(exc) -> tuple:
    error = engine_error(exc)
    return ("error", error.status, error.title, error.message)


def _send(connection, answer) -> None:
    """One answer back, pickled plainly: Connection.send builds a ForkingPickler for each message."""
    connection.send_bytes(pickle.dumps(answer, pickle.HIGHEST_PROTOCOL))


def _requests(connection):
    """The requests the parent sends, until it says stop (None) or goes away."""
    while True:
        try:
            request = pickle.loads(connection.recv_bytes())
        except EOFError:
            return
        if request is None:
            return
        yield request


def reader_main(connection, sandbox: bool) -> None:
    """A query worker's life: answer requests, each from the snapshot it names, until told to stop."""
    refusal = deny_network() if sandbox else None
    connection.send(("ready", refusal))
    store, opened = None, None
    for request in _requests(connection):
        try:
            if request["snapshot"] != opened:
                # The old handle goes first: two open snapshots would hold twice the caches.
                store, opened = None, None
                store, opened = ox.Store.read_only(request["snapshot"]), request["snapshot"]
            _send(connection, ("ok",) + execute(store, request))
        except (GeokgError, SyntaxError, RuntimeError, ValueError, OSError) as exc:
            _send(connection, _error(exc))


def snapshot(store: ox.Store, root: str) -> str:
    """A checkpoint of the store's current state under ``root``, for readers to open."""
    store.flush()
    target = os.path.join(root, uuid.uuid4().hex)
    store.backup(target)
    return target


def writer_main(connection, path: str, snapshots: str, sandbox: bool, first_snapshot: bool = True) -> None:
    """The writer's life: hold the store open for writing, apply writes, make a snapshot when asked.
    Restarted after idleness with nothing written since, it makes no first snapshot (the readers have one)."""
    refusal = deny_network() if sandbox else None
    try:
        store = ox.Store(path)
        first = snapshot(store, snapshots) if first_snapshot else None
    except OSError as exc:
        hint = " Is another geokg process (such as `geokg load`) using it?" if "lock" in str(exc).lower() else ""
        connection.send(("failed", f"cannot open the store at {path} for writing: {exc}.{hint}"))
        return
    connection.send(("ready", refusal, first))
    for request in _requests(connection):
        try:
            op = request["op"]
            if op == "snapshot":
                connection.send(("ok", snapshot(store, snapshots)))
                continue
            if op == "update":
                run_update(store, request["sparql"], request.get("base_iri"))
            elif op == "write_graph":
                write_graph(store, request["graph"], request["data"], request["fmt"], request.get("base_iri"),
                            request["replace"])
            else:
                run_update(store, replace_graphs_update(request["graphs"]))
            connection.send(("ok", None))
        except (GeokgError, SyntaxError, RuntimeError, ValueError, OSError) as exc:
            connection.send(_error(exc))
    store.flush()
