"""The shared load step: read, check and map files, and write them in chunks, each in one transaction."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from geokg.loaders.errors import LoadError, Problem
from geokg.loaders.ids import Ids, article_slug
from geokg.loaders.linking.offline import known_qid
from geokg.loaders.mapping import claims_ntriples, nquads, ntriples_text
from geokg.loaders.registry import format_for
from geokg.loaders.resolution import Resolver
from geokg.store.embedded import ontology_ntriples
from geokg.store.writing import graph_write_update, replace_graphs_update
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
    keeps a chunk's memory to about its text's size), and what its actors add to the actors graph."""

    loaded: Loaded
    ntriples: str
    actors: str = ""


def parse(path: str | Path):
    """One file read and checked, with its article's text; nothing is mapped or written."""
    path = Path(path)
    doc = format_for(path).parse(read_source(path), str(path))
    if doc.body is None:
        doc.body = article_body(path, doc)
    return doc


def is_article(path) -> bool:
    """Whether a path is an article, whose reading (extraction) is what other processes can take over."""
    try:
        return format_for(path).name == "article"
    except LoadError:
        return False


def read_one(path: str | Path, stream=None):
    """``parse`` of one file, with the claims extracted from it when it is an article (else None): from
    ``stream``, the results of other processes in the order of the articles, when it is given."""
    if not is_article(path):
        return parse(path), None
    if stream is None:
        from geokg.loaders.parallel import extract_article

        return extract_article(str(path))
    from geokg.loaders.parallel import outcome

    return outcome(str(path), next(stream))


def expand_paths(paths) -> list[str]:
    """The paths to load: a folder stands for the files directly in it that a format reads (by suffix),
    sorted by name; a file stands for itself, whatever its suffix (so its problem names it)."""
    out = []
    for path in map(Path, paths):
        if not path.is_dir():
            out.append(str(path))
            continue
        files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        found = []
        for file in files:
            try:
                format_for(file)
            except LoadError:
                continue
            found.append(str(file))
        if not found:
            raise LoadError([Problem(str(path), "a folder with no file that geokg loads "
                                                "(claims .yaml/.yml/.json, articles .txt/.html)")])
        out.extend(found)
    return out


def prepare(path: str | Path, doc, ids: Ids, validate: bool = False, actors: list[str] = ()) -> Prepared:
    """One checked file mapped (with the URIs its actors were resolved to, if they were); nothing is written.
    With ``validate``, its graph also goes through pyshacl (the checked records can only map to conforming
    graphs: tests/test_shapes_proof.py)."""
    graph_iri, triples = claims_ntriples(doc, ids)
    if validate:
        from geokg.loaders.mapping import claims_to_graph
        from geokg.loaders.shacl import shacl_problems

        problems = shacl_problems(claims_to_graph(doc, ids)[1], str(path))
        if problems:
            raise LoadError(problems)
    return Prepared(Loaded(str(path), article_slug(doc.article), graph_iri, len(triples)), ntriples_text(triples),
                    ntriples_text(list(actors)))


def write_chunk(store, chunk: list[Prepared], ontology: bool = False, actors_graph: str | None = None) -> None:
    """The chunk's graphs, replacing any that exist, and its additions to the actors graph, in one
    transaction; then, if asked, the ontology's."""
    graphs = [p.loaded.graph for p in chunk]
    memory = "".join(p.actors for p in chunk)
    add = getattr(store, "add_graphs", None)
    # The actors graph is added to, never replaced: it is not among the graphs that must be new.
    text = "".join(nquads(p.loaded.graph, p.ntriples) for p in chunk) + (nquads(actors_graph, memory) if memory else "")
    if add is None or not add(text, graphs):
        replaced = {p.loaded.graph: p.ntriples for p in chunk}
        if memory:
            store.update(replace_graphs_update(replaced) + " ;\n" + graph_write_update(actors_graph, memory, False))
        else:
            store.replace_graphs(replaced)
    if ontology:
        # Its own small transaction, so that a chunk of new graphs needs no SPARQL; the ontology is the same
        # text at every load of one version.
        store.replace_graphs({ONTOLOGY_IRI: ontology_ntriples()})


def _written(store, chunk: list[Prepared], ontology: bool, actors_graph: str) -> list[Loaded]:
    write_chunk(store, chunk, ontology, actors_graph)
    return [p.loaded for p in chunk]


def offline_qid(actor) -> str | None:
    """The Wikidata id known offline for an actor's name and type (loaders/linking/offline.py): so a claims
    file that writes "the U.S." and one that writes "United States" join one node without aliases or ids."""
    return known_qid(actor.name, actor.type)


def load_paths(store, paths, ids: Ids, progress=None, validate: bool = False, chunk_files: int = CHUNK_FILES,
               chunk_triples: int = CHUNK_TRIPLES, qid_of=offline_qid, extractors=None,
               extracted=None) -> list[Loaded]:
    """Load files in chunks of at most ``chunk_files`` files or about ``chunk_triples`` triples, in the
    order given, each chunk in one transaction, so memory holds a chunk or two whatever the number of
    files. A chunk is written only when all of its files and all earlier chunks were good: one bad file,
    and its chunk and every later one are not written, while the files after it are still checked, so
    that the LoadError lists every problem; it says which files were loaded before (LoadError.loaded).
    A chunk is written in a second thread while the next one is read (the engine lets go of the GIL).

    Each ``chunk_files`` files are read before any is mapped, so that their actors are resolved to nodes
    together (loaders/resolution.py; ``qid_of(actor)`` may know Wikidata ids the files do not give).

    With ``extractors`` (loaders/parallel.py), articles are read and extracted in other processes, ahead of
    the load, and taken in the order given; claims files, which take a millisecond, are read here. Nothing
    else changes: resolution, mapping and writing stay in this process, in the same order, so the store
    ends the same. ``extracted(path, claims)`` is called with the claims extracted from each article."""
    paths = list(paths)
    stream = None
    if extractors is not None:
        articles = [str(path) for path in paths if is_article(path)]
        stream = iter(extractors.results(articles)) if articles else None
    resolver = Resolver(store, ids, qid_of)
    actors_graph = str(ids.dataset_graph("actors"))
    problems, seen, loaded, chunk, batch = [], {}, [], [], []
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
                pending = writer.submit(_written, store, written, ontology, actors_graph)
            chunk.clear()

        def settle(write: bool = True):
            """Resolve, map and queue the files read since the last time; once a file was bad, only check them."""
            write = write and not problems
            additions = resolver.resolve([doc for _, doc in batch]) if write else [[] for _ in batch]
            size = 0
            for (path, doc), lines in zip(batch, additions):
                if not (write or validate):
                    continue
                try:
                    item = prepare(path, doc, ids, validate, lines)
                except LoadError as exc:
                    problems.extend(exc.problems)
                    continue
                if not write:
                    continue
                chunk.append(item)
                size += item.loaded.triples
                if size >= chunk_triples:
                    flush()
                    size = 0
            batch.clear()
            flush()

        for path in paths:
            try:
                doc, claims = read_one(path, stream)
                if claims is not None and extracted:
                    extracted(path, claims)
            except LoadError as exc:
                settle(write=False)
                problems.extend(exc.problems)
            else:
                graph = str(ids.graph(article_slug(doc.article)))
                if graph in seen:
                    settle(write=False)
                    problems.append(Problem(str(path), f"describes the same article as {seen[graph]}"))
                else:
                    seen[graph] = str(path)
                    batch.append((path, doc))
            if progress:
                progress(1)
            if len(batch) >= chunk_files:
                settle()
        settle()
        landed()
    store.flush()
    if problems:
        raise LoadError(problems, loaded=[item.path for item in loaded])
    return loaded
