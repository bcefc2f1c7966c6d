"""Extraction speed on one core, against the parser alone on the same texts, in the same run.

    python bench/extract_throughput.py [--rounds 5] [--articles DIR]

The texts are the articles in ../shared/articles when that folder is there (read at run time for evaluation,
never copied into the project), else the seed article. The figures:

- articles per CPU-second for `extract()` on one core;
- the parser alone (spaCy, the pinned model) on the same article bodies;
- the extractor's own work: extract() time less the time it spends inside the parser, as a share of that
  parse time (the issue's goal: no more than +50%);
- the start-up of `geokg extract` on the seed article, against a bare `spacy.load` of the same model;
- `geokg extract` of N copies of the seed article in one call, against N calls (--batch N).

CPU time of this process is what one core spent, so it is the figure compared; the best round is the
code's speed (as timeit advises), slower rounds measure other load on the host.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from geokg.loaders.extract import extract, gazetteer, parser as parser_module
from geokg.loaders.extract.text import read_article

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "loaders" / "samples" / "000-iran-hamas-syria-axis.txt"
GOAL = 1.5


def texts_from(folder: Path | None) -> list[tuple[str, str]]:
    paths = sorted(folder.glob("*.txt")) if folder and folder.is_dir() else [SEED]
    return [(p.name, p.read_text(encoding="utf-8")) for p in paths]


class ParseClock:
    """Wraps parser.parse_many to add up the CPU time extract() spends inside the parser."""

    def __init__(self):
        self.seconds = 0.0
        self.inner = parser_module.parse_many

    def __call__(self, texts):
        started = time.process_time()
        try:
            return self.inner(texts)
        finally:
            self.seconds += time.process_time() - started


def one_round(texts, nlp, clock) -> tuple[float, float, float]:
    """CPU seconds for (extract over all texts, the parser inside it, the parser alone on the bodies)."""
    clock.seconds = 0.0
    started = time.process_time()
    for name, text in texts:
        extract(text, name)
    extracting = time.process_time() - started
    bodies = [read_article(text, name).body for name, text in texts]
    started = time.process_time()
    for body in bodies:
        nlp(body)
    return extracting, clock.seconds, time.process_time() - started


def start_up(runs: int = 3) -> tuple[float, float]:
    """Best wall time of `geokg extract SEED` and of a bare `spacy.load` of the pinned model, in seconds."""
    path = parser_module.model_path()
    bare = [sys.executable, "-c", f"import spacy; spacy.load({str(path)!r}, exclude={list(parser_module.EXCLUDE)!r})"]
    best_cli, best_bare = float("inf"), float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        cli = [sys.executable, "-m", "geokg", "extract", str(SEED), "-o", str(Path(tmp) / "out.yaml")]
        for _ in range(runs):
            for command, which in ((cli, "cli"), (bare, "bare")):
                started = time.perf_counter()
                subprocess.run(command, check=True, capture_output=True)
                took = time.perf_counter() - started
                if which == "cli":
                    best_cli = min(best_cli, took)
                else:
                    best_bare = min(best_bare, took)
    return best_cli, best_bare


def batch(n: int) -> tuple[float, float]:
    """Wall seconds for `geokg extract` of n articles in one call, and in n calls."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        articles = []
        for i in range(n):
            articles.append(folder / f"a{i:03d}.txt")
            articles[-1].write_bytes(SEED.read_bytes())
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "geokg", "extract", *map(str, articles), "-o", str(folder / "one")],
                       check=True, capture_output=True)
        one = time.perf_counter() - started
        started = time.perf_counter()
        for article in articles:
            subprocess.run([sys.executable, "-m", "geokg", "extract", str(article), "-o",
                            str(article.with_suffix(".yaml"))], check=True, capture_output=True)
        return one, time.perf_counter() - started


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--rounds", type=int, default=5, help="how many measured rounds over all texts")
    args.add_argument("--articles", type=Path, default=ROOT.parent / "shared" / "articles")
    args.add_argument("--batch", type=int, default=20, help="articles for the one-call against many-calls figure")
    options = args.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    texts = texts_from(options.articles)
    clock = ParseClock()
    parser_module.parse_many = clock
    nlp = parser_module.load_parser()
    gazetteer.load()
    for name, text in texts:
        extract(text, name)
    words = sum(len(text.split()) for _, text in texts)
    rounds = [one_round(texts, nlp, clock) for _ in range(options.rounds)]
    extracting, inside, alone = (min(r[i] for r in rounds) for i in range(3))
    own = extracting - inside
    print(f"{len(texts)} articles, {words} words; best of {len(rounds)} rounds, CPU seconds on one core")
    print(f"extract():           {extracting:.2f} s = {len(texts) / extracting:.1f} articles/s "
          f"(median {len(texts) / statistics.median(r[0] for r in rounds):.1f})")
    print(f"parser alone:        {alone:.2f} s = {len(texts) / alone:.1f} articles/s on the whole bodies")
    print(f"  inside extract():  {inside:.2f} s (extraction parses only the sentences that name an actor)")
    print(f"extractor's own work {own:.2f} s = +{own / inside:.0%} on the parse it makes (goal: at most "
          f"+{GOAL - 1:.0%}); extract() / parser alone on the bodies = {extracting / alone:.2f}x")
    cli, bare = start_up()
    print(f"start-up: `geokg extract` on the seed article {cli:.2f} s; bare spacy.load of the same model "
          f"{bare:.2f} s; ratio {cli / bare:.2f}x")
    if options.batch:
        one, many = batch(options.batch)
        print(f"{options.batch} articles: one `geokg extract` call {one:.2f} s, {options.batch} calls {many:.2f} s; "
              f"one call is {many / one:.1f}x faster")


if __name__ == "__main__":
    main()
