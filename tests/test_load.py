"""Loading into the store: all or nothing, idempotent, one graph per article, one node per actor."""

import textwrap

import pytest

from geokg.loaders.errors import LoadError
from geokg.loaders.ids import Ids
from geokg.loaders.pipeline import load_paths
from geokg.loaders.errors import StoreError
from geokg.store import open_store
from geokg.server.app import sample_claims

OTHER = textwrap.dedent("""\
    article: other.txt
    actors:
    - {name: Hamas, type: ArmedGroup}
    - {name: Egypt, type: State}
    relations:
    - {subject: Egypt, predicate: mediatesBetween, object: [Hamas], sentence: Egypt mediated.}
    """)


def quads(store):
    return set(store.dump("nquads").decode().splitlines())


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


BROKEN = {
    "malformed.yaml": "article: x\nactors: [\n",
    "unknown-predicate.yaml": OTHER.replace("mediatesBetween", "mediates"),
    "undeclared-actor.yaml": OTHER.replace("object: [Hamas]", "object: [Fatah]"),
    "not-a-date.yaml": OTHER.replace("sentence: Egypt mediated.}", "date: yesterday, sentence: Egypt mediated.}"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_failed_load_leaves_the_store_exactly_as_before(store, ids, tmp_path, name):
    before = quads(store)
    good = write(tmp_path, "other.yaml", OTHER)
    bad = write(tmp_path, name, BROKEN[name])
    with pytest.raises(LoadError) as caught:
        load_paths(store, [good, bad], ids)
    assert str(bad) in caught.value.report()
    assert quads(store) == before


def test_loading_the_same_file_twice_gives_the_same_store(store, ids):
    before = quads(store)
    load_paths(store, sample_claims(), ids)
    assert quads(store) == before


def test_reloading_replaces_the_article_graph(store, ids, tmp_path):
    path = write(tmp_path, "other.yaml", OTHER)
    load_paths(store, [path], ids)
    count = len(store)
    write(tmp_path, "other.yaml", OTHER.replace("Egypt mediated.", "Egypt mediated again."))
    load_paths(store, [path], ids)
    assert len(store) == count
    sentences = {str(r["s"]) for r in store.query(
        "SELECT ?s WHERE { ?x <https://w3id.org/geokg/ontology#sentence> ?s }").rows()}
    assert "Egypt mediated again." in sentences and "Egypt mediated." not in sentences


def test_same_actor_in_two_articles_is_one_node_with_facts_in_two_graphs(store, ids, tmp_path):
    load_paths(store, [write(tmp_path, "other.yaml", OTHER)], ids)
    rows = store.query("""
        SELECT DISTINCT ?g WHERE { GRAPH ?g { <https://geokg.example.org/id/actor/hamas> ?p ?o } }
    """).rows()
    assert {str(r["g"]) for r in rows} == {
        "https://geokg.example.org/graph/000-iran-hamas-syria-axis", "https://geokg.example.org/graph/other",
        "https://geokg.example.org/graph/_actors"}
    names = store.query("SELECT DISTINCT ?a WHERE { ?a <http://www.w3.org/2004/02/skos/core#prefLabel> 'Hamas' }")
    assert len(names.rows()) == 1


def test_two_files_for_one_article_are_refused(store, ids, tmp_path):
    a = write(tmp_path, "a.yaml", OTHER)
    b = write(tmp_path, "b.yaml", OTHER)
    before = quads(store)
    with pytest.raises(LoadError, match="describes the same article"):
        load_paths(store, [a, b], ids)
    assert quads(store) == before


def test_missing_file_and_unknown_suffix_are_named(store, ids, tmp_path):
    with pytest.raises(LoadError, match="nope.yaml"):
        load_paths(store, [tmp_path / "nope.yaml"], ids)
    with pytest.raises(LoadError, match="no loader for '.csv'"):
        load_paths(store, [write(tmp_path, "x.csv", "a,b")], ids)


def test_on_disk_store_persists_and_refuses_a_second_writer(tmp_path):
    location = tmp_path / "store"
    first = open_store(location)
    load_paths(first, sample_claims(), Ids())
    count = len(first)
    with pytest.raises(StoreError, match="is open in another process"):
        open_store(location)
    del first
    import gc

    gc.collect()
    assert len(open_store(location)) == count


def test_service_is_refused_before_the_engine_sees_it(store):
    with pytest.raises(StoreError, match=r"SERVICE http://127.0.0.1:9/sparql is not allowed") as caught:
        store.query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert caught.value.status == 400


@pytest.mark.parametrize("query,refused", [
    ("SELECT * WHERE { service <http://x/> { ?s ?p ?o } }", True),
    ("SELECT * WHERE { SERVICE SILENT <http://x/> { ?s ?p ?o } }", True),
    ("SELECT ?service WHERE { ?service ?p 'SERVICE' }", False),
    ("PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:SERVICE ?o }", False),
    ("SELECT * WHERE { ?s <http://x/SERVICE> ?o } # SERVICE in a comment", False),
])
def test_service_detection_ignores_strings_iris_variables_and_comments(query, refused):
    from geokg.store.querytext import uses_service

    assert uses_service(query) is refused


# --- Chunks (issue 11, item 3) ----------------------------------------------------------------------------


def numbered(tmp_path, count):
    return [write(tmp_path, f"a{i}.yaml", OTHER.replace("other.txt", f"a{i}.txt")) for i in range(count)]


def graph_of(i):
    return f"https://geokg.example.org/graph/a{i}"


def test_a_bad_file_stops_the_load_at_its_chunk_and_every_problem_is_still_listed(tmp_path, ids):
    store = open_store(tmp_path / "store")
    paths = numbered(tmp_path, 9)
    paths[5] = write(tmp_path, "bad5.yaml", BROKEN["undeclared-actor.yaml"].replace("other.txt", "a5.txt"))
    paths[8] = write(tmp_path, "bad8.yaml", BROKEN["unknown-predicate.yaml"].replace("other.txt", "a8.txt"))
    with pytest.raises(LoadError) as caught:
        load_paths(store, paths, ids, chunk_files=2)
    # Chunks [0, 1] and [2, 3] landed; [4, 5] holds the bad file, so neither 4 nor anything after is written.
    assert caught.value.loaded == [str(p) for p in paths[:4]]
    assert {p.file for p in caught.value.problems} == {str(paths[5]), str(paths[8])}
    assert caught.value.report().splitlines()[0] == (
        f"2 problems found; the first 4 files (up to {paths[3]}) were loaded and stay; nothing after them was loaded")
    assert set(store.graphs()) == {graph_of(i) for i in range(4)} | {"https://w3id.org/geokg/ontology",
                                                                      "https://geokg.example.org/graph/_actors"}


def test_chunks_by_triples_give_the_same_store_as_one_chunk(tmp_path, ids):
    paths = numbered(tmp_path, 7)
    one, many = open_store(None), open_store(None)
    assert [x.path for x in load_paths(one, paths, ids)] == [str(p) for p in paths]
    load_paths(many, paths, ids, chunk_triples=20)
    assert quads(one) == quads(many) and len(store_graphs := many.graphs()) == 9, store_graphs


def test_a_chunk_mixing_new_and_existing_graphs_replaces_the_old_ones(tmp_path, ids):
    store = open_store(tmp_path / "store")
    paths = numbered(tmp_path, 3)
    load_paths(store, paths[:1], ids)
    write(tmp_path, "a0.yaml", OTHER.replace("other.txt", "a0.txt").replace("Egypt mediated.", "Egypt mediated again."))
    load_paths(store, paths, ids)
    sentences = [str(r["s"]) for r in store.query(
        f"SELECT ?s WHERE {{ GRAPH <{graph_of(0)}> {{ ?x <https://w3id.org/geokg/ontology#sentence> ?s }} }}").rows()]
    assert sentences == ["Egypt mediated again."]
    assert {graph_of(i) for i in range(3)} <= set(store.graphs())


@pytest.mark.parametrize("on_disk", [True, False], ids=["on disk", "in memory"])
def test_quads_that_fail_to_parse_write_nothing(tmp_path, on_disk):
    store = open_store(tmp_path / "store" if on_disk else None)
    good = '<http://x.test/s> <http://x.test/p> "o" <http://x.test/g1> .\n'
    with pytest.raises(StoreError, match="nothing was written"):
        store.add_graphs(good * 3 + '<http://x.test/s> <http://x.test/p> "o <http://x.test/g2> .\n',
                         ["http://x.test/g1", "http://x.test/g2"])
    assert store.graphs() == [] and quads(store) == set()
    assert store.add_graphs(good, ["http://x.test/g1"]) and not store.add_graphs(good, ["http://x.test/g1"])


def test_geokg_load_never_counts_the_whole_store(tmp_path, monkeypatch, capsys):
    from geokg.store import OxigraphStore
    from geokg.server.cli import main

    def refuse(self):
        raise AssertionError("len(store) reads every quad")

    monkeypatch.setattr(OxigraphStore, "__len__", refuse)
    paths = numbered(tmp_path, 2)
    assert main(["load", "--store", str(tmp_path / "store"), *map(str, paths)]) == 0
    assert "wrote 42 triples in 2 graphs" in capsys.readouterr().out
