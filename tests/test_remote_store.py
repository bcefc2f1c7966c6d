"""The remote store against a real `oxigraph serve` on loopback: the same answers, pages and exports as the
embedded store loaded with the same files, the same checks before anything is sent, and one clear line
when the store is down or cuts its answer."""

import http.server
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

import pytest

from geokg import queries as named
from geokg.loaders.errors import GeokgError
from geokg.loaders.ids import Ids
from geokg.loaders.pipeline import load_paths
from geokg.server.app import create_app, sample_claims
from geokg.store import open_store
from geokg.store.remote import RemoteStore, substitute
from geokg.store.remote_config import remote_config
from tests.conftest import free_port, start_oxigraph

BASE = "https://geokg.example.org"
AXIS = f"{BASE}/id/actor/axis-of-resistance"
NAMED = [
    ("actor-events", {"actor": "Hamas"}),
    ("actor-events", {"actor": f"{BASE}/id/actor/hamas"}),
    ("claims-by", {"claimant": "sinwar"}),
    ("alliance-members", {"alliance": AXIS, "asOf": "2017-09-23"}),
    ("relation-sources", {"subject": "Iran", "relation": "mediatesBetween", "object": "Syria"}),
    ("relations-between", {"a": "Syria", "b": "HAMAS"}),
    ("hedged-claims", {}),
    ("mediations", {}),
]


@pytest.fixture(scope="module")
def oxigraph():
    directory = tempfile.mkdtemp(prefix="geokg-oxigraph-")
    process, url = start_oxigraph(Path(directory) / "store")
    yield url
    process.terminate()
    process.wait(10)
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def loaded(oxigraph):
    """The seed claims loaded through load_paths into the remote store and into an embedded one."""
    ids = Ids(BASE)
    remote = open_store(oxigraph)
    load_paths(remote, sample_claims(), ids)
    embedded = open_store(None)
    load_paths(embedded, sample_claims(), ids)
    return remote, embedded


class Recording(RemoteStore):
    """A remote store that notes every request it sends."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sent = []

    def _send(self, method, url, what, timeout=None, **kwargs):
        self.sent.append((method, url))
        return super()._send(method, url, what, timeout=timeout, **kwargs)


def test_a_url_opens_the_remote_store_laid_out_as_oxigraph_servers(oxigraph):
    store = open_store(oxigraph)
    assert isinstance(store, RemoteStore)
    assert (store.config.query, store.config.update, store.config.store) == (
        oxigraph + "query", oxigraph + "update", oxigraph + "store")
    assert store.health() is None


def test_loading_writes_the_same_quads_as_the_embedded_store(loaded):
    remote, embedded = loaded
    assert len(remote) == len(embedded) > 1000
    assert remote.graphs() == embedded.graphs()
    assert sorted(remote.dump("nquads").splitlines()) == sorted(embedded.dump("nquads").splitlines())


def test_loading_again_replaces_the_graphs_rather_than_adding(loaded):
    remote, embedded = loaded
    before = len(remote)
    load_paths(remote, sample_claims(), Ids(BASE))
    assert len(remote) == before == len(embedded)


def unordered_concat(rows: list[dict]) -> list[dict]:
    """Rows with GROUP_CONCAT's parties as a sorted list: SPARQL leaves the order of the joined values
    open, and the two stores (the same engine, written in different ways) join them in different orders."""
    return [{k: sorted(str(v).split(" & ")) if k == "parties" else v for k, v in row.items()} for row in rows]


@pytest.mark.parametrize("name, values", NAMED)
def test_named_queries_answer_the_same_rows(loaded, name, values):
    remote, embedded = loaded
    query = named.get(name)
    expected = unordered_concat(named.run(embedded, query, values).rows())
    assert expected
    assert unordered_concat(named.run(remote, query, values).rows()) == expected


def test_every_result_format_matches_the_embedded_stores(loaded):
    remote, embedded = loaded
    select = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 50"
    for fmt in ("json", "xml", "csv", "tsv"):
        assert remote.query(select).serialize(fmt) == embedded.query(select).serialize(fmt), fmt
    assert remote.query(select).texts() == embedded.query(select).texts()
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(?s = <{BASE}/id/actor/hamas>) }}"
    for fmt in ("ntriples", "nquads"):
        assert sorted(remote.query(construct).serialize(fmt).splitlines()) == \
            sorted(embedded.query(construct).serialize(fmt).splitlines()), fmt
    assert remote.query(construct).graph().isomorphic(embedded.query(construct).graph())
    for ask in ("ASK { ?s ?p ?o }", "ASK { <urn:nothing> ?p ?o }"):
        assert bool(remote.query(ask)) == bool(embedded.query(ask))
        assert remote.query(ask).serialize("json") == embedded.query(ask).serialize("json")


def test_the_union_default_graph_and_named_datasets_follow_the_request(loaded):
    remote, embedded = loaded
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    graph = remote.graphs()[0]
    for options in ({}, {"union": False}, {"default_graphs": [graph]}):
        assert remote.query(count, **options).rows() == embedded.query(count, **options).rows(), options
    assert remote.query(count).rows() != remote.query(count, union=False).rows()


def test_named_graphs_alone_pick_those_graphs(loaded):
    remote, embedded = loaded
    graph = remote.graphs()[0]
    text = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert remote.query(text, named_graphs=[graph]).rows() == embedded.query(text, named_graphs=[graph]).rows()


def test_update_errors_keep_the_embedded_stores_status(oxigraph):
    store = open_store(oxigraph)
    with pytest.raises(GeokgError) as missing:
        store.update("DROP GRAPH <urn:geokg:test:missing>")
    assert missing.value.status == 404 and "urn:geokg:test:missing" in missing.value.message
    store.update("CREATE GRAPH <urn:geokg:test:made>")
    try:
        with pytest.raises(GeokgError) as again:
            store.update("CREATE GRAPH <urn:geokg:test:made>")
        assert again.value.status == 409 and "already exists" in again.value.message
    finally:
        store.update("DROP SILENT GRAPH <urn:geokg:test:made>")


def test_bound_variables_answer_as_the_engines_substitution(loaded):
    remote, embedded = loaded
    from geokg.server.search import SEARCH
    from rdflib import Literal, URIRef

    for bindings in ({"q": Literal("hamas")}, {"q": Literal("Syr")}):
        expected = embedded.query(SEARCH, bindings).rows()
        assert expected and remote.query(SEARCH, bindings).rows() == expected
    text = "SELECT ?x ?p WHERE { ?x ?p ?o } ORDER BY ?x ?p LIMIT 3"
    hamas = {"x": URIRef(f"{BASE}/id/actor/hamas")}
    assert remote.query(text, hamas).rows() == embedded.query(text, hamas).rows()
    assert substitute(text, {"x": ("u", "urn:a")}) == \
        "SELECT (<urn:a> AS ?x) ?p WHERE { <urn:a> ?p ?o } ORDER BY (<urn:a>) ?p LIMIT 3"


def entity_paths(store) -> list[str]:
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ ?s a ?type FILTER(STRSTARTS(STR(?s), '{BASE}/id/')) }}").texts()
    return sorted(row["s"][len(BASE):] for row in rows)


PICTURE = re.compile(rb'<figure class="picture">.*?</figure>', re.S)
EDGE = re.compile(rb'stroke="([^"]+)"[^>]*><title>(.*?)</title>')
NODE = re.compile(rb'<text [^>]*>(.*?)</text>')


def unordered_picture(page: bytes) -> bytes:
    """A page with its network picture as its sets of edges (colour, title) and node labels: the picture's
    query leaves the order of the relations open, and the layout follows that order."""
    def drawn(match):
        figure = match.group(0)
        return repr((sorted(EDGE.findall(figure)), sorted(NODE.findall(figure)))).encode()
    return PICTURE.sub(drawn, page)


def test_entity_pages_and_their_json_twins_are_the_same(loaded, oxigraph):
    remote, embedded = loaded
    served = create_app({"GEOKG_STORE": oxigraph, "GEOKG_BASE": BASE, "TESTING": True})
    assert isinstance(served.extensions["geokg"].store, RemoteStore)
    remote_client = served.test_client()
    embedded_client = create_app({"GEOKG_STORE_OBJECT": embedded, "GEOKG_BASE": BASE, "TESTING": True}).test_client()
    paths = entity_paths(embedded)
    assert len(paths) > 20 and paths == entity_paths(remote)
    for path in paths:
        for twin in (path, path + ".json"):
            mine, theirs = remote_client.get(twin), embedded_client.get(twin)
            assert (mine.status_code, unordered_picture(mine.data)) == \
                (theirs.status_code, unordered_picture(theirs.data)), twin
    for url in ("/search?q=iran", "/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20%7B%3Fs%20%3Fp%20%3Fo%7D"):
        assert remote_client.get(url).data == embedded_client.get(url).data, url


def test_export_through_the_command_line_gives_the_same_quads(loaded, oxigraph, tmp_path):
    remote, embedded = loaded
    target = tmp_path / "remote.nq"
    subprocess.run([sys.executable, "-m", "geokg", "export", "--store", oxigraph, "-o", str(target)], check=True)
    assert sorted(target.read_bytes().splitlines()) == sorted(embedded.dump("nquads").splitlines())
    streamed = tmp_path / "remote.nq.gz"
    assert remote.dump_file(str(streamed), "nquads") == streamed.stat().st_size
    import gzip

    assert sorted(gzip.decompress(streamed.read_bytes()).splitlines()) == sorted(target.read_bytes().splitlines())


def test_geokg_load_and_query_take_the_url(tmp_path):
    process, url = start_oxigraph(tmp_path / "store")
    try:
        load = subprocess.run([sys.executable, "-m", "geokg", "load", "--store", url, *map(str, sample_claims())],
                              capture_output=True, text=True)
        assert load.returncode == 0, load.stderr
        assert f"SPARQL store at {url}query: wrote" in load.stdout
        embedded = open_store(None)
        load_paths(embedded, sample_claims(), Ids(BASE))
        assert len(open_store(url)) == len(embedded)
        query = subprocess.run([sys.executable, "-m", "geokg", "query", "--store", url, "-f", "json", "claims-by",
                                "-p", "claimant=sinwar"], capture_output=True, check=True)
        assert json.loads(query.stdout) == json.loads(named.run(embedded, named.get("claims-by"),
                                                                {"claimant": "sinwar"}).serialize("json"))
    finally:
        process.kill()
        process.wait(10)


def test_geokg_serve_answers_from_the_url_and_says_so_when_it_is_down(loaded, oxigraph):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "geokg", "serve", "--store", oxigraph, "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
                    health = json.load(response)
                break
            except OSError:
                if server.poll() is not None:
                    raise AssertionError(server.stderr.read()) from None
                threading.Event().wait(0.1)
        assert health == {"ok": True, "triples": len(loaded[1]), "store": "remote SPARQL store"}
    finally:
        server.terminate()
        server.wait(20)
    down = f"http://127.0.0.1:{free_port()}/"
    run = subprocess.run([sys.executable, "-m", "geokg", "serve", "--store", down, "--port", str(free_port())],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode != 0 and len(run.stderr.strip().splitlines()) == 1
    # The first request (which asks the store what it is) names the endpoint it went to.
    assert re.search(rf"{down}(query|update) cannot be reached: connection refused", run.stderr)


def test_articles_loaded_into_a_remote_store_leave_their_reviews_in_geokg_claims(oxigraph, tmp_path):
    from argparse import Namespace

    from geokg.server.cli import _review_folder

    for store in (oxigraph, str(tmp_path / "store.toml")):
        assert _review_folder(Namespace(review_dir=None, store=store)) == Path("geokg-claims")
    assert _review_folder(Namespace(review_dir=None, store="/srv/geokg-store")) == Path("/srv/geokg-store-claims")


@pytest.mark.parametrize("text, update", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", False),
    ("SELECT * WHERE { ?s ?p ?o SERVICE SILENT <http://example.org/> { ?s ?p ?x } }", False),
    ("LOAD <http://127.0.0.1:9/data.ttl>", True),
    ("INSERT { ?s ?p ?o } WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }", True),
])
def test_service_and_load_are_refused_with_nothing_sent(oxigraph, text, update):
    store = Recording(oxigraph)
    with pytest.raises(GeokgError) as refused:
        store.update(text) if update else store.query(text).rows()
    assert refused.value.status in (400, 403) and store.sent == []


def test_a_store_that_is_down_gives_one_line_naming_it(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/"
    store = open_store(url)
    with pytest.raises(GeokgError) as down:
        store.query("ASK {}").rows()
    assert down.value.status == 503
    assert f"{url}query cannot be reached: connection refused" in down.value.message
    assert "\n" not in down.value.message
    assert store.health() == down.value.message
    run = subprocess.run([sys.executable, "-m", "geokg", "query", "--store", url, "ASK {}"], capture_output=True,
                         text=True)
    assert run.returncode != 0 and len(run.stderr.strip().splitlines()) == 1
    assert f"{url}query cannot be reached" in run.stderr


@pytest.mark.parametrize("fmt", ["rows", "texts", "json", "csv"])
def test_the_stores_own_time_limit_gives_one_line_and_a_504(tmp_path, fmt):
    process, url = start_oxigraph(tmp_path / "store", "--timeout-s", "1")
    try:
        store = open_store(url)
        store.update("INSERT DATA { " + " ".join(f"<urn:s{i}> <urn:p> {i} ." for i in range(300)) + " }")
        result = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?h ?i }")
        with pytest.raises(GeokgError) as stopped:
            result.texts() if fmt == "texts" else result.rows() if fmt == "rows" else result.serialize(fmt)
        assert stopped.value.status == 504 and "at its own time limit" in stopped.value.message
        assert "\n" not in stopped.value.message
    finally:
        process.kill()
        process.wait(10)


def test_a_query_the_store_refuses_gives_its_message_as_a_bad_query(loaded):
    remote, _ = loaded
    with pytest.raises(GeokgError) as refused:
        remote.query("SELECT ?x WHERE { ?x ?p ?o } GROUP BY ?p").rows()
    assert refused.value.status == 400 and "/query refused the request:" in refused.value.message


def test_our_row_cap_cuts_and_says_so_as_the_embedded_store_does(oxigraph, loaded):
    remote = open_store(oxigraph, max_rows=7)
    embedded = open_store(None, max_rows=7)
    load_paths(embedded, sample_claims(), Ids(BASE))
    select = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    mine, theirs = remote.query(select), embedded.query(select)
    assert len(mine.rows()) == 7 and mine.truncated and theirs.rows() == mine.rows() and theirs.truncated
    for fmt in ("json", "xml"):
        mine, theirs = remote.query(select), embedded.query(select)
        assert mine.serialize(fmt) == theirs.serialize(fmt) and mine.truncated and theirs.truncated
    with pytest.raises(GeokgError, match="more than 7 rows and CSV"):
        remote.query(select).serialize("csv")
    small = remote.query(select + " LIMIT 7")
    assert len(small.rows()) == 7 and not small.truncated


class CappingStore(http.server.BaseHTTPRequestHandler):
    """A store that cuts every answer at its own cap of 3 rows and says so as Virtuoso does."""

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        body = b"?n\n1\n2\n3\n"
        if "json" in self.headers.get("Accept", ""):
            body = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [
                {"n": {"type": "literal", "value": str(i)}} for i in (1, 2, 3)]}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", self.headers.get("Accept"))
        self.send_header("X-SPARQL-MaxRows", "3")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        """Quiet."""


@pytest.fixture
def capping():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CappingStore)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_the_stores_own_row_cap_is_signalled_as_ours(capping):
    store = open_store(capping)
    result = store.query("SELECT ?n WHERE { ?s ?p ?n }")
    assert [str(r["n"]) for r in result.rows()] == ["1", "2", "3"] and result.truncated
    answer = store.query("SELECT ?n WHERE { ?s ?p ?n }")
    body = json.loads(answer.serialize("json"))
    assert answer.truncated and body["truncated"] is True and body["head"]["link"] == ["urn:geokg:truncated"]
    assert store.query("SELECT ?n WHERE { ?s ?p ?n }").texts() == [{"n": "1"}, {"n": "2"}, {"n": "3"}]


def test_writes_through_this_client_change_the_version(oxigraph):
    store = open_store(oxigraph)
    before = store.version
    store.update("INSERT DATA { GRAPH <urn:geokg:test:version> { <urn:a> <urn:b> <urn:c> } }")
    assert store.version != before
    assert "urn:geokg:test:version" in store.graphs()
    after = store.version
    store.update("DROP GRAPH <urn:geokg:test:version>")
    assert store.version != after and "urn:geokg:test:version" not in store.graphs()


def test_what_another_client_writes_is_seen_once_the_version_ttl_has_passed(oxigraph, monkeypatch):
    import geokg.store.remote as remote_module

    clock = [1_000_000.0]
    monkeypatch.setattr(remote_module.time, "time", lambda: clock[0])
    mine, other = open_store(oxigraph), open_store(oxigraph)
    counted, version = len(mine), mine.version
    other.update("INSERT DATA { GRAPH <urn:geokg:test:other> { <urn:a> <urn:b> <urn:c> } }")
    try:
        assert mine.version == version and len(mine) == counted
        clock[0] += mine.config.version_ttl
        assert mine.version != version and len(mine) == counted + 1
    finally:
        other.update("DROP GRAPH <urn:geokg:test:other>")


def test_a_config_file_names_the_endpoints_and_keeps_the_password_out_of_messages(oxigraph, tmp_path, monkeypatch):
    config = tmp_path / "store.toml"
    config.write_text(f'query = "{oxigraph}query"\nupdate = "{oxigraph}update"\nstore = "{oxigraph}store"\n'
                      'user = "geokg"\npassword_env = "GEOKG_TEST_STORE_PASSWORD"\nauth = "digest"\n', encoding="utf-8")
    monkeypatch.setenv("GEOKG_TEST_STORE_PASSWORD", "s3cret-word")
    store = open_store(config)
    assert isinstance(store, RemoteStore) and store.config.password == "s3cret-word"
    assert "s3cret-word" not in repr(store.config) + store.describe()
    # Oxigraph server asks for no credentials: the request goes through without a challenge.
    assert bool(store.query("ASK { ?s ?p ?o }"))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"query": f"{oxigraph}query", "colour": "red"}), encoding="utf-8")
    with pytest.raises(GeokgError, match=r"bad.json: unknown setting 'colour'"):
        open_store(bad)


def test_a_url_with_credentials_never_shows_them(oxigraph):
    url = oxigraph.replace("http://", "http://geokg:pa55word@")
    store = open_store(url)
    assert store.config.user == "geokg" and "pa55word" not in store.describe() + repr(store.config)
    assert remote_config(oxigraph + "query").query == oxigraph + "query"
