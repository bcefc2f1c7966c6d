"""Claims: who said what, through which channel, quoted or paraphrased, and how the article hedges it."""

import bisect
import re
from dataclasses import dataclass, field

from geokg.loaders.extract.mentions import Actor

SPEECH = r"(?:said|says|say|told|tells|added|adds|stated|states|warned|warns|insisted|declared|explained|noted|wrote|" \
         r"announced|claimed|claims|argued|stressed|confirmed|acknowledged)"
QUOTE_FIRST = re.compile(rf"^[\"“](?P<q>.+?)[,.!?]?[\"”],?\s+(?P<who>.{{1,120}}?)\s+(?P<v>{SPEECH})\b(?P<rest>.*)$")
QUOTE_LAST = re.compile(rf"^(?P<who>.{{1,200}}?)\s+(?P<v>{SPEECH}|stating|saying|adding|according to)\b[:,]?\s*"
                        rf"(?P<pre>[^\"“]{{0,80}}?)[\"“](?P<q>[^\"”]{{8,}})[\"”]")
# '"...," said the opposition leader, ...': the speaker after the verb.
INVERTED = re.compile(rf"^[\"“](?P<q>.+?)[,.!?]?[\"”],?\s+(?P<v>{SPEECH})\s+(?P<who>[^,.;:\"“”]{{1,80}}?)"
                      rf"(?:\s+(?:on|in|at|to|from|after|before|during)\b.*|[,.;:].*|$)$")
TOLD = re.compile(r"^(?P<who>.{1,120}?)\s+(?:told|informed|assured)\s+(?P<ch>.{1,60}?)\s+that\s+(?P<c>.+?)\.?$")
REPORTED = re.compile(r"^(?P<who>.{1,120}?)\s+(?:has |have |had )?(?:also )?(?:reportedly |allegedly |publicly )?"
                      r"(?P<v>said|says|announced|stated|warned|claimed|insisted|argued)\s+(?!by\b)"
                      r"(?:(?:later|earlier|also|again|previously)\s+)?(?:that\s+)?"
                      r"(?P<c>.{12,}?)\.?$")
# "..., the ministry said on Wednesday.": when it was said may close the sentence.
TRAILING = re.compile(r"^(?P<c>.{12,}?),\s+(?P<who>[^,]{1,60}?)\s+(?:said|say|says|reported|added|told \w+)"
                      r"(?P<rest>(?:\s+(?:in|on|via|through) (?:a |an |the |its |his |her |their )?(?:(?:joint|written|"
                      r"brief|separate|short) )?(?:statement|communiqu[eé]|interview|post|letter|briefing|Twitter|X|"
                      r"Telegram|Facebook))?"
                      r"(?:\s+(?:late |early )?(?:on )?(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|today|"
                      r"yesterday)(?: (?:morning|afternoon|evening|night))?)?(?:[,.].*|$))")
ACCUSED = re.compile(r"^(?P<who>.{0,120}?)\s*(?:has |have |had |went on to )?(?:accused|accuses|accusing|accuse)\s+"
                     r"(?P<t>.{1,80}?)\s+of\s+(?P<c>.+?)(?:,\s+in an? .*)?\.?$")
ACCUSED_BY = re.compile(r"^(?P<t>.{1,120}?)\s+(?:has |have |had )?(?:been |was |were |is |are )accused by\s+"
                        r"(?P<who>.{1,80}?)\s+of\s+(?P<c>.+?)\.?$")
DENIED = re.compile(r"^(?:.*?\bbut\s+)?(?P<who>[^,]{1,80}?)\s+(?:has |have |had )?(?:repeatedly )?(?:denied|denies|rejected|"
                    r"rejects)\s+(?P<c>.{6,}?)\.?$")
BELIEVED = re.compile(r"(?P<who>\b[^,]{1,60}?)\s+(?P<h>(?:is|are|was|were) (?:widely )?(?:believed|thought|understood|said|"
                      r"reported|alleged|suspected) to)\s+(?P<c>.+?)\.?$")
HEDGES = re.compile(r"\b(reportedly|allegedly|purportedly|apparently|is believed|are believed|was believed|"
                    r"is thought|is said|reportedly said|appears? to|it is understood|according to [^,.\"“”]+)", re.I)
ANON = re.compile(r"\b(a source|sources|an official|officials|diplomats?|a diplomat|a spokesman|a spokeswoman|"
                  r"analysts?|observers|insiders|envoys|people familiar|residents|witnesses)\b", re.I)
SPEECH_CUE = re.compile(rf"\b{SPEECH}\b|according to|stating|saying")
BELIEVED_CUE = re.compile(r"(?:believed|thought|understood|said|reported|alleged|suspected) to\b")
ACCORDING = re.compile(r",?\s*according to (?P<src>[^,.]+)[,.]?", re.I)
ANON_HEADS = frozenset("official officials source sources diplomat diplomats insiders".split())
VIA = re.compile(r"^(?:in|on|via|through) (?:a |an |its |their |his |her |the )(?P<ch>[^,]{1,50}?)"
                 r"(?: (?:on|late on|early on) \w+)?,? that (?P<c>.{12,})$")
# "The ministry said": a definite description of an institution named before.
DESCRIBED = re.compile(r"^the\s+(?:[a-z'-]+\s+){0,2}?(?P<k>ministry|office|council|commission|agency|"
                       r"army|military|court|government|cabinet|presidency|authorities|palace|secretariat|committee|"
                       r"service|movement|party|group|alliance|bloc|league|union|organisation|organization)$", re.I)
ANONYMITY = re.compile(r"\b(?:on (?:the )?condition of anonymity|(?:declined|asked|did not want|refused) "
                       r"(?:not )?to be (?:named|identified)|who (?:was|were) not (?:authori[sz]ed|allowed) to)\b",
                       re.I)
MEDIUM = re.compile(r"\b(?:on|in|via|through) (?P<m>(?:a |an |the |its |his |her |their )?"
                    r"(?:(?:joint|written|televised|brief|separate|short|video) )?(?:statement|interview|post|letter|"
                    r"speech|address|communiqu[eé]|press conference|news conference|briefing|broadcast|message)|"
                    r"Twitter|X|Facebook|Telegram|Instagram|YouTube|Weibo|social media|"
                    r"(?:its|his|her|their|the) (?:official )?website)"
                    r"(?: with (?P<with>[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)*))?")
JOINT = re.compile(r"\bjoint (?:statement|communiqu[eé]|declaration) with (?P<with>[^,.;]+)", re.I)
OFFICE = re.compile(r"(?:^|\s)(?P<owner>[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*)['’]s?\s+(?:press\s+)?office$")
PARTIES = ("State", "Organization", "ArmedGroup", "PoliticalParty", "Alliance")
PRONOUN = re.compile(r"^(?:he|she)$", re.I)
STATE_AGENCY = re.compile(r"\b(?:state|official|government) (?:news agency|media|television|tv)\b", re.I)
# English verbs of saying and stance that take a clause or a quote as their complement; the parse, not this
# list, decides whether a given use of one reports a claim.
SPEECH_LEMMAS = frozenset("""say tell add state warn insist declare explain note write announce claim argue stress
    confirm acknowledge report describe call urge accuse blame deny tweet post pledge term allege assert reiterate
    emphasise emphasize maintain suggest predict vow promise caution complain admit reply respond believe
    hail welcome condemn denounce praise laud applaud criticise criticize slam deplore""".split())
# Verbs that judge what their object names: with one, the subject takes a stance the gold reads as a claim.
APPRAISE = frozenset("hail welcome condemn denounce praise laud applaud criticise criticize slam deplore".split())
GUESTS = frozenset("""delegation guest visitor team official counterpart envoy troop refugee crowd people party
    member athlete student worker""".split())
TITLES = frozenset("""president minister leader premier chancellor king queen prince spokesman spokeswoman
    spokesperson envoy ambassador secretary chief commander chairman chair head governor mayor""".split())
# The verb a parse-found claim is filed under: the forms add_claim reads as a plain statement.
# 'X said nothing / little about Y', 'X would say nothing more': no claim is made.
SAID_NOTHING = re.compile(r"^(?:nothing|little|no more|not much|anything)\b", re.I)
# Nouns for something said, which a denial rejects as untrue ('rejected the accusations').
SAID_NOUNS = frozenset("""accusation allegation claim charge report reports suggestion assertion criticism statement
remark comment description characterisation characterization notion rumour rumor speculation story account
involvement role responsibility link links wrongdoing""".split())
PLAIN = {"say": "said", "announce": "announced", "state": "stated"}
# A speaker named by a post alone, whatever names the post: "the Renamo leader", "Chile's foreign minister".
TITLED = re.compile(r"^(?:the\s+)?(?:[\w'’.-]+\s+){0,4}?(?P<t>[a-z]+)(?:\s+of\s+(?:the\s+)?[\w'’. -]+)?$")
WHOLE_QUOTE = re.compile(r"^\s*[\"“](?P<q>[^\"”“]{12,})[\"”]?\s*$")


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
    nested: bool = False
    continues: bool = False
    # Read around an attribution set off by commas ("Y, X said, did Z"): the rules see only half of it.
    parenthetical: bool = False


class Attributor:
    """Reads claims sentence by sentence, remembering who spoke last for "he said"."""

    def __init__(self, body: str, mentions, by_sentence, docs=None):
        self.body = body
        # The parses of the sentences, by index (extract._parses); a sentence without one (a text too long
        # to parse) has the rules' claims alone.
        self.docs = docs or {}
        self.mentions = mentions
        self.starts = [m.start for m in mentions]
        self.by_sentence = by_sentence
        self.last: ClaimFact | None = None
        # The sentence of self.last, and the last sentence that made any claim.
        self.last_at: int | None = None
        self.last_index: int | None = None
        self.spoken: set = set()
        self.offices: dict = {}

    def in_span(self, sentence, span_start: int, span_end: int):
        """The mentions inside a part of the sentence (offsets into the sentence's raw text)."""
        lo, hi = sentence.start + span_start, sentence.start + span_end
        return [m for m in self.by_sentence.get(sentence.index, []) if lo <= m.start and m.end <= hi]

    def _before(self, position):
        """Mentions before a position, nearest first."""
        return reversed(self.mentions[:bisect.bisect_left(self.starts, position)][-400:])

    def who(self, sentence, text, span, before_pos):
        """Claimant actors, or an anonymous description, for the words that name the speaker."""
        # "officials have (also)": the words before the verb end on its subject's head.
        words = re.sub(r"(?:\s+(?:has|have|had|also|reportedly|allegedly|later|earlier|previously|then|would|will|"
                       r"today|yesterday|(?:late |early )?on (?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day))+$",
                       "", text[span[0]:span[1]].strip(), flags=re.I)
        if re.search(r"\b(?:was|were|is|are|been|being|be)$", words, re.I):
            # "It was announced", "Peru was told": a passive verb's subject did not speak.
            return [], None, []
        # A pronoun that is the speaker is resolved here, by who spoke last (_pronoun_person), not by the
        # nearest actor the mention layer would give it.
        speaking_pronoun = re.search(r"\b(?:he|she|it)$", words, re.I)
        found = [m for m in self.in_span(sentence, *span) if m.actor and not m.locative
                 and not (speaking_pronoun and getattr(m, "pronoun", False))]
        people = [m.actor for m in found if m.actor.type == "Person"]
        agency = STATE_AGENCY.search(words)
        media = [m for m in found if m.actor.type == "Media"]
        # "Peruvian state media reported" names an outlet of its own; "state news agency ANP said" carries the
        # words of the state it belongs to: the one named beside it ("On its state news agency, Chile said"),
        # else the one the text was about.
        if agency and not any(m.start <= sentence.start + span[0] + agency.start() < m.end for m in media):
            states = [m.actor for m in found if m.actor.type == "State" and m.role == "name"]
            state = states[0] if states else self._last_subject_state(sentence)
            if state:
                return [state], None, [m.actor for m in media][:1]
        # The word right before the verb is its subject: "Y, who he said ..." is said by "he", not by Y.
        if PRONOUN.match(words.split(" ")[-1] if words else ""):
            person = self._pronoun_person(sentence, text, span, before_pos)
            return ([person] if person else []), None, []
        office = OFFICE.search(words)
        if office:
            owner = [m for m in found if m.actor.type == "Person"
                     and m.end - sentence.start == span[0] + words.index(office.group(0)) + len(office["owner"])]
            if owner:
                # "Japarov's office said": a person's office is an actor of its own (gold conventions).
                return [self._office(owner[0], office.group(0).strip())], None, []
        if people:
            return people[:1], None, []
        last_word = words.split(" ")[-1].lower() if words else ""
        if last_word in ANON_HEADS:
            # "Peruvian officials said": officials left unnamed are an anonymous source, whoever they serve.
            return [], ("unnamed source" if "source" in last_word else f"{last_word} (unnamed)"), []
        office = TITLED.match(words)
        if office and office["t"].lower() in TITLES:
            # "said the Peruvian president": the holder of the post, not the state or party that names it.
            holder = self._holder(office["t"], sentence.start + span[0], {m.actor for m in found})
            if holder:
                return [holder], None, []
        named = [m.actor for m in found if m.role != "demonym" or m.role == "affiliation"]
        named = [a for a in named if a.type != "Media"] or named
        if named:
            return list(dict.fromkeys(named)), None, []
        kind = DESCRIBED.search(words)
        if kind:
            described = self._described(kind["k"].lower(), sentence, sentence.start + span[0])
            if described:
                return [described], None, []
        it = re.search(r"\b(it)\b", words, re.I)
        if it:
            # "No Peruvian reaction came, but it denied ...": an institution named before "it" in the speaker's
            # words (not in what was said: "Y did Z, it said"); else a statement's "it said" goes on with the
            # institution that spoke just before, not with the last actor named (often one inside the quote).
            here = [m.actor for m in self.in_span(sentence, _clause_start(text, span[0]), span[0] + it.start())
                    if m.actor and not m.locative and m.actor.type in PARTIES
                    and not _inside_quote(text, m.start - sentence.start, m.end - sentence.start)]
            if here:
                return [here[-1]], None, []
            if self._speaking(sentence) and not any(a.type == "Person" for a in self.last.claimants):
                return list(self.last.claimants), None, []
            actor = self._last_party(sentence.start + span[0])
            return ([actor] if actor else []), None, []
        if re.search(r"\bstatement\b", words, re.I) and self.last and self.last.claimants:
            return list(self.last.claimants), None, []
        anon = ANON.search(words)
        if anon:
            noun = anon.group(1).lower()
            return [], ("unnamed source" if "source" in noun else f"{noun} (unnamed)"), []
        return [], None, []

    def _office(self, owner, words):
        key = f"{owner.actor.key} office"
        if key not in self.offices:
            name = words[0].upper() + words[1:]
            self.offices[key] = Actor(key, name, "Organization", forms={name: 1}, evidence=True, first=owner.start,
                                      names={name: 1})
        return self.offices[key]

    def _described(self, kind, sentence, position=None):
        """The actor "the ministry" or "the government" stands for: the last one named with that word in its
        name ("Peru's Foreign Ministry"); a state's government is the state, when a state has just spoken."""
        if kind in ("government", "cabinet", "presidency", "authorities"):
            if self._speaking(sentence) and len(self.last.claimants) == 1 and self.last.claimants[0].type == "State":
                return self.last.claimants[0]
            return None
        word = re.compile(rf"\b{kind}\b", re.I)
        # Also earlier in the same sentence: "Peru's foreign ministry summoned ..., the ministry said".
        return next((m.actor for m in self._before(sentence.start if position is None else position)
                     if m.actor and m.actor.type in PARTIES
                     and any(word.search(form) for form in (m.actor.name, m.text, *m.actor.forms))), None)

    def _last_person(self, position, skip=()):
        return next((m.actor for m in self._before(position) if m.actor and m.actor.type == "Person"
                     and m.actor not in skip), None)

    def _holder(self, title, position, of=frozenset()):
        """The person last named with this title next to the name ("Renamo leader Ana Lopes", "Ana Lopes,
        the party's leader"); when the post is someone's ("the Peruvian minister"), one named with its owner."""
        # "leader" names any head: "the Peruvian leader" is who was "Peruvian President X".
        near = re.compile(r"\b(?:leader|president|premier|prime minister|chancellor|king|queen|emir|chairman|head)\b"
                          if title.lower() == "leader" and of else rf"\b{re.escape(title)}\b", re.I)
        found = []
        for m in self._before(position):
            if m.actor and m.actor.type == "Person" and m.role == "name":
                before = " ".join(self.body[max(0, m.start - 60):m.start].split("\n")[-1].split()[-3:])
                after = re.split(r"[,.;]", self.body[m.end + 1:m.end + 60], maxsplit=1)[0] \
                    if self.body[m.end:m.end + 1] == "," else ""
                if near.search(before):
                    lo, hi = m.start - len(before) - 1, m.start
                elif near.search(after):
                    lo, hi = m.end, m.end + len(after) + 1
                else:
                    continue
                posts = {o.actor for o in self.mentions[bisect.bisect_left(self.starts, lo):
                                                          bisect.bisect_left(self.starts, hi)] if o.actor} - {m.actor}
                if of and not (posts & of):
                    continue
                found.append(m.actor)
        # Of two who held the post, the one already quoted is the one speaking again.
        return next((a for a in found if a in self.spoken), found[0] if found else None)

    def _speaking(self, sentence):
        """True when the last claim was made in this sentence or the one before: its speaker is the topic."""
        return self.last is not None and self.last_at is not None and sentence.index - self.last_at <= 1 \
            and bool(self.last.claimants)

    def _pronoun_person(self, sentence, text, span, before_pos):
        """The person a "he"/"she" that speaks stands for: one named before it in the words that name the
        speaker ("Mensah arrived and he said"), never in what was said; else the speaker of the claim just
        before; else the person last named. In "Y, who he said was ...", "he" cannot be Y (the noun the
        relative clause describes)."""
        words = text[span[0]:span[1]]
        skip = set()
        relative = re.search(r"\b(?:who|whom|which|whose)\s+(?:\w+\s+)?(?:he|she)\s*$", words, re.I)
        if relative:
            named = [m for m in self.in_span(sentence, 0, span[0] + relative.start())
                     if m.actor and not getattr(m, "pronoun", False)]
            skip = {named[-1].actor} if named else set()
        pronoun_at = span[0] + len(words.rstrip()) - len(words.rstrip().split(" ")[-1])
        here = [m.actor for m in self.in_span(sentence, _clause_start(text, span[0]), pronoun_at)
                if m.actor and m.actor.type == "Person" and m.actor not in skip
                and not _inside_quote(text, m.start - sentence.start, m.end - sentence.start)]
        if here:
            return here[-1]
        if self._speaking(sentence):
            people = [a for a in self.last.claimants if a.type == "Person" and a not in skip]
            if len(people) == 1 and len(self.last.claimants) == 1:
                return people[0]
        return self._last_person(sentence.start + before_pos, skip)

    def _last_party(self, position):
        return next((m.actor for m in self._before(position) if m.actor and m.actor.type in PARTIES), None)

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

    def claims(self, sentence) -> list[ClaimFact]:
        """Every claim in a sentence: the rules' one, then those only the parse finds (another speaker in
        the same sentence, an inverted or nested attribution, a stance verb the rules do not know)."""
        found = self.claim(sentence)
        out = [found] if found else []
        text = re.sub(r"\s", " ", self.body[sentence.start:sentence.end])
        parsed = self._parsed(sentence, text)
        for fact in parsed:
            rule = next((other for other in out if _overlap(fact, other) >= 0.5), None)
            if rule is None:
                out.append(fact)
            elif fact.nested and not rule.nested:
                # The rules read the reporter of a cited source as its claimant.
                out[out.index(rule)] = fact
            elif _same_source(fact, rule) and fact.parenthetical:
                rule.content = fact.content
            elif _same_source(fact, rule):
                # Two speakers in one sentence: the rules' reading runs on into the second one's words.
                if len(parsed) > 1 and _jaccard(fact, rule) < 0.5:
                    rule.content = fact.content
            elif _jaccard(fact, rule) < 0.5:
                out.append(fact)
            elif fact.claimants and set(fact.claimants) < set(rule.claimants):
                # The rules read every actor before the verb as its speaker ("X condemned Y's move and said");
                # the parse's subject is the speaker.
                rule.claimants = list(fact.claimants)
        for fact in out:
            for other in out:
                at = fact.content.find(other.content) if other is not fact and not _same_source(fact, other) else -1
                cut = list(re.finditer(r"[,;]\s*(?:while|whereas|but|and)?\s", fact.content[:at])) if at > 0 else []
                if cut and len(fact.content[:cut[-1].start()]) >= 12:
                    # "A said X, while B said Y": A's words end where B's attribution begins.
                    fact.content = fact.content[:cut[-1].start()]
        if ANONYMITY.search(text):
            # "Peruvian officials, speaking on condition of anonymity, said": whoever they serve, unnamed.
            for fact in out:
                if fact.claimants and not any(a.type == "Person" for a in fact.claimants):
                    fact.claimants, fact.anonymous = [], "unnamed source"
        # "X condemned Y and said Z" is one statement: the judgement alone is a claim only when nothing else is.
        out = [fact for fact in out if fact.verb not in APPRAISE or not any(
            other.verb not in APPRAISE and _same_source(fact, other) for other in out)]
        out = _one_per_speaker([one for fact in out for one in _reciprocal(fact)
                                if not SAID_NOTHING.match(one.content)])
        joint = JOINT.search(text)
        partners = [m.actor for m in self.in_span(sentence, *joint.span("with")) if m.actor and not m.locative
                    and m.actor.type != "Media"] if joint else []
        for fact in out:
            if partners and fact.claimants:
                # "X said in a joint statement with Y": the statement is both of theirs.
                fact.claimants = list(dict.fromkeys([*fact.claimants, *partners]))
            if fact.channel is None and fact.channel_name is None:
                fact.channel, fact.channel_name = self._medium(sentence, text, fact)
        if not out:
            carried = self._carried(sentence, text)
            out = [carried] if carried else []
        if out and (out[-1].claimants or out[-1].anonymous):
            self.last, self.last_at = out[-1], sentence.index
        self.spoken.update(a for fact in out for a in fact.claimants)
        if out:
            self.last_index = sentence.index
        return out

    def _medium(self, sentence, text, fact):
        """The medium a claim went out through, named outside what was said: "wrote on Twitter", "said in an
        interview with Radio Peru", "tweeted"."""
        at = text.find(fact.content) if fact.content else -1
        outside = text[:at] + " " * len(fact.content) + text[at + len(fact.content):] if at >= 0 else text
        m = MEDIUM.search(outside)
        if m:
            medium = re.sub(r"^(?:a|an|the|its|his|her|their)\s+", "", m["m"], flags=re.I)
            if m["with"] and "interview" in medium:
                outlet, name = self.channel(sentence, text, m.span("with"))
                return (outlet, None) if outlet is not None else (None, name)
            return None, medium
        if fact.verb == "tweet":
            return None, "Twitter"
        return None, None

    def _carried(self, sentence, text):
        """A sentence that is all quote, right after an attributed one, is the same speaker still talking: the
        same claim when that one was quoted too, else a quote of its own ("X said Y. 'Z.'")."""
        m = WHOLE_QUOTE.match(text)
        if not m or self.last is None or self.last_index != sentence.index - 1 or self.last_at != sentence.index - 1:
            return None
        return ClaimFact(_clean(m["q"]), True, list(self.last.claimants), self.last.anonymous,
                         self.last.channel, self.last.channel_name, verb=None, confidence=0.6,
                         continues=self.last.direct_quote)

    def _parsed(self, sentence, text):
        """Claims read from the dependency parse: a speech or stance verb whose complement is a clause."""
        doc = self.docs.get(sentence.index)
        if doc is None:
            return []
        out = []
        for verb in doc:
            if verb.lemma_.lower() in ("quote", "cite") and verb.pos_ == "VERB":
                fact = self._quoted_as(sentence, text, verb)
                if fact:
                    out.append(fact)
                continue
            if verb.lemma_.lower() not in SPEECH_LEMMAS or verb.pos_ not in ("VERB", "AUX"):
                continue
            complement = next((c for c in verb.children if c.dep_ in ("ccomp", "xcomp")), None) \
                or _predicative(verb)
            if complement is None and verb.dep_ in ("ROOT", "parataxis"):
                fact = self._trailing(sentence, text, doc, verb) or self._parenthetical(sentence, text, doc, verb)
                if fact:
                    out.append(fact)
                continue
            if complement is None or any(c.dep_ == "neg" for c in verb.children):
                continue
            # "X said, ..., that Y": a complement that is itself an attribution is read at its own verb.
            if complement.lemma_.lower() in SPEECH_LEMMAS and _subject(complement) is not None and (
                    any(c.dep_ in ("ccomp", "xcomp") for c in complement.children) or _predicative(complement)):
                continue
            fact = self._from_verb(sentence, text, verb, complement)
            if fact:
                out.append(fact)
        return out

    def _quoted_as(self, sentence, text, verb):
        """"X was quoted (by Y) as saying Z", "Y quoted X as saying Z": X claims, Y is the channel."""
        saying = next((t for c in verb.children if c.dep_ == "prep" and c.lower_ == "as" for t in c.children
                       if t.lemma_.lower() == "say"), None)
        if saying is None:
            return None
        complement = next((c for c in [*saying.children, *verb.children] if c.dep_ == "ccomp"), None)
        speaker = next((c for c in verb.children if c.dep_ == "nsubjpass"), None) \
            or next((c for c in verb.children if c.dep_ == "dobj"), None)
        if complement is None or speaker is None:
            return None
        agent = next((t for c in verb.children if c.dep_ == "agent" for t in c.children if t.dep_ == "pobj"), None)
        outlet = agent if agent is not None else next((c for c in verb.children if c.dep_ == "nsubj"), None)
        claimants, anon, _ = self.who(sentence, text, _own_words(speaker), _own_words(speaker)[0])
        if not claimants and not anon:
            return None
        channel, channel_name = self.channel(sentence, text, _own_words(outlet)) if outlet is not None else (None, None)
        words = _complement_words(saying, complement)
        if not words:
            return None
        content = _clean(text[words[0].idx:words[-1].idx + len(words[-1])])
        if len(content) < 12:
            return None
        return ClaimFact(content, _inside_quote(text, words[0].idx, words[-1].idx), claimants, anon, channel,
                         channel_name, verb="said", confidence=0.6)

    def _parenthetical(self, sentence, text, doc, verb):
        """"Y, X said, did Z": an attribution set off by commas inside what was said."""
        subject = _subject(verb)
        if subject is None or verb.dep_ != "parataxis" or subject.i > verb.i:
            return None
        start, end = subject.left_edge.i, verb.i + 1
        if start == 0 or doc[start - 1].text != "," or end >= len(doc) or doc[end].text != ",":
            return None
        if not all(t.i == verb.i or t.i in {s.i for s in subject.subtree} or t.dep_ in ("aux", "advmod", "neg")
                   for t in doc[start:end]):
            return None
        content = _clean(f"{text[:doc[start - 1].idx]} {text[doc[end].idx + 1:]}")
        span = (subject.left_edge.idx, subject.right_edge.idx + len(subject.right_edge))
        claimants, anon, extra = self.who(sentence, text, span, span[0])
        if len(content) < 12 or not (claimants or anon):
            return None
        lemma = verb.lemma_.lower()
        return ClaimFact(content, False, claimants, anon, extra[0] if extra else None, verb=PLAIN.get(lemma, lemma),
                         confidence=0.6, parenthetical=True)

    def _trailing(self, sentence, text, doc, verb):
        """"Y did Z, X reported" parsed without a complement: the words before the reporter's comma are what
        was reported; a speech verb opening them names the claimant, and the reporter is then its channel."""
        subject = _subject(verb)
        citing = next((c for c in verb.children if c.dep_ == "advcl" and c.lemma_.lower() == "cite"
                       and c.i > verb.i), None)
        cited = {t.i for t in citing.subtree} if citing is not None else set()
        if subject is None or not all(t.is_punct or t.i in cited for t in doc[verb.i + 1:]):
            return None
        start = subject.left_edge
        if start.i == 0 or doc[start.i - 1].text != ",":
            return None
        reported = text[:doc[start.i - 1].idx].strip()
        if len(reported) < 12:
            return None
        span = (start.idx, subject.right_edge.idx + len(subject.right_edge))
        reporters, anon, extra = self.who(sentence, text, span, span[0])
        media = [m.actor for m in self.in_span(sentence, *span) if m.actor and m.actor.type == "Media"]
        inner = next((t for t in doc[:start.i - 1] if t.lemma_.lower() in SPEECH_LEMMAS and t.pos_ == "VERB"
                      and t.i > 0), None)
        if inner is not None and (media or extra):
            first = doc[0:inner.i]
            claimants, inner_anon, _ = self.who(sentence, text, (0, first[-1].idx + len(first[-1])), 0)
            if claimants or inner_anon:
                lemma = inner.lemma_.lower()
                return ClaimFact(_clean(text[inner.idx:doc[start.i - 1].idx]), False, claimants, inner_anon,
                                 (media or extra)[0], verb=PLAIN.get(lemma, lemma), confidence=0.55, nested=True)
        source = next((c for c in citing.children if c.dep_ == "dobj"), None) if citing is not None else None
        if source is not None:
            # "Y did Z, the broadcaster reported, citing the ministry": the cited source claims it.
            source_span = (source.left_edge.idx, source.right_edge.idx + len(source.right_edge))
            claimants, inner_anon, _ = self.who(sentence, text, source_span, source_span[0])
            if claimants or inner_anon:
                channel, channel_name = (media[0], None) if media else self.channel(sentence, text, span)
                return ClaimFact(_clean(reported), False, claimants, inner_anon, channel, channel_name,
                                 verb="reported", confidence=0.55, nested=True)
        if not reporters and not anon:
            return None
        channel = media[0] if media else None
        return ClaimFact(_clean(reported), False, reporters, anon, channel, verb="reported", confidence=0.55)

    def _from_verb(self, sentence, text, verb, complement):
        subject = _subject(verb)
        # "X said A and warned that B": the second verb shares the first one's subject, also when the parser
        # hangs it on the end of A.
        if subject is None and verb.dep_ == "conj":
            subject = _subject(verb.head)
            if verb.head.dep_ == "ccomp" and verb.head.head.lemma_.lower() in SPEECH_LEMMAS:
                subject = _subject(verb.head.head)
        # "X struck Y, saying that Z": a participle of saying speaks for the subject of the clause it hangs on.
        if subject is None and verb.dep_ == "advcl" and verb.tag_ == "VBG":
            subject = _subject(verb.head)
        # The parser may hang a participle set off by a comma on the noun before it ("withdrew from the treaty,
        # which ..., blaming Y for Z"): it still speaks for the subject of the sentence.
        if subject is None and verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.i > 0 \
                and verb.doc[verb.i - 1].text == ",":
            subject = _subject(verb.sent.root)
        # "the West, which believes Z": the relative pronoun stands for the noun the clause describes.
        if subject is not None and subject.lower_ in ("which", "who", "that") and verb.dep_ == "relcl":
            subject = verb.head
        # "Peru was told that ...", "it was announced that ...": the subject of a passive is the listener or
        # nobody, never the speaker.
        if subject is None or subject.dep_ == "nsubjpass":
            return None
        # The subject's own words: a relative clause or apposition after it names others.
        last = subject
        for right in subject.rights:
            if right.dep_ not in ("prep", "compound", "flat", "cc", "conj"):
                break
            last = right.right_edge
        span = (subject.left_edge.idx, last.idx + len(last))
        claimants, anon, extra = self.who(sentence, text, span, span[0])
        if not claimants and not anon and subject.lemma_.lower() in TITLES:
            # "said the president": an office-holder named only by title is the person last named.
            person = self._last_person(sentence.start + span[0])
            claimants = [person] if person else []
        channel, channel_name = (extra[0] if extra else None), None
        nested = False
        # "the agency reported, citing officials": the cited source claims, the reporter is the channel.
        citing = next((c for c in verb.children if c.dep_ == "advcl" and c.lemma_.lower() == "cite"), None)
        cited = next((c for c in citing.children if c.dep_ == "dobj"), None) if citing is not None else None
        if cited is not None:
            cited_span = (cited.left_edge.idx, cited.right_edge.idx + len(cited.right_edge))
            inner, inner_anon, _ = self.who(sentence, text, cited_span, cited_span[0])
            if inner or inner_anon:
                channel, channel_name = self.channel(sentence, text, span)
                claimants, anon, nested = inner, inner_anon, True
        if not claimants and not anon:
            return None
        # "X told Reuters that ...": the listener of tell is the channel, never a claimant.
        listener = next((c for c in verb.children if c.dep_ in ("dobj", "dative")), None)
        if verb.lemma_.lower() == "tell" and listener is not None and channel is None and channel_name is None:
            channel, channel_name = self.channel(sentence, text, (listener.left_edge.idx,
                                                                  listener.right_edge.idx + len(listener.right_edge)))
        # "X announced/said Y did Z, Q reported": the outer reporter of a reported attribution is its channel.
        outer = verb.head if verb.dep_ == "ccomp" and verb.head.lemma_.lower() in SPEECH_LEMMAS else None
        if outer is not None and channel is None and channel_name is None:
            outer_subject = _subject(outer)
            if outer_subject is not None:
                channel, channel_name = self.channel(sentence, text, (
                    outer_subject.left_edge.idx, outer_subject.right_edge.idx + len(outer_subject.right_edge)))
                nested = True
        words = _complement_words(verb, complement)
        if not words:
            return None
        content = _clean(text[words[0].idx:words[-1].idx + len(words[-1])])
        quoted = _inside_quote(text, words[0].idx, words[-1].idx)
        if complement.dep_ == "dobj" and complement.lower_ in ("which", "that", "who", "whom") \
                and verb.dep_ == "relcl":
            # "the deal, which Chile described as historic": what was described is the noun the clause is on.
            noun = verb.head
            rest = [t for t in words if t.i > verb.i]
            content = _clean(f"{text[noun.left_edge.idx:noun.idx + len(noun)]} "
                             f"{text[rest[0].idx:rest[-1].idx + len(rest[-1])] if rest else ''}")
        if len(content) < 12:
            return None
        if complement.dep_ != "ccomp":
            content = _clean(f"{verb.text} {content}")
        subjects = [c for c in verb.children if c.dep_ == "nsubj" and c.i < subject.i]
        comma = next((t for t in verb.doc[subject.left_edge.i - 1:subject.left_edge.i] if t.text == ","), None)
        parenthetical = bool(subjects and comma is not None and complement.dep_ == "ccomp" and complement.i > verb.i)
        if parenthetical:
            # "The border, officials said, would stay shut": the parser gives "said" both subjects.
            content = _clean(f"{text[subjects[0].left_edge.idx:comma.idx]} {content}")
        lemma = verb.lemma_.lower()
        hedge = _hedge(text)
        stance = lemma in ("accuse", "blame") or lemma in APPRAISE
        return ClaimFact(content, quoted, claimants, anon, channel, channel_name,
                         hedge=hedge or (verb.lower_ if stance else None),
                         verb=PLAIN.get(lemma, lemma), confidence=0.6, nested=nested, parenthetical=parenthetical)

    def claim(self, sentence) -> ClaimFact | None:
        """The claim a sentence makes, if any."""
        # Same length as the body slice, so regex offsets are body offsets minus the sentence start.
        text = re.sub(r"\s", " ", self.body[sentence.start:sentence.end])
        fact = self._match(sentence, text)
        if fact is None:
            return None
        if fact.hedge is None:
            fact.hedge = _hedge(text)
        if fact.channel is None and fact.channel_name is None and fact.verb != "according":
            according = re.search(r"according to ([^,.\"“”]+)", text)
            if according and not _inside_quote(text, according.start(), according.end()):
                span = according.span(1)
                fact.channel, fact.channel_name = self.channel(sentence, text, span)
        if fact.channel is None and fact.channel_name is None and self.last and fact.claimants \
                and fact.claimants == self.last.claimants and fact.direct_quote:
            fact.channel, fact.channel_name = self.last.channel, self.last.channel_name
        if fact.claimants or fact.anonymous:
            self.last, self.last_at = fact, sentence.index
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
            # '"A," X said, "B."': the quote goes on after the attribution.
            more = re.match(r"^[^\"“”]{0,60}?,\s*[\"“](?P<q>[^\"”]{8,})[\"”]?\s*$", rest)
            if more:
                fact.content = _clean(f"{fact.content} {_clean(more['q'])}")
            told = re.match(r"\s*(.{1,40}?)(?:\s+at\b|\s+on\b|,|\.|$)", rest) if m["v"] in ("told", "tells") else None
            if told and told.group(1).strip():
                fact.channel, fact.channel_name = self.channel(sentence, text, (m.start("rest") + told.start(1),
                                                                                m.start("rest") + told.end(1)))
            if extra:
                fact.channel = extra[0]
            return fact
        m = INVERTED.match(text) if text[:1] in "\"“" else None
        if m:
            claimants, anon, extra = self.who(sentence, text, m.span("who"), m.start("who"))
            if claimants or anon:
                return ClaimFact(_clean(m["q"]), True, claimants, anon, extra[0] if extra else None,
                                 verb=m["v"], confidence=0.8)
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
        m = ACCUSED_BY.match(text) if "accused by" in low else None
        if m:
            # "Y has been accused by X of Z": X accuses, Y is the accused.
            claimants, anon, _ = self.who(sentence, text, m.span("who"), m.start("who"))
            if claimants or anon:
                return ClaimFact(_clean(f"{m['t']} {m['c']}"), False, claimants, anon, hedge="accused",
                                 verb="accused", confidence=0.7)
        if re.search(r"\b(?:been|was|were|is|are|being) accused\b", low):
            return None
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
            claimants, anon, _ = self.who(sentence, text, self._speaker_span(sentence, m.span("who"), m.start("v")),
                                          m.start("who"))
            if claimants or anon:
                fact = ClaimFact(_clean(m["c"]), False, claimants, anon, verb=m["v"], confidence=0.65)
                # "said in a statement on Friday that ...": the medium is the channel, not part of what was said.
                when = re.match(r"^(?:(?:late |early )?on|in|at|last|this|earlier|later)\b[^,\"“]{0,30}?,? that "
                                r"(?P<c>.{12,})$", fact.content)
                if when:
                    # "said on Monday that ...": when it was said is not part of what was said.
                    fact.content = _clean(when["c"])
                via = VIA.match(fact.content)
                if via:
                    # "in an interview with Radio X" went out through Radio X; "in a joint statement with Y" is
                    # a joint statement (Y joins the claimants in claims()).
                    medium, _, outlet = via["ch"].partition(" with ")
                    fact.content = _clean(via["c"])
                    fact.channel_name = outlet if outlet and "interview" in medium else medium
                return fact
        m = DENIED.match(text) if ("denie" in low or "reject" in low) else None
        if m:
            verb_at = m.end("who") + len(re.match(r"\s+(?:(?:has|have|had|repeatedly) )*", text[m.end("who"):])[0])
            claimants, anon, _ = self.who(sentence, text, self._speaker_span(sentence, m.span("who"), verb_at),
                                          m.start("who"))
            if claimants and not self._refusal(sentence, verb_at):
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
            # "according to Chile's foreign ministry" or "according to officials": a source that is a speaker
            # itself, not a document or a plan that merely names one ("according to the Chile-Peru accord").
            src = re.sub(r"\s*\([^)]*\)\s*$", "", m["src"])
            end = m.start("src") + len(src)
            ends_on_actor = any(o.end - sentence.start == end for o in self.in_span(sentence, m.start("src"), end)
                                if o.actor and o.actor.type != "Place" and not o.locative)
            if len(content) > 12 and (ends_on_actor or src.split(" ")[-1].lower() in ANON_HEADS):
                claimants, anon, _ = self.who(sentence, text, (m.start("src"), end), m.start("src"))
                if claimants or anon:
                    return ClaimFact(_clean(content), False, claimants, anon, hedge=f"according to {m['src']}",
                                     verb="according", confidence=0.55)
        return None

    def _refusal(self, sentence, verb_at):
        """True for a denial that says no to a request rather than that something is false: 'rejected a request /
        proposal / call', 'denied him a visa', 'denied entry to X'. What is rejected as untrue is something said
        ('rejected the accusations') or a clause ('denied that ...', 'denied arming X')."""
        doc = self.docs.get(sentence.index)
        verb = next((t for t in doc if t.idx == verb_at), None) if doc is not None else None
        if verb is None or any(c.dep_ in ("ccomp", "xcomp") for c in verb.children):
            return False
        if any(c.dep_ in ("dative", "iobj") for c in verb.children):
            return True
        obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if obj is None or obj.tag_ == "VBG":
            return False
        return obj.lemma_.lower() not in SAID_NOUNS and not any(c.dep_ in ("acl", "ccomp") and any(
            g.lower_ == "that" and g.dep_ == "mark" for g in c.children) for c in obj.children)

    def _speaker_span(self, sentence, span, verb_at):
        """The words that name a rule's speaker, narrowed to the parse's subject of the verb at `verb_at`: the rules
        take every word before 'said' for its speaker, but in 'X praised Y and said ...' or 'X and Y agreed, but
        media reports said ...' only the subject of 'said' speaks."""
        doc = self.docs.get(sentence.index)
        verb = next((t for t in doc if t.idx == verb_at), None) if doc is not None else None
        if verb is None:
            return span
        subject = _subject(verb)
        shared = subject is None and verb.dep_ == "conj"
        if shared:
            # 'X praised Y and said ...': the second verb's subject is the first one's, and only its words name it.
            subject = _subject(verb.head)
        if subject is None or subject.dep_ == "nsubjpass" or subject.left_edge.idx < span[0]:
            return span
        end = subject.right_edge.idx + len(subject.right_edge) if shared else span[1]
        # 'The group, which Peru armed, said': the relative clause names others than the speaker.
        relative = [c for c in subject.children if c.dep_ == "relcl" and c.i > subject.i]
        if relative:
            end = min(end, relative[0].left_edge.idx)
        return subject.left_edge.idx, end

    def _subjects(self, sentence, text):
        verb = re.search(r"\b(severed|cut|said|announced|accused|imposed|closed|recalled|expelled)\b", text)
        limit = verb.start() if verb else len(text) // 2
        found = [m.actor for m in self.in_span(sentence, 0, limit) if m.actor and not m.locative
                 and m.actor.type in ("State", "Organization", "ArmedGroup", "PoliticalParty", "Person")]
        return list(dict.fromkeys(found))


def _subject(verb):
    """The verb's subject; of two (a misparse of "Y did Z, X said"), the one nearest the verb."""
    found = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    return min(found, key=lambda c: abs(verb.i - c.i)) if found else None


def _hedge(text):
    """The article's own hedging words; a speaker's "according to a plan" inside a quote hedges nothing."""
    return next((m.group(1) for m in HEDGES.finditer(text) if not _inside_quote(text, m.start(), m.end())), None)


def _clause_start(text, start):
    """Where the words that can name a pronoun's referent begin: the sentence's start when the pronoun opens a
    coordinated clause ("No Peruvian reply came, but it denied ..."), else the speaker's own words."""
    return 0 if re.search(r"\b(?:but|and|yet|while|although|though)\s*$", text[:start], re.I) else start


def _reciprocal(fact):
    """"A and B accused each other of Z" is two claims: A's that B did Z, and B's that A did."""
    each = re.match(r"(?:\w+\s+)?(?:each other|one another)\b\s*(?:of\s+)?(?P<rest>.+)$", fact.content, re.I)
    if not each or len(fact.claimants) != 2:
        return [fact]
    a, b = fact.claimants
    return [ClaimFact(f"{other.display_name()} {each['rest']}", False, [one], None, fact.channel, fact.channel_name,
                      fact.hedge, fact.verb, fact.confidence) for one, other in ((a, b), (b, a))]


def _own_words(noun):
    """The character span of a noun phrase without what a relative clause or an apposition adds to it."""
    last = noun
    for right in noun.rights:
        if right.dep_ not in ("prep", "compound", "flat", "cc", "conj"):
            break
        last = right.right_edge
    return noun.left_edge.idx, last.idx + len(last)


def _predicative(verb):
    """"describe X as Y", "call X Y", "term X Y": the object with what it is called stands for a complement."""
    lemma = verb.lemma_.lower()
    if lemma not in ("describe", "call", "term", "brand", "label", "dismiss", "blame") and lemma not in APPRAISE:
        return None
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is None:
        return None
    if lemma in APPRAISE:
        # "welcomed the request", "condemned the attack": a judgement of a thing; "welcomed President X" is
        # a host receiving a guest.
        guest = obj.lemma_.lower() in TITLES or obj.lemma_.lower() in GUESTS
        return obj if obj.pos_ == "NOUN" and not (lemma == "welcome" and guest) else None
    if lemma == "blame":
        # "blamed X for Y" accuses X of Y; "blamed the rain" says nothing of anyone.
        return obj if any(c.dep_ == "prep" and c.lower_ == "for" for c in verb.children) else None
    named = next((c for c in verb.children if c.dep_ == "oprd" or c.dep_ == "prep" and c.lower_ == "as"), None) \
        or next((c for c in obj.children if c.dep_ == "prep" and c.lower_ == "as"), None)
    if named is None and lemma in ("describe", "term", "brand", "label", "dismiss"):
        # "termed the allegations levelled by X as absurd": the parser may hang 'as' on a participle of the
        # object's; only 'call' needs its own 'as' ('called the talks as planned' is no naming).
        named = next((t for t in obj.subtree if t.dep_ == "prep" and t.lower_ == "as" and t.i > obj.i), None)
    return obj if named is not None else None


def _complement_words(verb, complement):
    """The tokens of what was said: the complement's subtree without its "that" and without a speech verb
    coordinated into it ("warned that A and urged B"); for "call X Y", the object through what it is called."""
    if complement.dep_ == "dobj":
        # Through what the object is called or blamed for, not into a verb coordinated with this one.
        last = max(t.i for c in verb.children if c.i >= complement.i and not c.is_punct
                   and c.dep_ not in ("conj", "cc") for t in c.subtree)
        return [t for t in verb.doc[complement.left_edge.i:last + 1]]
    if complement.dep_ == "xcomp" and complement.i > verb.i:
        # "urged Ecuador to withdraw": whom the verb addresses belongs to what was said.
        return [t for t in verb.doc[verb.i + 1:complement.right_edge.i + 1]]
    cut = set()
    for c in complement.children:
        if c.dep_ == "conj" and c.lemma_.lower() in SPEECH_LEMMAS:
            cut |= {t.i for t in c.subtree}
            cut |= {t.i for t in complement.children if t.dep_ == "cc" and t.i < c.i}
    words = [t for t in complement.subtree if t.i not in cut
             and not (t.dep_ == "mark" and t.i == complement.left_edge.i)]
    while words and words[-1].is_punct:
        words.pop()
    while words and words[0].is_punct:
        words.pop(0)
    return words


def _inside_quote(text, start, end):
    """True when a stretch of the sentence lies between an opening and a closing quotation mark."""
    opened = text[:start].count('"') % 2 == 1 or text[:start].count("“") > text[:start].count("”")
    return opened and ('"' in text[end:] or "”" in text[end:])


def _one_per_speaker(facts: list[ClaimFact]) -> list[ClaimFact]:
    """One statement per speaker in a sentence: 'X said A, adding that B', 'X warned that A and urged B' are one
    claim of X's with both parts, as the gold codes them ('reported intense battles and said its neighbour was
    moving forces' is one claim)."""
    kept = []
    for fact in facts:
        first = next((k for k in kept if _same_source(k, fact) and (k.claimants or k.anonymous)), None)
        if first is None:
            kept.append(fact)
            continue
        if fact.content not in first.content:
            first.content = f"{first.content}; {fact.content}"
        first.hedge = first.hedge or fact.hedge
        first.direct_quote = first.direct_quote and fact.direct_quote
    return kept


def _words(fact: ClaimFact) -> set:
    return set(re.findall(r"\w+", fact.content.lower()))


def _overlap(a: ClaimFact, b: ClaimFact) -> float:
    """How much of the shorter content the other holds: 1 when one claim's words lie inside the other's."""
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 0.0


def _jaccard(a: ClaimFact, b: ClaimFact) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def _same_source(a: ClaimFact, b: ClaimFact) -> bool:
    return {x.key for x in a.claimants} == {x.key for x in b.claimants} and a.anonymous == b.anonymous


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" \"“”'‘’,").rstrip(".").strip()
