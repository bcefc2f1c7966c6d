"""News articles as a source format: plain text or HTML in, checked claims out, by offline extraction."""

from pathlib import Path

from geokg.loaders.claims import check_claims
from geokg.loaders.extract import extract
from geokg.loaders.extract.text import decode
from geokg.loaders.model import ClaimsDoc

HTML_SUFFIXES = (".html", ".htm")


def extract_claims(data: bytes, name: str) -> dict:
    """The claims-format document extracted from an article's bytes."""
    is_html = Path(name).suffix.lower() in HTML_SUFFIXES
    return extract(decode(data, name), Path(name).name, is_html=is_html)


def parse_article(data: bytes, name: str) -> ClaimsDoc:
    """Extract, then check the result exactly as a hand-written claims file would be checked."""
    claims = extract_claims(data, name)
    doc = check_claims(claims, name, default_article=Path(name).name)
    doc.body = article_text(data, name)
    return doc


def article_text(data: bytes, name: str) -> str:
    """An article's body text, as loading the article itself stores it."""
    from geokg.loaders.extract.text import read_article

    is_html = Path(name).suffix.lower() in HTML_SUFFIXES
    return read_article(decode(data, name), Path(name).name, is_html=is_html).body
