"""Shared fixtures: an in-memory store with the seed loaded, the Flask app, and a real server on loopback."""

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import sys
import time
import urllib.request

import pytest
from hypothesis import settings


from geokg.loaders.ids import Ids
from geokg.loaders.pipeline import load_paths
from geokg.store import open_store
from geokg.server.app import create_app, sample_claims

BASE = "https://geokg.example.org"

# The property tests draw the same examples on every run, so that CI passes or fails for the code alone;
# `pytest --hypothesis-profile=explore` draws new ones, to look for inputs nobody has tried yet.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False, max_examples=1000)
settings.load_profile("repeatable")


@pytest.fixture
def ids():
    return Ids(BASE)


# GEOKG_TEST_STORE=oxigraph-server runs the tests that use the ``store`` fixture against a real
# `oxigraph serve` on loopback (emptied before each test) instead of the embedded store.
TEST_STORE = os.environ.get("GEOKG_TEST_STORE", "embedded")


def start_oxigraph(directory, *options: str):
    """`oxigraph serve` on a free loopback port; returns the process and its root URL once it answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    process = subprocess.Popen(["oxigraph", "serve", "--location", str(directory), "--bind", f"127.0.0.1:{port}",
                                *options], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "query?query=ASK%7B%7D", timeout=1).close()
            return process, url
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("oxigraph serve did not start")


@pytest.fixture(scope="session")
def oxigraph_root():
    """The root URL of one `oxigraph serve` for the session."""
    directory = tempfile.mkdtemp(prefix="geokg-oxigraph-")
    process, url = start_oxigraph(os.path.join(directory, "store"))
    yield url
    process.terminate()
    process.wait(10)
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def store(ids, request):
    if TEST_STORE == "oxigraph-server":
        s = open_store(request.getfixturevalue("oxigraph_root"))
        s.update("DROP SILENT ALL")
    else:
        s = open_store(None)
    load_paths(s, sample_claims(), ids)
    return s


@pytest.fixture
def app(store):
    return create_app({"GEOKG_STORE_OBJECT": store, "GEOKG_BASE": BASE, "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early: {process.stderr.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer at {url} within {seconds}s")


@pytest.fixture(scope="session")
def live_server():
    """`geokg serve --demo` as a real process on a free loopback port."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "geokg", "serve", "--demo", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/health", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


class Listener:
    """A loopback TCP listener that records whether anyone connected."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        # Room for the thousands of calls a bypass test makes when the check it proves is broken.
        self.sock.listen(512)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def settled(self) -> int:
        """The count once connections already made have been accepted."""
        time.sleep(0.3)
        return self.connections

    def close(self):
        self.stop.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture
def listener():
    """A loopback listener that counts connections: a test that must cause no request checks it stays 0."""
    watcher = Listener()
    yield watcher
    watcher.close()
