"""Content negotiation as tables: media types for result sets and for graphs, and a q-value-aware chooser."""

RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/rdf+xml": "rdfxml",
    "application/xml": "rdfxml",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "html": "text/html; charset=utf-8",
}
SUFFIXES = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml", "json": "json", "csv": "csv"}
DEFAULT = {"bindings": "json", "boolean": "json", "graph": "turtle"}
# Names clients send in format=, output= or results= (SPARQLWrapper sends all three, Jena and curl users
# one): short names and media types. A name means what suits the query: "json" is SPARQL results JSON for
# SELECT and ASK but JSON-LD for CONSTRUCT; "xml" is results XML or RDF/XML; N3 is answered as Turtle,
# which is N3.
RESULT_NAMES = {
    **RESULT_TYPES, "json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv",
    "html": "html", "text/html": "html",
}
GRAPH_NAMES = {
    **GRAPH_TYPES, "turtle": "turtle", "ttl": "turtle", "application/turtle": "turtle", "n3": "turtle",
    "text/n3": "turtle", "text/rdf+n3": "turtle", "application/n3": "turtle",
    "json": "jsonld", "jsonld": "jsonld", "json-ld": "jsonld", "application/x-json+ld": "jsonld",
    "xml": "rdfxml", "rdf": "rdfxml", "rdfxml": "rdfxml", "rdf+xml": "rdfxml", "rdf/xml": "rdfxml",
    "text/xml": "rdfxml", "nt": "ntriples", "ntriples": "ntriples", "n-triples": "ntriples",
    "nq": "nquads", "nquads": "nquads", "n-quads": "nquads", "trig": "trig", "html": "html", "text/html": "html",
}


def _ranges(header: str | None) -> list[tuple[int, str, float]]:
    """(position, media range, q) for each range of an Accept header, in the client's order."""
    if not header:
        return [(0, "*/*", 1.0)]
    ranges = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((position, media, q))
    return ranges


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, best first; ties keep the client's order."""
    return [(media, q) for _, media, q in sorted(_ranges(header), key=lambda r: (-r[2], r[0]))]


def _specificity(media_range: str, media: str) -> int | None:
    if media_range == media:
        return 2
    if media_range.endswith("/*") and media_range != "*/*" and media.startswith(media_range[:-1]):
        return 1
    return 0 if media_range == "*/*" else None


def _quality(ranges, media: str) -> tuple[float, int, int] | None:
    """(q, specificity, position) of the most specific range that matches ``media``, as HTTP rates it."""
    best = None
    for position, media_range, q in ranges:
        specificity = _specificity(media_range, media)
        if specificity is not None and (best is None or specificity > best[1]):
            best = (q, specificity, position)
    return best


def choose(header: str | None, table: dict[str, str], default: str, extra: tuple[str, ...] = ()) -> str | None:
    """The best format for an Accept header among a table's types and ``extra`` text/* names ("html").

    Each type is rated by the most specific range that matches it, so "text/turtle;q=0, */*" refuses
    Turtle although the wildcard would take it. A wildcard stands for the types we answer with, not for
    aliases (application/x-turtle is chosen only by name). Ties go to the range the client listed
    first, then to ``default``. None means nothing is acceptable (406).
    """
    ranges = _ranges(header)
    candidates = list(table.items()) + [(f"text/{name}", name) for name in extra]
    best = None
    for order, (media, fmt) in enumerate(candidates):
        rating = _quality(ranges, media)
        if rating is None or rating[0] <= 0:
            continue
        q, specificity, position = rating
        if specificity < 2 and media != MEDIA_TYPES[fmt].split(";")[0]:
            continue
        key = (-q, position, fmt != default, order)
        if best is None or key < best[0]:
            best = (key, fmt)
    return best[1] if best else None


def named_format(names: list[str], kind: str) -> str | None:
    """The format the first known name asks for, for a query result ``kind``; None when none fits it."""
    table = GRAPH_NAMES if kind == "graph" else RESULT_NAMES
    for name in names:
        fmt = table.get(name.split(";")[0].strip().lower())
        if fmt:
            return fmt
    return None


def known_format_name(name: str) -> bool:
    """True when a name means a format of some kind of result."""
    name = name.split(";")[0].strip().lower()
    return name in RESULT_NAMES or name in GRAPH_NAMES


def kind_table(kind: str) -> dict[str, str]:
    """The media-type table for a query result kind."""
    return GRAPH_TYPES if kind == "graph" else RESULT_TYPES
