"""English constructions of ordinary news that the dev articles did not show but new articles use, each tested on a
sentence written for it (invented actors and events): brokers named by a participle or a hyphenated modifier,
suspension from a body, admission as a member, and what a careful reader does not count as a claim."""

from geokg.loaders.extract import extract

HEADER = "Test article\nPublished: 2021-03-10\n\n"


def _doc(text):
    return extract(HEADER + text, "t.txt")


def _relations(doc):
    return {(r["subject"], r["predicate"], tuple(r["object"]) if isinstance(r["object"], list) else r["object"])
            for r in doc["relations"]}


def _events(doc):
    return {(e["type"], frozenset(e["participants"])) for e in doc["events"]}


MEDIATES = ("Norway", "mediatesBetween", ("Peru", "Chile"))


def test_a_hyphenated_broker_before_a_truce_mediates_between_its_parties():
    assert MEDIATES in _relations(_doc("A Norwegian-brokered truce between Peru and Chile took effect on Sunday."))
    assert MEDIATES in _relations(_doc("Norway-mediated talks between Peru and Chile ended on Sunday."))


def test_a_participle_after_the_parties_still_names_the_broker_of_the_noun():
    # The parser hangs 'brokered' on 'Chile', the last party, not on 'ceasefire'.
    doc = _doc("The ceasefire between Peru and Chile, brokered by Norway, took effect on Sunday.")
    assert MEDIATES in _relations(doc)


def test_the_parties_of_a_brokered_truce_can_be_the_subjects_of_the_clause():
    assert MEDIATES in _relations(_doc("Peru and Chile agreed to a truce mediated by Norway."))


def test_a_passive_trigger_reads_its_passive_subjects_words_as_the_objects_words():
    doc = _doc("The talks between Peru and Chile were mediated by Norway.")
    assert MEDIATES in _relations(doc)
    assert ("Mediation", frozenset({"Norway", "Peru", "Chile"})) in _events(doc)


def test_a_broker_is_not_one_of_the_parties():
    doc = _doc("A Norwegian-brokered truce between Peru and Chile took effect on Sunday.")
    assert not [r for r in doc["relations"] if r["predicate"] == "hostileTo"]
    assert ("Norway", "mediatesBetween", ("Norway", "Peru")) not in _relations(doc)
