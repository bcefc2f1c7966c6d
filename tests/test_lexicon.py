"""The trigger lexicon: the CAMEO verb dictionary reader, the code map, noun triggers and their coverage.

Every sentence below is written for the test; none comes from an article."""

import importlib.util
import os
from pathlib import Path

import pytest

from geokg.loaders import model
from geokg.loaders.extract import lexicon

DATA = Path(lexicon.__file__).resolve().parent / "data"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "cameo-excerpt.txt"
ROOT = Path(__file__).resolve().parent.parent
ANCHORS = [Path(p) for p in (os.environ.get("GEOKG_ANCHORS_DATA", ""),) if p] + [
    ROOT.parent / "shared" / "anchors-data", Path("/work/shared/anchors-data")]

# Event types and predicates that no trigger reaches, with the reason. Empty: all are reachable.
UNREACHABLE: dict[str, str] = {}


def load_builder():
    spec = importlib.util.spec_from_file_location("build_lexicon", DATA / "build_lexicon.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def excerpt():
    builder = load_builder()
    parser = builder.Parser()
    rows = parser.parse(FIXTURE.read_text(encoding="utf-8").splitlines())
    return builder, parser, [dict(zip(builder.COLUMNS, r)) for r in rows]


def test_builder_reads_lemmas_in_base_form(excerpt):
    _, parser, rows = excerpt
    lemmas = {r["lemma"] for r in rows}
    # irregular forms in {...} are dropped; '+KIDNAPPED_AND_KILLED {}' and '+SHOT_AND {}' are inflected entries
    assert lemmas == {"sign", "pull", "retreat", "withdraw", "kidnap", "shoot", "offend", "scrap"}
    assert {r["phrase"] for r in rows if r["lemma"] == "shoot"} == {"", "shoot_down", "shoot_and"}
    assert {r["phrase"] for r in rows if r["lemma"] == "pull"} == {"pull_out"}
    assert ("KIDNAPPED", "KIDNAP") in {(form, base) for _, form, base in parser.deinflected}


def test_builder_reads_patterns_codes_and_pairs(excerpt):
    _, _, rows = excerpt
    sign = {(r["after"], r["code"], r["reverse"]) for r in rows if r["lemma"] == "sign"}
    assert sign == {("", "---", "0"), ("{PEACE DEAL}", "057", "0"), ("{PEACE DEAL}", "057", "1"),
                    ("&TREATY", "057", "0"), ("&TREATY", "057", "1"), ("MEMORANDUM", "057", "0"),
                    ("DECREE", "100", "0")}
    withdraw = {(r["before"], r["after"], r["code"]) for r in rows if r["lemma"] == "withdraw"}
    assert ("&MILITARY", "", "0874") in withdraw           # words before the verb
    assert ("", "(FROM RACE)", "---") in withdraw           # a pattern that blocks the default code
    assert ("", "", "080") in withdraw                      # the block's default code
    # patterns hold for every verb of the block; written_for says which verb the comment names
    retreat = [r for r in rows if r["lemma"] == "retreat" and r["after"] == "AMBASSADOR"]
    assert retreat and retreat[0]["written_for"] == "0"
    assert [r["written_for"] for r in rows if r["lemma"] == "withdraw" and r["after"] == "AMBASSADOR"] == ["1"]
    # a verb's own code wins over the block's; a reverse-only block code '[:110]'
    assert {r["code"] for r in rows if r["phrase"] == "kidnap_and_killed"} == {"180"}
    assert {(r["code"], r["reverse"]) for r in rows if r["lemma"] == "offend"} == {("110", "1")}


def test_builder_reports_malformed_lines_and_skips_them(excerpt):
    _, parser, rows = excerpt
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    bad = {number: reason for number, reason, _ in parser.problems}
    bang = next(i for i, line in enumerate(lines, 1) if line.startswith("- * DOWN (FROM)"))
    nocode = next(i for i, line in enumerate(lines, 1) if line.startswith("- * DELEGATION"))
    assert set(bad) == {bang, nocode}
    assert "not a CAMEO code" in bad[bang] and "without a [code]" in bad[nocode]
    assert not any("DELEGATION" in r["after"] or "DOWN" in r["after"] for r in rows)
    assert parser.skipped_transformations == 1
    assert ("&TREATY", "written agreement") in parser.synsets


def test_builder_never_crashes_on_junk():
    builder = load_builder()
    parser = builder.Parser()
    junk = ["####### VERB PATTERNS #######", "- * ORPHAN [010]", "---  X  [0x0]  ---", "LOWER case [010]",
            "---  OK   [010]  ---", "VERB {UNCLOSED [010]", "- * (OPEN [010]", "- * [", "OKAY [01:]", "\x00"]
    rows = parser.parse(junk)
    assert [n for n, _, _ in parser.problems] == [2, 3, 4, 6, 7, 8, 10]
    assert {r[0] for r in rows} == {"okay"}


def test_committed_verbs_match_the_full_dictionary():
    source = next((p / "CAMEO.2.0.txt" for p in ANCHORS if (p / "CAMEO.2.0.txt").is_file()), None)
    if source is None:
        pytest.skip("the CAMEO verb dictionary (shared anchors-data/CAMEO.2.0.txt) is not on this machine; "
                    "set GEOKG_ANCHORS_DATA to its folder to check the committed cameo_verbs.tsv")
    builder = load_builder()
    rows, parser = builder.build(source)
    committed = (DATA / "cameo_verbs.tsv").read_text(encoding="utf-8").splitlines()
    assert committed[0].split("\t") == list(builder.COLUMNS)
    assert committed[1:] == ["\t".join(r) for r in rows]
    synsets = (DATA / "cameo_synsets.tsv").read_text(encoding="utf-8").splitlines()[1:]
    assert synsets == [f"{label}\t{member}" for label, member in sorted(parser.synsets)]
    assert len({r[0] for r in rows}) > 1500 and parser.patterns > 4500


def test_map_resolves_most_specific_code_first():
    assert lexicon.map_code("0871").event_type == "Agreement"     # its own row
    assert lexicon.map_code("0872").code == "08"                  # no 0872 or 087 row: the family
    assert lexicon.map_code("0872").event_type is None
    assert lexicon.map_code("1623").code == "162"
    assert lexicon.map_code("161").predicate == "hostileTo"
    assert lexicon.map_code("195").code == "19" and lexicon.map_code("195").event_type == "MilitaryAction"
    assert lexicon.map_code("151").event_type is None             # police alert: an empty row stops at 151
    assert lexicon.map_code("152").event_type == "MilitaryAction"
    assert lexicon.map_code("99") is None


def test_map_and_nouns_use_only_names_of_the_claims_format():
    for row in lexicon._map().values():
        assert row.predicate in (None, *model.PREDICATES), row
        assert row.event_type in (None, *model.EVENT_TYPES), row
        assert row.label, row
    for rows in lexicon._nouns().values():
        for row in rows:
            assert row.predicate in (None, *model.PREDICATES), row
            assert row.event_type in (None, *model.EVENT_TYPES), row


def test_every_event_type_and_predicate_has_a_trigger():
    missing = (set(model.EVENT_TYPES) - lexicon.event_types_covered()) - set(UNREACHABLE)
    assert not missing
    missing = (set(model.PREDICATES) - lexicon.predicates_covered()) - set(UNREACHABLE)
    assert not missing
    # the required ones reach their types through a trigger of their own
    for kind in ("Agreement", "DiplomaticRecall", "Withdrawal", "Sanction", "Protest"):
        assert kind in lexicon.event_types_covered()


@pytest.mark.parametrize("noun, context, event_type, predicate", [
    ("talks", (), "Meeting", None),                         # "The two ministers held talks."
    ("summit", (), "Meeting", None),
    ("visit", (), "Meeting", None),
    ("deal", ("peace",), "Agreement", "reconciledWith"),    # "They signed a peace deal."
    ("deal", ("trade",), "Agreement", None),                # "They signed a trade deal."
    ("pact", ("defence",), "Agreement", "alliedWith"),      # "They signed a defence pact."
    ("treaty", ("withdraw",), "Withdrawal", "leftAlliance"),  # "The state withdrew from the treaty."
    ("ceasefire", (), "Agreement", None),
    ("truce", (), "Agreement", None),
    ("rivalry", (), None, "hostileTo"),
    ("thaw", (), "DiplomaticRestoration", "reconciledWith"),
    ("war", (), "MilitaryAction", "hostileTo"),
    ("sanctions", (), "Sanction", None),
    ("expulsion", (), "DiplomaticRupture", "hostileTo"),
    ("ambassador", ("recall",), "DiplomaticRecall", "hostileTo"),  # "The country recalled its ambassador."
    ("ambassador", ("summon",), "Meeting", None),                  # "The ministry summoned the ambassador."
    ("relations", ("restore",), "DiplomaticRestoration", "reconciledWith"),
    ("ties", ("sever",), "DiplomaticRupture", "hostileTo"),
    ("election", (), "Election", None),
    ("inauguration", (), "Inauguration", None),
    ("embassy", ("relocate",), "Relocation", None),
    ("membership", ("apply",), "MembershipApplication", None),
    ("accession", (), "Accession", "joinedAlliance"),
    ("alliance", ("leave",), "Withdrawal", "leftAlliance"),
    ("protest", (), "Protest", None),
])
def test_noun_triggers(noun, context, event_type, predicate):
    hit = lexicon.noun_trigger(noun, context)
    assert hit is not None and (hit.event_type, hit.predicate) == (event_type, predicate)


def test_noun_without_its_context_is_no_trigger():
    assert lexicon.noun_trigger("relations") is None        # "Relations are complex." says nothing happened
    assert lexicon.noun_trigger("strike") is None           # a bare strike may be a labour or an air strike
    assert lexicon.noun_trigger("ambassador") is None
    assert lexicon.noun_trigger("zebra") is None


@pytest.mark.parametrize("verb, words, noun, event_type, predicate", [
    ("sign", ["agreement"], None, "Agreement", None),          # "The two states signed an agreement."
    ("sign", ["peace", "accord"], None, "Agreement", None),    # CAMEO's &TREATY synset holds 'accord'
    ("expel", ["diplomats"], None, "DiplomaticRupture", "hostileTo"),   # "The government expelled two diplomats."
    ("restore", ["diplomatic", "relations"], "relations", "DiplomaticRestoration", "reconciledWith"),
    ("impose", ["sanctions"], None, "Sanction", None),         # "The union imposed sanctions on the regime."
    ("recall", ["ambassador"], "ambassador", "DiplomaticRecall", "hostileTo"),
    ("recall", ["its", "ambassador"], None, "DiplomaticRecall", "hostileTo"),  # the noun names the verb
    ("restore", ["ties"], None, "DiplomaticRestoration", "reconciledWith"),   # "They restored ties."
    ("withdraw", ["troops"], None, "Withdrawal", None),        # CAMEO's &MILITARY synset: "withdrew its troops"
    ("mediate", ["between"], None, "Mediation", "mediatesBetween"),  # "Qatar mediated between the two sides."
    ("meet", [], None, "Meeting", None),
    ("protest", [], None, "Protest", None),
    ("bomb", [], None, "MilitaryAction", "hostileTo"),
])
def test_resolve(verb, words, noun, event_type, predicate):
    hit = lexicon.resolve(verb, words, noun)
    assert hit is not None and (hit.event_type, hit.predicate) == (event_type, predicate)


def test_blocking_pattern_and_unmapped_code_give_nothing():
    # RETREAT block: 'withdraw (from race)' is CAMEO's '---': "The candidate withdrew from the race."
    assert lexicon.resolve("withdraw", ["from", "race"]) is None
    assert lexicon.resolve("zebra", ["agreement"]) is None


def test_verb_trigger_fields():
    hits = [t for t in lexicon.verb_triggers("sign") if t.after == "&TREATY"]
    assert {(t.code, t.reverse) for t in hits} == {("057", False), ("057", True)}
    assert all(t.event_type == "Agreement" and t.map_code == "057" and t.written_for for t in hits)
    assert "treaty" in hits[0].slots[0] and "agreement" in hits[0].slots[0]
    assert lexicon.verb_triggers("SIGN") == lexicon.verb_triggers("sign")
    assert lexicon.verb_triggers("zebra") == []


def test_lexicon_imports_nothing_heavy():
    import subprocess
    import sys
    code = ("import sys, geokg.loaders.extract.lexicon as l; l.verb_triggers('sign'); "
            "print(any(m.split('.')[0] in ('spacy', 'rdflib') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
