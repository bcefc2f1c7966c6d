"""References back to actors across an article: descriptions ("the kingdom", "the two countries"), personal
pronouns ("It recalled its ambassador", "They signed"), and a title with a surname ("Ms Jordan")."""

import textwrap

import pytest

from geokg.loaders.extract import extract, gazetteer
from geokg.loaders.extract.mentions import MentionFinder
from geokg.loaders.extract.text import read_article

HEADER = "Test article\nSource: https://example.org/t\nPublished: 2021-03-10\n\n"


def run(body: str) -> dict:
    return extract(HEADER + textwrap.dedent(body), "t.txt")


def references(body: str) -> dict:
    """Each reference back (a description or a pronoun) as its text, with the names of what it refers to."""
    article = read_article(HEADER + textwrap.dedent(body), "t.txt")
    mentions = MentionFinder(gazetteer.load(), article.body).run(article.sentences)
    return {m.text: [a.name for a in (m.group or [m.actor])] for m in mentions if m.role == "nominal"}


def person(body: str, text: str) -> str | None:
    article = read_article(HEADER + textwrap.dedent(body), "t.txt")
    mentions = MentionFinder(gazetteer.load(), article.body).run(article.sentences)
    found = [m for m in mentions if m.text == text and m.actor is not None]
    return found[-1].actor.name if found else None


def from_sentence(items, words):
    return [item for item in items if words in item.get("sentence", "")]


def test_the_two_countries_is_the_pair_named_before():
    doc = run("Peru and Chile ended a long quarrel over fishing rights on Monday. "
              "The two countries restored diplomatic ties on Tuesday.\n")
    found = [r for r in from_sentence(doc["relations"], "The two countries")
             if r["predicate"] == "reconciledWith"]
    assert found and {found[0]["subject"], found[0]["object"]} == {"Peru", "Chile"}, doc["relations"]


@pytest.mark.parametrize("words, size", [("Both countries", 2), ("All three", 3), ("The two sides", 2)])
def test_counted_plurals_take_a_list_of_that_size(words, size):
    refs = references("Ghana, Norway and Peru met in Lima, and Chile and Ecuador met in Quito. "
                      f"{words} signed a statement on Friday.\n")
    expected = ["Ghana", "Norway", "Peru"] if size == 3 else ["Chile", "Ecuador"]
    assert refs.get(words) == expected, refs


def test_a_list_ends_at_its_and():
    refs = references("Ecuador and Ghana traded threats, Chile said on Monday. The two countries then met.\n")
    assert refs.get("The two countries") == ["Ecuador", "Ghana"], refs


def test_uncounted_generic_plurals_refer_to_no_one():
    refs = references("Peru and Chile met on Monday. Ecuador urged all parties to show restraint.\n")
    assert "all parties" not in refs, refs


def test_the_kingdom_acts_for_the_state_named_before():
    doc = run("Norway condemned the arrest of its citizens in Ghana on Monday.\n\n"
              "The kingdom severed diplomatic ties with Ghana on Tuesday.\n")
    events = [e for e in from_sentence(doc["events"], "The kingdom") if e["type"] == "DiplomaticRupture"]
    assert events and "Norway" in events[0]["participants"], doc["events"]


def test_a_description_prefers_the_actor_whose_name_it_ends():
    refs = references("The Andean League met in Quito with Peru and Chile on Monday. "
                      "Peru said Chile had blocked the vote. The league suspended Ecuador.\n")
    assert refs.get("The league") == ["Andean League"], refs


@pytest.mark.parametrize("body", [
    "Chile accused Peru of spying. The state news agency said more arrests would follow.\n",
    "Chile accused Peru of spying. The group Nueva Senda denied it.\n",
])
def test_adjectives_and_appositions_are_no_references(body):
    refs = references(body)
    assert not any(text.lower().startswith(("the state", "the group")) for text in refs), refs


def test_it_as_subject_is_the_state_acting_before():
    doc = run("Ecuador accused Ghana of spying on its navy on Monday.\n\n"
              "On Tuesday it cut diplomatic ties with Ghana.\n")
    events = [e for e in from_sentence(doc["events"], "it cut") if e["type"] == "DiplomaticRupture"]
    assert events and set(events[0]["participants"]) == {"Ecuador", "Ghana"}, doc["events"]


def test_they_is_the_list_named_before():
    doc = run("Peru and Chile settled their border dispute on Monday.\n\n"
              "They signed a defence pact in Lima on Friday.\n")
    events = [e for e in from_sentence(doc["events"], "They signed") if e["type"] == "Agreement"]
    assert events and set(events[0]["participants"]) == {"Peru", "Chile"}, doc["events"]


def test_he_is_the_person_named_before():
    doc = run("Norway's foreign minister, Tomas Lindqvist, flew to Accra on Monday.\n\n"
              "There he met Kwame Boateng, Ghana's foreign minister.\n")
    events = [e for e in from_sentence(doc["events"], "he met") if e["type"] == "Meeting"]
    assert events and {"Tomas Lindqvist", "Kwame Boateng"} <= set(events[0]["participants"]), doc["events"]


def test_he_and_her_are_told_apart():
    refs = references("Ana Castillo, Peru's president, arrived in Oslo. Later she met Jonas Berg. He praised her.\n")
    assert refs.get("He") == ["Jonas Berg"] and refs.get("her") == ["Ana Castillo"], refs


@pytest.mark.parametrize("body", [
    "Peru signed the accord with Chile. It is expected to come into force in May.\n",
    "Peru signed the accord with Chile. \"It will change everything,\" the minister said.\n",
    "Peru met Chile. It looks like a deal is near.\n",
])
def test_empty_and_quoted_pronouns_refer_to_no_one(body):
    assert "It" not in references(body)


def test_title_and_surname_after_the_full_name_is_the_person():
    body = "Chile's envoy, Ana Jordan, met Peruvian officials on Monday. On Tuesday Ms Jordan flew to Quito.\n"
    assert person(body, "Ana Jordan") == "Ana Jordan"
    assert person(body, "Jordan") == "Ana Jordan"
    names = {a["name"]: a["type"] for a in run(body)["actors"]}
    assert names.get("Ana Jordan") == "Person" and "Jordan" not in names, names


def test_a_name_before_a_group_noun_names_the_group_and_is_the_same_actor_later():
    body = ("Peru and the militant Sendero Rojo movement agreed a truce on Monday. "
            "Peru then struck Sendero Rojo commanders in Cusco.\n")
    article = read_article(HEADER + body, "t.txt")
    mentions = MentionFinder(gazetteer.load(), article.body).run(article.sentences)
    found = [(m.sentence, m.actor.name, m.actor.type) for m in mentions if m.text == "Sendero Rojo"]
    assert found == [(0, "Sendero Rojo", "ArmedGroup"), (1, "Sendero Rojo", "ArmedGroup")], found


@pytest.mark.parametrize("body, name, kind", [
    ("Ana Castillo leads the centrist Nuevo Rumbo party in Peru.\n", "Nuevo Rumbo", "PoliticalParty"),
    ("The deal makes it the first Andean party ever in a Peruvian government.\n", "Andean", None),
    ("Chile banned the oldest Marxist movement in the country.\n", "Marxist", None),
    ("Peru welcomed an Aymara party into the coalition.\n", "Aymara", None),
])
def test_a_group_noun_after_a_word_that_only_describes_a_kind_names_no_one(body, name, kind):
    types = {a["name"]: a["type"] for a in run(body)["actors"]}
    assert types.get(name) == kind, types


def test_a_description_around_a_backer_keeps_both():
    doc = run("Chile struck the Nueva Senda group near the border on Monday.\n\n"
              "In response, the Peruvian-backed group fired rockets at Chile.\n")
    assert ("Peru", "Nueva Senda") in {(r["subject"], r["object"]) for r in doc["relations"]
                                       if r["predicate"] == "supports"}, doc["relations"]


@pytest.mark.parametrize("body, name, kind", [
    ("The pact includes a small Andean party, the United Quechua List, which won two seats.\n",
     "United Quechua List", "PoliticalParty"),
    ("Peru spoke on Monday. The Sendero Norte, a militant group, attacked Chile.\n", "Sendero Norte", "ArmedGroup"),
])
def test_a_name_beside_a_group_noun_names_the_group(body, name, kind):
    types = {a["name"]: a["type"] for a in run(body)["actors"]}
    assert types.get(name) == kind, types


def test_the_party_is_the_party_named_before_and_its_leader_leads_it():
    doc = run("The deal includes a small Andean party, the United Quechua List. "
              "\"We are ready,\" the party's leader, Rosa Mamani, told reporters.\n")
    assert ("Rosa Mamani", "leaderOf", "United Quechua List") in {
        (r["subject"], r["predicate"], r["object"]) for r in doc["relations"]}, doc["relations"]


def test_it_after_a_sentence_about_a_thing_is_the_thing():
    refs = references("Peru withdrew from the treaty in 2020. The treaty, which Chile also signed, limited troops. "
                      "It capped tanks near Ecuador.\n")
    assert "It" not in refs, refs


def test_a_list_item_may_carry_a_description():
    refs = references("Peru and the rebel Sendero Norte movement fought for years. "
                      "The two sides signed a peace accord on Monday.\n")
    assert refs.get("The two sides") == ["Peru", "Sendero Norte"], refs
