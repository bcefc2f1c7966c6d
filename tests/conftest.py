"""Shared fixtures: an in-memory store with the seed loaded, the Flask app, and a real server on loopback."""

import contextlib
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
from tests.stores import free_port, server_available, start_oxigraph, start_virtuoso

BASE = "https://geokg.example.org"

# The property tests draw the same examples on every run, so that CI passes or fails for the code alone;
# `pytest --hypothesis-profile=explore` draws new ones, to look for inputs nobody has tried yet.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False, max_examples=1000)
settings.load_profile("repeatable")


@pytest.fixture
def ids():
    return Ids(BASE)


# The stores every test on the ``store`` fixture (directly or through ``app``/``client``) runs against, named
# by GEOKG_TEST_STORES (comma-separated; all three by default). GEOKG_TEST_STORE=oxigraph-server, the older
# single-store switch, still means that store alone. A server whose binary is missing is skipped with the
# reason, except under CI, where it fails: CI must run every store.
STORE_KINDS = ("embedded", "oxigraph-server", "virtuoso")
TEST_STORES = [kind.strip() for kind in os.environ.get(
    "GEOKG_TEST_STORES", os.environ.get("GEOKG_TEST_STORE") or ",".join(STORE_KINDS)).split(",") if kind.strip()]
_unknown = sorted(set(TEST_STORES) - set(STORE_KINDS))
if _unknown:
    raise pytest.UsageError(f"GEOKG_TEST_STORES names unknown stores {_unknown}; known: {', '.join(STORE_KINDS)}")


def pytest_configure(config):
    config.addinivalue_line("markers", "not_on(store, reason): this test cannot apply to that store "
                                       "(embedded, oxigraph-server or virtuoso), for the reason given")


def _server(kind: str, start):
    missing = server_available(kind)
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{kind}: {missing}, and CI must run the tests against every store", pytrace=False)
        pytest.skip(f"{kind}: {missing}")
    return start()


@pytest.fixture(scope="session")
def oxigraph_root():
    """The root URL of one `oxigraph serve` for the session."""
    directory = tempfile.mkdtemp(prefix="geokg-oxigraph-")
    process, url = _server("oxigraph-server", lambda: start_oxigraph(os.path.join(directory, "store")))
    yield url
    process.terminate()
    process.wait(10)
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def virtuoso_store():
    """The geokg store file of one Virtuoso (virtuoso-t) for the session, on free loopback ports."""
    server = _server("virtuoso", start_virtuoso)
    yield server.location
    server.stop()


@pytest.fixture(params=TEST_STORES)
def store_kind(request):
    for marker in request.node.iter_markers("not_on"):
        if request.param in (marker.args[0] if isinstance(marker.args[0], (tuple, list)) else (marker.args[0],)):
            pytest.skip(f"not on {request.param}: {marker.kwargs.get('reason') or marker.args[1]}")
    return request.param


@pytest.fixture
def store(ids, store_kind, request):
    """The seed claims in an emptied store of each kind (only geokg's graphs are dropped: never a
    Virtuoso's own)."""
    if store_kind == "oxigraph-server":
        s = open_store(request.getfixturevalue("oxigraph_root"))
        s.update("DROP SILENT ALL")
    elif store_kind == "virtuoso":
        s = open_store(request.getfixturevalue("virtuoso_store"))
        s.update("DROP SILENT ALL")
    else:
        s = open_store(None)
    load_paths(s, sample_claims(), ids)
    yield s
    if store_kind != "embedded":
        # Its kept-alive connections would hold the server's threads until they time out.
        s.close()


@pytest.fixture
def app(store):
    return create_app({"GEOKG_STORE_OBJECT": store, "GEOKG_BASE": BASE, "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


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


@contextlib.contextmanager
def serving(*argv: str):
    """`geokg serve ARGV` as a real process on a free loopback port; yields its root URL once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "geokg", "serve", *argv, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/health", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def live_server():
    """`geokg serve --demo` as a real process on a free loopback port."""
    with serving("--demo") as url:
        yield url


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# As this machine's own check starts it: without the background-networking flags Chromium keeps trying
# hosts the closed network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright (which never downloads a browser of its own here)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


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
