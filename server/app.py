"""The Flask app factory: one store, one base, one blueprint per area."""

from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from geokg import __version__
from geokg.loaders.ids import Ids
from geokg.loaders.pipeline import load_paths
from geokg.loaders.store import install_ontology, open_store
from geokg.server.config import MEMORY, Config, check_base

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
        location = app.config["GEOKG_STORE"]
        in_memory = app.config["GEOKG_DEMO"] or location in (None, "", MEMORY)
        store = open_store(None if in_memory else location,
                           union_default_graph=app.config["GEOKG_UNION_DEFAULT_GRAPH"])
    install_ontology(store)
    if app.config["GEOKG_DEMO"]:
        load_paths(store, sample_claims(), ids)
    app.extensions["geokg"] = Geokg(store, ids)

    from geokg.server import entities, errors, queries, sparql
    from geokg.server.render import install_template_helpers

    for blueprint in (errors.bp, sparql.bp, queries.bp, entities.bp):
        app.register_blueprint(blueprint)
    install_template_helpers(app)
    app.after_request(_security_headers)
    app.jinja_env.globals["version"] = __version__
    return app


def _security_headers(response):
    # No page needs a script yet; forbidding them makes injected markup inert even if escaping slips.
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
