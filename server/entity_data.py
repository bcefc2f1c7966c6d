"""What an entity page shows, as plain JSON-ready data: built here, formatted by the renderer."""

import re
from concurrent.futures import ThreadPoolExecutor

from rdflib import Literal, URIRef

from geokg.loaders.model import PREDICATES
from geokg.ontology import GK

PREFIXES = """PREFIX gk: <https://w3id.org/geokg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX schema: <https://schema.org/>
"""
LINKS = "gk:subject|gk:object|gk:participant|gk:place|gk:claimant|gk:channel|gk:about"
# Store IRIs are validated by the engine, but they are pasted into VALUES, so check them once more.
_SAFE_IRI = re.compile(r"^[^\s<>\"{}|\\^`]+$")
_QUERIES = ThreadPoolExecutor(max_workers=8, thread_name_prefix="geokg-page")
HIDDEN = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://www.w3.org/2002/07/owl#sameAs", "https://schema.org/articleBody",
    # Direct relation triples are shown with their provenance under Relations instead.
    *(str(GK[p]) for p in PREDICATES),
}

OVERVIEW = PREFIXES + """
SELECT DISTINCT ?u ?p ?o WHERE { ?u ?p ?o }"""

# Each branch of these unions repeats the whole pattern: with the join inside the branch, the engine
# starts from the one bound URI; with the join outside, it scans every statement first (100x slower).
_REL = """?st gk:relation ?relation ; gk:subject ?subject ; gk:object ?object ; gk:statedIn ?article ;
      gk:sentence ?sentence ."""
RELATIONS = PREFIXES + f"""
SELECT DISTINCT ?u ?st ?relation ?subject ?object ?time ?date ?start ?end ?role ?status ?sentence ?article WHERE {{
  {{ ?st gk:subject ?u . {_REL} }} UNION {{ ?st gk:object ?u . {_REL} }}
  UNION {{ ?st gk:statedIn ?u ; a gk:RelationStatement . {_REL} }}
  UNION {{ ?u a gk:RelationStatement . BIND(?u AS ?st) {_REL} }}
  OPTIONAL {{ ?st gk:timeText ?time }} OPTIONAL {{ ?st gk:date ?date }}
  OPTIONAL {{ ?st gk:start ?start }} OPTIONAL {{ ?st gk:end ?end }}
  OPTIONAL {{ ?st gk:role ?role }} OPTIONAL {{ ?st gk:status ?status }}
}}"""

_EV = """?ev a ?class ; rdfs:label ?label ; gk:participant ?participant ; gk:statedIn ?article ;
      gk:sentence ?sentence ."""
EVENTS = PREFIXES + f"""
SELECT DISTINCT ?u ?ev ?class ?label ?participant ?place ?time ?date ?sentence ?article WHERE {{
  {{ ?ev gk:participant ?u . {_EV} }} UNION {{ ?ev gk:place ?u . {_EV} }}
  UNION {{ ?ev gk:statedIn ?u ; a gk:Event . {_EV} }} UNION {{ ?u gk:participant ?any . BIND(?u AS ?ev) {_EV} }}
  FILTER(STRSTARTS(STR(?class), STR(gk:)))
  OPTIONAL {{ ?ev gk:place ?place }} OPTIONAL {{ ?ev gk:timeText ?time }} OPTIONAL {{ ?ev gk:date ?date }}
}}"""

_CL = """?claim gk:content ?content ; gk:directQuote ?quote ; gk:statedIn ?article ; gk:sentence ?sentence ."""
CLAIMS = PREFIXES + f"""
SELECT DISTINCT ?u ?claim ?claimant ?who ?channel ?channelName ?content ?quote ?hedge ?about ?sentence ?article
WHERE {{
  {{ ?claim gk:claimant ?u . {_CL} }} UNION {{ ?claim gk:about ?u . {_CL} }} UNION {{ ?claim gk:channel ?u . {_CL} }}
  UNION {{ ?claim gk:statedIn ?u ; a gk:Claim . {_CL} }} UNION {{ ?u a gk:Claim . BIND(?u AS ?claim) {_CL} }}
  OPTIONAL {{ ?claim gk:claimant ?claimant }} OPTIONAL {{ ?claim gk:claimantDescription ?who }}
  OPTIONAL {{ ?claim gk:channel ?channel }} OPTIONAL {{ ?claim gk:channelName ?channelName }}
  OPTIONAL {{ ?claim gk:hedge ?hedge }} OPTIONAL {{ ?claim gk:about ?about }}
}}"""

INCOMING = PREFIXES + """
SELECT DISTINCT ?u ?s ?p WHERE { ?s ?p ?u FILTER(!STRSTARTS(STR(?p), STR(gk:))) }
ORDER BY ?p ?s LIMIT 2000"""

NETWORK = PREFIXES + """
SELECT DISTINCT ?u ?s ?p ?o WHERE {
  { ?u ?p ?o BIND(?u AS ?s) } UNION { ?s ?p ?u BIND(?u AS ?o) }
  FILTER(?p IN (gk:memberOf, gk:joinedAlliance, gk:leftAlliance, gk:alliedWith, gk:hostileTo, gk:reconciledWith,
                gk:mediatesBetween, gk:supports, gk:leaderOf, gk:headquarteredIn))
} LIMIT 200"""

DESCRIPTION = PREFIXES + f"""
CONSTRUCT {{ ?u ?p ?o . ?fact ?fp ?fo . ?n rdfs:label ?nl }} WHERE {{
  {{ ?u ?p ?o FILTER(?p != schema:articleBody) }}
  UNION {{ ?fact {LINKS}|gk:statedIn ?u . ?fact ?fp ?fo }}
  UNION {{ ?fact {LINKS} ?u . ?fact {LINKS} ?n . ?n rdfs:label ?nl }}
  UNION {{ ?u ?p2 ?n . ?n rdfs:label ?nl }}
}}"""


def _support(store, relations) -> dict:
    """How many articles state each (subject, relation, object) of the page's relations."""
    keys = {(r["subject"], r["relation"], o) for r in relations for o in r["object"]}
    keys = [k for k in keys if all(_SAFE_IRI.match(x) for x in k)]
    if not keys:
        return {}
    # Each article states a relation's direct triple in its own graph, so counting the graphs that hold
    # it counts the articles: a fully bound lookup, unlike a join over statement nodes.
    values = " ".join(f"(<{s}> <{p}> <{o}>)" for s, p, o in sorted(keys))
    rows = store.query(PREFIXES + f"""
SELECT ?s ?rel ?o (COUNT(DISTINCT ?g) AS ?sources) WHERE {{
  VALUES (?s ?rel ?o) {{ {values} }}
  GRAPH ?g {{ ?s ?rel ?o }}
}} GROUP BY ?s ?rel ?o""").rows()
    return {(str(r["s"]), str(r["rel"]), str(r["o"])): int(r["sources"]) for r in rows}


def _values_labels(store, uris) -> dict[str, str]:
    uris = sorted({u for u in uris if u and _SAFE_IRI.match(u)})
    if not uris:
        return {}
    values = " ".join(f"<{u}>" for u in uris)
    rows = store.query(PREFIXES + f"""
SELECT ?n (SAMPLE(?l) AS ?label) WHERE {{
  VALUES ?n {{ {values} }}
  {{ ?n skos:prefLabel ?l }} UNION {{ ?n rdfs:label ?l }} UNION {{ ?n schema:headline ?l }}
}} GROUP BY ?n""").rows()
    return {str(r["n"]): str(r["label"]) for r in rows if "label" in r}


def _text(row, key):
    value = row.get(key)
    return None if value is None else str(value)


def _collect(rows, key, fields, multi):
    """Group query rows by ``key``; ``multi`` fields become sorted lists of distinct values."""
    grouped = {}
    for row in rows:
        item = grouped.setdefault(str(row[key]), {"uri": str(row[key]), **dict.fromkeys(fields), **{m: set() for m in multi}})
        for field in fields:
            if row.get(field) is not None and item.get(field) is None:
                item[field] = str(row[field])
        for m in multi:
            if row.get(m) is not None:
                item[m].add(str(row[m]))
    for item in grouped.values():
        for m in multi:
            item[m] = sorted(item[m])
    return list(grouped.values())


def _sort_key_date(item):
    date = item.get("date") or item.get("start") or ""
    return (date == "", date, item.get("label") or item["uri"])


def _in_force(item: dict, as_of: str | None) -> bool:
    """Whether a fact held on a date: begun by then, and not yet ended (dates compare as ISO text)."""
    if not as_of:
        return True
    begun = item.get("start") or item.get("date")
    if begun and begun > as_of:
        return False
    return not (item.get("end") and item["end"] <= as_of)


def build_entity(store, uri: str, as_of: str | None = None, incoming_page: int = 1) -> dict | None:
    """Everything known about one URI (as it stood on ``as_of`` when given), or None when unknown."""
    node = URIRef(uri)
    bind = {"u": node}
    # The five queries are independent: run them at once, so a pooled store spreads them over its
    # workers (and pyoxigraph releases the GIL while each runs).
    futures = [_QUERIES.submit(lambda q=q: store.query(q, bind).rows())
               for q in (OVERVIEW, INCOMING, RELATIONS, EVENTS, CLAIMS)]
    out, incoming, relation_rows, event_rows, claim_rows = (f.result() for f in futures)
    relations = _collect(relation_rows, "st",
                         ("relation", "subject", "time", "date", "start", "end", "role", "status", "article"),
                         ("object", "sentence"))
    events = _collect(event_rows, "ev",
                      ("label", "place", "time", "date", "article"), ("class", "participant", "sentence"))
    claims = _collect(claim_rows, "claim",
                      ("channel", "channelName", "content", "quote", "hedge", "article"),
                      ("claimant", "who", "about", "sentence"))
    if not (out or incoming or relations or events or claims):
        return None

    types = sorted({str(r["o"]) for r in out if str(r["p"]).endswith("22-rdf-syntax-ns#type")})
    names = [str(r["o"]) for r in out if str(r["p"]).endswith("#prefLabel")]
    labels = [str(r["o"]) for r in out if str(r["p"]).endswith("rdf-schema#label")]
    aliases = sorted({str(r["o"]) for r in out if str(r["p"]).endswith("#altLabel")})
    same_as = sorted({str(r["o"]) for r in out if str(r["p"]).endswith("owl#sameAs")})
    body = next((str(r["o"]) for r in out if str(r["p"]) == "https://schema.org/articleBody"), None)
    properties = sorted(
        ({"predicate": str(r["p"]), "value": str(r["o"]), "isIri": isinstance(r["o"], URIRef),
          "datatype": str(r["o"].datatype) if isinstance(r["o"], Literal) and r["o"].datatype else None}
         for r in out if str(r["p"]) not in HIDDEN),
        key=lambda p: (p["predicate"], p["value"]),
    )
    links = [{"subject": str(r["s"]), "predicate": str(r["p"])} for r in incoming]

    mentioned = set(types) | {p["predicate"] for p in properties} | {p["value"] for p in properties if p["isIri"]}
    mentioned |= {link["subject"] for link in links} | {link["predicate"] for link in links}
    for r in relations:
        mentioned |= {r["relation"], r["subject"], r["article"], *r["object"]}
    for e in events:
        mentioned |= {e["place"], e["article"], *e["participant"], *e["class"]}
    for c in claims:
        mentioned |= {c["channel"], c["article"], *c["claimant"], *c["about"]}
    label_of = _values_labels(store, mentioned)

    sources = _support(store, relations)
    for r in relations:
        r["sources"] = max([sources.get((r["subject"], r["relation"], o), 1) for o in r["object"]] or [1])
    relations = [r for r in relations if _in_force(r, as_of)]
    events = [e for e in events if _in_force(e, as_of)]
    relations.sort(key=lambda r: (label_of.get(r["relation"], r["relation"]), _sort_key_date(r)))
    events.sort(key=_sort_key_date)
    page_size = 50
    pages = max(1, -(-len(links) // page_size))
    incoming_page = min(max(1, incoming_page), pages)
    return {
        "uri": uri,
        "label": (names or labels or [uri.rstrip("/").rsplit("/", 1)[-1]])[0],
        "types": [{"uri": t, "label": label_of.get(t, t)} for t in types],
        "aliases": aliases,
        "sameAs": same_as,
        "body": body,
        "properties": properties,
        "relations": relations,
        "events": events,
        "claims": claims,
        "incoming": links[(incoming_page - 1) * page_size: incoming_page * page_size],
        "incomingCount": len(links),
        "incomingPage": incoming_page,
        "incomingPages": pages,
        "asOf": as_of,
        "labels": label_of,
    }


def describe(store, uri: str):
    """The triples behind an entity page, for its Turtle and JSON-LD twins."""
    return store.query(DESCRIPTION, {"u": URIRef(uri)})


def home_data(store) -> dict:
    """Counts and lists for the home page."""
    counts = store.query(PREFIXES + """
SELECT ?kind (COUNT(DISTINCT ?x) AS ?n) WHERE {
  VALUES ?kind { gk:Actor gk:Alliance gk:RelationStatement gk:Event gk:Claim gk:Article }
  ?x a ?class .
  GRAPH <https://w3id.org/geokg/ontology> { ?class rdfs:subClassOf* ?kind }
} GROUP BY ?kind""").rows()
    by_kind = {str(r["kind"]).split("#")[-1]: int(r["n"]) for r in counts}
    actors = store.query(PREFIXES + """
SELECT ?actor (SAMPLE(?name) AS ?label) (SAMPLE(?type) AS ?kind) (COUNT(DISTINCT ?fact) AS ?facts) WHERE {
  ?actor skos:prefLabel ?name ; a ?class .
  GRAPH <https://w3id.org/geokg/ontology> { ?class rdfs:subClassOf* gk:Actor ; rdfs:label ?type }
  OPTIONAL { ?fact gk:subject|gk:object|gk:participant|gk:place|gk:claimant|gk:channel|gk:about ?actor }
} GROUP BY ?actor ORDER BY DESC(?facts) ?label""").rows()
    articles = store.query(PREFIXES + """
SELECT ?article (SAMPLE(?l) AS ?label) (SAMPLE(?d) AS ?published) WHERE {
  ?article a gk:Article ; rdfs:label ?l . OPTIONAL { ?article schema:datePublished ?d }
} GROUP BY ?article ORDER BY ?label""").rows()
    return {
        "triples": len(store),
        "counts": {
            "actors": by_kind.get("Actor", 0), "alliances": by_kind.get("Alliance", 0),
            "relations": by_kind.get("RelationStatement", 0), "events": by_kind.get("Event", 0),
            "claims": by_kind.get("Claim", 0), "articles": by_kind.get("Article", 0),
        },
        "actors": [{"uri": str(r["actor"]), "label": _text(r, "label"), "type": _text(r, "kind"),
                    "facts": int(r["facts"])} for r in actors],
        "articles": [{"uri": str(r["article"]), "label": _text(r, "label"), "published": _text(r, "published")}
                     for r in articles],
    }


def network_edges(store, uri: str, label_of: dict, href) -> list[dict]:
    """The direct relations around one actor, and the fellow members of its alliances, as picture edges."""
    rows = store.query(NETWORK, {"u": URIRef(uri)}).rows()
    alliances = [str(r["o"]) for r in rows if str(r["s"]) == uri and str(r["p"]) in (str(GK.memberOf),
                                                                                     str(GK.joinedAlliance))]
    for alliance in list(dict.fromkeys(alliances))[:2]:
        rows += [r for r in store.query(NETWORK, {"u": URIRef(alliance)}).rows()
                 if str(r["o"]) == alliance and str(r["s"]) != uri
                 and str(r["p"]) in (str(GK.memberOf), str(GK.joinedAlliance), str(GK.leftAlliance))]
    missing = {str(r[k]) for r in rows for k in ("s", "o") if str(r[k]) not in label_of}
    label_of = {**label_of, **_values_labels(store, missing)}
    edges = []
    for r in rows:
        ends = []
        for key in ("s", "o"):
            node = str(r[key])
            ends.append({"uri": node, "label": label_of.get(node, node.rsplit("/", 1)[-1]), "href": href(node)})
        edges.append({"source": ends[0], "target": ends[1], "relation": str(r["p"]).rsplit("#", 1)[-1]})
    return edges


MEMBERSHIP = PREFIXES + """
SELECT ?u ?member ?relation ?start ?end ?date WHERE {
  ?st gk:object ?u ; gk:subject ?member ; gk:relation ?relation .
  FILTER(?relation IN (gk:memberOf, gk:joinedAlliance, gk:leftAlliance))
  OPTIONAL { ?st gk:start ?start } OPTIONAL { ?st gk:end ?end } OPTIONAL { ?st gk:date ?date }
}"""


def membership_rows(store, uri: str, label_of: dict, href) -> list[dict]:
    """Who was in an alliance and when: one row per member, from its membership, joining and leaving."""
    members = {}
    for r in store.query(MEMBERSHIP, {"u": URIRef(uri)}).rows():
        member = str(r["member"])
        row = members.setdefault(member, {"label": label_of.get(member, member.rsplit("/", 1)[-1]),
                                          "href": href(member), "start": None, "end": None, "status": "member"})
        relation = str(r["relation"]).rsplit("#", 1)[-1]
        start = _text(r, "start") or (_text(r, "date") if relation == "joinedAlliance" else None)
        end = _text(r, "end") or (_text(r, "date") if relation == "leftAlliance" else None)
        if start and (row["start"] is None or start < row["start"]):
            row["start"] = start
        if end and (row["end"] is None or end < row["end"]):
            row["end"], row["status"] = end, "left"
        if relation == "leftAlliance" and row["status"] == "member":
            row["status"] = "left (date unknown)" if not end else "left"
    missing = {m for m in members if members[m]["label"] == m.rsplit("/", 1)[-1]}
    if missing:
        names = _values_labels(store, missing)
        for m in missing:
            members[m]["label"] = names.get(m, members[m]["label"])
    return sorted(members.values(), key=lambda row: (row["start"] or "", row["label"]))


EVENTS_IN_ORDER = PREFIXES + """
SELECT ?ev (SAMPLE(?l) AS ?label) (SAMPLE(?d) AS ?date) (SAMPLE(?t) AS ?time) WHERE {
  ?ev gk:participant ?p ; rdfs:label ?l . OPTIONAL { ?ev gk:date ?d } OPTIONAL { ?ev gk:timeText ?t }
} GROUP BY ?ev ORDER BY (!BOUND(?date)) STR(?date) LIMIT 100"""


def events_in_order(store) -> list[dict]:
    """Every event, oldest first; undated ones last."""
    return [{"uri": str(r["ev"]), "label": _text(r, "label"), "date": _text(r, "date"), "time": _text(r, "time")}
            for r in store.query(EVENTS_IN_ORDER).rows()]
