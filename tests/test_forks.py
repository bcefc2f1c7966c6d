"""The pool's own fork server: processes start, report how they ended, and die with it; and no resource tracker."""

import os
import signal
import time

import pytest

from geokg.store.forks import ForkServer
from geokg.store import OxigraphStore
from geokg.server.app import create_app


@pytest.fixture()
def forks():
    server = ForkServer(["geokg.store.workers"])
    yield server
    server.close()


def _gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().split()[2] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


def test_a_worker_answers_and_its_clean_exit_is_reported(forks):
    child, connection = forks.start("geokg.store.workers:reader_main", (False,))
    assert connection.recv()[0] == "ready"
    assert child.is_alive() and child.exitcode is None
    connection.send(None)
    child.join(10)
    assert child.exitcode == 0 and not child.is_alive()


def test_a_killed_worker_reports_its_signal(forks):
    child, connection = forks.start("geokg.store.workers:reader_main", (False,))
    connection.recv()
    child.kill()
    child.join(10)
    assert child.exitcode == -signal.SIGKILL


def test_a_worker_that_raises_exits_with_1_and_says_why(forks, capfd):
    child, _ = forks.start("geokg.store.workers:reader_main", ())
    child.join(10)
    assert child.exitcode == 1
    assert "TypeError" in capfd.readouterr().err


def test_workers_die_with_the_fork_server(forks):
    child, connection = forks.start("geokg.store.workers:reader_main", (False,))
    connection.recv()
    os.kill(forks.server.pid, signal.SIGKILL)
    assert _gone(child.pid)
    child.join(10)
    assert child.exitcode is not None


def test_the_fork_server_comes_back_after_it_died(forks):
    first, connection = forks.start("geokg.store.workers:reader_main", (False,))
    connection.recv()
    os.kill(forks.server.pid, signal.SIGKILL)
    forks.server.wait(10)
    child, connection = forks.start("geokg.store.workers:reader_main", (False,))
    assert connection.recv()[0] == "ready"
    assert child.pid != first.pid


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in os.listdir(f"/proc/{parent}/task"):
            with open(f"/proc/{parent}/task/{task}/children") as children:
                for child in children.read().split():
                    found.append(int(child))
                    todo.append(int(child))
    return found


def test_a_served_store_starts_no_resource_tracker(tmp_path):
    # multiprocessing's forkserver started one (about 10 MiB PSS); the pool uses no named semaphores or
    # shared memory for it to clean up.
    store = OxigraphStore(tmp_path / "store")
    store.flush()
    del store
    before = set(_descendants(os.getpid()))
    app = create_app({"GEOKG_STORE": str(tmp_path / "store"), "GEOKG_WORKERS": 1})
    try:
        response = app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"},
                                         headers={"Accept": "application/sparql-results+json"})
        assert response.status_code == 200
        commands = []
        for pid in set(_descendants(os.getpid())) - before:
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                    commands.append(cmdline.read().replace(b"\0", b" ").decode())
            except FileNotFoundError:
                continue
        assert any("geokg.store.forks" in command for command in commands)
        assert not any("resource_tracker" in command for command in commands)
    finally:
        app.extensions["geokg"].store.close()
