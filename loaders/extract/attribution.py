"""Claims: who said what, through which channel, quoted or paraphrased, and how the article hedges it."""

import bisect
import re
from dataclasses import dataclass, field

SPEECH = r"(?:said|says|say|told|tells|added|adds|stated|states|warned|warns|insisted|declared|explained|noted|wrote|" \
         r"announced|claimed|claims|argued|stressed|confirmed|acknowledged)"
QUOTE_FIRST = re.compile(rf"^[\"“](?P<q>.+?)[,.!?]?[\"”],?\s+(?P<who>.{{1,120}}?)\s+(?P<v>{SPEECH})\b(?P<rest>.*)$")
QUOTE_LAST = re.compile(rf"^(?P<who>.{{1,200}}?)\s+(?P<v>{SPEECH}|stating|saying|adding|according to)\b[:,]?\s*"
                        rf"(?P<pre>[^\"“]{{0,80}}?)[\"“](?P<q>[^\"”]{{8,}})[\"”]")
TOLD = re.compile(r"^(?P<who>.{1,120}?)\s+(?:told|informed|assured)\s+(?P<ch>.{1,60}?)\s+that\s+(?P<c>.+?)\.?$")
REPORTED = re.compile(r"^(?P<who>.{1,120}?)\s+(?:has |have |had )?(?:also )?(?:reportedly |allegedly |publicly )?"
                      r"(?P<v>said|says|announced|stated|warned|claimed|insisted|argued)\s+(?:that\s+)?(?P<c>.{12,}?)\.?$")
TRAILING = re.compile(r"^(?P<c>.{12,}?),\s+(?P<who>[^,]{1,60}?)\s+(?:said|say|says|reported|added|told \w+)(?P<rest>[,.].*|$)")
ACCUSED = re.compile(r"^(?P<who>.{0,120}?)\s*(?:has |have |had |went on to )?(?:accused|accuses|accusing|accuse)\s+"
                     r"(?P<t>.{1,80}?)\s+of\s+(?P<c>.+?)(?:,\s+in an? .*)?\.?$")
DENIED = re.compile(r"^(?:.*?\bbut\s+)?(?P<who>[^,]{1,80}?)\s+(?:has |have |had )?(?:repeatedly )?(?:denied|denies|rejected|"
                    r"rejects)\s+(?P<c>.{6,}?)\.?$")
BELIEVED = re.compile(r"(?P<who>\b[^,]{1,60}?)\s+(?P<h>(?:is|are|was|were) (?:widely )?(?:believed|thought|understood|said|"
                      r"reported|alleged|suspected) to)\s+(?P<c>.+?)\.?$")
HEDGES = re.compile(r"\b(reportedly|allegedly|purportedly|apparently|is believed|are believed|was believed|"
                    r"is thought|is said|reportedly said|appears? to|it is understood|according to [^,.]+)", re.I)
ANON = re.compile(r"\b(a source|sources|an official|officials|diplomats?|a diplomat|a spokesman|a spokeswoman|"
                  r"analysts?|observers|insiders|envoys|people familiar|residents|witnesses)\b", re.I)
SPEECH_CUE = re.compile(rf"\b{SPEECH}\b|according to|stating|saying")
BELIEVED_CUE = re.compile(r"(?:believed|thought|understood|said|reported|alleged|suspected) to\b")
ACCORDING = re.compile(r",?\s*according to (?P<src>[^,.]+)[,.]?")
PRONOUN = re.compile(r"^(?:he|she)$", re.I)
STATE_AGENCY = re.compile(r"\b(?:state|official|government) (?:news agency|media|television|tv)\b", re.I)


@dataclass
class ClaimFact:
    """One attributed statement found in one sentence."""

    content: str
    direct_quote: bool
    claimants: list = field(default_factory=list)
    anonymous: str | None = None
    channel: object = None
    channel_name: str | None = None
    hedge: str | None = None
    verb: str | None = None
    confidence: float = 0.7


class Attributor:
    """Reads claims sentence by sentence, remembering who spoke last for "he said"."""

    def __init__(self, body: str, mentions, by_sentence):
        self.body = body
        self.mentions = mentions
        self.starts = [m.start for m in mentions]
        self.by_sentence = by_sentence
        self.last: ClaimFact | None = None

    def in_span(self, sentence, span_start: int, span_end: int):
        """The mentions inside a part of the sentence (offsets into the sentence's raw text)."""
        lo, hi = sentence.start + span_start, sentence.start + span_end
        return [m for m in self.by_sentence.get(sentence.index, []) if lo <= m.start and m.end <= hi]

    def _before(self, position):
        """Mentions before a position, nearest first."""
        return reversed(self.mentions[:bisect.bisect_left(self.starts, position)][-400:])

    def who(self, sentence, text, span, before_pos):
        """Claimant actors, or an anonymous description, for the words that name the speaker."""
        words = text[span[0]:span[1]].strip()
        found = [m for m in self.in_span(sentence, *span) if m.actor and not m.locative]
        people = [m.actor for m in found if m.actor.type == "Person"]
        if STATE_AGENCY.search(words):
            state = self._last_subject_state(sentence)
            if state:
                return [state], None, [m.actor for m in found if m.actor.type == "Media"][:1]
        if people:
            return people[:1], None, []
        named = [m.actor for m in found if m.role != "demonym" or m.role == "affiliation"]
        named = [a for a in named if a.type != "Media"] or named
        if named:
            return list(dict.fromkeys(named)), None, []
        if PRONOUN.match(words.split(" ")[-1] if words else ""):
            person = self._last_person(sentence.start + before_pos)
            return ([person] if person else []), None, []
        if re.search(r"\b(it)\b", words, re.I):
            actor = self._last_party(sentence.start + span[0])
            return ([actor] if actor else []), None, []
        if re.search(r"\bstatement\b", words, re.I) and self.last and self.last.claimants:
            return list(self.last.claimants), None, []
        anon = ANON.search(words)
        if anon:
            noun = anon.group(1).lower()
            return [], ("unnamed source" if "source" in noun else f"{noun} (unnamed)"), []
        return [], None, []

    def _last_person(self, position):
        return next((m.actor for m in self._before(position) if m.actor and m.actor.type == "Person"), None)

    def _last_party(self, position):
        parties = ("State", "Organization", "ArmedGroup", "PoliticalParty", "Alliance")
        return next((m.actor for m in self._before(position) if m.actor and m.actor.type in parties), None)

    def _last_subject_state(self, sentence):
        for index in (sentence.index - 1, sentence.index):
            for m in self.by_sentence.get(index, []):
                if m.actor and m.actor.type == "State" and not m.locative and m.role != "demonym":
                    return m.actor
        return None

    def channel(self, sentence, text, span):
        found = [m for m in self.in_span(sentence, *span) if m.actor and m.actor.type == "Media"]
        if found:
            return found[0].actor, None
        words = re.sub(r"^(?:the|its|their|his|her)\s+", "", text[span[0]:span[1]].strip(" ,."), flags=re.I)
        return None, (words or None)

    def claim(self, sentence) -> ClaimFact | None:
        """The claim a sentence makes, if any."""
        # Same length as the body slice, so regex offsets are body offsets minus the sentence start.
        text = re.sub(r"\s", " ", self.body[sentence.start:sentence.end])
        fact = self._match(sentence, text)
        if fact is None:
            return None
        if fact.hedge is None:
            hedge = HEDGES.search(text)
            if hedge:
                fact.hedge = hedge.group(1)
        if fact.channel is None and fact.channel_name is None:
            according = re.search(r"according to ([^,.]+)", text)
            if according:
                span = according.span(1)
                fact.channel, fact.channel_name = self.channel(sentence, text, span)
        if fact.channel is None and fact.channel_name is None and self.last and fact.claimants \
                and fact.claimants == self.last.claimants and fact.direct_quote:
            fact.channel, fact.channel_name = self.last.channel, self.last.channel_name
        if fact.claimants or fact.anonymous:
            self.last = fact
        return fact if (fact.claimants or fact.anonymous or fact.hedge) else None

    def _match(self, sentence, text):
        low = text.lower()
        quoted = '"' in text or "“" in text
        speech = SPEECH_CUE.search(low)
        if not (quoted or speech or "accus" in low or "denie" in low or "reject" in low or " to " in low):
            return None
        m = QUOTE_FIRST.match(text) if text[:1] in "\"“" else None
        if m:
            claimants, anon, extra = self.who(sentence, text, m.span("who"), m.start("who"))
            fact = ClaimFact(_clean(m["q"]), True, claimants, anon, verb=m["v"], confidence=0.85)
            rest = m["rest"]
            told = re.match(r"\s*(.{1,40}?)(?:\s+at\b|\s+on\b|,|\.|$)", rest) if m["v"] in ("told", "tells") else None
            if told and told.group(1).strip():
                fact.channel, fact.channel_name = self.channel(sentence, text, (m.start("rest") + told.start(1),
                                                                                m.start("rest") + told.end(1)))
            if extra:
                fact.channel = extra[0]
            return fact
        m = TOLD.match(text) if speech and ("told" in low or "inform" in low or "assured" in low) else None
        if m:
            claimants, anon, _ = self.who(sentence, text, m.span("who"), m.start("who"))
            if claimants or anon:
                fact = ClaimFact(_clean(m["c"]), False, claimants, anon, verb="told", confidence=0.8)
                fact.channel, fact.channel_name = self.channel(sentence, text, m.span("ch"))
                return fact
        m = QUOTE_LAST.match(text) if quoted else None
        if m:
            claimants, anon, extra = self.who(sentence, text, m.span("who"), m.start("who"))
            if claimants or anon:
                content = _clean((m["pre"] + " " + m["q"]).strip()) if m["pre"] and len(m["pre"]) > 3 else _clean(m["q"])
                fact = ClaimFact(content, True, claimants, anon, verb=m["v"], confidence=0.8)
                lead = re.match(r"^(?:on|in|via|through) (?:its |their |the )?([^,]+),", text, re.I)
                if lead:
                    fact.channel, fact.channel_name = self.channel(sentence, text, lead.span(1))
                elif extra:
                    fact.channel = extra[0]
                return fact
        m = ACCUSED.match(text) if "accus" in low else None
        if m:
            who_span = m.span("who")
            claimants, anon, _ = self.who(sentence, text, who_span, m.start("who"))
            if not claimants and not anon and "accusing" in m.group(0):
                claimants = self._subjects(sentence, text)
            if claimants or anon:
                return ClaimFact(_clean(f"{m['t']} {m['c']}"), False, claimants, anon, hedge="accused",
                                 verb="accused", confidence=0.7)
        m = TRAILING.match(text) if speech else None
        if m and not text.startswith(("\"", "“")):
            claimants, anon, _ = self.who(sentence, text, m.span("who"), m.start("who"))
            if claimants or anon:
                return ClaimFact(_clean(m["c"]), False, claimants, anon, verb="said", confidence=0.7)
        m = REPORTED.match(text) if speech else None
        if m:
            claimants, anon, _ = self.who(sentence, text, m.span("who"), m.start("who"))
            if claimants or anon:
                return ClaimFact(_clean(m["c"]), False, claimants, anon, verb=m["v"], confidence=0.65)
        m = DENIED.match(text) if ("denie" in low or "reject" in low) else None
        if m:
            claimants, anon, _ = self.who(sentence, text, m.span("who"), m.start("who"))
            if claimants:
                return ClaimFact(_clean(f"denies {m['c']}"), False, claimants, anon, hedge="denied", verb="denied",
                                 confidence=0.6)
        m = BELIEVED.search(text) if BELIEVED_CUE.search(low) else None
        if m:
            return ClaimFact(_clean(f"{m['who']} {m['c']}".strip()), False, [], None, hedge=m["h"].rsplit(" ", 1)[0],
                             verb="believed", confidence=0.5)
        m = ACCORDING.search(text) if "according to" in low else None
        if m:
            # "X did not restore ties, according to Reuters": the outlet is the only source the text names.
            source, _ = self.channel(sentence, text, m.span("src"))
            content = (text[:m.start()] + text[m.end():]).strip(" ,.")
            if source is not None and len(content) > 12:
                fact = ClaimFact(_clean(content), False, [source], None, hedge=f"according to {m['src']}",
                                 verb="according", confidence=0.55)
                fact.channel = source
                return fact
        return None

    def _subjects(self, sentence, text):
        verb = re.search(r"\b(severed|cut|said|announced|accused|imposed|closed|recalled|expelled)\b", text)
        limit = verb.start() if verb else len(text) // 2
        found = [m.actor for m in self.in_span(sentence, 0, limit) if m.actor and not m.locative
                 and m.actor.type in ("State", "Organization", "ArmedGroup", "PoliticalParty", "Person")]
        return list(dict.fromkeys(found))


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" \"“”'‘’,").rstrip(".").strip()
