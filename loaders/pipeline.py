"""The shared load step: read, map, validate every file first, then write all graphs in one transaction."""

from dataclasses import dataclass
from pathlib import Path

from geokg.loaders.errors import LoadError, Problem
from geokg.loaders.ids import Ids, article_slug
from geokg.loaders.mapping import claims_to_graph
from geokg.loaders.registry import format_for
from geokg.loaders.shacl import shacl_problems
from geokg.loaders.store import ontology_ntriples
from geokg.ontology import ONTOLOGY_IRI


@dataclass
class Loaded:
    """What one file became."""

    path: str
    article: str
    graph: str
    triples: int


def read_source(path: Path, named_by: str | None = None, field: str | None = None) -> bytes:
    """The bytes of a file, or a LoadError that names it (and the file and field that named it)."""
    try:
        return path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if named_by:
            raise LoadError([Problem(named_by, f"{path}: {reason}", field=field)]) from None
        raise LoadError([Problem(str(path), reason)]) from None


def article_body(path: Path, doc) -> str | None:
    """The article text for a claims file: the file its ``text`` field names (relative to the claims
    file), else a text file of the article's name beside it, else None."""
    if doc.text_file:
        from geokg.loaders.article import article_text

        target = path.parent / doc.text_file
        return article_text(read_source(target, str(path), "text"), str(target))
    candidate = path.parent / Path(doc.article).name
    if candidate != path and candidate.suffix.lower() in (".txt", ".text") and candidate.is_file():
        return candidate.read_text(encoding="utf-8", errors="replace")
    return None


def prepare(path: str | Path, ids: Ids):
    """One file as (Loaded, N-Triples), checked against the shapes; nothing is written."""
    path = Path(path)
    fmt = format_for(path)
    doc = fmt.parse(read_source(path), str(path))
    if doc.body is None:
        doc.body = article_body(path, doc)
    graph_uri, graph = claims_to_graph(doc, ids)
    problems = shacl_problems(graph, str(path))
    if problems:
        raise LoadError(problems)
    loaded = Loaded(str(path), article_slug(doc.article), str(graph_uri), len(graph))
    return loaded, graph.serialize(format="nt")


def load_paths(store, paths, ids: Ids, progress=None) -> list[Loaded]:
    """Load files into the store all or nothing: one bad file and the store is left as it was."""
    prepared, problems, seen = {}, [], {}
    loaded = []
    for path in paths:
        try:
            item, ntriples = prepare(path, ids)
        except LoadError as exc:
            problems.extend(exc.problems)
        else:
            if item.graph in seen:
                problems.append(Problem(str(path), f"describes the same article as {seen[item.graph]}"))
                continue
            seen[item.graph] = item.path
            prepared[item.graph] = ntriples
            loaded.append(item)
        if progress:
            progress(1)
    if problems:
        raise LoadError(problems)
    # The ontology graph is refreshed in the same transaction as the articles.
    prepared[ONTOLOGY_IRI] = ontology_ntriples()
    store.replace_graphs(prepared)
    store.flush()
    return loaded
