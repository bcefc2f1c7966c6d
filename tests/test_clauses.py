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


def test_agreeing_to_an_act_is_an_agreement_between_the_parties_but_not_the_act():
    assert facts("Peru agreed to restore relations with Ecuador.") == [
        ("event", "Agreement", ("Peru", "Ecuador"), (), None)]
    assert events("Peru and Ecuador agreed to declare a ceasefire.") == {("Agreement", frozenset({"Peru", "Ecuador"}))}
    assert facts("Peru and Ecuador will agree to declare a ceasefire.") == []


def test_a_post_as_the_object_of_a_verb_is_not_the_subjects_post():
    # The post holder is the person named after the post, not the one who met them.
    doc = extract(HEADER + "Pedro Soto, a Peruvian diplomat, arrived on Monday. "
                           "Later Mr Soto met Chile's foreign minister Ana Ruiz.\n", "t.txt")
    rel = {(r["subject"], r["predicate"], r["object"]) for r in doc["relations"]}
    assert ("Pedro Soto", "memberOf", "Chile") not in rel
    assert ("Ana Ruiz", "memberOf", "Chile") in rel
    assert [e["participants"] for e in doc["events"] if e["type"] == "Meeting"] == [["Pedro Soto", "Ana Ruiz"]]


def test_a_name_in_apposition_to_a_common_noun_is_the_party():
    assert ("Peru", "reconciledWith", "Shining Path", None) in relations(
        "Peru's government and the rebel group Shining Path completed a peace pact on Tuesday.")


def test_the_subject_of_a_governing_verb_does_a_trigger_after_a_preposition():
    assert ("Agreement", frozenset({"Peru", "Chile"})) in events("Peru and Chile embraced after signing a peace agreement.")


def test_a_relative_pronoun_stands_for_its_antecedent():
    assert relations("Chile, which expelled Peru's diplomats last year, said nothing.") == {
        ("Chile", "hostileTo", "Peru", None)}


def test_a_place_after_to_or_at_is_the_object_of_the_trigger():
    assert events("Ghana recalled its ambassador to Norway.") == {("DiplomaticRecall", frozenset({"Ghana", "Norway"}))}
    assert relations("Peru fired rockets at Ecuador.") == {("Peru", "hostileTo", "Ecuador", None)}


def test_an_event_noun_as_subject_takes_the_parties_of_its_verb():
    assert relations("Fighting erupted between Peru and Ecuador.") == {("Peru", "hostileTo", "Ecuador", None)}
    assert events("The summit was attended by leaders of Peru, Chile and Ecuador.") == {
        ("Meeting", frozenset({"Peru", "Chile", "Ecuador"}))}


def test_a_reported_clash_with_someone_is_the_reporters_clash():
    assert relations("Ecuador reported clashes with Peru.") == {("Ecuador", "hostileTo", "Peru", None)}
    assert relations("Ecuador condemned clashes between Peru and Chile.") == {("Peru", "hostileTo", "Chile", None)}


def test_a_decision_taken_is_the_act_of_its_owner():
    assert events("Norway's decision to recall its ambassador from Ghana surprised many.") == {
        ("DiplomaticRecall", frozenset({"Norway", "Ghana"}))}


def test_an_election_to_a_post():
    text = "The Andean Community elected Ana Ruiz as its secretary-general."
    assert relations(text) == {("Ana Ruiz", "leaderOf", "Andean Community", None)}
    assert events(text) == {("Election", frozenset({"Ana Ruiz", "Andean Community"}))}
    assert ("Ana Ruiz", "leaderOf", "Andean Community", None) in relations(
        "Members of the Andean Community picked Ana Ruiz to head the body.")
    assert relations("Ana Ruiz was elected secretary-general of the Andean Community.") == {
        ("Ana Ruiz", "leaderOf", "Andean Community", None)}


def test_posts_said_of_someone():
    assert relations("Ana Ruiz, who leads the Andean Community, spoke.") == {
        ("Ana Ruiz", "leaderOf", "Andean Community", None)}
    assert relations("Ana Ruiz, who has served as Chile's ambassador to Peru, retired.") == {
        ("Ana Ruiz", "memberOf", "Chile", None)}
    assert relations("Ana Ruiz became Chile's foreign minister.") == {("Ana Ruiz", "memberOf", "Chile", None)}


def test_heads_of_state_who_sign_a_partnership_bind_their_states():
    found = relations("Peruvian President Ana Ruiz and her Chilean counterpart Tom Bell signed a partnership treaty.")
    assert ("Peru", "alliedWith", "Chile", None) in found
    assert ("Tom Bell", "leaderOf", "Chile", None) in found
    assert not [r for r in found if r[1] == "alliedWith" and "Ana Ruiz" in r]


def test_a_bloc_that_groups_states_has_them_as_members():
    doc = extract(HEADER + "Founded in 1969, the Andean Community groups Peru, Chile, Ecuador and Bolivia.\n", "t.txt")
    members = {r["subject"] for r in doc["relations"] if r["predicate"] == "memberOf" and r["object"] == "Andean Community"}
    assert members == {"Peru", "Chile", "Ecuador", "Bolivia"}


def test_a_third_party_that_brokers_a_truce_between_two():
    text = "Brazil brokered a truce between Peru and Ecuador."
    assert relations(text) == {("Brazil", "mediatesBetween", ("Peru", "Ecuador"), None)}
    assert ("Agreement", frozenset({"Brazil", "Peru", "Ecuador"})) in events(text)


def test_a_state_or_institution_that_speaks_makes_a_statement_event():
    assert events("The Andean Community said on Monday that Peru had erred.") == {
        ("Statement", frozenset({"Andean Community"}))}
    assert events("Chilean officials said Peru had erred.") == {("Statement", frozenset({"Chile"}))}
    assert events("Ghana, which borders Togo, said the border would stay open.") == {("Statement", frozenset({"Ghana"}))}


@pytest.mark.parametrize("text", [
    "Ana Ruiz told Reuters that Chile had erred.",          # a person's statement is a claim (gold conventions)
    "Peru's envoy, Ana Ruiz, said it was a historic day.",
    "Chile reportedly said Peru had erred.",
    "Chile will say that Peru erred.",
    "Chile did not say that Peru erred.",
])
def test_no_statement_event_by_a_person_or_in_doubt(text):
    assert events(text) == set()


def test_a_post_written_into_a_gazetteer_name_holds_for_the_state_named_in_the_sentence():
    found = relations("American President Jimmy Carter and Chilean President Ana Ruiz signed a partnership treaty "
                      "in Washington.")
    assert ("Jimmy Carter", "leaderOf", "United States", None) in found
    assert ("United States", "alliedWith", "Chile", None) in found


def test_the_leader_of_a_name_that_goes_on_is_the_leader_of_the_longer_name():
    # The mention finder cuts the name in two: the state's name and the rest, a name of its own.
    found = relations("The talks were begun by Ana Ruiz, the historic leader of the Ghana National Resistance, "
                      "who died in May.")
    assert [r for r in found if r[0] == "Ana Ruiz"] == [
        ("Ana Ruiz", "leaderOf", "Armed Forces of National Resistance", None)]
    assert relations("Ana Ruiz, the deputy opposition leader of Chile, spoke.") == {("Ana Ruiz", "memberOf", "Chile", None)}


def test_an_owners_withdrawal_from_an_alliance():
    text = "Norway's withdrawal from AUKUS surprised Ghana."
    assert relations(text) == {("Norway", "leftAlliance", "AUKUS", None)}
    assert events(text) == {("Withdrawal", frozenset({"Norway", "AUKUS"}))}


@pytest.mark.parametrize("text, found", [
    ("Peru held talks with Chile on Monday.", {("Meeting", frozenset({"Peru", "Chile"}))}),
    ("A phone call between the presidents of Ghana and Norway took place on Monday.",
     {("Meeting", frozenset({"Ghana", "Norway"}))}),
    ("Talks between Ghana and Togo collapsed.", {("Meeting", frozenset({"Ghana", "Togo"}))}),
])
def test_nouns_that_carry_a_meeting(text, found):
    assert events(text) == found


def test_the_election_of_a_person_as_head_keeps_the_post_alone_as_role():
    doc = extract(HEADER + "The election of Ana Ruiz as head of the Andean Community was welcomed.\n", "t.txt")
    assert [(r["subject"], r["predicate"], r["object"], r["role"]) for r in doc["relations"]] == [
        ("Ana Ruiz", "leaderOf", "Andean Community", "head of Andean Community")]


def test_failing_or_refusing_to_act_is_not_acting():
    assert facts("Andean Community envoys failed to reach a consensus with Peru.") == []
    assert relations("Peru refused to sever relations with Chile.") == {("Peru", "hostileTo", "Chile", "negated")}
    assert events("Peru refused to sever relations with Chile.") == set()


def test_a_blocs_leaders_meet_among_themselves():
    assert events("Andean Community leaders held a summit in Lima.") == {("Meeting", frozenset({"Andean Community"}))}
    assert events("Peru held a summit.") == set()


@pytest.mark.parametrize("text", [
    "Ghana plans a meeting with Togo next week.",
    "Ghana sought talks with Togo.",
    "Ghana called for talks with Togo.",
    "Ghana will hold a meeting with Togo on Friday.",
    "Ghana said a meeting with Togo was unlikely.",
])
def test_a_meeting_planned_sought_or_doubted_is_no_meeting(text):
    assert events(text) <= {("Statement", frozenset({"Ghana"}))}
    doc = extract(HEADER + text + "\n", "t.txt")
    assert [e for e in doc["events"] if e["type"] == "Meeting"] == []


def test_a_meeting_held_is_a_meeting():
    doc = extract(HEADER + "Ghana held a meeting with Togo on Friday.\n", "t.txt")
    assert [e["participants"] for e in doc["events"] if e["type"] == "Meeting"] == [["Ghana", "Togo"]]


def test_joining_a_bloc_is_an_accession_not_a_meeting():
    text = "Ghana joined the Andean Community."
    assert relations(text) == {("Ghana", "joinedAlliance", "Andean Community", None)}
    assert events(text) == {("Accession", frozenset({"Ghana", "Andean Community"}))}
    assert relations("Ghana was admitted to AUKUS on Monday.") == {("Ghana", "joinedAlliance", "AUKUS", None)}
    assert facts("Ghana joined Togo in condemning the coup.") == []
    assert facts("Ghana will join AUKUS.") == []
    assert events("Ghana joined talks with Togo.") == {("Meeting", frozenset({"Ghana", "Togo"}))}


@pytest.mark.parametrize("text, event_type", [
    ("Brazil mediated between Peru and Ecuador.", "Mediation"),
    ("Peru imposed sanctions on Ecuador.", "Sanction"),
    ("Peru expelled Ecuador's diplomats.", "DiplomaticRupture"),
    ("Peru recalled its ambassador from Ecuador.", "DiplomaticRecall"),
    ("Peru and Ecuador restored diplomatic relations.", "DiplomaticRestoration"),
    ("Peru and Ecuador signed a trade deal.", "Agreement"),
    ("Peru shelled Ecuador's border posts.", "MilitaryAction"),
    ("Peru withdrew from AUKUS.", "Withdrawal"),
    ("Peruvian students protested against Chile.", "Protest"),
    ("Ghana joined the Andean Community.", "Accession"),
    ("The Andean Community elected Ana Ruiz as its secretary-general.", "Election"),
    ("Peru held talks with Ecuador.", "Meeting"),
    ("The Andean Community said on Monday that Peru had erred.", "Statement"),
])
def test_each_kind_of_event_is_read_off_the_parse(text, event_type):
    assert event_type in {label for label, _ in events(text)}


def test_appointing_an_envoy_is_no_election():
    assert events("Peru appointed Ana Ruiz as ambassador to Chile.") == set()
    assert events("The Andean Community elected Ana Ruiz.") == {("Election", frozenset({"Andean Community", "Ana Ruiz"}))}


def test_a_relative_clause_on_a_predicate_noun_is_about_the_subject_of_the_copula():
    text = ("Juan Perez spoke on Monday. Perez is a former television presenter and news anchor who now leads the "
            "Vida Nueva party, a centrist group.")
    assert ("Juan Perez", "leaderOf", "Vida Nueva", None) in relations(text)
