"""Each old rule in patterns.py is kept only while an invented sentence shows that it adds a fact on top of
the parse layer (clauses.py): the fact is missing when the rule registry is empty and present when the
rule is back. A rule without an entry here fails the completeness test, so a new rule comes with its evidence.

The actors are ones no article in the corpus names (or invented people), so no sentence stands in for an
article's."""

import pytest

from geokg.loaders.extract import extract, patterns

HEADER = "Test article\nSource: https://example.org/t\nPublished: 2021-03-10\n\n"
ALL_RULES = list(patterns.RULES)

# (rule, invented sentence, fact): a relation is ("relation", subject, predicate, object[, role]); an event is
# ("event", type, participants) with the participants in any order.
EVIDENCE = [
    ("_form_alliance", "Norway, Denmark and Iceland form the Nordic Council, officials say.",
     ("relation", "Norway", "memberOf", "Nordic Council")),
    ("_groups", "The Pacific Alliance groups Peru, Chile, Colombia and Mexico.",
     ("relation", "Peru", "memberOf", "Pacific Alliance")),
    ("_member", "Peru is a member of the Andean Community.",
     ("relation", "Peru", "memberOf", "Andean Community")),
    ("_apply", "Chile applied for membership of the Andean Community.",
     ("event", "MembershipApplication", {"Chile", "Andean Community"})),
    ("_leave", "Chile pulled out of the Pacific Alliance in 2020.",
     ("relation", "Chile", "leftAlliance", "Pacific Alliance")),
    ("_led", "The Peru-led Andean Community met in Lima.",
     ("relation", "Peru", "leaderOf", "Andean Community")),
    ("_anti", "The Pacific Alliance met in Lima. Members discussed the anti-Bolivia alliance.",
     ("relation", "Pacific Alliance", "hostileTo", "Bolivia")),
    ("_rift", "The dispute between Peru and Chile is old.",
     ("relation", "Peru", "hostileTo", "Chile")),
    # A dateline before a list of four subjects: the parse takes the first subject alone.
    ("_rupture", "LIMA, May 3 Peru, Chile, Bolivia and Ecuador severed their ties with Ghana on Monday, accusing "
                 "the West African state of meddling.",
     ("relation", "Chile", "hostileTo", "Ghana")),
    ("_war", "Peru's campaign against the Shining Path lasted years.",
     ("relation", "Peru", "hostileTo", "Shining Path")),
    ("_objection", "Ghana renewed its objections to Togo on Monday.",
     ("relation", "Ghana", "hostileTo", "Togo")),
    ("_support_noun", "Ghana's support for Togo angered Norway.",
     ("relation", "Ghana", "supports", "Togo")),
    ("_support_verb", "Norway funds the Shining Path.",
     ("relation", "Norway", "supports", "Shining Path")),
    ("_accused_support", "Peru accused Chile of arming the Shining Path.",
     ("relation", "Chile", "supports", "Shining Path")),
    ("_mutual", "Peru and Chile issued statements of mutual support on Monday.",
     ("relation", "Chile", "supports", "Peru")),
    ("_fought_together", "Peru and Chile fought shoulder to shoulder in the war.",
     ("relation", "Peru", "alliedWith", "Chile")),
    ("_ally", "Chile, a close ally of Peru, sent aid.",
     ("relation", "Chile", "alliedWith", "Peru")),
    ("_reconcile", "Peru and Chile have improved ties with Bolivia.",
     ("relation", "Peru", "reconciledWith", "Bolivia")),
    ("_mediate", "Norway is trying to reconcile Peru and Chile.",
     ("relation", "Norway", "mediatesBetween", ("Peru", "Chile"))),
    # The parse has the two states meet; the rule, the two ministers named after their posts.
    ("_meet", "Peru's foreign minister Rosa Valdivieso met Chile's foreign minister Tomas Arvelo in Lima.",
     ("event", "Meeting", {"Rosa Valdivieso", "Tomas Arvelo"})),
    ("_election", "The bloc welcomed the election of Tomas Arvelo as Andean Community secretary-general.",
     ("event", "Election", {"Tomas Arvelo", "Andean Community"})),
    ("_inauguration", "Leaders attended the inauguration of Tomas Arvelo in Lima.",
     ("event", "Inauguration", {"Tomas Arvelo"})),
    ("_relocation", "In 2015, the Shining Path moved its headquarters out of Lima.",
     ("relation", "Shining Path", "headquarteredIn", "Lima")),
    ("_based", "The Andean Community is headquartered in Lima.",
     ("relation", "Andean Community", "headquarteredIn", "Lima")),
    ("_sanction", "Chile ordered the closure of its border with Peru.",
     ("event", "Sanction", {"Chile", "Peru"})),
    ("_military", "Peru sent thousands of troops to Bolivia.",
     ("event", "MilitaryAction", {"Peru"})),
    ("_voiced", "Peru expressed concern on Monday.",
     ("event", "Statement", {"Peru"})),
    ("_remarks", "The remarks by Peru angered many.",
     ("event", "Statement", {"Peru"})),
    # The parse finds the membership too, but names the post without the rank before it.
    ("_title_before", "Senior Shining Path official Tomas Arvelo told reporters the group would fight.",
     ("relation", "Tomas Arvelo", "memberOf", "Shining Path", "senior official")),
    ("_title_of", "The foreign minister of Chile, Rosa Valdivieso, spoke.",
     ("relation", "Rosa Valdivieso", "memberOf", "Chile")),
    ("_title_apposition", "Tomas Arvelo, the Peru president, visited Chile.",
     ("relation", "Tomas Arvelo", "leaderOf", "Peru")),
]


def found(doc, fact) -> bool:
    if fact[0] == "event":
        _, kind, participants = fact
        return any(e["type"] == kind and set(e["participants"]) == participants for e in doc["events"])
    subject, predicate, obj = fact[1:4]
    role = fact[4] if len(fact) > 4 else None
    return any(r["subject"] == subject and r["predicate"] == predicate
               and (tuple(r["object"]) if isinstance(r["object"], list) else r["object"]) == obj
               and (role is None or r.get("role") == role) for r in doc["relations"])


def run(monkeypatch, sentence, rules):
    monkeypatch.setattr(patterns, "RULES", rules)
    return extract(HEADER + sentence, "t.txt")


@pytest.mark.parametrize("name,sentence,fact", EVIDENCE, ids=[e[0] for e in EVIDENCE])
def test_rule_adds_a_fact_the_parse_misses(monkeypatch, name, sentence, fact):
    assert not found(run(monkeypatch, sentence, []), fact), f"the parse alone finds {fact}: {name} adds nothing here"
    alone = [r for r in ALL_RULES if r[2].__name__ == name]
    assert alone, f"{name} is not a rule in patterns.py"
    assert found(run(monkeypatch, sentence, alone), fact), f"{name} does not find {fact}"


def test_every_rule_has_its_evidence():
    rules = {fn.__name__ for _, _, fn in patterns.RULES}
    listed = {e[0] for e in EVIDENCE}
    assert rules - listed == set(), "a rule in patterns.py needs an invented sentence here showing what it adds"
    assert listed - rules == set(), "evidence for a rule no longer in patterns.py"
