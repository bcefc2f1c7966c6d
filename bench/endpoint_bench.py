"""geokg's /sparql against `oxigraph serve` and rdflib-endpoint, on the same 1M-triple dataset, in one run.

    pip install -e '.[bench]'
    python bench/endpoint_bench.py [--triples 1000000] [--rounds 15] [--concurrency-seconds 30] [--load-seconds 60]

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


def ask(url: str, query: str, timeout: float = 300) -> tuple[float, int]:
    started = time.perf_counter()
    response = requests.post(url, data={"query": query}, headers={"Accept": "application/sparql-results+json"},
                             timeout=timeout)
    return time.perf_counter() - started, response.status_code


def latencies(url: str, rounds: int) -> dict:
    out = {}
    for name, template in QUERIES.items():
        query = template % {"base": BASE}
        ask(url, query)
        times = []
        for _ in range(rounds):
            seconds, status = ask(url, query)
            if status != 200:
                raise RuntimeError(f"{url}: {name} answered {status}")
            times.append(seconds)
        out[name] = statistics.median(times)
    return out


def hammer(url: str, clients: int, seconds: float, runaway: bool = False) -> dict:
    stop = time.monotonic() + seconds
    counts = {"ok": 0, "errors": 0, "runaway_answers": []}
    lock = threading.Lock()
    queries = [t % {"base": BASE} for t in QUERIES.values()]

    def client(index):
        rng = random.Random(index)
        while time.monotonic() < stop:
            try:
                _, status = ask(url, rng.choice(queries), timeout=120)
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
    parser.add_argument("--rounds", type=int, default=15)
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
        for location in (geokg_store, oxi_store):
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
        for name, url in servers.items():
            report["latency_s"][name] = latencies(url, args.rounds if name != "rdflib-endpoint" else 3)
        for query in QUERIES:
            row = {name: report["latency_s"][name][query] for name in servers}
            line = "  ".join(f"{n} {v * 1000:8.1f} ms" for n, v in row.items())
            ratio = row["geokg"] / row["oxigraph serve"]
            extra = f"  rdflib/geokg {row['rdflib-endpoint'] / row['geokg']:.0f}x" if "rdflib-endpoint" in row else ""
            print(f"{query:30s} {line}  geokg/oxigraph {ratio:.2f}x{extra}")
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
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
