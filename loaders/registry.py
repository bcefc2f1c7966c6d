"""The one table of source formats: a file's suffix picks the module that turns its bytes into claims."""

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from geokg.loaders import claims
from geokg.loaders.errors import LoadError, Problem
from geokg.loaders.model import ClaimsDoc


@dataclass(frozen=True)
class SourceFormat:
    """A source format: its name, the suffixes it claims and its parse step (bytes -> checked claims)."""

    name: str
    suffixes: tuple[str, ...]
    parse: Callable[[bytes, str], ClaimsDoc]


def _parse_claims(data: bytes, name: str) -> ClaimsDoc:
    return claims.check_claims(claims.read_claims(data, name), name, default_article=Path(name).name)


def _parse_article(data: bytes, name: str) -> ClaimsDoc:
    # Imported on use: the extractor takes a tenth of a second to import, and loading claims files needs none of it.
    from geokg.loaders.article import parse_article

    return parse_article(data, name)


FORMATS: tuple[SourceFormat, ...] = (
    SourceFormat("claims", (".yaml", ".yml", ".json"), _parse_claims),
    SourceFormat("article", (".txt", ".text", ".html", ".htm"), _parse_article),
)


def format_for(path: str | Path) -> SourceFormat:
    """The format that reads a file, chosen by its suffix."""
    suffix = Path(path).suffix.lower()
    for fmt in FORMATS:
        if suffix in fmt.suffixes:
            return fmt
    known = ", ".join(s for f in FORMATS for s in f.suffixes)
    raise LoadError([Problem(str(path), f"no loader for {suffix or 'files without a suffix'!r}; known: {known}")])
