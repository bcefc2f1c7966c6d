"""One node per real-world actor: the URI each actor record of a load stands for.

A record is matched against the actors the store's actors graph holds (``Ids.dataset_graph("actors")``,
the resolution's memory) and those that earlier files of the same load resolved:

- by Wikidata id, where the record has one or ``qid_of`` knows one: the actor with that id, whatever its
  name or type;
- otherwise by name keys (names and aliases in lower case, as ``gk:nameKey`` writes them) with a type
  that agrees. The record's name being an actor's name (or a name of the same slug, which was one node
  before there was any resolution) ranks first; its name being another's alias, or its alias another's
  name, second. One such actor at the best rank is a strong match and its URI is reused.

Anything weaker mints a new node and links the two by ``gk:candidateSameAs`` with a ``gk:Link`` for review:
types that disagree, several actors at the best rank, or a shared alias alone (not flagged when that
alias already names two actors or more: a surname, "the regime"). A record whose Wikidata id joins it to one
actor while its name would have joined another, which has no id, links those two the same way. Two actors
whose Wikidata ids differ are never matched. Two records of one article never become one node.

A new node gets the URI minted from its name when no other actor has it, else that URI with "-2", "-3"...
The store is asked once per chunk of files for every key, id and URI not asked before in the load, and once
more only when a new node needs a suffix.
"""

import functools
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import RDFS

from geokg.loaders.ids import Ids, slug
from geokg.loaders.mapping import ACTOR_CLASS, WD, actor_memory_ntriples, candidate_ntriples, text_literal
from geokg.loaders.model import Actor, ClaimsDoc
from geokg.ontology import GK, ontology_graph

NAME, NAME_ALIAS, ALIAS = 1, 2, 3
SUFFIXES_ASKED = 10
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
_KEY = str(GK.nameKey)
_CANDIDATE = str(GK.candidateSameAs)
_STATE, _PLACE, _ACTOR = str(GK.State), str(GK.Place), str(GK.Actor)


@functools.lru_cache(maxsize=None)
def _supers(cls: str) -> frozenset:
    """The class and its superclasses in the ontology."""
    graph, found, todo = ontology_graph(), {cls}, [URIRef(cls)]
    while todo:
        for parent in graph.objects(todo.pop(), RDFS.subClassOf):
            if str(parent) not in found:
                found.add(str(parent))
                todo.append(parent)
    return frozenset(found)


def compatible(a: str, b: str, same_name: bool = False) -> bool:
    """Whether two actor classes can be one actor: the same, one a kind of the other (an armed group is an
    organisation), one of them unknown (gk:Actor, type Other), or, under the same name, a state and a place
    (an article that names a country only as where something happened declares a Place; the alias of a state
    may be its capital, which is a place of its own)."""
    return (a == b or _ACTOR in (a, b) or a in _supers(b) or b in _supers(a)
            or same_name and {a, b} == {_STATE, _PLACE})


@functools.lru_cache(maxsize=1024)
def specific(classes: frozenset) -> frozenset:
    """The classes a record is compared with: an actor typed both Organization and ArmedGroup (in two
    articles) is an armed group, and a state also named as a place is a state; otherwise each such pair
    would let a party or a capital join it."""
    return frozenset(c for c in classes if not any(
        c != d and (c in _supers(d) or (c, d) == (_PLACE, _STATE)) for d in classes))


@functools.lru_cache(maxsize=None)
def class_of(kind: str) -> str:
    """The class IRI of an actor type of the claims file."""
    return str(ACTOR_CLASS.get(kind) or getattr(GK, kind))


class Known:
    """An actor the resolution knows: its URI (None until a new node's suffix is settled), its first name
    and that name's key, its classes, every name key it was given, and its Wikidata id."""

    __slots__ = ("uri", "label", "primary", "classes", "keys", "qid", "linked")

    def __init__(self, uri: str | None, label: str, classes=(), keys=(), qid: str | None = None, linked=()):
        self.uri, self.label, self.primary = uri, label, label.lower()
        self.classes, self.keys, self.qid = set(classes), set(keys), qid
        # The actors this one has a candidate link to (as URIs when read from the store), written once.
        self.linked = set(linked)


@dataclass
class _Step:
    """What one record did to the memory, written once every URI is settled."""

    actor: Actor
    known: Known
    new: bool
    keys: list = field(default_factory=list)
    classes: list = field(default_factory=list)
    qid: str | None = None
    candidates: list = field(default_factory=list)


class Resolver:
    """Resolves the actors of a load's files, chunk by chunk, and keeps what it resolved for later chunks."""

    def __init__(self, store, ids: Ids, qid_of=None):
        self.store, self.ids, self.qid_of = store, ids, qid_of
        self.graph = str(ids.dataset_graph("actors"))
        self.by_uri: dict[str, Known] = {}
        self.by_key: dict[str, set] = {}
        self.by_qid: dict[str, Known] = {}
        self.asked_keys, self.asked_qids, self.asked_uris = set(), set(), set()
        self.minted: dict[str, str] = {}
        self.queries = 0

    # --- what the store holds -------------------------------------------------------------------------

    def _remember(self, known: Known, keys=None) -> None:
        """Index an actor by its URI, its Wikidata id and its keys (or only the new ``keys``)."""
        if known.uri:
            self.by_uri[known.uri] = known
        for key in known.keys if keys is None else keys:
            self.by_key.setdefault(key, set()).add(known)
        if known.qid:
            self.by_qid.setdefault(known.qid, known)

    def _minted(self, name: str) -> str:
        uri = self.minted.get(name)
        if uri is None:
            uri = self.minted[name] = str(self.ids.actor(name))
        return uri

    def _fetch(self, docs: list[ClaimsDoc]) -> None:
        """One query for every key, Wikidata id and minted URI of these files that the load has not asked for."""
        keys, qids, uris = set(), set(), set()
        for doc in docs:
            for actor in doc.actors.values():
                keys.update(k for k in _keys(actor) if k not in self.asked_keys)
                qid = self._qid(actor)
                if qid and qid not in self.asked_qids:
                    qids.add(qid)
                uri = self._minted(actor.name)
                if uri not in self.asked_uris:
                    uris.add(uri)
        self.asked_keys |= keys
        self.asked_qids |= qids
        self.asked_uris |= uris
        branches = []
        if keys:
            branches.append(f"{{ VALUES ?k {{ {' '.join(map(text_literal, sorted(keys)))} }} ?a <{_KEY}> ?k }}")
        if qids:
            branches.append(f"{{ VALUES ?q {{ {' '.join(f'<{WD}{q}>' for q in sorted(qids))} }} ?a <{_SAME_AS}> ?q }}")
        if uris:
            branches.append(f"{{ VALUES ?a {{ {' '.join(f'<{u}>' for u in sorted(uris))} }} ?a <{_RDF_TYPE}> ?t }}")
        if branches:
            self._read(" UNION ".join(branches))

    def _read(self, found: str) -> None:
        """The actors of the actors graph that the pattern ``found`` binds to ?a, into the memory (an actor
        the load already knows keeps what the load knows, which includes what the store had)."""
        self.queries += 1
        rows = self.store.query(f"""SELECT ?a ?p ?o WHERE {{
  {{ SELECT DISTINCT ?a WHERE {{ GRAPH <{self.graph}> {{ {found} }} }} }}
  GRAPH <{self.graph}> {{ ?a ?p ?o FILTER(?p IN (<{_RDF_TYPE}>, <{_PREF}>, <{_KEY}>, <{_SAME_AS}>, <{_CANDIDATE}>)) }}
}}""").texts()
        fetched: dict[str, dict] = {}
        for row in rows:
            if row["a"] not in self.by_uri:
                fetched.setdefault(row["a"], {}).setdefault(row["p"], []).append(row["o"])
        wikidata = str(WD)
        for uri, values in fetched.items():
            qids = [o[len(wikidata):] for o in values.get(_SAME_AS, ()) if o.startswith(wikidata)]
            self._remember(Known(uri, min(values.get(_PREF, [""])), values.get(_RDF_TYPE, ()),
                                 values.get(_KEY, ()), min(qids, default=None), values.get(_CANDIDATE, ())))

    def _taken(self, uris: list[str]) -> set[str]:
        """Which of these URIs an actor of the actors graph has."""
        self.queries += 1
        rows = self.store.query(f"""SELECT DISTINCT ?a WHERE {{ GRAPH <{self.graph}> {{
  VALUES ?a {{ {' '.join(f'<{u}>' for u in uris)} }} ?a <{_RDF_TYPE}> ?t }} }}""").texts()
        return {row["a"] for row in rows}

    # --- deciding -------------------------------------------------------------------------------------

    def _qid(self, actor: Actor) -> str | None:
        return actor.wikidata or (self.qid_of(actor) if self.qid_of else None)

    def _matches(self, actor: Actor, name_key: str) -> dict:
        """Known actors sharing a key or the slug with the record -> (rank, the key that matched)."""
        found = {}

        def rank(known, level, key):
            if known not in found or found[known][0] > level:
                found[known] = (level, key)

        owner = self.by_uri.get(self._minted(actor.name))
        if owner is not None and slug(owner.label) == slug(actor.name):
            rank(owner, NAME, name_key)
        for known in self.by_key.get(name_key, ()):
            rank(known, NAME if known.primary == name_key else NAME_ALIAS, name_key)
        for key in _keys(actor) - {name_key}:
            for known in self.by_key.get(key, ()):
                if key == known.primary:
                    rank(known, NAME_ALIAS, key)
                elif len(self.by_key[key]) == 1:
                    rank(known, ALIAS, key)
        return found

    @staticmethod
    def _strong(known: Known, level: int, used: set, qid: str | None, cls: str) -> bool:
        """Whether a match at this rank is strong enough to reuse the actor's node."""
        return (level < ALIAS and known not in used and not (qid and known.qid and known.qid != qid)
                and any(compatible(cls, c, level == NAME) for c in specific(frozenset(known.classes))))

    def _decide(self, actor: Actor, used: set) -> _Step:
        qid, cls, name_key = self._qid(actor), class_of(actor.type), actor.name.lower()
        same = self.by_qid.get(qid) if qid else None
        if same is not None:
            if same not in used:
                step = self._reuse(actor, same, qid, cls)
                # An actor met by this name before anyone knew its id may be the same one: say so, once.
                for known, (level, key) in self._matches(actor, name_key).items():
                    if (known is not same and known not in used and known.qid is None
                            and not {known, known.uri} & same.linked and self._strong(known, level, used, qid, cls)):
                        same.linked.add(known)
                        step.candidates.append((known, f'"{key}" names both; only this one has Wikidata id {qid}'))
                return step
            qid = None
        # Most records name an actor known by that very name: one of them, and nothing else can rank as high.
        named = [k for k in self.by_key.get(name_key, ()) if k.primary == name_key]
        if len(named) == 1 and self._strong(named[0], NAME, used, qid, cls):
            owner = self.by_uri.get(self._minted(actor.name))
            if owner is None or owner is named[0] or slug(owner.label) != slug(actor.name):
                return self._reuse(actor, named[0], qid, cls)
        # The article told its own records apart ("Damascus" the city beside Syria, whose alias it is there).
        matches = {k: v for k, v in self._matches(actor, name_key).items()
                   if k not in used and not (qid and k.qid and k.qid != qid)}
        strong = {k: v for k, v in matches.items() if self._strong(k, v[0], used, qid, cls)}
        weak = []
        if strong:
            best = min(level for level, _ in strong.values())
            top = [k for k, (level, _) in strong.items() if level == best]
            if len(top) == 1:
                return self._reuse(actor, top[0], qid, cls)
            weak = [(k, f'"{strong[k][1]}" names several actors') for k in top]
        else:
            for known, (level, key) in matches.items():
                if level == ALIAS:
                    weak.append((known, f'both go by "{key}"'))
                else:
                    weak.append((known, f'"{key}" names both; typed {_local(cls)} here and '
                                        f'{", ".join(sorted(map(_local, known.classes)))} there'))
        known = Known(None, actor.name, {cls}, _keys(actor), qid, linked=[k for k, _ in weak])
        uri = self._minted(actor.name)
        if uri not in self.by_uri:
            known.uri = uri
        self._remember(known)
        return _Step(actor, known, True, sorted(known.keys), [cls], qid, weak)

    def _reuse(self, actor: Actor, known: Known, qid: str | None, cls: str) -> _Step:
        step = _Step(actor, known, False)
        step.keys = sorted(_keys(actor) - known.keys)
        if cls not in known.classes:
            step.classes = [cls]
            known.classes.add(cls)
        if qid and known.qid is None and qid not in self.by_qid:
            known.qid = step.qid = qid
        known.keys.update(step.keys)
        self._remember(known, step.keys)
        return step

    def _settle(self, steps: list[_Step]) -> None:
        """URIs with a suffix for the new nodes whose own URI another actor has: one query for ten suffixes
        of each, and again for any whose ten were all taken."""
        waiting = [s.known for s in steps if s.known.uri is None]
        start = 2
        while waiting:
            tried = {k: [f"{self._minted(k.label)}-{n}" for n in range(start, start + SUFFIXES_ASKED)]
                     for k in waiting}
            taken = self._taken(sorted({u for uris in tried.values() for u in uris}))
            for known, uris in tried.items():
                known.uri = next((u for u in uris if u not in taken and u not in self.by_uri), None)
                if known.uri:
                    self.by_uri[known.uri] = known
            waiting = [k for k in waiting if k.uri is None]
            start += SUFFIXES_ASKED

    def resolve(self, docs: list[ClaimsDoc]) -> list[list[str]]:
        """Set ``uri`` on every actor record of ``docs`` (in order, each seeing those before it), and give,
        for each doc, the N-Triples lines its records add to the actors graph."""
        self._fetch(docs)
        per_doc = []
        for doc in docs:
            used, steps = set(), []
            for actor in doc.actors.values():
                step = self._decide(actor, used)
                used.add(step.known)
                steps.append(step)
            per_doc.append(steps)
        self._settle([s for steps in per_doc for s in steps])
        out = []
        for steps in per_doc:
            lines = []
            for s in steps:
                s.actor.uri = s.known.uri
                lines += actor_memory_ntriples(s.known.uri, s.classes, s.known.label if s.new else None, s.keys,
                                               s.qid)
                for other, evidence in s.candidates:
                    lines += candidate_ntriples(self.ids, s.known.uri, other.uri, evidence)
            out.append(lines)
        return out


def _keys(actor: Actor) -> set:
    return {n.lower() for n in (actor.name, *actor.aliases)}


def _local(cls: str) -> str:
    return "Other" if cls == _ACTOR else cls.rsplit("#", 1)[-1]
