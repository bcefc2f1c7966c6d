"""Offline extraction: an English news article in, a claims file (actors, relations, events, claims) out.

Deterministic and rule-based: a gazetteer built from the PETRARCH/Phoenix dictionaries, names the text
introduces itself, and a lexicon of verb and noun patterns with CAMEO codes. Nothing is downloaded.
"""

import re
from collections import defaultdict

from geokg.loaders.extract import gazetteer
from geokg.loaders.extract.attribution import Attributor
from geokg.loaders.extract.mentions import MentionFinder
from geokg.loaders.extract.patterns import abstract, facts_in
from geokg.loaders.extract.text import read_article
from geokg.loaders.extract.timex import Clock, parse_published
from geokg.loaders.linking.offline import known_qid

EVIDENCE_ROLES = ("name", "nominal", "affiliation")
# The parser needs about 1 GB per 100,000 characters and ~1 s per 6,000 words: a longer text (no news
# article is) keeps the rules' facts alone.
MAX_PARSED_CHARS = 200_000
# A "sentence" longer than this is a list or a table the sentence splitter could not cut; it is not parsed.
MAX_SENTENCE_CHARS = 2000
# Who makes a Statement event by speaking on record: states and institutions, and people too, as the gold
# codes them.
STATEMENT_SPEAKERS = ("State", "Organization", "Media", "Alliance", "PoliticalParty", "ArmedGroup", "Person")


def extract(text: str, name: str, is_html: bool = False) -> dict:
    """The claims file (as a dict in the claims format) for one article's text."""
    article = read_article(text, name, is_html=is_html)
    published = parse_published(article.published_text)
    finder = MentionFinder(gazetteer.load(), article.body)
    mentions = finder.run(article.sentences)
    by_sentence = defaultdict(list)
    for m in mentions:
        by_sentence[m.sentence].append(m)
    alliances = defaultdict(int)
    for m in mentions:
        if m.actor and m.actor.type == "Alliance":
            alliances[m.actor] += 1
    main_alliance = max(alliances, key=alliances.get) if alliances else None

    out = _Output(article, published)
    clock = Clock(article.body, published)
    docs = _parses(article, by_sentence)
    attributor = Attributor(article.body, mentions, by_sentence, docs)
    for sentence in article.sentences:
        here = by_sentence.get(sentence.index, [])
        quoted = sentence.text.startswith(("\"", "“"))
        facts = facts_in(abstract(article.body, sentence, here), main_alliance, quoted) if here else []
        # Each fact takes the time expression attached to its own words (timex.Clock).
        for fact in facts:
            out.add_fact(fact, sentence, clock.fact_time(sentence, here, fact))
        for claim in attributor.claims(sentence):
            out.add_claim(claim, sentence, here, clock)
    _add_parsed_facts(article, by_sentence, docs, out, clock)
    for m in mentions:
        if m.actor and m.role in EVIDENCE_ROLES and not m.locative:
            out.use(m.actor)
    doc = out.document()
    if article.body.strip() and not looks_english(article.body):
        doc["warnings"] = ["the text does not look like English; geokg's extraction rules are for English news"]
    return doc


def _parses(article, by_sentence) -> dict:
    """One parse per sentence that names an actor, keyed by sentence index, shared by attribution and the
    parse-based facts; none for a text over MAX_PARSED_CHARS."""
    if len(article.body) > MAX_PARSED_CHARS:
        return {}
    wanted = [s for s in article.sentences if len(s.text) <= MAX_SENTENCE_CHARS
              and any(m.actor for m in by_sentence.get(s.index, []))]
    if not wanted:
        return {}
    # Imported here: spaCy loads only when an article is extracted, never for other commands.
    from geokg.loaders.extract.parser import parse_many

    return {s.index: doc for s, doc in zip(wanted, parse_many([s.text for s in wanted]))}


def _add_parsed_facts(article, by_sentence, docs, out, clock):
    """The parse-based layer (clauses.py), after the rules: only facts the rules did not find."""
    from geokg.loaders.extract import clauses

    for sentence in article.sentences:
        here = by_sentence.get(sentence.index, [])
        if sentence.index not in docs:
            continue
        # A plural reference ("the two countries") names two actors on its own; a known person named alone
        # with a head's title ("President P said") still holds a post in the state the gazetteer knows.
        alone = sum(len(m.group or [m]) for m in here) < 2
        found = clauses.known_holders(here, article.body, sentence) if alone else \
            clauses.facts_in(docs[sentence.index], here, article.body, sentence)
        for fact in found:
            if not out.has(fact, sentence):
                out.add_fact(fact, sentence, clock.fact_time(sentence, here, fact))


def _wikidata(actor, name: str) -> str | None:
    """The actor's Wikidata id where it is known offline: by the gazetteer's name for it first, then by the
    names the article gives it (never by a description such as "the kingdom")."""
    for form in dict.fromkeys([actor.name, name, *actor.names]):
        qid = known_qid(form, actor.type)
        if qid:
            return qid
    return None


_ENGLISH = frozenset("the of and to in a is that for on with as was by said it from at his has have are were".split())


def looks_english(text: str) -> bool:
    """True when common English function words make up a normal share of the first few thousand words."""
    words = re.findall(r"[^\W\d_]+", text[:20000].lower())
    if len(words) < 5:
        return True
    return sum(w in _ENGLISH for w in words) / len(words) > 0.12


class _Output:
    """Collects facts, merges repeats, and writes the claims-format document."""

    def __init__(self, article, published):
        self.article = article
        self.published = published
        self.actors = {}
        self.relations = {}
        self.events = {}
        self.claims = []

    def use(self, actor):
        self.actors.setdefault(actor.key, actor)
        return actor

    def _provenance(self, item, sentence, confidence, cameo=None):
        item.setdefault("sentence", sentence.text)
        item.setdefault("offsets", [sentence.start, sentence.end])
        item["confidence"] = round(max(item.get("confidence", 0), confidence), 2)
        if cameo:
            item.setdefault("cameo", cameo)

    def has(self, fact, sentence) -> bool:
        """True when a fact with the same predicate and actors, or an event of the same type with a shared
        participant in the same sentence, is already there."""
        if fact.kind == "relation":
            actors = {a.key for a in fact.subject} | {o[1] if isinstance(o, tuple) else o.key for o in fact.objects}
            return any(item["predicate"] == fact.label and {item["subject"], *(
                item["object"] if isinstance(item["object"], list) else [item["object"]])} == actors
                for item in self.relations.values())
        participants = {a.key for a in fact.subject}
        return any(item["type"] == fact.label and participants & set(item["participants"])
                   and item.get("sentence") == sentence.text for item in self.events.values())

    def add_fact(self, fact, sentence, when):
        if fact.kind == "relation":
            objects = [o[1] if isinstance(o, tuple) else self.use(o).key for o in fact.objects]
            for subject in fact.subject:
                targets = [o for o in objects if o != subject.key]
                if not targets:
                    continue
                self.use(subject)
                key = (subject.key, fact.label, tuple(sorted(targets)) if fact.label == "mediatesBetween" else tuple(targets))
                item = self.relations.setdefault(key, {"subject": subject.key, "predicate": fact.label,
                                                       "object": targets if len(targets) > 1 else targets[0]})
                for field, value in (("role", fact.role), ("status", fact.status)):
                    if value and field not in item:
                        item[field] = value
                if when and fact.time_field and "time" not in item:
                    item["time"] = when[0]
                    if when[1]:
                        item[fact.time_field] = when[1]
                self._provenance(item, sentence, fact.confidence, fact.cameo)
            return
        participants = [self.use(a).key for a in fact.subject] or []
        if not participants:
            return
        date = when[1] if when else None
        key = (fact.label, frozenset(participants))
        # The same kind of event among the same actors is one event, unless two dates tell them apart.
        same = [k for k in self.events if k[:2] == key and (k[2] is None or date is None or k[2] == date)]
        key = same[0] if same else key + (date,)
        item = self.events.setdefault(key, {"type": fact.label, "participants": participants})
        if when and "time" not in item:
            item["time"] = when[0]
            if when[1]:
                item["date"] = when[1]
        if fact.place and "place" not in item:
            item["place"] = fact.place
        self._provenance(item, sentence, fact.confidence, fact.cameo)

    def add_claim(self, claim, sentence, here, clock=None):
        if claim.continues and self.claims:
            # A quote running on into the next sentence is the same claim (gold conventions).
            last = self.claims[-1]
            last["content"] = last["content"] + ("" if last["content"][-1:] in ".!?" else ".") + " " + claim.content
            return
        item = {
            "claimant": None,
            "channel": None,
            "content": claim.content,
            "direct_quote": claim.direct_quote,
            "hedge": claim.hedge,
        }
        if claim.claimants:
            keys = [self.use(a).key for a in claim.claimants]
            item["claimant"] = keys if len(keys) > 1 else keys[0]
        elif claim.anonymous:
            item["claimant"] = claim.anonymous
        if claim.channel is not None:
            item["channel"] = self.use(claim.channel).key
        elif claim.channel_name:
            item["channel"] = claim.channel_name
        about = [m.actor for m in here if m.actor and not m.locative and m.role in EVIDENCE_ROLES
                 and not m.pronoun and m.text in claim.content]
        if about:
            item["about"] = list(dict.fromkeys(self.use(a).key for a in about))
        self._provenance(item, sentence, claim.confidence, "010")
        self.claims.append(item)
        speakers = [a for a in claim.claimants if a.type in STATEMENT_SPEAKERS]
        if speakers and claim.verb in ("said", "says", "announced", "stated") and not claim.hedge:
            event = {"type": "Statement", "participants": [a.key for a in speakers]}
            if claim.channel is not None:
                event["participants"].append(claim.channel.key)
            key = ("Statement", frozenset(event["participants"]), "claim")
            event = self.events.setdefault(key, event)
            # The date of a statement is a time expression of its reporting clause, never one of what was said.
            when = clock.statement_time(sentence, here, speakers, claim.content, claim.verb) if clock else None
            if when and "time" not in event:
                event["time"] = when[0]
                if when[1]:
                    event["date"] = when[1]
            self._provenance(self.events[key], sentence, 0.6, "010")

    def document(self) -> dict:
        names = self._names()

        def name(key):
            return names.get(key, key)

        actors = []
        for actor in sorted(self.actors.values(), key=lambda a: a.first):
            aliases = [a for a in actor.aliases() if a != names[actor.key]]
            actors.append({"name": names[actor.key], "type": actor.type, "aliases": aliases})
            qid = _wikidata(actor, names[actor.key])
            if qid:
                actors[-1]["wikidata"] = qid
        relations = []
        for item in self.relations.values():
            item = dict(item)
            item["subject"] = name(item["subject"])
            item["object"] = [name(o) for o in item["object"]] if isinstance(item["object"], list) else name(item["object"])
            relations.append(item)
        events = []
        for item in self.events.values():
            item = dict(item)
            item["participants"] = [name(p) for p in dict.fromkeys(item["participants"])]
            events.append(item)
        claims = []
        for item in self.claims:
            item = dict(item)
            if isinstance(item["claimant"], list):
                item["claimant"] = [name(c) for c in item["claimant"]]
            elif item["claimant"] in names:
                item["claimant"] = name(item["claimant"])
            if item["channel"] in names:
                item["channel"] = name(item["channel"])
            if "about" in item:
                item["about"] = [name(a) for a in item["about"]]
            claims.append(item)
        doc = {"article": self.article.name, "title": self.article.title, "source": self.article.source,
               "published": self.published.isoformat() if self.published else self.article.published_text,
               "actors": actors, "relations": relations, "events": events, "claims": claims}
        return {k: v for k, v in doc.items() if v is not None}

    def _names(self) -> dict:
        """Display names, made unique: two actors never share one."""
        names, taken = {}, set()
        for actor in sorted(self.actors.values(), key=lambda a: a.first):
            name = actor.display_name()
            if name.lower() in taken:
                name = f"{name} ({actor.type})"
            taken.add(name.lower())
            names[actor.key] = name
        return names
