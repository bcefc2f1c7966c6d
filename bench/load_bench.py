"""`geokg load` of many claims files against pyoxigraph's `Store.bulk_load` of the same quads.

    python bench/load_bench.py [--files 100 500] [--rounds 3]

For each size, synthetic claims files are generated (invented actors, template sentences: no article
text is copied), loaded once with `geokg load` to dump the quads it writes as N-Quads, then timed in
alternation: `geokg load FILES --store DIR` in a fresh subprocess and a fresh store, and a subprocess
that calls `Store.bulk_load` on the N-Quads dump into a fresh store. Both subprocesses report their
peak RSS (ru_maxrss of the child); the bulk_load child also reports the time of bulk_load itself,
without the interpreter's start-up. Results: standard output and bench/results/load.json.
"""

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

STATES = ["Ruritania", "Freedonia", "Graustark", "Kravonia", "Latveria", "Sylvania", "Genovia", "Elbonia",
          "Zubrowka", "Borduria", "Syldavia", "Markovia", "Qumar", "Carpania", "Tazbekistan", "Osterlich",
          "Novistrana", "Pottsylvania", "Vulgaria", "Urkesh", "Khemed", "San Theodoros", "Nuevo Rico", "Moldavia Nova"]
GROUPS = ["Red Hand", "Northern Front", "Valley Brigades", "People's Guard", "Lions of the Coast",
          "Mountain Legion", "Free Hills Movement", "Southern Shield"]
ORGS = ["Grand Pact", "Concord of the Sea", "Union of Five Rivers", "Council of Marches", "Eastern Compact",
        "League of Ports"]
FIRST = ["Amar", "Bela", "Cyril", "Dara", "Emil", "Farah", "Goran", "Hana", "Ivo", "Jana", "Karim", "Lena",
         "Milo", "Nadia", "Oskar", "Petra", "Rami", "Sana", "Tomas", "Vera"]
LAST = ["Vasquez", "Orlov", "Haddad", "Novak", "Tanaka", "Mbeki", "Lindqvist", "Rahimi", "Kovac", "Dubois",
        "Petrov", "Nakamura", "Osei", "Fischer", "Alvarez"]
MEDIA = ["Strelsau Herald", "Freedonia Post", "Graustark Wire", "Coastal Broadcasting", "Capital Radio"]
RELATIONS = ["memberOf", "joinedAlliance", "leftAlliance", "alliedWith", "hostileTo", "reconciledWith",
             "mediatesBetween", "supports", "leaderOf"]
EVENTS = ["Meeting", "Mediation", "Agreement", "Statement", "Sanction", "MilitaryAction", "DiplomaticRupture",
          "DiplomaticRecall", "Protest", "Withdrawal"]
VERBS = {"memberOf": "is a member of", "joinedAlliance": "joined", "leftAlliance": "left",
         "alliedWith": "fought alongside", "hostileTo": "accused", "reconciledWith": "restored ties with",
         "mediatesBetween": "brokered talks between", "supports": "sent aid to", "leaderOf": "leads"}
TIMES = ["on Monday", "last week", "in 2019", "since 2015", "earlier this year", None, None]


def _actor_pool(rng):
    pool = [{"name": s, "type": "State", "aliases": [f"the {s} government", f"the {s} regime"][:rng.randint(0, 2)],
             "wikidata": f"Q{1000 + i}"} for i, s in enumerate(STATES)]
    pool += [{"name": g, "type": "ArmedGroup", "aliases": [f"the {g.split()[-1].lower()}"]} for g in GROUPS]
    pool += [{"name": o, "type": "Alliance" if i % 2 else "Organization", "aliases": []} for i, o in enumerate(ORGS)]
    pool += [{"name": f"{f} {l}", "type": "Person", "aliases": [l]} for f in FIRST for l in LAST[:4]]
    pool += [{"name": m, "type": "Media", "aliases": []} for m in MEDIA]
    return pool


def claims_file(index: int, rng: random.Random, pool) -> str:
    """One synthetic claims document in the shape of the seed file: about 300 quads once mapped."""
    import yaml

    actors = rng.sample(pool, 14)
    names = [a["name"] for a in actors]
    year = rng.randint(2010, 2024)
    day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    def sentence(*parts):
        return " ".join(parts) + f", officials said in a statement reported on {day} (item {rng.randint(1, 999)})."

    relations = []
    for _ in range(rng.randint(8, 12)):
        predicate = rng.choice(RELATIONS)
        subject, *objects = rng.sample(names, 3 if predicate == "mediatesBetween" else 2)
        record = {"subject": subject, "predicate": predicate,
                  "object": objects if predicate == "mediatesBetween" else objects[0],
                  "time": rng.choice(TIMES),
                  "sentence": sentence(subject, VERBS[predicate], " and ".join(objects))}
        if rng.random() < 0.4:
            record["date"] = str(rng.randint(2005, year))
        if rng.random() < 0.2:
            record["status"] = "alleged"
        if rng.random() < 0.3:
            record["confidence"] = round(rng.random(), 2)
        relations.append(record)
    events = []
    for _ in range(rng.randint(5, 9)):
        kind = rng.choice(EVENTS)
        who = rng.sample(names, rng.randint(1, 3))
        record = {"type": kind, "participants": who, "time": rng.choice(TIMES),
                  "sentence": [sentence(" and ".join(who), f"held a {kind.lower()}")]}
        if rng.random() < 0.5:
            record["date"] = day
        if rng.random() < 0.3:
            record["place"] = rng.choice(STATES) + " City"
        events.append(record)
    claims = []
    for _ in range(rng.randint(3, 6)):
        who = rng.choice(names)
        about = rng.sample(names, 2)
        claims.append({"claimant": rng.choice([who, who, "unnamed source"]),
                       "channel": rng.choice(MEDIA + ["a joint communique"]),
                       "content": f"{about[0]} is responsible for the crisis with {about[1]}",
                       "direct_quote": rng.random() < 0.5, "hedge": rng.choice([None, "reportedly", "allegedly"]),
                       "about": about, "sentence": sentence(who, "said", about[0], "was responsible")})
    names_used = set(names) | {c["channel"] for c in claims}
    document = {
        "article": f"synthetic-{index:05d}.txt", "title": f"Synthetic report {index}: {names[0]} and {names[1]}",
        "source": f"https://news.example.org/{year}/report-{index}", "published": day,
        "publisher": rng.choice(MEDIA),
        "actors": [a for a in actors] + [m for m in pool if m["type"] == "Media" and m["name"] in names_used
                                         and m["name"] not in names],
        "relations": relations, "events": events, "claims": claims,
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1 << 20)


def generate(folder: Path, count: int, seed: int = 11) -> list[Path]:
    """``count`` claims files in ``folder``, the same for the same seed."""
    rng = random.Random(seed)
    pool = _actor_pool(rng)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"synthetic-{i:05d}.yaml"
        path.write_text(claims_file(i, rng, pool), encoding="utf-8")
        paths.append(path)
    return paths


BULK = """
import resource, sys, time
import pyoxigraph as ox
store = ox.Store(sys.argv[1])
started = time.perf_counter()
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS)
store.flush()
print(time.perf_counter() - started)
"""




def measured(argv) -> tuple[float, float, str]:
    """Run ``argv`` inside a fresh wrapper so that its peak RSS is its own, not the largest so far."""
    wrapper = ("import json, subprocess, sys, time, resource\n"
               "t = time.perf_counter()\n"
               "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
               "w = time.perf_counter() - t\n"
               "sys.stderr.write(p.stderr[-2000:])\n"
               "print(json.dumps({'wall': w, 'rss': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
               " 'rc': p.returncode, 'out': p.stdout[-4000:]}))\n")
    done = subprocess.run([sys.executable, "-c", wrapper, *argv], capture_output=True, text=True)
    report = json.loads(done.stdout)
    if report["rc"]:
        raise SystemExit(f"{argv[:3]} failed ({report['rc']}): {done.stderr}")
    return report["wall"], report["rss"] / 1024, report["out"]


def quads_of(paths, work: Path) -> tuple[Path, int]:
    """Load the files once with geokg into a store, dump its quads as N-Quads: the same data for both."""
    store = work / "reference-store"
    subprocess.run([sys.executable, "-m", "geokg", "load", "--store", str(store), *map(str, paths)],
                   check=True, capture_output=True)
    dump = work / "quads.nq"
    subprocess.run([sys.executable, "-m", "geokg", "export", "--store", str(store), "-o", str(dump)],
                   check=True, capture_output=True)
    count = sum(1 for line in dump.open("rb") if line.strip())
    return dump, count


def bench(count: int, rounds: int, work: Path) -> dict:
    paths = generate(work / f"files-{count}", count)
    dump, quads = quads_of(paths, work)
    runs = {"geokg": [], "bulk_load": []}
    for r in range(rounds):
        for name in (("geokg", "bulk_load") if r % 2 == 0 else ("bulk_load", "geokg")):
            store = Path(tempfile.mkdtemp(dir=work, prefix=f"{name}-"))
            if name == "geokg":
                wall, rss, _ = measured([sys.executable, "-m", "geokg", "load", "--store", str(store),
                                         *map(str, paths)])
                runs[name].append({"wall": wall, "rss": rss})
            else:
                wall, rss, out = measured([sys.executable, "-c", BULK, str(store), str(dump)])
                runs[name].append({"wall": wall, "rss": rss, "inner": float(out.strip().splitlines()[-1])})
    med = {name: statistics.median(run["wall"] for run in rs) for name, rs in runs.items()}
    inner = statistics.median(run["inner"] for run in runs["bulk_load"])
    result = {
        "files": count, "quads": quads, "rounds": rounds,
        "geokg_s": med["geokg"], "bulk_load_process_s": med["bulk_load"], "bulk_load_call_s": inner,
        "geokg_quads_per_s": quads / med["geokg"], "bulk_load_quads_per_s": quads / med["bulk_load"],
        "bulk_load_call_quads_per_s": quads / inner,
        "ratio_vs_process": med["bulk_load"] / med["geokg"], "ratio_vs_call": inner / med["geokg"],
        # Each round's two runs saw the same machine load: the median of their ratios is the steadier figure.
        "paired_ratio_vs_process": statistics.median(
            b["wall"] / g["wall"] for g, b in zip(runs["geokg"], runs["bulk_load"])),
        "paired_ratio_vs_call": statistics.median(
            b["inner"] / g["wall"] for g, b in zip(runs["geokg"], runs["bulk_load"])),
        "geokg_peak_rss_mib": statistics.median(run["rss"] for run in runs["geokg"]),
        "bulk_load_peak_rss_mib": statistics.median(run["rss"] for run in runs["bulk_load"]),
        "runs": runs,
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="geokg-load-bench-") as tmp:
        for count in args.files:
            work = Path(tmp) / str(count)
            work.mkdir()
            result = bench(count, args.rounds, work)
            results.append(result)
            print(f"{count} files, {result['quads']} quads: geokg load {result['geokg_s']:.2f} s "
                  f"({result['geokg_quads_per_s']:,.0f} quads/s, peak {result['geokg_peak_rss_mib']:.0f} MiB); "
                  f"bulk_load process {result['bulk_load_process_s']:.2f} s "
                  f"({result['bulk_load_quads_per_s']:,.0f} quads/s, peak {result['bulk_load_peak_rss_mib']:.0f} MiB), "
                  f"the call alone {result['bulk_load_call_s']:.2f} s "
                  f"({result['bulk_load_call_quads_per_s']:,.0f} quads/s); geokg/bulk_load "
                  f"{result['ratio_vs_process']:.2f} of the process, {result['ratio_vs_call']:.2f} of the call "
                  f"(medians of the rounds' ratios {result['paired_ratio_vs_process']:.2f} and "
                  f"{result['paired_ratio_vs_call']:.2f})",
                  flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "load.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
