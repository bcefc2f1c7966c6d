"""Search by name or alias: an HTML page, its JSON twin, and the suggestions every page's search box uses."""

from flask import Blueprint, request
from rdflib import Literal

from geokg.server.app import geokg
from geokg.server.render import negotiated, respond, url_with

bp = Blueprint("search", __name__)
# The matching names first, each once, then each match's own name looked up from it (LATERAL): the
# union of the graphs holds a name once per article that states it, and joined plainly, every copy
# met every other, in a plan that read them all whatever the search (10M quads: 125-175 s, now 0.08).
SEARCH = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX gk: <https://w3id.org/geokg/ontology#>
SELECT ?q ?item (SAMPLE(?name) AS ?label) (SAMPLE(?typeLabel) AS ?type) (MIN(?rank) AS ?score) WHERE {
  { SELECT DISTINCT ?q ?item ?text ?bonus WHERE {
    { ?item skos:prefLabel ?text BIND(0 AS ?bonus) } UNION { ?item skos:altLabel ?text BIND(1 AS ?bonus) }
    FILTER(CONTAINS(LCASE(STR(?text)), LCASE(STR(?q))))
  } }
  LATERAL { SELECT DISTINCT ?item ?name WHERE { ?item skos:prefLabel ?name } }
  OPTIONAL { ?item a ?class . GRAPH <https://w3id.org/geokg/ontology> { ?class rdfs:label ?typeLabel } }
  BIND(IF(LCASE(STR(?text)) = LCASE(STR(?q)), 0, IF(STRSTARTS(LCASE(STR(?text)), LCASE(STR(?q))), 1, 2))
       * 2 + ?bonus AS ?rank)
} GROUP BY ?q ?item ORDER BY ?score STRLEN(?label) ?label LIMIT 20"""


def matches(store, text: str) -> list[dict]:
    """The items whose name or alias holds ``text``, best first, as the search box suggests them."""
    rows = store.query(SEARCH, {"q": Literal(text[:100])}).rows()
    return [{"uri": str(r["item"]), "label": str(r["label"]), "type": str(r.get("type") or "")} for r in rows]


@bp.get("/search")
@bp.get("/search.json", defaults={"as_json": True})
def search(as_json=False):
    query = (request.args.get("q") or "").strip()
    fmt = "json" if as_json else negotiated({"application/json": "json"}, "html")
    results = []
    if len(query) >= 2:
        results = matches(geokg().store, query)
    data = {"q": query, "results": results}
    return respond(fmt, data, "search.html", {"json": url_with("/search.json", q=query)})
