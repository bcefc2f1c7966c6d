"""Dates as the claims format writes them, turned into typed literals of the right precision."""

import datetime as dt
import re

from rdflib import Literal
from rdflib.namespace import XSD

from geokg.loaders.model import shown

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# A time of day after an ISO date, as YAML timestamps write it; a publication date keeps only the day.
_TIME_OF_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[Tt]|[ \t]+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d*)?)?"
                          r"(?:[ \t]*(?:Z|[-+]\d{1,2}(?::?\d{2})?))?$")
_PRINTED = ("%d %B, %Y", "%d %B %Y", "%B %d, %Y", "%B %d %Y", "%d %b %Y", "%b %d, %Y", "%Y/%m/%d")
_EXPECTED = "expected an ISO date like 2017, 2017-08 or 2017-08-04"


class NotADate(ValueError):
    """The value is not an ISO year, year-month or date."""


class NotOnTheCalendar(NotADate):
    """The value is written as an ISO date but no such day exists (2017-02-30)."""


def iso_literal(value) -> Literal:
    """An ISO year, year-month or date as xsd:gYear, xsd:gYearMonth or xsd:date; NotADate otherwise."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 9999:
        value = str(value)
    if not isinstance(value, str):
        raise NotADate(f"{_EXPECTED}, got {shown(value)}")
    text = value.strip()
    match = _ISO.match(text)
    if not match:
        raise NotADate(f"{_EXPECTED}, got {shown(value)}")
    year, month, day = match.groups()
    try:
        if day:
            dt.date(int(year), int(month), int(day))
            return Literal(text, datatype=XSD.date)
        if month:
            dt.date(int(year), int(month), 1)
            return Literal(text, datatype=XSD.gYearMonth)
    except ValueError as exc:
        raise NotOnTheCalendar(f"{shown(text)} is not a calendar date ({exc})") from None
    return Literal(text, datatype=XSD.gYear)


def published_literal(value) -> Literal:
    """A publication date: ISO where possible, then a printed form such as '23 September, 2017' read as a
    date, then any other text (the gold keeps 'unknown' as printed) as plain text. NotADate for what is
    not text at all (a boolean, a list, a number that is no year) and for an ISO date not on the calendar."""
    if isinstance(value, str):
        timed = _TIME_OF_DAY.match(value.strip())
        if timed:
            value = timed.group(1)
    elif isinstance(value, bool) or not isinstance(value, (int, dt.date)):
        raise NotADate(f"must be a date or a text such as 'unknown', got {type(value).__name__} {shown(value)}")
    try:
        return iso_literal(value)
    except NotOnTheCalendar:
        raise
    except NotADate:
        if not isinstance(value, str):
            raise NotADate(f"{_EXPECTED} or a text such as 'unknown', got {shown(value)}") from None
    text = value.strip()
    for pattern in _PRINTED:
        try:
            return Literal(dt.datetime.strptime(text, pattern).date().isoformat(), datatype=XSD.date)
        except ValueError:
            continue
    return Literal(text)
