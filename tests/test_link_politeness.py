"""The SPARQL client of `geokg link` against misbehaving servers on loopback: a proxy in front of a real
`oxigraph serve` that answers 429 with Retry-After, stalls past the timeout or returns 200 with an empty
body when told to, and a Virtuoso-like server that cuts answers at 10,000 rows. Each gets the right
behaviour, and no work is lost: the cache and the links already written stay."""

import email.utils
import json
import re
import threading
import time
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from test_link import BASE, LINKS, WD, fixture_server, links_of, seed_store

from geokg import __version__
from geokg.loaders.linking.endpoint import (AnswerCache, EndpointError, Politeness, SparqlClient, TruncatedAnswer,
                                            retry_after_seconds, user_agent)
from geokg.server.cli import main

QUERY = "SELECT ?item WHERE { ?item <http://www.w3.org/2000/01/rdf-schema#label> \"Iran\"@en }"


class _Loopback:
    """A threaded HTTP server on a free loopback port, answering at /sparql."""

    def _serve(self, handler):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Proxy(_Loopback):
    """A loopback HTTP server that passes SPARQL requests on to ``upstream``, or misbehaves as the plan says:
    each request takes the next step of ``plan`` ("forward", "429:SECONDS", "429-date:SECONDS", "503",
    "stall", "empty"); ``stall_on`` stalls every request whose query holds that text. Every request is
    recorded with its time, headers and query."""

    def __init__(self, upstream: str, stall_seconds: float = 3.0):
        self.upstream, self.stall_seconds = upstream, stall_seconds
        self.plan: list[str] = []
        self.stall_on: str | None = None
        self.seen: list[dict] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                proxy.handle(self, urllib.parse.urlsplit(self.path).query, None)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                proxy.handle(self, "", body)

        self._serve(Handler)

    def handle(self, request, query_string: str, body: bytes | None):
        form = urllib.parse.parse_qs(query_string or (body or b"").decode("ascii"))
        query = form.get("query", [""])[0]
        self.seen.append({"at": time.monotonic(), "agent": request.headers.get("User-Agent"), "query": query})
        step = self.plan.pop(0) if self.plan else "forward"
        if self.stall_on and self.stall_on in query:
            step = "stall"
        kind, _, seconds = step.partition(":")
        if kind == "stall":
            time.sleep(self.stall_seconds)
            return
        if kind in ("429", "429-date", "503"):
            request.send_response(503 if kind == "503" else 429)
            if kind == "429":
                request.send_header("Retry-After", seconds)
            elif kind == "429-date":
                when = datetime.now(timezone.utc) + timedelta(seconds=float(seconds))
                request.send_header("Retry-After", email.utils.format_datetime(when, usegmt=True))
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        if kind == "empty":
            request.send_response(200)
            request.send_header("Content-Type", "application/sparql-results+json")
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        upstream = urllib.request.Request(self.upstream, data=urllib.parse.urlencode({"query": query}).encode(),
                                          headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(upstream, timeout=30) as answer:
            data = answer.read()
        request.send_response(200)
        request.send_header("Content-Type", "application/sparql-results+json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    with fixture_server(tmp_path_factory.mktemp("upstream")) as url:
        yield url


@pytest.fixture
def proxy(upstream):
    running = Proxy(upstream)
    yield running
    running.close()


def client(url, tmp_path, row_cap=10_000, **politeness) -> SparqlClient:
    options = {"timeout": 5.0, "retries": 3, "max_wait": 10.0, "backoff": 0.05, **politeness}
    return SparqlClient(url, AnswerCache(tmp_path / "cache"), user_agent("tests@example.org"),
                        Politeness(**options), row_cap=row_cap)


def iran(rows) -> list[str]:
    return [r["item"]["value"] for r in rows]


def test_requests_carry_the_descriptive_user_agent(proxy, tmp_path):
    assert iran(client(proxy.url, tmp_path).select(QUERY, "a test")) == [WD + "Q794"]
    agent = proxy.seen[0]["agent"]
    assert agent.startswith(f"geokg/{__version__} (+https://w3id.org/geokg; tests@example.org) SPARQLWrapper/")
    assert "Python/" in agent


def test_429_waits_as_long_as_retry_after_says(proxy, tmp_path):
    proxy.plan = ["429:1"]
    sparql = client(proxy.url, tmp_path)
    assert sorted(iran(sparql.select(QUERY, "a test"))) == [WD + "Q794"]
    assert sparql.waited == [1.0] and sparql.asked == 2
    assert proxy.seen[1]["at"] - proxy.seen[0]["at"] >= 1.0


def test_retry_after_as_an_http_date(proxy, tmp_path):
    proxy.plan = ["429-date:2", "503"]
    sparql = client(proxy.url, tmp_path)
    assert sorted(iran(sparql.select(QUERY, "a test"))) == [WD + "Q794"]
    # An HTTP date counts whole seconds; a 503 without Retry-After backs off from --backoff.
    assert 0.0 < sparql.waited[0] <= 2.0 and sparql.waited[1] == pytest.approx(0.1)
    assert len(proxy.seen) == 3


def test_retry_after_beyond_the_cap_stops_without_asking_again(proxy, tmp_path):
    proxy.plan = ["429:3600"]
    sparql = client(proxy.url, tmp_path, max_wait=5.0)
    with pytest.raises(EndpointError, match=r"asks to wait 3600 s, longer than the 5 s allowed"):
        sparql.select(QUERY, "a test")
    assert len(proxy.seen) == 1 and sparql.waited == []


def test_retries_are_bounded(proxy, tmp_path):
    proxy.plan = ["429:0"] * 10
    with pytest.raises(EndpointError, match=r"still HTTP 429 after 2 retries"):
        client(proxy.url, tmp_path, retries=2).select(QUERY, "a test")
    assert len(proxy.seen) == 3


def test_a_stalled_answer_times_out_with_a_clear_error(proxy, tmp_path):
    proxy.plan = ["stall"]
    with pytest.raises(EndpointError) as caught:
        client(proxy.url, tmp_path, timeout=1.0).select(QUERY, "the test query")
    assert caught.value.message == f"{proxy.url}: no answer to the test query within 1 s (--timeout)"
    assert len(proxy.seen) == 1  # a query that timed out is not sent again


def test_an_empty_200_is_a_failure_to_retry_not_an_empty_answer(proxy, tmp_path):
    proxy.plan = ["empty"]
    sparql = client(proxy.url, tmp_path)
    assert sorted(iran(sparql.select(QUERY, "a test"))) == [WD + "Q794"]
    assert sparql.asked == 2
    proxy.plan = ["empty"] * 4
    with pytest.raises(EndpointError, match="still 200 with an empty body"):
        client(proxy.url, tmp_path / "other").select(QUERY, "a test")
    # Nothing was cached for the failed query: the next run asks again.
    assert len(AnswerCache(tmp_path / "other" / "cache")) == 0


def test_retry_after_parsing():
    now = datetime(2026, 11, 25, 12, 0, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("120", now) == 120.0
    assert retry_after_seconds("Wed, 25 Nov 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Wed, 25 Nov 2026 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon", now) is None and retry_after_seconds(None, now) is None


def test_no_work_is_lost_when_the_server_stops_answering(proxy, tmp_path, capsys):
    store, cache = seed_store(tmp_path / "store"), tmp_path / "cache"
    args = ["link", "--store", str(store), "--base", BASE, "--endpoint", proxy.url, "--dbpedia", proxy.url,
            "--cache", str(cache), "--timeout", "1"]
    proxy.stall_on = '"Hamas"'  # the armed groups' search, after the states, alliances and organisations
    assert main(args) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"geokg link: {proxy.url}: no answer to the search for")
    # Written before the stall: four states, the axis, two organisations and a party.
    assert f"kept: the links of 8 actors in <{LINKS}>" in err[0] and str(cache) in err[0]
    statuses = links_of(store)
    assert statuses[("iran", "Q794")] == "automatic" and not any(a == "hamas" for a, _ in statuses)
    answered = {s["query"] for s in proxy.seen if '"Hamas"' not in s["query"]}
    assert len(AnswerCache(cache)) == len(answered) > 0
    first = len(proxy.seen)
    proxy.stall_on = None
    assert main(args) == 0
    again = [s["query"] for s in proxy.seen[first:]]
    assert again and not set(again) & answered  # nothing answered before is asked twice
    assert links_of(store)[("hamas", "Q38799")] == "automatic"


class Capped(_Loopback):
    """A Virtuoso-like server over TOTAL numbered rows: every answer stops at CAP rows, silently or, with
    ``declare``, with the X-SPARQL-MaxRows header Virtuoso sends; LIMIT and OFFSET are honoured."""

    def __init__(self, total: int, cap: int, declare: bool = False):
        self.requests: list[tuple[int | None, int]] = []
        capped = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["query"][0]
                limit = re.search(r"LIMIT (\d+)", query)
                offset = re.search(r"OFFSET (\d+)", query)
                start = int(offset.group(1)) if offset else 0
                end = min(total, start + (int(limit.group(1)) if limit else total), start + cap)
                capped.requests.append((int(limit.group(1)) if limit else None, start))
                rows = [{"n": {"type": "literal", "value": str(i)}} for i in range(start, end)]
                data = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": rows}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                if declare and end - start == cap:
                    self.send_header("X-SPARQL-MaxRows", str(cap))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._serve(Handler)


ROWS = "SELECT ?n WHERE { ?s <http://example.org/n> ?n }"


def test_an_answer_of_exactly_the_row_cap_is_not_taken_as_complete(tmp_path):
    server = Capped(total=25_000, cap=10_000)
    try:
        with pytest.raises(TruncatedAnswer, match=r"has 10,000 rows, the server's cap"):
            client(server.url, tmp_path).select(ROWS, "the numbers")
        paging = client(server.url, tmp_path)
        rows = paging.select_paged(ROWS + " ORDER BY ?n", "the numbers")
        assert sorted(int(r["n"]["value"]) for r in rows) == list(range(25_000))
        assert server.requests[1:] == [(10_000, 0), (10_000, 10_000), (10_000, 20_000)]
        assert paging.notes == [f"{server.url}: the numbers: 25,000 rows, more than one answer of 10,000 "
                                "(the server's cap) holds; asked in 3 pages"]
    finally:
        server.close()


def test_a_smaller_declared_cap_is_paged_under(tmp_path):
    server = Capped(total=12_000, cap=5_000, declare=True)
    try:
        with pytest.raises(TruncatedAnswer):
            client(server.url, tmp_path).select(ROWS, "the numbers")
        paging = client(server.url, tmp_path)
        rows = paging.select_paged(ROWS + " ORDER BY ?n", "the numbers")
        assert sorted(int(r["n"]["value"]) for r in rows) == list(range(12_000))
        assert "cut a page at its declared cap of 5,000 rows" in paging.notes[0]
        assert server.requests[-3:] == [(5_000, 0), (5_000, 5_000), (5_000, 10_000)]
    finally:
        server.close()


def test_a_server_without_a_silent_cap_still_has_its_declared_cap_checked(tmp_path):
    """Wikidata's client has no silent cap (its answers are whole or an error), so 10,000 rows are taken;
    a cap the server declares still counts."""
    silent, declared = Capped(total=10_000, cap=10_000), Capped(total=10_000, cap=10_000, declare=True)
    try:
        assert len(client(silent.url, tmp_path, row_cap=None).select(ROWS, "the numbers")) == 10_000
        with pytest.raises(TruncatedAnswer):
            client(declared.url, tmp_path, row_cap=None).select(ROWS, "the numbers")
    finally:
        silent.close()
        declared.close()


def test_many_candidates_are_asked_about_in_chunks(proxy, tmp_path):
    from geokg.loaders.linking.candidates import FETCH_CHUNK, fetch

    qids = ["Q794"] + [f"Q{990_100_000 + n}" for n in range(2 * FETCH_CHUNK + 10)]
    entities = fetch(client(proxy.url, tmp_path), qids, {"Q3624078"})
    assert entities["Q794"].labels == {"Iran"} and entities["Q794"].classes == {"Q3624078"}
    assert len(proxy.seen) == 2 * 3  # statements and types, for each of three chunks


def test_an_interrupted_run_keeps_its_work(proxy, tmp_path):
    import signal
    import subprocess
    import sys

    store, cache = seed_store(tmp_path / "store"), tmp_path / "cache"
    proxy.stall_seconds, proxy.stall_on = 60.0, '"Hamas"'
    process = subprocess.Popen([sys.executable, "-m", "geokg", "link", "--store", str(store), "--base", BASE,
                                "--endpoint", proxy.url, "--no-dbpedia", "--cache", str(cache), "--timeout", "60"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not any('"Hamas"' in s["query"] for s in proxy.seen) and process.poll() is None:
            assert time.monotonic() < deadline, "the run never reached the armed groups"
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert err.strip().splitlines() == [f"geokg link: interrupted; kept: the links of 8 actors and "
                                        f"{len(AnswerCache(cache))} answers in {cache}; run again to go on"]
    assert links_of(store)[("syria", "Q858")] == "automatic"
