"""The gazetteer: states' institutions, agent nouns, blocs formed since 2014, acronyms and Wikidata ids.

Sentences are written for these tests; the actors are real-world ones from the gazetteer's own rows.
"""

import csv
import re
import textwrap
from pathlib import Path

import pytest

from geokg.loaders.extract import extract
from geokg.loaders.extract.gazetteer import DATA, key_of, load

HEADER = "Test article\nSource: https://example.org/t\nPublished: 2024-05-10\n\n"
BLOCS = DATA.parent / "blocs.tsv"


def actors(body: str) -> dict:
    doc = extract(HEADER + textwrap.dedent(body), "t.txt")
    return {a["name"]: a for a in doc["actors"]}


def forms(actor: dict) -> set:
    return {actor["name"], *actor.get("aliases", [])}


def find(found: dict, form: str) -> dict:
    hit = [a for a in found.values() if form in forms(a)]
    assert hit, (form, {n: sorted(forms(a)) for n, a in found.items()})
    return hit[0]


# --- the data -------------------------------------------------------------------------------------------------

def test_every_bloc_row_has_a_source_and_a_founding_year_since_2014():
    rows = [r for r in csv.reader(BLOCS.open(encoding="utf-8"), delimiter="\t") if r and not r[0].startswith("#")]
    assert len(rows) >= 20
    for kind, typ, code, name, aliases, founded, qid, source in rows:
        assert source.startswith("https://"), name
        assert int(founded[:4]) >= 2014, name
        assert typ in {"Organization", "Alliance", "ArmedGroup"}, name
        assert not qid or re.fullmatch(r"Q\d+", qid), name


def test_bloc_rows_are_in_the_built_gazetteer():
    g = load()
    for alias, name in [("AUKUS", "AUKUS"), ("Alliance of Sahel States", "Alliance of Sahel States"),
                        ("HTS", "Hay'at Tahrir al-Sham"), ("Syrian Democratic Forces", "Syrian Democratic Forces"),
                        ("Wagner Group", "Wagner Group"), ("EAEU", "Eurasian Economic Union")]:
        assert g.forms[key_of(alias)].entry.name == name


def test_states_carry_wikidata_ids_from_rigour():
    g = load()
    assert g.states["Russia"].wikidata == "Q159"
    assert g.states["Israel"].wikidata == "Q801"
    assert sum(1 for e in g.states.values() if e.wikidata) > 150


def test_dictionary_institutions_are_kept_and_linked_to_their_state():
    g = load()
    knesset = g.forms[key_of("Knesset")].entry
    assert (knesset.kind, knesset.type, knesset.state) == ("institution", "Organization", "Israel")
    assert g.forms[key_of("FSB")].entry.state == "Russia"
    assert g.forms[key_of("Lok Sabha")].entry.state == "India"


def test_seats_of_government_stand_for_their_state():
    g = load()
    for seat, state in [("Kremlin", "Russia"), ("the Kremlin", "Russia"), ("White House", "United States"),
                        ("Number 10 Downing Street", "United Kingdom")]:
        assert g.forms[key_of(seat)].entry.name == state, seat


def test_person_aliases_stay_out_of_state_rows():
    g = load()
    form = g.forms.get(key_of("Assad"))
    assert form is None or form.entry.kind != "state"


def test_agent_nouns_from_phoenix_agents():
    g = load()
    body = g.agent(list(key_of("foreign ministry")), 0)
    assert body and body[1].kind == "body" and body[1].code == "~GOV"
    assert g.agent(list(key_of("parliament")), 0)[1].code == "~LEG"
    assert g.agent(list(key_of("army")), 0) is None  # an organ: the army stands for its state
    assert g.agent(list(key_of("army")), 0, ("organ",))[1].code == "~MIL"
    assert g.agent(list(key_of("foreign minister")), 0, ("title",))[1].type == "Role"


def test_acronym_entries_fold_into_the_full_name():
    g = load()
    assert g.forms[key_of("UN")].entry.name == "United Nations"
    assert g.forms[key_of("the UN")].entry.name == "United Nations"
    assert g.forms[key_of("ASEAN")].entry.name == "Association of Southeast Asian Nations"
    assert g.forms[key_of("ECOWAS")].entry.name == "Economic Community of West African States"
    assert g.forms[key_of("European Union")].entry.name == "European Union"


def test_british_spellings_of_organisation_names():
    g = load()
    assert g.forms[key_of("North Atlantic Treaty Organisation")].entry.name == "NATO"


# --- in text --------------------------------------------------------------------------------------------------

def test_state_and_agent_noun_make_an_institution_of_its_own():
    found = actors("""
        The Egyptian Foreign Ministry said on Tuesday that talks with Ethiopia would resume.
        Japan's foreign ministry summoned the Chinese ambassador over the incident.
        """)
    egypt = find(found, "Egyptian Foreign Ministry")
    assert egypt["type"] == "Organization"
    assert "Egypt" not in forms(egypt)  # the ministry is not the state
    assert find(found, "Japan's foreign ministry")["type"] == "Organization"


def test_the_state_legislature_resolves_to_the_named_one():
    found = actors("""
        Lawmakers in Israel's parliament voted on the budget late on Monday.
        The Knesset will meet again next week.
        """)
    knesset = found["Knesset"]
    assert "Israel's parliament" in forms(knesset)


def test_state_media_is_a_media_actor():
    found = actors("""
        Chinese state media said the delegation arrived in Beijing on Friday.
        """)
    assert find(found, "Chinese state media")["type"] == "Media"


def test_a_named_outlet_after_the_agent_noun_is_the_actor():
    found = actors("""
        The talks were broadcast by French state broadcaster France 24 on Sunday.
        """)
    assert not any(a["name"].startswith("French state broadcaster") for a in found.values())


def test_forces_stay_an_alias_of_the_state():
    found = actors("""
        The Kyrgyz forces shelled a village, the Kyrgyz border service said.
        """)
    assert find(found, "the Kyrgyz border service".replace("the ", ""))["type"] == "Organization"
    assert not any(n.lower().endswith("forces") for n in found)


def test_the_kremlin_is_russia():
    found = actors("""
        The Kremlin said on Wednesday that Vladimir Putin would visit Beijing.
        """)
    assert "The Kremlin" in forms(found["Russia"])


def test_two_letter_acronym_only_in_capitals():
    found = actors("""
        North Korean leader Kim Jong Un met the visiting delegation on Monday.
        The UN said it was following the visit.
        """)
    assert find(found, "United Nations")["type"] == "Organization"
    assert not any("Un" in forms(a) and a["type"] != "Person" for a in found.values())


@pytest.mark.parametrize("sentence, name", [
    ("Hay'at Tahrir al-Sham said on Monday that it had taken the city.", "Hay'at Tahrir al-Sham"),
    ("The Alliance of Sahel States held a summit in Niamey on Saturday.", "Alliance of Sahel States"),
    ("Officials said the Wagner Group had left the base on Friday.", "Wagner Group"),
])
def test_bloc_rows_are_found_in_text(sentence, name):
    assert name in actors(sentence)


def test_a_state_name_with_its_own_demonym_is_a_name():
    g = load()
    assert g.forms[key_of("Brunei")].role == "name"  # its demonym is "Bruneian"
    assert g.forms[key_of("Czech")].role == "demonym"
    found = actors("""
        Leaders of Brunei, Cambodia and Laos met in Vientiane on Monday.
        """)
    assert "Brunei" in forms(find(found, "Brunei"))


def test_a_two_letter_word_in_a_name_does_not_end_it():
    found = actors("""
        North Korean leader Kim Jong Un inspected a factory on Monday, state media said.
        """)
    assert find(found, "Kim Jong Un")["type"] == "Person"


def test_a_security_committee_is_an_institution_of_its_state():
    found = actors("""
        Kazakhstan's National Security Committee said on Friday it had detained two suspects.
        """)
    committee = find(found, "Kazakhstan's National Security Committee")
    assert committee["type"] == "Organization"


def test_shared_acronyms_and_place_words_are_not_bloc_aliases():
    g = load()
    for word in ("SDF", "SNA", "GNA", "Azov"):
        form = g.forms.get(key_of(word))
        assert form is None or form.entry.code not in ("SYRREBSDF", "SYRREBSNA", "LBYGOVGNA", "UKRMILAZV"), word


def test_sourced_seats_of_government_stand_for_their_state():
    rows = [line.split("\t") for line in (DATA.parent / "seats.tsv").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    assert rows and all(r[2].startswith("https://") for r in rows)
    found = actors("""
        The Élysée said on Thursday that the president would travel to Berlin. Downing Street said it would reply next week.
        """)
    assert "The Élysée" in forms(found["France"])
    assert "Downing Street" in forms(found["United Kingdom"])



def test_the_quick_key_agrees_with_the_tokeniser_on_every_row():
    from geokg.loaders.extract.gazetteer import norm, tokens
    names = ["AL-QAEDA", "U.S._STATE_DEPARTMENT", "KING_SALMAN'S", "GUINEA-BISSAU", "X"]
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            fields = line.split("\t") + ["", ""]
            names += [fields[3]] + [a for a in fields[4].split("|") if a]
    assert len(names) > 20_000
    for name in names:
        assert key_of(name) == tuple(norm(t) for _, _, t in tokens(name.replace("_", " "))), name


def test_an_office_holder_listed_under_an_organisation_is_a_person():
    gaz = load()
    assert gaz.forms[key_of("Kofi Annan")].entry.type == "Person"
    assert gaz.forms[key_of("Javier Solana")].entry.type == "Person"
    assert gaz.forms[key_of("World Bank")].entry.type == "Organization"
    assert gaz.forms[key_of("Christian Solidarity Worldwide")].entry.type == "Organization"
    doc = extract("T\nPublished: 2021-03-10\n\nThe talks may fail, Kofi Annan said on Tuesday.\n", "t.txt")
    assert [c["claimant"] for c in doc["claims"]] == ["Kofi Annan"]
