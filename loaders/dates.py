"""Dates as the claims format writes them, turned into typed literals of the right precision."""

import datetime as dt
import re

from rdflib import Literal
from rdflib.namespace import XSD

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_PRINTED = ("%d %B, %Y", "%d %B %Y", "%B %d, %Y", "%B %d %Y", "%d %b %Y", "%b %d, %Y", "%Y/%m/%d")


class NotADate(ValueError):
    """The value is not an ISO year, year-month or date."""


def iso_literal(value) -> Literal:
    """An ISO year, year-month or date as xsd:gYear, xsd:gYearMonth or xsd:date; NotADate otherwise."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise NotADate(f"expected an ISO date like 2017, 2017-08 or 2017-08-04, got {value!r}")
    text = value.strip()
    match = _ISO.match(text)
    if not match:
        raise NotADate(f"expected an ISO date like 2017, 2017-08 or 2017-08-04, got {value!r}")
    year, month, day = match.groups()
    try:
        if day:
            dt.date(int(year), int(month), int(day))
            return Literal(text, datatype=XSD.date)
        if month:
            dt.date(int(year), int(month), 1)
            return Literal(text, datatype=XSD.gYearMonth)
    except ValueError as exc:
        raise NotADate(f"{value!r} is not a calendar date ({exc})") from None
    return Literal(text, datatype=XSD.gYear)


def published_literal(value) -> Literal:
    """A publication date: ISO where possible, else a printed form such as '23 September, 2017'."""
    try:
        return iso_literal(value)
    except NotADate:
        pass
    text = str(value).strip()
    for pattern in _PRINTED:
        try:
            return Literal(dt.datetime.strptime(text, pattern).date().isoformat(), datatype=XSD.date)
        except ValueError:
            continue
    raise NotADate(f"expected a publication date like 2017-09-23 or '23 September, 2017', got {value!r}")
