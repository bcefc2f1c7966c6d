"""The prefixes that Turtle and TriG written by geokg declare: the ontology's own, and the data's namespaces
under the base (actor:, article:, graph:, ...), so that a twin or an export reads as terms, not full URIs."""

import functools
import gzip
import os
import re

import pyoxigraph as ox

from geokg.ontology import ONTOLOGY_PATH

# The kinds of node the loaders mint under {base}/id/, each a namespace of its own.
DATA_KINDS = ("actor", "article", "relation", "event", "claim")
_PREFIX_LINE = re.compile(r"^@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*\.", re.MULTILINE)
_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "ntriples": ox.RdfFormat.N_TRIPLES,
            "nquads": ox.RdfFormat.N_QUADS}


@functools.lru_cache(maxsize=1)
def ontology_prefixes() -> dict[str, str]:
    """The prefixes the ontology file declares, as it declares them."""
    return {name: iri for name, iri in _PREFIX_LINE.findall(ONTOLOGY_PATH.read_text(encoding="utf-8")) if name}


def prefixes(base: str) -> dict[str, str]:
    """The ontology's prefixes and one for each namespace of the data under ``base``."""
    data = {kind: f"{base}/id/{kind}/" for kind in DATA_KINDS}
    data["graph"] = f"{base}/graph/"
    return {**ontology_prefixes(), **data}


def with_prefixes(data, source: str, target: str, base: str, output=None):
    """``data`` (N-Triples or N-Quads bytes, or a file path) rewritten as Turtle or TriG with the prefixes,
    parsed and written by the engine as a stream (into ``output`` when given, else returned as bytes). The
    same graph: only the spelling of its IRIs changes."""
    declared = prefixes(base)
    if isinstance(data, bytes):
        # Only the prefixes the data uses are declared: every IRI of N-Triples and N-Quads is written whole
        # after a "<", so a namespace is used when "<" and the namespace occur together.
        declared = {name: iri for name, iri in declared.items() if b"<" + iri.encode() in data}
        parsed = ox.parse(data, format=_FORMATS[source])
    else:
        parsed = ox.parse(path=str(data), format=_FORMATS[source])
    return ox.serialize(parsed, output, format=_FORMATS[target], prefixes=declared)


def graph_trig(ntriples: bytes, graph: str, base: str) -> bytes:
    """One named graph's triples (N-Triples) as TriG with the prefixes its triples and its name use."""
    if not ntriples.strip():
        return f"<{graph}> {{\n}}\n".encode()
    name = ox.NamedNode(graph)
    declared = {prefix: iri for prefix, iri in prefixes(base).items()
                if b"<" + iri.encode() in ntriples or graph.startswith(iri)}
    quads = (ox.Quad(t.subject, t.predicate, t.object, name) for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=declared)


def export(store, fmt: str, base: str) -> bytes:
    """The whole dataset as `geokg export` writes it to standard output: N-Quads as the store dumps them;
    TriG with the prefixes."""
    if fmt != "trig":
        return store.dump(fmt)
    return with_prefixes(store.dump("nquads"), "nquads", "trig", base)


def export_file(store, path: str, fmt: str, base: str) -> int:
    """The whole dataset into a file, as ``export`` writes it (gzip-compressed when the name ends in .gz);
    TriG is rewritten from the store's N-Quads dump file by file, so memory stays flat, and it appears
    under its name only once whole. Returns the file's size in bytes."""
    path = str(path)
    if fmt != "trig":
        return store.dump_file(path, fmt)
    quads, partial = f"{path}.{os.getpid()}.nq", f"{path}.{os.getpid()}.partial"
    try:
        store.dump_file(quads, "nquads")
        with (gzip.open(partial, "wb", compresslevel=6) if path.endswith(".gz") else open(partial, "wb")) as out:
            with_prefixes(quads, "nquads", "trig", base, out)
        os.replace(partial, path)
    finally:
        for leftover in (quads, partial):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return os.path.getsize(path)
