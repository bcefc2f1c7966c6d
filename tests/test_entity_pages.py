"""Entity pages at the edges: facts with several sources, crowded networks, and labels after a write."""

import re
from pathlib import Path

import pytest

from geokg.loaders.pipeline import load_paths
from geokg.server.app import create_app
from geokg.server.entity_data import MAX_NEIGHBOURS

BASE = "https://geokg.example.org"
FIXTURES = Path(__file__).parent / "fixtures" / "claims"
GK = "https://w3id.org/geokg/ontology#"
TOKEN = "test-token-for-writes"


def iran_in_axis(relations):
    return [r for r in relations if r["subject"].endswith("/actor/iran") and r["relation"] == GK + "memberOf"
            and r["object"] == [f"{BASE}/id/actor/axis-of-resistance"]]


def test_sources_count_the_articles_stating_a_fact_on_every_page_that_shows_it(store, ids):
    load_paths(store, [FIXTURES / "second-source.yaml"], ids)
    client = create_app({"GEOKG_STORE_OBJECT": store, "GEOKG_BASE": BASE, "TESTING": True}).test_client()
    actor = iran_in_axis(client.get("/id/actor/iran.json").get_json()["relations"])
    assert len(actor) == 2 and {r["sources"] for r in actor} == {2}
    # An article page reaches its statements through the article, not through Iran: another path.
    article = iran_in_axis(client.get("/id/article/900-second-source.json").get_json()["relations"])
    assert [r["sources"] for r in article] == [2]
    other = client.get("/id/actor/hizballah.json").get_json()["relations"]
    assert {r["sources"] for r in other if r["relation"] == GK + "memberOf"} == {1}


@pytest.fixture
def crowded(store):
    """An actor hostile to 30 others: more than a readable picture holds."""
    triples = [f"<{BASE}/id/actor/hub> a <{GK}State> ; <http://www.w3.org/2000/01/rdf-schema#label> \"Hub\" ."]
    for i in range(30):
        triples.append(f"<{BASE}/id/actor/rival-{i}> a <{GK}State> ; "
                       f"<http://www.w3.org/2000/01/rdf-schema#label> \"Rival {i}\" .")
        triples.append(f"<{BASE}/id/actor/hub> <{GK}hostileTo> <{BASE}/id/actor/rival-{i}> .")
    store.update("INSERT DATA { GRAPH <%s/graph/crowd> { %s } }" % (BASE, "\n".join(triples)))
    return create_app({"GEOKG_STORE_OBJECT": store, "GEOKG_BASE": BASE, "TESTING": True}).test_client()


def test_a_crowded_network_draws_the_first_neighbours_and_says_how_many_more(crowded):
    page = crowded.get("/id/actor/hub", headers={"Accept": "text/html"}).get_data(as_text=True)
    drawing = page[page.index('<svg xmlns="http://www.w3.org/2000/svg" class="network"'):]
    drawing = drawing[:drawing.index("</svg>")]
    assert f"{MAX_NEIGHBOURS} connected actors" in drawing
    assert len(set(re.findall(r'href="/id/actor/rival-\d+"', drawing))) == MAX_NEIGHBOURS
    assert f"{30 - MAX_NEIGHBOURS} more connected actors are not drawn" in page


def test_labels_on_pages_follow_writes(store):
    app = create_app({"GEOKG_STORE_OBJECT": store, "GEOKG_BASE": BASE, "TESTING": True,
                      "GEOKG_WRITE_TOKEN": TOKEN})
    client = app.test_client()
    assert "Hamas" in client.get("/id/actor/iran", headers={"Accept": "text/html"}).get_data(as_text=True)
    hamas = f"<{BASE}/id/actor/hamas>"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    update = (f"DELETE {{ GRAPH ?g {{ {hamas} {label} ?l }} }} "
              f"INSERT {{ GRAPH ?g {{ {hamas} {label} \"Harakat al-Muqawama\" }} }} "
              f"WHERE {{ GRAPH ?g {{ {hamas} {label} ?l }} }}")
    answer = client.post("/sparql", data={"update": update}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 204
    page = client.get("/id/actor/iran", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Harakat al-Muqawama" in page


HUB_RELATIONS, HUB_EVENTS = 120, 60


@pytest.fixture
def hub_store(store):
    """An actor in more facts than a page holds: 120 relation statements and 60 events, each stated
    in its own article graph, as the loaders write them."""
    hub = f"<{BASE}/id/actor/hub>"
    parts = [f'{hub} a <{GK}State> ; <http://www.w3.org/2000/01/rdf-schema#label> "Hub" .']
    for i in range(HUB_RELATIONS):
        st, art = f"<{BASE}/id/relation/hub/{i}>", f"<{BASE}/id/article/hub-{i}>"
        parts.append(f'{st} a <{GK}RelationStatement> ; <{GK}subject> {hub} ; <{GK}relation> <{GK}supports> ; '
                     f'<{GK}object> <{BASE}/id/actor/hamas> ; <{GK}sentence> "Hub supports Hamas ({i})." ; '
                     f'<{GK}statedIn> {art} .')
    for i in range(HUB_EVENTS):
        ev, art = f"<{BASE}/id/event/hub/{i}>", f"<{BASE}/id/article/hub-{i}>"
        parts.append(f'{ev} a <{GK}Meeting> ; <http://www.w3.org/2000/01/rdf-schema#label> "Meeting {i}" ; '
                     f'<{GK}participant> {hub}, <{BASE}/id/actor/iran> ; <{GK}sentence> "They met ({i})." ; '
                     f'<{GK}statedIn> {art} .')
    store.update("INSERT DATA { GRAPH <%s/graph/hub> { %s } }" % (BASE, "\n".join(parts)))
    return store


def _client(store):
    return create_app({"GEOKG_STORE_OBJECT": store, "GEOKG_BASE": BASE, "TESTING": True}).test_client()


def test_a_hub_page_shows_its_long_lists_a_page_at_a_time_and_the_pages_make_the_whole(hub_store):
    from geokg.server.entity_data import LIST_PAGE

    client = _client(hub_store)
    pages = -(-HUB_RELATIONS // LIST_PAGE)
    seen_relations, seen_events = [], []
    for number in range(1, pages + 1):
        data = client.get(f"/id/actor/hub.json?page={number}").get_json()
        paging = data["paging"]
        assert paging["counts"] == {"relations": HUB_RELATIONS, "events": HUB_EVENTS, "claims": 0}
        assert (paging["page"], paging["pages"], paging["size"]) == (number, pages, LIST_PAGE)
        assert paging["paged"] == ["events", "relations"]
        assert len(data["relations"]) == min(LIST_PAGE, HUB_RELATIONS - (number - 1) * LIST_PAGE)
        seen_relations += [r["uri"] for r in data["relations"]]
        seen_events += [e["uri"] for e in data["events"]]
        assert paging["next"] == (f"/id/actor/hub.json?page={number + 1}" if number < pages else None)
        assert paging["prev"] == (f"/id/actor/hub.json?page={number - 1}" if number > 1 else None)
    assert sorted(seen_relations) == sorted(f"{BASE}/id/relation/hub/{i}" for i in range(HUB_RELATIONS))
    assert sorted(seen_events) == sorted(f"{BASE}/id/event/hub/{i}" for i in range(HUB_EVENTS))


def test_a_hub_page_links_its_next_page_and_its_twins_of_the_same_page(hub_store):
    client = _client(hub_store)
    first = client.get("/id/actor/hub", headers={"Accept": "text/html"})
    html = first.get_data(as_text=True)
    assert 'href="/id/actor/hub?page=2" rel="next"' in html
    assert f"Hub is in {HUB_RELATIONS} relations, {HUB_EVENTS} events and 0 claims" in html
    assert '</id/actor/hub?page=2>; rel="next"' in first.headers["Link"]
    second = client.get("/id/actor/hub?page=2", headers={"Accept": "text/html"})
    assert '</id/actor/hub.json?page=2>; rel="alternate"' in second.headers["Link"]
    assert '</id/actor/hub?page=1>; rel="prev"' in second.headers["Link"]
    twin = client.get("/id/actor/hub.json?page=2")
    assert twin.get_json()["paging"]["page"] == 2
    assert '</id/actor/hub.json?page=3>; rel="next"' in twin.headers["Link"]


def test_short_lists_are_shown_whole_and_a_list_is_long_whichever_end_the_entity_is(hub_store):
    from geokg.server.entity_data import LIST_PAGE

    client = _client(hub_store)
    assert "paging" not in client.get("/id/actor/syria.json").get_json()
    # Hamas is the object of the hub's statements: its relations are paged, its other lists not.
    hamas = client.get("/id/actor/hamas.json").get_json()
    assert hamas["paging"]["paged"] == ["relations"] and hamas["paging"]["counts"]["relations"] > HUB_RELATIONS
    assert len(hamas["relations"]) == LIST_PAGE and hamas["claims"]


class Spy:
    """The store, keeping the text of every query sent to it."""

    def __init__(self, store):
        self.store, self.sent = store, []

    def query(self, sparql, *args, **options):
        self.sent.append(sparql)
        return self.store.query(sparql, *args, **options)

    def __getattr__(self, name):
        return getattr(self.store, name)

    def __len__(self):
        return len(self.store)


def test_a_hub_page_never_reads_all_its_facts(hub_store):
    from geokg.server.entity_data import CLAIMS, EVENTS, LIST_PAGE, OTHER_STATEMENTS, STATEMENTS, _about

    spy = Spy(hub_store)
    assert _client(spy).get("/id/actor/hub", headers={"Accept": "text/html"}).status_code == 200
    hub = f"{BASE}/id/actor/hub"
    whole = {_about(q, hub) for q in (STATEMENTS, OTHER_STATEMENTS, EVENTS)}
    assert not whole & set(spy.sent)
    # The short claims list is read whole, as every list was.
    assert _about(CLAIMS, hub) in spy.sent
    assert sum(f" LIMIT {LIST_PAGE} OFFSET 0 " in q for q in spy.sent) == 2


def test_the_home_page_is_read_once_per_dataset_version(store):
    spy = Spy(store)
    app = create_app({"GEOKG_STORE_OBJECT": spy, "GEOKG_BASE": BASE, "TESTING": True,
                      "GEOKG_WRITE_TOKEN": TOKEN})
    client = app.test_client()
    first = client.get("/index.json").get_json()
    asked = len(spy.sent)
    assert client.get("/index.json").get_json() == first and len(spy.sent) == asked
    update = f'INSERT DATA {{ GRAPH <{BASE}/graph/x> {{ <{BASE}/id/actor/newcomer> a <{GK}State> ; ' \
             f'<http://www.w3.org/2004/02/skos/core#prefLabel> "Newcomer" }} }}'
    assert client.post("/sparql", data={"update": update},
                       headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 204
    after = client.get("/index.json").get_json()
    assert len(spy.sent) > asked and "Newcomer" in {a["label"] for a in after["actors"]}


def _second_article(store, base, spelling):
    """What the loader writes for an actor in a second article that spells it differently."""
    graph, article = f"{base}/graph/other-article", f"{base}/id/article/other-article"
    store.update(f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
INSERT DATA {{ GRAPH <{graph}> {{
  <{graph}> <http://www.w3.org/ns/prov#wasDerivedFrom> <{article}> .
  <{base}/id/actor/hizballah> skos:prefLabel "{spelling}" ; skos:altLabel "Party of God" .
}} }}""")
    return article


def test_an_actor_named_differently_by_two_articles_lists_each_spelling_with_its_articles(store, ids):
    other = _second_article(store, ids.base, "Hizbullah")
    client = create_app({"GEOKG_STORE_OBJECT": store, "TESTING": True}).test_client()
    data = client.get("/id/actor/hizballah.json").get_json()
    used = {s["spelling"]: s["articles"] for s in data["spellings"]}
    assert used["Hizbullah"] == [other] and used["Party of God"] == [other]
    seed = [a for a in used["Hizballah"]]
    assert seed and other not in seed
    assert data["merged"] is True
    page = client.get("/id/actor/hizballah").data.decode()
    section = page[page.index('class="spellings"'):page.index("</section>", page.index('class="spellings"'))]
    assert "<q>Hizbullah</q>" in section and "<q>Hizballah</q>" in section


def test_an_actor_of_one_article_has_no_spellings_section(client):
    data = client.get("/id/actor/iran.json").get_json()
    assert data["merged"] is False and data["spellings"]
    assert 'class="spellings"' not in client.get("/id/actor/iran").data.decode()


def test_labels_and_descriptions_from_linked_data_show_marked_external_with_the_link_out(store, ids):
    wikidata = "http://www.wikidata.org/entity/Q794"
    store.update(f"""INSERT DATA {{ GRAPH <{ids.dataset_graph("links")}> {{
  <{wikidata}> <http://www.w3.org/2000/01/rdf-schema#label> "Iran (from Wikidata)"@en , "Iran-fa"@fa ;
      <https://schema.org/description> "a country in the fixture"@en .
  <{ids.base}/id/actor/syria> <http://www.w3.org/2000/01/rdf-schema#label> "not external" .
}} }}""")
    client = create_app({"GEOKG_STORE_OBJECT": store, "TESTING": True}).test_client()
    data = client.get("/id/actor/iran.json").get_json()
    assert data["external"] == [{"uri": wikidata, "label": "Iran (from Wikidata)",
                                 "description": "a country in the fixture"}]
    page = client.get("/id/actor/iran").data.decode()
    section = page[page.index('class="external"'):page.index("</section>", page.index('class="external"'))]
    assert 'class="badge">external<' in section and f'href="{wikidata}" rel="external"' in section
    assert "a country in the fixture" in section and "Iran-fa" not in section
