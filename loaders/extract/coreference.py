"""References back to actors the article has already named: definite descriptions ("the kingdom", "the
Gulf state", "the two countries", "both sides", "all three", "the signatories") and personal pronouns
("It recalled its ambassador", "They signed a pact", "he met X").

Pure functions over the body, its sentences and the mentions found so far (mentions.py); each reference
found is a `Reference` that mentions.py turns into a Mention. A plural refers to a group of actors: the
last list of actors named together nearby ("Peru and Chile ... the two countries").

Which earlier actor a reference means is a matter of salience: actors named in the last few sentences, the
nearer the better, and the first actor of a sentence (most often its subject) before the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PARTIES = ("State", "Organization", "ArmedGroup", "PoliticalParty", "Alliance")
GROUPS = ("ArmedGroup", "Organization", "PoliticalParty")
# English common nouns for kinds of actor, and the actor types each may refer back to.
SINGULAR_KINDS = {
    "country": ("State",), "nation": ("State",), "kingdom": ("State",), "republic": ("State",),
    "emirate": ("State",), "sultanate": ("State",), "monarchy": ("State",), "state": ("State",),
    "principality": ("State",), "island": ("State",),
    "bloc": ("Alliance", "Organization"), "alliance": ("Alliance",), "coalition": ("Alliance",),
    "grouping": ("Alliance", "Organization"),
    "body": ("Organization", "Alliance"), "organisation": ("Organization", "Alliance"),
    "organization": ("Organization", "Alliance"), "league": ("Organization", "Alliance"),
    "group": GROUPS, "militia": ("ArmedGroup",), "movement": GROUPS, "faction": GROUPS, "outfit": GROUPS,
    "party": ("PoliticalParty",),
}
PLURAL_KINDS = {
    "countries": ("State",), "states": ("State",), "nations": ("State",), "governments": ("State",),
    "neighbours": ("State",), "neighbors": ("State",), "capitals": ("State",), "kingdoms": ("State",),
    "sides": PARTIES, "parties": PARTIES, "rivals": PARTIES, "foes": PARTIES, "adversaries": PARTIES,
    "signatories": PARTIES, "powers": ("State",), "allies": PARTIES, "groups": GROUPS, "movements": GROUPS,
    "leaders": ("Person",), "men": ("Person",), "women": ("Person",), "presidents": ("Person",),
    "ministers": ("Person",),
}
# Plural nouns that say nothing of how many: a group of any size, and only a list named nearby.
UNCOUNTED = frozenset({"signatories", "parties", "sides"})
NUMBERS = {"two": 2, "both": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_NUMBER = r"(?:two|three|four|five|six)"
_MODIFIER = r"(?:[A-Za-z][\w'’-]* ){0,2}?"
# "the two countries", "both sides", "all three nations", "the two Nordic neighbours", "the signatories".
PLURAL = re.compile(rf"\b(?:(?P<det>the|both|all)(?: (?P<n>{_NUMBER}))? {_MODIFIER}(?P<noun>{'|'.join(PLURAL_KINDS)})"
                    rf"|(?P<det2>the|all) (?P<n2>{_NUMBER})(?= (?:[a-z]+ed|have|had|are|were|will|would|also|did|"
                    rf"both|then|later|jointly|each|agreed|met|held|signed|said|say|reached|"
                    rf"began|made|took)\b))\b(?! of\b)", re.I)
# "the kingdom", "the island nation", "the Gulf state", "the Iranian-backed group".
SINGULAR = re.compile(rf"\bthe (?P<mod>{_MODIFIER})(?P<noun>{'|'.join(SINGULAR_KINDS)})\b(?! of\b)(?!-)", re.I)
# A modifier that makes the noun something other than a reference back to one actor.
NOT_A_REFERENCE = frozenset("other another same whole entire first second last new next former two three four "
                            "five each every such one member host".split())
# "state" is most often an adjective: "the state news agency", "the state of emergency".
STATE_ADJECTIVE = re.compile(r"^[ -](?:media|news|tv|television|broadcaster|radio|agency|department|visit|"
                             r"secretary|council|security|company|firm|run|owned|funeral|dinner|banquet|level|"
                             r"actors?|sponsors?|terrorism|institutions?|apparatus|control|power|budget|"
                             r"officials?|employees|structures|building|prosecutor|capacity|duma)\b", re.I)
PRONOUN = re.compile(r"\b(?:he|she|it|they|him|them|her)\b", re.I)
GENDER = {"he": "m", "him": "m", "she": "f", "her": "f"}
OBJECT_PRONOUNS = frozenset({"him", "her", "them"})
CLAUSE_BOUNDARY = re.compile(r".*(?:[,;:]|\band\b|\bbut\b)", re.S)
# What may come before a subject "it": a sentence's or clause's start.
SUBJECT_BEFORE = re.compile(r"(?:^|[,;:“\"(]|\b(?:and|but|that|as|after|before|when|while|because|since|which|"
                            r"where|though|although|until|once|so|if))\s*$", re.I)
# A sentence that opens with a thing as its subject: "The treaty ...", "This decision ...".
THING_SUBJECT = re.compile(r"\W*(?:The|This|That|These|Those)\s+(?:[a-z][\w-]*\s+){0,2}?[a-z][\w-]*\b")
# What may follow a subject "it": a finite verb ("it recalled", "it has", "it will").
FINITE_AFTER = re.compile(r"^\s+(?:[a-z]+ed|[a-z]+[^s'’]s|will|would|could|can|may|might|should|must|has|had|"
                          r"also|later|then|now|still|already|cut|met|sent|struck|broke|held|led|hit|won|lost|"
                          r"left|began|fought|withdrew|drew|threw|gave|put|set|shot|sought|bought|sold|froze|"
                          r"rejoined|quit|overran|seized|beat|spoke|told|swore|chose|rose|fell|brought)\b")
# "it" before these is the empty subject of "it is expected", "it seems", "it remains unclear".
PLEONASTIC = re.compile(r"^\s+(?:(?:will|would|could|may|might|should|must|has|had|have|also|not|never|still|"
                        r"now|already|then|does|did|do)\s+)*(?:is|was|'s|’s|be|been|being|seems?|seemed|appears?|"
                        r"appeared|remains?|remained|becomes?|became|takes?|took|means?|meant|matters?|happened|"
                        r"looks?|looked|sounds?|comes?|came|isn't|wasn't|isn’t|wasn’t)\b", re.I)
# "her" before a word is a possessive ("her ministry"), not the object of a verb.
OBJECT_HER = re.compile(r"^\s*(?:[,.;:!?\"”)]|$|(?:to|in|on|at|for|with|and|as|after|before|that|of|from|over|"
                        r"during|into|about|by|again|last|on|this|since)\b)", re.I)
SPEECH = re.compile(r"^\s+(?:said|says|added|adds|told|stated|warned|noted|wrote|declared|insisted)\b", re.I)
WINDOW = 3
# Between a state and the person it describes: "North Korean leader", "Chile's foreign minister".
MODIFIER_GAP = re.compile(r"(?:'s|’s)?\s+(?:[a-z][\w-]*\s+){0,2}(?:president|leader|minister|premier|king|queen|"
                          r"emir|envoy|ambassador|chief|head|spokes(?:man|woman|person)|official|commander|"
                          r"secretary|chancellor|counterpart|diplomat|general)\s+")
# Between items of a list: "Peru, Chile and Ecuador", "Peru and the rebel Sendero Norte".
COORDINATION_GAP = re.compile(r"\s*(?:,|and|, and|&|as well as)\s*(?:the\s+(?:[a-z][\w-]*\s+){0,2})?")


@dataclass
class Reference:
    """A span that refers back to one actor or, for a plural, to a group."""

    start: int
    end: int
    text: str
    actors: list
    role: str
    sentence: int
    locative: bool = False


class Resolver:
    """Finds the references of one article, given its body, sentences and the mentions found so far."""

    def __init__(self, body: str, sentences, mentions):
        self.body = body
        self.sentences = sentences
        # A demonym is an antecedent too: "no Peruvian reaction, but it has denied ...".
        self.mentions = sorted((m for m in mentions if m.actor and not m.locative), key=lambda m: m.start)
        self.by_sentence: dict[int, list] = {}
        for m in self.mentions:
            self.by_sentence.setdefault(m.sentence, []).append(m)
        # A demonym before a hyphen is a modifier inside a description ("the Iranian-backed group"), and stays
        # a mention of its own for who backs whom.
        self.taken = [(m.start, m.end) for m in mentions
                      if not (m.role == "demonym" and body[m.end:m.end + 1] == "-")]
        self.gender: dict = {}
        self.by_index = {s.index: s for s in sentences}
        self.found: list[Reference] = []

    def run(self) -> list[Reference]:
        for sentence in self.sentences:
            self._descriptions(sentence)
            self._pronouns(sentence)
        return self.found

    def _add(self, ref: Reference) -> None:
        """Keep a reference; it is an antecedent in turn ("the two countries ... they", "She met X. He praised her")."""
        self.found.append(ref)
        here = self.by_sentence.setdefault(ref.sentence, [])
        here.append(_AsMention(ref))
        here.sort(key=lambda m: m.start)

    def _free(self, start, end) -> bool:
        """Claims a span no mention or reference holds yet."""
        if any(s < end and start < e for s, e in self.taken):
            return False
        self.taken.append((start, end))
        return True

    def _descriptions(self, sentence) -> None:
        text = self.body[sentence.start:sentence.end]
        for match in PLURAL.finditer(text):
            start, end = sentence.start + match.start(), sentence.start + match.end()
            noun = (match["noun"] or "").lower()
            number = match["n"] or match["n2"] or (match["det"] if (match["det"] or "").lower() == "both" else None)
            size = NUMBERS.get((number or "").lower())
            if size is None and (noun not in UNCOUNTED or match["det"].lower() != "the"):
                continue    # "all parties", "both sides" of a question: no group named before
            kinds = PLURAL_KINDS.get(noun, PARTIES + ("Person",))
            group = self._group(sentence, start, size, kinds, guess=size is not None and kinds == ("State",))
            if group and self._free(start, end):
                self._add(Reference(start, end, match.group(0), group, "nominal", sentence.index,
                                    self._locative(start)))
        for match in SINGULAR.finditer(text):
            start, end = sentence.start + match.start(), sentence.start + match.end()
            noun, modifiers = match["noun"].lower(), match["mod"].lower().split()
            if any(w in NOT_A_REFERENCE or w in NUMBERS for w in modifiers):
                continue
            if noun == "state" and (not modifiers or STATE_ADJECTIVE.match(self.body[end:end + 20])):
                continue
            if re.match(r" [A-Z]", text[match.end():match.end() + 2]):
                continue    # "the group Hamas": the name follows, and is the mention
            actor = self._named_so(noun, SINGULAR_KINDS[noun], start) or self._salient(sentence, start, SINGULAR_KINDS[noun])
            if actor and self._free(start, end):
                self._add(Reference(start, end, match.group(0), [actor], "nominal", sentence.index,
                                    self._locative(start)))

    def _pronouns(self, sentence) -> None:
        text = self.body[sentence.start:sentence.end]
        for match in PRONOUN.finditer(text):
            word = match.group(0).lower()
            before, after = text[:match.start()], text[match.end():]
            if _quoted(before):
                continue    # a speaker's "it" or "they" is of the speaker's own story
            if word == "her" and not OBJECT_HER.match(after):
                continue
            if word == "it" and (not (SUBJECT_BEFORE.search(before) or FINITE_AFTER.match(after))
                                 or PLEONASTIC.match(after)):
                continue    # an object "it" is most often a thing: "signed it", "rejected it"
            if SPEECH.match(after):
                continue    # "he said", "it told": attribution.py follows who is speaking
            start, end = sentence.start + match.start(), sentence.start + match.end()
            # "He praised her": an object is not the subject of its own clause (that would be "herself").
            clause = CLAUSE_BOUNDARY.match(before)
            clause_start = sentence.start + (clause.end() if clause else 0)
            exclude = {a for m in self.by_sentence.get(sentence.index, []) if clause_start <= m.start < start
                       for a in _actors_of(m)} if word in OBJECT_PRONOUNS else set()
            if word in GENDER:
                actors = self._first_before(sentence, start, ("Person",), exclude, GENDER[word])
            elif word == "it":
                actors = self._first_before(sentence, start, PARTIES + ("Media",), exclude, things=True)
            else:
                actors = self._plural_antecedent(sentence, start, exclude)
            if actors and self._free(start, end):
                if word in GENDER:
                    self.gender.setdefault(actors[0], GENDER[word])
                self._add(Reference(start, end, match.group(0), actors, "pronoun", sentence.index))

    def _thing_first(self, index, first_actor) -> bool:
        """True when a sentence opens with a thing ("The treaty", "This decision") before any actor."""
        sentence = self.by_index.get(index)
        if sentence is None:
            return False
        opening = THING_SUBJECT.match(self.body, sentence.start, first_actor)
        return opening is not None

    def _locative(self, start) -> bool:
        before = self.body[max(0, start - 12):start].lower().split()
        return bool(before) and before[-1] in ("in", "at", "from", "to", "into", "inside", "across", "throughout")

    def _window(self, sentence, position):
        """Candidate mentions, nearest sentence first: the sentence's own before the position, then earlier ones."""
        own = [m for m in self.by_sentence.get(sentence.index, []) if m.end <= position]
        yield 0, own
        for back in range(1, WINDOW + 1):
            yield back, self.by_sentence.get(sentence.index - back, [])

    def _first_before(self, sentence, position, kinds, exclude=(), gender=None, things=False) -> list:
        """A pronoun's antecedent: in the nearest sentence naming an actor of a fitting kind, the first such
        actor (most often the subject), two sentences back at most; not one an earlier "she" made a woman
        when the pronoun is "he". With `things` ("it"), none when that sentence's subject is a thing ("The
        treaty, which Peru signed, ... It limited ...")."""
        for back, found in self._window(sentence, position):
            if back > 2:
                break
            if things and found and self._thing_first(sentence.index - back, found[0].start):
                return []
            fitting = [m for m in found if _kinds(m) and set(_kinds(m)) <= set(kinds)
                       and not set(_actors_of(m)) & set(exclude)
                       and self.gender.get(m.actor, gender) == gender]
            if fitting:
                return _actors_of(fitting[0])
        return []

    def _plural_antecedent(self, sentence, position, exclude=()) -> list:
        """'they'/'them': the nearest list of actors named together, a plural reference, or a group whose
        name is a plural ('the Houthis')."""
        for back, found in self._window(sentence, position):
            if back > 1:
                break
            groups = [m for m in found if m.group and len(m.group) > 1]
            lists = _coordinations(self.body, found, PARTIES + ("Person",), None)
            candidates = [(g[0].start, list(g[1])) for g in lists] + [(m.start, list(m.group)) for m in groups]
            # "Houthi rebels", "Iranian-backed militants"; not "Hamas", a name that ends in s.
            plural_named = [(m.start, [m.actor]) for m in found if m.actor.type in GROUPS
                            and re.search(r"\b[a-z]+[^s]s$", m.text)]
            candidates = [c for c in candidates or plural_named if not set(c[1]) & set(exclude)]
            if candidates:
                return min(candidates, key=lambda c: c[0])[1]
        return []

    def _group(self, sentence, position, size, kinds, guess) -> list:
        """The actors of a plural description: the last list of `size` actors (any size when None) of fitting
        kinds named together nearby, else, for a counted noun, the `size` most salient fitting actors."""
        for back, found in self._window(sentence, position):
            lists = _coordinations(self.body, found, kinds, size)
            lists += [(m, m.group) for m in found if m.group and (size is None or len(m.group) == size)
                      and all(a.type in kinds for a in m.group)]
            if lists:
                return list(max(lists, key=lambda c: c[0].start)[1])
        if not guess:
            return []
        # Else the actors of fitting kinds named in this sentence and the one before, when just so many are.
        near = [a for back, found in self._window(sentence, position) if back <= 1
                for m in found if m.role not in ("affiliation", "demonym") for a in _actors_of(m) if a.type in kinds]
        near = list(dict.fromkeys(near))
        return near if len(near) == size else []

    def _named_so(self, noun, kinds, position):
        """'the league' after 'the Arab League', 'the party' after 'the Labour Party': the last actor named
        earlier whose name ends in the noun, capitalised (no 'the Islamic State group')."""
        for m in reversed(self.mentions):
            if m.start < position and m.actor.type in kinds and m.role == "name" \
                    and any(f.rsplit(" ", 1)[-1] == noun.title() for f in (m.actor.name, *m.actor.names)):
                return m.actor
        return None

    def _salient(self, sentence, position, kinds):
        ranked = self._ranked(sentence, position, kinds)
        return ranked[0] if ranked else None

    def _ranked(self, sentence, position, kinds) -> list:
        """Fitting actors of the last few sentences, most salient first: each mention counts the more the
        nearer its sentence (half as much a sentence further back); the first of its sentence counts double,
        and so does the last before the reference in its own."""
        scores: dict = {}
        recent: dict = {}
        for back, found in self._window(sentence, position):
            for k, m in enumerate(found):
                for actor in _actors_of(m):
                    if actor.type not in kinds:
                        continue
                    weight = 2 if k == 0 else 1
                    if back == 0 and k == len(found) - 1:
                        weight += 1     # the name just before: "Chile's leader and chair of the country's ..."
                    scores[actor] = scores.get(actor, 0) + weight * 0.5 ** back
                    recent[actor] = max(recent.get(actor, -1), m.start - back * 10**7)
        return sorted(scores, key=lambda a: (-scores[a], -recent[a]))


class _AsMention:
    """A reference standing in the list of mentions, so that a later reference can point back to it."""

    def __init__(self, ref: Reference):
        self.start, self.end, self.text, self.sentence = ref.start, ref.end, ref.text, ref.sentence
        self.actor = ref.actors[0]
        self.group = ref.actors if len(ref.actors) > 1 else None
        self.role = ref.role


def _quoted(before: str) -> bool:
    """True when a sentence's text up to a point leaves a quotation open."""
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _actors_of(m) -> list:
    return list(m.group) if m.group else [m.actor]


def _kinds(m) -> tuple:
    return tuple(a.type for a in _actors_of(m))


def _coordinations(body, mentions, kinds, size):
    """Lists of actors named together ("Peru, Chile and Ecuador"), as (first mention, actors)."""
    runs, run = [], []
    mentions = sorted(mentions, key=lambda m: m.start)
    modifier_start = None
    for k, m in enumerate(mentions):
        following = mentions[k + 1] if k + 1 < len(mentions) else None
        if following is not None and following.actor.type == "Person" and m.actor.type != "Person" \
                and MODIFIER_GAP.fullmatch(body, m.end, following.start):
            # "North Korean leader Kim": the state describes the person, and is no item of the list.
            modifier_start = m.start if modifier_start is None else modifier_start
            continue
        start, modifier_start = (modifier_start if modifier_start is not None else m.start), None
        if m.group or m.actor.type not in kinds or m.role in ("affiliation", "demonym"):
            run = []
            continue
        if run and COORDINATION_GAP.fullmatch(body, run[-1].end, start) \
                and (run[-1].actor.type == "Person") == (m.actor.type == "Person"):
            run.append(m)
        else:
            run = [m]
            runs.append(run)
    out = []
    for run in runs:
        # A list ends at its "and": "Peru, Chile and Ecuador"; "Peru, Chile said" is no list.
        ends = [k for k in range(1, len(run)) if re.search(r"\band\b|&|as well as", body[run[k - 1].end:run[k].start])]
        run = run[:ends[-1] + 1] if ends else []
        actors = list(dict.fromkeys(x.actor for x in run))
        if len(actors) >= 2 and (size is None or len(actors) == size):
            out.append((run[0], actors))
    return out


def find(body: str, sentences, mentions) -> list[Reference]:
    """The references back to actors in an article, given the mentions of its names."""
    return Resolver(body, sentences, mentions).run()
