"""geokg's RemoteStore against `oxigraph serve` asked directly, on the same server, in one run.

    python bench/remote_bench.py [--triples 1000000] [--rounds 30]

The dataset of bench/endpoint_bench.py is bulk-loaded into a store that one `oxigraph serve` then serves.
Each of the five endpoint benchmark queries is asked in turns: directly (a kept-alive requests session
POSTing the query with the union-default-graph parameter and reading the SPARQL JSON answer), through
RemoteStore as the SPARQL endpoint asks it (``query(...).serialize("json")``), through RemoteStore as
the pages ask it (``query(...).rows()``, rdflib terms), and through `geokg serve --store URL` (its /sparql
over HTTP, SPARQL JSON). Reported: medians and their ratios to the direct request. Results go to standard output and bench/results/remote.json.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from endpoint_bench import BASE, QUERIES, free_port, make_dataset, stop_all, wait_for  # noqa: E402

from geokg.store.remote import RemoteStore  # noqa: E402


def direct(session, url: str, query: str) -> float:
    started = time.perf_counter()
    response = session.post(url, data={"query": query, "union-default-graph": ""},
                            headers={"Accept": "application/sparql-results+json"}, timeout=300)
    response.content
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: {response.text[:200]}")
    return time.perf_counter() - started


def geokg_sparql(session, url: str, query: str) -> float:
    started = time.perf_counter()
    response = session.post(url, data={"query": query}, headers={"Accept": "application/sparql-results+json"},
                            timeout=300)
    response.content
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: {response.text[:200]}")
    return time.perf_counter() - started


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="geokg-remote-bench-") as work:
        data, location = Path(work) / "dataset.nq", Path(work) / "oxigraph-store"
        count = make_dataset(data, args.triples)
        print(f"dataset: {count} quads; {args.rounds} rounds per query, the ways taking turns")
        store = ox.Store(str(location))
        store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
        store.flush()
        del store
        port = free_port()
        root = f"http://127.0.0.1:{port}/"
        server = subprocess.Popen(["oxigraph", "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        geokg_port = free_port()
        geokg = None
        try:
            wait_for(root + "query", 60)
            geokg = subprocess.Popen([sys.executable, "-m", "geokg", "serve", "--store", root, "--host", "127.0.0.1",
                                      "--port", str(geokg_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_for(f"http://127.0.0.1:{geokg_port}/sparql", 60)
            session, served, remote = requests.Session(), requests.Session(), RemoteStore(root)
            ways = {
                "oxigraph serve directly": lambda q: direct(session, root + "query", q),
                "RemoteStore, SPARQL JSON": lambda q: timed(lambda: remote.query(q).serialize("json")),
                "RemoteStore, rows": lambda q: timed(lambda: remote.query(q).rows()),
                "geokg serve /sparql": lambda q: geokg_sparql(served, f"http://127.0.0.1:{geokg_port}/sparql", q),
            }
            out = {"quads": count, "rounds": args.rounds, "medians_ms": {}, "ratios": {}}
            for name, template in QUERIES.items():
                query = template % {"base": BASE}
                times = {way: [] for way in ways}
                for way, run in ways.items():
                    run(query)
                for _ in range(args.rounds):
                    for way, run in ways.items():
                        times[way].append(run(query))
                medians = {way: statistics.median(t) * 1000 for way, t in times.items()}
                base = medians["oxigraph serve directly"]
                out["medians_ms"][name] = medians
                out["ratios"][name] = {way: m / base for way, m in medians.items()}
                print(f"{name}: " + "; ".join(f"{way} {m:.2f} ms ({m / base:.2f}x)" for way, m in medians.items()))
        finally:
            stop_all([p for p in (geokg, server) if p is not None])
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "remote.json").write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
