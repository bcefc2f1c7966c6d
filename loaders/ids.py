"""Stable, readable identifiers: the same name gives the same URI in every article and every run."""

import functools
import re

from rdflib import URIRef

from geokg.loaders.names import unaccented

DEFAULT_BASE = "https://geokg.example.org"


_NOT_WORD = re.compile(r"[\W_]+")


# The same actor names and predicates come back in every file of a load.
@functools.lru_cache(maxsize=1 << 16)
def slug(text: str) -> str:
    """Lower-case, hyphenated form of a name that keeps non-Latin letters (IRIs allow them)."""
    return _NOT_WORD.sub("-", unaccented(text).lower()).strip("-") or "unnamed"


def article_slug(article_id: str) -> str:
    """The slug of an article id, without the file extension it was named by."""
    stem = re.sub(r"\.(txt|html?|ya?ml|json)$", "", article_id.strip(), flags=re.IGNORECASE)
    return slug(stem)


class Ids:
    """Mints the URIs of one dataset under its base."""

    def __init__(self, base: str = DEFAULT_BASE):
        self.base = base.rstrip("/")

    def actor(self, name: str) -> URIRef:
        """An actor's URI, from its canonical name."""
        return URIRef(f"{self.base}/id/actor/{slug(name)}")

    def article(self, article: str) -> URIRef:
        """An article's URI, from its article slug."""
        return URIRef(f"{self.base}/id/article/{article}")

    def graph(self, article: str) -> URIRef:
        """The named graph that holds one article's facts."""
        return URIRef(f"{self.base}/graph/{article}")

    def dataset_graph(self, name: str) -> URIRef:
        """A graph kept for the whole dataset rather than one article: ``actors`` (each resolved actor's
        names, type and ids, stated once), ``links`` (links to external datasets) and ``decisions``
        (people's link reviews). A slug never starts with ``_``, so it never names an article's graph."""
        return URIRef(f"{self.base}/graph/_{name}")

    def fact(self, kind: str, article: str, key: str) -> URIRef:
        """A relation, event or claim node of one article."""
        return URIRef(f"{self.base}/id/{kind}/{article}/{key}")

    def local_path(self, uri: str) -> str | None:
        """The server path of a URI minted under this base, or None for an outside URI."""
        prefix = self.base + "/"
        return "/" + uri[len(prefix):] if uri.startswith(prefix) else None
