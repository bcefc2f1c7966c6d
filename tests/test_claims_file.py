"""The claims reader and checker: good files become records, bad ones name file, line, item and field."""

import textwrap

import pytest

from geokg.loaders.claims import check_claims, read_claims
from geokg.loaders.errors import LoadError

GOOD = textwrap.dedent("""\
    article: test-article.txt
    title: A test
    published: 2020-05-01
    actors:
    - {name: Ruritania, type: State, aliases: [the Ruritanian government, Strelsau]}
    - {name: Grand Pact, type: Alliance}
    - {name: Rudolf, type: Person}
    relations:
    - subject: Ruritania
      predicate: memberOf
      object: Grand Pact
      start: '2019'
      sentence: Ruritania joined the Grand Pact in 2019.
    events:
    - type: Meeting
      participants: [Rudolf, Strelsau]
      date: '2020-04-30'
      place: Zenda
      sentence: Rudolf met officials in Zenda.
    claims:
    - claimant: Rudolf
      channel: Radio Strelsau
      content: the pact is strong
      hedge: reportedly
      sentence: Rudolf reportedly told Radio Strelsau that the pact is strong.
    """)


def check(text, name="claims.yaml"):
    return check_claims(read_claims(text.encode(), name), name, default_article=name)


def test_good_file_resolves_aliases_and_places():
    doc = check(GOOD)
    assert doc.relations[0].subject == "Ruritania"
    assert str(doc.relations[0].start) == "2019"
    assert doc.events[0].participants == ["Rudolf", "Ruritania"]
    assert doc.events[0].place == "Zenda"
    assert doc.actors["Zenda"].type == "Place" and doc.actors["Zenda"].implicit
    assert doc.claims[0].channel is None and doc.claims[0].channel_name == "Radio Strelsau"
    assert doc.claims[0].hedge == "reportedly"


def replace(old, new):
    assert old in GOOD
    return GOOD.replace(old, new)


BAD = [
    # (what, text, the text on the line the error must point at, expected fragment of the message)
    ("malformed YAML", replace("title: A test", "title: [A test"), "published:", "invalid YAML: expected ','"),
    ("unknown predicate", replace("predicate: memberOf", "predicate: memberof"), "predicate: memberof",
     "relations[0].predicate: unknown predicate 'memberof' (did you mean 'memberOf'?)"),
    ("undeclared actor", replace("subject: Ruritania", "subject: Graustark"), "subject: Graustark",
     "relations[0].subject: actor 'Graustark' is not declared in actors"),
    ("date that is not a date", replace("date: '2020-04-30'", "date: last Tuesday"), "date: last Tuesday",
     "events[0].date: expected an ISO date"),
    ("impossible calendar date", replace("date: '2020-04-30'", "date: '2020-02-30'"), "date: '2020-02-30'",
     "events[0].date: '2020-02-30' is not a calendar date"),
    ("unknown actor type", replace("type: Person}", "type: Persn}"), "type: Persn",
     "actors[2].type: unknown actor type 'Persn' (did you mean 'Person'?)"),
    ("missing sentence", replace("  sentence: Ruritania joined the Grand Pact in 2019.\n", ""), "- subject:",
     "relations[0].sentence: is required"),
    ("end before start", replace("start: '2019'", "start: '2019'\n  end: '2018'"), "end: '2018'",
     "relations[0].end: ends (2018) before it starts (2019)"),
    ("direct_quote not boolean", replace("hedge: reportedly", "hedge: reportedly\n  direct_quote: maybe"),
     "direct_quote: maybe", "claims[0].direct_quote: must be true or false"),
]


def line_of(text, marker):
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


@pytest.mark.parametrize("what,text,marker,fragment", BAD, ids=[b[0] for b in BAD])
def test_bad_input_names_file_line_item_and_field(what, text, marker, fragment):
    with pytest.raises(LoadError) as caught:
        check(text, name="bad.yaml")
    messages = [str(p) for p in caught.value.problems]
    line = line_of(text, marker)
    assert any(m.startswith(f"bad.yaml:{line}:") and fragment in m for m in messages), (line, messages)


def test_every_problem_is_reported_not_just_the_first():
    text = replace("predicate: memberOf", "predicate: friendOf").replace("subject: Ruritania", "subject: Nobody")
    with pytest.raises(LoadError) as caught:
        check(text)
    fields = {(p.item, p.field) for p in caught.value.problems}
    assert {("relations[0]", "predicate"), ("relations[0]", "subject")} <= fields
    assert "2 problems found; nothing was loaded" in caught.value.report()


def test_json_claims_files_are_read_too():
    doc = check('{"article": "a.txt", "actors": [{"name": "X", "type": "State"}]}', name="a.json")
    assert list(doc.actors) == ["X"]


def test_json_syntax_error_has_a_line():
    with pytest.raises(LoadError) as caught:
        check('{"article": "a.txt",\n "actors": [}', name="a.json")
    problem = caught.value.problems[0]
    assert problem.line == 2 and "invalid JSON" in problem.message


def test_top_level_must_be_a_mapping():
    with pytest.raises(LoadError, match="top level must be a mapping"):
        check("- just\n- a list\n")


def test_undecodable_bytes_are_reported():
    with pytest.raises(LoadError, match="not UTF-8"):
        check_claims(read_claims(b"\xff\xfe\x00bad", "x.yaml"), "x.yaml", "x.yaml")


def test_printed_publication_date_is_parsed_and_unknown_kept_as_text():
    assert str(check(replace("published: 2020-05-01", "published: 23 September, 2017")).published) == "2017-09-23"
    assert str(check(replace("published: 2020-05-01", "published: unknown")).published) == "unknown"


def test_anonymous_claimants_are_descriptions_not_actors():
    doc = check(replace("claimant: Rudolf", "claimant: diplomats (unnamed)"))
    assert doc.claims[0].claimants == [] and doc.claims[0].claimant_descriptions == ["diplomats (unnamed)"]


def test_several_objects_and_claimants_are_accepted():
    doc = check(replace("object: Grand Pact", "object: [Grand Pact, Rudolf]").replace(
        "claimant: Rudolf", "claimant: [Rudolf, Ruritania]"))
    assert doc.relations[0].objects == ["Grand Pact", "Rudolf"]
    assert doc.claims[0].claimants == ["Rudolf", "Ruritania"]
