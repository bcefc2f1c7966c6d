"""Articles per second of `geokg load` on a corpus of articles: in one process, with `--jobs N` and with
`--dask` on a Dask LocalCluster of N workers, in the same run.

    python bench/corpus_bench.py [--articles ../shared/articles] [--copies 1 10] [--rounds 3]

The articles are the `.txt` files of the folder (read there; nothing of them is written outside a
temporary folder). `--copies K` also times a corpus of K copies of each article under other names
(K x 19 articles, each its own graph), where the workers' start-up weighs less. Each timed run is
`geokg load FILES --store FRESH [OPTIONS]` in a fresh subprocess, wall time from its start to its exit,
review files included; the modes are interleaved round by round, and the medians and ratios to the
serial load are reported. Worker counts: 1, 2 and the number of cores.

`--jobs N` starts its N worker processes inside each run, so their start-up (spaCy and its model, about
1.5 s of CPU each) is in every figure. A Dask cluster is already running when `geokg load --dask` starts,
as a cluster is: its workers are started before the timed runs, and once the worker plugin has loaded
spaCy in them they keep it from one run to the next; the first run on each cluster is reported apart.
A last check: 100 claims files (bench/load_bench.py's synthetic ones), serial and `--jobs 2`, which
must cost the same, since claims files are read in the loading process.

Results: standard output and bench/results/corpus.json.
"""

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_ARTICLES = ROOT.parent / "shared" / "articles"


def corpus(articles: Path, copies: int, into: Path) -> list[str]:
    """The articles, or ``copies`` copies of each under other names, in a temporary folder."""
    sources = sorted(articles.glob("*.txt"))
    if copies == 1:
        return [str(p) for p in sources]
    into.mkdir(parents=True, exist_ok=True)
    out = []
    for k in range(copies):
        for source in sources:
            target = into / f"c{k:03d}-{source.name}"
            shutil.copyfile(source, target)
            out.append(str(target))
    return out


def timed_load(files: list[str], options: list[str], work: Path) -> float:
    store = work / "store"
    shutil.rmtree(store, ignore_errors=True)
    shutil.rmtree(work / "store-claims", ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "geokg", "load", "--store", str(store), *options, *files],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"geokg load {' '.join(options)} failed:\n{done.stderr}")
    return elapsed


def export(work: Path) -> list[str]:
    out = subprocess.run([sys.executable, "-m", "geokg", "export", "--store", str(work / "store")],
                         capture_output=True, check=True)
    return sorted(out.stdout.decode("utf-8").splitlines())


def claims_files(folder: Path, count: int) -> list[str]:
    sys.path.insert(0, str(ROOT / "bench"))
    from load_bench import _actor_pool, claims_file

    rng = random.Random(13)
    pool = _actor_pool(rng)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"claims-{i:04d}.yaml"
        path.write_text(claims_file(i, rng, pool), encoding="utf-8")
        paths.append(str(path))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import logging

    from distributed import LocalCluster

    # The cluster's own INFO lines would bury the figures.
    logging.getLogger("distributed").setLevel(logging.WARNING)

    cores = os.cpu_count() or 1
    counts = sorted({1, 2, cores})
    results = {"machine": {"cores": cores, "python": platform.python_version(),
                           "note": "shared with other work while measured"}, "corpora": []}
    with tempfile.TemporaryDirectory(prefix="geokg-corpus-bench-") as tmp:
        tmp = Path(tmp)
        clusters = {n: LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                                    dashboard_address=":0") for n in counts}
        try:
            for copies in args.copies:
                files = corpus(args.articles, copies, tmp / f"copies-{copies}")
                modes = {"serial": []}
                modes.update({f"--jobs {n}": ["--jobs", str(n)] for n in counts})
                modes.update({f"--dask ({n} workers)": ["--dask", clusters[n].scheduler_address] for n in counts})
                runs = {name: [] for name in modes}
                firsts = {}
                reference = None
                for round_ in range(args.rounds + 1):
                    for name, options in modes.items():
                        work = tmp / "work"
                        seconds = timed_load(files, options, work)
                        if round_ == 0:
                            # The first round warms the page cache and each cluster's workers: kept apart.
                            firsts[name] = seconds
                            quads = export(work)
                            reference = reference or quads
                            if quads != reference:
                                raise SystemExit(f"{name}: the store differs from the serial load's")
                        else:
                            runs[name].append(seconds)
                        print(f"{len(files)} articles, {name}, round {round_}: {seconds:.2f} s", flush=True)
                serial = statistics.median(runs["serial"])
                table = []
                for name in modes:
                    median = statistics.median(runs[name])
                    table.append({"mode": name, "seconds": runs[name], "median_s": round(median, 3),
                                  "articles_per_s": round(len(files) / median, 2),
                                  "speed_vs_serial": round(serial / median, 2), "first_run_s": round(firsts[name], 3)})
                results["corpora"].append({"articles": len(files), "copies": copies, "rows": table,
                                           "same_store": True})
                print(f"\n{len(files)} articles ({copies} cop{'y' if copies == 1 else 'ies'} of each), "
                      f"medians of {args.rounds} rounds, {cores} cores (shared):")
                print(f"  {'mode':<22} {'median s':>9} {'articles/s':>11} {'x serial':>9} {'first run s':>12}")
                for row in table:
                    print(f"  {row['mode']:<22} {row['median_s']:>9.2f} {row['articles_per_s']:>11.2f} "
                          f"{row['speed_vs_serial']:>9.2f} {row['first_run_s']:>12.2f}")
                print(flush=True)
        finally:
            for cluster in clusters.values():
                cluster.close()
        files = claims_files(tmp / "claims", 100)
        claims = {"serial": [], "--jobs 2": []}
        for _ in range(args.rounds):
            for name, options in (("serial", []), ("--jobs 2", ["--jobs", "2"])):
                claims[name].append(timed_load(files, options, tmp / "work"))
        row = {name: round(statistics.median(times), 3) for name, times in claims.items()}
        row["ratio_jobs2_to_serial"] = round(row["--jobs 2"] / row["serial"], 2)
        results["claims_files_100"] = row
        print(f"100 claims files: serial {row['serial']:.2f} s, --jobs 2 {row['--jobs 2']:.2f} s "
              f"(x{row['ratio_jobs2_to_serial']:.2f})")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "corpus.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
