"""Writing one GDELT file into a store as it is read: in parts of about PART_TRIPLES triples, each its own
graph and its own transaction, then the file's record in the files graph, in one small update that is the moment
the file counts as loaded. Memory holds one part whatever the file's size.

A file's graphs are the parts its record names (``gk:part``). A load that fails or is killed leaves parts that no
record names; they are dropped before the file is loaded again, and a bad row drops the parts already written,
so that the file loads nothing. Loading a file whose content hash its record already holds does nothing."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from geokg.loaders.errors import LoadError, Problem
from geokg.loaders.gdelt.mapping import FieldError, RowMapper, file_graph
from geokg.loaders.gdelt.reading import column_of, open_table, rows, sniff
from geokg.loaders.ids import Ids
from geokg.loaders.mapping import nquads, ntriples_text, text_literal
from geokg.ontology import GK

# About 15 MB of N-Quads text a part: the bulk ingestion of a part is one batch (a million quads is its limit),
# and RSS stays near the engine's own while a file of any size streams through.
PART_TRIPLES = 100_000
_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@dataclass
class GdeltLoaded:
    """What one GDELT file became: its graph (the prefix of its parts), rows and triples, or that it was
    already loaded with the same content."""

    path: str
    graph: str
    rows: int
    triples: int
    parts: list[str]
    skipped: bool = False


def content_hash(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


def _record(store, files_graph: str, graph: str) -> tuple[str | None, list[str]]:
    """The content hash and the parts the files graph records for a file's graph."""
    found = store.query(f"""SELECT ?h ?p WHERE {{ GRAPH <{files_graph}> {{
  <{graph}> <{GK.contentHash}> ?h . OPTIONAL {{ <{graph}> <{GK.part}> ?p }} }} }}""").texts()
    digest, parts = None, []
    for row in found:
        digest = row["h"]
        if row.get("p"):
            parts.append(row["p"])
    return digest, parts


def known_state_nodes(store, ids: Ids) -> dict[str, str]:
    """Wikidata id -> the actor node the actors graph already has for it, so GDELT's states join those nodes."""
    graph = ids.dataset_graph("actors")
    found = store.query(f"""SELECT ?a ?q WHERE {{ GRAPH <{graph}> {{ ?a <{_SAME_AS}> ?q
  FILTER(STRSTARTS(STR(?q), "http://www.wikidata.org/entity/Q")) }} }}""").texts()
    return {row["q"].rsplit("/", 1)[1]: row["a"] for row in found}


def _drop(store, graphs) -> None:
    for graph in graphs:
        store.update(f"DROP SILENT GRAPH <{graph}>")


def _write_part(store, graph: str, lines: list[str]) -> None:
    ntriples = ntriples_text(lines)
    add = getattr(store, "add_graphs", None)
    if add is None or not add(nquads(graph, ntriples), [graph]):
        store.replace_graphs({graph: ntriples})


def load_gdelt(store, path: str | Path, ids: Ids, progress=None, part_triples: int = PART_TRIPLES) -> GdeltLoaded:
    """Load one GDELT table (1.0 or 2.0 events, 2.0 mentions; plain or zipped): all of it or, on the first bad
    row, nothing (LoadError with file, line and column). ``progress(rows)`` is called after each part."""
    path = Path(path)
    layout = sniff(path)
    if layout is None:
        raise LoadError([Problem(str(path), "not a GDELT table: its first row is no GDELT events or mentions row")])
    graph = file_graph(ids, path.name)
    files_graph = str(ids.dataset_graph("files"))
    digest = content_hash(path)
    recorded, recorded_parts = _record(store, files_graph, graph)
    if recorded == digest:
        return GdeltLoaded(str(path), graph, 0, 0, recorded_parts, skipped=True)
    # Parts of an interrupted or failed load of this file: no record names them.
    prefix = graph + "/"
    _drop(store, [g for g in store.graphs() if g.startswith(prefix) and g not in recorded_parts])

    mapper = RowMapper(layout, ids, known_state_nodes(store, ids))
    parts, lines, count, triples = [], [], 0, 0
    run = digest.split(":")[1][:12]

    def flush():
        nonlocal triples
        part = f"{prefix}{run}/{len(parts) + 1}"
        parts.append(part)
        _write_part(store, part, lines)
        triples += len(lines)
        lines.clear()
        mapper.fresh()
        if progress:
            progress(count)

    try:
        with open_table(path) as (stream, name):
            for number, values in rows(stream, name, layout):
                try:
                    lines.extend(mapper.row(values))
                except FieldError as exc:
                    raise LoadError([Problem(name, exc.message, number, field=column_of(layout, exc.column))]) from None
                count += 1
                if len(lines) >= part_triples:
                    flush()
        if lines or not parts:
            flush()
    except BaseException:
        _drop(store, parts)
        raise
    record = [f"<{graph}> <{GK.contentHash}> {text_literal(digest)}",
              f"<{graph}> <{_LABEL}> {text_literal(path.name)}"] + [f"<{graph}> <{GK.part}> <{p}>" for p in parts]
    body = " .\n".join(record)
    store.update(f"DELETE WHERE {{ GRAPH <{files_graph}> {{ <{graph}> ?p ?o }} }} ;\n"
                 f"INSERT DATA {{ GRAPH <{files_graph}> {{\n{body} .\n}} }}")
    _drop(store, recorded_parts)
    store.flush()
    return GdeltLoaded(str(path), graph, count, triples, parts)
