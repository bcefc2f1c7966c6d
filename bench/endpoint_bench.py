"""geokg's /sparql against `oxigraph serve` and rdflib-endpoint, on the same 1M-triple dataset, in one run.

    pip install -e '.[bench]'
    python bench/endpoint_bench.py [--triples 1000000] [--rounds 30] [--concurrency-seconds 30] [--load-seconds 60]

Every server gets the same N-Quads file and answers with the union of its graphs as the default graph.
Reported: the median latency of five typical queries (and ratios), throughput and errors with 16
clients for 30 s, and geokg with 64 clients for 60 s while one more client sends a runaway query.
Results go to standard output and bench/results/endpoint.json.
"""

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import requests

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
GK = "https://w3id.org/geokg/ontology#"
BASE = "https://geokg.example.org"
PREFIXES = f"PREFIX gk: <{GK}>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
QUERIES = {
    "alliance members": PREFIXES + """SELECT ?name WHERE {
  ?st gk:relation gk:memberOf ; gk:subject ?m ; gk:object <%(base)s/id/actor/alliance-3> .
  ?m skos:prefLabel ?name } ORDER BY ?name""",
    "relations by kind": PREFIXES + """SELECT ?rel (COUNT(*) AS ?n) WHERE {
  ?st gk:relation ?rel ; gk:subject <%(base)s/id/actor/actor-17> } GROUP BY ?rel ORDER BY DESC(?n)""",
    "events of an actor": PREFIXES + """SELECT ?e ?date WHERE {
  ?e gk:participant <%(base)s/id/actor/actor-42> ; gk:date ?date } ORDER BY ?date LIMIT 50""",
    "hedged claims of a claimant": PREFIXES + """SELECT ?c ?content ?hedge WHERE {
  ?c gk:claimant <%(base)s/id/actor/actor-7> ; gk:content ?content ; gk:hedge ?hedge } LIMIT 100""",
    "relations between two actors": PREFIXES + """SELECT ?rel ?sentence WHERE {
  { ?st gk:subject <%(base)s/id/actor/actor-5> ; gk:object <%(base)s/id/actor/actor-9> }
  UNION { ?st gk:subject <%(base)s/id/actor/actor-9> ; gk:object <%(base)s/id/actor/actor-5> }
  ?st gk:relation ?rel ; gk:sentence ?sentence }""",
}
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
PREDICATES = ["memberOf", "alliedWith", "hostileTo", "supports", "mediatesBetween", "leaderOf", "reconciledWith"]
EVENTS = ["Meeting", "Mediation", "Statement", "Sanction", "MilitaryAction", "Election"]


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"
ACTOR_TYPES = ("State", "ArmedGroup", "PoliticalParty", "Person", "Organization")


def make_dataset(path: Path, triples: int) -> int:
    """Synthetic articles in the shape the loaders write: typed actors, and per article graph its relation
    statements, events and claims, each with its sentence, source and confidence."""
    rng = random.Random(7)
    actors = [f"{BASE}/id/actor/actor-{i}" for i in range(2000)] + [f"{BASE}/id/actor/alliance-{i}" for i in range(40)]
    lines, article = [], 0

    def add(s, p, o, g):
        lines.append(f"<{s}> <{p}> {o} <{g}> .\n")

    # Typed actors, as the loaders write them: entity pages draw pictures only for actors.
    for i, actor in enumerate(actors):
        kind = "Alliance" if "alliance" in actor else ACTOR_TYPES[i % len(ACTOR_TYPES)]
        add(actor, RDF_TYPE, f"<{GK}{kind}>", f"{BASE}/graph/actors")
        add(actor, RDFS_LABEL, f'"{actor.rsplit("/", 1)[1].replace("-", " ").title()}"', f"{BASE}/graph/actors")

    while len(lines) < triples:
        article += 1
        graph, art = f"{BASE}/graph/a{article}", f"{BASE}/id/article/a{article}"
        add(art, RDF_TYPE, f"<{GK}Article>", graph)
        add(art, RDFS_LABEL, f'"Article {article}"', graph)

        def provenance(node, sentence):
            add(node, f"{GK}statedIn", f"<{art}>", graph)
            add(node, f"{GK}sentence", f'"{sentence}"', graph)
            add(node, f"{GK}confidence", f'"0.{rng.randint(500, 999)}"^^<{XSD}decimal>', graph)

        for k in range(12):
            subject, obj = rng.choice(actors[:2000]), rng.choice(actors)
            pred = rng.choice(PREDICATES)
            st = f"{BASE}/id/relation/a{article}/{k}"
            add(st, RDF_TYPE, f"<{GK}{'Membership' if pred == 'memberOf' else 'RelationStatement'}>", graph)
            add(st, f"{GK}subject", f"<{subject}>", graph)
            add(st, f"{GK}relation", f"<{GK}{pred}>", graph)
            add(st, f"{GK}object", f"<{obj}>", graph)
            provenance(st, f"Sentence {k} of article {article} says {pred}.")
            add(subject, f"{GK}{pred}", f"<{obj}>", graph)
        for k in range(5):
            ev = f"{BASE}/id/event/a{article}/{k}"
            kind = rng.choice(EVENTS)
            add(ev, RDF_TYPE, f"<{GK}{kind}>", graph)
            add(ev, RDFS_LABEL, f'"{kind} {k} of article {article}"', graph)
            for actor in rng.sample(actors, 2):
                add(ev, f"{GK}participant", f"<{actor}>", graph)
            add(ev, f"{GK}date", f'"20{rng.randint(10, 24)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"'
                f'^^<{XSD}date>', graph)
            provenance(ev, f"Sentence {12 + k} of article {article} tells of a {kind}.")
        for k in range(4):
            claim = f"{BASE}/id/claim/a{article}/{k}"
            add(claim, RDF_TYPE, f"<{GK}Claim>", graph)
            add(claim, f"{GK}claimant", f"<{rng.choice(actors)}>", graph)
            add(claim, f"{GK}content", f'"Claim {k} of article {article}."', graph)
            add(claim, f"{GK}directQuote", f'"false"^^<{XSD}boolean>', graph)
            add(claim, f"{GK}hedge", f'"{rng.choice(["reportedly", "is believed", "accused"])}"', graph)
            provenance(claim, f"Sentence {17 + k} of article {article} reports a claim.")
        for i in rng.sample(range(2000), 3):
            add(actors[i], "http://www.w3.org/2004/02/skos/core#prefLabel", f'"Actor {i}"', graph)
            add(actors[i], RDFS_LABEL, f'"Actor {i}"', graph)
    path.write_text("".join(lines), encoding="utf-8")
    return len(lines)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_all(processes) -> None:
    """Ask every server to stop, then kill the ones that have not within 20 s."""
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            response = requests.get(url, params={"query": "ASK {}"},
                                    headers={"Accept": "application/sparql-results+json"}, timeout=5)
            if response.status_code == 200:
                return
            time.sleep(0.5)
        except requests.RequestException:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up in {seconds} s")


def ask(url: str, query: str, timeout: float = 300, session=None) -> tuple[float, int]:
    started = time.perf_counter()
    response = (session or requests).post(url, data={"query": query},
                                          headers={"Accept": "application/sparql-results+json"}, timeout=timeout)
    return time.perf_counter() - started, response.status_code


def latencies(servers: dict, rounds: dict) -> dict:
    """Median latency of each query on each server. The servers take turns within every round, so a
    change in the machine's speed (this VM's swings by 2x) falls on all of them alike; each client
    keeps its connection alive, as a browser or a SPARQL library with a session does."""
    sessions = {name: requests.Session() for name in servers}
    out = {name: {} for name in servers}
    for query_name, template in QUERIES.items():
        query = template % {"base": BASE}
        times = {name: [] for name in servers}
        for name, url in servers.items():
            ask(url, query, session=sessions[name])
        for turn in range(max(rounds.values())):
            for name, url in servers.items():
                if turn < rounds[name]:
                    seconds, status = ask(url, query, session=sessions[name])
                    if status != 200:
                        raise RuntimeError(f"{url}: {query_name} answered {status}")
                    times[name].append(seconds)
        for name in servers:
            out[name][query_name] = statistics.median(times[name])
    return out


def engine_latencies(location: Path, rounds: int) -> dict:
    """The same queries run by pyoxigraph in this process, with no HTTP: what is left is the engine's."""
    store = ox.Store.read_only(str(location))
    out = {}
    for name, template in QUERIES.items():
        query = template % {"base": BASE}
        times = []
        for _ in range(rounds + 1):
            started = time.perf_counter()
            store.query(query, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)
            times.append(time.perf_counter() - started)
        out[name] = statistics.median(times[1:])
    del store
    return out


def hammer(url: str, clients: int, seconds: float, runaway: bool = False) -> dict:
    stop = time.monotonic() + seconds
    counts = {"ok": 0, "errors": 0, "runaway_answers": []}
    lock = threading.Lock()
    queries = [t % {"base": BASE} for t in QUERIES.values()]

    def client(index):
        rng = random.Random(index)
        session = requests.Session()
        while time.monotonic() < stop:
            try:
                _, status = ask(url, rng.choice(queries), timeout=120, session=session)
            except requests.RequestException:
                status = 0
            with lock:
                counts["ok" if status == 200 else "errors"] += 1

    def runaway_client():
        while time.monotonic() < stop:
            try:
                _, status = ask(url, RUNAWAY, timeout=300)
            except requests.RequestException:
                status = 0
            counts["runaway_answers"].append(status)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    if runaway:
        threads.append(threading.Thread(target=runaway_client))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts["throughput"] = counts["ok"] / seconds
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--concurrency-seconds", type=float, default=30)
    parser.add_argument("--load-seconds", type=float, default=60)
    parser.add_argument("--skip-rdflib", action="store_true", help="leave rdflib-endpoint out (it is slow to load)")
    parser.add_argument("--workers", type=int, default=2, help="geokg query worker processes")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="geokg-bench-"))
    data = work / "dataset.nq"
    count = make_dataset(data, args.triples)
    print(f"dataset: {count} quads in {data}")
    servers, processes = {}, []
    try:
        geokg_store, oxi_store = work / "geokg-store", work / "oxigraph-store"
        oxi_copy = work / "engine-store"
        for location in (geokg_store, oxi_store, oxi_copy):
            store = ox.Store(str(location))
            started = time.perf_counter()
            store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
            store.flush()
            del store
            print(f"bulk load into {location.name}: {time.perf_counter() - started:.1f} s")
        port = free_port()
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "geokg", "serve", "--store", str(geokg_store), "--port", str(port)],
            env={**os.environ, "GEOKG_TIMEOUT": "10", "GEOKG_WORKERS": str(args.workers)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        servers["geokg"] = f"http://127.0.0.1:{port}/sparql"
        port = free_port()
        processes.append(subprocess.Popen(
            [shutil.which("oxigraph"), "serve", "--location", str(oxi_store), "--bind", f"127.0.0.1:{port}",
             "--union-default-graph", "--timeout-s", "10"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        servers["oxigraph serve"] = f"http://127.0.0.1:{port}/query"
        if not args.skip_rdflib:
            port = free_port()
            processes.append(subprocess.Popen(
                [shutil.which("rdflib-endpoint"), "serve", str(data), "--host", "127.0.0.1", "--port", str(port)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            servers["rdflib-endpoint"] = f"http://127.0.0.1:{port}/"
        for name, url in servers.items():
            started = time.perf_counter()
            wait_for(url, 1800)
            print(f"{name} ready at {url} after {time.perf_counter() - started:.0f} s")
        report = {"triples": count, "latency_s": {}, "concurrency_16": {}, "load_64_with_runaway": None}
        report["latency_s"] = latencies(servers, {name: args.rounds if name != "rdflib-endpoint" else 3
                                                  for name in servers})
        report["engine_only_s"] = engine_latencies(oxi_copy, args.rounds)
        for query in QUERIES:
            row = {name: report["latency_s"][name][query] for name in servers}
            line = "  ".join(f"{n} {v * 1000:8.1f} ms" for n, v in row.items())
            ratio = row["geokg"] / row["oxigraph serve"]
            extra = f"  rdflib/geokg {row['rdflib-endpoint'] / row['geokg']:.1f}x" if "rdflib-endpoint" in row else ""
            print(f"{query:30s} {line}  (engine alone {report['engine_only_s'][query] * 1000:.1f} ms)  "
                  f"geokg/oxigraph {ratio:.2f}x{extra}")
        for name, url in servers.items():
            result = hammer(url, 16, args.concurrency_seconds)
            report["concurrency_16"][name] = {k: v for k, v in result.items() if k != "runaway_answers"}
            print(f"16 clients, {args.concurrency_seconds:g} s, {name}: {result['throughput']:.1f} queries/s, "
                  f"{result['errors']} errors")
        load = hammer(servers["geokg"], 64, args.load_seconds, runaway=True)
        report["load_64_with_runaway"] = load
        print(f"64 clients + 1 runaway, {args.load_seconds:g} s, geokg: {load['throughput']:.1f} queries/s, "
              f"{load['errors']} errors for the 64; runaway answered {sorted(set(load['runaway_answers']))} "
              f"({len(load['runaway_answers'])} times)")
        (RESULTS / "endpoint.json").write_text(json.dumps(report, indent=2))
    finally:
        stop_all(processes)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
