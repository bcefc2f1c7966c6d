"""The questions asked of Wikidata and DBpedia, each batched with VALUES, and their answers read into
entities. Every text is built in a fixed order from sorted values, so the same question is the same
query text and the cache answers it on a rerun."""

import json
import re
from urllib.parse import unquote

from geokg.loaders.linking.endpoint import SparqlClient
from geokg.loaders.linking.scoring import WIKIMEDIA_INTERNAL, Entity

WD = "http://www.wikidata.org/entity/"
DBR = "http://dbpedia.org/resource/"
PREFIXES = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
"""
# Since 2024 Wikidata keeps names shared by every language (most people's) under the language code "mul".
LANGUAGES = ("en", "mul")
QID = re.compile(r"^Q[1-9][0-9]*$")
# Entities asked about in one query: a common name ("Egypt") finds hundreds of same-titled works on Wikidata,
# and one query about all of them could pass its 60-second limit.
FETCH_CHUNK = 100
_YEAR = re.compile(r"^(-?\d{1,4})-")


def qid_of(iri: str) -> str | None:
    if not iri.startswith(WD):
        return None
    local = iri[len(WD):]
    return local if QID.match(local) else None


def _literal(text: str, lang: str) -> str:
    return json.dumps(text, ensure_ascii=False) + "@" + lang


def search_query(names: list[str]) -> str:
    """Entities whose label or alias is exactly one of the names, in English or in every language."""
    values = " ".join(_literal(n, lang) for n in sorted(set(names)) for lang in LANGUAGES)
    return (PREFIXES + "SELECT DISTINCT ?name ?item WHERE {\n"
            f"  VALUES ?name {{ {values} }}\n"
            "  { ?item rdfs:label ?name } UNION { ?item skos:altLabel ?name }\n}")


def facts_query(qids: list[str]) -> str:
    """Names, description, country, membership with its dates, dates and ids of the entities."""
    items = " ".join(f"wd:{q}" for q in sorted(set(qids)))
    langs = ", ".join(json.dumps(lang) for lang in LANGUAGES)
    direct = "\n  UNION ".join(f'{{ ?item wdt:{p} ?value BIND("{p}" AS ?key) }}'
                               for p in ("P17", "P27", "P571", "P576", "P569", "P570", "P1566"))
    return (PREFIXES + "SELECT ?item ?key ?value ?start ?end WHERE {\n"
            f"  VALUES ?item {{ {items} }}\n"
            f'  {{ ?item rdfs:label ?value BIND("label" AS ?key) FILTER(LANG(?value) IN ({langs})) }}\n'
            f'  UNION {{ ?item skos:altLabel ?value BIND("alias" AS ?key) FILTER(LANG(?value) IN ({langs})) }}\n'
            '  UNION { ?item schema:description ?value BIND("description" AS ?key) FILTER(LANG(?value) = "en") }\n'
            f"  UNION {direct}\n"
            '  UNION { ?item p:P463 ?statement . ?statement ps:P463 ?value . BIND("P463" AS ?key)\n'
            "          OPTIONAL { ?statement pq:P580 ?start } OPTIONAL { ?statement pq:P582 ?end } }\n"
            "  UNION { ?value schema:about ?item ; schema:isPartOf <https://en.wikipedia.org/> . "
            'BIND("enwiki" AS ?key) }\n}')


def types_query(qids: list[str], classes: set) -> str:
    """Each entity's P31 types, and which of the given classes each type reaches through P279*."""
    items = " ".join(f"wd:{q}" for q in sorted(set(qids)))
    targets = " ".join(f"wd:{c}" for c in sorted(classes | {WIKIMEDIA_INTERNAL}))
    return (PREFIXES + "SELECT DISTINCT ?item ?type ?class WHERE {\n"
            f"  VALUES ?item {{ {items} }}\n"
            "  ?item wdt:P31 ?type .\n"
            f"  OPTIONAL {{ VALUES ?class {{ {targets} }} ?type wdt:P279* ?class }}\n}}")


def dbpedia_query(qids: list[str]) -> str:
    """DBpedia resources stated owl:sameAs the Wikidata entities; paged, as Virtuoso cuts long answers."""
    items = " ".join(f"<{WD}{q}>" for q in sorted(set(qids)))
    return ("PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
            "SELECT ?item ?resource WHERE {\n"
            f"  VALUES ?item {{ {items} }}\n"
            "  ?resource owl:sameAs ?item .\n"
            f'  FILTER(STRSTARTS(STR(?resource), "{DBR}"))\n}}\nORDER BY ?item ?resource')


def search(client: SparqlClient, names: list[str]) -> dict[str, set]:
    """Name -> QIDs of the entities that carry it."""
    found: dict[str, set] = {}
    if names:
        for row in client.select(search_query(names), f"the search for {len(set(names))} names"):
            qid = qid_of(row["item"]["value"])
            if qid:
                found.setdefault(row["name"]["value"], set()).add(qid)
    return found


def fetch(client: SparqlClient, qids: list[str], classes: set) -> dict[str, Entity]:
    """The entities, with the statements the scoring reads."""
    entities = {q: Entity(q) for q in qids}
    ordered = sorted(entities)
    for start in range(0, len(ordered), FETCH_CHUNK):
        part = ordered[start:start + FETCH_CHUNK]
        for row in client.select(facts_query(part), f"the statements of {len(part)} entities"):
            entity = entities.get(qid_of(row["item"]["value"]))
            if entity is not None:
                _read_fact(entity, row["key"]["value"], row["value"]["value"],
                           _year(row.get("start")), _year(row.get("end")))
        for row in client.select(types_query(part, classes), f"the types of {len(part)} entities"):
            entity = entities.get(qid_of(row["item"]["value"]))
            if entity is None:
                continue
            kind = qid_of(row["type"]["value"])
            if kind:
                entity.types.add(kind)
            reached = qid_of(row["class"]["value"]) if "class" in row else None
            if reached:
                entity.classes.add(reached)
    return entities


def dbpedia_resources(client: SparqlClient, qids: list[str]) -> dict[str, set]:
    """QID -> the DBpedia resources that say they are the same."""
    found: dict[str, set] = {}
    if qids:
        for row in client.select_paged(dbpedia_query(qids), f"the DBpedia resources of {len(set(qids))} entities"):
            qid = qid_of(row["item"]["value"])
            if qid:
                found.setdefault(qid, set()).add(row["resource"]["value"])
    return found


def dbpedia_from_sitelink(title: str) -> str:
    """DBpedia's resource for an English Wikipedia article: its title, spaces as underscores."""
    return DBR + title.replace(" ", "_")


def _read_fact(entity: Entity, key: str, value: str, start, end) -> None:
    if key == "label":
        entity.labels.add(value)
    elif key == "alias":
        entity.aliases.add(value)
    elif key == "description":
        entity.description = value
    elif key in ("P17", "P27"):
        if qid_of(value):
            entity.countries.add(qid_of(value))
    elif key in ("P571", "P569"):
        year = _year({"value": value})
        if year is not None:
            entity.start = year if entity.start is None else min(entity.start, year)
    elif key in ("P576", "P570"):
        year = _year({"value": value})
        if year is not None:
            entity.end = year if entity.end is None else max(entity.end, year)
    elif key == "P1566":
        entity.geonames.add(value)
    elif key == "P463":
        if qid_of(value):
            entity.memberships.append((qid_of(value), start, end))
    elif key == "enwiki":
        prefix = "https://en.wikipedia.org/wiki/"
        if value.startswith(prefix):
            entity.enwiki = unquote(value[len(prefix):]).replace("_", " ")


def _year(cell) -> int | None:
    if not cell:
        return None
    match = _YEAR.match(cell["value"])
    return int(match.group(1)) if match else None
