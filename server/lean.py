"""The common /sparql request without Flask's request cycle: a WSGI handler in front of the app.

A SELECT or ASK sent by GET or as a urlencoded form POST, answered in a format the engine writes itself
(SPARQL results JSON, XML, CSV or TSV), costs here one parse of the parameters, the query text checks
(the SERVICE refusal among them), one call to a killable worker, which sends back the serialised body in
one message, and the same headers and metrics as the Flask view. Any request this handler is not sure
of (HTML, CONSTRUCT, updates, odd parameters, anything over a limit) goes to Flask untouched, body
included; an error met while answering goes to Flask too, which writes its one error shape.
"""

import functools
import io
import time
from urllib.parse import parse_qsl

from werkzeug.http import parse_options_header

from geokg.loaders.errors import GeokgError
from geokg.store.pool import QueryTimeout
from geokg.store.querytext import query_kind
from geokg.server import conneg
from geokg.server.app import SECURITY_HEADERS

PATH = "/sparql"
# The Flask view (server/sparql.py) reads forms, format names and field counts with these same three.
FORM = "application/x-www-form-urlencoded"
FORMAT_PARAMS = ("format", "output", "results")
# The engine writes these itself; HTML and graph formats need Flask (templates, rdflib).
ENGINE_FORMATS = frozenset(("json", "xml", "csv", "tsv"))
# Where the Flask view finds an error this handler met, to answer it in the one error shape.
ERROR_KEY = "geokg.lean_error"
ENDPOINT = "sparql.sparql"
# Accept headers up to this long have their choice remembered (64 of them): a few kilobytes at most.
ACCEPT_REMEMBERED = 512


class LeanSparql:
    """WSGI middleware over a Flask app's ``wsgi_app``: answers the common query itself, hands on the rest."""

    def __init__(self, app, fallback):
        self.app, self.fallback = app, fallback
        config = app.config
        self.most_bytes, self.most_fields = config["GEOKG_MAX_QUERY_BYTES"], config["GEOKG_MAX_FORM_FIELDS"]
        self.slow = config.get("GEOKG_SLOW_QUERY_SECONDS", 1.0)
        self.geokg = app.extensions["geokg"]
        self.metrics = app.extensions["geokg_metrics"]
        self.base_iri = self.geokg.ids.base + PATH

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != PATH:
            return self.fallback(environ, start_response)
        method = environ.get("REQUEST_METHOD")
        if method == "GET":
            request = self._get(environ)
        elif method == "POST":
            request = self._post(environ)
        else:
            request = None
        if request is None:
            return self.fallback(environ, start_response)
        try:
            status, headers, body = self._answer(environ, *request)
        except _Decline:
            return self.fallback(environ, start_response)
        except GeokgError as error:
            environ[ERROR_KEY] = error
            return self.fallback(environ, start_response)
        self.metrics.request(ENDPOINT, method, 200)
        start_response(status, headers)
        return [body]

    # What the request asks

    def _query_string(self, environ) -> list | None:
        raw = environ.get("QUERY_STRING", "")
        if len(raw) > self.most_bytes or count_fields(raw) > self.most_fields:
            return None
        return _pairs(raw.encode("latin-1"))

    def _get(self, environ):
        args = self._query_string(environ)
        if args is None or not _one_query(args):
            return None
        return args, [args]

    def _post(self, environ):
        mimetype, options = parse_options_header(environ.get("CONTENT_TYPE", ""))
        if mimetype.lower() != FORM or options.get("charset", "utf-8").lower().replace("-", "") != "utf8":
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return None
        args = self._query_string(environ)
        if args is None or not 0 <= length <= self.most_bytes:
            return None
        body = environ["wsgi.input"].read(length)
        # Whatever happens next, Flask may be the one to read the body: give it back.
        environ["wsgi.input"] = io.BytesIO(body)
        if len(body) != length or count_fields(body) > self.most_fields:
            return None
        form = _pairs(body)
        if form is None or not _one_query(form):
            return None
        return form, [form, args]

    def _format(self, environ, kind: str, sources: list) -> str | None:
        """The engine format the request names or accepts; None for anything else (Flask answers it).
        Names are read as the Flask view reads them: the form's before the URL's, format= before output=."""
        names = [value for source in sources for name in FORMAT_PARAMS for key, value in source
                 if key == name and value.strip()]
        if names:
            fmt = conneg.named_format(names, kind)
        else:
            accept = environ.get("HTTP_ACCEPT")
            fmt = _accepted(accept, kind) if accept is None or len(accept) <= ACCEPT_REMEMBERED else \
                _accepted.__wrapped__(accept, kind)
        return fmt if fmt in ENGINE_FORMATS else None

    # The answer

    def _answer(self, environ, params, format_sources):
        query = next(value for key, value in params if key == "query")
        try:
            # The same lexing the store's checks do next (it is remembered): a text it refuses is refused.
            kind = query_kind(query)
            fmt = None if kind == "graph" else self._format(environ, kind, format_sources)
            if fmt is None:
                raise _Decline()
            defaults = [value for key, value in params if key == "default-graph-uri"] or None
            named = [value for key, value in params if key == "named-graph-uri"] or None
            result = self.geokg.store.query(query, default_graphs=defaults, named_graphs=named,
                                            base_iri=self.base_iri)
        except GeokgError:
            self.metrics.refused += 1
            raise
        started = time.perf_counter()
        try:
            body = result.serialize(fmt)
        except QueryTimeout:
            self.metrics.timeouts += 1
            raise
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.query(elapsed)
            if elapsed >= self.slow:
                self.app.logger.warning("slow query (%.2f s): %s", elapsed, " ".join(query.split())[:2000])
        headers = [("Content-Type", conneg.MEDIA_TYPES[fmt]), ("Content-Length", str(len(body))),
                   ("Vary", "Accept")]
        if result.truncated:
            headers.append(("X-Geokg-Truncated", str(self.geokg.store.max_rows)))
        return "200 OK", headers + SECURITY_HEADERS, body


class _Decline(Exception):
    """Not a request for this handler after all: Flask answers it from the start."""


@functools.lru_cache(maxsize=64)
def _accepted(accept: str | None, kind: str) -> str | None:
    """The format an Accept header picks for a result kind. Clients send the same few headers again and
    again, and rating every type against each costs about 10 microseconds a request."""
    return conneg.choose(accept, conneg.RESULT_TYPES, conneg.DEFAULT[kind], ("html",))


def count_fields(encoded) -> int:
    """How many fields a urlencoded string (or bytes) holds at most, counted without parsing it."""
    return encoded.count("&" if isinstance(encoded, str) else b"&") + 1 if encoded else 0


def _pairs(encoded: bytes) -> list | None:
    """(name, value) pairs of a urlencoded string; None when it is not UTF-8 (Flask says what is wrong)."""
    try:
        return parse_qsl(encoded.decode("utf-8"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None


def _one_query(params: list) -> bool:
    """One non-blank query and no update: a request the Flask view would run as it stands."""
    queries = [value for key, value in params if key == "query"]
    return len(queries) == 1 and bool(queries[0].strip()) and not any(key == "update" for key, _ in params)
