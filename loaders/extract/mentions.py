"""Actor mentions: gazetteer names, names the text introduces (titles, appositions, organisation words),
and references back (surnames, "the movement", "the regime", "the axis")."""

import bisect
import re
from dataclasses import dataclass, field

from geokg.loaders.extract import coreference
from geokg.loaders.extract.gazetteer import COMMON, PARTICLES, Form, Gazetteer, norm, tokens

AFTER_PLACE = re.compile(r"\b(?:in|at|from|near)\s+[A-Z][\w.-]+,\s*$")
LOCATIVE = frozenset({"in", "at", "from", "to", "near", "into", "inside", "outside", "across", "via", "toward",
                      "towards", "around", "through", "within"})
TITLE_WORDS = frozenset("""president prime minister foreign defence defense interior finance ambassador envoy
secretary general secretary-general speaker spokesman spokeswoman spokesperson official adviser advisor leader
chief head commander king queen emir sheikh crown prince princess ayatollah senator governor mayor chancellor
chairman chairwoman director diplomat negotiator representative deputy vice supreme lt gen col maj capt
lieutenant colonel major captain mr mrs ms dr sir pm commissioner""".split())
LEADER_ROLES = ("president", "prime minister", "king", "queen", "emir", "leader", "supreme leader", "chief", "head",
                "chairman", "chairwoman", "secretary general", "secretary-general", "speaker", "chancellor",
                "director", "commander")
ORG_WORDS = {
    "council": "Organization", "authority": "Organization", "assembly": "Organization", "parliament": "Organization",
    "ministry": "Organization", "agency": "Organization", "committee": "Organization", "commission": "Organization",
    "organization": "Organization", "organisation": "Organization", "union": "Organization",
    "league": "Organization", "court": "Organization", "bank": "Organization", "government": "Organization",
    "cabinet": "Organization", "brotherhood": "Organization", "institute": "Organization",
    "party": "PoliticalParty", "movement": "ArmedGroup", "front": "ArmedGroup", "army": "ArmedGroup",
    "brigades": "ArmedGroup", "brigade": "ArmedGroup", "militia": "ArmedGroup", "forces": "ArmedGroup",
    "guard": "ArmedGroup", "guards": "ArmedGroup", "taliban": "ArmedGroup",
    "alliance": "Alliance", "axis": "Alliance", "coalition": "Alliance", "pact": "Alliance", "bloc": "Alliance",
}
MEDIA_WORDS = frozenset("tv television radio news agency times post press daily journal herald tribune gazette "
                        "network broadcasting channel newspaper monitor".split())
MEDIA_BEFORE = re.compile(r"(?:told|according to|told the|reported by|quoted by|interview with|speaking to|"
                          r"news agency|broadcaster|newspaper|channel|via)\s*$", re.I)
MEDIA_AFTER = re.compile(r"^\s*(?:reported|said in a report|news agency|television|tv)\b", re.I)
STATE_NOUNS = frozenset("regime government authorities officials leadership administration forces army military "
                        "troops delegation ministry side state diplomats envoys negotiators agents soldiers warships "
                        "warplanes jets navy police guards tanks aircraft helicopters gunboats artillery".split())
# The sector of a state organ, between its demonym and the organ's noun: "Israeli intelligence officials".
SECTOR_WORD = r"(?:(?:intelligence|security|defen[cs]e|foreign|military|government|border|naval|air|armed|special) )?"
OPPOSITION_NOUNS = frozenset("opposition rebels insurgents".split())
SEAT_NOUNS = frozenset("regime government authorities leadership administration".split())
# "Peruvian and Chilean officials", "the Turkish and Greek sides": the shared head is plural.
COORDINATED_HEADS = STATE_NOUNS | frozenset("sides governments delegations armies ministries".split())
COORDINATION = re.compile(r",? and |, | or ")
NOMINAL_ORG = re.compile(r"\bthe (?:(?:[A-Z][a-z]+|militant|armed|islamist|islamic|palestinian|militant|radical|"
                         r"rebel|political|opposition) )*(movement|group|organi[sz]ation|militia)\b(?! of)")
NUMBERS = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5}
NOMINAL_PLURAL = re.compile(r"\bthe (two|both|three|four|five) (?:[A-Z]\w+ |\w+ )?(countries|states|nations|governments)\b",
                            re.I)
NOMINAL_STATE = re.compile(r"\bthe (regime|government)\b(?! of| in| and)")
NOMINAL_ALLIANCE = re.compile(r"\b(?:the |its |an? )?((?:[\w]+-led |anti-[\w]+ |fractured |regional |military |"
                              r"defen[cs]e |western |military )*(?:axis|alliance|bloc|coalition|military organi[sz]ation))\b",
                              re.I)
FIRST_NAME_STOP = frozenset({"al", "el", "abu", "bin", "ibn", "sheikh", "acting", "chief", "crown", "sir", "dr",
                             "president", "general", "king", "prince", "ayatollah", "minister", "deputy", "islamic",
                             "national", "united", "democratic", "arab", "people", "popular", "revolutionary",
                             "republican", "liberation", "free", "royal", "supreme", "grand", "great", "north",
                             "south", "east", "west", "central", "saint", "holy", "new"})
RUN_PARTICLES = frozenset({"al", "el", "bin", "ibn", "abu", "de", "van", "von", "da", "del", "la"})
MEDIA_PHRASE = re.compile(r"\b([A-Z][a-z]+(?: and [A-Z][a-z]+)?) (media|press)\b")
GROUP_PHRASE = re.compile(r"\b([A-Z][a-z]+) (militias?|rebels|militants|insurgents|fighters)\b")
INDEFINITE = re.compile(r"\b(?:an?|one|another|any|every|each|no|first|second|third|last|only|main|new|other|"
                        r"\w+est)\s+(?:[a-z-]+\s+){0,2}$", re.I)
ADJECTIVE_ENDING = re.compile(r"(?:ist|ic|ian|ish|ese)$")
GROUP_NOUN_AFTER = re.compile(r"\s+(party|movement|militia|group|faction)\b(?!-)")
GROUP_NOUN_APPOSED = re.compile(r"\b(party|movement|militia|group|faction),\s+(?:the\s+)?$")
GROUP_NOUN_APPOSING = re.compile(r"^,\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(party|movement|militia|group|faction)\b")
GROUP_PHRASE_TWO = re.compile(r"[A-Z][a-z]+ [A-Z][a-z]+ (?:militias?|rebels|militants|insurgents|fighters)\b")
CODE_NAME = re.compile(r"[A-Z][A-Z0-9-]*\d[A-Z0-9-]*|[A-Z]{2,6}")
FIGHTERS_AFTER = re.compile(r"\s+(?:rebels?|militias?|militants?|insurgents?|fighters|guerrillas?|rebel group|"
                            r"militia group|armed group)\b")
GROUP_CUE = re.compile(r"militia|rebels|militants|insurgents|fighters")
BACKED = re.compile(r"\b([A-Z][\w]+)-(backed|sponsored|supported|funded) (militants|militias|militia|rebels|fighters|forces|"
                    r"groups|proxies)\b")
# A name with its short form in brackets: "the Popular Front (PF)", "the National Resistance (Renamo)".
ACRONYM = re.compile(r"\b((?:[A-Z][\w'’-]+ (?:(?:of|for|and|the) )?)+[A-Z][\w'’-]+) \(([A-Z][A-Za-z]{1,11})\)")


_NON_WORD = re.compile(r"[^\w]+")
_KEYS: dict[str, str] = {}


@dataclass(eq=False)
class Actor:
    """An actor as the article presents it."""

    key: str
    name: str
    type: str
    code: str = ""
    forms: dict = field(default_factory=dict)
    evidence: bool = False
    first: int = 0
    names: dict = field(default_factory=dict)

    def add_form(self, form: str, named: bool = False) -> None:
        form = (re.sub(r"\s+", " ", form) if "\n" in form or "  " in form else form).strip() if form else ""
        if form:
            self.forms[form] = self.forms.get(form, 0) + 1
            if named:
                self.names[form] = self.names.get(form, 0) + 1

    def display_name(self) -> str:
        """The name the text uses most, so that names read as the article wrote them."""
        if self.names:
            return max(self.names.items(), key=lambda kv: (kv[1], kv[0] == self.name, -len(kv[0])))[0]
        return self.name

    def aliases(self) -> list[str]:
        name = self.display_name()
        return [f for f in dict.fromkeys([self.name, *self.forms]) if f != name]


@dataclass
class Mention:
    """A span of the body that refers to an actor; ``role`` says how (name, demonym, place, title, nominal);
    a nominal is a description ("the kingdom") or a ``pronoun`` ("it", "they")."""

    start: int
    end: int
    text: str
    actor: Actor | None
    role: str
    sentence: int
    locative: bool = False
    place_name: str | None = None
    group: list | None = None
    pronoun: bool = False


def _state_noun(after: str, nouns=STATE_NOUNS):
    """The state noun after a demonym, with a sector word before it ('intelligence officials'), else the next
    word ('government' itself is a state noun, and no sector of one: 'the German government today')."""
    word = re.match(rf"\s+{SECTOR_WORD}([a-z]+)", after)
    if word and word.group(1) in nouns:
        return word
    return re.match(r"\s+([a-z]+)", after)


class MentionFinder:
    """Finds the mentions of one article, keeping its actors in order of first mention."""

    def __init__(self, gazetteer: Gazetteer, body: str):
        self.g = gazetteer
        self.body = body
        self.actors: dict[str, Actor] = {}
        self.surnames: dict[str, Actor] = {}
        self.mentions: list[Mention] = []
        self.descriptive: set[str] = set()
        self.acronyms: dict[str, tuple[str, str]] = {}
        self._acronyms()

    def _acronyms(self) -> None:
        """Short forms the text introduces in brackets; the short form may also come before its introduction.
        The brackets must hold a short form of the name (its words' initials are among its letters): "John
        Smith (Labour)" gives none."""
        for match in ACRONYM.finditer(self.body):
            short = match.group(2)
            if (norm(short),) in self.g.forms or norm(short) in COMMON:
                continue
            words = match.group(1).split()
            letters = set(short.lower())
            for k in range(len(words) - 1):
                caps = [w for w in words[k:] if w[:1].isupper()]
                if words[k][:1].isupper() and words[k].lower() != "the" and len(caps) >= 2 \
                        and all(w[0].lower() in letters for w in caps):
                    long = " ".join(words[k:])
                    self.acronyms.setdefault(norm(short), (long, ORG_WORDS.get(norm(words[-1]), "Organization")))
                    break

    def actor(self, name: str, typ: str, code: str = "", position: int = 0) -> Actor:
        key = _KEYS.get(name)
        if key is None:
            key = _KEYS[name] = _NON_WORD.sub(" ", name.lower()).strip()
        found = self.actors.get(key)
        if found is None:
            found = Actor(key, name, typ, code, first=position)
            self.actors[key] = found
            if typ == "Person" and len(name.split()) > 1:
                self.surnames.setdefault(norm(name.split()[-1]), found)
        return found

    def run(self, sentences) -> list[Mention]:
        for sentence in sentences:
            self._sentence(sentence)
        self._nominals(sentences)
        self._references(sentences)
        self.mentions.sort(key=lambda m: m.start)
        return self.mentions

    def _references(self, sentences) -> None:
        """Descriptions and pronouns that refer back to the actors named (coreference.py)."""
        for ref in coreference.find(self.body, sentences, self.mentions):
            if ref.role == "nominal" and len(ref.actors) == 1:
                ref.actors[0].add_form(ref.text)
            group = ref.actors if len(ref.actors) > 1 else None
            # A pronoun reads as a reference back like "the kingdom" ("nominal"), for every layer of rules.
            self.mentions.append(Mention(ref.start, ref.end, ref.text, ref.actors[0], "nominal", ref.sentence,
                                         locative=ref.locative, group=group, pronoun=ref.role == "pronoun"))

    def _sentence(self, sentence) -> None:
        body = self.body
        text = body[sentence.start:sentence.end]
        early = []
        for match in (MEDIA_PHRASE.finditer(text) if " media" in text or " press" in text else ()):
            if self.g.forms.get((norm(match.group(1).split()[0]),)) or match.group(1).split()[0].lower() not in COMMON:
                early.append(self._phrase(match, sentence, "Media"))
        for match in (GROUP_PHRASE.finditer(text) if GROUP_CUE.search(text) else ()):
            # An unknown name before a group noun ("the Houthi militia") names an armed group.
            word = match.group(1).lower()
            before = re.search(r"\b([A-Z][a-z]+) $", text[:match.start()])
            if before and self.g.forms.get((before.group(1).lower(), word)):
                # "Sierra Leone rebels": the group takes the whole two-word name it is called after.
                match = GROUP_PHRASE_TWO.match(text, before.start(1))
            elif word in COMMON or self.g.forms.get((word,)) or match.start() == 0:
                continue
            early.append(self._phrase(match, sentence, "ArmedGroup", descriptive=True))
        for match in (BACKED.finditer(text) if "-" in text else ()):
            # The mention starts at "backed": the state before the hyphen stays a mention of its own.
            early.append(self._phrase(match, sentence, "ArmedGroup", descriptive=True, from_group=2))
        self.mentions.extend(early)
        claimed = [(m.start, m.end) for m in early]
        toks = [(s + sentence.start, e + sentence.start, t)
                for s, e, t in tokens(text)
                if not claimed or not any(a <= s + sentence.start < b for a, b in claimed)]
        keys = [norm(t) for _, _, t in toks]
        i = 0
        found: list[Mention] = []
        while i < len(toks):
            if not toks[i][2][:1].isupper() and keys[i] not in RUN_PARTICLES and keys[i] not in PARTICLES:
                i += 1
                continue
            hit = self._gazetteer_hit(toks, keys, i)
            if hit:
                n, mention = hit
                found.append(mention)
                i += n
                continue
            run = self._capitalised_run(toks, keys, i)
            if run:
                n, mention = run
                if mention:
                    found.append(mention)
                i += n
                continue
            i += 1
        for m in found:
            m.sentence = sentence.index
        # Bracketed photo credits ("[AFP]") name who took a picture, not an actor of the story.
        found = [m for m in found if not (body[m.start - 1:m.start] == "[" and body[m.end:m.end + 1] == "]")]
        self._classify_demonyms(found, sentence)
        self.mentions.extend(found)

    def _phrase(self, match, sentence, typ, descriptive=False, from_group=0) -> Mention:
        """An actor named by a whole phrase ("Swedish and Finnish media", "Iranian-backed militants")."""
        name = match.group(0)
        actor = self.actor(name, typ, position=sentence.start + match.start())
        actor.evidence = True
        actor.add_form(name, named=True)
        if descriptive:
            self.descriptive.add(actor.key)
        start = sentence.start + match.start(from_group)
        return Mention(start, sentence.start + match.end(), name[match.start(from_group) - match.start():], actor,
                       "name", sentence.index)

    def _gazetteer_hit(self, toks, keys, i):
        start_tok = toks[i][2]
        if not (start_tok[:1].isupper() or (keys[i] in PARTICLES and i + 1 < len(toks) and toks[i + 1][2][:1].isupper())):
            return None
        hit, people = self.g.longest(keys, i), self._people_of(keys, i)
        if people and (hit is None or hit[0] == 1):
            hit = people
        if not hit:
            return None
        n, form = hit
        if n == 1 and keys[i] in self.surnames and i > 0 and keys[i - 1] in TITLE_WORDS and toks[i - 1][2][:1].isupper():
            return None     # "Ms Jordan" after "Ana Jordan": the person, not the state
        if keys[i] in PARTICLES and n == 1:
            return None
        if n == 1 and len(start_tok) == 2 and not start_tok.isupper():
            return None  # a two-letter name is an acronym written in capitals: "Kim Jong Un" holds no "UN"
        entry = form.entry
        body = self._state_body(toks, keys, i, n, entry)
        if body:
            return body
        if n == 1 and form.role in ("demonym", "place") and self._org_name_follows(toks, keys, i):
            return None
        start, end = toks[i][0], toks[i + n - 1][1]
        text = self.body[start:end]
        if n == 1 and keys[i] in COMMON:
            return None
        before = self.body[max(0, start - 40):start].lower().split()
        locative = bool(before) and (before[-1] in LOCATIVE or before[-2:] == ["out", "of"])
        locative = locative or bool(AFTER_PLACE.search(self.body, max(0, start - 60), start))
        if entry.kind == "person" and keys[i] in self.g.first_names and n == 1:
            return None
        short = re.match(r" \(([A-Z][A-Za-z]{1,11})\)", self.body[end:end + 16])
        known = self.acronyms.get(norm(short.group(1))) if short and entry.type not in ("State", "Person") else None
        if known and known[0].endswith(text):
            actor = self.actor(known[0], known[1], position=start)
        else:
            actor = self.actor(entry.name, entry.type, entry.code, start)
        if entry.type == "Person":
            self.surnames.setdefault(keys[i + n - 1], actor)
        role = form.role
        dateline = role == "place" and start < 40 and text.isupper()
        mention = Mention(start, end, text, actor, role, 0, locative=locative or dateline,
                          place_name=text if role == "place" else None)
        if role in ("name", "place") and not mention.locative:
            actor.evidence = True
        if hit is people:
            actor.add_form(text)
        elif role != "demonym":
            # "President Hosni Mubarak" is a form of the gazetteer's; the person's name has no title.
            words = text.split()
            last_title = max((k for k, w in enumerate(words[:-1]) if w.lower().rstrip(".") in TITLE_WORDS),
                             default=-1) if entry.type == "Person" else -1
            bare = " ".join(words[last_title + 1:])
            actor.add_form(text, named=role == "name" and bare == text)
            if bare != text:
                actor.add_form(bare, named=True)
        return n, mention

    def _state_body(self, toks, keys, i, n, entry):
        """A state's institution named by the state and an agent noun from the gazetteer ("the Algerian Foreign
        Ministry", "Japan's foreign ministry", "the Kyrgyz border service"): an actor of its own."""
        j = i + n
        if entry.kind != "state" or j >= len(toks) or self.body[toks[j - 1][1]:toks[j][0]] not in (" ", "'s ", "’s "):
            return None
        hit = self.g.institution_after(entry, keys, j)
        if not hit:
            return None
        m, inst = hit
        start, end = toks[i][0], toks[j + m - 1][1]
        capitalised = all(t[:1].isupper() for _, _, t in toks[j:j + m] if t.lower() not in ("of", "for", "and", "the"))
        definite = bool(re.search(r"\bthe\s+$", self.body[max(0, start - 5):start], re.I)) \
            or "s " in self.body[toks[j - 1][1]:toks[j][0]]
        if not (capitalised or definite or m > 1) or self.body[end:end + 1] == "-":
            return None
        k = j + m
        if k < len(toks) and toks[k][2][:1].isupper() and self.body[end:toks[k][0]] == " " and not capitalised:
            return None  # "Spanish state broadcaster RTVE": the name that follows is the actor
        text = self.body[start:end]
        actor = self.actor(inst.name, inst.type, inst.code, start)
        actor.evidence = True
        actor.add_form(text, named=True)
        return j + m - i, Mention(start, end, text, actor, "name", 0)

    def _org_name_follows(self, toks, keys, i) -> bool:
        """True for "Palestinian Authority", "Syrian National Council": an organisation named after a state."""
        for k in range(i + 1, min(i + 5, len(toks))):
            if not toks[k][2][:1].isupper():
                return False
            if keys[k] in ORG_WORDS:
                return True
        return False

    def _people_of(self, keys, i):
        """'the Palestinians', 'the Chileans': a state's people named by its demonym in the plural, after 'the',
        stand for the state (PLOVER's and the gold's coding) but are not its name."""
        if i == 0 or keys[i - 1] != "the" or not keys[i].endswith("s"):
            return None
        form = self.g.forms.get((keys[i][:-1],))
        if form is None or form.role != "demonym" or form.entry.kind != "state":
            return None
        return 1, Form(form.entry, "name")

    def _capitalised_run(self, toks, keys, i):
        """A run of capitalised words the gazetteer does not know, classified by its context."""
        if not toks[i][2][:1].isupper() and not (keys[i] in RUN_PARTICLES and i + 1 < len(toks)
                                                  and toks[i + 1][2][:1].isupper()):
            return None
        j = i
        while j < len(toks):
            tok, key = toks[j][2], keys[j]
            gap = self.body[toks[j - 1][1]:toks[j][0]] if j > i else ""
            if j > i and gap.strip() not in ("", "-"):
                break
            if j > i and gap.strip() == "-" and keys[j - 1] not in RUN_PARTICLES:
                break
            if j > i and key not in RUN_PARTICLES and keys[j - 1] not in RUN_PARTICLES:
                hit = self.g.longest(keys, j)
                if hit and hit[1].role != "place" and hit[1].entry.type != "Person" and not (
                        hit[0] == 1 and len(tok) == 2 and not tok.isupper()) and not self._surname(toks, keys, i, j, hit):
                    break
            if tok[:1].isupper() or (key in RUN_PARTICLES and j + 1 < len(toks) and toks[j + 1][2][:1].isupper()) or (
                    key in ("of", "the") and j + 1 < len(toks) and toks[j + 1][2][:1].isupper() and j > i):
                j += 1
                continue
            break
        while j > i and keys[j - 1] in RUN_PARTICLES | {"of", "the"}:
            j -= 1
        n = j - i
        if n == 0:
            return None
        words = [t for _, _, t in toks[i:j]]
        lows = [k for k in keys[i:j]]
        # Titles at the front of a name ("Secretary General Jens Stoltenberg") are not part of it, and
        # what stands before a title ("Swedish Prime Minister") is a run of its own.
        t = 0
        while t < len(lows) - 1 and lows[t] in TITLE_WORDS:
            t += 1
        if t:
            return t, None
        inner = next((k for k in range(1, len(lows) - 1) if lows[k] in TITLE_WORDS and lows[k - 1] not in TITLE_WORDS
                      and lows[k - 1] not in RUN_PARTICLES), None)
        if inner:
            return inner, None
        start, end = toks[i][0], toks[j - 1][1]
        at_start = self.body[max(0, start - 3):start].strip() in ("", '"', "“", "(", "[", "'") or start == 0
        if n == 1 and (lows[0] in COMMON or lows[0] in TITLE_WORDS):
            return 1, None
        if at_start and lows[0] in COMMON:
            return 1, None
        # An organisation word closes an organisation name; what follows starts a new run.
        for k, low in enumerate(lows):
            if low in ORG_WORDS and k + 1 < n and lows[k + 1] not in ("of", "for", "the") and k > 0:
                n, j, words, lows = k + 1, i + k + 1, words[:k + 1], lows[:k + 1]
                end = toks[j - 1][1]
                break
        text = self.body[start:end]
        before = self.body[max(0, start - 80):start]
        after = self.body[end:end + 80]
        typ = self._type(words, lows, before, after)
        short = re.match(r" \(([A-Z][A-Za-z]{1,11})\)", after)
        known = self.acronyms.get(lows[0] if n == 1 else norm(short.group(1)) if short else "")
        if not known and n > 1 and lows[-1] in self.acronyms and toks[j - 1][0] > start:
            # "the Marxist Frelimo government": a capitalised word before a known short form describes it.
            known, start, text = self.acronyms[lows[-1]], toks[j - 1][0], words[-1]
        if known and text.endswith(" " + known[0]):
            # A sentence's first word runs into the name: "The Popular Front (PF)".
            start, text = end - len(known[0]), known[0]
        if known and (n == 1 or known[0].endswith(text) or text == words[-1]):
            # The name and its bracketed short form are one actor, wherever either appears.
            actor = self.actor(known[0], known[1], position=start)
            actor.evidence = True
            actor.add_form(text, named=True)
            return n, Mention(start, end, text, actor, "name", 0)
        if typ is None:
            typ = self._named_before(text)
        if typ is None and lows[0] == "the" and n > 1:
            return 1, None  # "The X, a militant group, ...": the name may start after a sentence's "The"
        if typ is None:
            return n, None
        if typ == "Person" and n == 1:
            actor = self.surnames.get(lows[0])
            if actor is None:
                return n, None
        else:
            actor = self.actor(text, typ, position=start)
            if typ == "PoliticalParty" and n == 2 and lows[0] not in COMMON and (lows[0],) not in self.g.forms:
                # "the Frelimo Party" is "Frelimo" from then on.
                self.acronyms.setdefault(lows[0], (text, typ))
        actor.evidence = True
        actor.add_form(text, named=n > 1 or typ != "Person")
        return n, Mention(start, end, text, actor, "name", 0)

    def _surname(self, toks, keys, i, j, hit) -> bool:
        """True for a one-word name after a first name: "Ana Jordan" is a person, not the state. Not at the
        start of a sentence, where a first name may be an ordinary word ("Said Iran's minister")."""
        return j == i + 1 and i > 0 and hit[0] == 1 and keys[i] in self.g.first_names \
            and keys[i] not in FIRST_NAME_STOP and toks[i][2][:1].isupper()

    def _named_before(self, text):
        """The type of an actor the article has already named so ("Islamic Jihad" after "the Islamic Jihad
        movement"): a name is the same actor wherever it appears later."""
        found = self.actors.get(_KEYS.get(text) or _NON_WORD.sub(" ", text.lower()).strip())
        return found.type if found is not None and found.evidence and found.name == text else None

    def _type(self, words, lows, before, after):
        # Particles (al, bin) do not count towards a name's length: "Tamim bin Hamad al-Thani" has three parts.
        n = len([w for w in lows if w not in RUN_PARTICLES]) or len(words)
        if n == 1 and lows[0] in self.surnames:
            return "Person"
        if lows[-1] in MEDIA_WORDS and n > 1:
            return "Media"
        if MEDIA_BEFORE.search(before) or MEDIA_AFTER.search(after):
            if n <= 3 and not (n > 1 and lows[0] in self.g.first_names):
                return "Media"
        if lows[-1] in ORG_WORDS and n > 1:
            return ORG_WORDS[lows[-1]]
        if n == 1 and CODE_NAME.fullmatch(words[0]) and FIGHTERS_AFTER.match(after):
            # "the M23 rebels", "ADF militants": a code or an acronym before fighters names their group.
            return "ArmedGroup"
        kind = GROUP_NOUN_AFTER.match(after) or GROUP_NOUN_APPOSED.search(before) or GROUP_NOUN_APPOSING.match(after)
        if kind and lows[0] not in COMMON and not INDEFINITE.search(before) \
                and not (n == 1 and ADJECTIVE_ENDING.search(lows[0])):
            # "the militant Islamic Jihad movement", "the nationalist Yamina party": the name before the noun,
            # or beside it ("a small party, the X List", "the X League, a militant group");
            # not "an Arab party", "the first Arab party", "the oldest Islamist movement", which describe a kind.
            return "PoliticalParty" if kind.group(1) == "party" else "ArmedGroup"
        if "of" in lows and any(w in ORG_WORDS for w in lows):
            word = next(w for w in lows if w in ORG_WORDS)
            return ORG_WORDS[word]
        prev = before.rstrip().lower().split()[-3:]
        if prev and (prev[-1] in TITLE_WORDS or prev[-1] in ("officials", "official")) and 2 <= n <= 4:
            return "Person"
        if re.match(r"^\s*,\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,4}(?:official|minister|spokesman|spokeswoman|leader|"
                    r"commander|diplomat|envoy|ambassador|adviser|advisor|analyst|activist|member|chief|head)\b",
                    after) and 2 <= n <= 4:
            return "Person"
        if 2 <= n <= 4 and lows[0] in self.g.first_names and lows[0] not in FIRST_NAME_STOP:
            return "Person"
        return None

    def _classify_demonyms(self, found, sentence):
        """Demonyms name a state only in a state phrase ("the Syrian regime") or before a title."""
        self._coordinated_demonyms(found)
        for k, m in enumerate(found):
            if m.role == "place" and not m.locative:
                self._seat_government(m)
            if m.role != "demonym":
                continue
            after = self.body[m.end:m.end + 40]
            word = _state_noun(after)
            following = word.group(1) if word else ""
            if following in STATE_NOUNS:
                m.end = m.end + word.end()
                m.text = self.body[m.start:m.end]
                m.role = "name"
                m.actor.evidence = True
                m.actor.add_form(m.text)
                m.actor.add_form(m.text.split()[0])
            elif following in OPPOSITION_NOUNS:
                name = f"{m.text} {following}"
                actor = self.actor(name, "ArmedGroup", position=m.start)
                actor.evidence = True
                m.end = m.end + word.end()
                m.text, m.actor, m.role = self.body[m.start:m.end], actor, "name"
            elif re.match(r"\s+[A-Z][a-z]+", after) and re.match(r"\s+(\w+)", after).group(1).lower() in TITLE_WORDS:
                m.role = "affiliation"
                m.actor.evidence = True
                m.actor.add_form(m.text)
            else:
                m.actor.add_form(m.text)

    def _seat_government(self, m):
        """'The Khartoum government', 'the Tehran regime': a seat of government before a state noun names the
        state, as the demonym does in 'the Sudanese government'."""
        word = re.match(r"\s+([a-z]+)\b", self.body[m.end:m.end + 40])
        if word and word.group(1) in SEAT_NOUNS and m.actor.type == "State":
            m.end = m.end + word.end()
            m.text = self.body[m.start:m.end]
            m.role = "name"
            m.actor.evidence = True
            m.actor.add_form(m.text)

    def _coordinated_demonyms(self, found):
        """Demonyms joined by 'and' before one state noun each name a state ("Peruvian and Chilean officials"):
        the gold codes each state, as it does "Chilean officials" alone."""
        chain = []
        for m in found + [None]:
            if m and m.role == "demonym" and chain and chain[-1].actor is not m.actor and \
                    COORDINATION.fullmatch(self.body[chain[-1].end:m.start]):
                chain.append(m)
                continue
            if len(chain) > 1:
                word = _state_noun(self.body[chain[-1].end:chain[-1].end + 40], COORDINATED_HEADS)
                if word and word.group(1) in COORDINATED_HEADS:
                    last_done_later = word.group(1) in STATE_NOUNS
                    for member in chain[:-1] if last_done_later else chain:
                        member.role = "name"
                        member.actor.evidence = True
                        member.actor.add_form(member.text)
            chain = [m] if m and m.role == "demonym" else []

    def _nominals(self, sentences) -> None:
        """Lower-case references back to actors: "the movement", "the regime", "the axis"."""
        alliances = [a for a in self.actors.values() if a.type == "Alliance" and a.evidence]
        main_alliance = max(alliances, key=lambda a: sum(a.forms.values()), default=None)
        self.mentions.sort(key=lambda m: m.start)
        self._index = [m for m in self.mentions if m.actor and not m.locative and m.role != "demonym"
                       and m.actor.type != "Media"]
        self._starts = [m.start for m in self._index]
        by_sentence = {}
        for m in self.mentions:
            by_sentence.setdefault(m.sentence, []).append(m)
        dropped = set()
        added = []
        for sentence in sentences:
            here = by_sentence.get(sentence.index, [])
            taken = [(m.start, m.end) for m in here if m.role != "demonym"]

            def claim(s, e):
                if not all(e <= a or s >= b for a, b in taken):
                    return False
                # A demonym inside "the Palestinian movement" is part of the reference, not a mention of its own.
                dropped.update(id(m) for m in here if m.role == "demonym" and s <= m.start and m.end <= e)
                taken.append((s, e))
                return True

            text = self.body[sentence.start:sentence.end]
            low = text.lower()
            for regex, kinds, cues in (
                    (NOMINAL_ORG, ("ArmedGroup", "PoliticalParty", "Organization"),
                     ("movement", "group", "organi", "militia")),
                    (NOMINAL_STATE, ("State",), ("regime", "government"))):
                if "the " not in low or not any(map(low.__contains__, cues)):
                    continue
                for match in regex.finditer(text):
                    s, e = sentence.start + match.start(), sentence.start + match.end()
                    target = self._last(s, kinds)
                    if target and claim(s, e):
                        target.add_form(match.group(0))
                        added.append(Mention(s, e, match.group(0), target, "nominal", sentence.index))
            plural = any(map(low.__contains__, ("countries", "states", "nations", "governments")))
            for match in (NOMINAL_PLURAL.finditer(text) if plural else ()):
                s, e = sentence.start + match.start(), sentence.start + match.end()
                group = self._last_coordination(by_sentence, sentence, s, NUMBERS[match.group(1).lower()])
                if group and claim(s, e):
                    added.append(Mention(s, e, match.group(0), group[0], "nominal", sentence.index, group=group))
            if main_alliance is None or not any(map(low.__contains__, ("axis", "alliance", "bloc", "coalition",
                                                                        "organization", "organisation"))):
                continue
            for match in NOMINAL_ALLIANCE.finditer(text):
                s, e = sentence.start + match.start(1), sentence.start + match.end(1)
                if text[match.start(1):match.start(1) + 1].isupper() or not claim(s, e):
                    continue
                main_alliance.add_form(match.group(1))
                added.append(Mention(s, e, match.group(1), main_alliance, "nominal", sentence.index))
        self.mentions[:] = [m for m in self.mentions if id(m) not in dropped] + added

    def _last_coordination(self, by_sentence, sentence, position, size):
        """The last list of exactly ``size`` states named together ("Finland and Sweden") before a position."""
        nearby = by_sentence.get(sentence.index - 1, []) + by_sentence.get(sentence.index, [])
        candidates = [m for m in nearby if m.start < position and m.actor and m.actor.type == "State"
                      and m.role != "demonym"]
        candidates.sort(key=lambda m: m.start)
        best, run = None, []
        for m in candidates:
            gap = self.body[run[-1].end:m.start] if run else ""
            if run and re.fullmatch(r"\s*(,|and|, and|&)\s*", gap):
                run.append(m)
            else:
                run = [m]
            actors = list(dict.fromkeys(x.actor for x in run))
            if len(actors) == size:
                best = actors
        return best

    def _last(self, position, kinds):
        """The actor a reference back most likely means: among earlier mentions of ``kinds`` (a few hundred
        back), the one named most often, the nearest on a tie; descriptive groups ("Shia militia") only
        when nothing else fits."""
        k = bisect.bisect_left(self._starts, position)
        counts, order = {}, {}
        for rank, m in enumerate(reversed(self._index[max(0, k - 300):k])):
            if m.actor.type in kinds:
                counts[m.actor] = counts.get(m.actor, 0) + 1
                order.setdefault(m.actor, rank)
        if not counts:
            return None
        return max(counts, key=lambda a: (a.key not in self.descriptive, counts[a], -order[a]))
