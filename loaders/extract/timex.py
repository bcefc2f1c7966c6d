"""Time expressions in a sentence, resolved against the publication date where one is known.

``find_time`` gives a sentence's most specific time expression; ``Clock`` gives each fact the time
expression attached to it (the nearest one in the same clause, a window over the words) and a statement
the time of its reporting clause, never a time inside what was said.
"""

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
# A month named alone ("in May"): full names, capitalised, so that the verb "may" is never read as a month.
_MONTH_NAME = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_WEEKDAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_ORD = r"(?:st|nd|rd|th)?"

PATTERNS = [
    # (regex, kind); for find_time the first kind that matches in a sentence wins, most specific first.
    (re.compile(rf"\b(?:on |since |until |by )?(\d{{1,2}}){_ORD} (?:of )?{_MONTH},? (\d{{4}})\b", re.I), "dmy"),
    (re.compile(rf"\b(?:on |since |until |by )?{_MONTH} (\d{{1,2}}){_ORD},? (\d{{4}})\b", re.I), "mdy"),
    (re.compile(rf"\b(?:on |since |until |by |effective )?(\d{{1,2}}){_ORD} (?:of )?{_MONTH}\b", re.I), "dm"),
    (re.compile(rf"\b(?:on |since |until |by |effective )?{_MONTH} (\d{{1,2}}){_ORD}\b(?!,? \d{{4}})", re.I), "md"),
    (re.compile(rf"\b(?:(?:on |earlier |late |early |last |this |next )?{_WEEKDAY})\b", re.I), "weekday"),
    (re.compile(rf"\b(?:in |since |until |by |from |early |late |mid-)?{_MONTH} (\d{{4}})\b", re.I), "my"),
    (re.compile(rf"\b(?:(?:in|since|until|by|from|during|early|late|mid-) )?{_MONTH_NAME} (last|this|next) year\b"),
     "mrel"),
    (re.compile(rf"\b(?:in|since|until|by|from|during|early|late|mid-|last|this|next) {_MONTH_NAME}\b(?! \d)"),
     "month"),
    (re.compile(r"\b(?:in|since|until|by|from|before|after|during|throughout) (?:the )?(?:early |late |mid-)?((?:19|20)\d\d)\b", re.I), "year"),
    (re.compile(r"\b(yesterday|today|tonight|last night|this (?:morning|afternoon|evening)|"
                r"earlier (?:today|in the day)|later (?:today|in the day))\b", re.I), "relday"),
    (re.compile(r"\b(last|this|next) (week|month|year)\b", re.I), "relunit"),
    (re.compile(r"\b(at the start of|earlier|later) (this|the) month\b", re.I), "thismonth"),
    (re.compile(r"\b(in recent (?:months|weeks)|recently|in recent days)\b", re.I), "recent"),
    (re.compile(r"(?<![\d.,])((?:19|20)\d\d)(?![\d.,%])", re.I), "bareyear"),
]
_PRIORITY = {kind: i for i, (_, kind) in enumerate(PATTERNS)}

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


def _before(published, month, day, forward=False):
    """The latest date with this month and day that is not after publication (with ``forward``, the first
    one not before it)."""
    if published is None:
        return None
    candidate = _day(published.year, month, day)
    if forward:
        if candidate and candidate < published:
            candidate = _day(published.year + 1, month, day)
    elif candidate and candidate > published:
        candidate = _day(published.year - 1, month, day)
    return candidate


_MONTH_ANY = re.compile(rf"\b{_MONTH}\b", re.I)
_WEEKDAY_ANY = re.compile(rf"\b{_WEEKDAY}\b", re.I)
_YEAR_ANY = re.compile(r"(?:19|20)\d\d")
_CUES = {
    "dmy": "month", "mdy": "month", "dm": "month", "md": "month", "my": "month", "mrel": "month", "month": "month",
    "weekday": "weekday", "year": "year", "bareyear": "year",
    "relday": ("yesterday", "today", "tonight", "night", "morning", "afternoon", "evening", "the day"),
    "relunit": ("week", "month", "year"), "thismonth": ("month",), "recent": ("recent",),
}
# Words just before a time expression that put it after publication: "will meet on Friday",
# "effective December 7", "scheduled for 3 May", "ahead of elections on October 15".
_FUTURE = re.compile(r"\b(?:will|shall|would|effective|scheduled|slated|due|set (?:for|to)|planned|plans? to|"
                     r"expected to|to be held|upcoming|ahead of|next)\b[^,;:.]*$", re.I)


@dataclass
class Timex:
    """One time expression: its span in the sentence text, its words, and its resolution."""

    start: int
    end: int
    words: str
    iso: str | None
    kind: str
    dateline: bool = False


# "DUBAI, June 5 ..." or "MOSCOW, June 19 (AFP): ...": the day the report was filed, not of what it reports.
_DATELINE = re.compile(rf"^[A-Z][A-Za-z.'-]*(?:[ -][A-Z][A-Za-z.'-]*)*,? (?:{_MONTH} \d{{1,2}}|\d{{1,2}} {_MONTH})\b",
                       re.I)


def find_times(sentence: str, published: dt.date | None) -> list[Timex]:
    """Every time expression of a sentence, in text order; where two overlap the more specific one is kept."""
    low = sentence.lower()
    present = {"month": bool(_MONTH_ANY.search(sentence)), "weekday": bool(_WEEKDAY_ANY.search(sentence)),
               "year": bool(_YEAR_ANY.search(sentence))}
    taken, out = [], []
    for regex, kind in PATTERNS:
        cue = _CUES[kind]
        if not (present[cue] if isinstance(cue, str) else any(map(low.__contains__, cue))):
            continue
        for match in regex.finditer(sentence):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            # The cue may be the expression's own first word ("effective December 7").
            forward = bool(_FUTURE.search(sentence[max(0, start - 60):match.start(1)]))
            words = match.group(0).strip()
            start += len(match.group(0)) - len(match.group(0).lstrip())
            dateline = kind in ("dm", "md") and start < 40 and bool(_DATELINE.match(sentence[:end]))
            out.append(Timex(start, end, words, _resolve(kind, match, published, forward), kind, dateline))
    return sorted(out, key=lambda t: t.start)


def find_time(sentence: str, published: dt.date | None) -> tuple[str, str | None] | None:
    """(the words as written, ISO date or None) for the most specific time expression, or None."""
    times = find_times(sentence, published)
    if not times:
        return None
    best = min(times, key=lambda t: (_PRIORITY[t.kind], t.start))
    return best.words, best.iso


def _resolve(kind, m, published, forward=False):
    g = [x.lower() if isinstance(x, str) else x for x in m.groups()]
    if kind == "dmy":
        d = _day(int(g[2]), MONTHS[g[1]], int(g[0]))
        return d.isoformat() if d else None
    if kind == "mdy":
        d = _day(int(g[2]), MONTHS[g[0]], int(g[1]))
        return d.isoformat() if d else None
    if kind in ("dm", "md"):
        day, month = (int(g[0]), MONTHS[g[1]]) if kind == "dm" else (int(g[1]), MONTHS[g[0]])
        d = _before(published, month, day, forward)
        return d.isoformat() if d else None
    if kind == "my":
        return f"{g[1]}-{MONTHS[g[0]]:02d}"
    if kind in ("year", "bareyear"):
        return g[0]
    if published is None:
        return None
    if kind == "weekday":
        words = m.group(0).lower()
        target = WEEKDAYS[g[0]]
        if words.startswith("next") or (forward and not words.startswith(("last", "earlier"))):
            ahead = (target - published.weekday()) % 7 or (7 if words.startswith("next") else 0)
            return (published + dt.timedelta(days=ahead)).isoformat()
        back = (published.weekday() - target) % 7
        if back == 0 and words.startswith("last"):
            back = 7
        return (published - dt.timedelta(days=back)).isoformat()
    if kind == "mrel":
        step = {"last": -1, "this": 0, "next": 1}[g[1]]
        return f"{published.year + step}-{MONTHS[g[0]]:02d}"
    if kind == "month":
        month, word = MONTHS[g[0]], m.group(0).split()[0].lower()
        if word == "last":
            year = published.year - (1 if month >= published.month else 0)
        elif word == "next":
            year = published.year + (1 if month <= published.month else 0)
        elif word == "this":
            year = published.year
        elif forward:
            year = published.year + (1 if month < published.month else 0)
        else:
            year = published.year - (1 if month > published.month else 0)
        return f"{year}-{month:02d}"
    if kind == "relday":
        words = g[0]
        shift = -1 if words in ("yesterday", "last night") else 0
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


# Between a fact's words and a time expression, these start another clause whose time it is:
# "left Damascus following a crackdown from 2011", "met, which they had done in 2015".
_BOUNDARY = re.compile(r"\b(?:following|after|before|since|when|whenever|while|whereas|which|who|whom|whose|where|"
                       r"because|until|amid|although|though|once)\b|[;—–]|\s-\s|[\"“”]", re.I)
_RELATIVE = re.compile(r",\s*(?:which|who|whose|where|when)\b[^,;]*(?:,|$)", re.I)
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]?")
# What may stand between a speech verb and its time: "said in a statement on Friday", "told reporters on Monday".
_CHANNEL_ONLY = re.compile(r"(?:[\s,]+|(?:in|on|at|during|via|through|to|with|told)\s+(?:an?\s+|the\s+|its\s+|his\s+|"
                           r"her\s+|their\s+)?(?:[\w'’-]+\s+){0,2}?(?:statement|release|communiqu[eé]|interview|"
                           r"briefing|conference|speech|remarks|post|message|reporters|journalists|media|"
                           r"parliament)\b)*",
                           re.I)
WINDOW = 15  # words between a fact's actors and its time expression, at most


def attached(sentence: str, times: list[Timex], anchors: list[tuple[int, int]],
             exclude: list[tuple[int, int]] = ()) -> Timex | None:
    """The time expression attached to the words at ``anchors`` (spans in ``sentence``): the nearest one
    not cut off from them by a clause boundary, within WINDOW words; a dateline when nothing else is."""
    times = [t for t in times if not any(s <= t.start and t.end <= e for s, e in exclude)]
    if not anchors:
        plain = [t for t in times if not t.dateline] or times
        return min(plain, key=lambda t: (_PRIORITY[t.kind], t.start)) if plain else None
    lo, hi = min(s for s, _ in anchors), max(e for _, e in anchors)
    relatives = [m.span() for m in _RELATIVE.finditer(sentence)]
    best = None
    for t in times:
        if t.dateline:
            continue
        if any(s <= t.start and t.end <= e and not any(s <= a < e for a, _ in anchors) for s, e in relatives):
            continue
        between = sentence[t.end:lo] if t.end <= lo else sentence[hi:t.start] if t.start >= hi else ""
        if between and _BOUNDARY.search(between):
            continue
        distance = len(between.split())
        if distance > WINDOW:
            continue
        rank = (distance, _PRIORITY[t.kind])
        if best is None or rank < best[0]:
            best = (rank, t)
    if best:
        return best[1]
    datelines = [t for t in times if t.dateline]
    return datelines[0] if datelines else None


def _column(raw: str, position: int) -> int:
    """A position in a sentence's raw text as a position in its whitespace-collapsed text."""
    return len(re.sub(r"\s+", " ", raw[:position]))


class Clock:
    """The times of one article's facts and statements, each found once per sentence."""

    def __init__(self, body: str, published: dt.date | None):
        self.body = body
        self.published = published
        self._cache = {}

    def times(self, sentence) -> list[Timex]:
        found = self._cache.get(sentence.index)
        if found is None:
            found = self._cache[sentence.index] = find_times(sentence.text, self.published)
        return found

    def _anchors(self, sentence, mentions, actors) -> list[tuple[int, int]]:
        raw = self.body[sentence.start:sentence.end]
        keys = {getattr(a, "key", None) for a in actors} - {None}
        spans, seen = [], set()
        # Each actor's first mention in the sentence: a later one ("the Syrian regime's crackdown from 2011")
        # is usually in another clause.
        for m in sorted(mentions, key=lambda m: m.start):
            named = ({m.actor.key} if m.actor is not None else set()) | {a.key for a in m.group or []}
            if named & keys - seen:
                seen |= named & keys
                spans.append((_column(raw, m.start - sentence.start), _column(raw, m.end - sentence.start)))
        return spans

    def fact_time(self, sentence, mentions, fact) -> tuple[str, str | None] | None:
        """(words, ISO or None) of the time expression attached to a fact's actors in its sentence."""
        times = self.times(sentence)
        if not times:
            return None
        anchors = self._anchors(sentence, mentions, list(fact.subject) + list(fact.objects))
        found = attached(sentence.text, times, anchors)
        return (found.words, found.iso) if found else None

    def statement_time(self, sentence, mentions, speakers, content: str | None, verb: str | None):
        """(words, ISO or None) of the time of a statement: a time expression in the reporting clause
        ("said on Tuesday", "On Friday, the ministry said"), never one inside what was said."""
        times = self.times(sentence)
        if not times:
            return None
        text = sentence.text
        exclude = [m.span() for m in _QUOTED.finditer(text)]
        at = text.find(content) if content else -1
        if at >= 0:
            # "said on Tuesday that ...", "said in a statement on Friday": a time at the head of what
            # follows the verb, before anything else but a channel, belongs to the reporting clause.
            head = at
            for t in times:
                if at <= t.start < at + len(content) and _CHANNEL_ONLY.fullmatch(text[head:t.start]) \
                        and not text.startswith(("'s", "’s"), t.end):
                    head = t.end
            exclude.append((head, at + len(content)))
        anchors = self._anchors(sentence, mentions, speakers)
        if verb:
            spans = [m.span() for m in re.finditer(rf"\b{re.escape(verb)}\b", text)
                     if not any(s <= m.start() < e for s, e in exclude)]
            # With its words found, the statement's verb is the last one before them: another speaker's
            # "said on Tuesday" later in the sentence is not this statement's time.
            before = [span for span in spans if span[0] < at]
            anchors += before[-1:] if before else spans
        if not anchors:
            return None
        found = attached(text, times, anchors, exclude)
        return (found.words, found.iso) if found else None
