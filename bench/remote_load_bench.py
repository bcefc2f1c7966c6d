"""The GDELT load of bench/gdelt_bench.py into the remote stores: the same synthesised GDELT 2.0 export loaded
by `load_gdelt` (what `geokg load` runs for a GDELT table) into the embedded store, into `oxigraph serve`
and into Virtuoso (virtuoso-t), against pyoxigraph's own `Store.bulk_load` of the same quads as N-Quads, in
the same run.

    python bench/remote_load_bench.py [--events 100000] [--rounds 3]

Each round runs every way in turn, each into a fresh store (a new directory; a new server process for
`oxigraph serve` and Virtuoso, started on free loopback ports by tests/stores.py and stopped afterwards),
each load in a fresh subprocess that reports the time of the load alone. Each remote store is counted after
its load (it must hold the bulk-loaded number of quads). Medians; ratios are quads per second against
bulk_load's and against the embedded load's. Results: standard output and bench/results/remote_load.json.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from gdelt_bench import BULK_CHILD, DUMP_CHILD, GEOKG_CHILD, RESULTS, synthesise  # noqa: E402
from tests.stores import start_oxigraph, start_virtuoso  # noqa: E402

COUNT_CHILD = """
import sys
from geokg.store import open_store
print(len(open_store(sys.argv[1])))
"""


def run(code: str, *args) -> dict:
    done = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def remote(kind: str, source: Path, tmp: Path) -> dict:
    """One load into a fresh server of ``kind``, counted afterwards."""
    if kind == "oxigraph serve":
        process, location = start_oxigraph(tmp / "oxigraph")

        def stop():
            process.terminate()
            process.wait(30)
            shutil.rmtree(tmp / "oxigraph", ignore_errors=True)
    else:
        server = start_virtuoso(tmp / "virtuoso")
        location, stop = server.location, server.stop
    try:
        result = run(GEOKG_CHILD, source, location)
        counted = subprocess.run([sys.executable, "-c", COUNT_CHILD, location], capture_output=True, text=True)
        # A count the store refuses (its own time limit, on a big store) is reported, not taken as a failed load.
        result["stored"] = (int(counted.stdout.strip()) if counted.returncode == 0
                            else counted.stderr.strip().splitlines()[-1][:300])
        return result
    finally:
        stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, nargs="+", default=[100_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--stores", default="embedded,bulk_load,oxigraph serve,virtuoso")
    args = parser.parse_args()
    ways = args.stores.split(",")
    report = {"machine": "shared (2 cores, other jobs running)", "sizes": []}
    with tempfile.TemporaryDirectory(prefix="remote-load-bench-") as tmp:
        tmp = Path(tmp)
        for events in args.events:
            source = tmp / f"{events}.export.CSV"
            synthesise(source, events)
            nquads = tmp / f"{events}.nq"
            subprocess.run([sys.executable, "-c", DUMP_CHILD, source, tmp / "dump", nquads], check=True)
            shutil.rmtree(tmp / "dump")
            runs = {way: [] for way in ways}
            for round_ in range(args.rounds):
                for way in ways:
                    where = tmp / f"{way.replace(' ', '-')}-{round_}"
                    if way == "embedded":
                        runs[way].append(run(GEOKG_CHILD, source, where))
                    elif way == "bulk_load":
                        runs[way].append(run(BULK_CHILD, nquads, where))
                    else:
                        where.mkdir()
                        runs[way].append(remote(way, source, where))
                    shutil.rmtree(where, ignore_errors=True)
                    print(way, round_, json.dumps(runs[way][-1]), flush=True)
            quads = runs["bulk_load"][0]["quads"] if "bulk_load" in runs else runs["embedded"][0]["triples"]
            rates = {way: statistics.median(quads / r["seconds"] for r in done) for way, done in runs.items()}
            size = {"events": events, "quads": quads,
                    "quads_per_s": {way: round(rate) for way, rate in rates.items()},
                    "seconds": {way: [round(r["seconds"], 2) for r in done] for way, done in runs.items()},
                    "stored": {way: [r.get("stored") for r in done] for way, done in runs.items()
                               if way not in ("embedded", "bulk_load")}}
            for base in ("bulk_load", "embedded"):
                if base in rates:
                    size[f"ratio_to_{base}"] = {way: round(rate / rates[base], 3) for way, rate in rates.items()}
            report["sizes"].append(size)
            print(json.dumps(size), flush=True)
            source.unlink()
            nquads.unlink()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "remote_load.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
