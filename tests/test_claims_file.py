"""The claims reader and checker: good files become records, bad ones name file, line, item and field."""

import json
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
    # libyaml says "did not find expected ',' or ']'", the Python parser "expected ',' or ']'".
    ("malformed YAML", replace("title: A test", "title: [A test"), "published:", "expected ',' or ']'"),
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
def test_bad_input_names_file_line_item_and_field(yaml_parser, what, text, marker, fragment):
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


# --- Hostile and confused input (issue 9, item 11) -------------------------------------------------


@pytest.fixture(params=["libyaml", "python"])
def yaml_parser(request, monkeypatch):
    """Run a test with each YAML parser the reader may use: libyaml when present, the pure-Python fallback."""
    from geokg.loaders import claims

    if request.param not in claims._LOADERS:
        pytest.skip(f"PyYAML was built without {request.param}")
    monkeypatch.setattr(claims, "_Loader", claims._LOADERS[request.param])
    return request.param


def problems_of(text, name="bad.yaml"):
    with pytest.raises(LoadError) as caught:
        check_claims(read_claims(text.encode() if isinstance(text, str) else text, name), name, name)
    return caught.value.problems


def bomb(levels, width=9):
    """A 'billion laughs': each anchor is a list of `width` aliases to the one before."""
    lines = ["lol0: &lol0 lol"]
    lines += [f"lol{n}: &lol{n} [{', '.join([f'*lol{n - 1}'] * width)}]" for n in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_before_it_is_built(yaml_parser):
    text = bomb(9) + replace("date: '2020-04-30'", "date: *lol9")
    problems = problems_of(text)
    assert len(problems) == 1
    problem = problems[0]
    assert problem.file == "bad.yaml" and problem.line == line_of(text, "lol5:")
    assert "aliases" in problem.message and "10,000" in problem.message and len(str(problem)) < 200


@pytest.mark.parametrize("field,old,new", [
    ("scalar field", "date: '2020-04-30'", "date: [*lol4, *lol4]"),
    ("list field", "participants: [Rudolf, Strelsau]", "participants: [*lol4, *lol4]"),
])
def test_aliases_that_expand_too_far_where_they_are_used_are_refused(yaml_parser, field, old, new):
    text = bomb(4) + replace(old, new)
    problem, = problems_of(text)
    assert problem.line == line_of(text, new) and "aliases" in problem.message


def test_aliases_within_the_budget_still_work(yaml_parser):
    text = "x-sentence: &s Ruritania joined the Grand Pact in 2019.\n" + replace(
        "sentence: Ruritania joined the Grand Pact in 2019.", "sentence: *s")
    assert check(text).relations[0].prov.sentences == ["Ruritania joined the Grand Pact in 2019."]


def test_recursive_alias_is_refused(yaml_parser):
    problem, = problems_of(replace("aliases: [the Ruritanian government, Strelsau]", "aliases: &a [*a]"))
    assert problem.line == line_of(GOOD, "aliases: [the") and "contains" in problem.message


SHORTENED = [
    ("expanded aliases in a date", "date: '2020-04-30'", "date: *lol3"),
    ("long predicate", "predicate: memberOf", "predicate: " + "x" * 100_000),
    ("long list as a date", "start: '2019'", "start: [" + ", ".join(["2019"] * 5000) + "]"),
    ("long actor reference", "subject: Ruritania", "subject: " + "Graustark " * 10_000),
    ("long wikidata", "type: Alliance}", "type: Alliance, wikidata: " + "Q" * 50_000 + "}"),
    ("long confidence", "start: '2019'", "start: '2019'\n  confidence: [" + "0.5, " * 5000 + "]"),
    ("long direct_quote", "hedge: reportedly", "hedge: reportedly\n  direct_quote: [" + "yes, " * 5000 + "]"),
    ("long text as a date", "date: '2020-04-30'", "date: '2020-02-30" + "0" * 100_000 + "'"),
    ("long unknown tag", "hedge: reportedly", "hedge: !" + "x" * 100_000 + " reportedly"),
    ("long undefined alias", "hedge: reportedly", "hedge: *" + "x" * 100_000),
]


@pytest.mark.parametrize("field,old,new", SHORTENED, ids=[s[0] for s in SHORTENED])
def test_values_quoted_in_messages_are_shortened(yaml_parser, field, old, new):
    text = bomb(3) + replace(old, new)
    problems = problems_of(text)
    assert problems
    for problem in problems:
        assert len(problem.message) <= 200, (field, problem.message[:300])
    assert any("…" in p.message or "..." in p.message for p in problems), [p.message for p in problems]


BAD_IRIS = [
    ("source", "http://example.org/a b"),
    ("source", 'http://example.org/a"b'),
    ("source", "http://example.org/<a>"),
    ("source", "http://example.org/a}b"),
    ("source", "http://example.org/a{b"),
    ("source", "http://example.org/a|b^c"),
    ("source", "http://example.org/a\\b"),
    ("source", "https://example.org/%zz"),
    ("source", "http://example.org/a`b"),
    ("source", "http://example.org:port/"),
    ("source", "http://example.org/a\x7fb"),
    ("source", "http://example.org/a\nb"),
    ("dbpedia", 'Hamas "movement"'),
    ("dbpedia", "<Hamas>"),
    ("dbpedia", "Hamas}"),
    ("dbpedia", "Ha\tmas"),
    ("dbpedia", "100%"),
]


@pytest.mark.parametrize("field,value", BAD_IRIS, ids=[f"{f}={v!r}" for f, v in BAD_IRIS])
def test_values_that_would_become_bad_iris_are_problems(field, value):
    quoted = json.dumps(value)  # a JSON string is a YAML double-quoted scalar
    if field == "source":
        text = replace("title: A test", f"title: A test\nsource: {quoted}")
        item, marker = None, "source:"
    else:
        text = replace("- {name: Grand Pact, type: Alliance}",
                       f"- {{name: Grand Pact, type: Alliance, dbpedia: {quoted}}}")
        item, marker = "actors[1]", "dbpedia:"
    text = text.replace("subject: Ruritania", "subject: Nobody")  # reported together with other problems
    problems = problems_of(text)
    located = [p for p in problems if p.field == field]
    assert len(located) == 1, problems
    assert located[0].file == "bad.yaml" and located[0].item == item and located[0].line == line_of(text, marker)
    assert "IRI" in located[0].message and located[0].message.isprintable()
    assert any(p.field == "subject" for p in problems)


def test_iri_values_that_are_fine_are_kept():
    text = replace("title: A test", "title: A test\nsource: https://example.org/news/Ḥamās?id=1#top").replace(
        "- {name: Grand Pact, type: Alliance}", "- {name: Grand Pact, type: Alliance, dbpedia: Grand Pact (1900)}")
    doc = check(text)
    assert doc.source == "https://example.org/news/Ḥamās?id=1#top"
    assert doc.actors["Grand Pact"].dbpedia == "Grand Pact (1900)"


def test_unquoted_impossible_date_names_file_line_item_and_field(yaml_parser):
    text = replace("date: '2020-04-30'", "date: 2020-02-30")
    problem, = problems_of(text)
    assert (problem.file, problem.line, problem.item, problem.field) == ("bad.yaml", line_of(text, "date: 2020"),
                                                                         "events[0]", "date")
    assert "'2020-02-30' is not a calendar date" in problem.message


def test_unquoted_dates_in_text_fields_stay_text(yaml_parser):
    doc = check(replace("hedge: reportedly", "hedge: 2020-04-30").replace(
        "start: '2019'", "start: '2019'\n  time: 2020-02-30"))
    assert doc.claims[0].hedge == "2020-04-30" and doc.relations[0].time == "2020-02-30"
    assert str(doc.events[0].date) == "2020-04-30"


@pytest.mark.parametrize("value", ["2017-02-30", "2017-02-30T10:00:00"])
def test_impossible_publication_date_is_a_problem(yaml_parser, value):
    problem, = problems_of(replace("published: 2020-05-01", f"published: {value}"))
    assert (problem.line, problem.field) == (3, "published") and "calendar date" in problem.message


def test_publication_time_of_day_is_dropped(yaml_parser):
    assert str(check(replace("published: 2020-05-01", "published: 2020-05-01 10:30:00")).published) == "2020-05-01"


DEEP = [
    # (what, file name, text, the line where the 65th level opens)
    ("yaml lists", "x.yaml", "article: a\nx: " + "[" * 10_000 + "]" * 10_000 + "\n", 2),
    ("yaml mappings", "x.yaml", "article: a\nx: " + "{a: " * 10_000 + "b" + "}" * 10_000 + "\n", 2),
    ("yaml block lists", "x.yaml", "article: a\nx:\n" + "- " * 10_000 + "b\n", 3),
    ("yaml indented mappings", "x.yaml", "article: a\nx:\n" + "".join(" " * i + "a:\n" for i in range(1, 200)), 66),
    ("yaml one-million lists", "x.yaml", "article: a\nx: " + "[" * 1_000_000 + "]" * 1_000_000 + "\n", 2),
    ("json lists", "x.json", '{"article": "a",\n "x": ' + "[" * 10_000 + "]" * 10_000 + "}", 2),
    ("json objects", "x.json", '{"article": "a",\n "x": ' + '{"a":' * 10_000 + "1" + "}" * 10_001, 2),
]


@pytest.mark.parametrize("what,name,text,line", DEEP, ids=[d[0] for d in DEEP])
def test_deep_nesting_is_a_problem_not_a_crash(yaml_parser, what, name, text, line):
    if name.endswith(".json") and yaml_parser != "python":
        pytest.skip("JSON does not use the YAML parser")
    problem, = problems_of(text, name)
    assert problem.file == name and problem.line == line
    assert "nested" in problem.message and "64" in problem.message


def test_reasonable_nesting_is_fine(yaml_parser):
    doc = check(replace("title: A test", "title: A test\nx-notes: " + "[" * 60 + "]" * 60))
    assert doc.title == "A test"
    doc = check_claims(read_claims(('{"article": "a", "x": ' + "[" * 60 + "]" * 60 + "}").encode(), "a.json"),
                       "a.json", "a.json")
    assert doc.article == "a"


def test_aliases_cannot_nest_past_the_depth_bound(yaml_parser):
    text = "x-deep: &deep " + "[" * 40 + "]" * 40 + "\nx-deeper: " + "[" * 40 + "*deep" + "]" * 40 + "\n" + GOOD
    problem, = problems_of(text)
    assert problem.line == 2 and "nested" in problem.message


@pytest.mark.parametrize("value", ["true", "false", "[1]", "{year: 2017}", "1.5", "12", "[2017-05-01]"])
def test_publication_date_of_the_wrong_type_is_a_problem(yaml_parser, value):
    problem, = problems_of(replace("published: 2020-05-01", f"published: {value}"))
    assert (problem.file, problem.line, problem.item, problem.field) == ("bad.yaml", 3, None, "published")


def test_publication_year_and_printed_text_are_still_accepted(yaml_parser):
    assert str(check(replace("published: 2020-05-01", "published: 2017")).published) == "2017"
    printed = check(replace("published: 2020-05-01", "published: 'n.d. (before 2018)'")).published
    assert str(printed) == "n.d. (before 2018)"


DUPLICATES = [
    ("top level", replace("title: A test", "title: A test\ntitle: Another"), "title", None, "title: Another", 2),
    ("flow mapping", replace("type: Alliance}", "type: Alliance, type: State}"), "type", "actors[1]",
     "type: Alliance, type: State", 6),
    ("block mapping", replace("  predicate: memberOf", "  predicate: memberOf\n  predicate: hostileTo"),
     "predicate", "relations[0]", "predicate: hostileTo", 10),
]


@pytest.mark.parametrize("what,text,key,item,marker,first", DUPLICATES, ids=[d[0] for d in DUPLICATES])
def test_duplicate_keys_are_problems(yaml_parser, what, text, key, item, marker, first):
    problems = problems_of(text)
    assert [(p.file, p.line, p.item, p.field) for p in problems] == [("bad.yaml", line_of(text, marker), item, key)]
    assert "twice" in problems[0].message and f"line {first}" in problems[0].message


def test_every_duplicate_key_is_reported_with_the_other_problems():
    text = replace("title: A test", "title: A test\ntitle: B\narticle: c").replace(
        "type: State,", "type: State, type: Place,").replace("predicate: memberOf", "predicate: memberof")
    assert {(p.item, p.field) for p in problems_of(text)} == {
        (None, "title"), (None, "article"), ("actors[0]", "type"), ("relations[0]", "predicate")}


def test_merge_keys_may_be_overridden_without_a_duplicate(yaml_parser):
    text = replace("- {name: Rudolf, type: Person}",
                   "- &rudolf {name: Rudolf, type: Person}\n- {<<: *rudolf, name: Rupert}")
    assert check(text).actors["Rupert"].type == "Person"


def test_json_duplicate_keys_are_problems_with_lines():
    text = '{"article": "a",\n "actors": [{"name": "X", "type": "State",\n   "name": "Y"}],\n "article": "b"}'
    problems = problems_of(text, "a.json")
    assert [(p.line, p.item, p.field) for p in problems] == [(3, "actors[0]", "name"), (4, None, "article")]


def test_json_problems_have_lines_too():
    text = '{"article": "a",\n "actors": [\n  {"name": "X",\n   "type": "Stat"}]}'
    problem, = problems_of(text, "a.json")
    assert (problem.line, problem.item, problem.field) == (4, "actors[0]", "type")


TYPE_CONFUSION = [
    ("empty sentence list", replace("sentence: Ruritania joined the Grand Pact in 2019.", "sentence: []"),
     "relations[0]", "sentence", "sentence: []"),
    ("about is a boolean", replace("hedge: reportedly", "hedge: reportedly\n  about: false"),
     "claims[0]", "about", "about: false"),
    ("place is a boolean", replace("place: Zenda", "place: false"), "events[0]", "place", "place: false"),
    ("place is an empty list", replace("place: Zenda", "place: []"), "events[0]", "place", "place: []"),
    ("time is a list", replace("start: '2019'", "start: '2019'\n  time: [in 2019]"), "relations[0]", "time",
     "time: [in 2019]"),
    ("role is a mapping", replace("start: '2019'", "start: '2019'\n  role: {a: b}"), "relations[0]", "role",
     "role: {a: b}"),
    ("confidence is a boolean", replace("start: '2019'", "start: '2019'\n  confidence: true"), "relations[0]",
     "confidence", "confidence: true"),
    ("date is a boolean", replace("start: '2019'", "start: yes"), "relations[0]", "start", "start: yes"),
    ("title is a list", replace("title: A test", "title: [A test]"), None, "title", "title: [A test]"),
    ("dbpedia is a list", replace("type: Alliance}", "type: Alliance, dbpedia: [Grand Pact]}"), "actors[1]",
     "dbpedia", "dbpedia: [Grand"),
    ("description is a mapping", replace("type: Alliance}", "type: Alliance, description: {a: b}}"), "actors[1]",
     "description", "description: {a"),
    ("claimant is a boolean", replace("claimant: Rudolf", "claimant: true"), "claims[0]", "claimant",
     "claimant: true"),
    ("content is a list", replace("content: the pact is strong", "content: [the pact is strong]"), "claims[0]",
     "content", "content: [the pact"),
    ("int written as !!int that is not one", replace("hedge: reportedly", "hedge: !!int reportedly"), None, None,
     "hedge: !!int"),
    ("bool written as !!bool that is not one", replace("hedge: reportedly", "hedge: !!bool reportedly"), None,
     None, "hedge: !!bool"),
    ("number too long to read", replace("hedge: reportedly", "hedge: " + "9" * 5000), None, None, "hedge: 999"),
    # Python writes no int of more than 4300 digits; YAML's hexadecimal form has no such limit.
    ("hexadecimal number too long as text", replace("hedge: reportedly", "hedge: 0x" + "f" * 5000), None, None,
     "hedge: 0x"),
    ("hexadecimal number too long as a date", replace("start: '2019'", "start: 0x" + "f" * 5000), None, None,
     "start: 0x"),
    ("hexadecimal number too long in a list",
     replace("sentence: Ruritania joined", "sentence: [0x" + "f" * 5000 + "]\n  x: Ruritania joined"),
     None, None, "sentence: [0x"),
]


@pytest.mark.parametrize("what,text,item,field,marker", TYPE_CONFUSION, ids=[t[0] for t in TYPE_CONFUSION])
def test_values_of_the_wrong_type_are_problems(yaml_parser, what, text, item, field, marker):
    problems = problems_of(text)
    assert [(p.file, p.line, p.item, p.field) for p in problems] == [("bad.yaml", line_of(text, marker), item, field)]
    assert len(problems[0].message) < 200


def test_numbers_name_actors_wherever_they_are_declared_with_one(yaml_parser):
    text = replace("- {name: Rudolf, type: Person}", "- {name: Rudolf, type: Person}\n- {name: 1984, type: Other}")
    doc = check(text.replace("participants: [Rudolf, Strelsau]", "participants: [Rudolf, 1984]"))
    assert doc.events[0].participants == ["Rudolf", "1984"]


def test_null_direct_quote_means_not_a_quote(yaml_parser):
    doc = check(replace("hedge: reportedly", "hedge: reportedly\n  direct_quote: null"))
    assert doc.claims[0].direct_quote is False


@pytest.mark.parametrize("text", [
    '{"article": "a",\n "title": "x\\ud800y"}',
    '{"article": "a",\n "title": ' + "9" * 5000 + "}",
    '{"article": "a",\n "x": [1, ' + "9" * 5000 + "]}",
], ids=["lone surrogate", "number too long", "number too long in a list"])
def test_json_values_that_cannot_be_stored_are_located(text):
    problem, = problems_of(text, "a.json")
    assert problem.file == "a.json" and problem.line == 2


def test_yaml_lone_surrogate_is_located(yaml_parser):
    problem, = problems_of('article: a\ntitle: "x\\ud800y"\n')
    assert problem.file == "bad.yaml" and problem.line == 2


# --- Names that mint one identifier (found by tests/test_shapes_proof.py) ---------------------------------


def test_two_actors_whose_names_make_one_identifier_are_a_problem():
    text = replace("- {name: Rudolf, type: Person}", "- {name: Rudolf, type: Person}\n- {name: rudolf, type: Person}")
    problem, = problems_of(text)
    assert (problem.line, problem.item, problem.field) == (line_of(text, "name: rudolf"), "actors[3]", "name")
    assert "same identifier as actor 'Rudolf'" in problem.message


def test_a_place_named_like_a_declared_actor_is_that_actor():
    text = replace("- {name: Rudolf, type: Person}", "- {name: Rudolf, type: Person}\n- {name: Zénda, type: Place}")
    doc = check(text)
    assert doc.events[0].place == "Zénda" and "Zenda" not in doc.actors
