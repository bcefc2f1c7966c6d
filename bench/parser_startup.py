"""The parser's start-up cost and speed on one core: load time in a fresh process, then parse time.

    python bench/parser_startup.py [--loads 5] [--seconds 10]

Load time is measured in new processes (importing spaCy, checking the model's file hashes, reading
the weights), as a command that extracts pays it once. Parse time is the seed article, parsed again
and again, reported per 1,000 words (words counted as whitespace-separated strings).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "loaders" / "samples" / "000-iran-hamas-syria-axis.txt"
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

# The child prints three durations: importing spaCy and geokg's extract package, hashing the model's files, and load_parser(),
# which hashes them again before spacy.load, as every extracting process does.
LOAD = """
import time
started = time.perf_counter()
import spacy
from geokg.loaders.extract import parser
imported = time.perf_counter()
parser.mismatches(parser.model_path())
hashed = time.perf_counter()
parser.load_parser()
print(imported - started, hashed - imported, time.perf_counter() - hashed)
"""


def pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def load_times(runs: int) -> list[tuple[float, float, float]]:
    env = {**os.environ, **ONE_THREAD}
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True, env=env, check=True)
        times.append(tuple(float(x) for x in out.stdout.split()))
    return times


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--loads", type=int, default=5, help="fresh processes to time the load in")
    options.add_argument("--seconds", type=float, default=10.0, help="how long to parse")
    args = options.parse_args()
    os.environ.update(ONE_THREAD)
    pin_to_one_core()

    loads = load_times(args.loads)
    for label, i in (("import spacy (and geokg's extract package)", 0), ("hash check of the model files", 1),
                     ("load_parser (hash check + spacy.load)", 2)):
        print(f"{label}: median {statistics.median(t[i] for t in loads):.3f} s over {len(loads)} processes")
    print(f"start-up (import spacy + load_parser): median {statistics.median(t[0] + t[2] for t in loads):.3f} s")

    from geokg.loaders.extract.parser import load_parser, parse
    load_parser()
    text = SEED.read_text(encoding="utf-8")
    words = len(text.split())
    parse(text)
    runs, started = 0, time.perf_counter()
    while time.perf_counter() - started < args.seconds:
        parse(text)
        runs += 1
    elapsed = time.perf_counter() - started
    per_thousand = elapsed / runs / words * 1000
    print(f"parse: {words} words x {runs} runs in {elapsed:.1f} s = {per_thousand * 1000:.1f} ms per 1,000 words "
          f"({words * runs / elapsed:,.0f} words/s) on one core")


if __name__ == "__main__":
    main()
