"""The parse-based layer (clauses.py): one sentence written for each construction, and its wiring in extract()."""

import pytest

from geokg.loaders.extract import clauses, extract, gazetteer
from geokg.loaders.extract.mentions import MentionFinder
from geokg.loaders.extract.parser import parse
from geokg.loaders.extract.text import read_article

HEADER = "Test article\nSource: https://example.org/t\nPublished: 2021-03-10\n\n"


def facts(text: str) -> list[tuple]:
    """(kind, label, subject names, object names, status) of every fact clauses.py finds in the text."""
    article = read_article(HEADER + text, "t.txt")
    mentions = MentionFinder(gazetteer.load(), article.body).run(article.sentences)
    out = []
    for sentence in article.sentences:
        here = [m for m in mentions if m.sentence == sentence.index]
        for f in clauses.facts_in(parse(sentence.text), here, article.body, sentence):
            out.append((f.kind, f.label, tuple(a.name for a in f.subject), tuple(o.name for o in f.objects),
                        f.status))
    return out


def relations(text):
    return {(s, label, o, status) for kind, label, subj, obj, status in facts(text) if kind == "relation"
            for s in subj for o in ([obj] if len(obj) > 1 else obj)}


def events(text):
    return {(label, frozenset(subj)) for kind, label, subj, _, _ in facts(text) if kind == "event"}


def test_subject_and_object_of_a_trigger_verb_with_the_objects_noun():
    assert relations("Peru severed diplomatic relations with Ecuador.") == {("Peru", "hostileTo", "Ecuador", None)}
    assert events("Peru severed diplomatic relations with Ecuador.") == {
        ("DiplomaticRupture", frozenset({"Peru", "Ecuador"}))}


def test_coordinated_objects_each_get_a_fact():
    found = relations("Uruguay attacked Paraguay and Argentina.")
    assert {("Uruguay", "hostileTo", "Paraguay", None), ("Uruguay", "hostileTo", "Argentina", None)} <= found


def test_coordinated_subjects_of_a_reciprocal_noun_give_one_symmetric_fact():
    found = relations("Peru and Ecuador restored diplomatic relations last week.")
    assert found == {("Peru", "reconciledWith", "Ecuador", None)}
    assert ("Meeting", frozenset({"Peru", "Bolivia", "Chile"})) in events(
        "Peru and Bolivia held talks with Chile in Lima on Monday.")


def test_coordinated_subjects_that_fight_side_by_side_are_not_enemies():
    assert relations("Peru and Chile fought together.") == set()


def test_the_passive_agent_is_the_doer():
    assert ("Paraguay", "hostileTo", "Bolivia", None) in relations("Bolivia was attacked by Paraguay.")


def test_a_noun_trigger_with_between():
    assert relations("The rivalry between Peru and Ecuador has deepened.") == {("Peru", "hostileTo", "Ecuador", None)}


def test_a_truce_brokered_by_a_third_party():
    text = "A truce between Peru and Ecuador brokered by Brazil took effect on Monday."
    assert relations(text) == {("Brazil", "mediatesBetween", ("Peru", "Ecuador"), None)}
    assert events(text) == {("Agreement", frozenset({"Brazil", "Peru", "Ecuador"}))}


def test_a_negated_relation_is_marked_and_its_event_dropped():
    text = "Peru did not sever relations with Ecuador."
    assert relations(text) == {("Peru", "hostileTo", "Ecuador", "negated")}
    assert events(text) == set()


@pytest.mark.parametrize("text", [
    "Peru will restore relations with Ecuador.",
    "Peru agreed to restore relations with Ecuador.",
    "Chile threatened to expel diplomats from Peru.",
    "Chile is attempting to mediate between Peru and Ecuador.",
    "Envoys could not agree whether to start talks with Peru and Ecuador.",
])
def test_future_or_intended_acts_are_not_facts(text):
    assert facts(text) == []


def test_an_x_backed_group_is_supported_by_x():
    assert relations("The Qatar-backed Hamas fighters attacked the town.") == {("Qatar", "supports", "HAMAS", None)}


def test_extract_adds_parsed_facts_the_rules_miss_without_repeating_theirs():
    doc = extract(HEADER + "Bolivia was attacked by Paraguay.\n\nPeru severed relations with Ecuador.\n", "t.txt")
    rel = [(r["subject"], r["predicate"], r["object"]) for r in doc["relations"]]
    assert ("Paraguay", "hostileTo", "Bolivia") in rel
    assert [r for r in rel if set(r[::2]) == {"Peru", "Ecuador"}] == [("Peru", "hostileTo", "Ecuador")]
    parsed = next(r for r in doc["relations"] if r["subject"] == "Paraguay")
    assert parsed["sentence"] == "Bolivia was attacked by Paraguay." and parsed["confidence"] == 0.6
    ruptures = [e for e in doc["events"] if e["type"] == "DiplomaticRupture"]
    assert len(ruptures) == 1


def test_offsets_map_a_sentence_with_collapsed_whitespace_back_to_the_body():
    # A soft-wrapped sentence is parsed as one line; its mentions must still be found at their body offsets.
    text = "Peru  severed diplomatic   relations with    Ecuador on Monday."
    article = read_article(HEADER + text, "t.txt")
    sentence = article.sentences[0]
    offsets = clauses.body_offsets(article.body, sentence)
    assert len(offsets) == len(sentence.text) + 1
    for i, ch in enumerate(sentence.text):
        assert article.body[offsets[i]] == ch or (ch == " " and article.body[offsets[i]].isspace())
    assert sentence.text.index("Ecuador") != article.body.index("Ecuador") - sentence.start
    assert relations(text) == {("Peru", "hostileTo", "Ecuador", None)}
