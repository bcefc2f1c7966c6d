"""Entity page render time at 1M triples: p50 and p99 of HTML actor pages served by `geokg serve`.

    python bench/entity_pages_bench.py [--triples 1000000] [--pages 300]

Targets from the issue: p50 <= 30 ms and p99 <= 150 ms. The dataset is the endpoint benchmark's.
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from endpoint_bench import free_port, make_dataset, wait_for  # noqa: E402


def reference() -> float:
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--new-connections", action="store_true",
                        help="open a connection per page instead of keeping one alive")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="geokg-pages-"))
    try:
        data = work / "dataset.nq"
        count = make_dataset(data, args.triples)
        store = ox.Store(str(work / "store"))
        store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
        store.flush()
        del store
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "geokg", "serve", "--store", str(work / "store"),
                                   "--port", str(port)], env={**os.environ, "GEOKG_WORKERS": "2"},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(f"http://127.0.0.1:{port}/sparql", 120)
            rng = random.Random(3)
            # One connection kept alive, as a browser does (or, with --new-connections, one per page).
            session = requests if args.new_connections else requests.Session()
            # Distinct pages, none of them asked for before the timed run: every one is rendered cold.
            picked = rng.sample(range(2000), args.pages + 10)
            for i in picked[:10]:
                session.get(f"http://127.0.0.1:{port}/id/actor/actor-{i}", headers={"Accept": "text/html"}, timeout=60)
            urls = [f"http://127.0.0.1:{port}/id/actor/actor-{i}" for i in picked[10:]]
            times = []
            for url in urls:
                started = time.perf_counter()
                response = session.get(url, headers={"Accept": "text/html"}, timeout=60)
                times.append(time.perf_counter() - started)
                assert response.status_code == 200, (url, response.status_code)
            times.sort()
            p50 = statistics.median(times) * 1000
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))] * 1000
            connection = "a new connection each" if args.new_connections else "one kept-alive connection"
            print(f"{count} quads; {len(times)} distinct actor pages, {connection}")
            print(f"p50 {p50:.1f} ms (target 30, ratio {p50 / 30:.2f}); p99 {p99:.1f} ms (target 150, ratio "
                  f"{p99 / 150:.2f})")
            print(f"machine reference: 10M CPython additions took {reference():.2f} s (about 0.5 s on an unloaded "
                  "current x86 core); a slower reference means a slower machine")
        finally:
            server.terminate()
            server.wait(timeout=20)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
