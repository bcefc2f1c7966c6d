"""Settings, read from the environment so one deployment needs no code changes."""

import os
import re

from geokg.loaders.ids import DEFAULT_BASE

MEMORY = ":memory:"


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


class Config:
    """Defaults for the Flask app; every value can be overridden by a GEOKG_* variable."""

    def __init__(self):
        self.GEOKG_STORE = os.environ.get("GEOKG_STORE", "geokg-store")
        self.GEOKG_BASE = os.environ.get("GEOKG_BASE", DEFAULT_BASE)
        self.GEOKG_DEMO = _flag("GEOKG_DEMO")
        self.GEOKG_UNION_DEFAULT_GRAPH = not _flag("GEOKG_NO_UNION_DEFAULT_GRAPH")
        self.GEOKG_TIMEOUT = float(os.environ.get("GEOKG_TIMEOUT", "30"))
        # Two readers: pyoxigraph holds the GIL while it evaluates, so only a second process lets the engine
        # use a second core (16 clients at 1M quads, idle 2-core machine: 104 -> 174 queries/s), for about
        # 46 MiB more under load, since each reader fills its own engine caches. Idle, the pool keeps one.
        self.GEOKG_WORKERS = int(os.environ.get("GEOKG_WORKERS", "2"))
        self.GEOKG_MAX_ROWS = int(os.environ.get("GEOKG_MAX_ROWS", "100000"))
        self.GEOKG_WRITE_TOKEN = os.environ.get("GEOKG_WRITE_TOKEN", "")
        self.GEOKG_SERVICE_ALLOW = [u for u in os.environ.get("GEOKG_SERVICE_ALLOW", "").split() if u]
        self.GEOKG_SLOW_QUERY_SECONDS = float(os.environ.get("GEOKG_SLOW_QUERY_SECONDS", "1"))
        # Each query or write process is killed past this resident size: one cross join must not take the machine.
        self.GEOKG_MEMORY_MB = int(os.environ.get("GEOKG_MEMORY_MB", "2048"))
        # Extra workers are started while long queries hold the regular ones, so cheap requests keep flowing.
        self.GEOKG_MAX_WORKERS = int(os.environ.get("GEOKG_MAX_WORKERS", "0")) or None
        # A request that waits this long for a free worker gets a 503 rather than waiting out someone's runaway query.
        self.GEOKG_QUEUE_SECONDS = float(os.environ.get("GEOKG_QUEUE_SECONDS", "5"))
        # Where /dumps/ keeps the whole-dataset dump it builds once per dataset version (a temporary directory
        # when unset): at 10M quads it is a minute of work and a few hundred MiB, not something to redo per request.
        self.GEOKG_DUMP_DIR = os.environ.get("GEOKG_DUMP_DIR", "")
        self.GEOKG_CONNECTION_LIMIT = int(os.environ.get("GEOKG_CONNECTION_LIMIT", "1000"))
        # Request size limits, checked from Content-Length before a body is read: past them a request costs
        # a 413, not a parse. Query and update text (and /sparql forms) is small; Graph Store uploads are larger.
        self.GEOKG_MAX_QUERY_BYTES = int(os.environ.get("GEOKG_MAX_QUERY_BYTES", str(1 << 20)))
        self.GEOKG_MAX_UPLOAD_BYTES = int(os.environ.get("GEOKG_MAX_UPLOAD_BYTES", str(16 << 20)))
        self.GEOKG_MAX_FORM_FIELDS = int(os.environ.get("GEOKG_MAX_FORM_FIELDS", "100"))
        # Werkzeug's own limits, for any route that reads a body; the protocol views narrow them per request.
        self.MAX_CONTENT_LENGTH = max(self.GEOKG_MAX_QUERY_BYTES, self.GEOKG_MAX_UPLOAD_BYTES)
        self.MAX_FORM_MEMORY_SIZE = self.GEOKG_MAX_QUERY_BYTES
        self.MAX_FORM_PARTS = self.GEOKG_MAX_FORM_FIELDS
        self.JSON_SORT_KEYS = False


_BASE = re.compile(r"^https?://[^\s<>\"{}|\\^`#?]+$")


def check_base(base: str) -> str:
    """The base URI without a trailing slash, or ValueError: it is pasted into every minted IRI."""
    if not _BASE.match(base):
        raise ValueError(f"GEOKG_BASE must be an http(s) URI without spaces, '#' or '?', got {base!r}")
    return base.rstrip("/")
