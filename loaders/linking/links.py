"""`geokg link`: our actors and places reconciled with Wikidata (and DBpedia), written into the links graph.

Actors are read through the Store interface over every graph. Those with a Wikidata id stated outside the
links graph (a claims file's `wikidata:`, or ids found offline at load) count as given: they are not
searched, only their external ids are fetched. The others are searched by name, scored, and linked when one
candidate clearly leads (scoring.py). States go first, then alliances, organisations and places, people
last, so that the country and memberships of the later ones can be compared with the ids just found.

Each batch is written in one update as soon as it is scored: an interrupted run keeps what it wrote, and
the answer cache keeps what it asked. A person's decision, kept in the decisions graph, is never overridden.
"""

import getpass
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from geokg import __version__
from geokg.loaders.ids import Ids, slug
from geokg.loaders.linking import candidates
from geokg.loaders.linking.candidates import WD, dbpedia_from_sitelink, qid_of
from geokg.loaders.linking.endpoint import SparqlClient
from geokg.loaders.linking.scoring import Actor, Scored, decide, score, targets
from geokg.ontology import GK, ONTOLOGY_PATH

GKNS = str(GK._NS)
OWL_SAME = "http://www.w3.org/2002/07/owl#sameAs"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
CREATOR = "http://purl.org/dc/terms/creator"
GEONAMES_ID = "http://www.wikidata.org/prop/direct/P1566"
SCHEMA_DESCRIPTION = "https://schema.org/description"
# The order kinds are linked in: an actor's country and memberships name actors of the kinds before it.
ORDER = ("State", "Alliance", "Organization", "PoliticalParty", "ArmedGroup", "Media", "Place", "Person", "Actor")
STATUSES = ("automatic", "review", "accepted", "rejected")
PAGE = 20_000

_PREFIXES = f"""PREFIX gk: <{GKNS}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX schema: <https://schema.org/>
"""


@dataclass
class Summary:
    actors: int = 0
    given: int = 0
    automatic: int = 0
    accepted: int = 0
    review: int = 0  # actors with candidates for review and no match
    rejected: int = 0
    unmatched: int = 0  # actors with no plausible candidate
    written: int = 0  # actors whose links are in the store
    links: list = field(default_factory=list)


def close_matches() -> dict[str, set]:
    """Our type (local name) -> the Wikidata classes the ontology gives it as skos:closeMatch."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import SKOS

    graph = Graph().parse(ONTOLOGY_PATH, format="turtle")
    found: dict[str, set] = {}
    for cls, match in graph.subject_objects(SKOS.closeMatch):
        if isinstance(match, URIRef) and str(cls).startswith(GKNS) and qid_of(str(match)):
            found.setdefault(str(cls)[len(GKNS):], set()).add(qid_of(str(match)))
    return found


def _paged(store, query: str) -> list[dict]:
    """All rows of a local query that ends in ORDER BY, in pages under the store's row limit."""
    rows, offset = [], 0
    while True:
        page = store.query(f"{query}\nLIMIT {PAGE} OFFSET {offset}", union=True).rows()
        rows += page
        if len(page) < PAGE:
            return rows
        offset += PAGE


def read_actors(store, ids: Ids) -> list[Actor]:
    """Our typed actors with their names, given Wikidata ids, article years, and the actors that give their
    country and memberships."""
    kinds = " ".join(f"gk:{k}" for k in ORDER)
    actors: dict[str, Actor] = {}
    for row in _paged(store, _PREFIXES + f"""SELECT ?actor ?type ?name
        (GROUP_CONCAT(DISTINCT ?alt; separator="\\t") AS ?aliases) WHERE {{
          VALUES ?type {{ {kinds} }}
          ?actor a ?type ; skos:prefLabel ?name .
          OPTIONAL {{ ?actor skos:altLabel ?alt }}
        }} GROUP BY ?actor ?type ?name ORDER BY ?actor ?type ?name"""):
        uri, kind = str(row["actor"]), str(row["type"])[len(GKNS):]
        known = actors.get(uri)
        if known is None or ORDER.index(kind) < ORDER.index(known.kind):
            aliases = [a for a in str(row.get("aliases", "")).split("\t") if a and a != str(row["name"])]
            actors[uri] = Actor(uri, kind, str(row["name"]), sorted(set(aliases)))
    skip = f"<{ids.dataset_graph('links')}>, <{ids.dataset_graph('decisions')}>"
    for row in _paged(store, _PREFIXES + f"""SELECT DISTINCT ?actor ?same WHERE {{
          GRAPH ?g {{ ?actor owl:sameAs ?same }}
          FILTER(?g NOT IN ({skip}) && STRSTARTS(STR(?same), "{WD}"))
        }} ORDER BY ?actor ?same"""):
        actor, qid = actors.get(str(row["actor"])), qid_of(str(row["same"]))
        if actor and qid:
            actor.given.add(qid)
    for row in _paged(store, _PREFIXES + """SELECT ?actor (MIN(YEAR(?d)) AS ?first) (MAX(YEAR(?d)) AS ?last) WHERE {
          GRAPH ?g { ?article schema:datePublished ?d . { ?actor skos:prefLabel ?n } UNION { ?s ?p ?actor } }
          FILTER(isIRI(?actor))
        } GROUP BY ?actor ORDER BY ?actor"""):
        actor = actors.get(str(row["actor"]))
        if actor and row.get("first") is not None:
            actor.years = (int(row["first"]), int(row["last"]))
    for row in _paged(store, _PREFIXES + """SELECT DISTINCT ?actor ?p ?other WHERE {
          VALUES ?p { gk:memberOf gk:leaderOf gk:headquarteredIn }
          ?actor ?p ?other .
        } ORDER BY ?actor ?p ?other"""):
        actor, other = actors.get(str(row["actor"])), actors.get(str(row["other"]))
        if actor is None or other is None:
            continue
        if other.kind == "State":
            actor.country_actors.add(other.uri)
        if str(row["p"]) == f"{GKNS}memberOf":
            actor.member_actors.add(other.uri)
    return sorted(actors.values(), key=lambda a: (ORDER.index(a.kind), a.uri))


def read_matches(store, ids: Ids) -> dict[str, str]:
    """Actor -> a Wikidata id stated anywhere, links graph included (for countries and memberships)."""
    known = {}
    for row in _paged(store, _PREFIXES + f"""SELECT DISTINCT ?actor ?same WHERE {{
          GRAPH ?g {{ ?actor owl:sameAs ?same }} FILTER(STRSTARTS(STR(?same), "{WD}"))
        }} ORDER BY ?actor ?same"""):
        qid = qid_of(str(row["same"]))
        if qid:
            known.setdefault(str(row["actor"]), qid)
    return known


def read_decisions(store, ids: Ids) -> dict[str, dict[str, str]]:
    """Actor -> {QID: "accepted" | "rejected"}, as people decided them."""
    decided: dict[str, dict[str, str]] = {}
    for row in store.query(_PREFIXES + f"""SELECT ?actor ?to ?status WHERE {{
          GRAPH <{ids.dataset_graph('decisions')}> {{
            ?link gk:linkFrom ?actor ; gk:linkTo ?to ; gk:linkStatus ?status }}
        }}""", union=True).rows():
        qid = qid_of(str(row["to"]))
        if qid and str(row["status"]) in ("accepted", "rejected"):
            decided.setdefault(str(row["actor"]), {})[qid] = str(row["status"])
    return decided


def link_iri(ids: Ids, actor: str, qid: str) -> str:
    """The one node for a proposed link, shared by the links graph and a person's decision."""
    local = ids.local_path(actor)
    tail = local.rsplit("/", 1)[-1] if local else slug(actor)
    return f"{ids.base}/id/link/{tail}/{qid}"


def _lit(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def record_decision(store, ids: Ids, actor: str, qid: str, status: str, who: str | None = None) -> None:
    """A person's accept or reject, replacing their earlier decision on the same candidate."""
    node = f"<{link_iri(ids, actor, qid)}>"
    graph = ids.dataset_graph("decisions")
    who = who or _user()
    store.update(f"""DELETE {{ GRAPH <{graph}> {{ {node} ?p ?o }} }} WHERE {{ GRAPH <{graph}> {{ {node} ?p ?o }} }} ;
INSERT DATA {{ GRAPH <{graph}> {{
  {node} a <{GK.Link}> ; <{GK.linkFrom}> <{actor}> ; <{GK.linkTo}> <{WD}{qid}> ;
    <{GK.linkStatus}> {_lit(status)} ; <{PROV}generatedAtTime> "{_now()}"^^<{XSD}dateTime> ;
    <{CREATOR}> {_lit(who)} .
}} }}""")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class Linker:
    """One run of `geokg link` over a store."""

    def __init__(self, store, ids: Ids, wikidata: SparqlClient, dbpedia: SparqlClient | None = None,
                 batch: int = 40):
        self.store, self.ids, self.wikidata, self.dbpedia, self.batch = store, ids, wikidata, dbpedia, batch
        self.matches = close_matches()
        self.classes = set().union(*(targets(k, self.matches) for k in ORDER))

    def run(self, only: set | None = None, progress=None, on_written=None, started=None) -> Summary:
        """Link every actor (or those in ``only``), batch by batch, each batch written when scored."""
        actors = read_actors(self.store, self.ids)
        if only is not None:
            actors = [a for a in actors if a.uri in only]
        if started:
            started(len(actors))
        decisions = read_decisions(self.store, self.ids)
        known = read_matches(self.store, self.ids)
        for actor in actors:
            if actor.given:
                known[actor.uri] = sorted(actor.given)[0]
            for qid, status in decisions.get(actor.uri, {}).items():
                if status == "accepted":
                    known[actor.uri] = qid
        summary = Summary(actors=len(actors))
        for kind in ORDER:
            group = [a for a in actors if a.kind == kind]
            for start in range(0, len(group), self.batch):
                chunk = group[start:start + self.batch]
                outcome = self._link(chunk, decisions, known, summary)
                self.store.update(outcome)
                summary.written += len(chunk)
                if on_written:
                    on_written(summary.written)
                if progress:
                    progress(len(chunk))
        return summary

    def _link(self, chunk: list[Actor], decisions: dict, known: dict, summary: Summary) -> str:
        """Search, fetch and score one batch; the update that replaces its actors' links."""
        names = {a.uri: ([a.name] + [n for n in a.aliases if _name_like(n)]) for a in chunk if not a.given}
        found = candidates.search(self.wikidata, sorted({n for ns in names.values() for n in ns}))
        proposed = {}
        for actor in chunk:
            qids = set(actor.given)
            if not actor.given:
                qids |= {q for n in names[actor.uri] for q in found.get(n, ())}
                qids |= set(decisions.get(actor.uri, {}))
            proposed[actor.uri] = qids
        entities = candidates.fetch(self.wikidata, sorted(set().union(*proposed.values())), self.classes)
        scored, matched = {}, {}
        for actor in chunk:
            if actor.given:
                summary.given += 1
                matched[actor.uri] = sorted(actor.given)
                continue
            wanted = targets(actor.kind, self.matches)
            results = [s for q in proposed[actor.uri] if (s := score(actor, entities[q], wanted, known))]
            kept = decide(results, decisions.get(actor.uri, {}))
            scored[actor.uri] = kept
            matched[actor.uri] = [s.qid for s in kept if s.status in ("automatic", "accepted")]
            # A match of an earlier run that a person has since rejected must not stand for the actor's country.
            if matched[actor.uri]:
                known[actor.uri] = matched[actor.uri][0]
            else:
                known.pop(actor.uri, None)
            self._count(kept, summary)
        all_matched = sorted({q for qs in matched.values() for q in qs})
        resources = candidates.dbpedia_resources(self.dbpedia, all_matched) if self.dbpedia else {}
        return self._update(chunk, scored, matched, entities, resources)

    def _count(self, kept: list[Scored], summary: Summary) -> None:
        statuses = {s.status for s in kept}
        summary.rejected += sum(s.status == "rejected" for s in kept)
        if "accepted" in statuses:
            summary.accepted += 1
        elif "automatic" in statuses:
            summary.automatic += 1
        elif "review" in statuses:
            summary.review += 1
        else:
            summary.unmatched += 1

    def _update(self, chunk, scored, matched, entities, resources) -> str:
        graph = self.ids.dataset_graph("links")
        values = " ".join(f"<{a.uri}>" for a in chunk)
        now, lines = _now(), []
        for actor in chunk:
            for s in scored.get(actor.uri, []):
                entity = entities[s.qid]
                node = f"<{link_iri(self.ids, actor.uri, s.qid)}>"
                label = entity.label + (f": {entity.description}" if entity.description else "")
                lines += [f"{node} a <{GK.Link}>", f"{node} <{GK.linkFrom}> <{actor.uri}>",
                          f"{node} <{GK.linkTo}> <{WD}{s.qid}>", f"{node} <{RDFS_LABEL}> {_lit(label)}",
                          f'{node} <{GK.linkScore}> "{s.score:.1f}"^^<{XSD}decimal>',
                          f"{node} <{GK.linkStatus}> {_lit(s.status)}",
                          f'{node} <{PROV}generatedAtTime> "{now}"^^<{XSD}dateTime>',
                          f"{node} <{PROV}wasAssociatedWith> <{self.wikidata.endpoint}>",
                          f"{node} <{CREATOR}> {_lit('geokg ' + __version__)}"]
                lines += [f"{node} <{GK.evidence}> {_lit(e)}" for e in s.evidence]
            for qid in matched.get(actor.uri, []):
                entity = entities.get(qid)
                if qid not in actor.given:
                    lines.append(f"<{actor.uri}> <{OWL_SAME}> <{WD}{qid}>")
                # What Wikidata calls the entity, for the actor's page to show as external.
                if entity is not None and entity.label:
                    lines.append(f"<{WD}{qid}> <{RDFS_LABEL}> {_lit(entity.label)}")
                if entity is not None and entity.description:
                    lines.append(f"<{WD}{qid}> <{SCHEMA_DESCRIPTION}> {_lit(entity.description)}")
                dbpedia = set(resources.get(qid, ()))
                if not dbpedia and entity is not None and entity.enwiki:
                    dbpedia.add(dbpedia_from_sitelink(entity.enwiki))
                lines += [f"<{actor.uri}> <{OWL_SAME}> <{r}>" for r in sorted(dbpedia) if _iri_safe(r)]
                if entity is not None and actor.kind == "Place":
                    lines += [f"<{actor.uri}> <{GEONAMES_ID}> {_lit(g)}" for g in sorted(entity.geonames)]
        deletes = (f"DELETE {{ GRAPH <{graph}> {{ ?link ?p ?o }} }} WHERE {{ GRAPH <{graph}> "
                   f"{{ VALUES ?actor {{ {values} }} ?link <{GK.linkFrom}> ?actor ; ?p ?o }} }} ;\n"
                   f"DELETE {{ GRAPH <{graph}> {{ ?actor ?p ?o }} }} WHERE {{ GRAPH <{graph}> "
                   f"{{ VALUES ?actor {{ {values} }} ?actor ?p ?o }} }}")
        if not lines:
            return deletes
        body = " .\n".join(lines)
        return f"{deletes} ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{body} .\n}} }}"


def review_list(store, ids: Ids) -> list[dict]:
    """The candidates waiting for a person, with the actor's current match if it has one."""
    graph = ids.dataset_graph("links")
    rows = store.query(_PREFIXES + f"""SELECT ?actor ?name ?to ?label ?score
        (GROUP_CONCAT(DISTINCT ?evidence; separator="\\n") AS ?why) (SAMPLE(?matched) AS ?match) WHERE {{
          GRAPH <{graph}> {{ ?link gk:linkFrom ?actor ; gk:linkTo ?to ; gk:linkStatus "review" ;
                                 gk:linkScore ?score ; <{RDFS_LABEL}> ?label .
                           OPTIONAL {{ ?link gk:evidence ?evidence }}
                           OPTIONAL {{ ?actor owl:sameAs ?matched FILTER(STRSTARTS(STR(?matched), "{WD}")) }} }}
          OPTIONAL {{ ?actor skos:prefLabel ?name }}
        }} GROUP BY ?actor ?name ?to ?label ?score ORDER BY ?actor DESC(?score) ?to""", union=True).rows()
    listed = []
    for row in rows:
        item = {k: str(v) for k, v in row.items()}
        item["why"] = "; ".join(sorted(item.get("why", "").splitlines(), key=_evidence_order))
        listed.append(item)
    return listed


def _evidence_order(text: str) -> tuple:
    kinds = ("name", "type", "country", "membership", "date")
    head = text.split(":", 1)[0]
    return (kinds.index(head) if head in kinds else len(kinds), text)


def _name_like(alias: str) -> bool:
    """An alias worth searching by: a proper name ("Hezbollah"), not a description ("the movement")."""
    words = alias.split()
    return bool(words) and len(words) <= 4 and alias[:1].isupper() and words[0].lower() != "the"


def _iri_safe(iri: str) -> bool:
    return not any(c in iri for c in '<>"{}|^`\\ ') and all(ord(c) > 0x20 for c in iri)
