"""The gazetteer: names of states, their institutions, groups, organisations, media and office holders, and the
agent nouns that name a state's bodies ("foreign ministry") or a person's role ("foreign minister"), read once
per process."""

import functools
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "gazetteer.tsv"
PRIORITY = {"state": 0, "group": 1, "igo": 2, "media": 2, "institution": 2, "known": 3, "person": 4}
DEMONYM = re.compile(r"(an|ian|ese|ish|i|ic|ean|ite)$")
# Endings no city name has: British, French, Dutch, Swiss, Greek, Czech, Emirati.
DEMONYM_ONLY = re.compile(r"(ish|ese|ch|ss|eek|ati)$")
# Endings of country names, not of city names: Tanzania, Britain, America, Kirgizstan, Ivory Coast.
COUNTRY_ENDING = re.compile(r"(ia|land|stan|ain|ica|_coast)$")
# Words that open sentences or name things in any article; never an actor on their own.
COMMON = frozenset("""
a about after again against all also although an and another any are as at back be because been before being
between both but by can could despite did do does during each early even ever every few for from further had has
have he her here his how however i if in into is it its just last later least less many may meanwhile might more
most much must my new next no nor not now of off on once one only or other our out over own per perhaps rather
same several she should since so some still such than that the their them then there these they this those though
through thus to too two under until up upon very was we were what when where whether which while who whom whose why
will with within without would yet you your senior former top chief head general union national international
world news agency report reports reported officials official sources source government state states party
president minister ministry foreign defence defense security council army forces military police group groups
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december moving agencies click enlarge read min new chapter editing reporting
""".split())
ALLOWED_SINGLE_COMMON = frozenset({"state"})
# Words in the names of organisations, never in a person's name.
BODY_WORDS = re.compile(r"\b(?:foundation|cent(?:er|re)|institute|fund|bank|union|council|committee|association|"
                        r"organi[sz]ation|society|trust|league|federation|forum|network|agency|commission|"
                        r"programm?e?|movement|party|group|alliance|court|assembly|office|mission|force|corps|"
                        r"university|college|school|church|secretariat|conference|community|authority|board|"
                        r"initiative|service|international|watch|aid|relief|partnership|coalition|campaign|area|"
                        r"nations|states|contingent|summit|parliament|company|corporation|club|friends|project|"
                        r"action|research|care|rights|development|peace|world|worldwide|global|regional|national|"
                        r"united|fellowship|chamber|voices|of|for|and)\b", re.I)


@dataclass(frozen=True)
class Entry:
    """One gazetteer entry; ``state`` names the state an institution belongs to, ``wikidata`` is a QID."""

    kind: str
    type: str
    code: str
    name: str
    state: str = ""
    wikidata: str = ""


@dataclass(frozen=True)
class Agent:
    """An agent noun of a state's sectors: ``kind`` is body (an institution of the state: "foreign ministry"),
    organ (stands for the state: "army", "government") or title (a person's role: "foreign minister")."""

    kind: str
    type: str
    code: str
    name: str


@dataclass(frozen=True)
class Form:
    """A way of writing an entry: ``role`` is name, demonym or place."""

    entry: Entry
    role: str


_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W_](?:[\w’']*[^\W_])?(?:-[^\W_](?:[\w’']*[^\W_])?)*", re.UNICODE)
PARTICLES = ("al", "el", "ad", "as", "an", "ar", "at", "az", "ash")


def tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, token) for each word; hyphenated words split where one side is a plain lower-case word."""
    out = []
    for match in _TOKEN.finditer(text):
        word, start = match.group(0), match.start()
        if word[-2:] in ("'s", "’s") and len(word) > 2:
            word = word[:-2]
        elif word[-1:] in ("'", "’"):
            word = word[:-1]
        if "-" not in word:
            out.append((start, start + len(word), word))
            continue
        head, _, rest = word.partition("-")
        if head.lower() in PARTICLES:
            # al-Monitor, al-Qaeda: the particle and the name are two tokens, as in "Al Jazeera".
            out.append((start, start + len(head), head))
            _compound(rest, start + len(head) + 1, out)
        else:
            _compound(word, start, out)
    return out


def _compound(word: str, start: int, out: list) -> None:
    parts = word.split("-")
    caps = [p[:1].isupper() for p in parts]
    if all(caps) or not any(caps):
        out.append((start, start + len(word), word))
        return
    for part in parts:
        out.append((start, start + len(part), part))
        start += len(part) + 1


def norm(token: str) -> str:
    """The lookup form of a token."""
    return token.replace("’", "'").lower().rstrip(".")


_PLAIN = re.compile(r"[A-Za-z]+(?:_[A-Za-z]+)*")


def key_of(name: str) -> tuple[str, ...]:
    """The lookup key of a gazetteer name or alias written in TABARI form."""
    if _PLAIN.fullmatch(name):
        # Letters and underscores only (most of the 30,000 rows): tokens() would give the same words, and
        # skipping it saves a third of the gazetteer's load time.
        return tuple(name.lower().split("_"))
    return tuple(norm(t) for _, _, t in tokens(name.replace("_", " ")))


@functools.lru_cache(maxsize=1)
def load() -> "Gazetteer":
    """The gazetteer, built once per process."""
    return Gazetteer(DATA.read_text(encoding="utf-8"))


class Gazetteer:
    """Lookup by token sequence, longest match first."""

    def __init__(self, text: str):
        self.forms: dict[tuple, Form] = {}
        self.agents: dict[tuple, Agent] = {}
        self.agent_len = 1
        self.states: dict[str, Entry] = {}
        self.institutions: dict[str, list[Entry]] = {}
        self.first_names: set[str] = set()
        self.max_len = 1
        self.longest_from: dict[str, int] = {}
        for line in text.splitlines():
            if line.startswith("# first names\t"):
                self.first_names = {n.lower() for n in line.split("\t", 1)[1].split("|") if len(n) > 2}
                continue
            if not line or line.startswith("#"):
                continue
            kind, typ, code, name, aliases, state, qid = (line.split("\t") + [""] * 6)[:7]
            if kind == "agent":
                key = key_of(name)
                self.agents.setdefault(key, Agent(code.split("~")[0], typ, "~" + code.split("~")[1], name))
                self.agent_len = max(self.agent_len, len(key))
                continue
            entry = Entry(kind, typ, code, name, state, qid)
            if kind == "state":
                self.states.setdefault(name, entry)
            elif kind == "institution" and state:
                self.institutions.setdefault(state, []).append(entry)
            self._add(key_of(name), Form(entry, "name"))
            aliases = [a for a in aliases.split("|") if a]
            singles = [a.lower() for a in aliases if "_" not in a] + [name.lower()]
            for alias in aliases:
                self._add(key_of(alias), Form(entry, self._role(entry, alias, singles)))
        self.first_names -= COMMON
        # The organisations' dictionary lists their office holders under them ('Kofi Annan', 'Javier Solana'):
        # a name that opens with a first name and has no word for a body is a person's.
        retyped = {}
        for key, form in self.forms.items():
            e = form.entry
            if e.kind == "igo" and e.type == "Organization" and self.is_person_name(e.name):
                retyped[key] = Form(replace(e, type="Person"), form.role)
        self.forms.update(retyped)
        self.by_code = {e.code: e for e in self.states.values()}

    def is_person_name(self, name: str) -> bool:
        """A name of two words or more that opens with a known first name and has no word for a body."""
        words = name.split()
        return len(words) >= 2 and words[0].lower() in self.first_names and not BODY_WORDS.search(name) \
            and not re.search(r"[\d']", words[-1])

    @staticmethod
    def _role(entry: Entry, alias: str, singles=()) -> str:
        if entry.kind != "state":
            return "name"
        words = alias.split("_")
        low = alias.lower()
        if alias == entry.name.split()[0].upper() and not DEMONYM_ONLY.search(low) and any(
                s != low and s.startswith(low) and len(s) <= len(low) + 3 and DEMONYM.search(s) for s in singles):
            return "name"  # "Brunei" of "Brunei Darussalam" is its name: its demonym is "Bruneian"
        if len(words) == 1 and (
                DEMONYM_ONLY.search(low)
                or DEMONYM.search(low) and (low[:3] == entry.name[:3].lower()
                                            or any(low.startswith(s) and len(low) > len(s) for s in singles))):
            return "demonym"
        if len(words) == 1 and alias.replace(".", "").isupper() and len(alias.replace(".", "")) <= 3:
            return "name"
        if re.search(r"(^|_)(CITY|PROVINCE|REGION|DISTRICT|GOVERNORATE|STRIP|BANK)(_|$)", alias):
            return "place"
        if entry.name.split()[0].upper() in alias:
            return "name"
        # The country's own short name where its canonical name differs ("Britain" of the United Kingdom,
        # "Tanzania" of the United Republic of Tanzania): it shares its stem with a demonym (British).
        if COUNTRY_ENDING.search(low) and any(
                len(os.path.commonprefix([word, s])) >= 4 for word in low.split("_") for s in singles
                if s != low and DEMONYM.search(s)):
            return "name"
        return "place"

    def _add(self, key: tuple, form: Form) -> None:
        if not key or (len(key) == 1 and key[0] in COMMON and key[0] not in ALLOWED_SINGLE_COMMON):
            return
        old = self.forms.get(key)
        if old is None or PRIORITY[form.entry.kind] < PRIORITY[old.entry.kind] or (
                old.entry is form.entry and form.role == "name"):
            self.forms[key] = form
            self.max_len = max(self.max_len, len(key))
            self.longest_from[key[0]] = max(self.longest_from.get(key[0], 0), len(key))

    def agent(self, keys: list[str], i: int, kinds=("body",)) -> tuple[int, Agent] | None:
        """The longest agent noun of one of ``kinds`` starting at token ``i``: (token count, agent)."""
        for n in range(min(self.agent_len, len(keys) - i), 0, -1):
            found = self.agents.get(tuple(keys[i:i + n]))
            if found and found.kind in kinds:
                return n, found
        return None

    def institution_after(self, entry: Entry, keys: list[str], i: int) -> tuple[int, Entry] | None:
        """A body of the state ``entry`` named by the agent noun at token ``i`` ("Algeria's foreign ministry",
        "the Kyrgyz border service"): (token count, an institution entry linked to the state)."""
        if entry.kind != "state":
            return None
        hit = self.agent(keys, i)
        if not hit:
            return None
        n, agent = hit
        # "Israel's parliament" is the Knesset: the state's only institution of the agent's sector.
        sector = agent.code.lstrip("~").replace("GOV", "", 1) if agent.code != "~GOV" else ""
        own = [e for e in self.institutions.get(entry.name, ()) if sector and e.code[3:].replace("GOV", "", 1) == sector]
        if len(own) == 1 and sector in ("LEG", "JUD", "SPY", "COP"):
            return n, own[0]
        name = f"{entry.name} {agent.name}"
        return n, Entry("institution", agent.type, entry.code + agent.code.lstrip("~"), name, entry.name)

    def longest(self, keys: list[str], i: int) -> tuple[int, Form] | None:
        """The longest known form starting at token ``i``: (token count, form)."""
        top = self.longest_from.get(keys[i])
        if not top:
            return None
        for n in range(min(top, 7, len(keys) - i), 0, -1):
            form = self.forms.get(tuple(keys[i:i + n]))
            if form:
                return n, form
        return None
