"""Wikidata ids known without a network: states from the territories the `rigour` package ships (MIT), and
international organisations, armed groups and parties from known_actors.tsv (Wikidata, CC0).

Both are read on the first lookup and kept for the process, so commands that never ask pay nothing.
"""

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from geokg.loaders.names import unaccented

TABLE = Path(__file__).resolve().parent / "known_actors.tsv"
QID = re.compile(r"Q[1-9]\d*")
# The kinds of actor a table row answers for. News and the extractor type the same body either way (the PLO as
# an organisation or an armed group, Hamas as an armed group or a party, NATO as an alliance or an
# organisation), and the table's names are specific; what a row never answers for is a state or a person.
ORGANISED = frozenset({"Organization", "Alliance", "ArmedGroup", "PoliticalParty"})
ANSWERS = {kind: ORGANISED for kind in ORGANISED}
# rigour marks the State of Palestine a jurisdiction rather than a country; news treats it as a state and
# most UN members recognise it.
STATE_LIKE = frozenset({"ps"})
# Words of rigour's weak names that name another polity than today's state: "Confederate States of America",
# "Russian Empire", "Socialist Soviet Republic of Georgia" are listed under the United States, Russia, Georgia.
FORMER = re.compile(r"\b(?:empire|confederate|colonies|soviet|socialist|citizen|subject|english|formerly|was|"
                    r"kingdom of great britain and ireland)\b")
_DROP = str.maketrans("", "", ".'’ʻ`")
_SPACE = re.compile(r"[^\w]+|_")
_BRACKET = re.compile(r"\s*\(.*\)\s*$")


@dataclass(frozen=True)
class Known:
    """One table row: a Wikidata id, its English label, a geokg type and the other names it goes by."""

    qid: str
    label: str
    type: str
    aliases: tuple[str, ...]
    evidence: str


def key(name: str) -> str:
    """The lookup form of a name: accents, dots and apostrophes dropped ("U.S." -> "us"), case folded,
    other punctuation made a space, and a leading article removed ("the U.S." -> "us")."""
    text = name
    if not text.isascii():
        text = unaccented(text)
    text = text.translate(_DROP).casefold()
    text = " ".join(_SPACE.sub(" ", text).split())
    return text[4:] if text.startswith("the ") else text


def known_qid(name: str, kind: str) -> str | None:
    """The Wikidata id of the actor ``name`` of geokg type ``kind``, where it is known offline, else None.

    States come from rigour's names for sovereign states, today's and former ones (a person, a city or a party
    named like one gets nothing: only kind State is looked up there); the other kinds from known_actors.tsv.
    """
    if not name or not kind:
        return None
    k = key(name)
    # A short key is an abbreviation ("US", "the U.S.", "UK") only when written in capitals; "us" is a pronoun.
    bare = re.sub(r"^the\s+", "", name.strip(), flags=re.I)
    if not k or len(k.replace(" ", "")) <= 3 and not bare.replace(".", "").replace(" ", "").isupper():
        return None
    if kind == "State":
        return _strong()[0].get(k) or _weak().get(k)
    row = _table()[0].get(k)
    return row.qid if row and kind in ANSWERS.get(row.type, ()) else None


def label(qid: str) -> str | None:
    """The English label of a Wikidata id known offline (a state's short name, a table row's label)."""
    row = _table()[1].get(qid)
    if row:
        return row.label
    return _state_labels().get(qid)


def rows() -> list[Known]:
    """The rows of known_actors.tsv, in file order."""
    return list(_table()[1].values())


@functools.cache
def _table() -> tuple[dict[str, Known], dict[str, Known]]:
    """(lookup key -> row, QID -> row) from known_actors.tsv; a malformed row is an error naming its line."""
    by_key: dict[str, Known] = {}
    by_qid: dict[str, Known] = {}
    for number, line in enumerate(TABLE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 5:
            raise ValueError(f"{TABLE.name}:{number}: expected 5 tab-separated fields, got {len(fields)}")
        qid, name, typ, aliases, evidence = (f.strip() for f in fields)
        if not QID.fullmatch(qid) or not name or typ not in ANSWERS or not evidence:
            raise ValueError(f"{TABLE.name}:{number}: needs a QID, a label, one of {sorted(ANSWERS)} and evidence")
        if qid in by_qid:
            raise ValueError(f"{TABLE.name}:{number}: {qid} is listed twice")
        row = Known(qid, name, typ, tuple(a.strip() for a in aliases.split("|") if a.strip()), evidence)
        by_qid[qid] = row
        for form in (name, *row.aliases):
            other = by_key.setdefault(key(form), row)
            if other is not row:
                raise ValueError(f"{TABLE.name}:{number}: {form!r} already names {other.qid} ({other.label})")
    return by_key, by_qid


def _sovereign(t: dict) -> bool:
    """A sovereign state, today's or a former one (the Soviet Union keeps its own id, never Russia's)."""
    return bool(t.get("qid")) and bool(t.get("is_country") or t["code"] in STATE_LIKE)


@functools.cache
def _state_labels() -> dict[str, str]:
    return {t["qid"]: t["name"] for t in _territories() if _sovereign(t)}


def _states() -> dict[str, str]:
    """Lookup key -> QID for every state name known, strong and weak (for tests and tools)."""
    return _strong()[0] | _weak()


@functools.cache
def _territories() -> list[dict]:
    """rigour's own territory records (names_strong, names_weak) as its lookup reads them, today's first so that
    their names win over a former state's; its public lookup_territory also matches cities ("Tehran" -> Iran)
    and takes ~1 s to build for 25,000 names."""
    from rigour._core import territories_jsonl

    records = [json.loads(line) for line in territories_jsonl().splitlines() if line.strip()]
    return sorted(records, key=lambda t: bool(t.get("is_historical")))


@functools.cache
def _strong() -> tuple[dict[str, str], frozenset[str]]:
    """(lookup key -> QID of the sovereign states' names and rigour's strong names, the keys of the other
    territories' names). Weak names are indexed only when a state's name misses these (_weak)."""
    strong: dict[str, str] = {}
    taken: set[str] = set()
    for t in _territories():
        keys = {key(n) for n in (t["name"], t.get("full_name", t["name"]), *t.get("names_strong", []))} - {""}
        if _sovereign(t):
            for k in keys:
                strong.setdefault(k, t["qid"])
        else:
            taken |= keys
    return strong, frozenset(taken)


@functools.cache
def _weak() -> dict[str, str]:
    """Lookup key -> QID of rigour's weak names of sovereign states (other languages, old and informal names)
    that are plain ASCII, are no part of another territory's name ("Korea" of North Korea and South Korea)
    and name no former polity; a weak name two states claim names neither."""
    strong, taken = _strong()
    parts: dict[str, set[str]] = {}
    for t in _territories():
        # A full name's bracket only places it ("England (United Kingdom of Great Britain ...)").
        for k in {key(_BRACKET.sub("", n)) for n in (t["name"], t.get("full_name", t["name"]),
                                                      *t.get("names_strong", []))}:
            if not k.isascii():
                continue
            words = k.split()
            for n in range(1, len(words) + 1):
                for i in range(len(words) - n + 1):
                    parts.setdefault(" ".join(words[i:i + n]), set()).add(t["code"])
    weak: dict[str, str] = {}
    for t in _territories():
        if not _sovereign(t):
            continue
        own = {t["code"]}
        for name in t.get("names_weak", ()):
            # Names in other scripts never give an ASCII key: skip them before the costly normalisation.
            if not name.isascii() and not unicodedata.normalize("NFKD", name[0])[0].isascii():
                continue
            k = key(name)
            if len(k) < 4 or k in strong or k in taken or not k.isascii() or parts.get(k, own) != own \
                    or FORMER.search(k):
                continue
            weak[k] = t["qid"] if weak.get(k, t["qid"]) == t["qid"] else ""
    return {k: q for k, q in weak.items() if q}
