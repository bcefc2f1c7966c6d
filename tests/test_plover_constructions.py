"""Constructions found missing by bench/plover_eval.py (the PLOVER gold-standard sentences), each tested on a
sentence written for it: PLOVER's own sentences stay out of the project."""

from geokg.loaders.extract import extract

HEADER = "Test article\nPublished: 2021-03-10\n\n"


def _doc(text):
    return extract(HEADER + text, "t.txt")


def _events(doc):
    return {(e["type"], frozenset(e["participants"])) for e in doc["events"]}


def test_coordinated_demonyms_before_one_state_noun_name_each_state():
    doc = _doc("Senior Peruvian and Chilean officials agreed on Thursday to share fishing data.")
    assert {"Peru", "Chile"} <= {a["name"] for a in doc["actors"]}
    assert ("Agreement", frozenset({"Peru", "Chile"})) in _events(doc)


def test_coordinated_demonyms_with_a_plural_head():
    doc = _doc("The Norwegian and Ghanaian sides agreed to resume the talks in May.")
    assert ("Agreement", frozenset({"Norway", "Ghana"})) in _events(doc)


def test_a_list_of_demonyms_before_a_state_noun():
    doc = _doc("Peruvian, Chilean and Bolivian officials met in Lima on Monday.")
    assert {"Peru", "Chile", "Bolivia"} <= {a["name"] for a in doc["actors"]}


def test_coordinated_demonyms_before_other_nouns_stay_adjectives():
    doc = _doc("Peruvian and Chilean fishermen protested in the port on Monday.")
    assert not {"Peru", "Chile"} & {a["name"] for a in doc["actors"]}


def test_a_country_short_name_unlike_its_canonical_name_is_an_actor():
    doc = _doc("Britain and Chile have agreed to hold joint naval exercises.")
    assert ("Agreement", frozenset({"Britain", "Chile"})) in _events(doc)
    assert any(a["name"] == "Tanzania" for a in _doc("Norway accused Tanzania of spying on Monday.")["actors"])


def test_a_city_name_stays_a_place():
    doc = _doc("Peru and Chile held talks in Lima on Monday.")
    assert {a["name"] for a in doc["actors"]} == {"Peru", "Chile"}


def test_a_seat_of_government_before_a_state_noun_names_the_state():
    doc = _doc("The Lima government expelled two Chilean diplomats on Friday.")
    assert {(r["subject"], r["predicate"], r["object"]) for r in doc["relations"]} == {("Peru", "hostileTo", "Chile")}


def test_stopping_aid_is_a_sanction_not_support():
    doc = _doc("Norway suspended military aid to Ghana after the coup.")
    assert ("Sanction", frozenset({"Norway", "Ghana"})) in _events(doc)
    assert not [r for r in doc["relations"] if r["predicate"] == "supports"]
    doc = _doc("Peru sent military aid to Chile.")
    assert {(r["subject"], r["predicate"], r["object"]) for r in doc["relations"]} == {("Peru", "supports", "Chile")}


def test_a_date_after_the_verb_is_not_the_verbs_preposition():
    doc = _doc("Peruvian Foreign Minister Ana Ruiz telephoned Luis Soto of Chile on Tuesday.")
    assert any(e["type"] == "Meeting" for e in doc["events"])
    doc = _doc("Peru telephoned Chile on Tuesday.")
    assert ("Meeting", frozenset({"Peru", "Chile"})) in _events(doc)


def test_a_two_word_country_name_before_rebels_names_the_group_whole():
    doc = _doc("Sierra Leone rebels attacked a Guinean border post on Sunday.")
    assert "Sierra Leone rebels" in {a["name"] for a in doc["actors"]}
    assert "Leone rebels" not in {a["name"] for a in doc["actors"]}


def test_ivory_coast_is_the_states_name_not_a_place():
    doc = _doc("The Ivory Coast and Ghana signed a trade agreement on Monday.")
    assert len(_events(doc)) == 1 and len(next(iter(_events(doc)))[1]) == 2


def test_the_recipient_after_a_dative_to_is_the_object():
    doc = _doc("Norway provided weapons to Ghana.")
    assert {(r["subject"], r["predicate"], r["object"]) for r in doc["relations"]} == {("Norway", "supports", "Ghana")}


def test_coordinated_subjects_of_clash_clash_with_each_other():
    doc = _doc("Peru and Chile clashed on the border on Sunday.")
    assert ("MilitaryAction", frozenset({"Peru", "Chile"})) in _events(doc)
    assert [r["predicate"] for r in doc["relations"]] == ["hostileTo"]


def test_expelling_an_ambassador_is_a_rupture():
    doc = _doc("Norway expelled Ghana's ambassador on Friday.")
    assert ("DiplomaticRupture", frozenset({"Norway", "Ghana"})) in _events(doc)


def test_a_demonym_before_a_states_agents_with_their_sector_names_the_state():
    doc = _doc("Norwegian intelligence officials shared evidence with Ghana about the plot.")
    assert {"Norway", "Ghana"} <= {a["name"] for a in doc["actors"]}
    doc = _doc("Peruvian soldiers clashed with Chilean border guards on Sunday.")
    assert ("MilitaryAction", frozenset({"Peru", "Chile"})) in _events(doc)
    assert {"Peru", "Chile"} <= {a["name"] for a in _doc("Peruvian and Chilean negotiators returned to Lima.")["actors"]}


def test_a_states_people_in_the_plural_after_the_stand_for_it():
    doc = _doc("Peru and the Chileans reached a deal on fishing rights.")
    assert ("Agreement", frozenset({"Peru", "Chile"})) in _events(doc)
    # The people are a form of the state, not its name.
    assert [a["name"] for a in doc["actors"] if a["name"] == "Chile"] == ["Chile"]
    assert not _doc("Several Chileans were injured in the accident.")["actors"]


def test_arriving_in_a_city_on_a_visit_is_a_meeting_with_its_state():
    doc = _doc("Peruvian President Ana Soto arrived in Santiago on a two-day visit.")
    assert ("Meeting", frozenset({"Ana Soto", "Chile"})) in _events(doc)
    assert ("Meeting", frozenset({"Peru", "Chile"})) in _events(_doc("The Peruvian delegation flew to Santiago for talks."))
    assert ("Meeting", frozenset({"Peru", "Chile"})) in _events(_doc("Peru's foreign minister is on a visit to Chile."))


def test_arriving_without_a_visit_is_no_meeting():
    assert not _doc("Peruvian troops arrived in Santiago on Monday.")["events"]


def test_a_state_noun_that_is_also_a_sector_word_still_names_the_state():
    # 'government' is a state noun; 'today' after it is no agent of a 'government' sector.
    doc = _doc("The Norwegian government today said the talks had failed.")
    assert [c["claimant"] for c in doc["claims"]] == ["Norway"]


def test_a_demonym_before_a_states_weapons_names_the_state():
    doc = _doc("Peruvian helicopters and tanks shelled positions of the Chilean security forces near the border.")
    assert ("MilitaryAction", frozenset({"Peru", "Chile"})) in _events(doc)


def test_shelling_the_positions_of_a_party_hits_it_and_visiting_its_bases_does_not():
    assert ("MilitaryAction", frozenset({"Peru", "Chile"})) in _events(_doc("Peru shelled the positions of Chile."))
    assert not _doc("Peru visited the bases of Chile.")["relations"]
