"""What a remote SPARQL store does differently from the standard, and how geokg's requests are written for
it, so that the server, the pages and the loaders never learn which store they have.

Standard stores (Oxigraph server) get the text as it is. Virtuoso 7 (7.2.5, Debian's) gets, all read on
the tokens of ``sparqllex``:

- queries without ``LATERAL``, which it cannot parse (``lateral.without_lateral``);
- a prologue excluding its own system graphs (its schemas, its DAV folder) from the union default graph,
  and ``FILTER(?g NOT IN (...))`` after each ``GRAPH ?g``, so that only the graphs geokg wrote count;
- ``GRAPH <iri> { P }`` as a subquery ``FROM <iri>``, and a grouped query's ORDER BY and LIMIT around it,
  where its compiler lost rows or failed (each case is said where it is written);
- a graph of its own standing for the default graph, which Virtuoso lacks: geokg's default graph is
  ``DEFAULT_GRAPH``, written by updates and read by queries that do not want the union of the graphs;
- DROP/CLEAR ALL and NAMED written as the same operation on each of geokg's graphs.
"""

import re

import pyoxigraph as ox

from geokg.store.lateral import without_lateral
from geokg.store.sparqllex import tokenize

STANDARD, VIRTUOSO = "standard", "virtuoso"
# The graph that stands for the default graph on a store that has none.
DEFAULT_GRAPH = "urn:geokg:default-graph"
# Graphs a fresh Virtuoso 7 database holds: its own schemas, and its DAV folder and SPARQL service
# descriptions under the host it calls itself ([URIQA] DefaultHost), matched by _VIRTUOSO_HOST_GRAPH.
VIRTUOSO_SYSTEM_GRAPHS = ("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#",
                          "http://www.w3.org/2002/07/owl#")
_VIRTUOSO_HOST_GRAPH = re.compile(r"^https?://[^/]+/(?:DAV/|sparql)$")
_VIRTUOSO_OWN = "http://www.openlinksw.com/"
# Virtuoso's ResultSetMaxRows in Debian's virtuoso.ini: it cuts CONSTRUCT answers there without a header.
VIRTUOSO_ROW_CAP = 10_000
# Its SPARQL compiler gives up at about 1,000 triples in one update ("generated SQL text has exceeded
# 10000 lines"), and its parser at 5,000 ("memory exhausted").
UPDATE_TRIPLES = 500
# A LIMIT far above any answer: Virtuoso 7.2.5 then evaluates a subquery on its own, where its plan for a
# * or + path joined to the rest of the query lost rows (1 event of 6 in actor-events).
_WHOLE = 1_000_000_000


def detect(server_header: str | None) -> str:
    """The dialect a store's ``Server:`` header names."""
    return VIRTUOSO if server_header and server_header.lower().startswith("virtuoso") else STANDARD


def is_system_graph(iri: str, extra=()) -> bool:
    """A graph Virtuoso keeps for itself, which geokg never lists, counts, dumps nor drops."""
    return (iri in VIRTUOSO_SYSTEM_GRAPHS or iri.startswith(_VIRTUOSO_OWN) or iri in extra
            or _VIRTUOSO_HOST_GRAPH.match(iri) is not None)


_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
_CANONICAL_BOOLEAN = {"1": ox.Literal("true", datatype=_BOOLEAN), "0": ox.Literal("false", datatype=_BOOLEAN)}


def canonical(term):
    """A term as the embedded store gives it back: Virtuoso stores xsd:boolean as 1 and 0."""
    if isinstance(term, ox.Literal) and term.datatype == _BOOLEAN:
        return _CANONICAL_BOOLEAN.get(term.value, term)
    return term


class Standard:
    """A store that reads SPARQL 1.1 (and LATERAL) as geokg writes it."""

    name = STANDARD
    hidden_graphs: tuple = ()
    # Whether answers are passed on as the store wrote them, or their terms must be read and rewritten.
    verbatim = True

    def query_text(self, text: str, union: bool, own_dataset: bool) -> str:
        return text

    def update_texts(self, text: str, store) -> list[str]:
        return [text]


class Virtuoso(Standard):
    """Virtuoso 7: no LATERAL, system graphs in every graph pattern, no default graph of its own."""

    name = VIRTUOSO
    verbatim = False

    def __init__(self, hidden_graphs=(), where: str = "the SPARQL store"):
        # Its system graphs and the stand-in for the default graph: never seen as named graphs.
        self.hidden_graphs = tuple(dict.fromkeys((*hidden_graphs, DEFAULT_GRAPH)))
        self.where = where
        excluded = [g for g in self.hidden_graphs if g != DEFAULT_GRAPH]
        # Its input:named-graph-exclude pragma loses rows of joins with a subquery: GRAPH ?g gets a FILTER.
        self._union = "".join(f"DEFINE input:default-graph-exclude <{g}>\n" for g in excluded)
        self._plain = f"DEFINE input:default-graph-uri <{DEFAULT_GRAPH}>\n"
        self._hidden = "(" + ", ".join(f"<{g}>" for g in self.hidden_graphs) + ")"

    def query_text(self, text: str, union: bool, own_dataset: bool) -> str:
        text = _ordered_outside(_rewrite_graphs(without_lateral(text, self.where), self._hidden))
        if own_dataset:
            # FROM / FROM NAMED, or graphs named in the request: the query's own dataset, nothing to hide.
            return text
        return (self._union if union else self._plain) + text

    def update_texts(self, text: str, store) -> list[str]:
        """The update with DEFAULT_GRAPH as its default graph, and DROP/CLEAR ALL or NAMED written as the
        same operation on each of geokg's graphs (``store.graphs()`` lists them), never on Virtuoso's own;
        DROP/CLEAR GRAPH of a graph that holds triples made SILENT (Virtuoso refuses to drop a graph no
        CREATE made), one that holds none refused here as missing; a big update in parts of at most
        UPDATE_TRIPLES data triples, which its compiler takes."""
        tokens = tokenize(text)
        edits = []
        for k, token in enumerate(tokens):
            if not (token.kind == "KEYWORD" and token.value in ("DROP", "CLEAR") and token.depth == 0):
                continue
            j = k + 1
            silent = j < len(tokens) and tokens[j].value == "SILENT"
            j += silent
            if (not silent and j + 1 < len(tokens) and tokens[j].value == "GRAPH"
                    and tokens[j + 1].kind == "IRIREF"):
                graph = tokens[j + 1].text
                if not store.query(f"ASK {{ GRAPH {graph} {{ }} }}", union=False):
                    from geokg.store.writing import update_error

                    raise update_error(f"the graph {graph} does not exist")
                edits.append((tokens[k].end, tokens[k].end, " SILENT"))
            if j < len(tokens) and tokens[j].kind == "KEYWORD" and tokens[j].value in ("ALL", "NAMED"):
                targets = [f"GRAPH <{g}>" for g in store.graphs()]
                if tokens[j].value == "ALL":
                    targets.append("DEFAULT")
                # A graph of no triples is not listed; a DROP of one that is not there does nothing.
                operations = [f"{token.value} SILENT {target}" for target in targets] or \
                    [f"DROP SILENT GRAPH <{DEFAULT_GRAPH}>"]
                edits.append((token.offset, tokens[j].end, " ;\n".join(operations)))
        text = _edited(text, edits)
        parts = split_update(text, UPDATE_TRIPLES) if text.count("\n") > UPDATE_TRIPLES else [text]
        return [f"DEFINE input:default-graph-uri <{DEFAULT_GRAPH}>\n{part}" for part in parts]



def _rewrite_graphs(text: str, hidden: str) -> str:
    """``GRAPH <iri> { P }`` written as ``{ SELECT * FROM <iri> WHERE { P } }``, which Virtuoso 7 reads (a
    FROM in a subquery is its extension) and answers as the standard reads the first: it finds nothing in a
    graph named by its IRI once the prologue excludes graphs or sets the default graph (its ``input:``
    pragmas), and refuses a ``*`` or ``+`` path inside any GRAPH ("transitive start not given").
    ``GRAPH ?g { P }`` is followed by ``FILTER(?g NOT IN hidden)``: the store's own graphs are not ours."""
    tokens = tokenize(text)
    places = [k for k, t in enumerate(tokens[:-2]) if t.kind == "KEYWORD" and t.value == "GRAPH"
              and tokens[k + 1].kind in ("IRIREF", "PNAME_LN", "PNAME_NS", "VAR1", "VAR2")
              and tokens[k + 2].text == "{"]
    if not places:
        return text
    closing, stack = {}, []
    for k, t in enumerate(tokens):
        if t.kind == "PUNCT" and t.text == "{":
            stack.append(k)
        elif t.kind == "PUNCT" and t.text == "}":
            closing[stack.pop()] = k
    edits = []
    used = {t.text for t in tokens if t.kind in ("VAR1", "VAR2")}
    for k in places:
        end = tokens[closing[k + 2]].end
        if closing[k + 2] == k + 3 and tokens[k + 1].kind not in ("VAR1", "VAR2"):
            # GRAPH <iri> { } asks whether the graph exists: whether it holds a triple, on Virtuoso, which
            # lists no graph without one. Its FILTER EXISTS in a group of nothing else is always true: a
            # subquery of one row, whose one variable a SELECT * shows.
            s, p, o, g = (_fresh(used, name) for name in ("s", "p", "o", "g"))
            edits.append((tokens[k].offset, end, f"{{ SELECT {g} WHERE {{ GRAPH {g} {{ {s} {p} {o} }} "
                                                 f"FILTER({g} = {tokens[k + 1].text}) }} LIMIT 1 }}"))
            continue
        # A path to a fixed end only: one between two variables needs its start from the rest of the query.
        path = any(t.kind == "PUNCT" and t.text in ("*", "+") and tokens[j + 1].kind not in ("VAR1", "VAR2")
                   for j, t in enumerate(tokens[k + 3:closing[k + 2]], start=k + 3))
        if tokens[k + 1].kind in ("VAR1", "VAR2"):
            edits.append((end, end, f" FILTER({tokens[k + 1].text} NOT IN {hidden})"))
            continue
        edits.append((tokens[k].offset, tokens[k + 2].offset, f"{{ SELECT * FROM {tokens[k + 1].text} WHERE "))
        edits.append((end, end, f" LIMIT {_WHOLE} }}" if path else " }"))
    return _edited(text, edits)


_AGGREGATES = frozenset(("COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"))


def _ordered_outside(text: str) -> str:
    """A grouped and ordered query as three: the grouping with its aggregates alone (each aggregate call
    inside a larger expression projected under a name of its own), a query computing the projection's
    expressions from them, and one ordering, cutting (LIMIT, OFFSET) and projecting. Virtuoso 7's compiler
    fails on IF over aggregates in a grouped query (SQ156 "Bad dfe in sqlo_place_exp", depending on its
    plan), refuses to order by an expression over an aggregate's name (SP031 "used in the result set
    outside aggregate"), and orders the same rows once they are plain variables."""
    tokens = tokenize(text)
    selects = [k for k, t in enumerate(tokens) if t.kind == "KEYWORD" and t.value == "SELECT" and t.depth == 0]
    if len(selects) != 1:
        return text
    top = [k for k, t in enumerate(tokens) if t.depth == 0 and t.kind == "KEYWORD"]
    words = [tokens[k].value for k in top]
    if "GROUP" not in words or "ORDER" not in words:
        return text
    order = top[words.index("ORDER")]
    if order < top[words.index("GROUP")]:
        return text
    closing, stack = {}, []
    for n, t in enumerate(tokens):
        if t.kind == "PUNCT" and t.text in ("(", "{", "["):
            stack.append(n)
        elif t.kind == "PUNCT" and t.text in (")", "}", "]"):
            closing[stack.pop()] = n
    used = {t.text for t in tokens if t.kind in ("VAR1", "VAR2")}
    lifted = []

    def lift(first, last):
        """The text of tokens first..last with each aggregate call in it named in ``lifted``."""
        out, position, m = [], tokens[first].offset, first
        while m <= last:
            t = tokens[m]
            if t.kind == "KEYWORD" and t.value in _AGGREGATES and m + 1 <= last and tokens[m + 1].text == "(":
                end = closing[m + 1]
                name = _fresh(used, "a")
                lifted.append(f"({text[t.offset:tokens[end].end]} AS {name})")
                out.append(text[position:t.offset] + name)
                position, m = tokens[end].end, end + 1
                continue
            m += 1
        out.append(text[position:tokens[last].end])
        return "".join(out)

    k = selects[0] + 1
    modifiers = []
    while tokens[k].kind == "KEYWORD" and tokens[k].value in ("DISTINCT", "REDUCED"):
        modifiers.append(tokens[k].value)
        k += 1
    inner, middle, names, aggregated = [], [], [], set()
    while not (tokens[k].text == "{" or (tokens[k].kind == "KEYWORD" and tokens[k].value in ("WHERE", "FROM"))):
        t = tokens[k]
        if t.kind in ("VAR1", "VAR2"):
            inner.append(t.text)
            middle.append(t.text)
            names.append(t.text)
            k += 1
            continue
        if t.text != "(" or tokens[closing[k] - 2].value != "AS":
            return text
        end = closing[k]
        name = tokens[end - 1].text
        names.append(name)
        whole_call = (tokens[k + 1].kind == "KEYWORD" and tokens[k + 1].value in _AGGREGATES
                      and tokens[k + 2].text == "(" and closing[k + 2] == end - 3)
        calls = any(tokens[m].kind == "KEYWORD" and tokens[m].value in _AGGREGATES for m in range(k + 1, end - 2))
        if whole_call or not calls:
            inner.append(text[t.offset:tokens[end].end])
            middle.append(name)
            aggregated.add(name)
        else:
            middle.append(f"({lift(k + 1, end - 3)} AS {name})")
        k = end + 1
    projection_end = tokens[k].offset
    after = [n for n in top if n > order and tokens[n].value in ("LIMIT", "OFFSET", "VALUES")]
    order_end = after[0] if after else len(tokens)
    conditions, n = [], order + 2
    while n < order_end:
        t = tokens[n]
        if t.kind in ("VAR1", "VAR2"):
            last = n
        elif t.text == "(":
            last = closing[n]
        elif n + 1 < order_end and tokens[n + 1].text == "(":
            last = closing[n + 1]
        else:
            return text
        condition = lift(n, last)
        # STRLEN of an aggregate's value fails inside Virtuoso (SR586 "Incomplete RDF box"); of its STR,
        # it gives the same length.
        for name in aggregated:
            condition = condition.replace(f"STRLEN({name})", f"STRLEN(STR({name}))")
        conditions.append(condition)
        n = last + 1
    ordered_names = [item.rsplit(" AS ", 1)[1].rstrip(")") for item in lifted]
    stop = tokens[after[-1]].offset if after and tokens[after[-1]].value == "VALUES" else len(text)
    start, cut = tokens[selects[0]].offset, tokens[order].offset
    head = " ".join(["SELECT", *modifiers])
    grouped = f"{head} {' '.join(inner + lifted)} {text[projection_end:cut]}"
    computed = f"SELECT {' '.join(middle + ordered_names)} WHERE {{ {grouped}}}"
    tail = text[tokens[order_end].offset:stop] if order_end < len(tokens) else ""
    return (f"{text[:start]}{head} {' '.join(names)} WHERE {{ {computed} }}\nORDER BY {' '.join(conditions)}\n"
            f"{tail}{text[stop:]}")


def _fresh(used: set, name: str) -> str:
    n = 0
    while f"?_geokg_{name}{n}" in used:
        n += 1
    used.add(f"?_geokg_{name}{n}")
    return f"?_geokg_{name}{n}"



def split_update(text: str, triples: int) -> list[str]:
    """An update as several, each of at most about ``triples`` data triples, for a store that compiles no
    bigger one: split between its operations, and an INSERT/DELETE DATA between its triples (each part
    keeps its GRAPH). The prologue (BASE, PREFIX) goes with every part. The parts are not one transaction;
    on Virtuoso, neither were the operations of one request."""
    tokens = tokenize(text)
    first = next((k for k, t in enumerate(tokens) if t.kind == "KEYWORD" and t.value not in ("BASE", "PREFIX")),
                 len(tokens))
    if first == len(tokens):
        return [text]
    prologue = text[:tokens[first].offset]
    operations, start = [], first
    for k in range(first, len(tokens)):
        if tokens[k].text == ";" and tokens[k].kind == "PUNCT" and tokens[k].depth == 0:
            operations.append((start, k))
            start = k + 1
    operations.append((start, len(tokens)))
    parts, current, size = [], [], 0
    for begin, end in operations:
        for piece, count in (_data_pieces(text, tokens, begin, end, triples) if begin < end else ()):
            if current and size + count > triples:
                parts.append(prologue + " ;\n".join(current))
                current, size = [], 0
            current.append(piece)
            size += count
    if current:
        parts.append(prologue + " ;\n".join(current))
    return parts


def _data_pieces(text, tokens, begin, end, triples):
    """One operation as (text, triples) pieces: an INSERT/DELETE DATA cut between its triples."""
    whole = text[tokens[begin].offset:tokens[end - 1].end]
    if not (end - begin > 3 and tokens[begin].value in ("INSERT", "DELETE") and tokens[begin + 1].value == "DATA"
            and tokens[begin + 2].text == "{"):
        return [(whole, 0)]
    head, depth = f"{tokens[begin].value} DATA", tokens[begin + 2].depth + 1
    pieces, block, graph, start = [], [], None, None

    def end_triple(last):
        nonlocal start
        if start is not None:
            block.append(text[start:tokens[last].end])
            start = None

    def emit():
        if block:
            body = "\n".join(block)
            pieces.append((f"{head} {{ GRAPH {graph} {{\n{body}\n}} }}" if graph else f"{head} {{\n{body}\n}}",
                           len(block)))
            block.clear()

    k = begin + 3
    while k < end - 1:
        t = tokens[k]
        if t.kind == "KEYWORD" and t.value == "GRAPH" and t.depth == depth:
            end_triple(k - 1)
            emit()
            graph, k = tokens[k + 1].text, k + 3
            continue
        if t.kind == "PUNCT" and t.text == "}" and t.depth == depth and graph is not None:
            end_triple(k - 1)
            emit()
            graph, k = None, k + 1
            continue
        if start is None:
            start = t.offset
        if t.kind == "PUNCT" and t.text == "." and t.depth in (depth, depth + 1):
            end_triple(k)
            if len(block) >= triples:
                emit()
        k += 1
    end_triple(end - 2)
    emit()
    return pieces


def _edited(text: str, edits: list[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end, replacement) applied; the spans come from the lexer and do not overlap."""
    out, last = [], 0
    for start, end, replacement in sorted(edits):
        out.append(text[last:start])
        out.append(replacement)
        last = end
    out.append(text[last:])
    return "".join(out)
