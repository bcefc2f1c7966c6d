"""The one table of source formats: a file's content or suffix picks the module that reads it. Claims files
and articles are parsed whole into claims; GDELT tables are recognised by their first row (whatever the file is
called, zipped or not) and streamed into the store by their own loader."""

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from geokg.loaders import claims
from geokg.loaders.errors import LoadError, Problem
from geokg.loaders.model import ClaimsDoc


def _streamed(data: bytes, name: str) -> ClaimsDoc:
    raise LoadError([Problem(name, "a GDELT table is streamed into the store by loaders.gdelt.load_gdelt (the "
                                   "format's load step), not parsed whole like a claims file")])


@dataclass(frozen=True)
class SourceFormat:
    """A source format: its name, the suffixes it claims, its parse step (bytes -> checked claims) and, for a
    format told by its content, ``sniff(path)``, which says whether a file is one. A streamed format has
    ``load(store, path, ids, progress)``, which writes the file itself, instead of a parse step."""

    name: str
    suffixes: tuple[str, ...]
    parse: Callable[[bytes, str], ClaimsDoc] = _streamed
    sniff: Callable[[Path], bool] | None = None
    load: Callable | None = None


def _parse_claims(data: bytes, name: str) -> ClaimsDoc:
    return claims.check_claims(claims.read_claims(data, name), name, default_article=Path(name).name)


def _parse_article(data: bytes, name: str) -> ClaimsDoc:
    # Imported on use: the extractor takes a tenth of a second to import, and loading claims files needs none of it.
    from geokg.loaders.article import parse_article

    return parse_article(data, name)


def _gdelt(kind: str, counts: tuple[int, ...]) -> Callable[[Path], bool]:
    def sniff(path: Path) -> bool:
        from geokg.loaders.gdelt.reading import sniff as layout_of

        layout = layout_of(path)
        return layout is not None and len(layout.columns) in counts and layout.kind == kind

    return sniff


def _load_gdelt(store, path, ids, progress=None):
    from geokg.loaders.gdelt.bulk import load_gdelt

    return load_gdelt(store, path, ids, progress)


# Suffixes whose files are never a GDELT table, so they are never opened to look.
_NEVER_GDELT = frozenset({".yaml", ".yml", ".json", ".html", ".htm"})

FORMATS: tuple[SourceFormat, ...] = (
    SourceFormat("gdelt-1.0-events", (), sniff=_gdelt("events", (57, 58)), load=_load_gdelt),
    SourceFormat("gdelt-2.0-events", (), sniff=_gdelt("events", (61,)), load=_load_gdelt),
    SourceFormat("gdelt-2.0-mentions", (), sniff=_gdelt("mentions", (16,)), load=_load_gdelt),
    SourceFormat("claims", (".yaml", ".yml", ".json"), _parse_claims),
    SourceFormat("article", (".txt", ".text", ".html", ".htm"), _parse_article),
)


def format_for(path: str | Path) -> SourceFormat:
    """The format that reads a file: a GDELT table by its first row, whatever its name; else by its suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _NEVER_GDELT and path.is_file():
        for fmt in FORMATS:
            if fmt.sniff is not None and fmt.sniff(path):
                return fmt
    for fmt in FORMATS:
        if suffix in fmt.suffixes:
            return fmt
    known = ", ".join(s for f in FORMATS for s in f.suffixes)
    raise LoadError([Problem(str(path), f"no loader for {suffix or 'files without a suffix'!r}; known: {known}, "
                                        "and GDELT event and mentions tables (by their columns, zipped or not)")])
