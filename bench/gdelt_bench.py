"""Loading a GDELT 2.0 event export into the embedded store (loaders/gdelt) against pyoxigraph's own
`Store.bulk_load` of the same quads as N-Quads, and the loader's peak RSS as the file grows.

    python bench/gdelt_bench.py [--events 100000 400000] [--rounds 3]

For each size, a GDELT-shaped file is synthesised from the real rows in tests/fixtures/gdelt and
../shared/anchors-data (when present): each row takes its event block (codes, QuadClass, Goldstein), each
actor block and each geo block from a real row drawn at random, so the values follow the real rows'
distributions; event ids are new, and source URLs repeat about three times as in a real export. The file is
loaded once to dump the N-Quads it becomes; then, in alternation and each in a fresh subprocess and a fresh
on-disk store, `load_gdelt` on the file and `Store.bulk_load` on the N-Quads. Each child reports the time of
the load alone (not the interpreter's start-up) and its peak RSS (ru_maxrss). Results: standard output and
bench/results/gdelt.json.
"""

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SOURCES = [ROOT / "tests" / "fixtures" / "gdelt" / "20191024143000.export.CSV",
           ROOT.parent / "shared" / "anchors-data" / "gdelt2_events_20191024143000.head200.export.CSV",
           ROOT.parent / "shared" / "anchors-data" / "gdelt2_events_20191024143000.interstate.export.CSV"]
# Column ranges of a 2.0 row (0-based, end exclusive): actor blocks, event block, geo blocks.
ACTOR1, ACTOR2, EVENT = (5, 15), (15, 25), (25, 35)
GEOS = ((35, 43), (43, 51), (51, 59))

GEOKG_CHILD = """
import json, resource, sys, time
from geokg.loaders.gdelt import load_gdelt
from geokg.loaders.ids import Ids
from geokg.store import open_store
store = open_store(sys.argv[2])
start = time.perf_counter()
loaded = load_gdelt(store, sys.argv[1], Ids())
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "triples": loaded.triples, "rows": loaded.rows,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

BULK_CHILD = """
import json, resource, sys, time
import pyoxigraph as ox
store = ox.Store(sys.argv[2])
start = time.perf_counter()
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
store.flush()
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "quads": len(store),
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

DUMP_CHILD = """
import sys
from geokg.loaders.gdelt import load_gdelt
from geokg.loaders.ids import Ids
from geokg.store import open_store
store = open_store(sys.argv[2])
load_gdelt(store, sys.argv[1], Ids())
store.dump_file(sys.argv[3], "nquads")
"""


def real_rows() -> list[list[str]]:
    rows = []
    for path in SOURCES:
        if path.is_file():
            rows += [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if len(r) == 61]


def synthesise(path: Path, events: int, seed: int = 13) -> None:
    """A GDELT 2.0 export of ``events`` rows whose blocks are drawn from the real rows."""
    rng = random.Random(seed)
    rows = real_rows()
    with open(path, "w", encoding="utf-8") as out:
        for i in range(events):
            row = list(rng.choice(rows))
            row[0] = str(900_000_000 + i)
            for lo, hi in (ACTOR1, ACTOR2, EVENT) + GEOS:
                row[lo:hi] = rng.choice(rows)[lo:hi]
            row[60] = f"{rng.choice(rows)[60]}#{i // 3}"
            out.write("\t".join(row) + "\n")


def child(code: str, source: Path, store: Path) -> dict:
    """One load in a fresh subprocess into a fresh store, which is removed afterwards (a million events take
    gigabytes on disk)."""
    try:
        done = subprocess.run([sys.executable, "-c", code, str(source), str(store)], capture_output=True, text=True,
                              check=True)
    finally:
        shutil.rmtree(store, ignore_errors=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, nargs="+", default=[100_000, 400_000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    report = {"machine": "shared (2 cores, other jobs running)", "sizes": []}
    with tempfile.TemporaryDirectory(prefix="gdelt-bench-") as tmp:
        tmp = Path(tmp)
        for events in args.events:
            source = tmp / f"{events}.export.CSV"
            synthesise(source, events)
            nquads = tmp / f"{events}.nq"
            subprocess.run([sys.executable, "-c", DUMP_CHILD, source, tmp / f"dump-{events}", nquads], check=True)
            shutil.rmtree(tmp / f"dump-{events}")
            geokg, bulk = [], []
            for round_ in range(args.rounds):
                geokg.append(child(GEOKG_CHILD, source, tmp / f"g-{events}-{round_}"))
                bulk.append(child(BULK_CHILD, nquads, tmp / f"b-{events}-{round_}"))
            quads = bulk[0]["quads"]
            g_rate = statistics.median(quads / r["seconds"] for r in geokg)
            b_rate = statistics.median(quads / r["seconds"] for r in bulk)
            size = {"events": events, "file_mb": round(source.stat().st_size / 2**20, 1), "quads": quads,
                    "geokg_quads_per_s": round(g_rate), "bulk_load_quads_per_s": round(b_rate),
                    "ratio": round(g_rate / b_rate, 3),
                    "geokg_peak_rss_mb": round(statistics.median(r["rss_mb"] for r in geokg), 1),
                    "bulk_load_peak_rss_mb": round(statistics.median(r["rss_mb"] for r in bulk), 1),
                    "geokg_seconds": [round(r["seconds"], 2) for r in geokg],
                    "bulk_load_seconds": [round(r["seconds"], 2) for r in bulk]}
            report["sizes"].append(size)
            print(json.dumps(size), flush=True)
            source.unlink()
            nquads.unlink()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "gdelt.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
