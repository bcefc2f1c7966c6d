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


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, best first; ties keep the client's order."""
    if not header:
        return [("*/*", 1.0)]
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
    ranges.sort(key=lambda r: (-r[2], r[0]))
    return [(media, q) for _, media, q in ranges]


def _matches(media_range: str, media: str) -> bool:
    if media_range == "*/*":
        return True
    if media_range.endswith("/*"):
        return media.startswith(media_range[:-1])
    return media_range == media


def choose(header: str | None, table: dict[str, str], default: str, extra: tuple[str, ...] = ()) -> str | None:
    """The best format for an Accept header among a table's types and ``extra`` text/* names ("html").

    A wildcard picks ``default`` where it can; None means nothing is acceptable (406).
    """
    candidates = list(table.items()) + [(f"text/{name}", name) for name in extra]
    for media_range, q in parse_accept(header):
        if q <= 0:
            continue
        matching = [fmt for media, fmt in candidates if _matches(media_range, media)]
        if matching:
            return default if default in matching else matching[0]
    return None


def kind_table(kind: str) -> dict[str, str]:
    """The media-type table for a query result kind."""
    return GRAPH_TYPES if kind == "graph" else RESULT_TYPES
