"""Build gazetteer.tsv from the PETRARCH2/Phoenix actor dictionaries and the CAMEO known-group table.

Run from the project root when the dictionaries change:
    python loaders/extract/data/build_gazetteer.py ../shared/anchors-data
It is not run at install or run time; its output is committed (MIT licence, see NOTICE.md).
"""

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SMALL = {"of", "the", "and", "for", "in", "on", "de", "du", "al", "bin", "ibn", "el", "van", "von", "da", "a"}
ALLIANCE_WORDS = ("TREATY_ORGANIZATION", "ALLIANCE", "PACT", "COALITION", "AXIS")
# Demonyms the dictionaries lack, written by hand.
DEMONYMS = {"SWE": ["SWEDISH"], "RUS": ["RUSSIAN", "RUSSIANS"], "KOR": ["SOUTH_KOREAN"], "PRK": ["NORTH_KOREAN"],
            "FIN": ["FINNISH"], "NOR": ["NORWEGIAN"], "POL": ["POLISH"], "ESP": ["SPANISH"], "PRT": ["PORTUGUESE"],
            "DEU": ["GERMAN"], "GBR": ["BRITISH"], "CHN": ["CHINESE"], "JPN": ["JAPANESE"], "ITA": ["ITALIAN"]}
# Display names where the dictionary's entry name is not the one news uses.
DISPLAY = {"USA": "United States", "GBR": "United Kingdom", "RUS": "Russia", "PRK": "North Korea",
           "KOR": "South Korea", "COD": "Democratic Republic of the Congo"}
ARMED = ("REB", "INS", "UAF", "IMG", "SEP", "MIL", "RAD")
# Written by hand: major actors that appeared after the 2014 dictionaries or that they lack.
SUPPLEMENT = [
    ("group", "ArmedGroup", "IMGSYRISI", "Islamic State", ["ISIS", "ISIL", "DAESH", "IS", "ISLAMIC_STATE_OF_IRAQ_AND_SYRIA",
                                                            "ISLAMIC_STATE_OF_IRAQ_AND_THE_LEVANT"]),
    ("media", "Media", "MED", "Associated Press", ["AP", "THE_ASSOCIATED_PRESS"]),
    ("media", "Media", "MED", "Al Mayadeen", ["AL-MAYADEEN", "AL_MAYADEEN_TV"]),
    ("media", "Media", "MED", "CBC", ["CBC_NEWS", "CANADIAN_BROADCASTING_CORPORATION"]),
]


def entries(path: Path):
    """(names, codes, comment) for every entry of a TABARI actor file."""
    names, codes, comment = [], [], ""
    for raw in path.read_text(encoding="latin-1").splitlines():
        line = raw.rstrip()
        if not line or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t":
            codes += re.findall(r"\[([A-Z~]+)(?:\s+[^\]]*)?\]", line.split("#")[0])
            continue
        body, _, note = line.partition("#")
        if line.startswith("+"):
            names.append(body[1:].split("[")[0].strip())
            codes += re.findall(r"\[([A-Z~]+)(?:\s+[^\]]*)?\]", body)
            continue
        if names:
            yield names, codes, comment
        names = [body.split("[")[0].strip()]
        codes = re.findall(r"\[([A-Z~]+)(?:\s+[^\]]*)?\]", body)
        comment = note
    if names:
        yield names, codes, comment


def words(name: str) -> list[str]:
    return [w for w in name.strip("_ ").split("_") if w]


def display(name: str, acronym: bool = False) -> str:
    if acronym and len(words(name)) == 1 and len(words(name)[0]) <= 5:
        return words(name)[0]
    out = []
    for i, word in enumerate(words(name)):
        low = word.lower()
        if i and low in SMALL:
            out.append(low)
        elif len(word) <= 4 and word.isalpha() and word.isupper() and not any(v in word for v in "AEIOU"):
            out.append(word)
        else:
            out.append("-".join(part.capitalize() for part in low.split("-")))
    return " ".join(out)


def usable(name: str) -> bool:
    ws = words(name)
    return 0 < len(ws) <= 6 and all(re.fullmatch(r"[A-Z0-9.'&-]+", w) for w in ws) and len("".join(ws)) > 1


def build(src: Path) -> list[str]:
    rows = []
    first_names, states = set(), {}
    for names, codes, comment in entries(src / "Phoenix.Countries.actors.txt"):
        names = [n for n in names if usable(n)]
        if not names:
            continue
        # A country entry carries a bare three-letter code (sometimes date-bounded, as for Lithuania);
        # the first such entry per code is the country, later ones are regions or old regimes.
        state = next((c for c in codes if re.fullmatch(r"[A-Z]{3}", c)), None)
        if state and "CountryInfo" not in comment:
            if state not in states:
                states[state] = ("state", "State", state, DISPLAY.get(state, display(names[0])),
                                 names[1:] + [d for d in DEMONYMS.get(state, []) if d not in names])
                rows.append(states[state])
            elif names[0][:4] == states[state][3].upper()[:4]:
                # A second entry for the same country (RUSSIAN_FEDERATION after RUSSIA) adds its aliases.
                states[state][4].extend(n for n in names if n not in states[state][4])
        elif any(re.fullmatch(r"[A-Z]{3}(GOV|ELI|MIL|LEG|JUD|OPP)\w*", c) for c in codes) and "CountryInfo" in comment:
            if 2 <= len(words(names[0])) <= 4:
                first_names.add(words(names[0])[0])
                rows.append(("person", "Person", codes[0][:3], display(names[0]), names[1:]))
    for names, codes, _ in entries(src / "Phoenix.MilNonState.actors.txt"):
        names = [n for n in names if usable(n)]
        if not names or not codes:
            continue
        code = codes[0]
        kind = "PoliticalParty" if "PTY" in code else ("ArmedGroup" if any(a in code for a in ARMED) else "Organization")
        aliases = [n for n in names[1:] if words(n)[0] not in first_names]
        rows.append(("group", kind, code, display(names[0], acronym=True), aliases))
    for names, codes, _ in entries(src / "Phoenix.International.actors.txt"):
        names = [n for n in names if usable(n)]
        if not names or not codes:
            continue
        code = codes[0]
        if code.endswith("MED") or code == "MED":
            rows.append(("media", "Media", code, display(names[0], acronym=True), names[1:]))
        elif code.startswith(("IGO", "NGO")) and not re.search(r"\d", "".join(codes)):
            kind = "Alliance" if any(w in names[0] for w in ALLIANCE_WORDS) or code == "IGOWSTNAT" and names[0] == "NATO_" else "Organization"
            rows.append(("igo", kind, code, display(names[0], acronym=True), names[1:]))
    for line in (src / "CAMEO.knowngroup.txt").read_text(encoding="latin-1").splitlines()[1:]:
        code, _, label = line.partition("\t")
        label = re.sub(r"\s*\(.*\)$", "", label.strip())
        if label:
            rows.append(("known", "Organization", code.strip(), label, []))
    rows = SUPPLEMENT + rows
    # Country entries list some parties and groups among their aliases (FATAH under Palestine):
    # those names belong to the group's own entry.
    org_names = {r[3].upper().replace(" ", "_") for r in rows if r[0] != "state"}
    rows = [(k, t, c, n, [a for a in al if k != "state" or a.strip("_ ") not in org_names]) for k, t, c, n, al in rows]
    out = ["# kind\ttype\tcode\tname\taliases (TABARI form, | separated)",
           "# Built by build_gazetteer.py from PETRARCH2/Phoenix dictionaries and CAMEO tables (MIT); see NOTICE.md"]
    seen = set()
    for kind, typ, code, name, aliases in rows:
        key = (kind, name)
        if key in seen:
            continue
        seen.add(key)
        out.append("\t".join((kind, typ, code, name, "|".join(dict.fromkeys(a.strip("_ ") for a in aliases)))))
    out.append("# first names\t" + "|".join(sorted(first_names)))
    return out


if __name__ == "__main__":
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/anchors-data")
    lines = build(source)
    (HERE / "gazetteer.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} lines to {HERE / 'gazetteer.tsv'}")
