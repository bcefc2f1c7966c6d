"""What an entity page shows, as plain JSON-ready data: built here, formatted by the renderer."""

import functools
import re
import threading
from concurrent.futures import ThreadPoolExecutor

from rdflib import RDFS, Literal, URIRef

from geokg.loaders.model import PREDICATES
from geokg.ontology import GK, NS, ontology_graph
from geokg.queries import sparql_term

PREFIXES = """PREFIX gk: <https://w3id.org/geokg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX schema: <https://schema.org/>
"""
LINKS = "gk:subject|gk:object|gk:participant|gk:place|gk:claimant|gk:channel|gk:about"
# Store IRIs are validated by the engine, but they are pasted into VALUES, so check them once more.
_SAFE_IRI = re.compile(r"^[^\s<>\"{}|\\^`]+$")
_VARIABLE_U = re.compile(r"\?u\b")
_QUERIES = ThreadPoolExecutor(max_workers=8, thread_name_prefix="geokg-page")
HIDDEN = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://www.w3.org/2002/07/owl#sameAs", "https://schema.org/articleBody", str(GK.nameKey),
    # Direct relation triples are shown with their provenance under Relations instead.
    *(str(GK[p]) for p in PREDICATES),
}

# A direct relation triple is restated by every article that states the relation, so a hub has
# thousands; the page shows them under Relations, with their sources, and never reads them here.
# Comparing a predicate with a list of IRIs needs no decoding of the row, unlike taking its string.
_DIRECT = ", ".join(f"gk:{p}" for p in PREDICATES)
OVERVIEW = PREFIXES + f"""
SELECT DISTINCT ?p ?o WHERE {{ ?u ?p ?o FILTER(?p NOT IN ({_DIRECT})) }}"""

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def _shape(single: dict, multi: dict, required: tuple, typed: bool = False) -> tuple:
    """How (node, property, value) rows become items: ontology property name -> item field; a typed
    item also gets its label and its ontology classes."""
    single = {str(GK[k]): v for k, v in single.items()}
    if typed:
        single[_RDFS_LABEL] = "label"
    return single, {str(GK[k]): v for k, v in multi.items()}, required, typed


STATEMENT_SHAPE = _shape(
    {"relation": "relation", "subject": "subject", "timeText": "time", "date": "date", "start": "start",
     "end": "end", "role": "role", "status": "status", "statedIn": "article"},
    {"object": "object", "sentence": "sentence"},
    ("relation", "subject", "article", "object", "sentence"))
EVENT_SHAPE = _shape(
    {"place": "place", "timeText": "time", "date": "date", "statedIn": "article"},
    {"participant": "participant", "sentence": "sentence"},
    ("class", "label", "participant", "article", "sentence"), typed=True)
CLAIM_SHAPE = _shape(
    {"content": "content", "directQuote": "quote", "statedIn": "article", "channel": "channel",
     "channelName": "channelName", "hedge": "hedge"},
    {"claimant": "claimant", "claimantDescription": "who", "about": "about", "sentence": "sentence"},
    ("content", "quote", "article", "sentence"))
FACT_SHAPES = {"relation": STATEMENT_SHAPE, "event": EVENT_SHAPE, "claim": CLAIM_SHAPE}


def _wanted(shape: tuple) -> str:
    """A filter keeping only the properties a shape reads: the others (confidence, types) are never
    decoded, a fifth of the rows."""
    single, multi, _, typed = shape
    names = [*single, *multi, *([_RDF_TYPE] if typed else [])]
    return "FILTER(?p IN (" + ", ".join(f"<{n}>" for n in names) + "))"


# One scan of every property of the page's statements, grouped in Python: a join per property
# costs a store lookup per row and per property, which was most of a page's time at 1M triples.
# Two queries, so that two workers share the biggest part of a page. Statements and events are
# found by a property they all have, not by type: their types are subclasses (gk:Membership,
# gk:Meeting), and the store does no inference.
STATEMENTS = PREFIXES + f"""
SELECT ?st ?p ?o WHERE {{ ?st gk:subject ?u . ?st ?p ?o {_wanted(STATEMENT_SHAPE)} }}"""
OTHER_STATEMENTS = PREFIXES + f"""
SELECT ?st ?p ?o WHERE {{
  {{ ?st gk:object ?u }} UNION {{ ?st gk:statedIn ?u ; gk:relation ?any }}
  UNION {{ ?u gk:relation ?any BIND(?u AS ?st) }}
  ?st ?p ?o {_wanted(STATEMENT_SHAPE)}
}}"""
EVENTS = PREFIXES + f"""
SELECT ?ev ?p ?o WHERE {{
  {{ ?ev gk:participant ?u }} UNION {{ ?ev gk:place ?u }} UNION {{ ?ev gk:statedIn ?u ; gk:participant ?any }}
  UNION {{ ?u gk:participant ?any . BIND(?u AS ?ev) }}
  ?ev ?p ?o {_wanted(EVENT_SHAPE)}
}}"""
CLAIMS = PREFIXES + f"""
SELECT ?claim ?p ?o WHERE {{
  {{ ?claim gk:claimant ?u }} UNION {{ ?claim gk:about ?u }} UNION {{ ?claim gk:channel ?u }}
  UNION {{ ?claim gk:statedIn ?u ; a gk:Claim }} UNION {{ ?u a gk:Claim . BIND(?u AS ?claim) }}
  ?claim ?p ?o {_wanted(CLAIM_SHAPE)}
}}"""


# The patterns that tie an entity to the facts of each list. A list longer than LIST_PAGE is read a
# page at a time: the page's facts are picked by index order (LIMIT and OFFSET over one pattern each,
# which the engine answers from its index without reading the facts before them), and only they are
# read. Sorting a hub's thousands of facts first would read every one of them.
LISTS = {"relations": ("gk:subject", "gk:object"), "events": ("gk:participant", "gk:place"),
         "claims": ("gk:claimant", "gk:about", "gk:channel")}
LIST_PAGE = 25
COUNTS = PREFIXES + "SELECT ?k (COUNT(*) AS ?n) WHERE {\n  " + "\n  UNION ".join(
    f'{{ ?x {p} ?u BIND("{p}" AS ?k) }}' for patterns in LISTS.values() for p in patterns) + "\n} GROUP BY ?k"

# The ontology's own links are left out by the cheap comparison first; the string test then keeps
# out any other term of the ontology's namespace.
INCOMING = PREFIXES + f"""
SELECT DISTINCT ?s ?p WHERE {{
  ?s ?p ?u FILTER(?p NOT IN ({LINKS.replace("|", ", ")}, gk:statedIn, {_DIRECT}) && !STRSTARTS(STR(?p), STR(gk:)))
}}
ORDER BY ?p ?s LIMIT 2000"""

NETWORK = PREFIXES + """
SELECT DISTINCT ?s ?p ?o WHERE {
  { ?u ?p ?o BIND(?u AS ?s) } UNION { ?s ?p ?u BIND(?u AS ?o) }
  FILTER(?p IN (gk:memberOf, gk:joinedAlliance, gk:leftAlliance, gk:alliedWith, gk:hostileTo, gk:reconciledWith,
                gk:mediatesBetween, gk:supports, gk:leaderOf, gk:headquarteredIn))
} LIMIT 200"""

# The fellow members of the alliances ?u belongs to, asked for with the direct relations rather than
# after them: one round trip less for every actor page.
FELLOWS = PREFIXES + """
SELECT DISTINCT ?s ?p ?o WHERE {
  ?u gk:memberOf|gk:joinedAlliance ?o .
  ?s ?p ?o FILTER(?p IN (gk:memberOf, gk:joinedAlliance, gk:leftAlliance) && ?s != ?u)
} LIMIT 100"""

DESCRIPTION = PREFIXES + f"""
CONSTRUCT {{ ?u ?p ?o . ?fact ?fp ?fo . ?n rdfs:label ?nl }} WHERE {{
  {{ ?u ?p ?o FILTER(?p != schema:articleBody && ?p != gk:nameKey) }}
  UNION {{ ?fact {LINKS}|gk:statedIn ?u . ?fact ?fp ?fo }}
  UNION {{ ?fact {LINKS} ?u . ?fact {LINKS} ?n . ?n rdfs:label ?nl }}
  UNION {{ ?u ?p2 ?n . ?n rdfs:label ?nl }}
}}"""


# Which article spelled the actor how: each article's graph keeps the names that article used. The distinct
# names come first (3.6 ms for an actor in 13,000 articles, in memory); then each name's first articles, a
# lookup each, rather than every (name, article) pair (26,000 rows, 60 ms, for that actor).
SPELLINGS = PREFIXES + "SELECT DISTINCT ?spelling WHERE { ?u skos:prefLabel|skos:altLabel ?spelling }"
SPELLING_USES = PREFIXES + """SELECT ?spelling ?article WHERE {
  VALUES ?spelling { %s }
  LATERAL { SELECT ?spelling ?article WHERE {
    GRAPH ?g { ?u skos:prefLabel|skos:altLabel ?spelling . ?g <http://www.w3.org/ns/prov#wasDerivedFrom> ?article }
  } LIMIT %d }
}"""
SPELLING_ARTICLES = 10
MAX_SPELLINGS = 30


def _spellings(store, uri: str) -> tuple[list[dict], bool]:
    """Each spelling with its first SPELLING_ARTICLES articles, and whether articles differ in the names
    they use (the actor was merged from several spellings)."""
    names = sorted(row["spelling"] for row in _ask(store, SPELLINGS, uri))[:MAX_SPELLINGS]
    if len(names) < 2:
        return [{"spelling": name, "articles": [], "more": False} for name in names], False
    values = " ".join(sparql_term(Literal(name)) for name in names)
    found: dict[str, set] = {name: set() for name in names}
    for row in _ask(store, SPELLING_USES % (values, SPELLING_ARTICLES + 1), uri):
        found[row["spelling"]].add(row["article"])
    spellings, by_article = [], {}
    for name in names:
        articles = sorted(found[name])
        for article in articles:
            by_article.setdefault(article, set()).add(name)
        spellings.append({"spelling": name, "articles": articles[:SPELLING_ARTICLES],
                          "more": len(articles) > SPELLING_ARTICLES})
    merged = len({frozenset(used) for used in by_article.values()}) > 1
    return spellings, merged


# Each branch starts from the page's own URI: with the property in VALUES, the engine read every label of the
# store first (11 s at 10M quads, against a fraction of a millisecond).
EXTERNAL = PREFIXES + """SELECT DISTINCT ?ext ?p ?o WHERE {
  { ?u owl:sameAs ?ext . ?ext rdfs:label ?o BIND(rdfs:label AS ?p) }
  UNION { ?u owl:sameAs ?ext . ?ext schema:description ?o BIND(schema:description AS ?p) }
  FILTER(isIRI(?ext) && (LANG(?o) = "" || LANGMATCHES(LANG(?o), "en")))
}"""
SPELLING_ARTICLES = 10


def _external(rows, base: str) -> list[dict]:
    """One entry per linked external entity with its label and description, outside our own URI space."""
    found: dict[str, dict] = {}
    for row in rows:
        if row["ext"].startswith(base):
            continue
        entry = found.setdefault(row["ext"], {"uri": row["ext"], "label": None, "description": None})
        field = "label" if row["p"].endswith("#label") else "description"
        entry[field] = entry[field] or row["o"]
    return [e for _, e in sorted(found.items()) if e["label"] or e["description"]]


def _about(query: str, uri: str) -> str:
    """``query`` with ?u replaced by ``uri`` itself. Unlike a substitution, ?u then stays out of the
    answer, which saves decoding it on every row; unlike VALUES, the planner sees a constant in every
    union branch (with VALUES it scanned every statement of a type first: 500 ms instead of 8)."""
    if not _SAFE_IRI.match(uri):
        raise ValueError(f"not an IRI: {uri!r}")
    return _VARIABLE_U.sub(f"<{uri}>", query)


def _ask(store, query: str, uri: str) -> list[dict]:
    return store.query(_about(query, uri)).texts()


def _group(rows, key: str, shape: tuple) -> list[dict]:
    """Items from (node, p, o) rows; one lacking a field the shapes require is incomplete and left out."""
    single, multi, required, typed = shape
    fields = list(single.values())
    lists = [*multi.values(), *(["class"] if typed else [])]
    grouped = {}
    for row in rows:
        node, p, o = row[key], row["p"], row["o"]
        item = grouped.get(node)
        if item is None:
            item = grouped[node] = {"uri": node, **dict.fromkeys(fields), **{m: set() for m in lists}}
        field = single.get(p)
        if field is not None:
            if item[field] is None or o < item[field]:
                item[field] = o
        elif p in multi:
            item[multi[p]].add(o)
        elif typed and p == _RDF_TYPE and o.startswith(NS):
            item["class"].add(o)
    out = []
    for item in grouped.values():
        if all(item[f] for f in required):
            for m in lists:
                item[m] = sorted(item[m])
            out.append(item)
    return out


def _support(store, uri: str, relations) -> dict:
    """How many articles state each (subject, relation, object) of the page's relations."""
    articles, remote = {}, set()
    for r in relations:
        for o in r["object"]:
            key = (r["subject"], r["relation"], o)
            articles.setdefault(key, set()).add(r["article"])
            # Every statement with this page's URI as subject or object is on the page already, so
            # those counts need no query; only statement and article pages ask the store.
            if uri not in (r["subject"], o):
                remote.add(key)
    counts = {key: len(found) for key, found in articles.items()}
    keys = [k for k in sorted(remote) if all(_SAFE_IRI.match(x) for x in k)]
    if keys:
        values = " ".join(f"(<{s}> <{p}> <{o}>)" for s, p, o in keys)
        # Each article states a relation's direct triple in its own graph, so counting the graphs that
        # hold it counts the articles: a fully bound lookup, unlike a join over statement nodes.
        rows = store.query(PREFIXES + f"""
SELECT ?s ?rel ?o (COUNT(DISTINCT ?g) AS ?sources) WHERE {{
  VALUES (?s ?rel ?o) {{ {values} }}
  GRAPH ?g {{ ?s ?rel ?o }}
}} GROUP BY ?s ?rel ?o""").texts()
        counts.update({(r["s"], r["rel"], r["o"]): int(r["sources"]) for r in rows})
    return counts


# The terms of other vocabularies that the loaders write, named as a reader would: the ontology file
# labels only its own terms.
TERM_LABELS = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": "type",
    "http://www.w3.org/2000/01/rdf-schema#label": "label",
    "http://www.w3.org/2000/01/rdf-schema#comment": "comment",
    "http://www.w3.org/2000/01/rdf-schema#seeAlso": "see also",
    "http://www.w3.org/2002/07/owl#sameAs": "same as",
    "http://www.w3.org/2004/02/skos/core#prefLabel": "name",
    "http://www.w3.org/2004/02/skos/core#altLabel": "also called",
    "http://www.w3.org/2004/02/skos/core#closeMatch": "close match",
    "http://www.w3.org/ns/prov#wasDerivedFrom": "derived from",
    "http://www.w3.org/ns/org#member": "member",
    "http://www.w3.org/ns/org#organization": "organisation",
    "https://schema.org/subjectOf": "written about in",
    "https://schema.org/datePublished": "published",
    "https://schema.org/headline": "headline",
    "https://schema.org/articleBody": "text",
    "https://schema.org/url": "web address",
    "https://schema.org/publisher": "publisher",
    "https://schema.org/description": "description",
    "https://schema.org/about": "about",
    "https://schema.org/isPartOf": "part of",
    "http://purl.org/dc/terms/source": "source",
}


@functools.lru_cache(maxsize=None)
def ontology_labels() -> dict[str, str]:
    """Labels of the ontology's terms, from the file every store is given, so pages need not ask: English
    or untagged, another language only for a term that has neither."""
    labels = {}
    for term, label in ontology_graph().subject_objects(RDFS.label):
        if getattr(label, "language", None) in (None, "en") or str(term) not in labels:
            labels[str(term)] = str(label)
    return labels


@functools.lru_cache(maxsize=None)
def _vocabulary_labels() -> dict[str, str]:
    """The ontology's labels, and words for the other vocabularies' terms pages show."""
    return {**TERM_LABELS, **ontology_labels()}


def event_title(label: str | None) -> str | None:
    """An event's label with its type named as the ontology labels it: the loaders begin an event's label
    with its class's local name ("MilitaryAction: Hamas (2014)"), which reads as code."""
    if not label:
        return label
    kind, colon, rest = label.partition(": ")
    named = _vocabulary_labels().get(NS + kind) if colon and kind.isalnum() else None
    return f"{named}: {rest}" if named else label


# Every node the loaders write has an rdfs:label; other names are looked for only where it is missing,
# which halves the lookups of a page.
_LABELS = PREFIXES + """
SELECT ?n (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?n {{ {values} }} ?n rdfs:label ?l }} GROUP BY ?n"""
_OTHER_LABELS = PREFIXES + """
SELECT ?n (SAMPLE(?l) AS ?label) WHERE {{
  VALUES ?n {{ {values} }} {{ ?n skos:prefLabel ?l }} UNION {{ ?n schema:headline ?l }}
}} GROUP BY ?n"""


class _LabelCache:
    """Labels already looked up, for as long as the dataset version stays the same: pages of one story
    share most of their actors and articles. Unlabelled URIs are remembered too."""

    def __init__(self, size: int = 200_000):
        self.size, self.version, self.labels, self.lock = size, None, {}, threading.Lock()

    def known(self, version, uris) -> dict:
        with self.lock:
            if version != self.version or len(self.labels) > self.size:
                self.version, self.labels = version, {}
            return {u: self.labels[u] for u in uris if u in self.labels}

    def add(self, version, labels: dict) -> None:
        with self.lock:
            if version == self.version:
                self.labels.update(labels)


_CACHE = _LabelCache()
_DATES = _LabelCache(50_000)


def _values_labels(store, uris) -> dict[str, str]:
    """The label of each URI that has one: ontology terms from the ontology file, others from the store."""
    vocabulary = _vocabulary_labels()
    version = getattr(store, "version", None)
    found = {u: vocabulary[u] for u in uris if u in vocabulary}
    if version is not None:
        found.update(_CACHE.known(version, uris))
    uris = sorted({u for u in uris if u and u not in found and _SAFE_IRI.match(u)})
    fetched = dict.fromkeys(uris)
    for query in (_LABELS, _OTHER_LABELS):
        missing = [u for u in uris if fetched[u] is None]
        # Two halves at once: a pooled store answers them in two workers.
        halves = [missing[: len(missing) // 2], missing[len(missing) // 2:]] if len(missing) > 40 else [missing]
        futures = [_QUERIES.submit(lambda part=part, query=query: store.query(
            query.format(values=" ".join(f"<{u}>" for u in part))).texts()) for part in halves if part]
        for future in futures:
            fetched.update({r["n"]: r["label"] for r in future.result() if "label" in r})
    if version is not None:
        _CACHE.add(version, fetched)
    found.update(fetched)
    return {u: label for u, label in found.items() if label is not None}


def _text(row, key):
    value = row.get(key)
    return None if value is None else str(value)


def _sort_key_date(item):
    date = item.get("date") or item.get("start") or ""
    return (date == "", date, item.get("label") or item["uri"])


def _in_force(item: dict, as_of: str | None) -> bool:
    """Whether a fact held on a date: begun by then, and not yet ended (dates compare as ISO text). A fact
    the text gives no date is known from its article's publication on, and is taken to begin then."""
    if not as_of:
        return True
    begun = item.get("start") or item.get("date") or item.get("articleDate")
    if begun and begun > as_of:
        return False
    return not (item.get("end") and item["end"] <= as_of)


def _undated(item: dict) -> bool:
    return not (item.get("date") or item.get("start") or item.get("end"))


# The publication dates of the articles stating undated facts: a lookup from each bound article.
ARTICLE_DATES = PREFIXES + """
SELECT ?a (MIN(STR(?d)) AS ?date) WHERE {{ VALUES ?a {{ {values} }} ?a schema:datePublished ?d }} GROUP BY ?a"""


def _article_dates(store, items) -> dict[str, str | None]:
    """The publication date of each article stating one of ``items`` without a date of its own; kept
    while the dataset version stays the same, as labels are, since the pages of a story share articles."""
    articles = {i["article"] for i in items if _undated(i) and _SAFE_IRI.match(i["article"])}
    version = getattr(store, "version", None)
    found = _DATES.known(version, articles) if version is not None else {}
    missing = sorted(articles - found.keys())
    if missing:
        rows = store.query(ARTICLE_DATES.format(values=" ".join(f"<{a}>" for a in missing))).texts()
        fetched = {**dict.fromkeys(missing), **{r["a"]: r["date"] for r in rows if r.get("date")}}
        if version is not None:
            _DATES.add(version, fetched)
        found.update(fetched)
    return found


# Which relation statements link to a page ("Linked from"), read from each bound statement, so that
# a link reads "Hamas · member of · Axis of Resistance" rather than as the statement's URI.
STATEMENT_ENDS = PREFIXES + """
SELECT ?st ?s ?r ?o WHERE {{ VALUES ?st {{ {values} }} ?st gk:subject ?s ; gk:relation ?r ; gk:object ?o }}"""


def _statement_ends(store, uris, known: list[dict]) -> dict[str, dict]:
    """subject, relation and objects of each statement among ``uris``: from the page's own relations where
    it has them, else from the store."""
    ends = {r["uri"]: {"subject": r["subject"], "relation": r["relation"], "object": r["object"]}
            for r in known if r["uri"] in uris}
    missing = sorted(u for u in uris if u not in ends and _SAFE_IRI.match(u))
    if missing:
        rows = store.query(STATEMENT_ENDS.format(values=" ".join(f"<{u}>" for u in missing))).texts()
        for r in rows:
            entry = ends.setdefault(r["st"], {"subject": r["s"], "relation": r["r"], "object": []})
            entry["object"] = sorted({*entry["object"], r["o"]})
    return ends


def _short(text: str, limit: int = 60) -> str:
    """The first words of a text up to ``limit`` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-–—")
    return cut + "…"


def _years(item: dict) -> str:
    """A fact's date as a year, or its span of years; empty when the text gives none."""
    if item.get("date"):
        return item["date"][:4]
    start, end = (item.get("start") or "")[:4], (item.get("end") or "")[:4]
    if start and end and start != end:
        return f"{start}–{end}"
    if start or end:
        return start or f"until {end}"
    return ""


def relation_title(r: dict, label_of: dict) -> str:
    """"Hamas · left alliance · Axis of Resistance (2012)": the statement in words, with its year."""
    name = lambda u: label_of.get(u) or u.rstrip("/").rsplit("/", 1)[-1]  # noqa: E731
    text = f"{name(r['subject'])} · {name(r['relation'])} · {', '.join(name(o) for o in r['object'])}"
    years = _years(r)
    return f"{text} ({years})" if years else text


def claim_title(c: dict, label_of: dict) -> str:
    """"Yahya Sinwar: 'We are waiting for the right time…'": who claimed what, its first words."""
    who = [label_of.get(a) or a.rstrip("/").rsplit("/", 1)[-1] for a in c["claimant"]] or list(c.get("who") or ())
    speaker = ", ".join(who) or c.get("channelName") or "The article"
    text = _short(c["content"], 50)
    return f"{speaker}: ‘{text}’" if c.get("quote") == "true" else f"{speaker}: {text}"


def _page_query(list_name: str, shape: tuple, counts: dict, page: int) -> str | None:
    """One page of a long list: its facts picked pattern by pattern in index order, then read, each
    from its bound node (LATERAL: a join was planned as a read of every fact in the store)."""
    start, end, offset, parts = (page - 1) * LIST_PAGE, page * LIST_PAGE, 0, []
    for pattern in LISTS[list_name]:
        found = counts.get(pattern, 0)
        low, high = max(start - offset, 0), min(end - offset, found)
        if high > low:
            parts.append(f"{{ SELECT ?x WHERE {{ ?x {pattern} ?u }} LIMIT {high - low} OFFSET {low} }}")
        offset += found
    if not parts:
        return None
    return PREFIXES + f"""SELECT ?x ?p ?o WHERE {{
  {{ {" UNION ".join(parts)} }}
  LATERAL {{ ?x ?p ?o {_wanted(shape)} }}
}}"""


def _paging(counts: dict, page: int) -> dict:
    """The lists too long for one page, with their lengths, and the page shown; empty when none is."""
    sizes = {name: sum(counts.get(p, 0) for p in patterns) for name, patterns in LISTS.items()}
    long = {name: size for name, size in sizes.items() if size > LIST_PAGE}
    if not long:
        return {}
    pages = max(-(-size // LIST_PAGE) for size in long.values())
    return {"page": min(max(1, page), pages), "pages": pages, "size": LIST_PAGE, "counts": sizes,
            "paged": sorted(long)}


def build_entity(store, uri: str, as_of: str | None = None, incoming_page: int = 1, network=(),
                 page: int = 1) -> dict | None:
    """Everything known about one URI (as it stood on ``as_of`` when given), or None when unknown.
    ``network`` is what ``start_network`` gave for the page's picture: its actors get their labels
    in the same lookup as the page's. A list of more than LIST_PAGE facts shows its ``page``-th
    LIST_PAGE of them, in the store's order, and the answer's "paging" says so."""
    if not _SAFE_IRI.match(uri):
        return None
    # The queries are independent: run them at once, so a pooled store spreads them over its
    # workers (and pyoxigraph releases the GIL while each runs).
    overview = _QUERIES.submit(lambda: store.query(_about(OVERVIEW, uri)).rows())
    incoming_future = _QUERIES.submit(_ask, store, INCOMING, uri)
    spellings_future = _QUERIES.submit(_spellings, store, uri)
    external_future = _QUERIES.submit(_ask, store, EXTERNAL, uri)
    # How long each list is, from the index alone, decides how the lists are read.
    counts = {r["k"]: int(r["n"]) for r in _ask(store, COUNTS, uri)}
    paging = _paging(counts, page)
    lists = {"relations": (STATEMENTS, OTHER_STATEMENTS), "events": (EVENTS,), "claims": (CLAIMS,)}
    shapes = {"relations": STATEMENT_SHAPE, "events": EVENT_SHAPE, "claims": CLAIM_SHAPE}
    keys = {"relations": "st", "events": "ev", "claims": "claim"}
    futures = {}
    for name, queries in lists.items():
        if name in paging.get("paged", ()):
            query = _page_query(name, shapes[name], counts, paging["page"])
            futures[name] = [_QUERIES.submit(_ask, store, query, uri)] if query else []
        else:
            futures[name] = [_QUERIES.submit(_ask, store, q, uri) for q in queries]
    out = overview.result()
    incoming = incoming_future.result()
    found = {}
    for name, submitted in futures.items():
        rows = [row for f in submitted for row in f.result()]
        key = "x" if name in paging.get("paged", ()) else keys[name]
        found[name] = _group(rows, key, shapes[name])
    relations, events, claims = found["relations"], found["events"], found["claims"]
    if not (out or incoming or relations or events or claims):
        return None

    types = sorted({str(r["o"]) for r in out if str(r["p"]).endswith("22-rdf-syntax-ns#type")})
    names = [str(r["o"]) for r in out if str(r["p"]).endswith("#prefLabel")]
    labels = [str(r["o"]) for r in out if str(r["p"]).endswith("rdf-schema#label")]
    aliases = sorted({str(r["o"]) for r in out if str(r["p"]).endswith("#altLabel")})
    same_as = sorted({str(r["o"]) for r in out if str(r["p"]).endswith("owl#sameAs")})
    body = next((str(r["o"]) for r in out if str(r["p"]) == "https://schema.org/articleBody"), None)
    properties = sorted(
        ({"predicate": str(r["p"]), "value": str(r["o"]), "isIri": isinstance(r["o"], URIRef),
          "datatype": str(r["o"].datatype) if isinstance(r["o"], Literal) and r["o"].datatype else None}
         for r in out if str(r["p"]) not in HIDDEN),
        key=lambda p: (p["predicate"], p["value"]),
    )
    links = [{"subject": r["s"], "predicate": r["p"]} for r in incoming]
    page_size = 50
    pages = max(1, -(-len(links) // page_size))
    incoming_page = min(max(1, incoming_page), pages)
    shown = links[(incoming_page - 1) * page_size: incoming_page * page_size]

    sources = _QUERIES.submit(_support, store, uri, relations)
    dates = _QUERIES.submit(_article_dates, store, [*relations, *events, *claims])
    link_ends = _statement_ends(store, {link["subject"] for link in shown}, relations)
    mentioned = set(types) | {p["predicate"] for p in properties} | {p["value"] for p in properties if p["isIri"]}
    mentioned |= {link["subject"] for link in shown} | {link["predicate"] for link in shown}
    for ends in link_ends.values():
        mentioned |= {ends["subject"], ends["relation"], *ends["object"]}
    for r in relations:
        mentioned |= {r["relation"], r["subject"], r["article"], *r["object"]}
    for e in events:
        mentioned |= {e["place"], e["article"], *e["participant"], *e["class"]}
    for c in claims:
        mentioned |= {c["channel"], c["article"], *c["claimant"], *c["about"]}
    spellings, merged = spellings_future.result()
    mentioned |= {article for spelling in spellings for article in spelling["articles"]}
    if network:
        mentioned |= _drawn(uri, network)[1]
    label_of = _values_labels(store, mentioned)

    sources = sources.result()
    for r in relations:
        r["sources"] = max([sources.get((r["subject"], r["relation"], o), 1) for o in r["object"]] or [1])
    published = dates.result()
    for item in (*relations, *events, *claims):
        item["articleDate"] = published.get(item["article"]) if _undated(item) else None
    for e in events:
        e["label"] = event_title(e["label"])
    for link in shown:
        if link["subject"] in link_ends:
            link["fact"] = relation_title(link_ends[link["subject"]], label_of)
    # A fact's own page shows the fact once, above its properties, not again as a list of one.
    fact, title = None, None
    for kind, items, titled in (("relation", relations, relation_title), ("event", events, None),
                                ("claim", claims, claim_title)):
        own = next((item for item in items if item["uri"] == uri), None)
        if own is not None:
            items.remove(own)
            fact = {"kind": kind, "item": own}
            title = titled(own, label_of) if titled else own["label"]
            # The fact's list item shows every field of its shape but what a claim is about.
            shown_fields = {**FACT_SHAPES[kind][0], **FACT_SHAPES[kind][1]}.keys() - {str(GK.about)}
            properties = [p for p in properties if p["predicate"] not in shown_fields]
            break
    relations = [r for r in relations if _in_force(r, as_of)]
    events = [e for e in events if _in_force(e, as_of)]
    claims = [c for c in claims if _in_force(c, as_of)]
    relations.sort(key=lambda r: (label_of.get(r["relation"], r["relation"]), _sort_key_date(r)))
    events.sort(key=_sort_key_date)
    claims.sort(key=lambda c: (c["article"], c["uri"]))
    data = {
        "uri": uri,
        "label": title or (names or labels or [uri.rstrip("/").rsplit("/", 1)[-1]])[0],
        "types": [{"uri": t, "label": label_of.get(t, t)} for t in types],
        "aliases": aliases,
        "spellings": spellings,
        "merged": merged,
        "sameAs": same_as,
        # Our entity URIs are all {base}/id/...: what lies outside that space is another dataset's.
        "external": _external(external_future.result(), uri.split("/id/", 1)[0] + "/"),
        "body": body,
        "properties": properties,
        "fact": fact,
        "relations": relations,
        "events": events,
        "claims": claims,
        "incoming": shown,
        "incomingCount": len(links),
        "incomingPage": incoming_page,
        "incomingPages": pages,
        "asOf": as_of,
        "labels": label_of,
    }
    if paging:
        data["paging"] = paging
    return data


def body_marks(data: dict) -> list[tuple[str, str, list[str]]]:
    """(fact, its title, its sentences) for each fact on an article's page, to mark them in its text."""
    label_of = data["labels"]
    return ([(r["uri"], relation_title(r, label_of), r["sentence"]) for r in data["relations"]]
            + [(e["uri"], e["label"], e["sentence"]) for e in data["events"]]
            + [(c["uri"], claim_title(c, label_of), c["sentence"]) for c in data["claims"]])


def describe(store, uri: str):
    """The triples behind an entity page, for its Turtle and JSON-LD twins."""
    return store.query(_about(DESCRIPTION, uri))


def home_data(store) -> dict:
    """Counts and lists for the home page."""
    counts = store.query(PREFIXES + """
SELECT ?kind (COUNT(DISTINCT ?x) AS ?n) WHERE {
  VALUES ?kind { gk:Actor gk:Alliance gk:RelationStatement gk:Event gk:Claim gk:Article }
  ?x a ?class .
  GRAPH <https://w3id.org/geokg/ontology> { ?class rdfs:subClassOf* ?kind }
} GROUP BY ?kind""").rows()
    by_kind = {str(r["kind"]).split("#")[-1]: int(r["n"]) for r in counts}
    # Each actor's names and facts once each (LATERAL, from the bound actor): joined plainly, every
    # copy of a name (one per article naming the actor) was paired with every fact (1M quads: 3.5 s
    # -> 0.6 s).
    actors = store.query(PREFIXES + f"""
SELECT ?actor (SAMPLE(?name) AS ?label) (SAMPLE(?type) AS ?kind) (COUNT(DISTINCT ?fact) AS ?facts) WHERE {{
  GRAPH <https://w3id.org/geokg/ontology> {{ ?class rdfs:subClassOf* gk:Actor ; rdfs:label ?type }}
  ?actor a ?class .
  LATERAL {{ SELECT DISTINCT ?actor ?name WHERE {{ ?actor skos:prefLabel ?name }} }}
  LATERAL {{ OPTIONAL {{ SELECT DISTINCT ?actor ?fact WHERE {{ ?fact {LINKS} ?actor }} }} }}
}} GROUP BY ?actor ORDER BY DESC(?facts) ?label""").rows()
    articles = store.query(PREFIXES + """
SELECT ?article (SAMPLE(?l) AS ?label) (SAMPLE(?d) AS ?published) WHERE {
  ?article a gk:Article ; rdfs:label ?l . OPTIONAL { ?article schema:datePublished ?d }
} GROUP BY ?article ORDER BY ?label""").rows()
    return {
        "triples": len(store),
        "counts": {
            "actors": by_kind.get("Actor", 0), "alliances": by_kind.get("Alliance", 0),
            "relations": by_kind.get("RelationStatement", 0), "events": by_kind.get("Event", 0),
            "claims": by_kind.get("Claim", 0), "articles": by_kind.get("Article", 0),
        },
        "actors": [{"uri": str(r["actor"]), "label": _text(r, "label"), "type": _text(r, "kind"),
                    "facts": int(r["facts"])} for r in actors],
        "articles": [{"uri": str(r["article"]), "label": _text(r, "label"), "published": _text(r, "published")}
                     for r in articles],
    }


def start_network(store, uri: str):
    """The relations around one URI, asked for now and read by ``network_edges`` later, so that a page's
    picture is fetched while its facts are."""
    if not _SAFE_IRI.match(uri):
        return []
    return [_QUERIES.submit(_ask, store, q, uri) for q in (NETWORK, FELLOWS)]


# More neighbours than this make a circle of unreadable labels; the page lists every relation anyway.
MAX_NEIGHBOURS = 24


def _drawn(uri: str, fetched) -> tuple[list[dict], set, set]:
    """The relations the picture draws, the actors it shows and those it leaves out for room."""
    drawn, left_out, kept = {uri}, set(), []
    for future in fetched:
        for r in future.result():
            new = {r["s"], r["o"]} - drawn
            if len(drawn) - 1 + len(new) > MAX_NEIGHBOURS:
                left_out |= new
                continue
            drawn |= new
            kept.append(r)
    return kept, drawn, left_out


def network_edges(store, uri: str, label_of: dict, href, fetched=None) -> tuple[list[dict], int]:
    """The direct relations around one actor, then the fellow members of its alliances, as picture edges;
    at most MAX_NEIGHBOURS neighbours are drawn, and how many more there are is returned with them."""
    kept, drawn, left_out = _drawn(uri, fetched if fetched is not None else start_network(store, uri))
    missing = {node for node in drawn if node not in label_of}
    label_of = {**label_of, **_values_labels(store, missing)}
    edges = []
    for r in kept:
        ends = [{"uri": node, "label": label_of.get(node, node.rsplit("/", 1)[-1]), "href": href(node)}
                for node in (r["s"], r["o"])]
        edges.append({"source": ends[0], "target": ends[1], "relation": r["p"].rsplit("#", 1)[-1]})
    return edges, len(left_out - drawn)


MEMBERSHIP = PREFIXES + """
SELECT ?member ?relation ?start ?end ?date ?said WHERE {
  ?st gk:object ?u ; gk:subject ?member ; gk:relation ?relation .
  FILTER(?relation IN (gk:memberOf, gk:joinedAlliance, gk:leftAlliance))
  OPTIONAL { ?st gk:start ?start } OPTIONAL { ?st gk:end ?end } OPTIONAL { ?st gk:date ?date }
  OPTIONAL { ?st gk:statedIn/schema:datePublished ?said }
}"""


def membership_rows(store, uri: str, label_of: dict, href) -> list[dict]:
    """Who was in an alliance and when: one row per member, from its membership, joining and leaving, with
    the dates of the articles stating them (``said``)."""
    members = {}
    for r in store.query(_about(MEMBERSHIP, uri)).rows():
        member = str(r["member"])
        row = members.setdefault(member, {"label": label_of.get(member, member.rsplit("/", 1)[-1]),
                                          "href": href(member), "start": None, "end": None, "status": "member",
                                          "said": []})
        relation = str(r["relation"]).rsplit("#", 1)[-1]
        if _text(r, "said") and _text(r, "said") not in row["said"]:
            row["said"].append(_text(r, "said"))
        start = _text(r, "start") or (_text(r, "date") if relation == "joinedAlliance" else None)
        end = _text(r, "end") or (_text(r, "date") if relation == "leftAlliance" else None)
        if start and (row["start"] is None or start < row["start"]):
            row["start"] = start
        if end and (row["end"] is None or end < row["end"]):
            row["end"], row["status"] = end, "left"
        if relation == "leftAlliance" and row["status"] == "member":
            row["status"] = "left (date unknown)" if not end else "left"
    missing = {m for m in members if members[m]["label"] == m.rsplit("/", 1)[-1]}
    if missing:
        names = _values_labels(store, missing)
        for m in missing:
            members[m]["label"] = names.get(m, members[m]["label"])
    return sorted(members.values(), key=lambda row: (row["start"] or "", row["label"]))


def members_as_of(rows: list[dict], as_of: str) -> list[dict]:
    """The memberships of ``membership_rows`` that had begun on a date, with their status then. A membership
    no source dates is known from its earliest article on, as every undated fact is under "As of"
    (``_in_force``); the timeline still draws its start as unknown."""
    kept = []
    for row in rows:
        begun = row["start"] or min(row["said"], default=None)
        if begun and begun > as_of:
            continue
        if row["end"]:
            status = "left" if row["end"] <= as_of else "member"
        else:
            status = row["status"]
        kept.append({**row, "status": status})
    return kept


# Each event once, then its label and dates looked up from it (LATERAL): joined per participant,
# and with the dates planned as a read of every date in the store, it took 2.7 s at 1M quads (1.5 now).
# Sorted outside the grouping: Virtuoso refuses to order by an aggregate's name in the query that makes it.
EVENTS_IN_ORDER = PREFIXES + """
SELECT ?ev ?label ?date ?time WHERE {
  { SELECT ?ev (SAMPLE(?l) AS ?label) (SAMPLE(?d) AS ?date) (SAMPLE(?t) AS ?time) WHERE {
      { SELECT DISTINCT ?ev WHERE { ?ev gk:participant ?p } }
      LATERAL { ?ev rdfs:label ?l OPTIONAL { ?ev gk:date ?d } OPTIONAL { ?ev gk:timeText ?t } }
    } GROUP BY ?ev }
} ORDER BY (!BOUND(?date)) STR(?date) LIMIT 100"""


def events_in_order(store) -> list[dict]:
    """Every event, oldest first; undated ones last, marked as such."""
    return [{"uri": str(r["ev"]), "label": event_title(_text(r, "label")), "date": _text(r, "date"),
             "time": _text(r, "time"), "undated": r.get("date") is None}
            for r in store.query(EVENTS_IN_ORDER).rows()]
