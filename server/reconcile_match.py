"""Reconciliation queries: reading them, finding candidates in the store and scoring them.

Scoring follows the OpenRefine team's Wikidata service: a name similarity, a type check and one feature
per property the query gives, averaged into a score from 0 to 100, and an automatic match only when the
best candidate scores high and clearly leads the next one.
"""

from dataclasses import dataclass

from rdflib import Literal, URIRef

from geokg.loaders.errors import GeokgError
from geokg.loaders.model import PREDICATES, SYMMETRIC
from geokg.queries.catalogue import sparql_term
from geokg.server.reconcile_facts import PREFIXES, WIKIDATA, WIKIDATA_PIDS, EntityIds, actor_types, check_type, \
    descriptions, qid, relation_label, type_id
from geokg.server.reconcile_names import closest, holding, pieces, similarity

BAD = "Bad reconciliation request"
DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERIES = 5, 25, 50
# An alias is a weaker witness than the name an actor goes by: "Damascus" names Syria only as its capital.
ALIAS_WEIGHT = 0.95
# Each property the query gives counts half as much as the name.
PROPERTY_WEIGHT = 0.5
# A candidate of another type than asked for under type_strict "should" keeps this share of its score.
TYPE_PENALTY = 0.8
# The match rule: the best candidate scores at least MATCH_SCORE and leads the second by MATCH_LEAD.
MATCH_SCORE, MATCH_LEAD = 90.0, 10.0
# Below this similarity a named property value is taken as not matching at all.
VALUE_SIMILARITY = 0.8
# "country" is the relations that tie an actor to a state in our facts: membership, leadership, seat.
COUNTRY = ("memberOf", "leaderOf", "headquarteredIn")


@dataclass(frozen=True)
class Condition:
    """One property of a query: which relations it stands for (or the Wikidata id), and its values, each
    ("qid", "Q…") for the Wikidata id itself; ("iri", IRI), ("name", text) or ("sameAs", Wikidata IRI)
    for the actor a relation leads to."""

    pid: str
    predicates: tuple[str, ...]
    values: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Query:
    key: str
    text: str
    types: tuple[str, ...]
    strict: str
    limit: int
    conditions: tuple[Condition, ...]


def parse_queries(batch, ids: EntityIds) -> list[Query]:
    """A batch as OpenRefine sends it ({"q0": {...}, ...}), checked; GeokgError names the query at fault."""
    if not isinstance(batch, dict) or not batch:
        raise GeokgError("queries must be a JSON object of queries by key, like {\"q0\": {\"query\": \"Iran\"}}",
                         400, BAD)
    if len(batch) > MAX_QUERIES:
        raise GeokgError(f"{len(batch)} queries in one request; at most {MAX_QUERIES}", 400, BAD)
    return [parse_query(key, value, ids) for key, value in batch.items()]


def parse_query(key: str, value, ids: EntityIds) -> Query:
    if isinstance(value, str):
        value = {"query": value}
    if not isinstance(value, dict):
        raise GeokgError(f"query {key}: must be an object with a 'query' string", 400, BAD)
    text = value.get("query")
    if not isinstance(text, str):
        raise GeokgError(f"query {key}: 'query' must be a string", 400, BAD)
    types = value.get("type") or []
    types = [types] if isinstance(types, (str, dict)) else types
    if not isinstance(types, list):
        raise GeokgError(f"query {key}: 'type' must be a type id or a list of them", 400, BAD)
    types = tuple(check_type(t.get("id") if isinstance(t, dict) else t, f"query {key}") for t in types)
    strict = value.get("type_strict") or "any"
    if strict not in ("any", "all", "should"):
        raise GeokgError(f"query {key}: type_strict must be 'any', 'all' or 'should', not {strict!r}", 400, BAD)
    limit = value.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise GeokgError(f"query {key}: 'limit' must be a positive whole number", 400, BAD)
    properties = value.get("properties") or []
    if not isinstance(properties, list):
        raise GeokgError(f"query {key}: 'properties' must be a list of {{\"pid\": ..., \"v\": ...}}", 400, BAD)
    conditions = tuple(c for c in (_condition(key, p, ids) for p in properties) if c.values)
    return Query(key, text.strip()[:500], types, strict, min(limit, MAX_LIMIT), conditions)


def query_properties() -> dict[str, str]:
    """The properties a query may give, by id, with what they match."""
    out = {"wikidata": "Wikidata id (owl:sameAs wd:Q…)", "country": "member of, leader of or headquartered in"}
    out.update({p: relation_label(p) for p in PREDICATES})
    return out


def _condition(key: str, prop, ids: EntityIds) -> Condition:
    if not isinstance(prop, dict) or "pid" not in prop:
        raise GeokgError(f"query {key}: each property must be {{\"pid\": ..., \"v\": ...}}", 400, BAD)
    pid = str(prop["pid"])
    name = type_id(pid)
    values = prop.get("v")
    values = values if isinstance(values, list) else [values]
    where = f"query {key}, property {pid!r}"
    if name.lower() in WIKIDATA_PIDS:
        found = []
        for v in values:
            text = v.get("id") if isinstance(v, dict) else v
            if text in (None, ""):
                continue
            q = qid(text)
            if q is None:
                raise GeokgError(f"{where}: {text!r} is not a Wikidata id like Q794", 400, BAD)
            found.append(("qid", q))
        return Condition(pid, (), tuple(found))
    if name == "country":
        predicates = COUNTRY
    elif name in PREDICATES:
        predicates = (name,)
    else:
        raise GeokgError(f"{where}: unknown property; known: {', '.join(query_properties())}", 400, BAD)
    found = []
    for v in values:
        if isinstance(v, dict) and v.get("id") and qid(v["id"]):
            # Reconciled against Wikidata in another column: the related actor's owl:sameAs tells.
            found.append(("sameAs", WIKIDATA + qid(v["id"])))
        elif isinstance(v, dict) and v.get("id"):
            found.append(("iri", ids.iri(v["id"], where)))
        elif isinstance(v, dict) and v.get("name"):
            found.append(("name", str(v["name"])))
        elif isinstance(v, (str, int, float)) and not isinstance(v, bool) and str(v).strip():
            found.append(("name", str(v).strip()))
    return Condition(pid, predicates, tuple(found))


def _candidates(store, queries: list[Query]) -> dict[str, set[str]]:
    """Candidate IRIs per query key. Exact names and aliases (any case) and Wikidata ids are index
    lookups, for the whole batch at once; only queries with no exact name are looked for among all the
    name keys (kept per dataset version, or one scan for the batch), keeping those that share a word
    piece with them."""
    keys, qids = {}, {}
    for q in queries:
        if q.text:
            keys.setdefault(q.text.lower(), set()).add(q.key)
        for c in q.conditions:
            for kind, value in c.values:
                if kind == "qid":
                    qids.setdefault(WIKIDATA + value, set()).add(q.key)
    found = {q.key: set() for q in queries}
    branches = []
    if keys:
        branches.append(f"{{ VALUES ?k {{ {' '.join(sparql_term(Literal(k)) for k in sorted(keys))} }} "
                        f"?c gk:nameKey ?k BIND(\"name\" AS ?by) }}")
    if qids:
        branches.append(f"{{ VALUES ?k {{ {' '.join(sparql_term(URIRef(i)) for i in sorted(qids))} }} "
                        f"?c owl:sameAs ?k BIND(\"wikidata\" AS ?by) }}")
    named = set()
    if branches:
        for r in store.query(PREFIXES + f"SELECT DISTINCT ?by ?k ?c WHERE {{ {' UNION '.join(branches)} }}").texts():
            table = keys if r["by"] == "name" else qids
            for key in table.get(r["k"], ()):
                found[key].add(r["c"])
                if r["by"] == "name":
                    named.add(key)
    loose = [q for q in queries if q.key not in named and pieces(q.text)]
    if loose:
        pairs = holding(store, set().union(*(pieces(q.text) for q in loose)))
        for q in loose:
            found[q.key] |= set(closest(q.text, pairs))
    return found


def _neighbours(store, candidates: set[str], predicates: set[str]) -> dict[tuple[str, str], dict[str, set[str]]]:
    """For each (candidate, relation), the actors it is related to with all their names, aliases and
    Wikidata IRIs."""
    if not candidates or not predicates:
        return {}
    branches = [f"{{ ?c gk:{p} ?o BIND(\"{p}\" AS ?p) }}" for p in sorted(predicates)]
    branches += [f"{{ ?o gk:{p} ?c BIND(\"{p}\" AS ?p) }}" for p in sorted(predicates) if p in SYMMETRIC]
    values = " ".join(sparql_term(URIRef(c)) for c in sorted(candidates))
    rows = store.query(PREFIXES + f"""
SELECT ?c ?p ?o ?l WHERE {{
  {{ SELECT DISTINCT ?c ?p ?o WHERE {{ VALUES ?c {{ {values} }} {" UNION ".join(branches)} }} }}
  LATERAL {{ OPTIONAL {{ SELECT DISTINCT ?o ?l WHERE {{ ?o skos:prefLabel|skos:altLabel|owl:sameAs ?l }} }} }}
}}""").texts()
    out = {}
    for r in rows:
        names = out.setdefault((r["c"], r["p"]), {}).setdefault(r["o"], set())
        if "l" in r:
            names.add(r["l"])
    return out


def _type_fits(query: Query, types: list[str]) -> bool | None:
    """Whether the candidate's types meet the query's (None when it gives none)."""
    if not query.types:
        return None
    under = set().union(*(actor_types()[t]["under"] for t in types)) if types else set()
    met = [t in under for t in query.types]
    return all(met) if query.strict == "all" else any(met)


def _property_value(condition: Condition, candidate: str, item: dict, related) -> float:
    if not condition.predicates:
        return 1.0 if any(v in item["wikidata"] for _, v in condition.values) else 0.0
    best = 0.0
    for predicate in condition.predicates:
        for other, names in related.get((candidate, predicate), {}).items():
            for kind, value in condition.values:
                if (kind == "iri" and value == other) or (kind == "sameAs" and value in names):
                    return 1.0
                if kind == "name":
                    close = max((similarity(value, n) for n in names), default=0.0)
                    if close >= VALUE_SIMILARITY:
                        best = max(best, close)
    return best


def score(query: Query, candidate: str, item: dict, related) -> tuple[float, list[dict], bool | None]:
    """The score (0-100), the features behind it, and whether the type fits."""
    name = max([similarity(query.text, n) for n in item["names"]]
               + [ALIAS_WEIGHT * similarity(query.text, a) for a in item["aliases"]])
    features = [{"id": "name", "value": round(name, 3)}]
    total, weight = name, 1.0
    for condition in query.conditions:
        value = _property_value(condition, candidate, item, related)
        features.append({"id": f"property:{condition.pid}", "value": round(value, 3)})
        total += PROPERTY_WEIGHT * value
        weight += PROPERTY_WEIGHT
    result = 100.0 * total / weight
    fits = _type_fits(query, item["types"])
    if fits is not None:
        features.append({"id": "type", "value": fits})
        if not fits:
            result *= TYPE_PENALTY
    return round(result, 1), features, fits


def reconcile(store, ids: EntityIds, queries: list[Query]) -> dict[str, dict]:
    """The answer to a batch: for each query key, {"result": [...]} best first, at most its limit."""
    found = _candidates(store, queries)
    everyone = set().union(*found.values()) if found else set()
    items = descriptions(store, everyone)
    predicates = {p for q in queries for c in q.conditions for p in c.predicates}
    asking = {c for q in queries if any(c.predicates for c in q.conditions) for c in found[q.key]}
    related = _neighbours(store, asking & set(items), predicates)
    labels = actor_types()
    out = {}
    for q in queries:
        scored = []
        for candidate in found[q.key]:
            item = items.get(candidate)
            if item is None:
                continue
            value, features, fits = score(q, candidate, item, related)
            if fits is False and q.strict != "should":
                continue
            scored.append({"id": ids.of(candidate), "name": item["name"],
                           "type": [{"id": t, "name": labels[t]["name"]} for t in item["types"]],
                           "score": value, "features": features, "match": False})
        scored.sort(key=lambda r: (-r["score"], r["name"], r["id"]))
        if scored and scored[0]["score"] >= MATCH_SCORE and (
                len(scored) == 1 or scored[0]["score"] - scored[1]["score"] >= MATCH_LEAD):
            scored[0]["match"] = True
        out[q.key] = {"result": scored[:q.limit]}
    return out
