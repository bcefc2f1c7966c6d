"""The claims file as checked records: every name resolved, every date typed, every line known."""

import reprlib
from dataclasses import dataclass, field

from rdflib import Literal

ACTOR_TYPES = ("State", "Organization", "ArmedGroup", "PoliticalParty", "Person", "Media", "Alliance", "Place", "Other")
EVENT_TYPES = (
    "Meeting", "Mediation", "Agreement", "Statement", "Election", "Inauguration", "Relocation", "Sanction",
    "MilitaryAction", "DiplomaticRupture", "DiplomaticRestoration", "DiplomaticRecall",
    "MembershipApplication", "Accession", "Withdrawal", "Protest", "Other",
)
PREDICATES = (
    "memberOf", "joinedAlliance", "leftAlliance", "alliedWith", "hostileTo", "reconciledWith",
    "mediatesBetween", "supports", "leaderOf", "headquarteredIn",
)
SYMMETRIC = frozenset({"alliedWith", "hostileTo", "reconciledWith"})
ANONYMOUS = frozenset({"unnamed source", "a source", "source", "unnamed", "anonymous source", "anonymous"})
QUOTE_LIMIT = 80


class _Brief(reprlib.Repr):
    """reprlib, but never the full repr of anything: the loaders' dict and list subclasses and bytes would
    otherwise fall through to builtins.repr, and an aliased YAML value can stand for billions of items."""

    def __init__(self):
        super().__init__()
        self.maxlevel, self.maxdict, self.maxlist, self.maxtuple, self.maxset = 2, 3, 4, 4, 4
        self.maxstring = self.maxother = self.maxlong = QUOTE_LIMIT

    def repr1(self, x, level):
        if isinstance(x, dict) and type(x) is not dict:
            return self.repr_dict(x, level)
        if isinstance(x, list) and type(x) is not list:
            return self.repr_list(x, level)
        if isinstance(x, (bytes, bytearray)):
            return repr(bytes(x[:self.maxstring])) + ("..." if len(x) > self.maxstring else "")
        if isinstance(x, int) and not isinstance(x, bool) and x.bit_length() > 1000:
            return f"<a {x.bit_length()}-bit number>"  # repr() itself refuses ints past 4300 digits
        return super().repr1(x, level)


_BRIEF = _Brief()


def shown(value, limit: int = QUOTE_LIMIT) -> str:
    """A value as a message quotes it: its repr, cut to about ``limit`` characters with an ellipsis."""
    text = _BRIEF.repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


@dataclass
class Actor:
    """A declared actor, or a place named only as a location (``implicit``)."""

    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    wikidata: str | None = None
    dbpedia: str | None = None
    description: str | None = None
    implicit: bool = False
    # The node the actor was resolved to when loaded (loaders/resolution.py); None: the URI its name mints.
    uri: str | None = None


@dataclass
class Provenance:
    """Where a fact comes from inside its article, and how sure the extractor was."""

    sentences: list[str]
    confidence: float | None = None


@dataclass
class Relation:
    """One stated relation; ``objects`` holds the parties of a mediation, or several objects stated at once."""

    subject: str
    predicate: str
    objects: list[str]
    prov: Provenance
    role: str | None = None
    time: str | None = None
    date: Literal | None = None
    start: Literal | None = None
    end: Literal | None = None
    status: str | None = None


@dataclass
class Event:
    """One dated event with its participants."""

    type: str
    participants: list[str]
    prov: Provenance
    time: str | None = None
    date: Literal | None = None
    place: str | None = None


@dataclass
class Claim:
    """One attributed statement; with no claimant at all, the article itself asserts it."""

    content: str
    direct_quote: bool
    prov: Provenance
    claimants: list[str] = field(default_factory=list)
    claimant_descriptions: list[str] = field(default_factory=list)
    channel: str | None = None
    channel_name: str | None = None
    hedge: str | None = None
    about: list[str] = field(default_factory=list)


@dataclass
class ClaimsDoc:
    """One article's claims file after checking."""

    article: str
    actors: dict[str, Actor]
    relations: list[Relation]
    events: list[Event]
    claims: list[Claim]
    title: str | None = None
    source: str | None = None
    published: Literal | None = None
    publisher: str | None = None
    body: str | None = None
    text_file: str | None = None
