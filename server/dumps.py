"""Downloadable dumps: the whole dataset as gzipped N-Quads, and each named graph (an article's facts, the
links) as TriG."""

import os
import tempfile
import threading
from pathlib import Path

from flask import Blueprint, Response, current_app, send_file
from rdflib import URIRef

from geokg.loaders.errors import GeokgError
from geokg.queries import sparql_term
from geokg.server.app import geokg
from geokg.server.prefixes import graph_trig
from geokg.server.render import negotiated, respond

bp = Blueprint("dumps", __name__)
WHOLE = "geokg.nq.gz"
_building = threading.Lock()


def graph_names() -> list[tuple[str, str]]:
    """(name, graph IRI) for every named graph under the dataset's graph path, articles first."""
    prefix = geokg().ids.base + "/graph/"
    named = [(iri[len(prefix):], iri) for iri in geokg().store.graphs() if iri.startswith(prefix)]
    return sorted(named, key=lambda pair: (pair[0].startswith("_"), pair[0]))


def dump_urls(base: str, names) -> tuple[str, dict[str, str]]:
    """The URL of the whole dump and of each graph's, for the index and for VoID."""
    return f"{base}/dumps/{WHOLE}", {name: f"{base}/dumps/graphs/{name}.trig" for name in names}


@bp.get("/dumps/")
@bp.get("/dumps.json", defaults={"as_json": True})
def index(as_json=False):
    fmt = "json" if as_json else negotiated({"application/json": "json"}, "html")
    base = geokg().ids.base
    names = graph_names()
    whole, each = dump_urls(base, [name for name, _ in names])
    built = _current_dump()
    data = {
        "dataset": {"url": whole, "format": "N-Quads, gzip", "bytes": built.stat().st_size if built else None},
        "graphs": [{"name": name, "graph": iri, "article": not name.startswith("_"), "url": each[name],
                    "format": "TriG"} for name, iri in names],
    }
    return respond(fmt, data, "dumps.html", {"json": "/dumps.json"})


@bp.get(f"/dumps/{WHOLE}")
def whole():
    path = _current_dump()
    if path is None:
        # One build at a time; a request that arrives during it waits and then gets the same file.
        with _building:
            path = _current_dump() or _build()
    response = send_file(path, mimetype="application/gzip", as_attachment=True, download_name=WHOLE,
                         conditional=True, etag=path.stem)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/dumps/graphs/<name>.trig")
def one_graph(name: str):
    iri = dict(graph_names()).get(name)
    if iri is None:
        raise GeokgError(f"no graph named {name!r}; /dumps/ lists them", 404, "Not found")
    store = geokg().store
    graph = sparql_term(URIRef(iri))
    triples = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}").serialize("ntriples")
    body = graph_trig(triples, iri, geokg().ids.base)
    response = Response(body, content_type="application/trig")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.trig"'
    return response


def _directory() -> Path:
    configured = current_app.config.get("GEOKG_DUMP_DIR")
    if not configured:
        configured = current_app.extensions.get("geokg_dump_dir")
        if configured is None:
            configured = current_app.extensions["geokg_dump_dir"] = tempfile.mkdtemp(prefix="geokg-dumps-")
    path = Path(configured)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _version() -> str:
    return getattr(geokg().store, "version", None) or "unversioned"


def _current_dump() -> Path | None:
    path = _directory() / f"geokg-{_version()}.nq.gz"
    return path if path.is_file() else None


def _build() -> Path:
    directory, version = _directory(), _version()
    path = directory / f"geokg-{version}.nq.gz"
    geokg().store.dump_file(str(path), "nquads")
    for old in directory.glob("geokg-*.nq.gz"):
        if old != path:
            old.unlink(missing_ok=True)
    return path
