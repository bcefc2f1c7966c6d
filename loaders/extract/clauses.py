"""Facts read off a dependency parse: a trigger verb or noun of the lexicon and the actors in its arguments.

A second, lower-confidence layer after the regex rules of patterns.py: it takes arguments from the
parse (subject, passive agent, object, prepositional objects, conjuncts, 'X-backed' modifiers) where
the rules need the words in a fixed order. Pure functions over a spaCy Doc of the article body and
the actor mentions already found, matched to tokens by character offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from geokg.loaders.extract.lexicon import NounTrigger, noun_trigger, resolve
from geokg.loaders.extract.patterns import TITLES, Fact, _role_fact

CONFIDENCE = 0.6
SYMMETRIC = {"alliedWith", "hostileTo", "reconciledWith"}
OBJECT_PREPS = {"with", "between", "to", "against", "among"}
# The format's statements come from the claims layer (attribution.py); 'Other' says too little to keep.
EVENT_TYPES_SKIPPED = {"Statement", "Other"}
FUTURE_AUX = {"will", "would", "could", "may", "might", "should", "must", "shall"}
# A trigger under one of these ('agreed to restore', 'threatened to cut') is intended, not done: the
# gold codes the act itself only when it happens.
INTENT_HEADS = {"agree", "threaten", "plan", "want", "seek", "hope", "pledge", "promise", "vow", "intend",
                "offer", "propose", "aim", "try", "attempt", "expect", "prepare", "consider", "decide", "ask", "urge", "call"}
SUPPORT_LEMMAS = {"back", "support", "sponsor", "fund", "arm", "finance"}
PARTIES = ("State", "Organization", "ArmedGroup", "PoliticalParty", "Alliance", "Person")
EVIDENCE_ROLES = ("name", "nominal", "affiliation", "demonym")


class _Index:
    """The mentions of the body, looked up by a token of the sentence's parse (its text, with whitespace
    collapsed, is parsed: `offsets` maps its characters back to the body)."""

    def __init__(self, mentions, offsets):
        self.mentions = sorted((m for m in mentions if m.actor and not m.locative and m.role in EVIDENCE_ROLES),
                               key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.offsets = offsets

    def at(self, token):
        position = self.offsets[token.idx]
        i = bisect_right(self.starts, position) - 1
        while i >= 0:
            m = self.mentions[i]
            if m.start <= position < m.end:
                return m
            if position - m.start > 200:    # no mention is that long: stop looking back
                break
            i -= 1
        return None


def body_offsets(body: str, sentence) -> list[int]:
    """For each character of sentence.text, its offset in the body: text.py collapses each whitespace run
    of the body's slice to one space and strips the ends."""
    offsets = []
    i, end = sentence.start, sentence.end
    while i < end and body[i].isspace():
        i += 1
    for ch in sentence.text:
        if ch == " ":
            offsets.append(i)
            while i < end and body[i].isspace():
                i += 1
        else:
            offsets.append(i)
            i += 1
    offsets.append(i)
    return offsets


def _actors(token, index) -> list:
    """The actors a noun phrase headed by `token` names: the head's mention, else its modifiers' mentions."""
    m = index.at(token)
    if m is not None:
        found = list(m.group or [m.actor])
    else:
        found = []
        for child in token.children:
            if child.dep_ in ("compound", "amod", "poss", "nmod"):
                hit = index.at(child)
                if hit is not None:
                    found += list(hit.group or [hit.actor])
    return [a for a in found if a.type in PARTIES]


def _phrase(token, index) -> list:
    """The actors of a noun phrase and of its conjuncts ('Iran and Syria', 'Iran, Syria and Qatar')."""
    out = _actors(token, index)
    for child in token.children:
        if child.dep_ == "conj":
            out += _phrase(child, index)
    return list(dict.fromkeys(out))


def _prep_objects(token, index, preps=OBJECT_PREPS) -> list:
    out = []
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in preps:
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    out += _phrase(pobj, index)
    return out


def _negated(token) -> bool:
    return any(c.dep_ == "neg" for c in token.children)


def _intended(token) -> bool:
    """A trigger stated as future or as an intention: 'will restore', 'agreed to restore'."""
    if any(c.dep_ == "aux" and c.lower_ in FUTURE_AUX or c.dep_ == "mark" and c.lower_ in ("whether", "if")
           for c in token.children):
        return True
    head = token
    while head.dep_ in ("xcomp", "conj") and head.head is not head:
        head = head.head
        if head.lemma_.lower() in INTENT_HEADS or any(c.dep_ == "aux" and c.lower_ in FUTURE_AUX
                                                     for c in head.children):
            return True
    return token.dep_ == "xcomp" and token.head.lemma_.lower() in INTENT_HEADS


def _subjects(verb, index) -> list:
    """The doer: the active subject or the passive agent, inherited from a governing verb when missing."""
    token = verb
    for _ in range(3):
        for child in token.children:
            if child.dep_ == "nsubj":
                return _phrase(child, index)
            if child.dep_ == "agent":
                return [a for p in child.children if p.dep_ == "pobj" for a in _phrase(p, index)]
        if token.dep_ in ("conj", "xcomp", "advcl") and token.head is not token:
            token = token.head
        else:
            break
    return []


def _objects(verb, index) -> list:
    out = []
    for child in verb.children:
        if child.dep_ in ("dobj", "nsubjpass"):
            # 'severed relations with X', 'held talks with X': the object noun carries the party.
            out += _phrase(child, index) + _prep_objects(child, index)
    return list(dict.fromkeys(out + _prep_objects(verb, index)))


def _relations(predicate, subjects, objects, status, cameo, reciprocal=False) -> list[Fact]:
    facts = []
    if predicate == "mediatesBetween":
        parties = [o for o in objects if o not in subjects]
        if len(parties) >= 2:
            facts += [Fact("relation", predicate, [s], parties, status=status, cameo=cameo, confidence=CONFIDENCE)
                      for s in subjects]
        return facts
    if not objects and predicate in SYMMETRIC and reciprocal:
        # 'X and Y restored ties': a reciprocal predicate between the coordinated subjects.
        pairs = [(a, b) for i, a in enumerate(subjects) for b in subjects[i + 1:]]
    else:
        pairs = [(s, o) for s in subjects for o in objects if s is not o]
    seen = set()
    for a, b in pairs:
        key = frozenset((a.key, b.key)) if predicate in SYMMETRIC else (a.key, b.key)
        if key in seen or a.key == b.key:
            continue
        seen.add(key)
        facts.append(Fact("relation", predicate, [a], [b], status=status, cameo=cameo, confidence=CONFIDENCE))
    return facts


def _event(event_type, participants, cameo) -> list[Fact]:
    participants = list(dict.fromkeys(participants))
    if event_type is None or event_type in EVENT_TYPES_SKIPPED or len(participants) < 2:
        return []
    return [Fact("event", event_type, participants, cameo=cameo, confidence=CONFIDENCE)]


def _verb_facts(verb, index) -> list[Fact]:
    words = [c.lemma_.lower() for c in verb.children]
    words += [g.lemma_.lower() for c in verb.children if c.dep_ in ("prep", "dobj", "prt") for g in c.children]
    noun = next((c.lemma_.lower() for c in verb.children if c.dep_ in ("dobj", "nsubjpass")), None)
    trigger = resolve(verb.lemma_.lower(), words, noun)
    if trigger is None or _intended(verb):
        return []
    subjects, objects = _subjects(verb, index), _objects(verb, index)
    if getattr(trigger, "reverse", False):
        subjects, objects = objects, subjects
    cameo = getattr(trigger, "code", None)
    negated = _negated(verb)
    # Coordinated subjects act on each other only through a reciprocal noun ('X and Y restored ties',
    # 'X and Y held talks'); 'X and Y fought' may be side by side.
    reciprocal = isinstance(trigger, NounTrigger)
    facts = []
    if trigger.predicate and subjects:
        facts += _relations(trigger.predicate, subjects, objects, "negated" if negated else None, cameo, reciprocal)
    if not negated and (objects or reciprocal):
        facts += _event(trigger.event_type, subjects + objects, cameo)
    return facts


def _noun_facts(noun, index) -> list[Fact]:
    """'talks with X', 'the rivalry between X and Y', 'a truce brokered by Z'."""
    governor = noun.head if noun.dep_ in ("dobj", "nsubjpass", "pobj") else None
    context = [c.lemma_.lower() for c in noun.children] + ([governor.lemma_.lower()] if governor else [])
    trigger = noun_trigger(noun.lemma_.lower(), context)
    if trigger is None or not (trigger.event_type or trigger.predicate):
        return []
    if governor is not None and governor.pos_ in ("VERB", "AUX"):
        if _intended(governor) or _negated(governor):
            return []
        if resolve(governor.lemma_.lower(), [c.lemma_.lower() for c in governor.children], noun.lemma_.lower()):
            return []   # the governing verb's own facts cover it
    parties = _prep_objects(noun, index)
    for child in noun.children:
        if child.dep_ in ("poss", "compound", "amod", "nmod"):
            hit = index.at(child)
            if hit is not None:
                parties += [a for a in (hit.group or [hit.actor]) if a.type in PARTIES]
    parties = list(dict.fromkeys(parties))
    brokers = []
    for child in noun.children:
        if child.dep_ == "acl" and child.lemma_.lower() in ("broker", "mediate", "negotiate"):
            brokers += [a for ag in child.children if ag.dep_ == "agent"
                        for p in ag.children if p.dep_ == "pobj" for a in _phrase(p, index)]
    facts = []
    if trigger.predicate and len(parties) >= 2 and not brokers:
        facts += _relations(trigger.predicate, parties[:1], parties[1:], None, None)
    if brokers and len(parties) >= 2:
        facts += _relations("mediatesBetween", brokers, parties, None, "045")
    facts += _event(trigger.event_type, brokers + parties, None)
    return facts


def _backed(token, index) -> list[Fact]:
    """'the X-backed rebels': X supports the group the phrase names, when both are actors."""
    if token.lemma_.lower() not in SUPPORT_LEMMAS or token.dep_ not in ("amod", "compound"):
        return []
    if token.i < 2 or token.doc[token.i - 1].text != "-":
        return []
    backer = _actors(token.doc[token.i - 2], index)
    backed = _actors(token.head, index)
    return [Fact("relation", "supports", [a], [b], cameo="070", confidence=CONFIDENCE)
            for a in backer for b in backed if a is not b]


# A post as the text writes it: modifiers, the title, and what the post is for ("special envoy on Yemen").
_POST = rf"(?P<t>(?:[\w-]+ ){{0,3}}?(?:{TITLES}))(?: (?:on|to|for) [^,()]{{1,40}}?)?"
_POSSESSIVE = re.compile(rf"^(?:'s|’s) {_POST},? ?$", re.I)
_OF = re.compile(rf"^, (?:the |a |an )?{_POST} of (?:the )?$", re.I)
_APPOSED = re.compile(r"^, (?:the |a |an )?$", re.I)
_ROLE_ORGS = ("State", "Organization", "ArmedGroup", "PoliticalParty", "Alliance")


def _roles(text, start, end, index) -> list[Fact]:
    """A person's post named next to the name: "Chile's foreign minister Ana Ruiz", "the UN's envoy on Yemen,
    Omar Haddad", "Ana Ruiz, Chile's foreign minister," and "Ana Ruiz, the head of the Chilean navy"."""
    here = [m for m in index.mentions if start <= m.start < end]
    out = []
    for k, m in enumerate(here):
        if m.role not in ("name", "nominal") or m.actor.type not in _ROLE_ORGS:
            continue
        before = here[k - 1] if k else None
        # "Chile's foreign minister Ana Ruiz", "the UN's envoy on Yemen, Omar Haddad": the next person named.
        person = next((n for n in here[k + 1:] if n.actor.type == "Person"), None)
        post = _POSSESSIVE.match(text[m.end:person.start]) if person else None
        if post is None and before is not None and before.actor.type == "Person":
            person = before
            between = text[before.end:m.start]
            # "Ana Ruiz, Chile's foreign minister": the post follows the state's name.
            post = _APPOSED.match(between) and _POSSESSIVE.match(text[m.end:m.end + 80].split(",")[0] + ",")
            # "the leader of the Mozambique National Resistance": a name that goes on is not the state's.
            if not post and not re.match(r" [A-Z]", text[m.end:m.end + 2]):
                post = _OF.match(between)
        if post:
            out.append(_role_fact([person.actor], [m.actor], post["t"]))
    return out


def facts_in(doc, mentions, body, sentence) -> list[Fact]:
    """The facts of one sentence, given its parse (of sentence.text) and the mentions in it (body offsets)."""
    index = _Index(mentions, body_offsets(body, sentence))
    out = []
    for token in doc:
        if token.pos_ == "VERB":
            out += _verb_facts(token, index)
        elif token.pos_ in ("NOUN", "PROPN"):
            out += _noun_facts(token, index)
        out += _backed(token, index)
    return out + _roles(body, sentence.start, sentence.end, index)
