"""geokg's /sparql against `oxigraph serve` and rdflib-endpoint, on the same 1M-triple dataset, in one run.

    pip install -e '.[bench]'
    python bench/endpoint_bench.py [--triples 1000000] [--rounds 30] [--concurrency-seconds 30] [--load-seconds 60]
        [--skip-rdflib] [--workers N] [--cache-dir DIR] [--skip-latency] [--idle-seconds 40]

Every server gets the same N-Quads file and answers with the union of its graphs as the default graph.
Reported: the median latency of five typical queries (and ratios), throughput and errors with 16
clients for 30 s, geokg with 64 clients for 60 s while one more client sends a runaway query, and the
memory of each server with all its processes (RSS and PSS summed), idle and at its peak under the 16
clients. Results go to standard output and bench/results/endpoint.json (endpoint-<triples>.json for
another size). With --cache-dir the dataset and its stores are built once per size and reused.
"""

import argparse
import http.client
import json
import multiprocessing
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
from urllib.parse import urlencode

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


def make_dataset(path: Path, triples: int, hubs: int = 0) -> int:
    """Synthetic articles in the shape the loaders write: typed actors, and per article graph its relation
    statements, events and claims, each with its sentence, source and confidence. With ``hubs``, actors
    hub-0 ... hub-(hubs-1) also take turns as the subject of one more statement and a participant of
    one more event in every article, as a much-reported state is: at 10M quads and 4 hubs, each is in
    about 25,000 facts. Without them the data is what it always was."""
    rng = random.Random(7)
    actors = [f"{BASE}/id/actor/actor-{i}" for i in range(2000)] + [f"{BASE}/id/actor/alliance-{i}" for i in range(40)]
    hub_actors = [f"{BASE}/id/actor/hub-{i}" for i in range(hubs)]
    lines, article = [], 0

    def add(s, p, o, g):
        lines.append(f"<{s}> <{p}> {o} <{g}> .\n")

    # Typed actors, as the loaders write them: entity pages draw pictures only for actors.
    for i, actor in enumerate(actors + hub_actors):
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

        def statement(st, subject, pred, obj, sentence):
            add(st, RDF_TYPE, f"<{GK}{'Membership' if pred == 'memberOf' else 'RelationStatement'}>", graph)
            add(st, f"{GK}subject", f"<{subject}>", graph)
            add(st, f"{GK}relation", f"<{GK}{pred}>", graph)
            add(st, f"{GK}object", f"<{obj}>", graph)
            provenance(st, sentence)
            add(subject, f"{GK}{pred}", f"<{obj}>", graph)

        for k in range(12):
            subject, obj = rng.choice(actors[:2000]), rng.choice(actors)
            pred = rng.choice(PREDICATES)
            statement(f"{BASE}/id/relation/a{article}/{k}", subject, pred, obj,
                      f"Sentence {k} of article {article} says {pred}.")
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
        if hub_actors:
            hub = hub_actors[article % len(hub_actors)]
            st, ev, obj = f"{BASE}/id/relation/a{article}/hub", f"{BASE}/id/event/a{article}/hub", actors[article % 2000]
            pred = PREDICATES[article % len(PREDICATES)]
            statement(st, hub, pred, obj, f"Sentence 21 of article {article} says {pred}.")
            add(ev, RDF_TYPE, f"<{GK}Meeting>", graph)
            add(ev, RDFS_LABEL, f'"Meeting of article {article}"', graph)
            add(ev, f"{GK}participant", f"<{hub}>", graph)
            add(ev, f"{GK}participant", f"<{obj}>", graph)
            add(ev, f"{GK}date", f'"20{10 + article % 15}-0{1 + article % 9}-1{article % 10}"^^<{XSD}date>', graph)
            provenance(ev, f"Sentence 22 of article {article} tells of a Meeting.")
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


def _descendants(pid: int) -> list[int]:
    """The process and every process under it (geokg's forkserver, query workers and writer)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as stat:
                    parent = int(stat.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def memory(pid: int) -> dict:
    """RSS and PSS in MiB summed over a server's processes. PSS shares each page among the processes that
    map it, so pages a forked worker shares with its parent are counted once; RSS counts them in each."""
    rss = pss = 0
    processes = _descendants(pid)
    for each in processes:
        try:
            with open(f"/proc/{each}/smaps_rollup") as rollup:
                fields = {key: value for key, _, value in (line.partition(":") for line in rollup)}
        except OSError:
            continue
        rss += int(fields.get("Rss", "0 kB").split()[0])
        pss += int(fields.get("Pss", "0 kB").split()[0])
    return {"rss_mib": rss / 1024, "pss_mib": pss / 1024, "processes": len(processes)}


class PeakMemory:
    """Samples a server's memory every quarter second while a load runs; keeps the peak of each sum."""

    def __init__(self, pid: int):
        self.pid, self.peak = pid, {"rss_mib": 0.0, "pss_mib": 0.0, "processes": 0}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self.done.wait(0.25):
            now = memory(self.pid)
            self.peak = {key: max(self.peak[key], now[key]) for key in self.peak}

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()


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


def _light_clients(url: str, first: int, count: int, seconds: float, queries: list, answers) -> None:
    """``count`` clients in threads of one process, each on its own kept-alive connection, sending form
    POSTs with http.client: far less client CPU a request than requests, which on this 2-core machine
    took a whole core for 16 clients and so capped both servers' figures."""
    host, _, rest = url.removeprefix("http://").partition("/")
    path = "/" + rest
    stop = time.monotonic() + seconds
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()
    bodies = [urlencode({"query": q}).encode() for q in queries]
    headers = {"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"}

    def client(index):
        rng = random.Random(index)
        connection = http.client.HTTPConnection(host, timeout=120)
        while time.monotonic() < stop:
            try:
                connection.request("POST", path, body=rng.choice(bodies), headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(host, timeout=120)
                status = 0
            with lock:
                counts["ok" if status == 200 else "errors"] += 1

    threads = [threading.Thread(target=client, args=(first + i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    answers.put(counts)


def hammer(url: str, clients: int, seconds: float, runaway: bool = False) -> dict:
    """``clients`` clients sending the five queries at random for ``seconds``, spread over four client
    processes; with ``runaway``, one more client sends a runaway query again and again."""
    counts = {"ok": 0, "errors": 0, "runaway_answers": []}
    queries = [t % {"base": BASE} for t in QUERIES.values()]
    context = multiprocessing.get_context("fork")
    answers = context.Queue()
    groups = [list(range(clients))[i::4] for i in range(4)]
    processes = [context.Process(target=_light_clients, args=(url, group[0], len(group), seconds, queries, answers))
                 for group in groups if group]

    def runaway_client():
        stop = time.monotonic() + seconds
        while time.monotonic() < stop:
            try:
                _, status = ask(url, RUNAWAY, timeout=300)
            except requests.RequestException:
                status = 0
            counts["runaway_answers"].append(status)

    extra = threading.Thread(target=runaway_client) if runaway else None
    for process in processes:
        process.start()
    if extra:
        extra.start()
    for _ in processes:
        result = answers.get()
        counts["ok"] += result["ok"]
        counts["errors"] += result["errors"]
    for process in processes:
        process.join()
    if extra:
        extra.join()
    counts["throughput"] = counts["ok"] / seconds
    return counts


def prepare(work: Path, triples: int) -> tuple[int, Path, Path]:
    """The dataset and one bulk-loaded store per server under ``work``, built unless already there."""
    data, done = work / "dataset.nq", work / "built.json"
    geokg_store, oxi_store = work / "geokg-store", work / "oxigraph-store"
    if done.exists() and json.loads(done.read_text()).get("asked") == triples:
        count = json.loads(done.read_text())["quads"]
        print(f"dataset: {count} quads in {data} (built before)")
        return count, geokg_store, oxi_store
    for location in (geokg_store, oxi_store):
        shutil.rmtree(location, ignore_errors=True)
    count = make_dataset(data, triples)
    print(f"dataset: {count} quads in {data}")
    store = ox.Store(str(oxi_store))
    started = time.perf_counter()
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    print(f"bulk load: {time.perf_counter() - started:.1f} s")
    # A closed store is a directory of files: a copy is the same store, in seconds rather than a load.
    shutil.copytree(oxi_store, geokg_store)
    done.write_text(json.dumps({"asked": triples, "quads": count}))
    return count, geokg_store, oxi_store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--concurrency-seconds", type=float, default=30)
    parser.add_argument("--load-seconds", type=float, default=60, help="0 leaves out the 64 clients and the runaway")
    parser.add_argument("--skip-rdflib", action="store_true", help="leave rdflib-endpoint out (it is slow to load)")
    parser.add_argument("--skip-latency", action="store_true", help="memory and throughput only")
    parser.add_argument("--workers", type=int, help="geokg query worker processes (default: geokg's own)")
    parser.add_argument("--cache-dir", type=Path, help="keep the dataset and its stores here, one folder per size")
    parser.add_argument("--idle-seconds", type=float, default=40, help="quiet time before memory is taken idle")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = args.cache_dir / str(args.triples) if args.cache_dir else Path(tempfile.mkdtemp(prefix="geokg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    count, geokg_store, oxi_store = prepare(work, args.triples)
    servers, processes, pids = {}, [], {}
    try:
        # Before any server opens the store: a read-only open beside a writer is undefined in RocksDB.
        engine_only = {} if args.skip_latency else engine_latencies(oxi_store, args.rounds)
        port = free_port()
        env = {**os.environ, "GEOKG_TIMEOUT": "10"}
        if args.workers:
            env["GEOKG_WORKERS"] = str(args.workers)
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "geokg", "serve", "--store", str(geokg_store), "--port", str(port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        servers["geokg"] = f"http://127.0.0.1:{port}/sparql"
        pids["geokg"] = processes[-1].pid
        port = free_port()
        processes.append(subprocess.Popen(
            [shutil.which("oxigraph"), "serve", "--location", str(oxi_store), "--bind", f"127.0.0.1:{port}",
             "--union-default-graph", "--timeout-s", "10"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        servers["oxigraph serve"] = f"http://127.0.0.1:{port}/query"
        pids["oxigraph serve"] = processes[-1].pid
        if not args.skip_rdflib:
            port = free_port()
            processes.append(subprocess.Popen(
                [shutil.which("rdflib-endpoint"), "serve", str(work / "dataset.nq"), "--host", "127.0.0.1",
                 "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            servers["rdflib-endpoint"] = f"http://127.0.0.1:{port}/"
            pids["rdflib-endpoint"] = processes[-1].pid
        for name, url in servers.items():
            started = time.perf_counter()
            wait_for(url, 1800)
            print(f"{name} ready at {url} after {time.perf_counter() - started:.0f} s")
        report = {"triples": count, "latency_s": {}, "engine_only_s": engine_only, "concurrency_16": {},
                  "memory_mib": {}, "load_64_with_runaway": None}
        if not args.skip_latency:
            report["latency_s"] = latencies(servers, {name: args.rounds if name != "rdflib-endpoint" else 3
                                                      for name in servers})
            for query in QUERIES:
                row = {name: report["latency_s"][name][query] for name in servers}
                line = "  ".join(f"{n} {v * 1000:8.1f} ms" for n, v in row.items())
                ratio = row["geokg"] / row["oxigraph serve"]
                extra = (f"  rdflib/geokg {row['rdflib-endpoint'] / row['geokg']:.1f}x"
                         if "rdflib-endpoint" in row else "")
                print(f"{query:30s} {line}  (engine alone {engine_only[query] * 1000:.1f} ms)  "
                      f"geokg/oxigraph {ratio:.2f}x{extra}")
        else:
            for url in servers.values():
                for template in QUERIES.values():
                    ask(url, template % {"base": BASE})
        # Idle: every server has answered each query at least once, and then nothing for a while, long
        # enough for geokg to shrink to its idle size (store/pool.py IDLE_SECONDS).
        time.sleep(args.idle_seconds)
        for name in servers:
            report["memory_mib"][name] = {"idle": memory(pids[name])}
        for name, url in servers.items():
            with PeakMemory(pids[name]) as peak:
                result = hammer(url, 16, args.concurrency_seconds)
            report["memory_mib"][name]["under_16_clients"] = peak.peak
            report["concurrency_16"][name] = {k: v for k, v in result.items() if k != "runaway_answers"}
            print(f"16 clients, {args.concurrency_seconds:g} s, {name}: {result['throughput']:.1f} queries/s, "
                  f"{result['errors']} errors")
        for name, figures in report["memory_mib"].items():
            idle, busy = figures["idle"], figures["under_16_clients"]
            print(f"memory, {name} ({idle['processes']} processes idle): idle RSS {idle['rss_mib']:.0f} MiB, "
                  f"PSS {idle['pss_mib']:.0f} MiB; peak under 16 clients RSS {busy['rss_mib']:.0f} MiB, "
                  f"PSS {busy['pss_mib']:.0f} MiB")
        ours, theirs = report["memory_mib"]["geokg"], report["memory_mib"]["oxigraph serve"]
        for state in ("idle", "under_16_clients"):
            print(f"geokg/oxigraph memory {state}: RSS {ours[state]['rss_mib'] / theirs[state]['rss_mib']:.2f}x, "
                  f"PSS {ours[state]['pss_mib'] / theirs[state]['pss_mib']:.2f}x")
        print(f"geokg/oxigraph throughput with 16 clients: "
              f"{report['concurrency_16']['geokg']['throughput'] / report['concurrency_16']['oxigraph serve']['throughput']:.2f}x")
        if args.load_seconds > 0:
            load = hammer(servers["geokg"], 64, args.load_seconds, runaway=True)
            report["load_64_with_runaway"] = load
            print(f"64 clients + 1 runaway, {args.load_seconds:g} s, geokg: {load['throughput']:.1f} queries/s, "
                  f"{load['errors']} errors for the 64; runaway answered {sorted(set(load['runaway_answers']))} "
                  f"({len(load['runaway_answers'])} times)")
        name = "endpoint.json" if args.triples == 1_000_000 else f"endpoint-{args.triples}.json"
        (RESULTS / name).write_text(json.dumps(report, indent=2))
    finally:
        stop_all(processes)
        if not args.cache_dir:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
