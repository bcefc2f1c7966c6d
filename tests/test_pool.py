"""Queries in killable worker processes: deadlines that really stop the work, and others served meanwhile."""

import subprocess
import sys
import threading
import time

import pytest

from geokg.loaders.ids import Ids
from geokg.loaders.pipeline import load_paths
from geokg.store.pool import PooledStore, QueryTimeout
from geokg.store import OxigraphStore
from geokg.server.app import create_app, sample_claims

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
# DISTINCT: the actors graph states each actor's type once more than the articles do.
QUICK = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a <https://w3id.org/geokg/ontology#Alliance> }"


@pytest.fixture(scope="module")
def pooled(tmp_path_factory):
    path = tmp_path_factory.mktemp("pooled") / "store"
    seed = OxigraphStore(path)
    load_paths(seed, sample_claims(), Ids())
    seed.flush()
    del seed
    store = PooledStore(path, workers=2, timeout=2.0, max_rows=5)
    yield store
    store.close()


def test_pooled_answers_match_the_embedded_store(pooled):
    rows = pooled.query(QUICK).rows()
    assert int(rows[0]["n"]) == 1
    assert len(pooled) > 500 and "https://w3id.org/geokg/ontology" in pooled.graphs()


def test_runaway_query_is_stopped_and_its_worker_killed(pooled):
    before = pooled.pool.killed
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as caught:
        pooled.query(RUNAWAY).serialize("json")
    elapsed = time.monotonic() - started
    assert caught.value.status == 503 and "was stopped" in caught.value.message
    assert 1.9 <= elapsed < 10
    assert pooled.pool.killed == before + 1
    assert int(pooled.query(QUICK).rows()[0]["n"]) == 1, "the pool still answers after a kill"


def test_other_clients_are_served_while_a_runaway_query_runs(pooled):
    errors = []

    def runaway():
        try:
            pooled.query(RUNAWAY).serialize("json")
        except QueryTimeout as exc:
            errors.append(exc)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    answered = 0
    started = time.monotonic()
    while thread.is_alive() and time.monotonic() - started < 10:
        assert int(pooled.query(QUICK).rows()[0]["n"]) == 1
        answered += 1
    thread.join()
    assert errors and answered >= 5


def test_row_cap_is_signalled_in_the_body_and_refused_for_csv(pooled):
    result = pooled.query("SELECT ?s WHERE { ?s ?p ?o }")
    body = result.serialize("json")
    assert result.truncated and b'"truncated": true' in body and b"urn:geokg:truncated" in body
    with pytest.raises(Exception, match="CSV has no way to say it was cut"):
        pooled.query("SELECT ?s WHERE { ?s ?p ?o }").serialize("csv")


def test_writes_stop_the_workers_and_are_seen_after(pooled):
    pooled.update("INSERT DATA { GRAPH <urn:test:g> { <urn:test:s> <urn:test:p> 'o' } }")
    assert "urn:test:g" in pooled.graphs()
    pooled.update("DROP GRAPH <urn:test:g>")
    assert "urn:test:g" not in pooled.graphs()


def test_server_returns_503_for_a_timeout(tmp_path):
    path = tmp_path / "store"
    seed = OxigraphStore(path)
    load_paths(seed, sample_claims(), Ids())
    seed.flush()
    del seed
    app = create_app({"GEOKG_STORE": str(path), "GEOKG_TIMEOUT": 1.0, "GEOKG_WORKERS": 1})
    client = app.test_client()
    try:
        response = client.get("/sparql", query_string={"query": RUNAWAY}, headers={"Accept": "application/json"})
        assert response.status_code == 503 and response.get_json()["title"] == "Query timeout"
        ok = client.get("/sparql", query_string={"query": QUICK}, headers={"Accept": "application/json"})
        assert ok.status_code == 200
        metrics = client.get("/metrics").get_data(as_text=True)
        assert "geokg_query_timeouts_total 1" in metrics and "geokg_query_workers_killed_total 1" in metrics
    finally:
        app.extensions["geokg"].store.close()


def _until(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_an_idle_pool_shrinks_keeps_the_store_closed_to_others_and_comes_back(tmp_path, monkeypatch):
    from geokg.store import pool as pool_module

    path = tmp_path / "store"
    seed = OxigraphStore(path)
    load_paths(seed, sample_claims(), Ids())
    seed.flush()
    del seed
    monkeypatch.setattr(pool_module, "IDLE_SECONDS", 0.3)
    store = PooledStore(path, workers=2, timeout=5.0)
    try:
        pool = store.pool
        assert int(store.query(QUICK).rows()[0]["n"]) == 1
        used = {reader.process.pid for reader in pool.readers if reader.used}
        assert used
        assert _until(lambda: pool.writer is None and len(pool.readers) == 1
                      and not any(reader.used for reader in pool.readers)), "idle: one fresh reader, no writer"
        assert not used & {reader.process.pid for reader in pool.readers}, "the reader with full caches was replaced"
        assert pool.parked is not None
        # Another process (a lock is per process): what `geokg load` meets while the server runs.
        other = subprocess.run([sys.executable, "-c", "import sys\nfrom geokg.store import OxigraphStore\n"
                                "from geokg.loaders.errors import StoreError\ntry:\n    OxigraphStore(sys.argv[1])\n"
                                "except StoreError as exc:\n    sys.exit(exc.message)", str(path)],
                               capture_output=True, text=True, timeout=60)
        assert other.returncode == 1 and "open in another process" in other.stderr, other.stderr
        snapshot = pool.snapshot
        assert int(store.query(QUICK).rows()[0]["n"]) == 1
        store.update("INSERT DATA { GRAPH <urn:test:g> { <urn:test:a> a <https://w3id.org/geokg/ontology#Alliance> } }")
        assert int(store.query(QUICK).rows()[0]["n"]) == 2, "the restarted writer's write is seen"
        assert pool.snapshot != snapshot
        # Busy again: the pool grows back to its size while requests keep coming.
        assert _until(lambda: (store.query(QUICK).rows() and len(pool.readers) == 2), 10)
        assert store.health() is None
    finally:
        store.close()


def test_requests_one_after_another_go_to_the_reader_that_answered_last(pooled, monkeypatch):
    """That reader's engine caches are warm: taking the readers in turn cost lookups 0.1 ms each."""
    from geokg.store import pool as pool_module

    answered = []
    call = pool_module._Process.call

    def recording(self, *args):
        answered.append(self.process.pid)
        return call(self, *args)

    monkeypatch.setattr(pool_module._Process, "call", recording)
    for _ in range(3):
        assert int(pooled.query(QUICK).rows()[0]["n"]) == 1
    assert len(pooled.pool.readers) > 1 and len(answered) == 3 and len(set(answered)) == 1
