"""Virtuoso behind the store interface: the LATERAL rewrite proven on the embedded engine (which reads both
forms) for every LATERAL query the server sends, and checked on a real Virtuoso (virtuoso-t) on loopback:
the same answers as the embedded store, only geokg's graphs listed, counted, dumped and dropped, answers
its row cap or time limit cut signalled or refused, and one clear line naming the store when it refuses."""

import json

import pyoxigraph as ox
import pytest
from rdflib import Literal

from geokg import queries as named
from geokg.loaders.errors import GeokgError
from geokg.loaders.ids import Ids
from geokg.loaders.pipeline import load_paths
from geokg.server.app import create_app, sample_claims
from geokg.store import dialects, open_store
from geokg.store.lateral import LateralRefused, without_lateral
from geokg.store.sparqllex import tokenize
from geokg.store.writing import replace_graphs_update
from geokg.store.remote_config import remote_config
from tests.stores import server_available, start_virtuoso
from tests.test_remote_store import NAMED

BASE = "https://geokg.example.org"
HAMAS = f"{BASE}/id/actor/hamas"


def rows_of(result):
    # A GROUP_CONCAT's parts come in the order the engine met them, which a plan may change.
    return sorted(tuple(sorted((k, " & ".join(sorted(str(v).split(" & ")))) for k, v in row.items()))
                  for row in result.rows())


# The rewrite, read on tokens

def test_a_lateral_whose_group_binds_the_shared_variables_loses_only_its_keyword():
    text = ("SELECT * WHERE { ?s <http://x/p> ?o LATERAL { SELECT DISTINCT ?o ?n WHERE { ?o <http://x/n> ?n } } }")
    assert without_lateral(text) == text.replace("LATERAL ", "")


def test_a_lateral_optional_is_hoisted_so_unmatched_rows_stay():
    text = "SELECT * WHERE { ?s <http://x/p> ?o LATERAL { OPTIONAL { SELECT ?o ?n WHERE { ?o <http://x/n> ?n } } } }"
    assert without_lateral(text) == ("SELECT * WHERE { ?s <http://x/p> ?o  OPTIONAL { SELECT ?o ?n WHERE "
                                     "{ ?o <http://x/n> ?n } }  }")


def test_a_hash_in_an_iri_is_not_a_comment_to_the_rewrite():
    text = "SELECT * WHERE { ?s <http://x/p#LATERAL> ?o LATERAL { ?o <http://x/n#a> ?n } }"
    assert without_lateral(text) == "SELECT * WHERE { ?s <http://x/p#LATERAL> ?o { ?o <http://x/n#a> ?n } }"


def test_a_limit_per_value_after_values_is_unrolled_one_copy_per_row():
    text = ('SELECT ?v ?a WHERE { VALUES ?v { "x" "y"@en } LATERAL { SELECT ?v ?a WHERE { ?a <http://x/n> ?v } '
            'LIMIT 2 } }')
    written = without_lateral(text)
    assert "LATERAL" not in written
    assert written.count("LIMIT 2") == 2 and '("x" AS ?v)' in written and '("y"@en AS ?v)' in written


@pytest.mark.parametrize("text, reason", [
    ("SELECT * WHERE { ?s <http://x/p> ?o LATERAL { SELECT ?o WHERE { ?o <http://x/n> ?n } LIMIT 1 } }", "LIMIT 1"),
    ("SELECT * WHERE { ?s <http://x/p> ?o LATERAL { OPTIONAL { ?o <http://x/n> ?n } ?s <http://x/q> ?m } }",
     "?o may be unbound"),
    ("SELECT * WHERE { ?s <http://x/p> ?o LATERAL { SELECT ?o (COUNT(*) AS ?n) WHERE { ?o ?p ?x } GROUP BY ?p } }",
     "groups by more"),
])
def test_a_lateral_the_rewrite_cannot_keep_is_refused_saying_where_and_why(text, reason):
    with pytest.raises(LateralRefused) as caught:
        without_lateral(text, "the SPARQL store at http://127.0.0.1:1/sparql")
    message = caught.value.message
    assert "http://127.0.0.1:1/sparql" in message and "line 1, column 37" in message and reason in message


class Recording:
    """The embedded store, noting every query text that holds LATERAL."""

    def __init__(self, store):
        self.store, self.seen = store, []

    def query(self, sparql, bindings=None, **options):
        if "LATERAL" in sparql.upper():
            self.seen.append((sparql, bindings, options))
        return self.store.query(sparql, bindings, **options)

    def __getattr__(self, name):
        return getattr(self.store, name)

    def __len__(self):
        return len(self.store)


@pytest.fixture(scope="module")
def embedded():
    store = open_store(None)
    load_paths(store, sample_claims(), Ids(BASE))
    return store


def server_requests(client):
    """The pages, searches, reconciliation and named queries whose queries hold LATERAL."""
    for path in ("/id/actor/hamas", "/id/actor/axis-of-resistance", "/id/actor/iran.json", "/search?q=ham",
                 "/search.json?q=syria", "/"):
        assert client.get(path).status_code == 200, path
    queries = {"q0": {"query": "Hamas", "properties": [{"pid": "memberOf", "v": "Axis of Resistance"}]}}
    assert client.post("/reconcile", data={"queries": json.dumps(queries)}).status_code == 200
    extend = {"ids": [HAMAS], "properties": [{"id": "memberOf"}, {"id": "alliesWith"}]}
    client.post("/reconcile", data={"extend": json.dumps(extend)})
    for name, values in NAMED:
        client.get(f"/queries/{name}", query_string=values)


def test_every_lateral_query_the_server_sends_answers_the_same_rewritten_on_the_embedded_engine(embedded):
    recording = Recording(embedded)
    client = create_app({"GEOKG_STORE_OBJECT": recording, "GEOKG_BASE": BASE, "TESTING": True}).test_client()
    server_requests(client)
    texts = {}
    for sparql, bindings, options in recording.seen:
        texts.setdefault((sparql, json.dumps(sorted((k, str(v)) for k, v in (bindings or {}).items()))),
                         (sparql, bindings, options))
    assert len(texts) >= 8
    for sparql, bindings, options in texts.values():
        rewritten = without_lateral(sparql)
        assert not any(t.kind == "KEYWORD" and t.value == "LATERAL" for t in tokenize(rewritten))
        assert rows_of(embedded.query(rewritten, bindings, **options)) == rows_of(
            embedded.query(sparql, bindings, **options)), sparql


# A real Virtuoso

@pytest.fixture(scope="module")
def virtuoso(virtuoso_store, embedded):
    store = open_store(virtuoso_store)
    store.update("DROP SILENT ALL")
    load_paths(store, sample_claims(), Ids(BASE))
    yield store
    store.close()


def test_virtuoso_is_recognised_by_its_server_header_and_its_system_graphs_found(virtuoso):
    assert virtuoso.dialect.name == dialects.VIRTUOSO
    hidden = virtuoso.dialect.hidden_graphs
    assert "http://www.openlinksw.com/schemas/virtrdf#" in hidden
    assert any(g.endswith("/DAV/") for g in hidden)


@pytest.mark.parametrize("name, values", NAMED, ids=lambda v: v if isinstance(v, str) else None)
def test_named_queries_answer_as_on_the_embedded_store(virtuoso, embedded, name, values):
    query = named.get(name)
    assert rows_of(named.run(virtuoso, query, values)) == rows_of(named.run(embedded, query, values))


def test_only_geokgs_graphs_are_listed_counted_and_dumped(virtuoso, embedded):
    assert virtuoso.graphs() == embedded.graphs()
    assert len(virtuoso) == len(embedded)
    assert sorted(virtuoso.dump("nquads").splitlines()) == sorted(embedded.dump("nquads").splitlines())


def test_pages_and_search_answer_as_on_the_embedded_store(virtuoso, embedded):
    pages = {}
    for store in (virtuoso, embedded):
        client = create_app({"GEOKG_STORE_OBJECT": store, "GEOKG_BASE": BASE, "TESTING": True}).test_client()
        pages[store is virtuoso] = [client.get(p).get_json() for p in ("/id/actor/hamas.json", "/search.json?q=ham")]
    assert pages[True] == pages[False]


def test_drop_all_drops_geokgs_graphs_and_leaves_virtuosos_own(virtuoso_store):
    store = open_store(virtuoso_store)
    store.update('INSERT DATA { GRAPH <http://x.test/g> { <http://x.test/s> <http://x.test/p> "o" } }')
    store.update("DROP ALL")
    assert store.graphs() == [] and len(store) == 0
    system = " ".join(f"<{g}>" for g in store.dialect.hidden_graphs if g != dialects.DEFAULT_GRAPH)
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {system} }} GRAPH ?g {{ ?s ?p ?o }} }}",
                       named_graphs=[]).rows()
    # Asked of the raw endpoint: the store still holds its schemas (geokg's own listing hides them).
    raw = store.session.post(store.config.query, data={"query": "ASK { GRAPH <http://www.openlinksw.com/schemas/"
                                                                 "virtrdf#> { ?s ?p ?o } }"},
                             headers={"Accept": "application/sparql-results+json"})
    assert raw.json()["boolean"] is True
    assert rows is not None


def test_the_default_graph_is_a_graph_of_geokgs_own_on_virtuoso(virtuoso_store):
    store = open_store(virtuoso_store)
    store.update("DROP ALL")
    store.update('INSERT DATA { <http://x.test/s> <http://x.test/p> "in the default graph" }')
    assert store.graphs() == [] and len(store) == 1
    plain = store.query("SELECT ?o WHERE { ?s ?p ?o }", union=False).rows()
    assert [str(r["o"]) for r in plain] == ["in the default graph"]
    assert b"in the default graph" in store.dump("nquads")
    store.update("CLEAR DEFAULT")
    assert len(store) == 0


def test_a_query_virtuoso_refuses_is_one_line_naming_the_store(virtuoso):
    with pytest.raises(GeokgError) as caught:
        virtuoso.query("SELECT ?x WHERE { ?x <http://x.test/p> }").rows()
    assert caught.value.message.startswith(f"the SPARQL query endpoint at {virtuoso.config.query} refused")
    assert "\n" not in caught.value.message and "SPARQL query:" not in caught.value.message


@pytest.fixture(scope="module")
def small_virtuoso():
    """A Virtuoso whose ResultSetMaxRows is 50 and MaxQueryExecutionTime 1 s."""
    missing = server_available("virtuoso")
    if missing:
        pytest.skip(missing)
    server = start_virtuoso(max_rows=50, max_seconds=1)
    store = open_store(server.location)
    for start in range(0, 3000, 1000):
        triples = "\n".join(f'<http://x.test/s{i}> <http://x.test/p> "{i}" .' for i in range(start, start + 1000))
        store.update(f"INSERT DATA {{ GRAPH <http://x.test/g> {{ {triples} }} }}")
    yield store
    store.close()
    server.stop()


def test_an_answer_virtuosos_row_cap_cut_is_signalled_as_our_own_cap(small_virtuoso):
    selected = small_virtuoso.query("SELECT ?s WHERE { ?s ?p ?o }")
    assert len(selected.rows()) == 50 and selected.truncated
    constructed = small_virtuoso.query("CONSTRUCT WHERE { ?s ?p ?o }")
    # Its CONSTRUCT says nothing when cut: the cap, learnt from a SELECT's X-SPARQL-MaxRows, tells.
    assert len(constructed.graph()) >= 50 and constructed.truncated
    whole = small_virtuoso.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 10")
    assert len(whole.rows()) == 10 and not whole.truncated


def test_a_dump_pages_past_the_row_cap_and_loses_nothing(small_virtuoso):
    assert len(small_virtuoso) == 3000
    lines = small_virtuoso.dump("nquads").decode().splitlines()
    assert len(lines) == 3000 and len(set(lines)) == 3000


def test_a_query_past_virtuosos_time_limit_is_a_timeout_naming_the_store(small_virtuoso):
    # Three-way: some 2.7e10 combinations of the 3,000 triples, beyond any machine's second (a two-way
    # join of 9e6 finished inside the 1 s limit on an idle run, and the test failed).
    slow = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?p ?d . ?e ?p ?f "
            "FILTER(STR(?b) < STR(?d) && STR(?d) < STR(?f)) }")
    with pytest.raises(GeokgError) as caught:
        small_virtuoso.query(slow).rows()
    assert caught.value.status == 504
    assert small_virtuoso.config.query in caught.value.message


def test_a_dialect_forced_in_the_config_file_is_used(virtuoso, virtuoso_store, tmp_path):
    settings = dict(remote_config(virtuoso_store).__dict__, dialect="standard", results="json")
    path = tmp_path / "store.json"
    path.write_text(json.dumps({k: v for k, v in settings.items() if v is not None and k != "system_graphs"}),
                    encoding="utf-8")
    store = open_store(str(path))
    assert store.dialect.name == dialects.STANDARD
    # Read as a standard store, Virtuoso's own triples count: what the dialect hides.
    assert len(store) > len(virtuoso) + 5000


def test_a_big_update_split_for_virtuosos_compiler_writes_what_the_whole_update_writes():
    many = "".join(f'<http://x.test/s{i}> <http://x.test/p> "a . b" .\n' for i in range(1200))
    text = ("PREFIX ex: <http://x.test/>\n" + replace_graphs_update({"http://x.test/g1": many,
                                                                     "http://x.test/g2": "<http://x.test/a> ex:b 1 ."})
            + ' ;\nINSERT DATA { <http://x.test/d> ex:p "default" . <http://x.test/d> ex:p "last" }')
    parts = dialects.split_update(text, 500)
    assert len(parts) == 3 and all(part.startswith("PREFIX ex: <http://x.test/>\n") for part in parts)
    whole, split = ox.Store(), ox.Store()
    whole.update(text)
    for part in parts:
        split.update(part)
    assert sorted(map(str, split)) == sorted(map(str, whole)) and len(whole) == 1203


@pytest.mark.parametrize("graph_store", [True, False], ids=["graph store", "updates"])
def test_graphs_bigger_than_virtuoso_compiles_in_one_update_are_written_whole(virtuoso_store, tmp_path, graph_store):
    config = remote_config(virtuoso_store)
    settings = {k: v for k, v in config.__dict__.items() if v is not None and k != "system_graphs"}
    if not graph_store:
        settings.pop("store")
    path = tmp_path / "store.json"
    path.write_text(json.dumps(settings), encoding="utf-8")
    store = open_store(str(path))
    many = "".join(f'<http://x.test/s{i}> <http://x.test/p> "{i}" .\n' for i in range(3000))
    store.replace_graphs({"http://x.test/big": many})
    store.replace_graphs({"http://x.test/big": many})
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <http://x.test/big> { ?s ?p ?o } }").rows()
    assert int(rows[0]["n"]) == 3000
    store.update("DROP GRAPH <http://x.test/big>")


def test_a_grouped_query_ordered_outside_gives_the_same_rows_in_the_same_order(embedded):
    from geokg.server.search import SEARCH
    from geokg.store.dialects import _ordered_outside

    alliance = named.get("alliance-members")
    for asof in ("2011", "2017-09-23", "9999"):
        text = named.with_values(named.paged(alliance, 1),
                                 named.bind(alliance, {"alliance": "Axis of Resistance", "asOf": asof}, embedded))
        moved = _ordered_outside(text)
        assert "?_geokg_a0" in moved
        assert [sorted(r.items()) for r in embedded.query(moved).rows()] == [
            sorted(r.items()) for r in embedded.query(text).rows()]
    bindings = {"q": Literal("ha")}
    moved = _ordered_outside(SEARCH)
    assert "STRLEN(STR(?label))" in moved
    assert embedded.query(moved, bindings).rows() == embedded.query(SEARCH, bindings).rows()


def test_listing_graphs_passes_our_row_cap_and_refuses_the_stores_cut(virtuoso_store, small_virtuoso):
    capped = open_store(virtuoso_store, max_rows=2)
    three = {f"http://x.test/three/{i}": f'<http://x.test/s> <http://x.test/p> "{i}" .' for i in range(3)}
    capped.replace_graphs(three)
    assert set(three) <= set(capped.graphs())
    many = {f"http://x.test/many/{i}": f'<http://x.test/s> <http://x.test/p> "{i}" .' for i in range(60)}
    small_virtuoso.replace_graphs(many)
    try:
        with pytest.raises(GeokgError) as caught:
            small_virtuoso.graphs()
        assert caught.value.status == 507 and "ResultSetMaxRows" in caught.value.message
    finally:
        for graph in many:
            small_virtuoso.update(f"DROP SILENT GRAPH <{graph}>")


@pytest.mark.parametrize("setting, said", [({"dialect": "blazegraph"}, "dialect must be one of auto, standard, "
                                                                         "virtuoso"),
                                           ({"row_cap": 0}, "row_cap must be a positive"),
                                           ({"system_graphs": "http://x.test/g"}, "system_graphs must be a list")])
def test_a_bad_dialect_setting_is_one_line_naming_the_file(tmp_path, setting, said):
    path = tmp_path / "store.json"
    path.write_text(json.dumps({"query": "http://127.0.0.1:1/sparql", **setting}), encoding="utf-8")
    with pytest.raises(GeokgError) as caught:
        remote_config(str(path))
    assert caught.value.message.startswith(f"{path}: ") and said in caught.value.message
