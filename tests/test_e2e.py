"""A real `geokg serve --demo` process on loopback, queried with SPARQLWrapper as users would."""

import requests
from rdflib import Graph, URIRef
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

PREFIXES = """PREFIX gk: <https://w3id.org/geokg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def client(live_server, fmt=JSON, method="GET"):
    sparql = SPARQLWrapper(live_server + "/sparql")
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    return sparql


def select(live_server, query, method="GET"):
    sparql = client(live_server, method=method)
    sparql.setQuery(PREFIXES + query)
    return sparql.queryAndConvert()["results"]["bindings"]


def test_axis_of_resistance_members_with_hamas_leaving(live_server):
    rows = select(live_server, """
        SELECT DISTINCT ?name WHERE {
          ?m gk:memberOf ?axis . ?axis skos:prefLabel "Axis of Resistance" . ?m skos:prefLabel ?name }""")
    assert {r["name"]["value"] for r in rows} == {"Iran", "Syria", "Hizballah", "Hamas"}
    left = select(live_server, """
        SELECT DISTINCT ?date WHERE { ?st gk:relation gk:leftAlliance ; gk:subject/skos:prefLabel "Hamas" ;
                                 gk:object/skos:prefLabel "Axis of Resistance" ; gk:date ?date }""", method="POST")
    assert [r["date"]["value"] for r in left] == ["2012"]


def test_iran_mediates_between_hamas_and_syria(live_server):
    rows = select(live_server, """
        SELECT DISTINCT ?party WHERE { ?iran skos:prefLabel "Iran" ; gk:mediatesBetween/skos:prefLabel ?party }""")
    assert {r["party"]["value"] for r in rows} == {"Hamas", "Syria"}


def test_the_4_august_2017_meeting(live_server):
    rows = select(live_server, """
        SELECT ?who ?place WHERE { ?e a gk:Meeting ; gk:date "2017-08-04"^^<http://www.w3.org/2001/XMLSchema#date> ;
                                      gk:participant/skos:prefLabel ?who ; gk:place/skos:prefLabel ?place }""")
    assert {r["who"]["value"] for r in rows} == {"Ali Larijani", "Ali Akbar Velayati", "Hamas"}
    assert {r["place"]["value"] for r in rows} == {"Iran"}


def test_sinwar_claim_via_al_monitor_in_xml_and_csv(live_server):
    query = PREFIXES + """
        SELECT ?channel ?content WHERE { ?c gk:claimant/skos:prefLabel "Yahya Sinwar" ;
                                          gk:channel/skos:prefLabel ?channel ; gk:content ?content }"""
    sparql = client(live_server, XML)
    sparql.setQuery(query)
    document = sparql.queryAndConvert()
    channels = [n.firstChild.data for n in document.getElementsByTagName("literal")]
    assert "al-Monitor" in channels
    sparql = client(live_server, CSV)
    sparql.setQuery(query)
    text = sparql.queryAndConvert().decode()
    assert text.splitlines()[0] == "channel,content" and "al-Monitor" in text


def test_construct_as_turtle_and_ask(live_server):
    sparql = client(live_server, TURTLE)
    sparql.setQuery(PREFIXES + "CONSTRUCT { ?s gk:memberOf ?o } WHERE { ?s gk:memberOf ?o }")
    graph = Graph().parse(data=sparql.queryAndConvert().decode(), format="turtle")
    assert (URIRef("https://geokg.example.org/id/actor/hamas"), URIRef("https://w3id.org/geokg/ontology#memberOf"),
            URIRef("https://geokg.example.org/id/actor/axis-of-resistance")) in graph
    sparql = client(live_server)
    sparql.setQuery("ASK { ?s a <https://w3id.org/geokg/ontology#Alliance> }")
    assert sparql.queryAndConvert()["boolean"] is True


def test_entity_pages_and_named_queries_over_http(live_server):
    page = requests.get(live_server + "/id/actor/hamas", headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200 and "In 2012, Hamas moved its headquarters out of Damascus" in page.text
    answer = requests.get(live_server + "/queries/claims-by.json", params={"claimant": "Sinwar"}, timeout=10).json()
    assert [b["channel"]["value"] for b in answer["results"]["bindings"]] == ["al-Monitor"]
    error = requests.get(live_server + "/sparql", params={"query": "SELECT nonsense"}, timeout=10)
    assert error.status_code == 400 and error.json()["ok"] is False
