"""The shared load step: read, check and map files, and write them in chunks, each in one transaction."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from geokg.loaders.errors import LoadError, Problem
from geokg.loaders.ids import Ids, article_slug
from geokg.loaders.mapping import claims_ntriples, nquads, ntriples_text
from geokg.loaders.registry import format_for
from geokg.loaders.store import ontology_ntriples
from geokg.ontology import ONTOLOGY_IRI

# About 3 MiB of N-Quads text a chunk at the benchmark's 320 triples a file. Peak RSS on the benchmark
# (100, 500, 1,000 files): 74, 82, 84 MiB with chunks of 50 files; 88, 105, 106-111 with 100, for the same
# CPU; the engine's share grows with the chunk.
CHUNK_FILES = 50
CHUNK_TRIPLES = 25_000


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


@dataclass
class Prepared:
    """One checked file, mapped and ready to write: its triples as one N-Triples text (one string a file
    keeps a chunk's memory to about its text's size)."""

    loaded: Loaded
    ntriples: str


def prepare(path: str | Path, ids: Ids, validate: bool = False) -> Prepared:
    """One file read, checked and mapped; nothing is written. With ``validate``, its graph also goes through
    pyshacl (the checked records can only map to conforming graphs: tests/test_shapes_proof.py)."""
    path = Path(path)
    fmt = format_for(path)
    doc = fmt.parse(read_source(path), str(path))
    if doc.body is None:
        doc.body = article_body(path, doc)
    graph_iri, triples = claims_ntriples(doc, ids)
    if validate:
        from geokg.loaders.mapping import claims_to_graph
        from geokg.loaders.shacl import shacl_problems

        problems = shacl_problems(claims_to_graph(doc, ids)[1], str(path))
        if problems:
            raise LoadError(problems)
    return Prepared(Loaded(str(path), article_slug(doc.article), graph_iri, len(triples)), ntriples_text(triples))


def write_chunk(store, chunk: list[Prepared], ontology: bool = False) -> None:
    """The chunk's graphs, replacing any that exist, in one transaction; then, if asked, the ontology's."""
    graphs = [p.loaded.graph for p in chunk]
    add = getattr(store, "add_graphs", None)
    if add is None or not add("".join(nquads(p.loaded.graph, p.ntriples) for p in chunk), graphs):
        store.replace_graphs({p.loaded.graph: p.ntriples for p in chunk})
    if ontology:
        # Its own small transaction, so that a chunk of new graphs needs no SPARQL; the ontology is the same
        # text at every load of one version.
        store.replace_graphs({ONTOLOGY_IRI: ontology_ntriples()})


def _written(store, chunk: list[Prepared], ontology: bool) -> list[Loaded]:
    write_chunk(store, chunk, ontology)
    return [p.loaded for p in chunk]


def load_paths(store, paths, ids: Ids, progress=None, validate: bool = False, chunk_files: int = CHUNK_FILES,
               chunk_triples: int = CHUNK_TRIPLES) -> list[Loaded]:
    """Load files in chunks of at most ``chunk_files`` files or about ``chunk_triples`` triples, in the
    order given, each chunk in one transaction, so memory holds a chunk or two whatever the number of
    files. A chunk is written only when all of its files and all earlier chunks were good: one bad file,
    and its chunk and every later one are not written, while the files after it are still checked, so
    that the LoadError lists every problem; it says which files were loaded before (LoadError.loaded).
    A chunk is written in a second thread while the next one is read (the engine lets go of the GIL)."""
    problems, seen, loaded, chunk = [], {}, [], []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="geokg-load") as writer:
        pending = None

        def landed():
            nonlocal pending
            if pending is not None:
                done, pending = pending, None
                loaded.extend(done.result())

        def flush():
            nonlocal pending
            if chunk and not problems:
                written = list(chunk)
                ontology = pending is None and not loaded
                landed()
                pending = writer.submit(_written, store, written, ontology)
            chunk.clear()

        size = 0
        for path in paths:
            try:
                item = prepare(path, ids, validate)
            except LoadError as exc:
                problems.extend(exc.problems)
            else:
                if item.loaded.graph in seen:
                    problems.append(Problem(str(path), f"describes the same article as {seen[item.loaded.graph]}"))
                else:
                    seen[item.loaded.graph] = item.loaded.path
                    if not problems:
                        chunk.append(item)
                        size += item.loaded.triples
            if progress:
                progress(1)
            if len(chunk) >= chunk_files or size >= chunk_triples:
                flush()
                size = 0
        flush()
        landed()
    store.flush()
    if problems:
        raise LoadError(problems, loaded=[item.path for item in loaded])
    return loaded
