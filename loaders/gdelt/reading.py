"""Reading a GDELT file row by row, plain or zipped, with each bad row's file, line and column: nothing
holds more than one row, whatever the file's size."""

import zipfile
from contextlib import contextmanager
from pathlib import Path

from geokg.loaders.errors import LoadError, Problem
from geokg.loaders.gdelt.columns import Layout, known_counts, layout_for

# A first line longer than this is no GDELT row (the longest real ones are a few kilobytes).
SNIFF_BYTES = 1 << 16


@contextmanager
def open_table(path: str | Path):
    """The binary stream of a GDELT table and the name messages give it: the file, or the one member of a
    zip archive (``name.zip (member)``)."""
    path = Path(path)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1:
                raise LoadError([Problem(str(path), f"a GDELT archive holds one table; this one holds {len(members)} files")])
            with archive.open(members[0]) as stream:
                yield stream, f"{path} ({members[0].filename})"
    else:
        with open(path, "rb") as stream:
            yield stream, str(path)


def sniff(path: str | Path) -> Layout | None:
    """The GDELT layout of a file, from its first row's tab-separated column count; None when the file is
    not a GDELT table (or cannot be read: the loader that takes it then says why)."""
    try:
        with open_table(path) as (stream, _):
            first = stream.readline(SNIFF_BYTES)
    except (OSError, LoadError, zipfile.BadZipFile):
        return None
    fields = first.rstrip(b"\r\n").split(b"\t")
    if len(fields) < 16 or not fields[0].strip().isdigit():
        return None
    return layout_for(len(fields))


def _column(layout: Layout, number: int) -> str:
    """Column ``number`` (1-based) as messages name it: its number and its codebook name."""
    name = layout.columns[number - 1] if 0 < number <= len(layout.columns) else "past the last column"
    return f"column {number} ({name})"


def rows(stream, name: str, layout: Layout):
    """(line number, column values) for each row of a GDELT table; a row that is cut short, has another
    column count or is not UTF-8 raises LoadError at once, naming file, line and column."""
    width = len(layout.columns)
    for number, raw in enumerate(stream, 1):
        ended = raw.endswith(b"\n")
        body = raw.rstrip(b"\r\n")
        if not body.strip() and not ended:
            return
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            column = body[:exc.start].count(b"\t") + 1
            raise LoadError([Problem(name, f"byte 0x{body[exc.start]:02x} is not UTF-8", number,
                                     field=_column(layout, column))]) from None
        values = text.split("\t")
        if len(values) != width:
            if not ended and len(values) < width:
                message = (f"the row is cut short after {len(values)} of {width} columns "
                           "(the file ends inside it: truncated)")
            else:
                message = (f"{len(values)} columns where this {layout.name} has {width} "
                           f"(GDELT tables have {known_counts()})")
            # The column named is the first one missing, or the first one too many.
            first_wrong = min(len(values), width) + 1
            raise LoadError([Problem(name, message, number, field=_column(layout, first_wrong))])
        yield number, values


def column_of(layout: Layout, column_name: str) -> str:
    return _column(layout, layout.columns.index(column_name) + 1)
