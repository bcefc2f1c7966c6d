"""The Flask app through its test client: pages, twins, the SPARQL protocol and the one error shape."""

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, URIRef

from geokg.loaders.ids import Ids
from geokg.loaders.pipeline import load_paths
from geokg.store import open_store
from geokg.server.app import create_app

HAMAS = "https://geokg.example.org/id/actor/hamas"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
SELECT = "SELECT ?name WHERE { ?a <http://www.w3.org/2004/02/skos/core#prefLabel> ?name } ORDER BY ?name"
CONSTRUCT = "CONSTRUCT { ?a ?p ?o } WHERE { ?a ?p ?o FILTER(?a = <%s>) }" % HAMAS


def test_home_lists_counts_articles_and_actors(client):
    page = client.get("/", headers=BROWSER)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Axis of Resistance" in html and 'href="/id/actor/hamas"' in html
    data = client.get("/index.json").get_json()
    assert data["counts"]["articles"] == 1 and data["counts"]["alliances"] == 1
    assert data["counts"]["events"] >= 6 and data["counts"]["claims"] >= 7
    assert {a["label"] for a in data["actors"]} >= {"Iran", "Syria", "Hamas", "Hizballah"}


@pytest.mark.parametrize("path", [
    "/id/actor/hamas", "/id/actor/axis-of-resistance", "/id/article/000-iran-hamas-syria-axis",
    "/id/event/000-iran-hamas-syria-axis/meeting-2017-08-04", "/id/claim/000-iran-hamas-syria-axis/yahya-sinwar",
    "/id/relation/000-iran-hamas-syria-axis/iran-mediatesbetween-hamas-syria",
])
def test_every_kind_of_entity_has_a_page_and_advertised_twins(client, path):
    page = client.get(path, headers=BROWSER)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "Accept" in page.headers["Vary"]
    links = page.headers["Link"]
    for suffix, media in ((".ttl", "text/turtle"), (".jsonld", "application/ld+json")):
        assert f'<{path}{suffix}>; rel="alternate"; type="{media}"' in links
        assert f'href="{path}{suffix}"' in page.get_data(as_text=True)
        twin = client.get(path + suffix)
        assert twin.status_code == 200 and twin.mimetype == media
        graph = Graph().parse(data=twin.get_data(as_text=True), format="json-ld" if suffix == ".jsonld" else "turtle")
        assert (URIRef("https://geokg.example.org" + path), None, None) in graph


@pytest.mark.parametrize("path", ["/id/actor/hamas", "/id/article/000-iran-hamas-syria-axis", "/queries/actor-events?actor=Hamas"])
def test_every_advertised_twin_is_served_with_the_type_its_link_names(client, path):
    links = client.get(path, headers=BROWSER).headers["Link"]
    advertised = re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', links)
    assert advertised
    for url, media in advertised:
        twin = client.get(url)
        assert twin.status_code == 200 and twin.mimetype == media, url


def test_actor_page_shows_label_type_aliases_facts_time_sentence_and_incoming(client):
    html = client.get("/id/actor/hamas", headers=BROWSER).get_data(as_text=True)
    assert "<h1>Hamas</h1>" in html
    assert "Armed group" in html
    assert "the Palestinian movement" in html
    assert "In 2012, Hamas moved its headquarters out of Damascus" in html
    assert "2017-08-04" in html and "“on 4 August”" in html
    assert "wd:Q38799" in html
    assert "Linked from" in html


def test_content_negotiation_on_entity_uris(client):
    assert client.get("/id/actor/hamas", headers={"Accept": "text/turtle"}).mimetype == "text/turtle"
    nt = client.get("/id/actor/hamas", headers={"Accept": "application/n-triples"})
    assert nt.mimetype == "application/n-triples" and f"<{HAMAS}>" in nt.get_data(as_text=True)
    assert client.get("/id/actor/hamas.rdf").mimetype == "application/rdf+xml"
    assert client.get("/id/actor/hamas?format=jsonld").mimetype == "application/ld+json"
    assert client.get("/id/actor/hamas", headers={"Accept": "image/png"}).status_code == 406


def test_jsonld_twin_uses_the_embedded_context(client):
    doc = client.get("/id/actor/hamas.jsonld").get_json()
    assert isinstance(doc["@context"], dict), "a context URL would make clients fetch it"
    assert doc["@context"]["gk"] == "https://w3id.org/geokg/ontology#"
    assert "@import" not in doc["@context"]
    assert any(node.get("name") == "Hamas" for node in doc["@graph"])


def test_errors_have_one_shape_json_for_clients_html_for_browsers(client):
    missing = client.get("/id/actor/atlantis", headers={"Accept": "application/json"})
    assert missing.status_code == 404
    assert missing.get_json() == {"ok": False, "status": 404, "title": "Not found",
                                  "error": "nothing in the graph is called <https://geokg.example.org/id/actor/atlantis>"}
    page = client.get("/id/actor/atlantis", headers=BROWSER)
    assert page.status_code == 404 and page.mimetype == "text/html" and "atlantis" in page.get_data(as_text=True)
    for response in (client.get("/no/such/route"), client.get("/sparql?query=SELEC"),
                     client.delete("/sparql"), client.get("/queries/nope")):
        body = response.get_json()
        assert set(body) == {"ok", "status", "title", "error"} and body["status"] == response.status_code


def test_sparql_get_post_form_and_post_direct_agree(client):
    get = client.get("/sparql", query_string={"query": SELECT}).get_json()
    form = client.post("/sparql", data={"query": SELECT}).get_json()
    direct = client.post("/sparql", data=SELECT, content_type="application/sparql-query").get_json()
    assert get == form == direct
    names = [b["name"]["value"] for b in get["results"]["bindings"]]
    assert "Hamas" in names and names == sorted(names)


@pytest.mark.parametrize("accept,mimetype", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
])
def test_select_result_formats(client, accept, mimetype):
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == mimetype
    body = response.get_data(as_text=True)
    if mimetype.endswith("xml"):
        assert ET.fromstring(body).tag.endswith("sparql")
    elif mimetype == "text/csv":
        rows = list(csv.reader(io.StringIO(body)))
        assert rows[0] == ["name"] and ["Hamas"] in rows
    elif mimetype == "text/tab-separated-values":
        assert body.splitlines()[0] == "?name" and '"Hamas"' in body.splitlines()


@pytest.mark.parametrize("accept,mimetype,rdflib_format", [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
])
def test_construct_graph_formats(client, accept, mimetype, rdflib_format):
    response = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == mimetype
    graph = Graph().parse(data=response.get_data(as_text=True), format=rdflib_format)
    assert len(graph) > 10 and (URIRef(HAMAS), None, None) in graph


def test_ask_and_format_parameter(client):
    response = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }", "format": "xml"})
    assert response.mimetype == "application/sparql-results+xml" and "<boolean>true</boolean>" in response.get_data(as_text=True)


def test_protocol_errors_have_the_right_status(client):
    assert client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": "image/png"}).status_code == 406
    assert client.post("/sparql", data=SELECT, content_type="text/plain").status_code == 415
    assert client.put("/sparql", data=SELECT).status_code == 405
    assert client.get("/sparql", query_string={"query": "SELECT WHERE {"}).status_code == 400
    assert client.get("/sparql", headers={"Accept": "application/sparql-results+json"}).status_code == 400
    bad_format = client.get("/sparql", query_string={"query": SELECT, "format": "pdf"})
    assert bad_format.status_code == 400 and "unknown format 'pdf'" in bad_format.get_json()["error"]


def test_browser_gets_a_query_form_and_an_html_table(client):
    form = client.get("/sparql", headers=BROWSER).get_data(as_text=True)
    assert "<textarea" in form
    table = client.get("/sparql", query_string={"query": SELECT}, headers=BROWSER).get_data(as_text=True)
    assert "<td>Hamas</td>" in table


def test_service_is_refused_and_no_request_leaves_the_machine(client, listener):
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400 and "is not allowed" in response.get_json()["error"]
    assert listener.connections == 0


def test_named_query_pages_and_twins(client):
    index = client.get("/queries.json").get_json()
    assert len(index["queries"]) >= 6
    params = {"alliance": "Axis of Resistance", "asOf": "2017-09-23"}
    page = client.get("/queries/alliance-members", query_string=params, headers=BROWSER)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Hizballah" in html and "left" in html
    assert 'rel="alternate"; type="text/csv"' in page.headers["Link"]
    data = client.get("/queries/alliance-members.json", query_string=params).get_json()
    members = {b["memberName"]["value"] for b in data["results"]["bindings"]}
    assert members == {"Iran", "Syria", "Hizballah", "Hamas"}
    rows = list(csv.DictReader(io.StringIO(client.get("/queries/alliance-members.csv", query_string=params)
                                           .get_data(as_text=True))))
    assert {r["memberName"] for r in rows} == members
    form = client.get("/queries/alliance-members", headers=BROWSER).get_data(as_text=True)
    assert "Fill in alliance" in form


def test_untrusted_literals_render_inert(tmp_path):
    claims = tmp_path / "evil.yaml"
    claims.write_text(
        "article: evil.txt\n"
        "actors:\n"
        "- {name: '<script>alert(1)</script>', type: Person, aliases: ['<img src=x onerror=alert(2)>']}\n"
        "- {name: Hamas, type: ArmedGroup}\n"
        "relations:\n"
        "- {subject: '<script>alert(1)</script>', predicate: supports, object: Hamas,"
        " sentence: '<b>bold</b> claim'}\n", encoding="utf-8")
    store = open_store(None)
    load_paths(store, [claims], Ids("https://geokg.example.org"))
    client = create_app({"GEOKG_STORE_OBJECT": store, "GEOKG_BASE": "https://geokg.example.org"}).test_client()
    response = client.get("/id/actor/script-alert-1-script", headers=BROWSER)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "<b>bold</b>" not in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_ontology_terms_have_pages_and_link_there(client):
    page = client.get("/ontology", headers=BROWSER).get_data(as_text=True)
    assert 'id="memberOf"' in page and "The subject is a member of the object" in page
    assert client.get("/ontology", headers={"Accept": "text/turtle"}).mimetype == "text/turtle"
    hamas = client.get("/id/actor/hamas", headers=BROWSER).get_data(as_text=True)
    assert 'href="/ontology#ArmedGroup"' in hamas


def test_search_finds_names_and_aliases_with_a_json_twin(client):
    page = client.get("/search", query_string={"q": "sinwar"}, headers=BROWSER)
    assert 'href="/id/actor/yahya-sinwar"' in page.get_data(as_text=True)
    assert '/search.json?q=sinwar' in page.headers["Link"]
    found = client.get("/search.json", query_string={"q": "the movement"}).get_json()["results"]
    assert [r["label"] for r in found] == ["Hamas"]
    assert client.get("/search.json", query_string={"q": "x"}).get_json()["results"] == []


def test_as_of_view_and_etags(client):
    before = client.get("/id/actor/axis-of-resistance.json", query_string={"asOf": "2011"}).get_json()
    after = client.get("/id/actor/axis-of-resistance.json", query_string={"asOf": "2017-09-23"}).get_json()
    left = [r for r in before["relations"] if r["relation"].endswith("#leftAlliance")]
    assert left == [] and any(r["relation"].endswith("#leftAlliance") for r in after["relations"])
    assert client.get("/id/actor/hamas", query_string={"asOf": "soon"}).status_code == 400
    first = client.get("/id/actor/hamas", headers=BROWSER)
    again = client.get("/id/actor/hamas", headers={**BROWSER, "If-None-Match": first.headers["ETag"]})
    assert first.headers["ETag"].startswith('W/"') and again.status_code == 304


def test_pictures_and_schema_org(client):
    html = client.get("/id/actor/axis-of-resistance", headers=BROWSER).get_data(as_text=True)
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="network"' in html and "Hizballah" in html
    assert 'class="timeline"' in html and "left 2012" in html
    assert '<script type="application/ld+json">{"@context": "https://schema.org"' in html


def test_graph_iris_lead_to_their_article(client):
    response = client.get("/graph/000-iran-hamas-syria-axis")
    assert response.status_code == 303 and response.headers["Location"] == "/id/article/000-iran-hamas-syria-axis"
    assert client.get("/graph/no-such-article").status_code == 404


def test_javascript_urls_in_the_data_are_never_links(store, client):
    store.update("INSERT DATA { GRAPH <urn:test:evil> { <https://geokg.example.org/id/actor/hamas> "
                 "<http://www.w3.org/2002/07/owl#sameAs> <javascript:alert(1)> ; "
                 "<https://schema.org/url> <javascript:alert(2)> } }")
    html = client.get("/id/actor/hamas", headers=BROWSER).get_data(as_text=True)
    assert "javascript:alert(1)" in html, "the value is shown"
    assert 'href="javascript:' not in html and "href='javascript:" not in html
