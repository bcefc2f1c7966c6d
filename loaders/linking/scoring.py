"""How well a Wikidata entity matches one of our actors, scored the way the OpenRefine team's Wikidata
reconciliation service (openrefine-wikibase, engine.py) scores, with the differences written below.

- Name: the best fuzzy similarity (token sort ratio, 0-100, on names without accents, case or punctuation)
  between our preferred label and any of the entity's labels and aliases; a match through one of our own
  aliases counts 0.9 of its similarity, as aliases include looser names ("Tehran" for Iran).
- Properties, each 0 or 100 and weighted 0.4 against the name's 1.0: country (P17/P27 against the
  country our graph gives the actor: a state it is a member or leader of, or is headquartered in),
  membership (P463 with its P580/P582 dates against our memberOf facts at the article's date), and date
  (the articles' years within P571 inception to P576 dissolution; birth P569 to death P570 for people). A
  property is compared only when both sides have a value: Wikidata lacking a statement is no evidence.
- score = (name + 0.4 * sum of property scores) / (1 + 0.4 * properties compared).
- Type: the entity's P31, through P279*, must reach one of the Wikidata classes of our type. OpenRefine drops
  an entity of the wrong type; we halve its score and keep it for a person to see, as it does an entity
  with no type at all. Entities that are only Wikimedia internals (disambiguation pages) are dropped.
- Automatic match, as OpenRefine: the best candidate, of the right type, scores above 95 less 5 per
  property compared, and more than 10 above the second. Every other candidate scoring at least 50 is kept
  for review, the best 5 at most (ties go to the lower QID, as in OpenRefine); below 50 it is dropped.
"""

import difflib
import re
from dataclasses import dataclass, field

from geokg.loaders.names import unaccented

NAME_WEIGHT = 1.0
PROPERTY_WEIGHT = 0.4
ALIAS_FACTOR = 0.9
VALIDATION_THRESHOLD = 95.0
DISCOUNT_PER_PROPERTY = 5.0
MATCH_GAP = 10.0
PLAUSIBLE = 50.0
# Candidates kept for review per actor. An exact name brings back every book, film and article of that title
# on Wikidata; OpenRefine too returns only its best few (ranked by score, then by the lower QID).
MAX_REVIEW = 5

WIKIMEDIA_INTERNAL = "Q17442446"
# Wikidata classes per type of ours, beyond the wd: closeMatch the ontology states (read at run time):
# sovereign state Q3624078, country Q6256, state Q7275; intergovernmental organisation Q245065; organisation
# Q43229; political party Q7278; armed organisation Q17149090 (militant and terrorist group classes count
# through P279*); human Q5. A place may be any kind of entity.
EXTRA_CLASSES = {
    "State": {"Q3624078", "Q6256", "Q7275"},
    "Organization": {"Q43229", "Q245065"},
    "Alliance": {"Q245065"},
    "PoliticalParty": {"Q7278"},
    "ArmedGroup": {"Q17149090"},
    "Person": {"Q5"},
    "Media": {"Q43229"},
    "Place": set(),
}

_PUNCT = re.compile(r"[\W_]+")


def normalise(name: str) -> str:
    """Lower case, no accents, punctuation as spaces, without a leading "the"."""
    text = _PUNCT.sub(" ", unaccented(name).casefold()).strip()
    return text[4:] if text.startswith("the ") else text


def similarity(a: str, b: str) -> float:
    """Token sort ratio, 0-100, as fuzzywuzzy computes it without python-Levenshtein (on difflib)."""
    x, y = (" ".join(sorted(normalise(s).split())) for s in (a, b))
    if not x or not y:
        return 0.0
    return round(100 * difflib.SequenceMatcher(None, x, y).ratio())


@dataclass
class Actor:
    """One of our actors, as the store holds it, with what the scoring compares."""

    uri: str
    kind: str  # the local name of its gk class
    name: str
    aliases: list[str] = field(default_factory=list)
    given: set = field(default_factory=set)  # QIDs already stated outside the links graph
    years: tuple | None = None  # first and last year of the articles that mention it
    country_actors: set = field(default_factory=set)  # our actors that give its country
    member_actors: set = field(default_factory=set)  # our actors it is a member of


@dataclass
class Entity:
    """A Wikidata entity, with the statements the scoring reads."""

    qid: str
    labels: set = field(default_factory=set)
    aliases: set = field(default_factory=set)
    description: str | None = None
    types: set = field(default_factory=set)
    classes: set = field(default_factory=set)  # the target classes its types reach through P279*
    countries: set = field(default_factory=set)
    memberships: list = field(default_factory=list)  # (QID, start year, end year)
    start: int | None = None
    end: int | None = None
    enwiki: str | None = None
    geonames: set = field(default_factory=set)

    @property
    def label(self) -> str:
        return min(self.labels, key=len) if self.labels else self.qid


@dataclass
class Scored:
    qid: str
    score: float
    properties: int
    type_ok: bool
    evidence: list
    status: str = "review"


def targets(kind: str, close_matches: dict) -> set:
    return set(EXTRA_CLASSES.get(kind, set())) | set(close_matches.get(kind, set()))


def score(actor: Actor, entity: Entity, wanted: set, known: dict) -> Scored | None:
    """The candidate's score and evidence, or None for an entity that is only a Wikimedia internal page.
    ``wanted``: the classes of the actor's type; ``known``: our actor URI -> its QID, for country and
    membership."""
    if entity.types and entity.classes == {WIKIMEDIA_INTERNAL}:
        return None
    evidence = []
    theirs = entity.labels | entity.aliases
    name, ours, match = 0.0, None, None
    for mine, factor in [(actor.name, 1.0)] + [(a, ALIAS_FACTOR) for a in actor.aliases]:
        for other in theirs:
            value = factor * similarity(mine, other)
            if value > name:
                name, ours, match = value, mine, other
    evidence.append(f'name: "{ours}" ~ "{match}" ({name:.0f})' if ours else "name: no similar label")
    compared = []
    countries = {known[a] for a in actor.country_actors if a in known}
    if countries and entity.countries:
        hit = countries & entity.countries
        compared.append(100 if hit else 0)
        evidence.append(f"country: {'matches ' + ', '.join(sorted(hit)) if hit else 'differs'} (P17/P27)")
    years = actor.years
    groups = {known[a] for a in actor.member_actors if a in known}
    for qid, start, end in entity.memberships:
        if qid in groups:
            inside = years is None or ((start is None or start <= years[0]) and (end is None or years[1] <= end))
            compared.append(100 if inside else 0)
            evidence.append(f"membership: member of {qid} (P463{_span(start, end)})"
                            + ("" if inside else f", not in {years[0]}-{years[1]}"))
    if years and (entity.start is not None or entity.end is not None):
        inside = (entity.start is None or entity.start <= years[0]) and (entity.end is None or years[1] <= entity.end)
        compared.append(100 if inside else 0)
        evidence.append(f"date: articles of {_years(years)} {'within' if inside else 'outside'} "
                        f"{_span(entity.start, entity.end).strip(', ') or 'its dates'}")
    value = (NAME_WEIGHT * name + PROPERTY_WEIGHT * sum(compared)) / (NAME_WEIGHT + PROPERTY_WEIGHT * len(compared))
    type_ok = True
    if wanted:
        if entity.classes & wanted:
            evidence.append(f"type: {', '.join(sorted(entity.classes & wanted))} (P31/P279*)")
        else:
            type_ok = False
            value /= 2
            evidence.append("type: " + (f"P31 {', '.join(sorted(entity.types))} is not one of "
                                        f"{', '.join(sorted(wanted))}" if entity.types else "none stated")
                            + " (score halved)")
    return Scored(entity.qid, round(value, 1), len(compared), type_ok, evidence)


def decide(scored: list[Scored], decisions: dict) -> list[Scored]:
    """Statuses, best first: a person's decision (QID -> accepted/rejected) stands; otherwise the best
    candidate not rejected is automatic when it clearly leads, and the other plausible candidates are
    left for review. Candidates below PLAUSIBLE are dropped unless a person decided them."""
    ranked = sorted(scored, key=lambda s: (-s.score, int(s.qid[1:]) if s.qid[1:].isdigit() else 0))
    open_ = [s for s in ranked if s.qid not in decisions]
    if open_ and not any(v == "accepted" for v in decisions.values()):
        best = open_[0]
        second = open_[1].score if len(open_) > 1 else 0.0
        threshold = VALIDATION_THRESHOLD - DISCOUNT_PER_PROPERTY * best.properties
        if best.type_ok and best.score > threshold and best.score > second + MATCH_GAP:
            best.status = "automatic"
    kept, review = [], 0
    for s in ranked:
        if s.qid in decisions:
            s.status = decisions[s.qid]
        elif s.status != "automatic":
            if s.score < PLAUSIBLE or review == MAX_REVIEW:
                continue
            review += 1
        kept.append(s)
    return kept


def _span(start, end) -> str:
    if start is None and end is None:
        return ""
    return f", {start if start is not None else '?'}-{end if end is not None else ''}"


def _years(years) -> str:
    return str(years[0]) if years[0] == years[1] else f"{years[0]}-{years[1]}"
