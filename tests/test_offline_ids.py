"""Wikidata ids known offline: states from rigour's territories, other actors from known_actors.tsv, and the
`wikidata:` field geokg extract writes with them."""

import re

import pytest
from rigour.territories import get_territories, get_territory

from geokg.loaders.article import extract_claims
from geokg.loaders.claims import check_claims
from geokg.loaders.linking import offline
from geokg.loaders.linking.offline import ANSWERS, known_qid, label, rows


@pytest.mark.parametrize("name, code", [
    ("the U.S.", "us"), ("United States", "us"), ("US", "us"), ("U.S.A.", "us"),
    ("the United States of America", "us"), ("UK", "gb"), ("Britain", "gb"), ("United Kingdom", "gb"),
    ("Russia", "ru"), ("Russian Federation", "ru"), ("Iran", "ir"), ("Islamic Republic of Iran", "ir"),
    ("Syria", "sy"), ("South Korea", "kr"), ("Republic of Korea", "kr"), ("North Korea", "kp"), ("DPRK", "kp"),
    ("Taiwan", "tw"), ("Turkey", "tr"), ("Türkiye", "tr"), ("Ivory Coast", "ci"), ("Côte d'Ivoire", "ci"),
    ("Burma", "mm"), ("Palestine", "ps"), ("Georgia", "ge"), ("Jordan", "jo"),
])
def test_states_by_their_spellings_get_rigours_qid(name, code):
    assert known_qid(name, "State") == get_territory(code).qid


def test_well_known_state_ids():
    assert known_qid("Iran", "State") == "Q794"
    assert known_qid("the U.S.", "State") == "Q30"
    assert label("Q794") == "Iran"


@pytest.mark.parametrize("name, kind", [
    ("Georgia", "Person"), ("Jordan", "Person"), ("Chad", "Person"),  # people named like a state
    ("Georgia", "Organization"), ("Iran", "PoliticalParty"),
    ("Tehran", "State"),  # rigour lists capitals as places of a state; a city is not the state
    ("Korea", "State"), ("Congo", "State"),  # each names two states
    # former polities that rigour files under today's state, and have no record of their own there
    ("Confederate States of America", "State"), ("Russian Empire", "State"),
    ("us", "State"),  # the pronoun, not the abbreviation
    ("ICC", "Organization"), ("Labour Party", "PoliticalParty"),  # names several bodies share
    ("Hamas", "State"), ("NATO", "Person"), ("Ruritania", "State"), ("", "State"),
])
def test_no_id_for_the_wrong_kind_or_an_unknown_name(name, kind):
    assert known_qid(name, kind) is None


def test_only_sovereign_states_answer_for_kind_state():
    sovereign = {t.qid for t in get_territories() if t.is_country} | {get_territory("ps").qid}
    answered = set(offline._states().values())
    assert answered == sovereign
    assert get_territory("hk").qid not in answered and get_territory("eu").qid not in answered


@pytest.mark.parametrize("former, today, code", [("Soviet Union", "Russia", "suhh"), ("USSR", "Russia", "suhh"),
                                                 ("Czechoslovakia", "Czech Republic", "cshh"),
                                                 ("East Germany", "Germany", "dd")])
def test_a_former_state_keeps_its_own_id(former, today, code):
    assert known_qid(former, "State") == get_territory(code).qid != known_qid(today, "State")


def test_table_rows_parse_with_qid_label_type_and_evidence():
    table = rows()
    assert len(table) >= 20
    for row in table:
        assert re.fullmatch(r"Q[1-9]\d*", row.qid), row
        assert row.label.strip() and row.evidence.strip(), row
        assert row.type in ANSWERS, row
        assert label(row.qid) == row.label
        for name in (row.label, *row.aliases):
            assert known_qid(name, row.type) == row.qid, name
    assert len({row.qid for row in table}) == len(table)


def test_table_ids_are_not_states_ids():
    states = {t.qid for t in get_territories()}
    assert not {row.qid for row in rows()} & states - {get_territory("eu").qid, get_territory("un").qid}


def test_table_rows_answer_related_kinds_only():
    hamas = next(row for row in rows() if row.label == "Hamas")
    assert known_qid("Hamas", "Organization") == hamas.qid  # the extractor may type it either way
    assert known_qid("NATO", "Organization") == known_qid("NATO", "Alliance")
    assert known_qid("U.N.", "Organization") == get_territory("un").qid
    assert known_qid("the European Union", "Organization") == get_territory("eu").qid
    assert known_qid("WHO", "Organization") and known_qid("who", "Organization") is None
    assert known_qid("PLO", "ArmedGroup") == known_qid("Palestine Liberation Organization", "Organization")
    for kind in ("State", "Person", "Media"):
        assert known_qid("Hamas", kind) is None and known_qid("United Nations", kind) is None


def test_a_malformed_row_is_an_error_naming_its_line(tmp_path, monkeypatch):
    table = tmp_path / "known_actors.tsv"
    table.write_text("# header\nQ1065\tUnited Nations\tOrganization\tUN\tchecked\n"
                     "Q99x\tNowhere League\tOrganization\t\tchecked\n", encoding="utf-8")
    monkeypatch.setattr(offline, "TABLE", table)
    offline._table.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"known_actors\.tsv:3: needs a QID"):
            known_qid("Nowhere League", "Organization")
        table.write_text("Q1\tAlpha Front\tArmedGroup\tAF\tchecked\nQ2\tBeta Front\tArmedGroup\tAF\tchecked\n",
                         encoding="utf-8")
        offline._table.cache_clear()
        with pytest.raises(ValueError, match=r":2: 'AF' already names Q1"):
            known_qid("AF", "ArmedGroup")
    finally:
        offline._table.cache_clear()


ARTICLE = b"""The Ruritania Herald
Published: 3 March 2025

Iran and the U.S. agreed on Monday to resume talks in Oman, officials said. NATO welcomed the move,
while Hamas rejected it. Freedonian Liberation Front leaders did not comment.
"""


def test_extracted_claims_file_carries_wikidata_and_the_loader_accepts_it():
    raw = extract_claims(ARTICLE, "invented.txt")
    ids = {a["name"]: a.get("wikidata") for a in raw["actors"]}
    assert ids["Iran"] == "Q794"
    us = next(name for name in ids if known_qid(name, "State") == get_territory("us").qid)
    assert ids[us] == get_territory("us").qid
    assert ids["NATO"] == next(row.qid for row in rows() if row.label == "NATO")
    assert ids["Hamas"] == known_qid("Hamas", "ArmedGroup")
    assert all(not a.get("wikidata") for a in raw["actors"] if a["type"] == "Person")
    doc = check_claims(raw, "invented.yaml", default_article="invented.txt")
    assert doc.actors["Iran"].wikidata == "Q794"
    assert doc.actors["NATO"].wikidata == ids["NATO"]


def test_the_gazetteers_state_ids_agree_with_known_qid():
    # Both come from rigour: the gazetteer's at build time by ISO code, known_qid's at run time by name.
    from geokg.loaders.extract import gazetteer

    states = [e for e in gazetteer.load().states.values() if e.wikidata]
    found = {e.name: known_qid(e.name, "State") for e in states}
    assert all(found[e.name] in (e.wikidata, None) for e in states)
    assert sum(found[e.name] == e.wikidata for e in states) >= 200
