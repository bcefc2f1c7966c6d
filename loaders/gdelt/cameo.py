"""The CAMEO code tables GDELT codes with (event codes and their Goldstein scores, actor types, known groups),
read from data/ as GDELT ships them, with their known faults repaired here, and the event classes of our
ontology that CAMEO codes stand for."""

import functools
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# CAMEO.eventcodes.txt glues one row onto another: "1056<TAB>Demand de-escalation ...engagement106:[-5.0] Demand
# withdrawal". The glued row is code 106 with its Goldstein score, which CAMEO.goldsteinscale.txt lacks.
_GLUED = re.compile(r"^(?P<label>.*?\D)(?P<code>\d{2,4}):\[(?P<score>-?\d+(?:\.\d+)?)\]\s*(?P<glued>.+)$")
# Row 044's curly quotes were saved in Mac Roman and read back as Latin-1 ("Meet at a \u00d2hird\u00d3location"),
# which also ate a letter and a space: the label is the one CAMEO's codebook gives.
_REPAIRED = {"044": "Meet at a \u201cthird\u201d location"}
_MOJIBAKE = re.compile("[\u00d2\u00d3\u00d4\u00d5]")

# CAMEO codes whose meaning is one of our event classes, most specific first. Codes not listed stay gk:Event with
# their CAMEO code: 18 ASSAULT also covers crimes (abduction, torture), 164 halts negotiations without breaking
# relations, 172 "administrative sanctions" are curfews and bans at home, not sanctions between actors.
EVENT_CLASSES = (
    ("045", "Mediation"),
    ("057", "Agreement"),
    ("161", "DiplomaticRupture"),
    ("163", "Sanction"),
    ("01", "Statement"),
    ("04", "Meeting"),
    ("14", "Protest"),
    ("19", "MilitaryAction"),
    ("20", "MilitaryAction"),
)


def event_class(code: str) -> str:
    """Our ontology's event class (local name) for a CAMEO event code."""
    for prefix, name in EVENT_CLASSES:
        if code.startswith(prefix):
            return name
    return "Event"


@dataclass(frozen=True)
class EventCode:
    code: str
    label: str
    goldstein: float | None


def _rows(name: str):
    with open(DATA / name, encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            if line.strip():
                code, _, label = line.rstrip("\r\n").partition("\t")
                yield code.strip(), " ".join(label.split())


@functools.lru_cache(maxsize=1)
def event_codes() -> dict[str, EventCode]:
    """CAMEO event code -> its label and Goldstein score, every row of CAMEO.eventcodes.txt, repaired."""
    scores = {code: float(score) for code, score in _rows("CAMEO.goldsteinscale.txt")}
    labels, glued_scores = {}, {}
    for code, label in _rows("CAMEO.eventcodes.txt"):
        glued = _GLUED.match(label)
        if glued:
            label = glued["label"].strip()
            labels[glued["code"]] = glued["glued"].strip()
            glued_scores[glued["code"]] = float(glued["score"])
        labels[code] = _REPAIRED.get(code) or _MOJIBAKE.sub('"', label)
    return {code: EventCode(code, label, scores.get(code, glued_scores.get(code))) for code, label in labels.items()}


@functools.lru_cache(maxsize=1)
def actor_types() -> dict[str, str]:
    """CAMEO actor type code (GOV, MIL, REB...) -> label; the table lists UIS twice, with one label."""
    return dict(_rows("CAMEO.type.txt"))


@functools.lru_cache(maxsize=1)
def known_groups() -> dict[str, str]:
    """CAMEO known group code (NAT, EEC, UNO...) -> the group's name."""
    return dict(_rows("CAMEO.knowngroup.txt"))


# Types whose actors are armed groups in our ontology; the other typed actors are organisations or people.
ARMED_TYPES = frozenset({"REB", "INS", "SEP", "UAF", "RAD"})
