"""Names for the reconciliation service: how two names are compared, and the store's name keys kept in
memory for look-alike search and entity suggest."""

import bisect
import difflib
import re
import threading
from array import array
from collections import Counter

from rdflib import Literal

from geokg.loaders.names import unaccented
from geokg.queries.catalogue import sparql_term
from geokg.server.reconcile_facts import PREFIXES

# Past this many distinct name keys the list is not kept in memory (about 50 bytes a key, and each
# actor's IRI once), and each batch scans the store's keys instead.
MAX_KEPT_KEYS = 500_000
# Look-alike search reads at most this many keys for each word piece.
PER_PIECE = 2000
# Each query compares at most this many keys in full (those sharing most word pieces with it), and keeps
# this many of its closest actors as candidates.
COMPARED, KEPT = 60, 15
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    return _NOT_WORD.sub(" ", unaccented(str(text)).lower()).strip()


def similarity(a: str, b: str) -> float:
    """From 0 to 1: the closer of the two spellings and of their words in sorted order ("Assad, Bashar")."""
    a, b = normalise(a), normalise(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    plain = difflib.SequenceMatcher(None, a, b).ratio()
    a_sorted, b_sorted = " ".join(sorted(a.split())), " ".join(sorted(b.split()))
    if (a_sorted, b_sorted) == (a, b):
        return plain
    return max(plain, difflib.SequenceMatcher(None, a_sorted, b_sorted).ratio())


def pieces(text: str, words: int = 8) -> set[str]:
    """Word pieces a misspelt name still likely shares with the right one, from each of its first
    ``words`` words: the first and last four letters ("hizbollah" finds "hizballah" by "hizb" and "llah"),
    and the first two written after a space (" eg"), which count only at the start of a word ("Egpt"
    finds "Egypt", "Isael" finds "Israel")."""
    found = set()
    for word in normalise(text).split()[:words]:
        if len(word) >= 4:
            found |= {word[:4], word[-4:]}
        elif len(word) == 3:
            found.add(word)
        if len(word) >= 2:
            found.add(" " + word[:2])
    return found


def padded(key: str) -> str:
    """A key as pieces are looked for in it: normalised, after a space, so that " eg" is a word start."""
    return " " + normalise(key)


class KeptKeys:
    """Every distinct (name key, actor) of one dataset version: the keys normalised and joined into one
    text, so that finding a piece is one C-speed search of it rather than a test of every key, with
    where each starts and whose it is (each actor's IRI stored once). About 50 bytes a key."""

    def __init__(self, pairs: list[tuple[str, str]]):
        keys = [padded(key) for key, _ in pairs]
        self.text = "\n".join(keys)
        self.starts = array("q")
        offset = 0
        for key in keys:
            self.starts.append(offset)
            offset += len(key) + 1
        self.starts.append(offset)
        shared = {}
        self.actors = [shared.setdefault(actor, actor) for _, actor in pairs]

    def pair(self, i: int) -> tuple[str, str]:
        """The i-th (padded key, actor)."""
        return self.text[self.starts[i]:self.starts[i + 1] - 1], self.actors[i]

    def occurrences(self, piece: str, cap: int):
        """(key index, offset in the padded key) of each place ``piece`` occurs, at most ``cap`` of them."""
        out = []
        pos = self.text.find(piece)
        while pos != -1 and len(out) < cap:
            i = bisect.bisect_right(self.starts, pos) - 1
            out.append((i, pos - self.starts[i]))
            pos = self.text.find(piece, pos + 1)
        return out


class NameKeys:
    """The store's name keys, read once per dataset version. The store holds a key once per article that
    names the actor, so a scan of the keys reads each many times (1.76M quads, names in up to 128
    articles: 290 ms a batch); OpenRefine sends a column as batch after batch."""

    def __init__(self):
        self.lock, self.version, self.kept = threading.Lock(), None, None

    def get(self, store) -> KeptKeys | None:
        """The keys, or None when the store has no version to key them by or holds too many."""
        version = getattr(store, "version", None)
        if version is None or MAX_KEPT_KEYS <= 0:
            return None
        with self.lock:
            if self.version != (id(store), version):
                rows = store.query(PREFIXES + "SELECT DISTINCT ?k ?c WHERE { ?c gk:nameKey ?k FILTER(isIRI(?c)) } "
                                              f"LIMIT {MAX_KEPT_KEYS + 1}").texts()
                self.kept = KeptKeys([(r["k"], r["c"]) for r in rows]) if len(rows) <= MAX_KEPT_KEYS else None
                self.version = (id(store), version)
            return self.kept


NAME_KEYS = NameKeys()


def holding(store, found: set[str]) -> dict[str, list[tuple[str, str]]]:
    """For each piece, the (padded key, actor) pairs whose key holds it: from the kept keys, or a scan of
    the store, where a word start is one after a space or a hyphen."""
    kept = NAME_KEYS.get(store)
    if kept is not None:
        return {piece: [kept.pair(i) for i in dict.fromkeys(i for i, _ in kept.occurrences(piece, PER_PIECE))]
                for piece in found}
    tests = []
    for piece in sorted(found):
        if piece.startswith(" "):
            word = sparql_term(Literal(piece[1:]))
            tests.append(f"STRSTARTS(?k, {word}) || CONTAINS(?k, CONCAT(\" \", {word})) || "
                         f"CONTAINS(?k, CONCAT(\"-\", {word}))")
        else:
            tests.append(f"CONTAINS(?k, {sparql_term(Literal(piece))})")
    rows = store.query(PREFIXES + f"SELECT DISTINCT ?c ?k WHERE {{ ?c gk:nameKey ?k FILTER({' || '.join(tests)}) }} "
                                  f"LIMIT {PER_PIECE * len(found)}").texts()
    pairs = [(padded(r["k"]), r["c"]) for r in rows]
    return {piece: [pair for pair in pairs if piece in pair[0]] for piece in found}


def closest(text: str, hits: dict[str, list[tuple[str, str]]]) -> list[str]:
    """The actors whose keys are closest to ``text``, at most KEPT, from ``holding``'s answer: the keys
    sharing most of its word pieces are compared in full."""
    counts = Counter(pair for piece in pieces(text) for pair in hits.get(piece, ()))
    length = len(padded(text))
    shared = sorted(((n, -abs(len(key) - length), key, actor) for (key, actor), n in counts.items()),
                    reverse=True)[:COMPARED]
    ranked = sorted(((similarity(text, key), actor) for _, _, key, actor in shared), reverse=True)
    out = []
    for _, actor in ranked:
        if actor not in out:
            out.append(actor)
        if len(out) == KEPT:
            break
    return out


def suggest(store, prefix: str, limit: int) -> list[str] | None:
    """Actors whose name or alias is ``prefix``, starts with it, or has a word that does, in that order
    and shortest first (compared normalised: "al mon" finds "al-Monitor"); None when the store's keys
    are not kept (the caller then uses the site search)."""
    kept = NAME_KEYS.get(store)
    if kept is None:
        return None
    prefix = padded(prefix)
    if prefix == " ":
        return []
    ranked = {}
    for i, offset in kept.occurrences(prefix, 20 * limit):
        key, actor = kept.pair(i)
        rank = ((0 if key == prefix else 1) if offset == 0 else 2, len(key), key)
        if actor not in ranked or rank < ranked[actor]:
            ranked[actor] = rank
    return sorted(ranked, key=lambda a: (ranked[a], a))[:limit]
