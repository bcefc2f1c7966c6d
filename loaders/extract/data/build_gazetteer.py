"""Build gazetteer.tsv from the PETRARCH2/Phoenix actor and agent dictionaries, the CAMEO known-group table
and blocs.tsv (blocs, alliances and armed groups formed or renamed since the 2014 dictionaries, each with a source).

Run from the project root when the dictionaries change (`pip install -e '.[data]'` first, for rigour's
state Wikidata ids):
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
# Sectors of a state's own institutions in the country dictionary: [ISRGOVLEG] is the Knesset, [RUSSPY] the FSB.
INSTITUTION_CODE = re.compile(r"([A-Z]{3})(GOV|LEG|JUD|MIL|SPY|COP)[A-Z]*")
# Words that make a country-dictionary entry a body rather than a building that stands for the government.
BODY_WORDS = {"COUNCIL", "MINISTRY", "DEPARTMENT", "GOVERNMENT", "BUREAU", "OFFICE", "COMMISSION", "AGENCY",
              "ASSEMBLY", "CONGRESS", "COURT", "PARTY", "SERVICE", "FORCES", "FORCE", "ARMY", "NAVY", "GUARD",
              "ADMINISTRATION", "REPRESENTATIVE", "RESERVE", "INTELLIGENCE", "MILITARY", "COMMUNITY", "HEADQUARTERS",
              "DIRECTORATE", "RIFLES", "MARINES", "COMMAND"}
# Titles: an entry named by a post ("KOSOVAR_PRIME_MINISTER_") is a person's role, not a body.
TITLE_WORDS = {"MINISTER", "SECRETARY", "DIRECTOR", "CHAIRMAN", "PRESIDENT", "SPOKESMAN", "SPOKESWOMAN",
               "SPOKESPERSON", "OFFICIAL", "CHANCELLOR", "BUNDESKANZLER", "AMBASSADOR", "ATTORNEY", "VICE-PRESIDENT",
               "ENVOY", "SPEAKER", "GOVERNOR"}
# Agent nouns (Phoenix.agents.txt) that head a body of the state; the rest of the state sectors' nouns are
# people in a role ("foreign minister", "lawmaker"). Of the bodies, those in ORGAN_HEADS only stand for their
# state ("the Israeli army", "Kyrgyz forces", "the Indian government") and stay aliases of it.
BODY_HEADS = {"MINISTRY", "MINISTRIES", "OFFICE", "SERVICE", "SERVICES", "COUNCIL", "PARLIAMENT", "ASSEMBLY",
              "CONGRESS", "SENATE", "CABINET", "COURT", "AGENCY", "COMMISSION", "COMMITTEE", "DEPARTMENT",
              "DIRECTORATE", "BUREAU", "LEGISLATURE", "JUDICIARY", "CHAMBER", "HOUSE", "PRESIDENCY",
              "SECRETARIAT", "TRIBUNAL", "POLICE", "GENDARMERIE", "GENDARMERY", "PROCURATORATE", "PALACE",
              "ARMY", "MILITARY", "FORCES", "FORCE", "TROOPS", "GOVERNMENT", "ADMINISTRATION", "REGIME", "JUNTA",
              "NAVY", "MEDIA"}
ORGAN_HEADS = {"ARMY", "MILITARY", "FORCES", "FORCE", "TROOPS", "GOVERNMENT", "ADMINISTRATION", "REGIME", "JUNTA",
               "POLICE", "CABINET"}
AGENT_SECTORS = ("GOV", "LEG", "JUD", "MIL", "SPY", "COP")
# English constructions for a state's bodies that the agent dictionary lacks, written by hand:
# (agent phrase, type, CAMEO agent code).
AGENT_SUPPLEMENT = [
    ("FOREIGN_MINISTRY", "Organization", "~GOV"), ("MINISTRY_OF_FOREIGN_AFFAIRS", "Organization", "~GOV"),
    ("DEFENCE_MINISTRY", "Organization", "~GOVMIL"), ("DEFENSE_MINISTRY", "Organization", "~GOVMIL"),
    ("INTERIOR_MINISTRY", "Organization", "~GOV"), ("ROYAL_PALACE", "Organization", "~GOV"),
    ("PRESIDENTIAL_PALACE", "Organization", "~GOV"), ("PRESIDENCY", "Organization", "~GOV"),
    ("PRESIDENTIAL_OFFICE", "Organization", "~GOV"), ("PRESIDENT'S_OFFICE", "Organization", "~GOV"),
    ("PRIME_MINISTER'S_OFFICE", "Organization", "~GOV"), ("BORDER_SERVICE", "Organization", "~COP"),
    ("BORDER_GUARD_SERVICE", "Organization", "~COP"), ("STATE_MEDIA", "Media", "~GOVMED"),
    ("STATE_NEWS_AGENCY", "Media", "~GOVMED"), ("STATE_TELEVISION", "Media", "~GOVMED"),
    ("STATE_BROADCASTER", "Media", "~GOVMED"), ("PARLIAMENT", "Organization", "~LEG"),
    # The security services of several post-Soviet states (Kazakhstan's KNB, Kyrgyzstan's and Tajikistan's GKNB,
    # Belarus's KGB) are named in English as committees.
    ("NATIONAL_SECURITY_COMMITTEE", "Organization", "~SPY"), ("STATE_SECURITY_COMMITTEE", "Organization", "~SPY"),
    ("STATE_COMMITTEE_FOR_NATIONAL_SECURITY", "Organization", "~SPY"),
    ("STATE_COMMITTEE_ON_NATIONAL_SECURITY", "Organization", "~SPY"),
]
# Written by hand: major actors that appeared after the 2014 dictionaries or that they lack.
SUPPLEMENT = [
    ("group", "ArmedGroup", "IMGSYRISI", "Islamic State", ["ISIS", "ISIL", "DAESH", "IS", "ISLAMIC_STATE_OF_IRAQ_AND_SYRIA",
                                                            "ISLAMIC_STATE_OF_IRAQ_AND_THE_LEVANT"]),
    ("media", "Media", "MED", "Associated Press", ["AP", "THE_ASSOCIATED_PRESS"]),
    ("media", "Media", "MED", "Al Mayadeen", ["AL-MAYADEEN", "AL_MAYADEEN_TV"]),
    ("media", "Media", "MED", "CBC", ["CBC_NEWS", "CANADIAN_BROADCASTING_CORPORATION"]),
]


def entries(path: Path, dated: list | None = None):
    """(names, codes, comment) for every entry of a TABARI actor file.

    If ``dated`` is a list, it gets one flag per entry: whether any of its codes is date-bounded
    (office holders are, institutions are not).
    """
    names, codes, comment, bounded = [], [], "", False
    code = re.compile(r"\[([A-Z~]+)(\s+[^\]]*)?\]")

    def found(text):
        nonlocal bounded
        hits = code.findall(text)
        bounded = bounded or any(d.strip() for _, d in hits)
        return [c for c, _ in hits]

    for raw in path.read_text(encoding="latin-1").splitlines():
        line = raw.rstrip()
        if not line or line.lstrip().startswith("#"):
            continue
        if line[0] in " \t":
            codes += found(line.split("#")[0])
            continue
        body, _, note = line.partition("#")
        if line.startswith("+"):
            names.append(body[1:].split("[")[0].strip())
            codes += found(body)
            continue
        if names:
            if dated is not None:
                dated.append(bounded)
            yield names, codes, comment
        bounded = False
        names = [body.split("[")[0].strip()]
        codes = found(body)
        comment = note
    if names:
        if dated is not None:
            dated.append(bounded)
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


def agents(path: Path) -> list[tuple]:
    """Agent rows from Phoenix.agents.txt: the nouns of a state's sectors (GOV, LEG, JUD, MIL, SPY, COP).

    A noun headed by a body word ("foreign ministry", "parliament", "border service") names an institution
    of the state it follows (kind ``body``); one headed by an organ word ("army", "government") only stands
    for the state (``organ``); the rest name a person's role ("foreign minister", "lawmaker": ``title``).
    """
    subs, found = {}, {}
    for raw in path.read_text(encoding="latin-1").splitlines():
        line = raw.split("#")[0].strip()
        sub = re.fullmatch(r"(![A-Z]+!)\s*=\s*(.+)", line)
        if sub:
            subs[sub.group(1)] = [w.strip() for w in sub.group(2).split(",")]
            continue
        match = re.fullmatch(r"(.+?)\s*(?:\{[^}]*\})?\s*\[(~[A-Z]+)\]", line)
        if not match or not match.group(2)[1:].startswith(AGENT_SECTORS):
            continue
        phrase, code = re.sub(r"\s+", "_", match.group(1).strip()), match.group(2)
        forms = [phrase]
        for mark, options in subs.items():
            forms = [f.replace(mark, o, 1) for f in forms for o in options] if any(mark in f for f in forms) else forms
        # A stem ("FOREIGN_MINIST") stands for the ministry and the minister.
        forms = [f + end for f in forms for end in (("RY", "ER") if f.endswith("MINIST") else ("",))]
        for form in forms:
            ws = words(form)
            if not ws or not all(re.fullmatch(r"[A-Z'-]+", w) for w in ws) or len(ws) > 6:
                continue
            head = ws[ws.index(next((w for w in ws if w in ("OF", "FOR")), ws[-1])) - 1] if any(
                w in ("OF", "FOR") for w in ws[1:]) else ws[-1]
            if head.endswith("IES") and head[:-3] + "Y" in BODY_HEADS or head.endswith("S") and head[:-1] in BODY_HEADS:
                continue  # plurals name several bodies, never one
            kind = ("organ" if head in ORGAN_HEADS else "body") if head in BODY_HEADS else "title"
            typ = "Organization" if kind != "title" else "Role"
            found.setdefault(form, ("agent", typ, kind + code, display(form).lower(), []))
    for form, typ, code in AGENT_SUPPLEMENT:
        found[form] = ("agent", typ, ("organ" if words(form)[-1] in ORGAN_HEADS else "body") + code,
                       display(form).lower(), [])
    return list(found.values())


def initials_match(acronym: str, name: str) -> bool:
    """True when ``acronym`` takes, in order, each significant word of ``name``'s first letter and perhaps more
    of its letters: NATO, ECOWAS ("CO" of Community), ASEAN ("SE" of Southeast)."""
    ws = [w for w in words(name) if w not in ("OF", "THE", "AND", "FOR", "ON", "IN")]

    def takes(word: str, part: str) -> bool:
        rest = iter(word[1:])
        return word[:1] == part[:1] and all(c in rest for c in part[1:])

    def fits(a: str, k: int) -> bool:
        if not a:
            return k == len(ws)
        if k == len(ws):
            return False
        return any(takes(ws[k], a[:n]) and fits(a[n:], k + 1) for n in range(1, min(len(a), len(ws[k])) + 1))

    return len(ws) >= 2 and fits(acronym, 0)


def spelling_variants(alias: str) -> list[str]:
    """British and American spellings of a name: ORGANIZATION and ORGANISATION, DEFENSE and DEFENCE."""
    out = []
    for a, b in (("IZATION", "ISATION"), ("DEFENSE", "DEFENCE"), ("CENTER", "CENTRE")):
        if a in alias:
            out.append(alias.replace(a, b))
        elif b in alias:
            out.append(alias.replace(b, a))
    return out


def state_qids() -> dict[str, str]:
    """ISO alpha-3 code -> Wikidata QID, from the territories the rigour package ships (MIT), read offline."""
    try:
        from rigour.territories import get_territories
    except ImportError:
        print("rigour is not installed: states get no wikidata ids", file=sys.stderr)
        return {}
    out = {}
    for t in sorted(get_territories(), key=lambda t: (not t.is_country, t.is_historical)):
        if t.alpha3 and t.qid and t.qid.startswith("Q"):
            out.setdefault(t.alpha3.upper(), t.qid)
    return out


def blocs(path: Path) -> list[list]:
    """Rows of blocs.tsv: kind, type, code, name, aliases, founded, wikidata, source (every row has a source)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, typ, code, name, aliases, founded, qid, source = (line.split("\t") + [""] * 8)[:8]
        if not source.strip():
            raise ValueError(f"blocs.tsv: {name} has no source")
        rows.append([kind, typ, code, name, [a for a in aliases.split("|") if a], "", qid])
    return rows


def build(src: Path) -> list[str]:
    # A row is [kind, type, code, name, aliases, state, wikidata]; ``state`` names the state an
    # institution belongs to.
    rows = []
    first_names, states = set(), {}
    dated: list[bool] = []
    seats, institutions = [], []
    for names, codes, comment in entries(src / "Phoenix.Countries.actors.txt", dated):
        names = [n for n in names if usable(n)]
        if not names:
            continue
        # A country entry carries a bare three-letter code (sometimes date-bounded, as for Lithuania);
        # the first such entry per code is the country, later ones are regions or old regimes.
        state = next((c for c in codes if re.fullmatch(r"[A-Z]{3}", c)), None)
        if state and "CountryInfo" not in comment:
            if state not in states:
                states[state] = ["state", "State", state, DISPLAY.get(state, display(names[0])),
                                 names[1:] + [d for d in DEMONYMS.get(state, []) if d not in names], "", ""]
                rows.append(states[state])
            elif names[0][:4] == states[state][3].upper()[:4]:
                # A second entry for the same country (RUSSIAN_FEDERATION after RUSSIA) adds its aliases.
                states[state][4].extend(n for n in names if n not in states[state][4])
        elif any(re.fullmatch(r"[A-Z]{3}(GOV|ELI|MIL|LEG|JUD|OPP)\w*", c) for c in codes) and "CountryInfo" in comment:
            if 2 <= len(words(names[0])) <= 4:
                first_names.add(words(names[0])[0])
                rows.append(["person", "Person", codes[0][:3], display(names[0]), names[1:], "", ""])
        elif codes and not dated[-1] and INSTITUTION_CODE.fullmatch(codes[0]):
            # The dictionary's own institutions (parliaments, ministries, services, armed forces) and the
            # buildings that stand for a government (the Kremlin, the White House, 10 Downing Street).
            if set(words(names[0])) & TITLE_WORDS:
                continue
            names = [n for n in names if not set(words(n)) & TITLE_WORDS]
            if codes[0] == codes[0][:3] + "GOV" and not set(words(names[0])) & BODY_WORDS:
                seats.append((codes[0][:3], names))
            else:
                institutions.append((codes[0], names))
    surnames = {r[3].upper().split()[-1] for r in rows if r[0] == "person"}

    def no_person(names):
        # Aliases naming a person ("ASSAD", "JOHN_KIRBY") or standing for a single generic body ("SENATE")
        # stay out of an institution's or a state's forms.
        return [n for n in names if words(n)[0] not in first_names
                and not (len(words(n)) == 1 and words(n)[0] in surnames)
                and words(n)[0] not in ("MR", "MR.", "MRS", "DR") and not (len(words(n)) == 1 and n.strip("_") in BODY_HEADS)]

    for line in (HERE / "seats.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            state, alias, source = line.split("\t")[:3]
            if not source.strip():
                raise ValueError(f"seats.tsv: {alias} has no source")
            seats.append((state, [alias], True))
    for state, names, *sourced in seats:
        # The seat of a government is an alias of its state, as its capital is ("the Kremlin said").
        if state in states and (sourced or words(names[0])[0] not in first_names):
            # News writes them with the article: "the Kremlin", "the White House".
            names = [v for n in (names if sourced else no_person(names))
                     for v in (n, n if n.startswith("THE_") else "THE_" + n)]
            states[state][4].extend(n for n in names if n not in states[state][4])
    for code, names in institutions:
        if words(names[0])[0] in first_names and not {w for w in words(names[0])} & BODY_WORDS:
            continue  # an office holder without a CountryInfo note
        names = names[:1] + no_person(names[1:])
        owner = states.get(code[:3])
        typ = "PoliticalParty" if "PARTY" in words(names[0]) else "Organization"
        rows.append(["institution", typ, code, display(names[0], acronym=True), names[1:],
                     owner[3] if owner else "", ""])
    for names, codes, _ in entries(src / "Phoenix.MilNonState.actors.txt"):
        names = [n for n in names if usable(n)]
        if not names or not codes:
            continue
        code = codes[0]
        kind = "PoliticalParty" if "PTY" in code else ("ArmedGroup" if any(a in code for a in ARMED) else "Organization")
        aliases = [n for n in names[1:] if words(n)[0] not in first_names]
        rows.append(["group", kind, code, display(names[0], acronym=True), aliases, "", ""])
    for names, codes, _ in entries(src / "Phoenix.International.actors.txt"):
        names = [n for n in names if usable(n)]
        if not names or not codes:
            continue
        code = codes[0]
        if code.endswith("MED") or code == "MED":
            rows.append(["media", "Media", code, display(names[0], acronym=True), names[1:], "", ""])
        elif code.startswith(("IGO", "NGO")) and not re.search(r"\d", "".join(codes)):
            kind = "Alliance" if any(w in names[0] for w in ALLIANCE_WORDS) or code == "IGOWSTNAT" and names[0] == "NATO_" else "Organization"
            if names[0].startswith("THE_") and len(words(names[0])) >= 2:
                names = [names[0][4:]] + names  # "THE_EUROPEAN_UNION_" is named "European Union", "THE_UN_" "UN"
            rows.append(["igo", kind, code, display(names[0], acronym=True), names[1:], "", ""])
    for line in (src / "CAMEO.knowngroup.txt").read_text(encoding="latin-1").splitlines()[1:]:
        code, _, label = line.partition("\t")
        label = re.sub(r"\s*\(.*\)$", "", label.strip())
        if label:
            rows.append(["known", "Organization", code.strip(), label, [], "", ""])
    rows = [[k, t, c, n, list(al), "", ""] for k, t, c, n, al in SUPPLEMENT] + blocs(HERE / "blocs.tsv") + rows
    rows = merge_variants(rows)
    for row in rows:
        if row[0] != "state" and row[0] != "person":
            row[4] = row[4] + [v for a in [row[3].upper().replace(" ", "_")] + row[4] for v in spelling_variants(a)]
    # Country entries list some parties and groups among their aliases (FATAH under Palestine):
    # those names belong to the group's own entry.
    org_names = {r[3].upper().replace(" ", "_") for r in rows if r[0] != "state"}
    for row in rows:
        if row[0] == "state":
            row[4] = [a for a in row[4] if a.strip("_ ") not in org_names]
    qids = state_qids()
    for row in rows:
        if row[0] == "state" and not row[6]:
            row[6] = qids.get(row[2], "")
    out = ["# kind\ttype\tcode\tname\taliases (TABARI form, | separated)\tstate (of an institution)\twikidata",
           "# Built by build_gazetteer.py from PETRARCH2/Phoenix dictionaries and CAMEO tables (MIT), blocs.tsv"
           " and rigour's territories (MIT); see NOTICE.md"]
    seen = set()
    for kind, typ, code, name, aliases, state, qid in rows:
        key = (kind, name)
        if key in seen:
            continue
        seen.add(key)
        aliases = [a for a in dict.fromkeys(a.strip("_ ") for a in aliases) if a != name.upper().replace(" ", "_")]
        out.append("\t".join((kind, typ, code, name, "|".join(aliases)) + ((state, qid) if state or qid else ())))
    out.append("# agents: nouns of a state's sectors (Phoenix.agents.txt); code = body|organ|title + CAMEO agent code")
    for kind, typ, code, name, aliases in agents(src / "Phoenix.agents.txt"):
        out.append("\t".join((kind, typ, code, name)))
    out.append("# first names\t" + "|".join(sorted(first_names)))
    return out


def merge_variants(rows: list[list]) -> list[list]:
    """Fold entries that are another entry's other name into it: "The United Nations" and "UN" into
    "United Nations", "ASEAN" into "Association of Southeast Asian Nations" (same organisation code family)."""
    full = {}
    for row in rows:
        if row[0] in ("igo", "known", "group") and len(words(row[3].upper().replace(" ", "_"))) >= 2 \
                and not row[3].startswith("The "):
            full.setdefault(row[3].upper().replace(" ", "_"), row)
    kept = []
    for row in rows:
        name = row[3].upper().replace(" ", "_")
        target = None
        if row[0] in ("igo", "known", "group"):
            if name.startswith("THE_") and name[4:] in full and full[name[4:]][2][:6] == row[2][:6]:
                target = full[name[4:]]
            elif len(words(name)) == 1 and name.isalpha():
                target = next((r for n, r in full.items() if r is not row and r[0] == row[0] and r[2][:6] == row[2][:6]
                               and initials_match(name, n)), None)
        if target is not None and target is not row:
            target[4] = target[4] + [name] + [a for a in row[4] if a not in target[4]]
            continue
        kept.append(row)
    return kept


if __name__ == "__main__":
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/anchors-data")
    lines = build(source)
    (HERE / "gazetteer.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} lines to {HERE / 'gazetteer.tsv'}")
