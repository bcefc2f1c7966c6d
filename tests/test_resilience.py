"""The served store under faults: failed writes, memory bombs, crashes, runaway clients, and a second writer."""

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from geokg.loaders.errors import GeokgError
from geokg.loaders.ids import Ids
from geokg.loaders.pipeline import load_paths
from geokg.store.pool import PooledStore, _Process
from geokg.store import OxigraphStore
from geokg.server.app import create_app, sample_claims
from tests.conftest import free_port, wait_for

# DISTINCT: the actors graph states each actor's type once more than the articles do.
QUICK = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a <https://w3id.org/geokg/ontology#Alliance> }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
BOMB = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"
TOKEN = "s3cret-token"


def seeded(path):
    seed = OxigraphStore(path)
    load_paths(seed, sample_claims(), Ids())
    seed.flush()
    del seed
    return path


@pytest.fixture
def served(tmp_path):
    app = create_app({"GEOKG_STORE": str(seeded(tmp_path / "store")), "GEOKG_WRITE_TOKEN": TOKEN,
                      "GEOKG_TIMEOUT": 5.0, "GEOKG_MEMORY_MB": 400})
    yield app
    app.extensions["geokg"].store.close()


def update(client, text):
    return client.post("/sparql", data=text.encode(), headers={
        "Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})


def test_a_failed_update_is_a_4xx_and_later_writes_still_work(served):
    client = served.test_client()
    missing = update(client, "DROP GRAPH <http://example.org/missing>")
    assert missing.status_code == 404 and "does not exist" in missing.get_json()["error"]
    assert "lock" not in missing.get_json()["error"]
    assert update(client, "DROP SILENT GRAPH <http://example.org/missing>").status_code == 204
    assert update(client, "CREATE GRAPH <urn:g:a>").status_code == 204
    assert update(client, "CREATE GRAPH <urn:g:a>").status_code == 409
    for attempt in range(3):
        done = update(client, f"INSERT DATA {{ GRAPH <urn:g:b> {{ <urn:s> <urn:p> {attempt} }} }}")
        assert done.status_code == 204, done.get_data(as_text=True)
    put = client.put("/rdf-graph-store?graph=urn:g:c", data=b"<urn:s> <urn:p> <urn:o> .",
                     headers={"Content-Type": "application/n-triples", "Authorization": f"Bearer {TOKEN}"})
    assert put.status_code in (201, 204), put.get_data(as_text=True)
    count = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:g:b> { ?s ?p ?o } }"},
                       headers={"Accept": "application/json"}).get_json()
    assert count["results"]["bindings"][0]["n"]["value"] == "3"


def test_the_embedded_store_releases_its_handle_after_a_failed_update(tmp_path):
    store = OxigraphStore(tmp_path / "store")
    with pytest.raises(GeokgError) as caught:
        store.update("DROP GRAPH <http://example.org/missing>")
    assert caught.value.status == 404
    store.update("INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> <urn:o> } }")
    assert "urn:g" in store.graphs()


def test_writes_do_not_restart_the_query_workers(served):
    store = served.extensions["geokg"].store
    before = {r.process.pid for r in store.pool.readers}
    client = served.test_client()
    for i in range(10):
        assert update(client, f"INSERT DATA {{ <urn:s> <urn:p> {i} }}").status_code == 204
        rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { <urn:s> <urn:p> ?o }").rows()
        assert int(rows[0]["n"]) == i + 1, "every read after a write sees it"
    assert {r.process.pid for r in store.pool.readers} == before
    assert len(list((store.pool.snapshots and __import__("os").listdir(store.pool.snapshots)))) <= 3, \
        "old snapshots are collected"


def test_a_memory_bomb_gets_503_and_its_worker_is_replaced(served):
    client = served.test_client()
    started = time.monotonic()
    bomb = client.get("/sparql", query_string={"query": BOMB}, headers={"Accept": "application/json"})
    assert bomb.status_code == 503 and bomb.get_json()["title"] == "Query too large", bomb.get_data(as_text=True)
    assert "MiB" in bomb.get_json()["error"] and time.monotonic() - started < 5
    ok = client.get("/sparql", query_string={"query": QUICK}, headers={"Accept": "application/json"})
    assert ok.status_code == 200
    assert "geokg_memory_kills_total 1" in client.get("/metrics").get_data(as_text=True)


def test_cheap_queries_keep_flowing_while_two_runaways_hold_the_workers(tmp_path):
    store = PooledStore(seeded(tmp_path / "store"), workers=2, timeout=6.0, max_workers=4)
    try:
        runaways = [threading.Thread(target=lambda: pytest.raises(GeokgError, store.query(RUNAWAY).rows))
                    for _ in range(2)]
        for thread in runaways:
            thread.start()
        time.sleep(1.5)
        slowest = 0.0
        for _ in range(20):
            started = time.monotonic()
            assert int(store.query(QUICK).rows()[0]["n"]) == 1
            slowest = max(slowest, time.monotonic() - started)
        # The runaways hold their workers for 6 s: a cheap query that queued behind them would wait that long.
        assert slowest < 3.0, f"a cheap query waited {slowest:.2f} s behind the runaways"
        for thread in runaways:
            thread.join()
    finally:
        store.close()


def test_a_pool_that_cannot_start_workers_says_so_and_never_hangs(tmp_path):
    app = create_app({"GEOKG_STORE": str(seeded(tmp_path / "store")), "GEOKG_WORKERS": 1, "GEOKG_QUEUE_SECONDS": 30})
    pool = app.extensions["geokg"].store.pool
    working = pool._spawn_reader
    # A worker that cannot open anything: the store process fails to start, as when the disk is gone.
    pool._spawn_reader = lambda: _Process(pool.forks, "writer_main", (str(tmp_path / "no" / "such"), "/nonexistent",
                                                                        True))
    client = app.test_client()
    try:
        for reader in list(pool.readers):
            reader.kill()
            pool._replace(reader)
        deadline = time.monotonic() + 10
        while not pool.broken and time.monotonic() < deadline:
            time.sleep(0.05)
        health = client.get("/health")
        assert health.status_code == 503 and "cannot start" in health.get_json()["error"]
        started = time.monotonic()
        answer = client.get("/sparql", query_string={"query": QUICK}, headers={"Accept": "application/json"})
        assert answer.status_code == 503 and time.monotonic() - started < 2
        pool._spawn_reader = working
        deadline = time.monotonic() + 20
        while client.get("/health").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert client.get("/sparql", query_string={"query": QUICK}, headers={"Accept": "application/json"}).status_code == 200
    finally:
        pool._spawn_reader = working
        app.extensions["geokg"].store.close()


@pytest.mark.parametrize("allow", [False, True])
def test_workers_have_no_network_when_no_service_is_allowed(tmp_path, allow, listener):
    endpoint = f"http://127.0.0.1:{listener.port}/sparql"
    store = PooledStore(seeded(tmp_path / "store"), workers=1, timeout=5.0, service_allow=[endpoint] if allow else [])
    try:
        # Straight to a worker, past the query text check: only the sandbox stands in the way.
        message = {"op": "query", "sparql": f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}", "fmt": "rows",
                   "union": True, "max_rows": 10, "bindings": {}, "own_dataset": False}
        with pytest.raises(GeokgError) as caught:
            store.pool.request(message)
        time.sleep(0.3)
        if allow:
            assert listener.connections >= 1 and store.pool.network.startswith("allowed")
        else:
            assert listener.connections == 0 and "Permission denied" in caught.value.message
            assert store.pool.network == "denied by seccomp"
    finally:
        store.close()


@pytest.fixture
def real_server(tmp_path):
    port = free_port()
    path = seeded(tmp_path / "store")
    env = {"GEOKG_WRITE_TOKEN": TOKEN, "PATH": "/usr/bin:/bin"}
    process = subprocess.Popen([sys.executable, "-m", "geokg", "serve", "--store", str(path), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**__import__("os").environ, **env})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/health", process)
        yield url, path, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def send(url, body, content_type, method="POST"):
    request = urllib.request.Request(url, data=body, method=method, headers={
        "Content-Type": content_type, "Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_nothing_a_client_sends_takes_the_server_down(real_server):
    url, _, process = real_server
    deep = 10_000
    attacks = [
        (url + "/sparql", b"INSERT { <urn:a> <urn:b> <urn:c> } WHERE " + b"{" * deep + b"}" * deep,
         "application/sparql-update", "POST"),
        (url + "/rdf-graph-store?graph=urn:deep", b'{"urn:p":' * deep + b'"x"' + b"}" * deep,
         "application/ld+json", "PUT"),
        (url + "/sparql", b"SELECT * WHERE " + b"{" * deep + b"?s ?p ?o" + b"}" * deep, "application/sparql-query",
         "POST"),
        (url + "/sparql", ("SELECT * WHERE { " + " . ".join(f"?s{i} <urn:p> ?o{i}" for i in range(30_000)) + " }")
         .encode(), "application/sparql-query", "POST"),
    ]
    for target, body, content_type, method in attacks:
        status, answer = send(target, body, content_type, method)
        assert 400 <= status < 600 and json.loads(answer)["ok"] is False, (status, answer[:200])
        assert process.poll() is None, f"the server died on {body[:40]!r}"
        with urllib.request.urlopen(url + "/health", timeout=10) as health:
            assert health.status == 200
    with urllib.request.urlopen(url + "/metrics", timeout=10) as metrics:
        text = metrics.read().decode()
    counts = {line.split()[0]: int(float(line.split()[1])) for line in text.splitlines()
              if line and not line.startswith("#") and "{" not in line}
    crashes, refused = counts["geokg_worker_crashes_total"], counts["geokg_requests_refused_total"]
    assert crashes + refused >= 2, "every query that did not run is counted"


def test_load_while_serving_is_refused_with_a_clear_message(real_server):
    _, path, _ = real_server
    done = subprocess.run([sys.executable, "-m", "geokg", "load", "--store", str(path), str(sample_claims()[0])],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "open in another process" in lines[0] and "geokg serve" in lines[0], done.stderr


def test_slow_drip_connections_do_not_lock_out_normal_clients(real_server):
    url, _, _ = real_server
    port = int(url.rsplit(":", 1)[1])
    drips = []
    try:
        for i in range(300):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            # Half stop inside the headers, half inside a body they promised: both hold a connection open.
            sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n" + (b"\r\nS" if i % 2 else b"X-A"))
            drips.append(sock)
        latencies = []
        for _ in range(40):
            started = time.monotonic()
            with urllib.request.urlopen(url + "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", timeout=10) as answer:
                assert answer.status == 200
            latencies.append(time.monotonic() - started)
        # Locked out, a request waits in the listen backlog until its 10 s timeout.
        assert max(latencies) < 3.0, f"slowest normal request {max(latencies):.2f} s beside 300 drips"
    finally:
        for sock in drips:
            sock.close()
