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
