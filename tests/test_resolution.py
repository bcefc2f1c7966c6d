"""One node per real-world actor (issue 12, item 1): actors resolved against the store when articles are loaded.

The claims files here are invented for the tests: their sentences are made up, not taken from any article.
"""

import textwrap

import pytest

from geokg.loaders.ids import Ids
from geokg.loaders.mapping import text_literal
from geokg.loaders.pipeline import load_paths, parse
from geokg.loaders.resolution import Resolver
from geokg.loaders.shacl import shacl_problems
from geokg.store import open_store

BASE = "https://geokg.example.org"
ACTOR = f"{BASE}/id/actor/"
ACTORS_GRAPH = f"{BASE}/graph/_actors"
PREFIXES = """PREFIX gk: <https://w3id.org/geokg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""

FIRST = """\
article: first-report.txt
title: Talks in the capital
published: 2024-03-02
actors:
- {name: Hizballah, type: ArmedGroup, wikidata: Q41053, aliases: []}
- {name: United States, type: State, aliases: [the U.S., Washington]}
- {name: Jordan, type: State, aliases: [Amman]}
- {name: Ruritania, type: State, aliases: []}
relations:
- subject: United States
  predicate: hostileTo
  object: Hizballah
  sentence: The United States renewed its warnings to Hizballah on Saturday, an invented report says.
- subject: Jordan
  predicate: mediatesBetween
  object: [Ruritania, United States]
  sentence: Jordan hosted a quiet meeting between Ruritania and the U.S., according to the same made-up report.
"""

SECOND = """\
article: second-report.txt
title: A second account
published: 2024-03-05
actors:
- {name: Hezbollah, type: ArmedGroup, wikidata: Q41053, aliases: []}
- {name: the U.S., type: State, aliases: []}
- {name: Ruritania, type: State, aliases: [the Ruritanian government]}
relations:
- subject: the U.S.
  predicate: alliedWith
  object: Ruritania
  sentence: The U.S. and Ruritania signed a fictional pact, the second invented account says.
- subject: Hezbollah
  predicate: hostileTo
  object: the U.S.
  sentence: Hezbollah denounced the fictional pact within hours.
"""

# No Wikidata id: the other spelling is listed as an alias instead.
THIRD = """\
article: third-report.txt
actors:
- {name: Hezbollah, type: ArmedGroup, aliases: [Hizballah]}
- {name: Jordan, type: Person, aliases: [Mr Jordan]}
relations:
- subject: Jordan
  predicate: supports
  object: Hezbollah
  sentence: A commentator named Jordan praised Hezbollah in an imaginary interview.
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def quads(store):
    return set(store.dump("nquads").decode().splitlines())


def holders(store, key):
    """The actor nodes any graph gives this name key."""
    rows = store.query(PREFIXES + f"SELECT DISTINCT ?a WHERE {{ ?a gk:nameKey {text_literal(key)} }}").texts()
    return {r["a"] for r in rows}


def subjects_and_objects(store, article):
    rows = store.query(PREFIXES + f"""SELECT ?s ?o WHERE {{ GRAPH <{BASE}/graph/{article}> {{
        ?st gk:subject ?s ; gk:object ?o }} }}""").texts()
    return {(r["s"], r["o"]) for r in rows}


@pytest.fixture
def files(tmp_path):
    return [write(tmp_path, f"{n}.yaml", text) for n, text in (("first", FIRST), ("second", SECOND),
                                                                 ("third", THIRD))]


def test_two_spellings_of_one_actor_are_one_node(files):
    store = open_store(None)
    load_paths(store, files[:2], Ids(BASE))
    assert holders(store, "hizballah") == holders(store, "hezbollah") == {ACTOR + "hizballah"}
    assert holders(store, "the u.s.") == holders(store, "united states") == {ACTOR + "united-states"}
    assert holders(store, "ruritania") == {ACTOR + "ruritania"}
    assert subjects_and_objects(store, "second-report") == {
        (ACTOR + "united-states", ACTOR + "ruritania"), (ACTOR + "hizballah", ACTOR + "united-states")}


def test_each_article_keeps_the_spellings_it_used(files):
    store = open_store(None)
    load_paths(store, files[:2], Ids(BASE))
    rows = store.query(PREFIXES + f"""SELECT ?g ?name WHERE {{
        GRAPH ?g {{ <{ACTOR}hizballah> skos:prefLabel ?name }} }}""").texts()
    assert {(r["g"].rsplit("/", 1)[-1], r["name"]) for r in rows} == {
        ("first-report", "Hizballah"), ("second-report", "Hezbollah"), ("_actors", "Hizballah")}


def test_an_alias_naming_a_known_actor_joins_it_without_a_wikidata_id(files):
    store = open_store(None)
    load_paths(store, [files[0]], Ids(BASE))
    load_paths(store, [files[2]], Ids(BASE))
    assert holders(store, "hezbollah") == {ACTOR + "hizballah"}
    assert subjects_and_objects(store, "third-report") == {(ACTOR + "jordan-2", ACTOR + "hizballah")}


def test_loading_an_article_again_keeps_the_nodes_and_changes_nothing(tmp_path, files):
    location = tmp_path / "store"
    store = open_store(location)
    load_paths(store, files, Ids(BASE))
    before = quads(store)
    del store
    import gc

    gc.collect()
    # A new process would open the store like this: the resolution's memory is in the store, not in Python.
    store = open_store(location)
    load_paths(store, [files[1]], Ids(BASE))
    load_paths(store, [files[2]], Ids(BASE))
    assert quads(store) == before
    assert holders(store, "hezbollah") == {ACTOR + "hizballah"}
    # Nothing left to add: loading the files again only replaces their graphs.
    assert Resolver(store, Ids(BASE)).resolve([parse(p) for p in files]) == [[], [], []]


def test_reloading_with_a_changed_sentence_replaces_only_that_article(files, tmp_path):
    store = open_store(None)
    load_paths(store, files, Ids(BASE))
    actors = {q for q in quads(store) if ACTORS_GRAPH in q}
    write(tmp_path, "second.yaml", SECOND.replace("within hours", "within minutes"))
    load_paths(store, [files[1]], Ids(BASE))
    assert {q for q in quads(store) if ACTORS_GRAPH in q} == actors
    assert subjects_and_objects(store, "second-report") == {
        (ACTOR + "united-states", ACTOR + "ruritania"), (ACTOR + "hizballah", ACTOR + "united-states")}


def test_one_load_in_chunks_and_loads_one_by_one_give_the_same_store(files):
    together, chunked, apart = open_store(None), open_store(None), open_store(None)
    load_paths(together, files, Ids(BASE))
    load_paths(chunked, files, Ids(BASE), chunk_files=1)
    for path in files:
        load_paths(apart, [path], Ids(BASE))
    assert quads(together) == quads(chunked) == quads(apart)


def test_same_name_and_another_type_is_a_second_node_with_a_candidate_link(files):
    store = open_store(None)
    load_paths(store, [files[0], files[2]], Ids(BASE))
    assert holders(store, "jordan") == {ACTOR + "jordan", ACTOR + "jordan-2"}
    rows = store.query(PREFIXES + f"""SELECT ?a ?b ?status ?why WHERE {{ GRAPH <{ACTORS_GRAPH}> {{
        ?a gk:candidateSameAs ?b . ?link a gk:Link ; gk:linkFrom ?a ; gk:linkTo ?b ; gk:linkStatus ?status ;
        gk:evidence ?why }} }}""").texts()
    assert [(r["a"], r["b"], r["status"]) for r in rows] == [(ACTOR + "jordan-2", ACTOR + "jordan", "review")]
    assert "typed Person here and State there" in rows[0]["why"]
    # The person's own facts are on the person: the state has none of them.
    assert subjects_and_objects(store, "third-report") == {(ACTOR + "jordan-2", ACTOR + "hizballah")}
    types = store.query(PREFIXES + f"SELECT ?t WHERE {{ <{ACTOR}jordan> a ?t }}").texts()
    assert {r["t"].rsplit("#")[-1] for r in types} == {"State"}


def test_a_key_naming_two_known_actors_is_not_merged_into_either(tmp_path):
    store = open_store(None)
    load_paths(store, [write(tmp_path, "a.yaml", """\
        article: a.txt
        actors:
        - {name: Northern Front, type: ArmedGroup, aliases: [the front]}
        - {name: Eastern Front, type: ArmedGroup, aliases: []}
        relations:
        - {subject: Northern Front, predicate: hostileTo, object: Eastern Front, sentence: The two fronts clashed.}
        """)], Ids(BASE))
    load_paths(store, [write(tmp_path, "b.yaml", """\
        article: b.txt
        actors:
        - {name: The Front, type: ArmedGroup, aliases: [Eastern Front]}
        - {name: Ruritania, type: State}
        relations:
        - {subject: The Front, predicate: hostileTo, object: Ruritania, sentence: The Front attacked a convoy.}
        """)], Ids(BASE))
    assert holders(store, "the front") == {ACTOR + "northern-front", ACTOR + "the-front"}
    linked = store.query(PREFIXES + f"SELECT ?b WHERE {{ <{ACTOR}the-front> gk:candidateSameAs ?b }}").texts()
    assert {r["b"] for r in linked} == {ACTOR + "northern-front", ACTOR + "eastern-front"}


def test_different_wikidata_ids_keep_one_name_apart_with_no_candidate(tmp_path):
    store = open_store(None)
    for name, qid in (("a", "Q230"), ("b", "Q1428")):
        load_paths(store, [write(tmp_path, f"{name}.yaml", f"""\
            article: {name}.txt
            actors:
            - {{name: Georgia, type: State, wikidata: {qid}}}
            - {{name: Ruritania, type: State}}
            relations:
            - {{subject: Georgia, predicate: alliedWith, object: Ruritania, sentence: Georgia backed Ruritania.}}
            """)], Ids(BASE))
    assert holders(store, "georgia") == {ACTOR + "georgia", ACTOR + "georgia-2"}
    assert not store.query(PREFIXES + "ASK { ?a gk:candidateSameAs ?b }")


def test_qid_of_supplies_ids_the_files_do_not_give(tmp_path):
    known = {"party of god": "Q41053", "hizballah": "Q41053"}
    store = open_store(None)
    paths = [write(tmp_path, f"{n}.yaml", f"""\
        article: {n}.txt
        actors:
        - {{name: {name}, type: ArmedGroup}}
        - {{name: Ruritania, type: State}}
        relations:
        - {{subject: {name}, predicate: hostileTo, object: Ruritania, sentence: {name} threatened Ruritania.}}
        """) for n, name in (("a", "Hizballah"), ("b", "Party of God"))]
    load_paths(store, paths, Ids(BASE), qid_of=lambda actor: known.get(actor.name.lower()))
    assert holders(store, "party of god") == {ACTOR + "hizballah"}
    same = store.query(PREFIXES +
                       f"SELECT ?q WHERE {{ GRAPH <{ACTORS_GRAPH}> {{ <{ACTOR}hizballah> owl:sameAs ?q }} }}")
    assert [r["q"] for r in same.texts()] == ["http://www.wikidata.org/entity/Q41053"]


def test_a_state_named_as_a_place_is_the_state_but_its_capital_is_not(tmp_path, files):
    store = open_store(None)
    load_paths(store, [files[0]], Ids(BASE))
    for name, place in (("p", "Jordan"), ("q", "Amman")):
        load_paths(store, [write(tmp_path, f"{name}.yaml", f"""\
            article: {name}.txt
            actors:
            - {{name: Ruritania, type: State}}
            events:
            - {{type: Meeting, participants: [Ruritania], place: {place}, sentence: Ruritanian envoys met in {place}.}}
            """)], Ids(BASE))
    places = store.query(PREFIXES + "SELECT ?p WHERE { ?e gk:place ?p }").texts()
    assert {r["p"] for r in places} == {ACTOR + "jordan", ACTOR + "amman"}
    assert store.query(PREFIXES + f"ASK {{ <{ACTOR}amman> gk:candidateSameAs <{ACTOR}jordan> }}")


def test_one_query_per_chunk_and_one_more_only_for_suffixes(files):
    store = open_store(None)
    load_paths(store, files[:2], Ids(BASE))
    resolver = Resolver(store, Ids(BASE))
    resolver.resolve([parse(p) for p in files])
    assert resolver.queries == 2  # Jordan the person needs a suffix
    again = Resolver(store, Ids(BASE))
    again.resolve([parse(p) for p in files[:2]])
    assert again.queries == 1


def test_the_actors_graph_and_every_article_graph_conform_to_the_shapes(files):
    store = open_store(None)
    load_paths(store, files, Ids(BASE))
    for graph in [ACTORS_GRAPH, *(f"{BASE}/graph/{n}-report" for n in ("first", "second", "third"))]:
        data = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").graph()
        assert len(data) > 10
        assert shacl_problems(data, graph) == []


def test_a_pooled_store_resolves_the_same_way(tmp_path, files):
    from geokg.store.pool import PooledStore

    embedded = open_store(None)
    load_paths(embedded, files, Ids(BASE))
    pooled = PooledStore(tmp_path / "pooled", workers=1)
    try:
        for path in files:
            load_paths(pooled, [path], Ids(BASE))
        load_paths(pooled, [files[1]], Ids(BASE))
        assert quads(pooled) == quads(embedded)
    finally:
        pooled.close()


def test_a_type_learnt_from_a_broader_one_does_not_let_a_sibling_type_join(tmp_path):
    store = open_store(None)
    for name, kind in (("a", "Organization"), ("b", "ArmedGroup"), ("c", "PoliticalParty")):
        load_paths(store, [write(tmp_path, f"{name}.yaml", f"""\
            article: {name}.txt
            actors:
            - {{name: Valley Brigades, type: {kind}}}
            - {{name: Ruritania, type: State}}
            relations:
            - {{subject: Valley Brigades, predicate: hostileTo, object: Ruritania, sentence: The Brigades struck.}}
            """)], Ids(BASE))
    assert holders(store, "valley brigades") == {ACTOR + "valley-brigades", ACTOR + "valley-brigades-2"}
    assert subjects_and_objects(store, "b") == {(ACTOR + "valley-brigades", ACTOR + "ruritania")}
    assert subjects_and_objects(store, "c") == {(ACTOR + "valley-brigades-2", ACTOR + "ruritania")}


def test_names_of_one_slug_stay_one_node_as_before_resolution(tmp_path):
    store = open_store(None)
    for name, spelling in (("a", "al-Qard Front"), ("b", "Al Qard front")):
        load_paths(store, [write(tmp_path, f"{name}.yaml", f"""\
            article: {name}.txt
            actors:
            - {{name: {spelling}, type: ArmedGroup}}
            - {{name: Ruritania, type: State}}
            relations:
            - {{subject: {spelling}, predicate: hostileTo, object: Ruritania, sentence: The front fired on a post.}}
            """)], Ids(BASE))
    assert holders(store, "al qard front") == holders(store, "al-qard front") == {ACTOR + "al-qard-front"}


def test_two_records_of_one_article_are_never_one_node(tmp_path, files):
    store = open_store(None)
    load_paths(store, files[:2], Ids(BASE))
    load_paths(store, [write(tmp_path, "d.yaml", """\
        article: d.txt
        actors:
        - {name: Hizballah, type: ArmedGroup}
        - {name: Hezbollah, type: ArmedGroup}
        relations:
        - {subject: Hizballah, predicate: alliedWith, object: Hezbollah, sentence: One wing praised the other.}
        """)], Ids(BASE))
    assert subjects_and_objects(store, "d") == {(ACTOR + "hizballah", ACTOR + "hezbollah")}


def test_hostile_names_are_looked_up_as_text_and_resolve_again(tmp_path):
    name = 'Front" } ; DROP ALL ; #'
    path = write(tmp_path, "h.yaml", f"""\
        article: h.txt
        actors:
        - name: '{name}'
          type: ArmedGroup
          aliases: ["back\\\\slash", "line\\nbreak", "<http://evil.test/> }} #", "Ωμέγα"]
        - {{name: Ruritania, type: State}}
        relations:
        - {{subject: '{name}', predicate: hostileTo, object: Ruritania, sentence: They clashed.}}
        """)
    store = open_store(None)
    load_paths(store, [path], Ids(BASE))
    before = quads(store)
    load_paths(store, [path], Ids(BASE))
    assert quads(store) == before
    assert holders(store, "line\nbreak") == holders(store, name.lower()) == {ACTOR + "front-drop-all"}


def test_an_alias_added_when_an_article_is_loaded_again_joins_the_actors_graph(tmp_path, files):
    store = open_store(None)
    load_paths(store, files[:2], Ids(BASE))
    write(tmp_path, "second.yaml",
          SECOND.replace("[the Ruritanian government]", "[the Ruritanian government, Strelsau]"))
    load_paths(store, [files[1]], Ids(BASE))
    keys = store.query(PREFIXES + f"""SELECT ?k WHERE {{ GRAPH <{ACTORS_GRAPH}> {{
        <{ACTOR}ruritania> gk:nameKey ?k }} }}""").texts()
    assert {r["k"] for r in keys} == {"ruritania", "the ruritanian government", "strelsau"}


def test_an_id_given_later_joins_its_actor_and_flags_the_one_met_by_name_before(tmp_path):
    store = open_store(None)
    texts = {"a": ("Hizballah", ""), "b": ("Party of God", ", wikidata: Q41053"),
             "c": ("Hizballah", ", wikidata: Q41053")}
    paths = [write(tmp_path, f"{n}.yaml", f"""\
        article: {n}.txt
        actors:
        - {{name: {name}, type: ArmedGroup{qid}}}
        - {{name: Ruritania, type: State}}
        relations:
        - {{subject: {name}, predicate: hostileTo, object: Ruritania, sentence: {name} threatened Ruritania.}}
        """) for n, (name, qid) in texts.items()]
    for path in paths:
        load_paths(store, [path], Ids(BASE))
    assert subjects_and_objects(store, "c") == {(ACTOR + "party-of-god", ACTOR + "ruritania")}
    links = store.query(PREFIXES + "SELECT ?a ?b WHERE { ?a gk:candidateSameAs ?b }").texts()
    assert [(r["a"], r["b"]) for r in links] == [(ACTOR + "party-of-god", ACTOR + "hizballah")]
    before = quads(store)
    load_paths(store, [paths[2]], Ids(BASE))
    assert quads(store) == before
    assert Resolver(store, Ids(BASE)).resolve([parse(p) for p in paths]) == [[], [], []]


def test_offline_ids_join_two_spellings_of_a_state_that_no_file_links(tmp_path):
    from geokg.loaders.linking.offline import known_qid

    paths = [write(tmp_path, f"{n}.yaml", f"""\
        article: {n}.txt
        actors:
        - {{name: {name}, type: State}}
        - {{name: Jordan, type: {jordan}}}
        relations:
        - {{subject: {name}, predicate: supports, object: Jordan, sentence: {name} backed Jordan in a made-up story.}}
        """) for n, name, jordan in (("a", "United States", "State"), ("b", "the U.S.", "Person"))]
    store = open_store(None)
    load_paths(store, paths, Ids(BASE))
    assert known_qid("United States", "State") == known_qid("the U.S.", "State") is not None
    assert holders(store, "the u.s.") == holders(store, "united states") == {ACTOR + "united-states"}
    # A person named like a state gets no state's id, so stays apart (as a candidate for review).
    assert holders(store, "jordan") == {ACTOR + "jordan", ACTOR + "jordan-2"}
    without = open_store(None)
    load_paths(without, paths, Ids(BASE), qid_of=None)
    assert holders(without, "the u.s.") == {ACTOR + "the-u-s"}
