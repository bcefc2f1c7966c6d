"""A polite SPARQL client for public endpoints (Wikidata, DBpedia), on SPARQLWrapper.

Polite means: a User-Agent that says who asks and how to reach them (Wikidata refuses SPARQLWrapper's
own, and answers a request without one with 200 and an empty body); one request at a time; 429 and 503
answered by waiting as long as Retry-After says, within a cap and a bounded number of retries; a timeout;
and every answer kept on disk, keyed by endpoint and query, so that a rerun asks nothing twice and the
work done before a failure is kept. Virtuoso (DBpedia) cuts an answer at its row cap without saying so
in the results: an answer of that many rows is never taken as complete.
"""

import email.utils
import hashlib
import json
import os
import platform
import re
import socket
import time
import urllib.error
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from SPARQLWrapper import GET, JSON, POST, SPARQLWrapper
from SPARQLWrapper import __version__ as SPARQLWRAPPER_VERSION
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from geokg import __version__
from geokg.loaders.errors import GeokgError

WIKIDATA = "https://query.wikidata.org/sparql"
DBPEDIA = "https://dbpedia.org/sparql"
PROJECT_URL = "https://w3id.org/geokg"
# DBpedia's Virtuoso answers at most this many rows (its ResultSetMaxRows) and says so only in a header.
VIRTUOSO_ROW_CAP = 10_000
# Long queries (VALUES of many names) go by POST: some proxies cut URLs near 8 KiB.
GET_LIMIT = 2_000
_RETRYABLE = (429, 502, 503, 504)
_LIMIT = re.compile(r"\b(LIMIT|OFFSET)\s+\d+", re.IGNORECASE)


class EndpointError(GeokgError):
    """A SPARQL endpoint failed to answer; the message names the endpoint and what was asked."""

    def __init__(self, message: str):
        super().__init__(message, 502, "Endpoint error")


class TruncatedAnswer(EndpointError):
    """An answer of exactly the server's row cap: the rest was cut, so the answer is not complete."""


def user_agent(contact: str | None = None) -> str:
    """geokg's User-Agent, as the Wikimedia User-Agent policy asks: the tool, its version, where to read
    about it, how to reach whoever runs it, and the library underneath."""
    contact = contact or os.environ.get("GEOKG_CONTACT") or f"{PROJECT_URL}/contact"
    return (f"geokg/{__version__} (+{PROJECT_URL}; {contact}) SPARQLWrapper/{SPARQLWRAPPER_VERSION} "
            f"Python/{platform.python_version()}")


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110); None if absent
    or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def default_cache_dir() -> Path:
    """$GEOKG_LINK_CACHE, else $XDG_CACHE_HOME/geokg/sparql, else ~/.cache/geokg/sparql."""
    if os.environ.get("GEOKG_LINK_CACHE"):
        return Path(os.environ["GEOKG_LINK_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "geokg" / "sparql"


class AnswerCache:
    """SPARQL JSON answers on disk, one file per endpoint and query (by SHA-256), written whole or not at all."""

    def __init__(self, directory: Path, max_age_days: float | None = 30.0):
        self.directory = Path(directory)
        self.max_age = None if max_age_days is None else max_age_days * 86400

    def _path(self, endpoint: str, query: str) -> Path:
        key = hashlib.sha256(f"{endpoint}\n{query}".encode("utf-8")).hexdigest()
        return self.directory / key[:2] / f"{key}.json"

    def get(self, endpoint: str, query: str) -> dict | None:
        path = self._path(endpoint, query)
        try:
            if self.max_age is not None and time.time() - path.stat().st_mtime > self.max_age:
                return None
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, endpoint: str, query: str, entry: dict) -> None:
        path = self._path(endpoint, query)
        partial = path.with_suffix(f".{os.getpid()}.part")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text(json.dumps({"endpoint": endpoint, "query": query, **entry}), encoding="utf-8")
            os.replace(partial, path)
        except OSError as exc:
            raise GeokgError(f"cannot write the answer cache at {self.directory} (--cache): "
                             f"{exc.strerror or exc}") from None

    def __len__(self) -> int:
        return sum(1 for _ in self.directory.glob("*/*.json")) if self.directory.is_dir() else 0


@dataclass
class Politeness:
    """How long to wait for an answer, how often to retry, and the longest Retry-After honoured."""

    timeout: float = 65.0  # Wikidata stops a query at 60 s and says so; a little longer hears that answer
    retries: int = 3
    max_wait: float = 120.0
    backoff: float = 2.0  # first wait when the server gives no Retry-After; doubled at each retry


@dataclass
class Answer:
    rows: list[dict]
    declared_cap: int | None


@dataclass
class SparqlClient:
    """SELECT queries against one endpoint, one at a time, through the on-disk cache."""

    endpoint: str
    cache: AnswerCache
    agent: str = field(default_factory=user_agent)
    politeness: Politeness = field(default_factory=Politeness)
    # The most rows the server answers with, when it cuts silently (Virtuoso); None for a server that does
    # not (Wikidata's). A cap the server declares in X-SPARQL-MaxRows counts either way.
    row_cap: int | None = VIRTUOSO_ROW_CAP
    asked: int = 0  # requests sent over the network
    reused: int = 0  # answers read back from the cache
    waited: list = field(default_factory=list)  # seconds slept before each retry
    notes: list = field(default_factory=list)  # answers that reached a cap and were asked in pages

    def select(self, query: str, what: str) -> list[dict]:
        """Every row of a SELECT. An answer as long as the row cap (or the cap the server declares) is
        refused with TruncatedAnswer: ask with select_paged, or narrow the query."""
        answer = self._answer(query, what)
        caps = [c for c in (self.row_cap, answer.declared_cap) if c]
        if caps and len(answer.rows) >= min(caps):
            raise TruncatedAnswer(f"{self.endpoint}: the answer to {what} has {len(answer.rows):,} rows, the "
                                  f"server's cap: the rest was cut, so it is not used; page the query or narrow it")
        return answer.rows

    def select_paged(self, query: str, what: str, page: int | None = None) -> list[dict]:
        """Every row of a SELECT that ends in ORDER BY, asked LIMIT/OFFSET page by page, each page no longer
        than the row cap; a page cut by a smaller cap the server declares is asked again in smaller pages."""
        if "ORDER BY" not in query.upper() or _LIMIT.search(query):
            raise ValueError("select_paged needs a query with ORDER BY and without LIMIT or OFFSET")
        page = min(page or VIRTUOSO_ROW_CAP, self.row_cap or VIRTUOSO_ROW_CAP)
        rows, offset = [], 0
        while True:
            answer = self._answer(f"{query}\nLIMIT {page} OFFSET {offset}", f"{what} (rows {offset:,}+)")
            if answer.declared_cap and answer.declared_cap < page and len(answer.rows) >= answer.declared_cap:
                self.notes.append(f"{self.endpoint}: {what}: the server cut a page at its declared cap of "
                                  f"{answer.declared_cap:,} rows; asked again in pages of that size")
                page = answer.declared_cap
                continue
            rows += answer.rows
            if len(answer.rows) < page:
                if offset:
                    self.notes.append(f"{self.endpoint}: {what}: {len(rows):,} rows, more than one answer of "
                                      f"{page:,} (the server's cap) holds; asked in {offset // page + 1} pages")
                return rows
            offset += page

    def _answer(self, query: str, what: str) -> Answer:
        entry = self.cache.get(self.endpoint, query)
        if entry is None:
            entry = self._fetch(query, what)
            self.cache.put(self.endpoint, query, entry)
        else:
            self.reused += 1
        return Answer(entry["results"]["bindings"], entry.get("declared_cap"))

    def _request(self, query: str) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(self.endpoint, agent=self.agent)
        wrapper.setReturnFormat(JSON)
        wrapper.setTimeout(self.politeness.timeout)
        wrapper.setMethod(GET if len(query) <= GET_LIMIT else POST)
        wrapper.setQuery(query)
        return wrapper

    def _fetch(self, query: str, what: str) -> dict:
        """One answer from the network, retried on 429/502/503/504 and on an empty or unreadable 200."""
        last, last_wait = "", None
        for attempt in range(self.politeness.retries + 1):
            if attempt:
                wait = self._wait_for(last_wait, attempt)
                self.waited.append(wait)
                time.sleep(wait)
            self.asked += 1
            last_wait = None
            try:
                response = self._request(query).query().response
                try:
                    body = response.read()
                    declared = response.headers.get("X-SPARQL-MaxRows")
                finally:
                    response.close()
            except urllib.error.HTTPError as exc:
                if exc.code not in _RETRYABLE:
                    raise EndpointError(f"{self.endpoint}: HTTP {exc.code} to {what}: {_first_line(exc)}") from None
                last = f"HTTP {exc.code}"
                last_wait = retry_after_seconds(exc.headers.get("Retry-After"))
                if last_wait is not None and last_wait > self.politeness.max_wait:
                    raise EndpointError(f"{self.endpoint}: HTTP {exc.code} to {what} asks to wait {last_wait:.0f} s, "
                                        f"longer than the {self.politeness.max_wait:.0f} s allowed "
                                        "(--max-wait); try again later") from None
                continue
            except SPARQLWrapperException as exc:
                raise EndpointError(f"{self.endpoint}: {what}: {_first_line(exc)}") from None
            except (TimeoutError, socket.timeout):
                raise EndpointError(f"{self.endpoint}: no answer to {what} within "
                                    f"{self.politeness.timeout:g} s (--timeout)") from None
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                    raise EndpointError(f"{self.endpoint}: no answer to {what} within "
                                        f"{self.politeness.timeout:g} s (--timeout)") from None
                raise EndpointError(f"{self.endpoint}: cannot connect: {exc.reason}") from None
            except OSError as exc:
                raise EndpointError(f"{self.endpoint}: the connection failed during {what}: {exc}") from None
            if not body.strip():
                last = "200 with an empty body (the answer Wikidata gives a refused User-Agent)"
                continue
            try:
                doc = json.loads(body)
                doc["results"]["bindings"]
            except (ValueError, KeyError, TypeError):
                last = "200 with a body that is not SPARQL results JSON"
                continue
            return {"fetched": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "declared_cap": int(declared) if declared and declared.strip().isdigit() else None,
                    "results": {"bindings": doc["results"]["bindings"]}}
        raise EndpointError(f"{self.endpoint}: {what}: still {last} after {self.politeness.retries} "
                            f"retr{'y' if self.politeness.retries == 1 else 'ies'}")

    def _wait_for(self, retry_after: float | None, attempt: int) -> float:
        if retry_after is not None:
            return retry_after
        return min(self.politeness.backoff * 2 ** (attempt - 1), self.politeness.max_wait)


def _first_line(exc: Exception) -> str:
    text = ""
    if isinstance(exc, urllib.error.HTTPError):
        try:
            text = exc.read().decode("utf-8", "replace")
        except OSError:
            text = ""
        text = text or exc.reason or ""
    else:
        text = str(exc)
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    return (lines[0] if lines else type(exc).__name__)[:300]
