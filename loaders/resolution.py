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
alias already names two actors or more: a surname, "the regime"). Two actors whose Wikidata ids differ are
never matched. Two records of one article never become one node.

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
_ALSO = {frozenset({str(GK.State), str(GK.Place)})}


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
    actor = str(GK.Actor)
    return (a == b or actor in (a, b) or a in _supers(b) or b in _supers(a)
            or same_name and frozenset({a, b}) in _ALSO)


def specific(classes) -> set:
    """The classes a record is compared with: an actor typed both Organization and ArmedGroup (in two
    articles) is an armed group, and a state also named as a place is a state; otherwise each such pair
    would let a party or a capital join it."""
    return {c for c in classes if not any(c != d and (c in _supers(d) or (c, d) == (str(GK.Place), str(GK.State)))
                                          for d in classes)}


def class_of(actor: Actor) -> str:
    return str(ACTOR_CLASS.get(actor.type) or getattr(GK, actor.type))


@dataclass(eq=False)
class Known:
    """An actor the resolution knows: its URI (None until a new node's suffix is settled), its first name,
    its classes, every name key it was given, and its Wikidata id."""

    uri: str | None
    label: str
    classes: set = field(default_factory=set)
    keys: set = field(default_factory=set)
    qid: str | None = None

    @property
    def primary(self) -> str:
        return self.label.lower()


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
        self.queries = 0

    # --- what the store holds -------------------------------------------------------------------------

    def _remember(self, known: Known) -> None:
        if known.uri:
            self.by_uri[known.uri] = known
        for key in known.keys:
            self.by_key.setdefault(key, set()).add(known)
        if known.qid:
            self.by_qid.setdefault(known.qid, known)

    def _fetch(self, docs: list[ClaimsDoc]) -> None:
        """One query for every key, Wikidata id and minted URI of these files that the load has not asked for."""
        keys, qids, uris = set(), set(), set()
        for doc in docs:
            for actor in doc.actors.values():
                keys.update(k for k in _keys(actor) if k not in self.asked_keys)
                qid = self._qid(actor)
                if qid and qid not in self.asked_qids:
                    qids.add(qid)
                uri = str(self.ids.actor(actor.name))
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
  GRAPH <{self.graph}> {{ ?a ?p ?o FILTER(?p IN (<{_RDF_TYPE}>, <{_PREF}>, <{_KEY}>, <{_SAME_AS}>)) }}
}}""").texts()
        fetched: dict[str, Known] = {}
        for row in rows:
            uri = row["a"]
            if uri in self.by_uri:
                continue
            known = fetched.setdefault(uri, Known(uri, ""))
            p, o = row["p"], row["o"]
            if p == _RDF_TYPE:
                known.classes.add(o)
            elif p == _PREF:
                known.label = known.label or o
            elif p == _KEY:
                known.keys.add(o)
            elif o.startswith(str(WD)):
                known.qid = o[len(str(WD)):]
        for known in fetched.values():
            self._remember(known)

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

        owner = self.by_uri.get(str(self.ids.actor(actor.name)))
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

    def _decide(self, actor: Actor, used: set) -> _Step:
        qid, cls, name_key = self._qid(actor), class_of(actor), actor.name.lower()
        same = self.by_qid.get(qid) if qid else None
        if same is not None:
            if same not in used:
                return self._reuse(actor, same, qid, cls)
            qid = None
        # The article told its own records apart ("Damascus" the city beside Syria, whose alias it is there).
        matches = {k: v for k, v in self._matches(actor, name_key).items()
                   if k not in used and not (qid and k.qid and k.qid != qid)}
        strong = {k: v for k, v in matches.items()
                  if v[0] < ALIAS and any(compatible(cls, c, v[0] == NAME) for c in specific(k.classes))}
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
        known = Known(None, actor.name, {cls}, _keys(actor), qid)
        uri = str(self.ids.actor(actor.name))
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
        self._remember(known)
        return step

    def _settle(self, steps: list[_Step]) -> None:
        """URIs with a suffix for the new nodes whose own URI another actor has: one query for ten suffixes
        of each, and again for any whose ten were all taken."""
        waiting = [s.known for s in steps if s.known.uri is None]
        start = 2
        while waiting:
            tried = {k: [f"{self.ids.actor(k.label)}-{n}" for n in range(start, start + SUFFIXES_ASKED)]
                     for k in waiting}
            taken = self._taken(sorted({u for uris in tried.values() for u in uris}))
            for known, uris in tried.items():
                known.uri = next((u for u in uris if u not in taken and u not in self.by_uri), None)
                if known.uri:
                    self.by_uri[known.uri] = known
            waiting = [k for k in waiting if k.uri is None]
            start += SUFFIXES_ASKED

    def resolve(self, docs: list[ClaimsDoc]) -> list[str]:
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
    return "Other" if cls == str(GK.Actor) else cls.rsplit("#", 1)[-1]
