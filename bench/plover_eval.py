"""Recall of the extractor on the PLOVER gold-standard sentences: an independent check, not tuned data.

    python bench/plover_eval.py [--data FILE] [--misses [CLASS]]

Reads ../shared/anchors-data/PLOVER_GSR_CAMEO.json.txt at run time (CC BY-SA 4.0, Open Event Data
Alliance; its sentences are never copied into the project). Each record is one sentence with its source
and target actors and a PLOVER event class. For each sentence the extractor runs alone and we report:

- actor recall: a gold actor is found when an extracted actor matches it (see ``matches``);
- fact recall: a relation or an event links an actor matching a source to a different actor matching a
  target (with no target, two different sources, as in "X and Y agreed"); records with one actor and
  no target have no pair and are left out of it;
- fact recall per PLOVER class.

Only recall is measured: PLOVER codes one event per sentence, so an extra fact is not an error here.
Precision is checked on the dev articles with bench/eval_extract.py.
"""

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from geokg.loaders.extract import extract, gazetteer

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "anchors-data" / "PLOVER_GSR_CAMEO.json.txt"
HEADER = "PLOVER sentence\nPublished: 2000-01-01\n\n"
# A state named in an actor's text stands for that actor only when the actor is one of its organs;
# "Rwandan rebels" or "Iraqi Kurds" are not Rwanda or Iraq.
STATE_SECTORS = {"", "GOV", "MIL", "COP", "LEG", "JUD", "SPY", "***"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--misses", nargs="?", const="ALL", metavar="CLASS",
                        help="list the sentences whose fact was missed (all classes, or one)")
    args = parser.parse_args()
    records = [r for r in json.loads(args.data.read_text(encoding="utf-8"))
               if r.get("event") != "DOCUMENT" and (r.get("text") or "").strip()]
    gaz = gazetteer.load()
    actors_found = actors_total = 0
    side = {"source": [0, 0], "target": [0, 0]}
    per_class = defaultdict(lambda: [0, 0, 0])  # records with a pair, facts found, records
    misses = []
    for record in records:
        doc = extract(HEADER + record["text"].strip(), "plover.txt")
        sources, targets = _actors(record.get("source")), _actors(record.get("target"))
        for name, gold in (("source", sources), ("target", targets)):
            for actor in gold:
                hit = any(matches(actor, ours, gaz) for ours in doc["actors"])
                side[name][0] += hit
                side[name][1] += 1
        actors_found = side["source"][0] + side["target"][0]
        actors_total = side["source"][1] + side["target"][1]
        row = per_class[record["event"]]
        row[2] += 1
        if not targets and len(sources) < 2:
            continue
        row[0] += 1
        found = linked(doc, sources, targets or sources, gaz)
        row[1] += found
        if not found:
            misses.append((record, doc))
    pairs = sum(r[0] for r in per_class.values())
    facts = sum(r[1] for r in per_class.values())
    print(f"PLOVER records: {len(records)}")
    print(f"actor recall: {_ratio(actors_found, actors_total)}  (source {_ratio(*side['source'])}, "
          f"target {_ratio(*side['target'])})")
    print(f"fact recall:  {_ratio(facts, pairs)}  ({len(records) - pairs} records with one actor left out)")
    print()
    print(f"{'class':<12} {'records':>7} {'pairs':>5} {'facts':>5} {'recall':>6}")
    for name in sorted(per_class):
        pair, fact, total = per_class[name]
        print(f"{name:<12} {total:>7} {pair:>5} {fact:>5} {fact / pair if pair else 0:>6.2f}")
    if args.misses:
        print()
        for record, doc in misses:
            if args.misses not in ("ALL", record["event"]):
                continue
            print(f"[{record['event']}] {record['id']}: {record['text'].strip()}")
            print("   gold:", _gold_line(record))
            print("   ours:", "; ".join(a["name"] for a in doc["actors"]) or "-")
            for rel in doc["relations"]:
                print(f"   rel:  {rel['subject']} {rel['predicate']} {rel['object']}")
            for event in doc["events"]:
                print(f"   event: {event['type']} {event.get('participants')}")
    return 0


def _ratio(found: int, total: int) -> str:
    return f"{found / total if total else 0:.2f} ({found}/{total})"


def _actors(value) -> list[dict]:
    return [a for a in value if isinstance(a, dict) and a.get("actorText")] if isinstance(value, list) else []


def _gold_line(record: dict) -> str:
    show = lambda actors: ", ".join(f"{a['actorText']} ({a['code']})" for a in actors) or "-"  # noqa: E731
    return f"{show(_actors(record.get('source')))} -> {show(_actors(record.get('target')))}"


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"[\w.'’-]+", text.lower())) + " "


def named_state(text: str, gaz) -> tuple[str, bool] | None:
    """The first known name in ``text``: the name of the state (a body stands for its state), group or
    organisation, and whether it is a state."""
    keys = [gazetteer.norm(t) for _, _, t in gazetteer.tokens(text)]
    for i in range(len(keys)):
        hit = gaz.longest(keys, i)
        if hit:
            entry = hit[1].entry
            if entry.kind == "institution" and entry.state:
                return entry.state, True
            return entry.name, entry.kind == "state"
    return None


def matches(gold: dict, ours: dict, gaz) -> bool:
    """Whether our actor is the gold actor: one of our actor's forms is the gold text or a whole-word part
    of it ("Yasser Arafat" in "Palestinian leader Yasser Arafat"), or the gold text contains one, or both
    name the same state (the gold 'Hungarian' officials are our Hungary, its 'Israeli army' our Israel)."""
    text = _words(gold["actorText"])
    for form in [ours["name"], *ours.get("aliases", [])]:
        form = _words(form)
        if form.strip() and (form in text or text in form):
            return True
    named = named_state(gold["actorText"], gaz)
    if not named or named[1] and (gold.get("sector") or "")[:3] not in STATE_SECTORS:
        return False
    ours_named = named_state(ours["name"], gaz)
    return bool(ours_named) and ours_named[0] == named[0]


def linked(doc: dict, sources: list[dict], targets: list[dict], gaz) -> bool:
    """Whether one relation or event has a participant matching a source and another matching a target."""
    groups = [[rel["subject"], *(rel["object"] if isinstance(rel["object"], list) else [rel["object"]])]
              for rel in doc["relations"]]
    groups += [list(event.get("participants") or []) for event in doc["events"]]
    by_name = {a["name"]: a for a in doc["actors"]}
    for names in groups:
        actors = [by_name[n] for n in dict.fromkeys(names) if n in by_name]
        for a in actors:
            for b in actors:
                if a is not b and any(s is not t and matches(s, a, gaz) and matches(t, b, gaz)
                                      for s in sources for t in targets):
                    return True
    return False


if __name__ == "__main__":
    sys.exit(main())
