"""What entity pages say in words: titles, undated facts, readable values, marked article text and
Turtle with prefixes (issue 14, items 8-11, 14 and 15)."""

import re

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from geokg.loaders.ids import Ids
from geokg.loaders.pipeline import load_paths
from geokg.server.app import create_app, sample_claims
from geokg.server.fragments import Fragments
from geokg.store import open_store

BASE = "https://geokg.example.org"
HTML = {"Accept": "text/html"}
ARTICLE = "/id/article/000-iran-hamas-syria-axis"
XSD = "http://www.w3.org/2001/XMLSchema#"


def page(client, path: str) -> str:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def section(html: str, heading: str) -> str:
    start = html.index(f"<h2>{heading}")
    return html[start:html.index("</section>", start)]


def published(store, article: str) -> str:
    rows = store.query(f"SELECT ?d WHERE {{ <{BASE}{article}> <https://schema.org/datePublished> ?d }}").texts()
    return rows[0]["d"]


# Item 8: "as of" and undated facts


def test_as_of_hides_the_undated_facts_of_a_later_article(client, store):
    date = published(store, ARTICLE)
    early = client.get("/id/actor/hamas.json", query_string={"asOf": "2011"}).get_json()
    late = client.get("/id/actor/hamas.json", query_string={"asOf": date}).get_json()
    undated_late = [r for r in late["relations"] if not (r["date"] or r["start"] or r["end"])]
    assert undated_late and all(r["articleDate"] == date for r in undated_late)
    times = {r["time"] for r in early["relations"]} | {e["time"] for e in early["events"]}
    assert not times & {"recently", "in recent months", "elected in recent months"}
    assert {"recently", "in recent months"} <= {r["time"] for r in late["relations"]}
    # Claims carry no date of their own: they are known from their article on.
    assert early["claims"] == [] and late["claims"]
    for item in early["relations"] + early["events"]:
        assert (item.get("start") or item.get("date") or item.get("articleDate") or "") <= "2011"


def test_an_undated_fact_says_it_is_dated_by_its_article(client, store):
    date = published(store, ARTICLE)
    html = page(client, "/id/actor/hamas")
    relations = section(html, "Relations")
    assert f'dated by its article, <time>{date}</time>' in relations
    assert "the text gives no date" in page(client, "/id/actor/hamas?asOf=2011")


# Item 9: titles


def title_and_h1(html: str) -> tuple[str, str]:
    return (re.search(r"<title>(.*?) · geokg</title>", html).group(1), re.search(r"<h1>(.*?)</h1>", html).group(1))


def test_a_claim_page_is_titled_by_its_speaker_and_first_words(client):
    title, h1 = title_and_h1(page(client, "/id/claim/000-iran-hamas-syria-axis/yahya-sinwar"))
    assert title == h1
    assert h1.startswith("Yahya Sinwar: ‘We are waiting for the right time") and h1.endswith("…’")
    assert len(h1) < 80 and "yahya-sinwar" not in h1


def test_a_relation_page_is_titled_by_its_statement_and_year(client):
    title, h1 = title_and_h1(page(client, "/id/relation/000-iran-hamas-syria-axis/hamas-leftalliance-axis-of-resistance"))
    assert title == h1 == "Hamas · left alliance · Axis of Resistance (2012)"


def test_an_event_page_is_titled_by_its_type_label_and_date(client):
    title, h1 = title_and_h1(page(client, "/id/event/000-iran-hamas-syria-axis/militaryaction-2011"))
    assert title == h1 == "Military action: Syria (2011)"


# Item 10: jargon and repetition


def test_properties_show_labels_yes_or_no_and_dates(store, client):
    hamas = f"<{BASE}/id/actor/hamas>"
    store.update(f"""INSERT DATA {{ GRAPH <{BASE}/graph/extra> {{
  {hamas} <https://example.org/founded> "1987"^^<{XSD}gYear> ; <https://example.org/armed> true .
}} }}""")
    table = section(page(client, "/id/actor/hamas"), "Properties")
    assert "schema:subjectOf" not in table and "written about in" in table
    assert "xsd:" not in table and ">true<" not in table
    assert '<time datetime="1987">1987</time>' in table and ">yes<" in table
    article = section(page(client, ARTICLE), "Properties")
    assert '<time datetime="2017-09-23">23 September 2017</time>' in article and "published" in article


def test_value_formats_each_kind_of_literal():
    show = Fragments(lambda uri: None).value
    assert show({"isIri": False, "value": "false", "datatype": XSD + "boolean"}, {}) == "no"
    assert show({"isIri": False, "value": "2017-09", "datatype": XSD + "gYearMonth"}, {}) == \
        '<time datetime="2017-09">September 2017</time>'
    assert show({"isIri": False, "value": "<b>", "datatype": None}, {}) == "&lt;b&gt;"


def test_linked_from_reads_as_statements_not_uris(client):
    linked = section(page(client, "/id/actor/hamas"), "Linked from")
    assert "Hamas · member of · Axis of Resistance" in linked
    text = re.sub(r'href="[^"]*"', "", linked)
    assert "/id/relation/" not in text and "org:member" not in text


def test_the_article_page_marks_its_sentences_and_does_not_repeat_itself(client):
    html = page(client, ARTICLE)
    assert "Stated in" not in html
    data = client.get(ARTICLE + ".json").get_json()
    sentences = {s for kind in ("relations", "events", "claims") for fact in data[kind] for s in fact["sentence"]}
    body = section(html, "Article text")
    marks = re.findall(r'<mark class="extracted"><a href="(/id/(?:relation|event|claim)/[^"]+)"', body)
    assert len(marks) == len(sentences) == len(set(marks))


def test_a_claim_page_shows_its_claim_once(client):
    html = page(client, "/id/claim/000-iran-hamas-syria-axis/yahya-sinwar")
    assert "<h2>Claims" not in html and html.count('class="facts own-fact"') == 1
    assert html.count("We are waiting for the right time to restore that relationship") == 2  # quote and sentence


def test_marked_article_text_escapes_the_text_and_the_facts(tmp_path):
    (tmp_path / "evil.txt").write_text(
        "Evil\n\n<script>alert(1)</script> opens the text.\n\n"
        "Fatah <b>supports</b> Hamas & friends.\n\nThe end <img src=x onerror=alert(2)>.\n", encoding="utf-8")
    (tmp_path / "evil.yaml").write_text(
        "article: evil.txt\ntitle: Evil\npublished: 2020-01-02\n"
        "actors:\n- {name: Fatah, type: PoliticalParty}\n- {name: Hamas, type: ArmedGroup}\n"
        "relations:\n- {subject: Fatah, predicate: supports, object: Hamas,"
        " sentence: 'Fatah <b>supports</b> Hamas & friends.'}\n", encoding="utf-8")
    store = open_store(None)
    load_paths(store, [tmp_path / "evil.yaml"], Ids(BASE))
    client = create_app({"GEOKG_STORE_OBJECT": store, "GEOKG_BASE": BASE, "TESTING": True}).test_client()
    body = section(page(client, "/id/article/evil"), "Article text")
    assert "<script>" not in body and "<b>" not in body and "<img" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert re.search(r'<mark class="extracted"><a href="/id/relation/evil/[^"]+" title="Fatah · supports · Hamas">'
                     r"Fatah &lt;b&gt;supports&lt;/b&gt; Hamas &amp; friends\.</a></mark>", body)


def test_a_sentence_is_marked_where_the_text_breaks_its_line_but_never_across_paragraphs():
    from geokg.server.fragments import marked_body

    facts = [("f1", "one", ["Iran and Syria met."]), ("f2", "two", ["Then they left."])]
    html = marked_body("Iran and\nSyria  met.\n\nThen they\n\nleft.", facts, lambda uri: "/" + uri)
    assert html.count("<mark") == 1 and '<a href="/f1" title="one">Iran and\nSyria  met.</a>' in html
    assert html.count("<p>") == 3


# Item 11: undated events and event types


def test_undated_events_are_marked_and_event_types_have_labels(client):
    events = page(client, "/")
    listed = events[events.index("<h3>Events in order</h3>"):]
    listed = listed[:listed.index("</ol>")]
    items = re.findall(r"<li>(.*?)</li>", listed)
    undated = [i for i in items if '<span class="undated">undated</span>' in i]
    assert undated and all("<time>" not in i for i in undated)
    assert any("“early in the war”" in i for i in undated)
    assert all("<time>" in i for i in items if i not in undated)
    assert "Military action: " in listed and "MilitaryAction" not in listed
    timeline = section(page(client, "/id/actor/hamas"), "Timeline of events")
    assert '<span class="undated">undated</span> <span class="as-written">“recently”</span>' in timeline


# Item 14: no filesystem path on the home page


def test_the_home_page_names_the_kind_of_store_not_its_path(tmp_path):
    location = tmp_path / "secret-place"
    store = open_store(str(location))
    load_paths(store, sample_claims(), Ids(BASE))
    client = create_app({"GEOKG_STORE_OBJECT": store, "GEOKG_BASE": BASE, "TESTING": True}).test_client()
    html = page(client, "/")
    assert "secret-place" not in html and str(tmp_path) not in html
    assert "triples in the Oxigraph store on disk" in html
    assert "secret-place" not in str(client.get("/index.json").get_json())


# Item 15: Turtle with prefixes


def test_the_turtle_twin_uses_prefixes_and_is_the_same_graph(client):
    turtle = client.get("/id/actor/hamas.ttl").get_data()
    ntriples = client.get("/id/actor/hamas.nt").get_data()
    head = turtle.decode().splitlines()
    assert "@prefix gk: <https://w3id.org/geokg/ontology#> ." in head
    assert f"@prefix actor: <{BASE}/id/actor/> ." in head
    assert any(line.startswith("actor:hamas ") for line in head)
    assert len(turtle) < 0.6 * len(ntriples)
    assert isomorphic(rdflib.Graph().parse(data=turtle, format="turtle"),
                      rdflib.Graph().parse(data=ntriples, format="nt"))


def test_a_trig_export_uses_prefixes_and_holds_the_same_quads(store):
    from geokg.server.prefixes import export

    trig = export(store, "trig", BASE)
    declared = dict(re.findall(rb"^@prefix (\w+): <([^>]*)> \.$", trig, re.MULTILINE))
    assert declared[b"gk"] == b"https://w3id.org/geokg/ontology#" and declared[b"graph"] == f"{BASE}/graph/".encode()
    assert len(trig) < 0.6 * len(store.dump("nquads"))
    same = set(ox.parse(trig, format=ox.RdfFormat.TRIG))
    assert same == set(ox.parse(store.dump("nquads"), format=ox.RdfFormat.N_QUADS))
    assert export(store, "nquads", BASE) == store.dump("nquads")


def test_a_graph_dump_uses_prefixes_and_holds_that_graph(client, store):
    iri = f"{BASE}/graph/000-iran-hamas-syria-axis"
    trig = client.get("/dumps/graphs/000-iran-hamas-syria-axis.trig").get_data()
    assert b"@prefix gk: <https://w3id.org/geokg/ontology#> ." in trig and b"graph:000-iran-hamas-syria-axis {" in trig
    whole = set(ox.parse(store.dump("nquads"), format=ox.RdfFormat.N_QUADS))
    assert set(ox.parse(trig, format=ox.RdfFormat.TRIG)) == {q for q in whole if q.graph_name == ox.NamedNode(iri)}


@pytest.mark.parametrize("name", ["export.trig", "export.trig.gz"])
def test_a_trig_export_file_uses_prefixes_and_holds_the_same_quads(store, tmp_path, name):
    import gzip

    from geokg.server.prefixes import export_file

    target = tmp_path / name
    assert export_file(store, str(target), "trig", BASE) == target.stat().st_size
    trig = gzip.decompress(target.read_bytes()) if name.endswith(".gz") else target.read_bytes()
    assert b"@prefix gk: <https://w3id.org/geokg/ontology#> ." in trig
    assert set(ox.parse(trig, format=ox.RdfFormat.TRIG)) == set(ox.parse(store.dump("nquads"),
                                                                         format=ox.RdfFormat.N_QUADS))
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.parametrize("name", ["gk", "skos", "schema", "prov", "xsd", "rdfs", "actor", "article", "graph"])
def test_the_prefixes_cover_the_ontology_and_the_data(name):
    from geokg.server.prefixes import prefixes

    assert name in prefixes(BASE)
