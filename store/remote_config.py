"""Where a remote SPARQL store answers: an http(s) URL laid out as Oxigraph server's, or a small TOML or
JSON file naming the query, update and graph-store endpoints and the credentials."""

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from geokg.loaders.errors import GeokgError

CONFIG_SUFFIXES = (".toml", ".json")
UNION_MODES = ("parameter", "native", "none")
RESULT_FORMATS = ("tsv", "json")
DIALECTS = ("auto", "standard", "virtuoso")
_KEYS = {"query", "update", "store", "user", "password", "password_env", "auth", "union_default_graph", "results",
         "post_quads", "timeout", "version_ttl", "name", "dialect", "row_cap", "system_graphs"}


@dataclass(frozen=True)
class RemoteConfig:
    """The endpoints of one remote store and how to talk to it.

    ``union_default_graph``: "parameter" sends Oxigraph server's ``union-default-graph`` query parameter
    when a query wants the union of the named graphs as its default graph; "native" is for stores whose
    default graph already is that union (Virtuoso); "none" never asks. ``results`` is the SELECT result
    format read back (TSV is the cheapest to parse; JSON for stores whose TSV departs from the standard).
    ``post_quads``: the graph store accepts N-Quads POSTed to its root, many graphs in one request.
    ``version_ttl``: seconds after which cached pages and counts are taken as stale, since another client
    may have written the store meanwhile (0: only this client writes it).
    ``dialect``: "auto" reads the store's ``Server:`` header on first contact; "virtuoso" or "standard"
    forces it (dialects.py). ``row_cap``: the store's own cap on answer rows, for answers it cuts without
    saying so (Virtuoso's CONSTRUCT at ResultSetMaxRows; 10,000 when unset on Virtuoso). ``system_graphs``:
    more graphs the store keeps for itself, never listed, counted, dumped or dropped by geokg."""

    query: str
    update: str | None = None
    store: str | None = None
    user: str | None = None
    password: str | None = None
    auth: str = "basic"
    union_default_graph: str = "parameter"
    results: str = "tsv"
    post_quads: bool = True
    timeout: float = 300.0
    version_ttl: float = 60.0
    name: str | None = None
    dialect: str = "auto"
    row_cap: int | None = None
    system_graphs: tuple = ()

    def __repr__(self) -> str:
        # Never the password: configs end up in logs and tracebacks.
        return f"RemoteConfig(query={self.query!r}, update={self.update!r}, store={self.store!r}, user={self.user!r})"


def is_remote(location) -> bool:
    """True when ``location`` names a remote store: an http(s) URL or a .toml/.json config file."""
    if location is None:
        return False
    text = str(location)
    return text.startswith(("http://", "https://")) or text.lower().endswith(CONFIG_SUFFIXES)


def remote_config(location) -> RemoteConfig:
    """The configuration for a URL (Oxigraph server's /query, /update and /store under it) or a config file."""
    text = str(location)
    if text.startswith(("http://", "https://")):
        return _from_url(text)
    path = Path(text)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GeokgError(f"{path}: cannot read the store configuration: {exc.strerror}", 400, "Bad store") from None
    try:
        data = _toml(raw, path) if text.lower().endswith(".toml") else json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise GeokgError(f"{path}: the store configuration is not valid {path.suffix[1:].upper()}: {exc}", 400,
                         "Bad store") from None
    return _from_mapping(data, str(path))


def _toml(raw: bytes, path: Path) -> dict:
    # tomllib came with Python 3.11; geokg runs on 3.10 too, where a JSON file takes the same keys.
    try:
        import tomllib
    except ImportError:
        raise GeokgError(f"{path}: TOML store configurations need Python 3.11 or newer; write the same keys as "
                         "a .json file", 400, "Bad store") from None
    return tomllib.loads(raw.decode("utf-8"))


def _from_url(url: str) -> RemoteConfig:
    parts = urlsplit(url)
    if not parts.hostname:
        raise GeokgError(f"{_without_credentials(url)}: no host in the store URL", 400, "Bad store")
    user, password = parts.username, parts.password
    base = urlunsplit((parts.scheme, _netloc(parts), parts.path.rstrip("/"), "", ""))
    # A URL naming the query endpoint itself is taken as the server's root.
    for endpoint in ("/query", "/sparql"):
        if base.endswith(endpoint):
            base = base[: -len(endpoint)]
    return RemoteConfig(query=base + "/query", update=base + "/update", store=base + "/store", user=user,
                        password=password)


def _from_mapping(data, where: str) -> RemoteConfig:
    if not isinstance(data, dict):
        raise GeokgError(f"{where}: the store configuration must be a table of settings", 400, "Bad store")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise GeokgError(f"{where}: unknown setting {unknown[0]!r}; known: {', '.join(sorted(_KEYS))}", 400,
                         "Bad store")
    if not isinstance(data.get("query"), str) or not data["query"].startswith(("http://", "https://")):
        raise GeokgError(f"{where}: 'query' must be the http(s) URL of the SPARQL query endpoint", 400, "Bad store")
    settings = dict(data)
    password_env = settings.pop("password_env", None)
    if password_env:
        if password_env not in os.environ:
            raise GeokgError(f"{where}: the environment variable {password_env} named by 'password_env' is not set",
                             400, "Bad store")
        settings["password"] = os.environ[password_env]
    checks = (("auth", ("basic", "digest")), ("union_default_graph", UNION_MODES), ("results", RESULT_FORMATS),
              ("dialect", DIALECTS))
    for key, allowed in checks:
        if key in settings and settings[key] not in allowed:
            raise GeokgError(f"{where}: {key} must be one of {', '.join(allowed)}, not {settings[key]!r}", 400,
                             "Bad store")
    if "row_cap" in settings and not (isinstance(settings["row_cap"], int) and settings["row_cap"] > 0):
        raise GeokgError(f"{where}: row_cap must be a positive whole number of rows", 400, "Bad store")
    if "system_graphs" in settings:
        graphs = settings["system_graphs"]
        if not (isinstance(graphs, list) and all(isinstance(g, str) for g in graphs)):
            raise GeokgError(f"{where}: system_graphs must be a list of graph IRIs", 400, "Bad store")
        settings["system_graphs"] = tuple(graphs)
    return RemoteConfig(**settings)


def _netloc(parts) -> str:
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{host}:{parts.port}" if parts.port else host


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, _netloc(parts), parts.path, "", "")) if parts.hostname else url


def public_url(url: str | None) -> str:
    """A URL as it may appear in messages: without user name or password."""
    return _without_credentials(url) if url else ""
