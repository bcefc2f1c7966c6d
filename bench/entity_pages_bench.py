"""Entity page render time: p50 and p99 of HTML actor pages served by `geokg serve`.

    python bench/entity_pages_bench.py [--triples 1000000] [--pages 300] [--hubs 4] [--store-dir DIR]

Targets from the issue: p50 <= 30 ms and p99 <= 150 ms at 10M quads. The dataset is the endpoint
benchmark's, with --hubs actors that are in one more statement and one more event of every article
(about 25,000 facts each at 10M quads): their pages, first pages and a later page, and their .json
twins, are timed apart from the random actors'. --store-dir keeps the built store there and reuses it
on the next run with the same size and hubs (building 10M quads takes minutes).
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


def built_store(work: Path, triples: int, hubs: int, store_dir: str | None) -> tuple[Path, int]:
    """The bench store, built from make_dataset, or the one an earlier run left in ``store_dir``."""
    if store_dir:
        location = Path(store_dir) / f"pages-{triples}-hubs{hubs}"
        done = location / "geokg-bench-quads"
        if done.exists():
            return location, int(done.read_text())
    else:
        location = work / "store"
    data = work / "dataset.nq"
    count = make_dataset(data, triples, hubs=hubs)
    shutil.rmtree(location, ignore_errors=True)
    store = ox.Store(str(location))
    store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
    # Compacted, as a store that has been written to settles: straight after a bulk load, each lookup
    # searches about a hundred files, and at 10M quads a page's facts cost twice as much.
    store.optimize()
    store.flush()
    del store
    data.unlink()
    if store_dir:
        (location / "geokg-bench-quads").write_text(str(count))
    return location, count


def percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times) * 1000, times[min(len(times) - 1, int(len(times) * 0.99))] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--hubs", type=int, default=4, help="hub actors in every article (0: none)")
    parser.add_argument("--hub-rounds", type=int, default=20, help="times each hub page is asked for")
    parser.add_argument("--store-dir", help="keep the built store in this directory and reuse it")
    parser.add_argument("--new-connections", action="store_true",
                        help="open a connection per page instead of keeping one alive")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="geokg-pages-"))
    try:
        started = time.perf_counter()
        location, count = built_store(work, args.triples, args.hubs, args.store_dir)
        print(f"store ready in {time.perf_counter() - started:.0f} s")
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "geokg", "serve", "--store", str(location),
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
            p50, p99 = percentiles(times)
            connection = "a new connection each" if args.new_connections else "one kept-alive connection"
            print(f"{count} quads; {len(times)} distinct actor pages, {connection}")
            print(f"p50 {p50:.1f} ms (target 30, ratio {p50 / 30:.2f}); p99 {p99:.1f} ms (target 150, ratio "
                  f"{p99 / 150:.2f})")
            if args.hubs:
                hub_times = {"html": [], "json": [], "html page 3": []}
                for round_ in range(args.hub_rounds):
                    for i in range(args.hubs):
                        url = f"http://127.0.0.1:{port}/id/actor/hub-{i}"
                        for kind, (target, accept) in {"html": (url, "text/html"), "json": (url + ".json", "*/*"),
                                                       "html page 3": (url + "?page=3", "text/html")}.items():
                            started = time.perf_counter()
                            response = session.get(target, headers={"Accept": accept}, timeout=60)
                            hub_times[kind].append(time.perf_counter() - started)
                            assert response.status_code == 200, (target, response.status_code)
                facts = session.get(f"http://127.0.0.1:{port}/id/actor/hub-0.json", timeout=60).json()
                counts = facts.get("paging", {}).get("counts", {})
                print(f"{args.hubs} hub actors ({', '.join(f'{v} {k}' for k, v in counts.items())} for hub-0), "
                      f"each page {args.hub_rounds} times:")
                for kind, found in hub_times.items():
                    p50, p99 = percentiles(found)
                    print(f"  {kind:12s} p50 {p50:.1f} ms, p99 {p99:.1f} ms")
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
