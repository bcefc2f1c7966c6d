"""The GDELT table layouts (column names in file order, per the GDELT 1.0 and 2.0 codebooks) and the
choice of a layout from a row's column count."""

from dataclasses import dataclass

_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
          "Type1Code", "Type2Code", "Type3Code")
_EVENT = ("IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
          "NumMentions", "NumSources", "NumArticles", "AvgTone")


def _geo(prefix: str, adm2: bool) -> tuple[str, ...]:
    names = ("Type", "FullName", "CountryCode", "ADM1Code") + (("ADM2Code",) if adm2 else ()) + (
        "Lat", "Long", "FeatureID")
    return tuple(f"{prefix}Geo_{n}" for n in names)


def _events(adm2: bool, tail: tuple[str, ...]) -> tuple[str, ...]:
    return (("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate")
            + tuple(f"Actor1{n}" for n in _ACTOR) + tuple(f"Actor2{n}" for n in _ACTOR) + _EVENT
            + _geo("Actor1", adm2) + _geo("Actor2", adm2) + _geo("Action", adm2) + tail)


@dataclass(frozen=True)
class Layout:
    """One GDELT table: its name for messages, whether its rows are events or mentions, and its columns."""

    name: str
    kind: str
    columns: tuple[str, ...]

    def index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.columns)}


# GDELT 1.0 daily files gained SOURCEURL in April 2013; the back files before it have 57 columns.
EVENTS_1_0_OLD = Layout("GDELT 1.0 event export (57 columns)", "events", _events(False, ("DATEADDED",)))
EVENTS_1_0 = Layout("GDELT 1.0 event export (58 columns)", "events", _events(False, ("DATEADDED", "SOURCEURL")))
EVENTS_2_0 = Layout("GDELT 2.0 event export (61 columns)", "events", _events(True, ("DATEADDED", "SOURCEURL")))
MENTIONS_2_0 = Layout("GDELT 2.0 mentions table (16 columns)", "mentions", (
    "GLOBALEVENTID", "EventTimeDate", "MentionTimeDate", "MentionType", "MentionSourceName", "MentionIdentifier",
    "SentenceID", "Actor1CharOffset", "Actor2CharOffset", "ActionCharOffset", "InRawText", "Confidence",
    "MentionDocLen", "MentionDocTone", "MentionDocTranslationInfo", "Extras"))

LAYOUTS = {len(layout.columns): layout for layout in (EVENTS_1_0_OLD, EVENTS_1_0, EVENTS_2_0, MENTIONS_2_0)}
assert sorted(LAYOUTS) == [16, 57, 58, 61]


def layout_for(count: int) -> Layout | None:
    """The layout of a row of ``count`` tab-separated columns, or None when no GDELT table has that many."""
    return LAYOUTS.get(count)


def known_counts() -> str:
    return "57 or 58 (GDELT 1.0 events), 61 (2.0 events) or 16 (2.0 mentions)"
