"""Time expressions in a sentence, resolved against the publication date where one is known."""

import datetime as dt
import re

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
_WEEKDAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"

PATTERNS = [
    # (regex, kind); the first match in a sentence wins, most specific first.
    (re.compile(rf"\b(?:on |since |until |by )?(\d{{1,2}}) {_MONTH},? (\d{{4}})\b", re.I), "dmy"),
    (re.compile(rf"\b(?:on |since |until |by )?{_MONTH} (\d{{1,2}}),? (\d{{4}})\b", re.I), "mdy"),
    (re.compile(rf"\b(?:on |since |until |by )?(\d{{1,2}}) {_MONTH}\b", re.I), "dm"),
    (re.compile(rf"\b(?:on |since |until |by )?{_MONTH} (\d{{1,2}})\b(?!,? \d{{4}})", re.I), "md"),
    (re.compile(rf"\b(?:on |earlier |late |early |last |this )?{_WEEKDAY}\b", re.I), "weekday"),
    (re.compile(rf"\b(?:in |since |until |by |from |early |late |mid-)?{_MONTH} (\d{{4}})\b", re.I), "my"),
    (re.compile(r"\b(?:in|since|until|by|from|before|after|during|throughout) (?:the )?(?:early |late |mid-)?((?:19|20)\d\d)\b", re.I), "year"),
    (re.compile(r"\b(yesterday|today|tonight)\b", re.I), "relday"),
    (re.compile(r"\b(last|this|next) (week|month|year)\b", re.I), "relunit"),
    (re.compile(r"\b(at the start of|earlier|later) (this|the) month\b", re.I), "thismonth"),
    (re.compile(r"\b(in recent (?:months|weeks)|recently|in recent days)\b", re.I), "recent"),
    (re.compile(r"(?<![\d.,])((?:19|20)\d\d)(?![\d.,%])", re.I), "bareyear"),
]

_PRINTED = ("%d %B, %Y", "%d %B %Y", "%B %d, %Y", "%B %d %Y", "%d %b %Y", "%b %d, %Y", "%Y-%m-%d", "%Y/%m/%d",
            "%a, %d %b %Y", "%A, %B %d, %Y", "%d.%m.%Y")


def parse_published(text: str | None) -> dt.date | None:
    """A publication date from the forms news sites print, or None."""
    if not text:
        return None
    clean = re.sub(r"\s+", " ", text.strip())
    clean = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", clean)
    for pattern in _PRINTED:
        try:
            return dt.datetime.strptime(clean, pattern).date()
        except ValueError:
            continue
    match = re.search(r"(\d{4})-(\d{2})-(\d{2})", clean)
    if match:
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            return None
    return None


def _day(year, month, day):
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _before(published, month, day):
    """The latest date with this month and day that is not after publication."""
    if published is None:
        return None
    candidate = _day(published.year, month, day)
    if candidate and candidate > published:
        candidate = _day(published.year - 1, month, day)
    return candidate


_MONTH_ANY = re.compile(rf"\b{_MONTH}\b", re.I)
_WEEKDAY_ANY = re.compile(rf"\b{_WEEKDAY}\b", re.I)
_YEAR_ANY = re.compile(r"(?:19|20)\d\d")
_CUES = {
    "dmy": "month", "mdy": "month", "dm": "month", "md": "month", "my": "month", "weekday": "weekday",
    "year": "year", "bareyear": "year", "relday": ("yesterday", "today", "tonight"),
    "relunit": ("week", "month", "year"), "thismonth": ("month",), "recent": ("recent",),
}


def find_time(sentence: str, published: dt.date | None) -> tuple[str, str | None] | None:
    """(the words as written, ISO date or None) for the first time expression, or None."""
    low = sentence.lower()
    present = {"month": bool(_MONTH_ANY.search(sentence)), "weekday": bool(_WEEKDAY_ANY.search(sentence)),
               "year": bool(_YEAR_ANY.search(sentence))}
    for regex, kind in PATTERNS:
        cue = _CUES[kind]
        if not (present[cue] if isinstance(cue, str) else any(map(low.__contains__, cue))):
            continue
        match = regex.search(sentence)
        if match:
            return match.group(0).strip(), _resolve(kind, match, published)
    return None


def _resolve(kind, m, published):
    g = [x.lower() if isinstance(x, str) else x for x in m.groups()]
    if kind == "dmy":
        d = _day(int(g[2]), MONTHS[g[1]], int(g[0]))
        return d.isoformat() if d else None
    if kind == "mdy":
        d = _day(int(g[2]), MONTHS[g[0]], int(g[1]))
        return d.isoformat() if d else None
    if kind in ("dm", "md"):
        day, month = (int(g[0]), MONTHS[g[1]]) if kind == "dm" else (int(g[1]), MONTHS[g[0]])
        d = _before(published, month, day)
        return d.isoformat() if d else None
    if kind == "weekday":
        if published is None:
            return None
        back = (published.weekday() - WEEKDAYS[g[0]]) % 7
        return (published - dt.timedelta(days=back)).isoformat()
    if kind == "my":
        return f"{g[1]}-{MONTHS[g[0]]:02d}"
    if kind in ("year", "bareyear"):
        return g[0]
    if published is None:
        return None
    if kind == "relday":
        shift = {"yesterday": -1, "today": 0, "tonight": 0}[g[0]]
        return (published + dt.timedelta(days=shift)).isoformat()
    if kind == "relunit":
        step = {"last": -1, "this": 0, "next": 1}[g[0]]
        if g[1] == "year":
            return str(published.year + step)
        if g[1] == "month":
            month = published.month + step
            year = published.year + (month - 1) // 12
            return f"{year}-{(month - 1) % 12 + 1:02d}"
        return (published + dt.timedelta(weeks=step)).isoformat()[:7]
    if kind == "thismonth":
        return f"{published.year}-{published.month:02d}"
    if kind == "recent":
        return str(published.year)
    return None
