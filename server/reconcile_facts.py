"""What the reconciliation service names and tells: its types and properties, entity ids, and the facts
that data extension and previews read (memberships with their dates, relations, claims made)."""

import functools
import re

from rdflib import RDFS, URIRef

from geokg.loaders.errors import GeokgError
from geokg.loaders.model import PREDICATES, SYMMETRIC
from geokg.ontology import GK, NS, ontology_graph
from geokg.queries.catalogue import sparql_term

WIKIDATA = "http://www.wikidata.org/entity/"
_QID = re.compile(r"^(?:https?://(?:www\.)?wikidata\.org/(?:entity|wiki)/)?(Q[1-9][0-9]*)$", re.IGNORECASE)
PREFIXES = """PREFIX gk: <https://w3id.org/geokg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
"""
# Ways clients name a Wikidata id property: OpenRefine users copy pids from other services.
WIKIDATA_PIDS = ("wikidata", "p-wikidata", "sameas", "owl:sameas", "qid")


@functools.lru_cache(maxsize=None)
def actor_types() -> dict[str, dict]:
    """Every actor class of the ontology by local name (gk:Actor itself too, the type of an actor of no
    more precise kind): its label and the classes it falls under (itself included), so that asking for
    Organization accepts an ArmedGroup, as Wikidata's P279* does."""
    graph = ontology_graph()
    parents = {}
    for cls, parent in graph.subject_objects(RDFS.subClassOf):
        if str(cls).startswith(NS) and str(parent).startswith(NS):
            parents.setdefault(str(cls)[len(NS):], set()).add(str(parent)[len(NS):])

    def ancestors(name, seen=()):
        found = {name}
        for parent in parents.get(name, ()):
            if parent not in seen:
                found |= ancestors(parent, (*seen, name))
        return found

    out = {}
    for name in sorted({"Actor", *parents}):
        above = ancestors(name)
        if "Actor" in above:
            out[name] = {"name": _label(graph, GK[name]) or name, "under": above}
    return out


def _label(graph, term) -> str | None:
    labels = [label for label in graph.objects(term, RDFS.label) if getattr(label, "language", None) in (None, "en")]
    return str(labels[0]) if labels else None


@functools.lru_cache(maxsize=None)
def relation_label(name: str) -> str:
    return _label(ontology_graph(), GK[name]) or name


def type_id(value) -> str:
    """A type id as clients send it ("State", "gk:State" or the full IRI) as its local name."""
    text = str(value).strip()
    for prefix in (NS, "gk:"):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def check_type(value, where: str) -> str:
    name = type_id(value)
    if name not in actor_types():
        raise GeokgError(f"{where}: unknown type {value!r}; known types: {', '.join(actor_types())}", 400,
                         "Bad reconciliation request")
    return name


def qid(value) -> str | None:
    """A Wikidata id ("Q794", "q794" or its entity IRI) as "Q794", or None when it is not one."""
    match = _QID.match(str(value).strip())
    return match.group(1).upper() if match else None


class EntityIds:
    """Our entities' ids in the service: the part of the IRI after ``{base}/id/`` ("actor/hamas"), which
    the manifest's identifierSpace completes; IRIs outside it are their own id."""

    def __init__(self, base: str):
        self.space = base.rstrip("/") + "/id/"

    def of(self, iri: str) -> str:
        return iri[len(self.space):] if iri.startswith(self.space) else iri

    def iri(self, value, where: str) -> str:
        text = str(value).strip()
        iri = text if re.match(r"^https?://", text) else self.space + text.lstrip("/")
        # Written into query text only once it is checked to be read back as exactly one IRI.
        try:
            if not text:
                raise GeokgError("empty")
            sparql_term(URIRef(iri))
        except GeokgError:
            raise GeokgError(f"{where}: {value!r} is not an entity id", 400, "Bad reconciliation request") from None
        return iri


# Data extension's properties: each relation (symmetric ones read both ways), the start and end of each
# membership (a list aligned with memberOf's, so OpenRefine puts each date beside its organisation), the
# contents of the claims an actor made, its Wikidata ids and its aliases.
MEMBERSHIP = ("memberOf", "membershipStart", "membershipEnd")
EXTRA = {"claims": "claims made", "wikidata": "Wikidata id", "aliases": "aliases"}


@functools.lru_cache(maxsize=None)
def extension_properties() -> dict[str, str]:
    out = {"memberOf": "member of (with joined/left alliance)", "membershipStart": "member of: start",
           "membershipEnd": "member of: end"}
    out.update({p: relation_label(p) for p in PREDICATES if p not in ("memberOf", "joinedAlliance", "leftAlliance")})
    out.update(EXTRA)
    return out


def check_extension_property(value, where: str) -> str:
    name = type_id(value)
    if name not in extension_properties():
        raise GeokgError(f"{where}: unknown property {value!r}; known properties: "
                         f"{', '.join(extension_properties())}", 400, "Bad reconciliation request")
    return name


def _values(iris) -> str:
    return " ".join(sparql_term(URIRef(i)) for i in sorted(iris))


def memberships(store, iris) -> dict[str, list[dict]]:
    """Each entity's memberships, one per organisation, with the earliest start and end its statements
    give: a memberOf statement's own start and end, a joinedAlliance's date as the start and a
    leftAlliance's date as the end (as the alliance timeline on entity pages reads them)."""
    if not iris:
        return {}
    rows = store.query(PREFIXES + f"""
SELECT DISTINCT ?u ?org ?relation ?start ?end ?date ?name WHERE {{
  VALUES ?u {{ {_values(iris)} }}
  ?st gk:subject ?u ; gk:relation ?relation ; gk:object ?org .
  FILTER(?relation IN (gk:memberOf, gk:joinedAlliance, gk:leftAlliance))
  OPTIONAL {{ ?st gk:start ?start }} OPTIONAL {{ ?st gk:end ?end }} OPTIONAL {{ ?st gk:date ?date }}
  LATERAL {{ OPTIONAL {{ SELECT ?org (MIN(?l) AS ?name) WHERE {{ ?org skos:prefLabel ?l }} GROUP BY ?org }} }}
}}""").texts()
    found = {}
    for r in rows:
        per = found.setdefault(r["u"], {})
        row = per.setdefault(r["org"], {"id": r["org"], "name": r.get("name") or r["org"], "start": None, "end": None})
        relation = r["relation"][len(NS):]
        start = r.get("start") or (r.get("date") if relation == "joinedAlliance" else None)
        end = r.get("end") or (r.get("date") if relation == "leftAlliance" else None)
        if start and (row["start"] is None or start < row["start"]):
            row["start"] = start
        if end and (row["end"] is None or end < row["end"]):
            row["end"] = end
    return {u: sorted(per.values(), key=lambda m: (m["start"] or "", m["name"])) for u, per in found.items()}


def relations(store, iris, names) -> dict[str, dict[str, list[dict]]]:
    """For each entity, the actors it stands in each of ``names`` relations to, with their names.
    Symmetric relations count in both directions, as a page lists them."""
    names = [n for n in names if n in PREDICATES]
    if not iris or not names:
        return {}
    branches = [f"{{ ?u gk:{n} ?o BIND(gk:{n} AS ?p) }}" for n in names]
    branches += [f"{{ ?o gk:{n} ?u BIND(gk:{n} AS ?p) }}" for n in names if n in SYMMETRIC]
    rows = store.query(PREFIXES + f"""
SELECT ?u ?p ?o ?name WHERE {{
  {{ SELECT DISTINCT ?u ?p ?o WHERE {{ VALUES ?u {{ {_values(iris)} }} {" UNION ".join(branches)} }} }}
  LATERAL {{ OPTIONAL {{ SELECT ?o (MIN(?l) AS ?name) WHERE {{ ?o skos:prefLabel ?l }} GROUP BY ?o }} }}
}}""").texts()
    out = {}
    for r in rows:
        if r["o"] == r["u"]:
            continue
        listed = out.setdefault(r["u"], {}).setdefault(r["p"][len(NS):], {})
        listed[r["o"]] = {"id": r["o"], "name": r.get("name") or r["o"]}
    return {u: {p: sorted(objs.values(), key=lambda o: o["name"]) for p, objs in per.items()} for u, per in out.items()}


def claims_made(store, iris, limit: int = 50) -> dict[str, list[str]]:
    """The contents of the claims each entity made (as gk:claimant), each once."""
    if not iris:
        return {}
    rows = store.query(PREFIXES + f"""
SELECT DISTINCT ?u ?content WHERE {{
  VALUES ?u {{ {_values(iris)} }}
  ?claim gk:claimant ?u ; gk:content ?content .
}} ORDER BY ?u ?content""").texts()
    out = {}
    for r in rows:
        listed = out.setdefault(r["u"], [])
        if len(listed) < limit:
            listed.append(r["content"])
    return out


def descriptions(store, iris) -> dict[str, dict]:
    """Name, aliases, types and Wikidata ids of each entity that has a name. Each property is its own
    union branch, so an actor's thousands of relation triples are never read."""
    if not iris:
        return {}
    rows = store.query(PREFIXES + f"""
SELECT DISTINCT ?u ?k ?v WHERE {{
  VALUES ?u {{ {_values(iris)} }}
  {{ ?u skos:prefLabel ?v BIND("name" AS ?k) }} UNION {{ ?u skos:altLabel ?v BIND("alias" AS ?k) }}
  UNION {{ ?u a ?v BIND("type" AS ?k) }} UNION {{ ?u owl:sameAs ?v BIND("sameAs" AS ?k) }}
}}""").texts()
    found = {}
    for r in rows:
        item = found.setdefault(r["u"], {"names": set(), "aliases": set(), "types": set(), "wikidata": set()})
        k, v = r["k"], r["v"]
        if k == "name":
            item["names"].add(v)
        elif k == "alias":
            item["aliases"].add(v)
        elif k == "type" and v.startswith(NS) and v[len(NS):] in actor_types():
            item["types"].add(v[len(NS):])
        elif k == "sameAs" and v.startswith(WIKIDATA):
            item["wikidata"].add(v[len(WIKIDATA):])
    out = {}
    for u, item in found.items():
        if item["names"]:
            names = sorted(item["names"])
            out[u] = {"name": names[0], "names": names, "aliases": sorted(item["aliases"] - item["names"]),
                      "types": sorted(item["types"]), "wikidata": sorted(item["wikidata"])}
    return out


def extend(store, ids: EntityIds, iris: dict[str, str], properties: list[str]) -> dict:
    """The data extension answer: ``iris`` maps each id asked for to its IRI; unknown ids get empty rows."""
    wanted = set(properties)
    members = memberships(store, iris.values()) if wanted & set(MEMBERSHIP) else {}
    related = relations(store, iris.values(), wanted)
    claims = claims_made(store, iris.values()) if "claims" in wanted else {}
    described = descriptions(store, iris.values()) if wanted & {"wikidata", "aliases"} else {}
    rows = {}
    for given, iri in iris.items():
        row = rows[given] = {}
        for prop in properties:
            if prop == "memberOf":
                row[prop] = [{"id": ids.of(m["id"]), "name": m["name"]} for m in members.get(iri, [])]
            elif prop in ("membershipStart", "membershipEnd"):
                field = "start" if prop == "membershipStart" else "end"
                row[prop] = [_date(m[field]) for m in members.get(iri, [])]
            elif prop == "claims":
                row[prop] = [{"str": c} for c in claims.get(iri, [])]
            elif prop == "wikidata":
                row[prop] = [{"str": q} for q in described.get(iri, {}).get("wikidata", [])]
            elif prop == "aliases":
                row[prop] = [{"str": a} for a in described.get(iri, {}).get("aliases", [])]
            else:
                row[prop] = [{"id": ids.of(o["id"]), "name": o["name"]} for o in related.get(iri, {}).get(prop, [])]
    types = {p: {"id": "Actor", "name": "Actor"} for p in properties if p not in ("membershipStart", "membershipEnd")
             and p not in EXTRA}
    meta = [{"id": p, "name": extension_properties()[p], **({"type": types[p]} if p in types else {})}
            for p in properties]
    return {"meta": meta, "rows": rows}


def _date(value: str | None) -> dict:
    """A membership date for OpenRefine: a full date as a date-time it parses, a year or month as written
    (it keeps text it cannot parse), and an empty value where the text gives none, so lists stay aligned."""
    if not value:
        return {}
    if re.match(r"^\d{4}-\d{2}-\d{2}$", value):
        return {"date": f"{value}T00:00:00+00:00"}
    return {"date": value}
