"""The Flask app factory: one store, one base, one blueprint per area."""

import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from geokg import __version__
from geokg.loaders.ids import Ids
from geokg.loaders.pipeline import load_paths
from geokg.store.pool import PooledStore
from geokg.store import OxigraphStore, install_ontology, open_store
from geokg.store.remote_config import is_remote
from geokg.server.config import MEMORY, Config, check_base
from geokg.server.metrics import Metrics

SAMPLES = Path(__file__).resolve().parent.parent / "loaders" / "samples"


def sample_claims() -> list[Path]:
    """The claims files shipped as sample data (the seed article's)."""
    return sorted(SAMPLES.glob("*.yaml"))


@dataclass
class Geokg:
    """What every view needs: the store and the identifier scheme."""

    store: object
    ids: Ids


def geokg() -> Geokg:
    """The running app's store and ids."""
    return current_app.extensions["geokg"]


def create_app(config: dict | None = None) -> Flask:
    """A configured app; ``config`` overrides the environment (tests pass GEOKG_STORE_OBJECT)."""
    app = Flask(__name__)
    app.config.from_mapping(vars(Config()))
    if config:
        app.config.update(config)
    ids = Ids(check_base(app.config["GEOKG_BASE"]))
    store = app.config.get("GEOKG_STORE_OBJECT")
    if store is None:
        store = _served_store(app.config, ids)
    elif app.config.get("GEOKG_INSTALL_ONTOLOGY", True):
        install_ontology(store)
    app.extensions["geokg"] = Geokg(store, ids)
    app.extensions["geokg_metrics"] = Metrics()

    from geokg.server import dumps, entities, errors, graphstore, operations, queries, reconcile, search, sparql
    from geokg.server.render import install_template_helpers

    for blueprint in (errors.bp, sparql.bp, graphstore.bp, queries.bp, entities.bp, search.bp, operations.bp,
                      reconcile.bp, dumps.bp):
        app.register_blueprint(blueprint)
    install_template_helpers(app, ids)
    app.after_request(_security_headers)
    app.jinja_env.globals["version"] = __version__
    from geokg.server.lean import LeanSparql

    app.wsgi_app = LeanSparql(app, app.wsgi_app)
    return app


def _served_store(config, ids):
    """The store a server answers from: on disk, queried by killable workers (a temporary one for the demo);
    a remote store is used directly, with no workers: its timeouts are its own."""
    location = config["GEOKG_STORE"]
    if not config["GEOKG_DEMO"] and is_remote(location):
        store = open_store(location, max_rows=config["GEOKG_MAX_ROWS"],
                           union_default_graph=config["GEOKG_UNION_DEFAULT_GRAPH"],
                           service_allow=config["GEOKG_SERVICE_ALLOW"])
        install_ontology(store)
        return store
    if config["GEOKG_DEMO"] or location in (None, "", MEMORY):
        location = tempfile.mkdtemp(prefix="geokg-demo-")
        if config["GEOKG_DEMO"]:
            seed = OxigraphStore(location)
            load_paths(seed, sample_claims(), ids)
            del seed
    return PooledStore(location, workers=config["GEOKG_WORKERS"], timeout=config["GEOKG_TIMEOUT"],
                       max_rows=config["GEOKG_MAX_ROWS"], union_default_graph=config["GEOKG_UNION_DEFAULT_GRAPH"],
                       service_allow=config["GEOKG_SERVICE_ALLOW"], max_workers=config["GEOKG_MAX_WORKERS"],
                       queue_seconds=config["GEOKG_QUEUE_SECONDS"], memory_mb=config["GEOKG_MEMORY_MB"])


# Only our own scripts run, never inline ones, so injected markup stays inert even if escaping slips;
# connect-src 'self' also keeps the bundled query editor from calling anything but this server.
# YASGUI sets inline styles, hence 'unsafe-inline' for styles only.
SECURITY_HEADERS = [
    ("Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
     "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
]


def _security_headers(response):
    for name, value in SECURITY_HEADERS:
        response.headers.setdefault(name, value)
    return response
