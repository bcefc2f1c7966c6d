"""Facts read off a dependency parse: a trigger verb or noun of the lexicon and the actors in its arguments.

A second, lower-confidence layer after the regex rules of patterns.py: it takes arguments from the
parse (subject, passive agent, object, prepositional objects, conjuncts, 'X-backed' modifiers) where
the rules need the words in a fixed order. Pure functions over a spaCy Doc of the article body and
the actor mentions already found, matched to tokens by character offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from geokg.loaders.extract import gazetteer
from geokg.loaders.extract.lexicon import NounTrigger, noun_trigger, resolve
from geokg.loaders.extract.mentions import LEADER_ROLES, Actor
from geokg.loaders.extract.patterns import MEMBER_ROLES, TITLES, Fact, _role_fact
from geokg.loaders.extract.timex import MONTHS, WEEKDAYS

# Verbs whose coordinated subjects act on each other: 'X and Y clashed' is a clash between them, where
# 'X and Y fought' may be side by side.
RECIPROCAL_VERBS = frozenset({"clash", "skirmish"})

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
ROLE_ORGS = ("State", "Organization", "ArmedGroup", "PoliticalParty", "Alliance")
# The target of a use of force: 'fired rockets at X', 'air strikes on X'.
TARGET_PREPS = {"at", "towards", "toward", "on", "into"}
# Places of a force that an attack on them hits: 'shelled positions of X'.
TARGET_NOUNS = {"position", "camp", "base", "post", "target", "headquarters", "stronghold", "outpost",
                "installation", "facility", "barracks", "convoy", "unit"}
# Acts of leaving whose 'from' object is the party left: 'withdrew its ambassador from X'.
LEAVING = {"Withdrawal", "DiplomaticRecall"}
RELATIVE = {"who", "which", "that"}
BROKERING = {"broker", "mediate", "negotiate"}
FAILURES = {"fail", "refuse", "decline"}
JOINING = {"join", "accede", "admit"}
# Verbs that call off a meeting named by their object.
CALLED_OFF = {"suspend", "cancel", "postpone", "halt", "freeze", "boycott", "abandon", "delay", "scrap"}
# Verbs that talk about an act named by their object without doing it.
TALKED_ABOUT = {"discuss", "debate", "explore", "study", "examine", "review", "weigh", "mull", "contemplate"}
# Verbs that report an act named by their object as done: 'announced the resumption of relations' (where
# 'discussed' or 'sought' it does not).
DONE_VERBS = {"announce", "confirm", "complete", "finalise", "finalize", "seal", "mark", "celebrate", "formalise",
              "formalize", "begin", "start", "declare"}
# Going somewhere for a visit or talks: 'arrived in X on a visit', 'flew to X for talks'.
TRAVEL_VERBS = {"arrive", "travel", "fly", "go", "come", "head", "land", "jet", "return"}
VISIT_NOUNS = {"visit", "tour", "talk", "talks", "trip", "summit", "meeting", "consultation", "consultations"}
# Verbs that break an agreement named by their object.
BREACHING = {"violate", "breach", "break", "flout", "abandon", "scrap", "undermine"}
# Verbs of disapproval whose object is an actor or an actor's act: the gold codes condemning, blaming and
# accusing another party as hostileTo ('allies condemned a decision by Russia', 'blaming the United States').
DISAPPROVING = {"condemn", "denounce", "criticise", "criticize", "blame", "accuse", "slam", "censure", "deplore",
                "rebuke", "castigate"}
# Verbs that judge or report an act named by their object, which is not their subject's act.
JUDGING = DISAPPROVING | {"welcome", "praise", "hail", "applaud", "deny", "investigate", "mourn", "protest", "deplore"}
# What a body suspends of a member: 'suspended X's membership', 'X's participation'.
MEMBERSHIP_NOUNS = {"membership", "participation", "seat"}
# Heads of an intention with a clause ('agreed to restore'), but whose object noun is done: 'agreed a truce'.
DONE_BY_SAYING = {"agree", "decide"}
BLOCS = ("Organization", "Alliance")
AMONG_MEMBERS = {"Meeting", "Agreement"}
# Verbs that report what someone said, and words that leave it in doubt ('reportedly said').
REPORTING = {"say", "tell", "announce", "declare", "state", "write", "add", "stress", "insist", "warn", "note",
             "tweet", "confirm"}
HEDGES = {"reportedly", "allegedly", "purportedly"}
# The gold conventions make an attributed statement by a state or institution an event; a person's is a claim.
INSTITUTIONS = ("State", "Organization", "ArmedGroup", "PoliticalParty", "Alliance")
SPEAKING_BODIES = {"official", "government", "ministry", "authority", "spokesman", "spokeswoman", "spokesperson"}
# A decision or move is taken: 'X's decision to withdraw' reports the act ('plans' and 'threats' do not).
DECISIONS = {"decision", "move"}
# Nouns for the people or forces acting for what follows 'of': 'the leaders of X', 'the government of X'.
AGENT_NOUNS = {"leader", "official", "minister", "representative", "delegation", "delegate", "envoy", "diplomat",
               "government", "force", "troop", "army", "military", "head", "president", "authority"}
# Posts are relations of the post holder; a verb's object that is a post says nothing of the subject.
POSTS = {"memberOf", "leaderOf"}
POST_NOUNS = {r.split()[-1] for r in LEADER_ROLES + MEMBER_ROLES} | {"secretary-general", "premier", "chair"}
ELECT_VERBS = {"elect", "reelect", "re-elect", "appoint", "name", "pick", "choose", "select", "nominate", "install"}
LEAD_VERBS = {"lead", "head", "chair"}
# Words for a body that stand for the organisation named elsewhere in the clause ('to head the body').
GENERIC_BODIES = {"body", "bloc", "organisation", "organization", "group", "league", "alliance", "union", "party",
                  "council", "movement", "committee", "coalition", "front"}
SERVE_VERBS = {"serve", "act", "work", "remain", "continue", "stay", "return"}
COPULAS = {"be", "become", "remain", "stay"}
MEMBERSHIP_VERBS = {"group", "comprise", "include", "unite"}
# Posts whose holder acts for the state: a treaty their holders sign binds the states.
HEAD_TITLES = {"president", "prime minister", "leader", "king", "queen", "emir", "chancellor", "premier",
               "supreme leader"}


class _Index:
    """The mentions of the body, looked up by a token of the sentence's parse (its text, with whitespace
    collapsed, is parsed: `offsets` maps its characters back to the body)."""

    def __init__(self, mentions, offsets):
        kept = sorted((m for m in mentions if m.actor and m.role in EVIDENCE_ROLES), key=lambda m: m.start)
        self.mentions = [m for m in kept if not m.locative]
        self.starts = [m.start for m in self.mentions]
        # 'to Spain', 'from Chile' read as places by the mention finder; the parse tells when such a
        # name is the object of a trigger ('its ambassador to Spain', 'fired rockets towards Chile').
        self.locatives = [m for m in kept if m.locative]
        # A seat of government before a post stands for its state ('Kremlin spokesman P').
        self.seats = [m for m in mentions if m.actor and m.role == "place" and not m.locative]
        self.everything = [m for m in mentions if m.actor]
        self.places = [m for m in mentions if m.actor and m.role == "place"]
        self.offsets = offsets

    def at(self, token, locative=False):
        position = self.offsets[token.idx]
        found = self._find(self.mentions, self.starts, position)
        if found is None and locative and self.locatives:
            found = self._find(self.locatives, [m.start for m in self.locatives], position)
        return found

    @staticmethod
    def _find(mentions, starts, position):
        i = bisect_right(starts, position) - 1
        while i >= 0:
            m = mentions[i]
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


def _modifier_actors(token, index) -> list:
    """The actors named by a noun's modifiers: 'Chile's', 'the Chilean', 'the Peru-Chile'."""
    found = []
    for child in token.children:
        if child.dep_ in ("compound", "amod", "poss", "nmod"):
            hit = index.at(child)
            if hit is not None:
                found += list(hit.group or [hit.actor])
    return found


def _actors(token, index, locative=False) -> list:
    """The actors a noun phrase headed by `token` names: the head's mention, else its modifiers' mentions,
    else a name in apposition ('the ex-rebel group X'), else the 'of' object of a noun for people acting
    for an actor ('the leaders of X')."""
    m = index.at(token, locative)
    if m is not None:
        found = list(m.group or [m.actor])
    else:
        found = _modifier_actors(token, index)
        if not found:
            for child in token.children:
                if child.dep_ == "appos":
                    found += _actors(child, index)
        if not found and token.lemma_.lower() in AGENT_NOUNS:
            found += [a for pobj in _pobjects(token, ("of",)) for a in _phrase(pobj, index)]
    # 'Peruvian and Chilean officials': the head's mention holds the last modifier only.
    for child in token.children:
        if child.dep_ in ("amod", "compound") and child.conjuncts:
            for modifier in (child, *child.conjuncts):
                hit = index.at(modifier)
                if hit is not None:
                    found += list(hit.group or [hit.actor])
    return [a for a in dict.fromkeys(found) if a.type in PARTIES]


def _phrase(token, index, locative=False) -> list:
    """The actors of a noun phrase and of its conjuncts ('Iran and Syria', 'Iran, Syria and Qatar')."""
    out = _actors(token, index, locative)
    for child in token.children:
        if child.dep_ == "conj":
            out += _phrase(child, index, locative)
    return list(dict.fromkeys(out))


def _pobjects(token, preps) -> list:
    # The parser tags the 'to' of a recipient 'dative' ('sent aid to X', 'provided weapons to X').
    return [pobj for child in token.children if child.dep_ in ("prep", "dative") and child.lower_ in preps
            for pobj in child.children if pobj.dep_ == "pobj"]


def _prep_objects(token, index, preps=OBJECT_PREPS) -> list:
    # A name the mention finder took for a place after 'to' is an object here: the preposition belongs to
    # the trigger ('its ambassador to Spain').
    return [a for pobj in _pobjects(token, preps) for a in _phrase(pobj, index, locative=True)]


def _preps_for(trigger) -> set:
    """The prepositions whose objects are the other party of a trigger: 'fired at X', 'withdrew from X'."""
    preps = set(OBJECT_PREPS)
    if trigger.event_type == "MilitaryAction" or trigger.predicate == "hostileTo":
        preps |= TARGET_PREPS
    if trigger.event_type in LEAVING or trigger.predicate == "leftAlliance":
        preps.add("from")
    if trigger.event_type == "Sanction":
        preps.add("on")     # 'imposed sanctions on X'
    if trigger.predicate == "supports":
        preps.add("for")    # 'support for X'
    return preps


def _negated(token) -> bool:
    """'did not sever', 'failed to reach', 'refused to sign'."""
    return any(c.dep_ == "neg" for c in token.children) or (
        token.dep_ == "xcomp" and token.head.lemma_.lower() in FAILURES)


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
    """The doer: the active subject or the passive agent, inherited from a governing verb when missing
    ('signed ..., inking a deal', 'embraced after signing'), the antecedent of a relative pronoun ('X,
    which brokered ...'), or the owner of a decision ('X's decision to withdraw', 'a decision by X to')."""
    token = verb
    for _ in range(4):
        for child in token.children:
            if child.dep_ == "nsubj":
                if child.lower_ in RELATIVE and token.dep_ == "relcl":
                    return _phrase(token.head, index) or _predicated(token.head, index)
                return _phrase(child, index)
            if child.dep_ == "agent":
                return [a for p in child.children if p.dep_ == "pobj" for a in _phrase(p, index)]
        if token.head is token:
            break
        if token.dep_ in ("conj", "xcomp", "advcl") or token.dep_ == "prep" and token.pos_ == "VERB":
            token = token.head
        elif token.dep_ == "pcomp" and token.head.dep_ == "prep":
            token = token.head.head
        elif token.dep_ == "acl" and token.head.pos_ == "NOUN" and token.head.lemma_.lower() in DECISIONS:
            owner = token.head
            return [a for c in owner.children if c.dep_ == "poss" for a in _phrase(c, index)] + [
                a for pobj in _pobjects(owner, ("by",)) for a in _phrase(pobj, index)]
        else:
            break
    return []


def _predicated(noun, index) -> list:
    """Who a predicate noun is said of: 'P is a former presenter (and anchor) who leads X' - the relative
    clause is about P."""
    while noun.dep_ == "conj" and noun.head is not noun:
        noun = noun.head
    if noun.dep_ != "attr" or noun.head.lemma_.lower() not in COPULAS:
        return []
    return [a for c in noun.head.children if c.dep_ == "nsubj" for a in _phrase(c, index)]


def _objects(verb, index, preps=OBJECT_PREPS) -> list:
    out = []
    for child in verb.children:
        if child.dep_ in ("dobj", "nsubjpass"):
            # 'severed relations with X', 'held talks with X': the object noun carries the party.
            out += _phrase(child, index) + _prep_objects(child, index, preps)
            if TARGET_PREPS <= preps and child.lemma_.lower() in TARGET_NOUNS:
                # 'shelled positions of X', 'struck the bases of X': the force hits X.
                out += _prep_objects(child, index, {"of"})
    return list(dict.fromkeys(out + _prep_objects(verb, index, preps)))


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


def _trigger(verb):
    """The verb's trigger in its clause. A post ('minister', 'leader') as the object tells who the object
    is, not what the subject holds: 'X met Chile's foreign minister' is a meeting, and X no minister."""
    # 'on Tuesday' is a date, not the 'on' of 'called on X' (CAMEO's pattern for an appeal).
    children = [c for c in verb.children if not _dated(c)]
    words = [c.lemma_.lower() for c in children]
    # A passive subject is the active object: 'the talks between X and Y were mediated by Z'.
    words += [g.lemma_.lower() for c in children if c.dep_ in ("prep", "dobj", "prt", "nsubjpass") for g in c.children]
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")), None)
    trigger = resolve(verb.lemma_.lower(), words, obj.lemma_.lower() if obj is not None else None)
    # 'X condemned the clashes between Y and Z': the noun's parties are its own, the verb is X's.
    between = obj is not None and any(c.dep_ == "prep" and c.lower_ == "between" for c in obj.children)
    if isinstance(trigger, NounTrigger) and (between or trigger.predicate in POSTS and not trigger.event_type):
        trigger = resolve(verb.lemma_.lower(), words, None)
    if isinstance(trigger, NounTrigger) and verb.lemma_.lower() in INTENT_HEADS - DONE_BY_SAYING:
        return None     # 'X plans / proposed / called for talks with Y': the talks are not held
    if isinstance(trigger, NounTrigger) and trigger.event_type == "Meeting" and verb.lemma_.lower() in CALLED_OFF:
        return None     # 'X suspended / cancelled talks with Y': no meeting is held
    if isinstance(trigger, NounTrigger) and verb.lemma_.lower() in TALKED_ABOUT:
        return None     # 'X and Y discussed the normalisation of relations': not yet done
    if isinstance(trigger, NounTrigger) and verb.lemma_.lower() in JUDGING:
        return None     # 'X condemned the attack on Y': the attack is not X's
    if isinstance(trigger, NounTrigger) and trigger.event_type == "Agreement" and verb.lemma_.lower() in BREACHING:
        return None     # 'violating the truce' is no agreement
    return trigger


def _dated(token) -> bool:
    """A preposition whose object is a day or a month: 'on Tuesday', 'in March'."""
    return token.dep_ == "prep" and any(
        g.dep_ == "pobj" and (g.lower_ in WEEKDAYS or g.lower_ in MONTHS) for g in token.children)


def _counts(trigger) -> bool:
    """True for a trigger that yields a fact here (not a statement or an uncoded act)."""
    return trigger is not None and bool(trigger.predicate or trigger.event_type not in EVENT_TYPES_SKIPPED)


def _joined(verb, index) -> list[Fact]:
    """'X joined / acceded to / was admitted to the bloc': X joins it (an Accession), whatever CAMEO's code
    for 'join' (a meeting) says; joining a state ('X joined Y in condemning') is neither."""
    lemma = verb.lemma_.lower()
    if lemma not in JOINING or _intended(verb) or _negated(verb):
        return []
    passive = any(c.dep_ == "nsubjpass" for c in verb.children)
    # 'The bloc admitted X as a member': the body admits, its object joins.
    admits = lemma == "admit" and not passive and any(
        p.lemma_.lower() == "member" for p in _pobjects(verb, ("as",)))
    if lemma == "admit" and not passive and not admits:
        return []
    if admits:
        bodies = _subjects(verb, index)
        joiners = [a for c in verb.children if c.dep_ == "dobj" for a in _phrase(c, index)]
    else:
        bodies = [a for c in verb.children if c.dep_ == "dobj" for a in _phrase(c, index)]
        joiners = _phrase(next(c for c in verb.children if c.dep_ == "nsubjpass"), index) if passive \
            else _subjects(verb, index)
    if lemma != "join":
        bodies += _prep_objects(verb, index, {"to", "into"})
    bodies = [b for b in bodies if b.type in BLOCS]
    members = [a for a in joiners if a.type in ROLE_ORGS and a not in bodies]
    if not bodies or not members:
        return []
    facts = [Fact("relation", "joinedAlliance", [m], bodies[:1], confidence=CONFIDENCE) for m in members]
    return facts + _event("Accession", members + bodies[:1], "057")


def _suspended(verb, index) -> list[Fact]:
    """'The bloc suspended X', 'X was suspended from the bloc', 'the bloc suspended X's membership': a Sanction by
    the body, and X stays its member (gold conventions). Suspending aid or talks names no member."""
    if verb.lemma_.lower() != "suspend" or _intended(verb) or _negated(verb):
        return []
    passive = any(c.dep_ == "nsubjpass" for c in verb.children)
    members, bodies, own = [], [], False
    for obj in (c for c in verb.children if c.dep_ == ("nsubjpass" if passive else "dobj")):
        if obj.lemma_.lower() in MEMBERSHIP_NOUNS:
            owner = [c for c in obj.children if c.dep_ == "poss"]
            members += [a for c in owner for a in _phrase(c, index)]
            bodies += [a for p in _pobjects(obj, ("of", "in")) for a in _phrase(p, index)]
            # 'X suspended its membership of the bloc': X withdraws, it is not sanctioned.
            own = not passive and any(c.lower_ in ("its", "their") for c in owner)
        else:
            members += _phrase(obj, index)
    if own:
        members += _subjects(verb, index)
    else:
        bodies += _subjects(verb, index)
    bodies += _prep_objects(verb, index, {"from"})
    bodies = [b for b in dict.fromkeys(bodies) if b.type in BLOCS]
    members = [m for m in dict.fromkeys(members) if m.type in ROLE_ORGS and m not in bodies]
    if not bodies or not members:
        return []
    facts = [Fact("relation", "memberOf", [m], bodies[:1], confidence=CONFIDENCE) for m in members]
    return facts + (_event("Withdrawal", members + bodies[:1], None) if own else
                    _event("Sanction", bodies[:1] + members, None))


def _travel(verb, index) -> list[Fact]:
    """'P arrived in Santiago on a visit', 'the delegation flew to Chile for talks', 'P is on a visit to Chile':
    a visit is a Meeting between the visitor and the host state (gold conventions), the city standing for its
    state. Arriving alone ('troops arrived in X') is no visit."""
    lemma = verb.lemma_.lower()
    if lemma not in TRAVEL_VERBS and lemma != "be" or _intended(verb) or _negated(verb):
        return []
    purposes = [p for p in _pobjects(verb, ("on", "for")) if p.lemma_.lower() in VISIT_NOUNS]
    if not purposes:
        return []
    hosts = [a for p in purposes for a in _places(_pobjects(p, ("to", "with")), index)]
    if lemma != "be":
        hosts += _places(_pobjects(verb, ("in", "to", "at")), index)
    visitors = _subjects(verb, index)
    hosts = [h for h in dict.fromkeys(hosts) if h not in visitors]
    if not visitors or not hosts:
        return []
    return _event("Meeting", visitors + hosts, "042")


def _places(tokens, index) -> list:
    """The actors named by the nouns, a city or a state written as a place standing for its state."""
    out = []
    for token in tokens:
        found = _phrase(token, index, locative=True)
        if not found:
            position = index.offsets[token.idx]
            found = [m.actor for m in index.places if m.start <= position < m.end and m.actor.type == "State"]
        out += found
    return out


def _disapproves(verb, index) -> list[Fact]:
    """'X condemned Y', 'X condemned Y's decision / a decision by Y', 'X blamed Y for Z', 'X and Y accused each
    other': hostileTo between the critic and the criticised. A person's criticism is a claim, not a relation of
    states; 'condemned the attack on Y' names the victim, not the criticised."""
    if verb.lemma_.lower() not in DISAPPROVING or _intended(verb) or _negated(verb):
        return []
    critics = [a for a in _subjects(verb, index) if a.type != "Person"]
    targets, reciprocal = [], False
    for obj in (c for c in verb.children if c.dep_ == "dobj"):
        if obj.lower_ == "other" and any(c.lower_ in ("each", "one") for c in obj.children):
            reciprocal = True
            continue
        found = _phrase(obj, index)
        if not found:
            # 'Y's decision', 'a decision by Y': the act's owner.
            found = [a for c in obj.children if c.dep_ == "poss" for a in _phrase(c, index)]
            found += [a for p in _pobjects(obj, ("by",)) for a in _phrase(p, index)]
        targets += [a for a in found if a.type in PARTIES]
    return _relations("hostileTo", critics, [t for t in targets if t not in critics], None, "11", reciprocal and
                      not targets)


def _verb_facts(verb, index) -> list[Fact]:
    trigger = _trigger(verb)
    if verb.lemma_.lower() in JOINING and not isinstance(trigger, NounTrigger):
        return _joined(verb, index)     # 'joined talks with X' is the talks' own
    if trigger is None or _intended(verb):
        return []
    # Praise is for what is praised: 'welcomed the truce between X and Y' supports neither X nor Y.
    praise = str(getattr(trigger, "code", "")).startswith("05") and not isinstance(trigger, NounTrigger)
    subjects, objects = _subjects(verb, index), _objects(verb, index, set() if praise else _preps_for(trigger))
    if getattr(trigger, "reverse", False):
        subjects, objects = objects, subjects
    cameo = getattr(trigger, "code", None)
    negated = _negated(verb)
    # Coordinated subjects act on each other only through a reciprocal noun ('X and Y restored ties',
    # 'X and Y held talks'); 'X and Y fought' may be side by side.
    reciprocal = isinstance(trigger, NounTrigger) or verb.lemma_.lower() in RECIPROCAL_VERBS
    facts = []
    if trigger.predicate and subjects:
        facts += _relations(trigger.predicate, subjects, objects, "negated" if negated else None, cameo, reciprocal)
    if not negated and (objects or reciprocal):
        facts += _event(trigger.event_type, subjects + objects, cameo)
        if reciprocal and not objects and len(subjects) == 1 and subjects[0].type in BLOCS \
                and trigger.event_type in AMONG_MEMBERS:
            # 'the bloc's leaders held a summit', 'ASEAN leaders reached a consensus': among its members.
            facts.append(Fact("event", trigger.event_type, subjects, cameo=cameo, confidence=CONFIDENCE))
    return facts


def _noun_facts(noun, index) -> list[Fact]:
    """'talks with X', 'the rivalry between X and Y', 'a truce brokered by Z', 'X reported battles with Y',
    'battles erupted between X and Y', 'the summit was attended by X and Y', 'X's withdrawal from Y'."""
    governor = noun.head if noun.dep_ in ("dobj", "nsubjpass", "pobj", "nsubj") and noun.head is not noun else None
    context = [c.lemma_.lower() for c in noun.children] + ([governor.lemma_.lower()] if governor else [])
    # 'the restoration of ties': the noun that the 'of' phrase belongs to is the act done to this one.
    owner = governor.head if governor is not None and noun.dep_ == "pobj" and governor.lower_ == "of" \
        and governor.head.pos_ == "NOUN" else None
    if owner is not None:
        context.append(owner.lemma_.lower())
    trigger = noun_trigger(noun.lemma_.lower(), context)
    if trigger is None or not (trigger.event_type or trigger.predicate) or trigger.predicate in POSTS:
        return []
    verb = governor if governor is not None and governor.pos_ in ("VERB", "AUX") else None
    if verb is not None:
        if _intended(verb) or _negated(verb) or noun.dep_ == "dobj" and verb.lemma_.lower() in INTENT_HEADS - DONE_BY_SAYING:
            return []
        if trigger.event_type == "Meeting" and verb.lemma_.lower() in CALLED_OFF:
            return []
        between = any(c.dep_ == "prep" and c.lower_ == "between" for c in noun.children)
        if noun.dep_ != "nsubj" and not between and _counts(_trigger(verb)):
            return []   # the governing verb's own facts cover it
    preps = _preps_for(trigger)
    parties = []
    if verb is not None and noun.dep_ == "dobj" and "with" in {c.lower_ for c in noun.children if c.dep_ == "prep"}:
        # 'X reported battles with Y': the subject is the other side.
        parties += _subjects(verb, index)
    elif verb is not None and noun.dep_ == "dobj" and trigger.predicate == "supports" \
            and not _modifier_actors(noun, index):
        # 'X voiced / expressed support for Y': the subject supports.
        parties += _subjects(verb, index)
    # The owner first: 'X's withdrawal from Y', 'X's war with Y'.
    parties += [a for a in _modifier_actors(noun, index) if a.type in PARTIES]
    parties += _prep_objects(noun, index, preps)
    if verb is not None and noun.dep_ in ("nsubj", "nsubjpass"):
        # 'battles erupted between X and Y', 'the summit was attended by X and Y'
        parties += _prep_objects(verb, index, {"between", "among"})
        parties += [a for ag in verb.children if ag.dep_ == "agent"
                    for p in ag.children if p.dep_ == "pobj" for a in _phrase(p, index)]
    parties = list(dict.fromkeys(parties))
    if len(parties) < 2 and owner is not None and trigger.predicate in SYMMETRIC and owner.dep_ == "dobj" \
            and owner.head.lemma_.lower() in DONE_VERBS and not _intended(owner.head) and not _negated(owner.head):
        # 'X and Y announced the resumption of relations': the clause's subjects are the parties.
        parties += [a for a in _subjects(owner.head, index) if a not in parties]
    brokers = []
    if verb is not None and noun.dep_ == "dobj" and verb.lemma_.lower() in BROKERING:
        brokers += _subjects(verb, index)
    # 'a truce brokered by Z'; the parser may hang the participle on the last party of 'between X and Y, brokered
    # by Z'; 'a Z-brokered truce', 'a Norwegian-mediated truce': the modifier names the broker.
    between = [p for p in _pobjects(noun, ("between",))]
    for child in [*noun.children, *(c for p in between for t in (p, *p.conjuncts) for c in t.children)]:
        if child.dep_ == "acl" and child.lemma_.lower() in BROKERING:
            brokers += [a for ag in child.children if ag.dep_ == "agent"
                        for p in ag.children if p.dep_ == "pobj" for a in _phrase(p, index)]
            parties += [a for a in _prep_objects(child, index, {"between"}) if a not in parties]
        elif child.dep_ in ("amod", "compound") and child.lemma_.lower() in BROKERING \
                and child.i >= 2 and child.doc[child.i - 1].text == "-":
            brokers += _actors(child.doc[child.i - 2], index)
    brokers = list(dict.fromkeys(brokers))
    if brokers and len(parties) < 2 and noun.dep_ == "pobj" and noun.head.head.pos_ in ("VERB", "AUX"):
        # 'X and Y agreed to a truce brokered by Z': the clause's subjects are the parties.
        parties += [a for a in _subjects(noun.head.head, index) if a not in brokers and a not in parties]
    parties = [p for p in parties if p not in brokers]
    facts = []
    if trigger.predicate and len(parties) >= 2 and not brokers:
        facts += _relations(trigger.predicate, parties[:1], parties[1:], None, None)
    if brokers and len(parties) >= 2:
        facts += _relations("mediatesBetween", brokers, parties, None, "045")
    if trigger.event_type == "Withdrawal" and len(parties) >= 2:
        facts += _relations("leftAlliance", parties[:1], [p for p in parties[1:] if p.type == "Alliance"], None, None)
    facts += _event(trigger.event_type, brokers + parties, None)
    return facts


def _speakers(token, index) -> list:
    """Who speaks in a subject: the name, a name in apposition ('the UN's envoy, P,'), or the state of
    its officials ('Chilean officials'); 'P's office' and 'the X leader' are someone else."""
    out = []
    for t in [token] + [c for c in token.conjuncts if c.dep_ == "conj"]:
        m = index.at(t)
        found = list(m.group or [m.actor]) if m is not None else []
        if not found:
            found = [a for c in t.children if c.dep_ == "appos" for a in _actors(c, index)]
        if not found and t.lemma_.lower() in SPEAKING_BODIES:
            found = _actors(t, index)
        out += [a for a in found if a.type in INSTITUTIONS]
    return list(dict.fromkeys(out))


def _statement(verb, index) -> list[Fact]:
    """'P said that ...', 'X announced ...', '"...," said P': a Statement event by each named speaker, people
    included (the claims layer makes one for states and institutions only)."""
    if verb.lemma_.lower() not in REPORTING or _intended(verb) or _negated(verb):
        return []
    if not any(c.dep_ in ("ccomp", "dobj", "xcomp") for c in verb.children) and verb.dep_ != "ccomp":
        return []
    if any(c.lower_ in HEDGES for c in verb.children):
        return []
    speakers = []
    for c in verb.children:
        if c.dep_ == "nsubj":
            speakers += _speakers(verb.head if c.lower_ in RELATIVE and verb.dep_ == "relcl" else c, index)
    return [Fact("event", "Statement", speakers, cameo="010", confidence=CONFIDENCE)] if speakers else []


def _agreed(verb, index) -> list[Fact]:
    """'X and Y agreed to order a ceasefire', 'X agreed with Y on a truce': the agreeing is an Agreement
    between the parties, whatever it is they agreed to do (the act itself is coded when it happens)."""
    if verb.lemma_.lower() != "agree" or _intended(verb) or _negated(verb):
        return []
    done = [c for c in verb.children if c.dep_ == "xcomp" or c.dep_ == "prep" and c.lower_ in ("on", "to")]
    if not done:
        return []
    parties = _subjects(verb, index) + _prep_objects(verb, index, {"with"})
    for c in done:
        if c.dep_ == "xcomp":
            parties += _objects(c, index, {"with", "between"})
    return _event("Agreement", parties, "057")


def _body_of(token, index, owners) -> list:
    """The organisation a generic noun stands for ('to head the body'): the one named among `owners`."""
    m = index.at(token)
    if m is not None:
        return [a for a in (m.group or [m.actor]) if a.type in ROLE_ORGS]
    if token.lemma_.lower() in GENERIC_BODIES:
        return [a for a in owners if a.type in ("Organization", "Alliance", "PoliticalParty", "ArmedGroup")][:1]
    return []


def _post_text(noun, index) -> str:
    """The post as written: the title with its own words, without the name of the state or body ('foreign
    minister', 'secretary-general')."""
    doc, end = noun.doc, noun.i
    while end + 2 < len(doc) and doc[end + 1].text == "-":
        end += 2
    words = [t.text for t in doc[noun.left_edge.i:end + 1]
             if t.dep_ not in ("det", "poss", "case", "nummod") and index.at(t) is None]
    return re.sub(r" ?- ?", "-", " ".join(words)).lower()


def _post_org(noun, index) -> list:
    """The state or organisation a post is in: 'Chile's ambassador', 'the Chilean ambassador', 'head of X'."""
    found = _modifier_actors(noun, index)
    found += [a for pobj in _pobjects(noun, ("of",)) for a in _phrase(pobj, index)]
    return [a for a in found if a.type in ROLE_ORGS]


def _elected(verb, index) -> list[Fact]:
    """'X elected P as its secretary-general', 'X picked P to head the body', 'P was appointed head of Y':
    an Election among the electors and the person, and the post it gives from then on."""
    if verb.lemma_.lower() not in ELECT_VERBS or _intended(verb) or _negated(verb):
        return []
    passive = any(c.dep_ == "nsubjpass" for c in verb.children)
    chosen = [c for c in verb.children if c.dep_ == ("nsubjpass" if passive else "dobj")]
    persons = [a for c in chosen for a in _phrase(c, index) if a.type == "Person"]
    if not persons:
        return []
    electors = [a for a in (_prep_objects(verb, index, {"by"}) if passive else _subjects(verb, index))
                if a.type != "Person"]
    orgs, post, leads = [], None, False
    for child in verb.children:
        if child.dep_ == "xcomp" and child.lemma_.lower() in LEAD_VERBS:
            leads, post = True, None
            for obj in child.children:
                if obj.dep_ == "dobj":
                    orgs += _body_of(obj, index, electors)
        nouns = [child] if child.dep_ in ("oprd", "attr") else [
            p for p in child.children if p.dep_ == "pobj"] if child.dep_ == "prep" and child.lower_ == "as" else []
        for noun in nouns:
            post = _post_text(noun, index)
            orgs += _post_org(noun, index) or [a for pobj in _pobjects(noun, ("of",))
                                               for a in _body_of(pobj, index, electors)]
            if not orgs and any(t.dep_ == "poss" and t.lower_ in ("its", "their") for t in noun.subtree):
                orgs += _body_of(noun, index, electors) or [
                    a for a in electors if a.type in ("Organization", "Alliance", "PoliticalParty")][:1]
    orgs = list(dict.fromkeys(o for o in orgs if o not in persons))
    posts = []
    if orgs and (leads or post):
        for person in persons:
            fact = _role_fact([person], orgs[:1], post or "head")
            if leads:
                fact.label = "leaderOf"
            fact.time_field, fact.confidence = "start", CONFIDENCE
            posts.append(fact)
    # A vote: a body choosing its head, or members choosing. Appointing an envoy is no election.
    voted = any(f.label == "leaderOf" for f in posts) or post is None and not leads and any(
        a.type in ("Organization", "Alliance", "PoliticalParty") for a in electors)
    return (_event("Election", electors + persons + orgs, None) if voted else []) + posts


def _leads(verb, index) -> list[Fact]:
    """'P leads the X party', 'P, who heads X,': the person is the leader of the body named."""
    if verb.lemma_.lower() not in LEAD_VERBS or _intended(verb) or _negated(verb) or verb.dep_ in ("xcomp", "acl"):
        return []
    persons = [a for a in _subjects(verb, index) if a.type == "Person"]
    orgs = []
    for obj in verb.children:
        if obj.dep_ != "dobj":
            continue
        m = index.at(obj)
        if m is not None:
            orgs += list(m.group or [m.actor])
        elif obj.lemma_.lower() in GENERIC_BODIES:
            # 'the nationalist X party': the name is a modifier of a word for a body.
            orgs += [a for c in obj.children if c.dep_ in ("compound", "appos") for a in _actors(c, index)]
    orgs = [o for o in dict.fromkeys(orgs) if o.type in ROLE_ORGS and o.type != "State"]
    return [_role_fact([p], [o], "leader") for p in persons for o in orgs]


def _holds(noun, index) -> list[Fact]:
    """A post said of someone: 'P is Chile's foreign minister', 'P became the Chilean ambassador', 'P, who
    served as Chile's envoy,'. (A post as the object of another verb tells nothing of the subject.)"""
    if noun.lemma_.lower() not in POST_NOUNS:
        return []
    verb = noun.head
    if noun.dep_ == "pobj" and verb.lower_ == "as" and verb.dep_ == "prep":
        verb = verb.head
        if verb.lemma_.lower() not in SERVE_VERBS:
            return []
    elif noun.dep_ != "attr" or verb.lemma_.lower() not in COPULAS:
        return []
    if _intended(verb) or _negated(verb):
        return []
    persons = [a for a in _subjects(verb, index) if a.type == "Person"]
    orgs = _post_org(noun, index)
    if not persons or not orgs:
        return []
    return [_role_fact(persons, orgs[:1], _post_text(noun, index))]


def _groups(verb, index) -> list[Fact]:
    """'The bloc groups A, B and C', 'X comprises A and B', 'X brings together A and B', 'X is made up of
    A and B': each is a member of the organisation."""
    lemma = verb.lemma_.lower()
    particles = {c.lower_ for c in verb.children if c.dep_ in ("prt", "advmod")}
    if not (lemma in MEMBERSHIP_VERBS or lemma == "bring" and "together" in particles
            or lemma in ("consist", "make") and _pobjects(verb, ("of",))) or _negated(verb) or _intended(verb):
        return []
    owner_dep = "nsubjpass" if lemma == "make" else "nsubj"
    owners = []
    for child in verb.children:
        if child.dep_ == owner_dep:
            m = index.at(child)
            owners += [a for a in ((m.group or [m.actor]) if m else []) if a.type in ("Organization", "Alliance")]
    if not owners:
        return []
    members = [a for c in verb.children if c.dep_ == "dobj" for a in _phrase(c, index)]
    members += [a for pobj in _pobjects(verb, ("of",)) for a in _phrase(pobj, index)]
    return [Fact("relation", "memberOf", [m], owners[:1], time_field=None, confidence=CONFIDENCE)
            for m in dict.fromkeys(members) if m.type == "State"]


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
# "Chilean Foreign Minister Ana Ruiz", "Kremlin national security adviser P": the words of a post before a
# name. Only words that name the post: 'opposition leader' is no leader of the state.
_OFFICE = r"(?:senior|top|deputy|former|acting|chief|vice|prime|foreign|defen[cs]e|interior|finance|economy|trade|" \
          r"justice|health|energy|home|special|supreme|national|security|high|first)"
_BEFORE_NAME = re.compile(rf"^ (?P<t>(?:{_OFFICE} ){{0,3}}(?:{TITLES})) $", re.I)
_COUNTERPART = re.compile(r"^ counterpart,? $", re.I)
# A person's name as the gazetteer writes some: "Russian President Vladimir Putin" is one mention.
_TITLED_NAME = re.compile(rf"^(?P<s>[A-Z][\w-]+(?: [A-Z][\w-]+)?) (?P<t>(?:{_OFFICE} ){{0,3}}(?:{TITLES})) \S", re.I)


def _roles(text, start, end, index) -> list[Fact]:
    """A person's post named next to the name: "Chile's foreign minister Ana Ruiz", "the UN's envoy on Yemen,
    Omar Haddad", "Ana Ruiz, Chile's foreign minister," and "Ana Ruiz, the head of the Chilean navy"."""
    here = [m for m in index.mentions if start <= m.start < end]
    out = []
    for k, m in enumerate(here):
        if m.role not in ("name", "nominal") or m.actor.type not in ROLE_ORGS:
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
            if not post:
                post = _OF.match(between)
                # "the leader of the Mozambique National Resistance": a name that goes on is not the state's
                # but the one that follows, if it is a name.
                if post and re.match(r" [A-Z]", text[m.end:m.end + 2]):
                    following = here[k + 1] if k + 1 < len(here) else None
                    if following is None or following.start != m.end + 1 or following.actor.type not in ROLE_ORGS:
                        post = None
                    else:
                        m = following
        if post:
            out.append(_role_fact([person.actor], [m.actor], post["t"]))
    return out + _titled(text, start, end, index, out)


def _titled(text, start, end, index, known) -> list[Fact]:
    """"Peruvian Foreign Minister Ana Ruiz", "the Kremlin's ... ", and "X's president P and his Chilean
    counterpart Q": Q holds the same post in Chile."""
    here = sorted((m for m in index.mentions + index.seats if start <= m.start < end), key=lambda m: m.start)
    out = []
    for person in here:
        titled = _TITLED_NAME.match(person.text) if person.actor.type == "Person" else None
        form = gazetteer.load().forms.get(gazetteer.key_of(titled["s"])) if titled else None
        if form is not None and form.entry.kind == "state":
            state = next((m.actor for m in index.everything if m.actor.name == form.entry.name), None)
            if state is not None:
                out.append(_role_fact([person.actor], [state], titled["t"]))
    out += _known_holder(text, here, index, known + out)
    for m, person in zip(here, here[1:]):
        if person.actor.type != "Person" or m.actor.type not in ROLE_ORGS:
            continue
        between = text[m.end:person.start]
        post = _BEFORE_NAME.match(between)
        if post:
            out.append(_role_fact([person.actor], [m.actor], post["t"]))
        elif _COUNTERPART.match(between):
            other = next((f for f in known + out if f.subject[0] is not person.actor), None)
            if other is not None:
                out.append(_role_fact([person.actor], [m.actor], other.role))
    return out


# A head of state's or government's title, or a minister's, right before a name ('President P', 'former prime minister P'):
# without a state named beside it, the post is in the state the gazetteer knows the person for.
# A minister's or envoy's title holds a post in the same state ('Foreign Minister P': memberOf).
_HEAD_BEFORE = re.compile(r"(?:^|[\s(\"“])(?P<t>(?:(?:former|late|then|ousted|deposed|interim|acting) )?"
                          r"(?:president|prime minister|premier|chancellor|king|queen|emir|supreme leader|"
                          r"(?:(?:foreign|defen[cs]e|interior|finance|economy|trade|justice|energy|deputy) )?minister|"
                          r"ambassador|secretary of state))\s*$", re.I)


# The same title in apposition after the name: 'P, the longest-serving prime minister in the nation's history'.
# A title 'of' a body names the body's post (read by _roles), and 'a former' one may be anyone's.
_HEAD_APPOSED = re.compile(r"^,\s+the\s+(?:[\w-]+\s+){0,3}?(?P<t>(?:(?:former|late|then|ousted|deposed|"
                           r"interim|acting) )?(?:president|prime minister|premier|chancellor|king|queen|emir|"
                           r"supreme leader))\b(?!\s+of\b)", re.I)


def _known_holder(text, here, index, known) -> list[Fact]:
    """'President Hosni Mubarak', 'former president P': a known person (a gazetteer row with a state) with the
    title of a head of state or government, and no state or body named with the title, leads that state."""
    gaz = gazetteer.load()
    out = []
    for k, person in enumerate(here):
        if person.actor.type != "Person" or any(f.subject and f.subject[0] is person.actor for f in known):
            continue
        form = gaz.forms.get(gazetteer.key_of(person.actor.name))
        state = gaz.by_code.get(form.entry.code) if form is not None and form.entry.kind == "person" else None
        if state is None:
            continue
        words = person.text.split()
        lead = next((n for n in range(len(words) - 1, 0, -1) if _HEAD_BEFORE.search(" ".join(words[:n]))), 0)
        title = _HEAD_BEFORE.search(" ".join(words[:lead])) if lead else _HEAD_BEFORE.search(
            text[max(0, person.start - 40):person.start]) or _HEAD_APPOSED.match(text[person.end:person.end + 80])
        before = here[k - 1] if k else None
        if title is None or before is not None and 0 <= person.start - before.end <= 40 and \
                before.actor.type in ROLE_ORGS and not lead:
            continue    # 'Chile's president P', 'the party's president P': the post is in what is named
        actor = next((m.actor for m in index.everything if m.actor.name == state.name), None) or \
            Actor(_key(state.name), state.name, "State", state.code)
        out.append(_role_fact([person.actor], [actor], title["t"].lower()))
    return out


def known_holders(mentions, body, sentence) -> list[Fact]:
    """The posts of known people named with a head's title in a sentence that names no other actor."""
    index = _Index(mentions, body_offsets(body, sentence))
    here = sorted((m for m in index.mentions if sentence.start <= m.start < sentence.end), key=lambda m: m.start)
    return _known_holder(body, here, index, [])


def _key(name: str) -> str:
    return re.sub(r"[^\w]+", " ", name.lower()).strip()


def _as_states(facts) -> list[Fact]:
    """A reciprocal relation between heads of state ('Peru's president and Chile's president signed a
    partnership treaty') holds between their states."""
    heads = {}
    for f in facts:
        if f.kind == "relation" and f.label == "leaderOf" and f.objects and f.objects[0].type == "State" \
                and re.sub(r"^(?:(?:senior|top|deputy|former|acting|vice) )+", "", (f.role or "").lower()) in HEAD_TITLES:
            heads.setdefault(f.subject[0].key, f.objects[0])
    for f in facts:
        if f.kind == "relation" and f.label in SYMMETRIC:
            persons = [a for a in f.subject + f.objects if a.type == "Person"]
            if persons and all(p.key in heads for p in persons):
                f.subject = [heads.get(a.key, a) if a.type == "Person" else a for a in f.subject]
                f.objects = [heads.get(a.key, a) if a.type == "Person" else a for a in f.objects]
    return [f for f in facts if f.kind != "relation" or f.subject[0] not in f.objects]


def facts_in(doc, mentions, body, sentence) -> list[Fact]:
    """The facts of one sentence, given its parse (of sentence.text) and the mentions in it (body offsets)."""
    index = _Index(mentions, body_offsets(body, sentence))
    out = []
    for token in doc:
        if token.pos_ == "VERB":
            out += _verb_facts(token, index) + _agreed(token, index) + _elected(token, index) + _suspended(token, index)
            out += _leads(token, index) + _groups(token, index) + _statement(token, index) + _disapproves(token, index)
        if token.pos_ in ("VERB", "AUX"):
            out += _travel(token, index)
        if token.pos_ in ("NOUN", "PROPN"):
            out += _noun_facts(token, index) + _holds(token, index)
        out += _backed(token, index)
    return _as_states(out + _roles(body, sentence.start, sentence.end, index))
