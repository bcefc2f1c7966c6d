"""Small SPARQL updates on geokg against `oxigraph serve` on the same data, and reads while they happen.

    pip install -e '.[bench]'
    python bench/writes_bench.py [--updates 300]

Both servers get the seed article's quads. Updates alternate between the servers, one at a time over
a kept-alive connection, so both see the same machine load. Meanwhile one client reads from geokg
without pause; the report gives that reader's p99 and worst latency next to the median write, since
the goal is that no read waits longer than one write. Results: standard output and
bench/results/writes.json.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from endpoint_bench import free_port, stop_all, wait_for  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TOKEN = "bench-token"
READ = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/geokg/ontology#Alliance> }"


def post(connection, path, body, content_type, token=None):
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    started = time.perf_counter()
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    if response.status >= 300:
        raise SystemExit(f"{path} answered {response.status}")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=300)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="geokg-writes-"))
    gk_port, ox_port = free_port(), free_port()
    env = {**os.environ, "GEOKG_WRITE_TOKEN": TOKEN}
    with open(folder / "geokg.log", "wb") as gk_log, open(folder / "oxigraph.log", "wb") as ox_log:
        geokg = subprocess.Popen([sys.executable, "-m", "geokg", "serve", "--demo", "--port", str(gk_port)],
                                 cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=gk_log)
        oxigraph = subprocess.Popen(["oxigraph", "serve", "--location", str(folder / "ox"), "--bind",
                                     f"127.0.0.1:{ox_port}"], stdout=subprocess.DEVNULL, stderr=ox_log)
    try:
        wait_for(f"http://127.0.0.1:{gk_port}/sparql", 60)
        wait_for(f"http://127.0.0.1:{ox_port}/query", 60)
        gk = http.client.HTTPConnection("127.0.0.1", gk_port, timeout=60)
        ox = http.client.HTTPConnection("127.0.0.1", ox_port, timeout=60)
        gk.request("GET", "/sparql?" + urllib.parse.urlencode({"query": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"}),
                   headers={"Accept": "application/n-triples"})
        seed = gk.getresponse().read()
        post(ox, "/store?default", seed, "application/n-triples")

        reads, stop = [], threading.Event()

        def reader():
            connection = http.client.HTTPConnection("127.0.0.1", gk_port, timeout=60)
            path = "/sparql?" + urllib.parse.urlencode({"query": READ})
            while not stop.is_set():
                started = time.perf_counter()
                connection.request("GET", path, headers={"Accept": "application/sparql-results+json"})
                connection.getresponse().read()
                reads.append(time.perf_counter() - started)

        thread = threading.Thread(target=reader)
        thread.start()
        times = {"geokg": [], "oxigraph": []}
        for i in range(args.updates):
            text = f"INSERT DATA {{ GRAPH <urn:bench> {{ <urn:bench:s> <urn:bench:p> {i} }} }}".encode()
            times["geokg"].append(post(gk, "/sparql", text, "application/sparql-update", TOKEN))
            times["oxigraph"].append(post(ox, "/update", text, "application/sparql-update"))
        stop.set()
        thread.join()
        reads.sort()
        report = {
            "updates_each": args.updates,
            "update_median_ms": {k: round(1000 * statistics.median(v), 2) for k, v in times.items()},
            "update_p99_ms": {k: round(1000 * sorted(v)[int(len(v) * 0.99)], 2) for k, v in times.items()},
            "ratio_geokg_over_oxigraph": round(statistics.median(times["geokg"]) / statistics.median(times["oxigraph"]),
                                               2),
            "reads_during_writes": len(reads),
            "read_p50_ms": round(1000 * reads[len(reads) // 2], 2),
            "read_p99_ms": round(1000 * reads[int(len(reads) * 0.99)], 2),
            "read_max_ms": round(1000 * reads[-1], 2),
            "write_max_ms": round(1000 * max(times["geokg"]), 2),
        }
        print(json.dumps(report, indent=2))
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "writes.json").write_text(json.dumps(report, indent=2))
        return 0
    finally:
        stop_all([geokg, oxigraph])


if __name__ == "__main__":
    raise SystemExit(main())
