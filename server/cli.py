"""The geokg command line: load, serve, query and export, each on the store named by --store."""

import argparse
import importlib.util
import os
import sys
from pathlib import Path

from geokg import __version__
from geokg.loaders.errors import GeokgError, LoadError
from geokg.loaders.ids import DEFAULT_BASE, Ids
from geokg.server.config import MEMORY, check_base

RESULT_CHOICES = ("table", "json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld", "rdfxml")


def _store_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", default=os.environ.get("GEOKG_STORE", "geokg-store"),
                        help=f"store directory, {MEMORY}, an http(s) URL of a SPARQL store, or a .toml/.json file "
                             "naming one; only `load` creates a missing directory (default: $GEOKG_STORE or "
                             "./geokg-store)")
    common.add_argument("--base", default=os.environ.get("GEOKG_BASE", DEFAULT_BASE),
                        help="base URI of minted identifiers (default: $GEOKG_BASE or %(default)s)")
    return common


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    common = _store_options()
    parser = argparse.ArgumentParser(prog="geokg", description=__doc__)
    parser.add_argument("--version", action="version", version=f"geokg {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    load = commands.add_parser("load", parents=[common], help="load claims files or articles (all or nothing)")
    load.add_argument("paths", nargs="+", metavar="PATH",
                      help="claims files (.yaml, .yml, .json) or articles (.txt, .html), which are extracted first, "
                           "or folders of them")
    load.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                      help="extract articles in N worker processes (default: 1, in this process)")
    load.add_argument("--dask", metavar="ADDRESS",
                      help="extract articles on the Dask cluster whose scheduler is at ADDRESS "
                           "(tcp://HOST:8786); the store is written here (default: none, articles are extracted on this machine)")
    load.add_argument("--review-dir", metavar="DIR", help="where extracted claims files are written for review "
                                                          "(default: STORE-claims next to the store)")
    load.add_argument("--validate", action="store_true",
                      help="also check each file's graph with pyshacl against the shapes (slow; checked claims "
                           "always map to conforming graphs, see the README; default: off)")
    load.set_defaults(run=cmd_load)

    extract = commands.add_parser("extract", help="extract claims files from articles (text or HTML)")
    extract.add_argument("articles", metavar="ARTICLE", nargs="+",
                         help="one or more articles; several are extracted in one process")
    extract.add_argument("-o", "--output", metavar="OUT",
                         help="for one article, the claims file to write; for several, the folder to write "
                              "NAME.yaml files into (default: standard output for one, the current folder for "
                              "several)")
    extract.set_defaults(run=cmd_extract)

    serve = commands.add_parser("serve", parents=[common], help="serve the SPARQL endpoint and entity pages")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on; 0.0.0.0 for every interface (default: %(default)s)")
    serve.add_argument("--port", type=int, default=5000, help="port to listen on (default: %(default)s)")
    serve.add_argument("--demo", action="store_true",
                       help="serve the shipped seed article from a temporary store, not --store (default: off)")
    serve.add_argument("--create", action="store_true",
                       help="create --store if it holds no store yet, for a server written through /sparql and "
                            "the Graph Store (default: off: a missing store is refused, so a typo is not served)")
    serve.add_argument("--timeout", type=float, help="seconds a query may run before it is stopped "
                                                     "(default: $GEOKG_TIMEOUT or 30)")
    serve.add_argument("--workers", type=int, help="query worker processes (default: $GEOKG_WORKERS or 2)")
    serve.set_defaults(run=cmd_serve)

    query = commands.add_parser("query", parents=[common], help="run a named query, a .rq file or SPARQL text")
    query.add_argument("query", metavar="NAME|FILE|SPARQL",
                       help="a named query (`geokg queries` lists them), a .rq file, or SPARQL text")
    query.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                       help="a named query's parameter (repeatable; default: the query's own defaults)")
    query.add_argument("-f", "--format", choices=RESULT_CHOICES, default="table",
                       help="how the answer is written to standard output (default: %(default)s)")
    query.set_defaults(run=cmd_query)

    listing = commands.add_parser("queries", help="list the named queries and their parameters")
    listing.set_defaults(run=cmd_queries)

    link = commands.add_parser("link", parents=[common], help="link actors and places to Wikidata and DBpedia")
    link.add_argument("--endpoint", default=os.environ.get("GEOKG_WIKIDATA_ENDPOINT"), metavar="URL",
                      help="Wikidata's SPARQL endpoint (default: $GEOKG_WIKIDATA_ENDPOINT or "
                           "https://query.wikidata.org/sparql)")
    link.add_argument("--dbpedia", default=os.environ.get("GEOKG_DBPEDIA_ENDPOINT"), metavar="URL",
                      help="DBpedia's SPARQL endpoint (default: $GEOKG_DBPEDIA_ENDPOINT or https://dbpedia.org/sparql)")
    link.add_argument("--no-dbpedia", action="store_true",
                      help="ask DBpedia nothing: its resources come from English Wikipedia sitelinks alone "
                           "(default: off)")
    link.add_argument("--accept", nargs=2, action="append", default=[], metavar=("ACTOR", "QID"),
                      help="record that ACTOR (URI or name) is the Wikidata entity QID (repeatable; default: none)")
    link.add_argument("--reject", nargs=2, action="append", default=[], metavar=("ACTOR", "QID"),
                      help="record that ACTOR is not QID; no later run links them (repeatable; default: none)")
    link.add_argument("--list-review", action="store_true",
                      help="list the candidates waiting for a person, and change nothing (default: off)")
    link.add_argument("--cache", metavar="DIR", help="where answers are kept (default: $GEOKG_LINK_CACHE or "
                                                     "$XDG_CACHE_HOME/geokg/sparql)")
    link.add_argument("--contact", metavar="EMAIL|URL",
                      help="how the endpoints' operators can reach you, sent in the User-Agent "
                           "(default: $GEOKG_CONTACT)")
    link.add_argument("--timeout", type=float, help="seconds to wait for one answer "
                                                    "(default: $GEOKG_LINK_TIMEOUT or 65)")
    link.add_argument("--retries", type=int, default=3, help="retries after 429/503 or an empty answer "
                                                             "(default: %(default)s)")
    link.add_argument("--max-wait", type=float, default=120.0,
                      help="the longest Retry-After honoured, in seconds; a longer one stops the run "
                           "(default: %(default)s)")
    link.add_argument("--batch", type=int, default=40, help="actors asked about in one query (default: %(default)s)")
    link.set_defaults(run=cmd_link)

    export = commands.add_parser("export", parents=[common], help="dump every graph as N-Quads or TriG")
    export.add_argument("-f", "--format", choices=("nquads", "trig"), default="nquads",
                        help="the dataset's serialisation (default: %(default)s)")
    export.add_argument("-o", "--output", metavar="FILE",
                        help="file to write, gzip-compressed when it ends in .gz; written whole or not at all "
                             "(default: standard output)")
    export.set_defaults(run=cmd_export)
    return parser


def _open(args, create: bool = False):
    """The store named by --store; only a command that writes (load) may create a missing one."""
    # Imported here, as the query catalogue is below: `geokg extract` needs neither the store nor rdflib.
    from geokg.store import open_store, require_store

    location = None if args.store == MEMORY else args.store
    if not create:
        require_store(location)
    return open_store(location)


def cmd_extract(args) -> int:
    if len(args.articles) == 1:
        article = Path(args.articles[0])
        if args.output:
            _writable(Path(args.output))
        try:
            text, warnings = _review_of(article, Path(args.output) if args.output else None)
        except LoadError as exc:
            for line in _failures(article, exc):
                print(line, file=sys.stderr)
            return 1
        # A warning in the file alone goes unseen when the file is written somewhere else: say it here too.
        for warning in warnings:
            print(f"geokg extract: {article}: {warning}", file=sys.stderr)
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    return _extract_many([Path(a) for a in args.articles], Path(args.output or "."))


def _review_of(article: Path, target: Path | None) -> tuple[str, list[str]]:
    """The review YAML of one article (`text:` relative to where it is written), and its warnings."""
    from geokg.loaders.article import extract_claims
    from geokg.loaders.pipeline import read_source
    from geokg.loaders.review import review_yaml

    claims = extract_claims(read_source(article), str(article))
    return review_yaml(claims, article, target), claims.get("warnings", [])


def _failures(article: Path, exc: GeokgError) -> list[str]:
    """One line per problem of an article that could not be extracted, each naming it. Not the load report:
    its "nothing was loaded" would speak of a store that extraction never touches."""
    problems = exc.problems if isinstance(exc, LoadError) else [exc.message]
    return [f"geokg extract: {p if str(article) in str(p) else f'{article}: {p}'}" for p in problems]


def _writable(target: Path) -> None:
    """Refuse an output whose folder is missing before any work is done, in one line naming it."""
    folder = target.parent
    if not folder.is_dir():
        raise GeokgError(f"cannot write {target}: no folder {folder}", 1, "Bad output")


def _extract_many(articles: list[Path], folder: Path) -> int:
    """Each article to FOLDER/STEM.yaml in this one process (the parser and gazetteer load once). An article
    that fails is reported on one line and the others go on; the exit status is 1 if any failed."""
    from tqdm import tqdm

    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{folder}: with several articles, -o must be a folder")
    stems = [a.stem for a in articles]
    twice = sorted({s for s in stems if stems.count(s) > 1})
    if twice:
        raise ValueError(f"two articles would both write {folder / (twice[0] + '.yaml')}; rename one")
    folder.mkdir(parents=True, exist_ok=True)
    failed = 0
    with tqdm(total=len(articles), unit="article", desc="extracting", file=sys.stderr) as bar:
        for article in articles:
            target = folder / (article.stem + ".yaml")
            # tqdm.write prints to stdout unless told otherwise.
            try:
                text, warnings = _review_of(article, target)
                target.write_text(text, encoding="utf-8")
                for warning in warnings:
                    bar.write(f"geokg extract: {article}: {warning}", file=sys.stderr)
            except GeokgError as exc:
                failed += 1
                for line in _failures(article, exc):
                    bar.write(line, file=sys.stderr)
            except OSError as exc:
                failed += 1
                bar.write(f"geokg extract: {article}: {exc.strerror or exc}", file=sys.stderr)
            bar.update(1)
    print(f"extracted {len(articles) - failed} of {len(articles)} articles into {folder}", file=sys.stderr)
    return 1 if failed else 0


def _review_folder(args) -> Path:
    from geokg.store.remote_config import is_remote

    if args.review_dir:
        return Path(args.review_dir)
    # A store in memory or elsewhere has no folder to put them beside.
    if args.store == MEMORY or is_remote(args.store):
        return Path("geokg-claims")
    return Path(f"{args.store.rstrip('/')}-claims")


def _extractors(args):
    """Where articles are extracted: None for this process, else worker processes or a Dask cluster."""
    from geokg.loaders import parallel

    if args.dask and args.jobs != 1:
        raise ValueError("--jobs and --dask do not go together: a Dask cluster has its own workers")
    if args.dask:
        if importlib.util.find_spec("distributed") is None:
            raise ValueError("--dask needs Dask's distributed scheduler: pip install 'geokg[dask]'")
        try:
            return parallel.DaskCluster(args.dask)
        except OSError as exc:
            raise ValueError(f"--dask {args.dask}: no Dask scheduler answers there ({exc})") from None
    if args.jobs < 1:
        raise ValueError(f"--jobs must be 1 or more, got {args.jobs}")
    return parallel.LocalProcesses(args.jobs) if args.jobs > 1 else None


def cmd_load(args) -> int:
    from geokg.loaders.parallel import LocalProcesses
    from geokg.loaders.pipeline import expand_paths, is_article

    paths = expand_paths(args.paths)
    extractors = _extractors(args)
    if isinstance(extractors, LocalProcesses) and any(map(is_article, paths)):
        extractors.start()
    try:
        return _load(args, paths, extractors)
    finally:
        if extractors is not None:
            extractors.close()


def _load(args, paths: list[str], extractors) -> int:
    from tqdm import tqdm

    from geokg.loaders.pipeline import load_paths
    from geokg.loaders.review import review_yaml

    store = _open(args, create=True)
    reviews = []

    def extracted(path, claims):
        """The claims extracted from an article, written next to the store for a person to review."""
        folder = _review_folder(args)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / (Path(path).stem + ".yaml")
        target.write_text(review_yaml(claims, Path(path), target), encoding="utf-8")
        reviews.append((path, target))

    ids = Ids(check_base(args.base))
    # Streamed formats (GDELT tables) write themselves, each file all or nothing; they go after the claims
    # files and articles, so that their states meet the nodes those resolved.
    streamed, whole = [], []
    for path in paths:
        fmt = _streamed_format(path)
        if fmt is None:
            whole.append(path)
        else:
            streamed.append((path, fmt))
    loaded = []
    if whole:
        with tqdm(total=len(whole), unit="file", desc="loading", disable=len(whole) < 2, file=sys.stderr) as bar:
            loaded = load_paths(store, whole, ids, progress=bar.update,
                                validate=args.validate, extractors=extractors, extracted=extracted)
    for path, target in reviews:
        print(f"extracted {path} -> {target} (review it, then `geokg load {target}` to replace)")
    for item in loaded:
        print(f"loaded {item.path}: {item.triples} triples into <{item.graph}>")
    problems, done = [], [item.path for item in loaded]
    for path, fmt in streamed:
        with tqdm(unit="row", desc=Path(path).name, file=sys.stderr) as bar:
            def progress(rows, bar=bar):
                bar.update(rows - bar.n)

            try:
                result = fmt.load(store, path, ids, progress)
            except LoadError as exc:
                problems.extend(exc.problems)
                continue
        done.append(str(path))
        if result.skipped:
            print(f"skipped {path}: already loaded with the same content into <{result.graph}/...>")
        else:
            print(f"loaded {path}: {result.rows} rows, {result.triples} triples into <{result.graph}/...>")
            loaded.append(result)
    if problems:
        raise LoadError(problems, loaded=done)
    # Counting the whole store would read every quad of it, at every load.
    print(f"{store.describe()}: wrote {sum(item.triples for item in loaded)} triples "
          f"in {len(loaded)} graph{'s' if len(loaded) != 1 else ''}")
    return 0


def _streamed_format(path):
    """The format of a file that is streamed into the store by its own loader, else None."""
    from geokg.loaders.registry import format_for

    try:
        fmt = format_for(path)
    except LoadError:
        return None
    return fmt if fmt.load is not None else None


def cmd_serve(args) -> int:
    from geokg.server.app import create_app
    from geokg.store import require_store
    from geokg.store.remote_config import is_remote

    if not (args.demo or args.create) and args.store != MEMORY and not is_remote(args.store):
        require_store(args.store)
    config = {"GEOKG_STORE": args.store, "GEOKG_BASE": args.base, "GEOKG_DEMO": args.demo}
    if args.timeout is not None:
        config["GEOKG_TIMEOUT"] = args.timeout
    if args.workers is not None:
        config["GEOKG_WORKERS"] = args.workers
    app = create_app(config)
    store = app.extensions["geokg"].store
    where = "the seed article" if args.demo else store.describe()
    from waitress import create_server

    _raise_open_files(app.config["GEOKG_CONNECTION_LIMIT"] + 64)
    # waitress, not Flask's development server: it reads each request whole in its event loop before a
    # thread sees it, so slow clients cost a connection slot, not a thread. poll(), not select(), so
    # more than 1,024 sockets can be open; the limit sits well above what a slow-drip attack from one
    # host needs to lock out everyone else (the README says what to put in front for more).
    try:
        server = create_server(
            app, host=args.host, port=args.port, threads=max(8, 4 * app.config["GEOKG_WORKERS"]),
            connection_limit=app.config["GEOKG_CONNECTION_LIMIT"], asyncore_use_poll=True, channel_timeout=60,
            # waitress refuses at its limit and counts chunk framing: leave the app's own 413 room to answer.
            max_request_body_size=max(app.config["GEOKG_MAX_UPLOAD_BYTES"],
                                      app.config["GEOKG_MAX_QUERY_BYTES"]) + 65536,
            ident="geokg")
    except OSError as exc:
        # The socket is bound before "serving" is said: a busy port is one line, not a traceback after it.
        store.close()
        raise GeokgError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}; is another server "
                         "running there? choose another --port", 1, "Cannot listen") from None
    print(f"geokg serving {where} at http://{args.host}:{args.port}/ (SPARQL at /sparql)", file=sys.stderr)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        store.close()
    return 0


def _raise_open_files(wanted: int) -> None:
    """Lift the soft limit on open files towards ``wanted``, so the connection limit can be reached."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def _resolve_query(text: str):
    from geokg import queries as named

    if text in named.catalogue():
        return named.get(text)
    path = Path(text)
    if path.suffix in (".rq", ".sparql") and path.is_file():
        body = path.read_text(encoding="utf-8")
        if body.lstrip().startswith("# title:"):
            return named.parse_rq(body, path.stem)
        return named.NamedQuery(path.stem, path.stem, "", body)
    if any(word in text.upper() for word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
        return named.NamedQuery("adhoc", "ad hoc query", "", text)
    import difflib

    close = difflib.get_close_matches(text, list(named.catalogue()), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise GeokgError(f"{text!r} is not a named query, a .rq file or SPARQL text; {hint}"
                     f"named queries: {', '.join(named.catalogue())}", 1, "Unknown query")


def cmd_query(args) -> int:
    from geokg import queries as named

    query = _resolve_query(args.query)
    values = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep:
            raise GeokgError(f"--param takes NAME=VALUE, got {item!r}", 2, "Bad parameter")
        values[name.strip()] = value
    result = named.run(_open(args), query, values)
    if args.format != "table":
        sys.stdout.buffer.write(result.serialize(args.format))
        return 0
    if result.kind == "boolean":
        print("true" if result else "false")
    elif result.kind == "graph":
        sys.stdout.buffer.write(result.serialize("turtle"))
    else:
        rows = result.rows()
        print_table(result.variables, rows)
    return 0


def print_table(variables: list[str], rows: list[dict], width: int = 60) -> None:
    """Rows as aligned text columns, long cells cut with an ellipsis."""
    def cell(value):
        text = "" if value is None else str(value)
        return text if len(text) <= width else text[: width - 1] + "…"

    cells = [[cell(row.get(v)) for v in variables] for row in rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(variables)]
    print("  ".join(v.ljust(w) for v, w in zip(variables, widths)))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def cmd_queries(args) -> int:
    from geokg import queries as named

    for q in named.catalogue().values():
        params = " ".join(f"{p.name}=<{p.type}>" if p.required else f"[{p.name}=<{p.type}>]" for p in q.params)
        print(f"{q.name}  {params}\n    {q.title}")
    return 0


def cmd_link(args) -> int:
    from tqdm import tqdm

    from geokg.loaders.linking.endpoint import (DBPEDIA, WIKIDATA, AnswerCache, EndpointError, Politeness,
                                                SparqlClient, default_cache_dir, user_agent)
    from geokg.loaders.linking.links import Linker, read_actors, record_decision, review_list

    store, ids = _open(args), Ids(check_base(args.base))
    if args.list_review:
        return _print_review(review_list(store, ids))
    cache = AnswerCache(Path(args.cache) if args.cache else default_cache_dir())
    politeness = Politeness(timeout=_link_timeout(args.timeout), retries=args.retries, max_wait=args.max_wait)
    agent = user_agent(args.contact)
    wikidata = SparqlClient(args.endpoint or WIKIDATA, cache, agent, politeness, row_cap=None)
    dbpedia = None if args.no_dbpedia else SparqlClient(args.dbpedia or DBPEDIA, cache, agent, politeness)
    linker = Linker(store, ids, wikidata, dbpedia, batch=args.batch)
    only = None
    if args.accept or args.reject:
        actors = {a.uri: a for a in read_actors(store, ids)}
        only = set()
        for decisions, status in ((args.accept, "accepted"), (args.reject, "rejected")):
            for name, qid in decisions:
                actor, entity = _actor_uri(name, ids, actors), _qid(qid)
                record_decision(store, ids, actor, entity, status)
                print(f"recorded: <{actor}> {status} {entity} in <{ids.dataset_graph('decisions')}>")
                only.add(actor)
    written = 0

    def keep(count):
        nonlocal written
        written = count

    try:
        with tqdm(unit="actor", desc="linking", file=sys.stderr, disable=None) as bar:
            summary = linker.run(only, progress=bar.update, on_written=keep,
                                 started=lambda total: setattr(bar, "total", total))
    except EndpointError as exc:
        print(f"geokg link: {exc.message}; kept: the links of {written} actors in <{ids.dataset_graph('links')}> "
              f"and {len(cache)} answers in {cache.directory}; run again to go on", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"geokg link: interrupted; kept: the links of {written} actors and {len(cache)} answers in "
              f"{cache.directory}; run again to go on", file=sys.stderr)
        return 130
    for note in wikidata.notes + (dbpedia.notes if dbpedia else []):
        print(f"geokg link: {note}", file=sys.stderr)
    asked = wikidata.asked + (dbpedia.asked if dbpedia else 0)
    reused = wikidata.reused + (dbpedia.reused if dbpedia else 0)
    print(f"linked {summary.actors} actors into <{ids.dataset_graph('links')}>: {summary.automatic} automatic, "
          f"{summary.accepted} accepted, {summary.review} for review, {summary.given} given, "
          f"{summary.unmatched} without a candidate; {asked} requests, {reused} answers from {cache.directory}")
    return 0


def _link_timeout(option: float | None) -> float:
    if option is not None:
        return option
    text = os.environ.get("GEOKG_LINK_TIMEOUT", "65")
    try:
        return float(text)
    except ValueError:
        raise GeokgError(f"GEOKG_LINK_TIMEOUT={text!r} is not a number of seconds", 2, "Bad setting") from None


def _actor_uri(name: str, ids: Ids, actors: dict) -> str:
    """An actor named by its URI, by the last part of its URI, or by its name."""
    uri = name if name.startswith(("http://", "https://")) else str(ids.actor(name))
    if uri not in actors:
        raise GeokgError(f"no actor {name!r} (<{uri}>) in the store; `geokg link --list-review` names the "
                         "actors with candidates", 2, "Unknown actor")
    return uri


def _qid(text: str) -> str:
    from geokg.loaders.linking.candidates import QID, WD

    qid = text[len(WD):] if text.startswith(WD) else text.removeprefix("wd:")
    if not QID.match(qid):
        raise GeokgError(f"{text!r} is not a Wikidata id (Q followed by digits)", 2, "Bad id")
    return qid


def _print_review(rows: list[dict]) -> int:
    actor = None
    for row in rows:
        if row["actor"] != actor:
            actor = row["actor"]
            matched = f"  (linked to {row['match'].rsplit('/', 1)[-1]})" if row.get("match") else ""
            print(f"{row.get('name', '')} <{actor}>{matched}")
        print(f"  {row['to'].rsplit('/', 1)[-1]:<12} {float(row['score']):5.1f}  {row['label']}\n"
              f"  {'':<12}        {row.get('why', '')}")
    print(f"({len(rows)} candidate{'s' if len(rows) != 1 else ''} for review; decide with "
          "`geokg link --accept ACTOR QID` or `--reject ACTOR QID`)")
    return 0


def cmd_export(args) -> int:
    if args.output:
        _writable(Path(args.output))
    from geokg.server.prefixes import export, export_file

    store, base = _open(args), check_base(args.base)
    if args.output:
        export_file(store, args.output, args.format, base)
    else:
        sys.stdout.buffer.write(export(store, args.format, base))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command; errors print one clear message and exit non-zero."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except GeokgError as exc:
        print(f"geokg {args.command}: {exc.message}", file=sys.stderr)
        return 2 if exc.status == 2 else 1
    except ValueError as exc:
        print(f"geokg {args.command}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"geokg {args.command}: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # Every write is a whole chunk or a whole file: what was written stays and reads as it did.
        print(f"geokg {args.command}: interrupted", file=sys.stderr)
        return 130
