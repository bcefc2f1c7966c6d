"""Every named query, with its parameters bound as before (engine substitutions, names matched by a
filter over every label) and as now (VALUES in the text, names found by key), in the same run.

    python bench/named_queries_bench.py [--quads 100000 1000000] [--rounds 5] [--store-dir DIR]

The dataset is the endpoint benchmark's (bench/endpoint_bench.py make_dataset), with the ontology in
its graph and every actor named, aliased and keyed as the loaders write them. Each named query is run
whole, as the web page runs it: names resolved, then the query, then its rows. Before and after
alternate within each round; reported are the medians and their ratio, and whether both gave the
same rows; for the listings answered a page at a time (hedged-claims, mediations), whether the first
page's rows are all in the whole listing the old query gave. Figures at 10M quads need about 5 GB of
disk and a quiet machine: --quads 10000000; above --before-max-quads (3M) only the queries as they
are now are timed, the old ones taking minutes there. --store-dir keeps each built store and reuses it.
"""

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from endpoint_bench import BASE, GK, make_dataset  # noqa: E402

from geokg import queries as named  # noqa: E402
from geokg.store import install_ontology, open_store  # noqa: E402

# The module, not the function of the same name that geokg.queries exports.
catalogue = sys.modules["geokg.queries.catalogue"]

SKOS = "http://www.w3.org/2004/02/skos/core#"
# How names were resolved before: every prefLabel and altLabel lowered and compared.
OLD_ACTOR_BY_NAME = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?actor ?name ?preferred WHERE {
  { ?actor skos:prefLabel ?label BIND(true AS ?preferred) }
  UNION { ?actor skos:altLabel ?label BIND(false AS ?preferred) }
  FILTER(LCASE(STR(?label)) = LCASE(STR(?name)))
}"""
# The texts of the queries this change rewrote, as they were, so "before" is what ran before.
OLD_TEXTS = {
    "alliance-members": """PREFIX gk: <https://w3id.org/geokg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?alliance ?asOf ?member ?memberName ?status ?start ?end ?left ?sentence ?article
WHERE {
  ?statement gk:relation ?relation ; gk:subject ?member ; gk:object ?alliance ;
             gk:sentence ?sentence ; gk:statedIn ?article .
  FILTER(?relation IN (gk:memberOf, gk:joinedAlliance))
  ?member skos:prefLabel ?memberName .
  OPTIONAL { ?statement gk:start ?start }
  OPTIONAL { ?statement gk:end ?end }
  FILTER(!BOUND(?start) || STR(?start) <= STR(?asOf))
  OPTIONAL {
    SELECT ?member ?alliance (MIN(COALESCE(STR(?leftDate), "unknown")) AS ?left)
    WHERE { ?exit gk:relation gk:leftAlliance ; gk:subject ?member ; gk:object ?alliance .
            OPTIONAL { ?exit gk:date ?leftDate } }
    GROUP BY ?member ?alliance
  }
  BIND(IF(BOUND(?end) && STR(?end) <= STR(?asOf), "former member",
       IF(BOUND(?left) && ?left != "unknown" && ?left <= STR(?asOf), "left",
       IF(BOUND(?left) && ?left = "unknown", "member, later reported to have left", "member"))) AS ?status)
}
ORDER BY ?status ?memberName""",
    "relation-sources": """PREFIX gk: <https://w3id.org/geokg/ontology#>
PREFIX schema: <https://schema.org/>
SELECT ?subject ?relation ?object ?statement ?article ?headline ?sentence ?time ?status
WHERE {
  ?statement gk:relation ?relation ; gk:sentence ?sentence ; gk:statedIn ?article .
  {
    ?statement gk:subject ?subject ; gk:object ?object .
  } UNION {
    ?relation a <http://www.w3.org/2002/07/owl#SymmetricProperty> .
    ?statement gk:subject ?object ; gk:object ?subject .
  }
  OPTIONAL { ?article schema:headline ?headline }
  OPTIONAL { ?statement gk:timeText ?time }
  OPTIONAL { ?statement gk:status ?status }
}
ORDER BY ?article ?statement""",
    "actor-events": """PREFIX gk: <https://w3id.org/geokg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?actor ?event ?type ?label ?date ?time ?placeName ?sentence ?article
WHERE {
  ?event gk:participant|gk:place ?actor ; a ?class ; rdfs:label ?label ;
         gk:sentence ?sentence ; gk:statedIn ?article .
  GRAPH <https://w3id.org/geokg/ontology> { ?class rdfs:subClassOf* gk:Event ; rdfs:label ?type }
  OPTIONAL { ?event gk:date ?date }
  OPTIONAL { ?event gk:timeText ?time }
  OPTIONAL { ?event gk:place/skos:prefLabel ?placeName }
}
ORDER BY (!BOUND(?date)) STR(?date) ?label""",
    "claims-by": """PREFIX gk: <https://w3id.org/geokg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?claimant ?claimantName ?content ?directQuote ?channel ?hedge ?sentence ?article ?claim
WHERE {
  ?claim a gk:Claim ; gk:content ?content ; gk:directQuote ?directQuote ;
         gk:sentence ?sentence ; gk:statedIn ?article .
  ?claim gk:claimant ?claimant . ?claimant skos:prefLabel ?claimantName .
  OPTIONAL { ?claim gk:channel/skos:prefLabel ?channelLabel }
  OPTIONAL { ?claim gk:channelName ?channelName }
  OPTIONAL { ?claim gk:hedge ?hedge }
  BIND(COALESCE(?channelLabel, ?channelName) AS ?channel)
}
ORDER BY ?claim""",
    "relations-between": """PREFIX gk: <https://w3id.org/geokg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?a ?b ?subjectName ?relationLabel ?objectName ?time ?status ?sentence ?article ?statement
WHERE {
  { ?statement gk:subject ?a ; gk:object ?b . BIND(?a AS ?s) BIND(?b AS ?o) }
  UNION
  { ?statement gk:subject ?b ; gk:object ?a . BIND(?b AS ?s) BIND(?a AS ?o) }
  ?statement gk:relation ?relation ; gk:sentence ?sentence ; gk:statedIn ?article .
  ?s skos:prefLabel ?subjectName .
  ?o skos:prefLabel ?objectName .
  GRAPH <https://w3id.org/geokg/ontology> { ?relation rdfs:label ?relationLabel }
  OPTIONAL { ?statement gk:timeText ?time }
  OPTIONAL { ?statement gk:status ?status }
}
ORDER BY ?relationLabel""",
    "hedged-claims": """PREFIX gk: <https://w3id.org/geokg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?item ?kind ?what ?hedgeOrStatus ?sentence ?article
WHERE {
  {
    ?item a gk:Claim ; gk:hedge ?hedgeOrStatus ; gk:content ?what .
    BIND("claim" AS ?kind)
  } UNION {
    ?item gk:status ?hedgeOrStatus ; gk:subject/rdfs:label ?s ; gk:relation ?r ; gk:object/rdfs:label ?o .
    BIND(CONCAT(?s, " ", REPLACE(STR(?r), "^.*#", ""), " ", ?o) AS ?what)
    BIND("relation" AS ?kind)
  }
  ?item gk:sentence ?sentence ; gk:statedIn ?article .
}
ORDER BY ?kind ?what""",
    "mediations": """PREFIX gk: <https://w3id.org/geokg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?mediator ?mediatorName (GROUP_CONCAT(DISTINCT ?partyName; separator=" & ") AS ?parties) ?time ?date ?sentence ?article
WHERE {
  ?statement gk:relation gk:mediatesBetween ; gk:subject ?mediator ; gk:object ?party ;
             gk:sentence ?sentence ; gk:statedIn ?article .
  ?mediator skos:prefLabel ?mediatorName .
  ?party skos:prefLabel ?partyName .
  OPTIONAL { ?statement gk:timeText ?time }
  OPTIONAL { ?statement gk:date ?date }
}
GROUP BY ?statement ?mediator ?mediatorName ?time ?date ?sentence ?article
ORDER BY ?mediatorName ?date""",
}


def extras(path: Path) -> None:
    """Names, aliases and name keys of every actor, in one graph, as the loaders write them; and some
    joins and exits of alliances, so that alliance-members has exits to look at."""
    lines = []
    graph = f"<{BASE}/graph/names>"
    for kind, count in (("actor", 2000), ("alliance", 40)):
        for i in range(count):
            node = f"<{BASE}/id/actor/{kind}-{i}>"
            name, alias = f"{kind.title()} {i}", f"{kind[:2].upper()}{i}"
            lines.append(f'{node} <{SKOS}prefLabel> "{name}" {graph} .\n')
            lines.append(f'{node} <{SKOS}altLabel> "{alias}" {graph} .\n')
            for key in {name.lower(), alias.lower()}:
                lines.append(f'{node} <{GK}nameKey> "{key}" {graph} .\n')
    for i in range(0, 2000, 7):
        alliance = f"<{BASE}/id/actor/alliance-{i % 40}>"
        for kind, date in (("joinedAlliance", "2012"), ("leftAlliance", "2016")):
            st = f"<{BASE}/id/relation/names/{kind}-{i}>"
            lines += [f"{st} <{GK}relation> <{GK}{kind}> {graph} .\n",
                      f"{st} <{GK}subject> <{BASE}/id/actor/actor-{i}> {graph} .\n",
                      f"{st} <{GK}object> {alliance} {graph} .\n",
                      f'{st} <{GK}sentence> "Actor {i} {kind} in {date}." {graph} .\n',
                      f"{st} <{GK}statedIn> <{BASE}/id/article/a1> {graph} .\n",
                      f'{st} <{GK}date> "{date}"^^<http://www.w3.org/2001/XMLSchema#gYear> {graph} .\n']
    path.write_text("".join(lines), encoding="utf-8")


def build(work: Path, quads: int, store_dir: str | None = None):
    """The bench store, or the one an earlier run left in ``store_dir`` for the same size."""
    location = Path(store_dir) / f"named-{quads}" if store_dir else work / "store"
    done = location / "geokg-bench-quads"
    if not done.exists():
        data, more = work / "dataset.nq", work / "names.nq"
        count = make_dataset(data, quads)
        extras(more)
        shutil.rmtree(location, ignore_errors=True)
        store = ox.Store(str(location))
        for path in (data, more):
            store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
        # Compacted, as a store that has been written to settles (bench/entity_pages_bench.py).
        store.optimize()
        store.flush()
        del store
        count += sum(1 for _ in more.open())
        data.unlink()
        geokg = open_store(location)
        install_ontology(geokg)
        done.write_text(str(count))
        return geokg, count
    return open_store(location), int(done.read_text())


def cases(store) -> dict:
    """The parameters of each named query: names for actors, and a pair a statement relates."""
    row = store.query(f"""PREFIX gk: <{GK}> SELECT ?s ?r ?o WHERE {{
  <{BASE}/id/relation/a1/0> gk:subject ?s ; gk:relation ?r ; gk:object ?o }}""").texts()[0]
    name = {"s": "Actor " + row["s"].rsplit("-", 1)[1], "o": row["o"].rsplit("/", 1)[1].replace("-", " ").title()}
    found = store.query(f"""PREFIX gk: <{GK}> SELECT ?participant ?claimant WHERE {{
  <{BASE}/id/event/a1/0> gk:participant ?participant . <{BASE}/id/claim/a1/0> gk:claimant ?claimant }}""").texts()[0]
    # As people type them: in other cases, or by an alias.
    participant = "actor " + found["participant"].rsplit("-", 1)[1]
    kind, number = found["claimant"].rsplit("/", 1)[1].split("-")
    claimant = f"{kind[:2].lower()}{number}"
    return {
        "actor-events": {"actor": participant},
        "alliance-members": {"alliance": "Alliance 3", "asOf": "2020-01-01"},
        "claims-by": {"claimant": claimant},
        "hedged-claims": {},
        "mediations": {},
        "relation-sources": {"subject": name["s"], "relation": row["r"].rsplit("#", 1)[1], "object": name["o"]},
        "relations-between": {"a": name["s"], "b": name["o"]},
    }


def _old_actor(store, value, param):
    if value.startswith(("http://", "https://")):
        return catalogue.URIRef(value)
    rows = store.query(OLD_ACTOR_BY_NAME, {"name": Literal(value)}).rows()
    preferred = {r["actor"] for r in rows if r["preferred"].toPython()}
    found = preferred or {r["actor"] for r in rows}
    assert len(found) == 1, (value, found)
    return found.pop()


def before(store, name, values):
    """The named query as it ran before: substitutions, names matched by a filter over every label."""
    query = named.get(name)
    original = catalogue._actor
    catalogue._actor = _old_actor
    try:
        bound = named.bind(query, values, store)
    finally:
        catalogue._actor = original
    # The whole listing: paged queries were not paged before.
    bound.pop("page", None)
    return store.query(OLD_TEXTS.get(name, query.sparql), bound).rows()


def after(store, name, values):
    return named.run(store, named.get(name), values).rows()


def canonical(rows) -> list:
    """Distinct rows: alliance-members no longer repeats a membership whose member's name is in several graphs."""
    return sorted({json.dumps({k: str(v) for k, v in sorted(r.items())}) for r in rows})


def measure(store, rounds: int, with_before: bool = True) -> dict:
    out = {}
    for name, values in cases(store).items():
        times = {"before": [], "after": []}
        answers = {}
        ways = (("before", before), ("after", after)) if with_before else (("after", after),)
        for round_ in range(rounds + 1):
            for how, run in ways:
                started = time.perf_counter()
                answers[how] = run(store, name, values)
                # The first round reads the store's pages from disk into the cache for both.
                if round_:
                    times[how].append(time.perf_counter() - started)
        if not with_before:
            out[name] = {"after_s": statistics.median(times["after"]), "rows": len(answers["after"])}
            continue
        now, was = canonical(answers["after"]), canonical(answers["before"])
        # A paged query's first page is part of the whole listing it answered before.
        paged = named.get(name).page_size is not None
        out[name] = {"before_s": statistics.median(times["before"]), "after_s": statistics.median(times["after"]),
                     "rows": len(answers["after"]), "rows_before": len(answers["before"]), "paged": paged,
                     "same_rows": set(now) <= set(was) if paged else now == was}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quads", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--store-dir", help="keep each built store in this directory and reuse it")
    parser.add_argument("--before-max-quads", type=int, default=3_000_000,
                        help="time the old queries only up to this size (they take minutes at 10M quads)")
    args = parser.parse_args()
    for quads in args.quads:
        work = Path(tempfile.mkdtemp(prefix="geokg-named-"))
        try:
            started = time.perf_counter()
            store, count = build(work, quads, args.store_dir)
            print(f"\n{count} quads (built in {time.perf_counter() - started:.0f} s); medians of {args.rounds} "
                  "runs, before and after alternating")
            print(f"{'query':20s} {'before (subst.)':>16s} {'after (in text)':>15s} {'ratio':>8s} {'rows':>5s}  same")
            with_before = count <= args.before_max_quads
            for name, r in measure(store, args.rounds, with_before).items():
                if not with_before:
                    print(f"{name:20s} {'-':>16s} {r['after_s'] * 1000:12.1f} ms {'-':>8s} {r['rows']:5d}  -")
                    continue
                note = ""
                if r["paged"]:
                    note = f" (first page of the {r['rows_before']} rows the whole listing gave before)"
                elif r["rows_before"] != r["rows"]:
                    note = f" (before: {r['rows_before']} with repeats)"
                print(f"{name:20s} {r['before_s'] * 1000:13.1f} ms {r['after_s'] * 1000:12.1f} ms "
                      f"{r['before_s'] / r['after_s']:7.1f}x {r['rows']:5d}  {'yes' if r['same_rows'] else 'NO'}"
                      + note)
            del store
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
