"""The SPARQL lexer and the checks built on it: SERVICE and LOAD found wherever the engine would find
them and nowhere else, LOAD SILENT dropped, nesting bounded, unreadable text refused with its place."""


import pytest
from hypothesis import given, settings, strategies as st

from geokg.loaders.errors import StoreError
from geokg.store.querytext import (MAX_DEPTH, MAX_NESTING, check_nesting, drop_silent_loads, names_dataset,
                                     query_form, query_kind, refuse_fetching_update, refuse_service, uses_service,
                                     with_using)
from geokg.store.sparqllex import LexError, tokenize

EVIL = "http://127.0.0.1:9/sparql"
RDF = "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>"


def kinds(text):
    return [(t.kind, t.text) for t in tokenize(text)]


def refused(call, *args):
    with pytest.raises(StoreError) as caught:
        call(*args)
    assert caught.value.status == 400
    return caught.value


# The lexer

def test_tokens_follow_the_grammar_terminals():
    text = ("PREFIX ex: <http://example.org/#> SELECT ?s $o WHERE { ?s a ex:p\\#x ; ex:q _:b1 , [] , () . "
            "?s ex:r 'x'@en-GB , \"y\"^^ex:t , -1 , +2.5 , 3e-2 , .5 , true FILTER(?o != 1 && !BOUND(?s)) }")
    assert kinds(text) == [
        ("KEYWORD", "PREFIX"), ("PNAME_NS", "ex:"), ("IRIREF", "<http://example.org/#>"), ("KEYWORD", "SELECT"),
        ("VAR1", "?s"), ("VAR2", "$o"), ("KEYWORD", "WHERE"), ("PUNCT", "{"), ("VAR1", "?s"), ("KEYWORD", "a"),
        ("PNAME_LN", "ex:p\\#x"), ("PUNCT", ";"), ("PNAME_LN", "ex:q"), ("BLANK_NODE_LABEL", "_:b1"), ("PUNCT", ","),
        ("ANON", "[]"), ("PUNCT", ","), ("NIL", "()"), ("PUNCT", "."), ("VAR1", "?s"), ("PNAME_LN", "ex:r"),
        ("STRING_LITERAL1", "'x'"), ("LANGTAG", "@en-GB"), ("PUNCT", ","), ("STRING_LITERAL2", '"y"'),
        ("PUNCT", "^^"), ("PNAME_LN", "ex:t"), ("PUNCT", ","), ("INTEGER_NEGATIVE", "-1"), ("PUNCT", ","),
        ("DECIMAL_POSITIVE", "+2.5"), ("PUNCT", ","), ("DOUBLE", "3e-2"), ("PUNCT", ","), ("DECIMAL", ".5"),
        ("PUNCT", ","), ("KEYWORD", "true"), ("KEYWORD", "FILTER"), ("PUNCT", "("), ("VAR1", "?o"), ("PUNCT", "!="),
        ("INTEGER", "1"), ("PUNCT", "&&"), ("PUNCT", "!"), ("KEYWORD", "BOUND"), ("PUNCT", "("), ("VAR1", "?s"),
        ("PUNCT", ")"), ("PUNCT", ")"), ("PUNCT", "}")]


def test_tokens_carry_offsets_depths_and_keyword_values():
    tokens = tokenize("select * {\n  ?s ?p ( 1 ) }")
    assert [(t.offset, t.depth, t.value) for t in tokens] == [
        (0, 0, "SELECT"), (7, 0, "*"), (9, 0, "{"), (13, 1, "?s"), (16, 1, "?p"), (19, 1, "("), (21, 2, "1"),
        (23, 1, ")"), (25, 0, "}")]


@pytest.mark.parametrize("text", [
    "SELECT * { ?s ?p <http://example.org/#frag> }",
    "SELECT * { ?s ?p <http://example.org/it's> }",
    "SELECT * { ?s ?p \"a # b ' c\" }",
    "SELECT * { ?s ?p 'a # b \" c' }",
])
def test_hash_and_quotes_inside_iris_and_strings_stay_inside(text):
    last = tokenize(text)[-2]
    assert last.kind in ("IRIREF", "STRING_LITERAL1", "STRING_LITERAL2")
    assert last.text in text and last.text[0] in "<'\""


def test_long_strings_hold_quotes_and_line_breaks():
    text = "SELECT * { ?s ?p '''a ''b' \"c\"\n#d''' , \"\"\"x \"\"y\" 'z'\"\"\" }"
    strings = [t.text for t in tokenize(text) if t.kind.startswith("STRING")]
    assert strings == ["'''a ''b' \"c\"\n#d'''", '"""x ""y" \'z\'"""']


def test_a_comment_runs_to_the_end_of_its_line_only():
    assert kinds("SELECT * # { SERVICE <x> {\r\n{ }") == [("KEYWORD", "SELECT"), ("PUNCT", "*"), ("PUNCT", "{"),
                                                         ("PUNCT", "}")]


def test_keywords_ignore_case_except_a():
    assert [t.value for t in tokenize("sElEcT * wHeRe { ?s a ?o }") if t.kind == "KEYWORD"] == [
        "SELECT", "WHERE", "a"]
    assert "not a SPARQL keyword" in refused(tokenize, "SELECT * { ?s A ?o }").message


def test_local_names_keep_one_run_of_dots_as_the_engine_does():
    assert kinds("ex:a.b")[0] == ("PNAME_LN", "ex:a.b")
    assert kinds("ex:a.b . ex:c")[:2] == [("PNAME_LN", "ex:a.b"), ("PUNCT", ".")]
    assert "'c' is not a SPARQL keyword" in refused(tokenize, "SELECT * { ?s ?p ex:a.b.c }").message


@pytest.mark.parametrize("text,line,column,says", [
    ("SELECT * {\n  ?s ?p ~ }", 2, 9, "unexpected character '~'"),
    ("SELECT * {\n ?s ?p 'open\n' }", 2, 8, "does not end"),
    ("SELECT * WHERE { ?s ?p ?o ", 1, 16, "never closed"),
    ("SELECT * WHERE { ?s ?p ?o ) }", 1, 27, "does not close"),
    ("SELECT * WHERE { ?s ?p ?o } }", 1, 29, "closes nothing"),
    ("SELECT * WHERE { ?s ?p ?o } LIMT 1", 1, 29, "'LIMT' is not a SPARQL keyword"),
    ("SELECT * WHERE { ?s ?p << ?a ?b ?c >> }", 1, 24, "'<<'"),
])
def test_text_the_lexer_cannot_read_is_refused_with_line_and_column(text, line, column, says):
    error = refused(tokenize, text)
    assert isinstance(error, LexError) and error.title == "Bad query"
    assert (error.line, error.column) == (line, column)
    assert error.message.startswith(f"line {line}, column {column}: ") and says in error.message


def test_unreadable_text_is_a_bad_query_in_every_check():
    for check in (refuse_service, refuse_fetching_update, query_form, names_dataset, check_nesting):
        assert refused(check, "SELECT * { ?s ?p ~ }").title == "Bad query"


# \u escapes: Oxigraph reads them inside IRIs and strings only (pyoxigraph 0.5.13 does not replace them
# in the whole text first, as the specification says); escapes the two readings would split differently
# are refused.

def test_codepoint_escapes_are_read_inside_iris_and_strings():
    assert kinds("SELECT * { ?s ?p <http://x/caf\\u00E9> , 'caf\\u00e9' , \"\\U0001F600\" }")[5:10] == [
        ("IRIREF", "<http://x/caf\\u00E9>"), ("PUNCT", ","), ("STRING_LITERAL1", "'caf\\u00e9'"), ("PUNCT", ","),
        ("STRING_LITERAL2", '"\\U0001F600"')]


@pytest.mark.parametrize("text", [
    f"SELECT * {{ SERV\\u0049CE <{EVIL}> {{ ?s ?p ?o }} }}",
    "SELECT * { ?s ?p ?o } \\u0023 comment",
    "SELECT * { ?s ?p ex:a\\u0041 }",
])
def test_codepoint_escapes_outside_iris_and_strings_are_refused(text):
    assert refused(refuse_service, text).title == "Bad query"


@pytest.mark.parametrize("escape", ["\\u0027", "\\u0022", "\\u005C", "\\u003E", "\\u003c", "\\u000A", "\\U0000000D"])
def test_escapes_that_would_end_or_change_a_token_are_refused(escape):
    for text in (f"SELECT * {{ ?s ?p '{escape}' }}", f"SELECT * {{ ?s ?p \"\\\\{escape}\" }}",
                 f"SELECT * {{ ?s ?p <http://x/{escape}> }}", f"SELECT * {{ ?s ?p ?o }} # {escape}"):
        error = refused(tokenize, text)
        assert "would end or change a token" in error.message, text


def test_an_escape_that_is_no_character_is_refused():
    assert "is not a character" in refused(tokenize, "SELECT * { ?s ?p '\\uD800' }").message


def test_an_escaped_quote_in_a_string_cannot_hide_a_service_call():
    # Replaced first (the specification), '\u0027 is an empty string and SERVICE is a call; read as
    # Oxigraph reads it, the string runs on. Refused either way.
    text = f"SELECT * {{ BIND('\\u0027 AS ?x) SERVICE <{EVIL}> {{ ?s ?p ?o }} }}"
    assert refused(refuse_service, text).title == "Bad query"


# '<': the less-than operator or an IRI

def test_less_than_after_an_operand_inside_an_expression_is_the_operator():
    tokens = tokenize("SELECT * { FILTER(?a<?b&&?c>?d) FILTER(?a <= 2) }")
    assert [t.text for t in tokens if t.text in ("<", "<=", ">")] == ["<", ">", "<="]
    assert not [t for t in tokens if t.kind == "IRIREF"]


def test_iris_after_operands_in_patterns_and_values_rows_stay_iris():
    text = "SELECT * { ?s <http://x/#p> <http://x/#o> . VALUES (?a ?b) { (<http://x/#1> <http://x/#2>) } }"
    assert [t.text for t in tokenize(text) if t.kind == "IRIREF"] == [
        "<http://x/#p>", "<http://x/#o>", "<http://x/#1>", "<http://x/#2>"]


@pytest.mark.parametrize("text", [
    "SELECT * { FILTER(?a<?b#>\n) }",
    "SELECT * { FILTER(EXISTS{}<?b#>\n) }",
    "SELECT * { FILTER(1<?b'>\n) }",
    "SELECT * { ?s ?p (<http://x/a> <http://x/#b>) }",
])
def test_a_less_than_that_could_also_start_an_iri_with_a_hash_quote_or_bracket_is_refused(text):
    assert "the two readings part" in refused(tokenize, text).message


def test_an_iri_the_engine_would_accept_but_the_grammar_does_not_is_refused():
    # Oxigraph reads <#\u+041> as an IRI (its hex reader takes a sign); the grammar has no such IRI.
    assert refused(tokenize, "BASE <http://x/> SELECT * { ?s ?p <#\\u+041> }").title == "Bad query"
    assert refused(tokenize, "SELECT * { FILTER(?a <#\\u+041>) }").title == "Bad query"


def test_the_lexer_is_iterative():
    deep = "SELECT * WHERE " + "{" * 20000 + "}" * 20000
    assert len(tokenize(deep)) == 40003
    for unit in ("FILTER.", "?a<", "<?a", "'", "a.", "1.", "(?a<?a"):
        try:
            tokenize(unit * 20000)
        except StoreError as exc:
            assert "line 1" in exc.message


# SERVICE

@pytest.mark.parametrize("query", [
    f"{RDF} SELECT ?x WHERE {{ SERVICE <{EVIL}> {{ ?s ?p ?x }} }}",
    f"SELECT ?x WHERE {{ VALUES ?z {{ <http://example.org/#> }} SERVICE <{EVIL}> {{ ?s ?p ?x }} }}",
    f"SELECT ?x WHERE {{ ?s <http://example.org/it's> ?o . SERVICE <{EVIL}> {{ ?s ?p ?x }} }}",
])
def test_the_three_bypasses_from_the_issue_are_refused(query):
    error = refused(refuse_service, query)
    assert error.title == "Query refused" and f"SERVICE {EVIL} is not allowed" in error.message
    assert uses_service(query)


def test_service_in_updates_is_refused_silent_or_not():
    update = f"{RDF} INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE SILENT <{EVIL}> {{ ?s ?p ?o }} }}"
    assert refused(refuse_fetching_update, update).title == "Query refused"


@pytest.mark.parametrize("query", [
    "SELECT ?service WHERE { ?service ?p 'SERVICE <http://127.0.0.1:9/> { }' }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }",
    "SELECT * WHERE { ?s <http://x/SERVICE> ?o }",
    "PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:SERVICE ?o ; ex:serviceType ?t ; ex:LOAD ?l }",
    "PREFIX service: <http://x/> SELECT * WHERE { ?s service:x ?o }",
    "SELECT * WHERE { ?s ?p \"\"\"\nSERVICE <http://127.0.0.1:9/> { ?s ?p ?o }\n\"\"\" }",
])
def test_service_inside_strings_comments_iris_names_and_variables_is_no_call(query):
    assert not uses_service(query)
    refuse_service(query, ())


def test_service_is_allowed_only_to_listed_endpoints_resolved_as_the_engine_resolves_them():
    allowed = ("http://allowed.example/sparql",)
    for query in ("SELECT * { SERVICE <http://allowed.example/sparql> { ?s ?p ?o } }",
                  "PREFIX e: <http://allowed.example/> SELECT * { SERVICE SILENT e:sparql { ?s ?p ?o } }",
                  "BASE <http://allowed.example/a/b> SELECT * { SERVICE <../sparql> { ?s ?p ?o } }",
                  "BASE <http://allowed.example/> PREFIX e: <x/../> SELECT * { SERVICE e:sparql { ?s ?p ?o } }",
                  "SELECT * { SERVICE <http://allowed.example/\\u0073parql> { ?s ?p ?o } }"):
        refuse_service(query, allowed)
    for query, shown in (("SELECT * { SERVICE <http://allowed.example/sparql/> { ?s ?p ?o } }",
                          "http://allowed.example/sparql/"),
                         ("SELECT * { SERVICE ?endpoint { ?s ?p ?o } }", "?endpoint"),
                         ("SELECT * { SERVICE <sparql> { ?s ?p ?o } }", "<sparql>"),
                         ("SELECT * { SERVICE e:sparql { ?s ?p ?o } }", "e:sparql"),
                         ("SELECT * { SERVICE <http://allowed.example/x/../sparql> { ?s ?p ?o } }",
                          "http://allowed.example/x/../sparql")):
        assert f"SERVICE {shown} is not allowed" in refused(refuse_service, query, allowed).message


@pytest.mark.parametrize("query", [
    f"PREFIX : <{EVIL}> SELECT * {{ service:x {{ ?s ?p ?o }} }}",
    f"PREFIX ex: <{EVIL}> SELECT * {{ SERVICEex:x {{ ?s ?p ?o }} }}",
    f"PREFIX ex: <{EVIL}> SELECT * {{ SERVICESILENTex:x {{ ?s ?p ?o }} }}",
    f"PREFIX ex: <{EVIL}> SELECT * {{ ?s ?p truESERVICEex:x {{ ?s ?p ?o }} }}",
    f"PREFIX ex: <http://x/#> PREFIX y: <{EVIL}> SELECT * {{ ?s ex:1SERVICEy:a\\#x {{ ?s ?p ?o }} }}",
])
def test_names_the_engine_could_split_into_a_service_call_are_refused(query):
    # Oxigraph matches keywords without a word boundary, and reads ex: alone when ex:... is no valid IRI.
    error = refused(refuse_service, query)
    assert error.title == "Query refused" and "could read" in error.message
    assert uses_service(query)


def test_a_target_the_engine_could_read_as_silent_then_another_name_must_be_allowed_both_ways():
    # Oxigraph tries SERVICE SILENT first, so it reads "SERVICE silent:x" as SERVICE SILENT :x.
    allowed = ("http://allowed.example/x",)
    query = "PREFIX silent: <http://allowed.example/> SELECT * { SERVICE silent:x { ?s ?p ?o } }"
    refuse_service(query, allowed)
    error = refused(refuse_service, f"PREFIX : <{EVIL}/> " + query, allowed)
    assert f"SERVICE {EVIL}/x is not allowed" in error.message


def test_each_less_than_looks_for_an_iri_from_its_own_place():
    assert "could start an IRI" in refused(tokenize, "SELECT * { FILTER(?a<?b&&?c<#\\u+041>) }").message


# query form

@pytest.mark.parametrize("text,form,kind", [
    ("PREFIX ask: <http://example.org/> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT", "graph"),
    ("PREFIX construct: <http://example.org/> SELECT * WHERE { ?s ?p ?o }", "SELECT", "bindings"),
    ("# SELECT\nBASE <http://x/> PREFIX select: <http://y/> ask { }", "ASK", "boolean"),
    ("PREFIX : <http://x/> DESCRIBE :a", "DESCRIBE", "graph"),
    ("SELECT ('ASK' AS ?x) {}", "SELECT", "bindings"),
    ("INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", None, "bindings"),
])
def test_the_query_form_is_the_first_keyword_after_the_prologue(text, form, kind):
    assert query_form(text) == form
    assert query_kind(text) == kind


def test_names_dataset_sees_from_only_as_a_keyword():
    assert names_dataset("SELECT * FROM <http://x/g> { ?s ?p ?o }")
    assert not names_dataset("SELECT * { ?s ?p 'FROM' } # FROM <g>")


# LOAD

def test_an_update_of_load_silent_only_becomes_empty():
    assert refuse_fetching_update(f"{RDF} LOAD SILENT <{EVIL}> INTO GRAPH <http://example.org/g>") == ""
    assert refuse_fetching_update(f"LOAD SILENT <{EVIL}> ; LOAD silent <{EVIL}> ;") == ""


@pytest.mark.parametrize("update,kept", [
    (f"LOAD SILENT <{EVIL}> ; INSERT DATA {{ <a:s> <a:p> 'LOAD' }}", " INSERT DATA { <a:s> <a:p> 'LOAD' }"),
    (f"INSERT DATA {{ <a:s> <a:p> <a:o> }} ; LOAD SILENT <{EVIL}>", "INSERT DATA { <a:s> <a:p> <a:o> } ; "),
    (f"CLEAR ALL ; LOAD SILENT <{EVIL}> INTO GRAPH <a:g> ; CLEAR ALL", "CLEAR ALL ;  CLEAR ALL"),
    ("PREFIX e: <http://127.0.0.1:9/> LOAD SILENT e:x ; DROP ALL", "PREFIX e: <http://127.0.0.1:9/>  DROP ALL"),
])
def test_load_silent_operations_are_taken_out(update, kept):
    assert refuse_fetching_update(update) == kept
    assert drop_silent_loads(update) == kept


def test_an_update_without_load_is_returned_as_it_is():
    update = "INSERT DATA { <a:s> <a:p> 'LOAD <http://127.0.0.1:9/>' } # LOAD"
    assert refuse_fetching_update(update) is update


@pytest.mark.parametrize("update", [
    f"LOAD <{EVIL}>",
    f"{RDF} LOAD <{EVIL}> INTO GRAPH <http://example.org/g>",
    f"INSERT DATA {{ <a:s> <a:p> <a:o> }} ; load <{EVIL}>",
    f"LOAD SILENT <{EVIL}> <{EVIL}>",
    f"INSERT DATA {{ <a:s> <a:p> <a:o> }} LOAD SILENT <{EVIL}>",
    f"PREFIX : <{EVIL}> load:x",
    f"PREFIX ex: <{EVIL}> LOADSILENTex:x",
])
def test_any_other_load_is_refused(update):
    error = refused(refuse_fetching_update, update)
    assert error.title == "Update refused" and "never fetches URLs" in error.message


# nesting

@pytest.mark.parametrize("open_,close", [("{", "}"), ("(", ")"), ("[ ?p ", " ]")])
def test_brackets_nested_deeper_than_the_limit_are_refused(open_, close):
    def text(n):
        inner = {"{": "", "(": "1", "[ ?p ": "1"}[open_]
        head = {"{": "SELECT * WHERE ", "(": "SELECT * WHERE { FILTER", "[ ?p ": "SELECT * WHERE { ?s ?p "}[open_]
        tail = "" if open_ == "{" else " }"
        return head + open_ * n + inner + close * n + tail

    refuse_service(text(MAX_NESTING - 1), ())
    for n in (MAX_NESTING + 1, 10_000):
        error = refused(refuse_service, text(n))
        assert error.title == "Query too deeply nested" and f"nest {n + (open_ != '{')} deep" in error.message
    assert refused(refuse_fetching_update, "INSERT DATA " + "{" * 10_000 + "}" * 10_000).title == \
        "Query too deeply nested"


def test_long_chains_count_towards_depth():
    def unions(n):
        return "SELECT * WHERE { " + "{ } UNION " * n + "{ } }"

    refuse_service(unions(MAX_DEPTH // 3), ())
    assert "reach a depth of" in refused(refuse_service, unions(MAX_DEPTH)).message
    assert refused(refuse_service, "SELECT * { FILTER(" + "true && " * 5000 + "true) }").title == \
        "Query too deeply nested"


def test_check_nesting_takes_its_limits():
    check_nesting("SELECT * { { } }", 2)
    assert refused(check_nesting, "SELECT * { { { } } }", 2).title == "Query too deeply nested"


# USING from the protocol

def test_with_using_adds_using_clauses_before_where_of_modify_operations():
    update = ("INSERT DATA { <a:s> <a:p> 'WHERE' } ; DELETE { ?s ?p ?o } WHERE { ?s ?p ?o } ; "
              "DELETE WHERE { ?s ?p ?o }")
    assert with_using(update, ["http://g/1"], ["http://g/2"]) == (
        "INSERT DATA { <a:s> <a:p> 'WHERE' } ; DELETE { ?s ?p ?o } USING <http://g/1> USING NAMED <http://g/2> "
        "WHERE { ?s ?p ?o } ; DELETE WHERE { ?s ?p ?o }")
    for own in ("WITH <http://g/3> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
                "DELETE { ?s ?p ?o } USING <http://g/3> WHERE { ?s ?p ?o }"):
        assert refused(with_using, own, ["http://g/1"], []).title == "Bad request"
    assert refused(with_using, update, ["not an iri"], []).title == "Bad request"


# fuzzing: whatever precedes a SERVICE call, built from pieces that have fooled text checks, the call is refused

_NAMESPACES = ["http://example.org/#", "http://example.org/it's#", "http://x/a'b\\u0023", "http://x/(a)[b]?q=1",
               "urn:x:y#", "http://x/caf\\u00e9/"]
_TEXT = st.text(alphabet="ab #'\"<>{}()\\\nSERVICE:?$.;\u00e9", max_size=20)


def _literal(content, quote):
    escaped = content.replace("\\", "\\\\")
    if len(quote) == 1:
        escaped = escaped.replace(quote, "\\" + quote).replace("\n", "\\n")
    else:
        escaped = escaped.replace(quote[0], "\\" + quote[0])
    return quote + escaped + quote


_LITERALS = st.builds(_literal, _TEXT, st.sampled_from(["'", '"', "'''", '"""']))
_IRIS = st.sampled_from(["<http://example.org/#>", "<http://x/it's>", "<http://x/a#b'c>", "<http://x/\\u0023a>",
                         "<http://x/(a)[b]>", "<http://x/caf\\u00E9>"])
_NAMES = st.builds(lambda n, local: f"h{n}:{local}", st.integers(0, len(_NAMESPACES) - 1),
                   st.sampled_from(["a", "b\\#c", "d\\'e", "%41f", "g.h", "SERVICE", "x_1", "\\(y\\)"]))
_TERMS = st.one_of(_LITERALS, _IRIS, _NAMES, st.sampled_from(["?service", "?load", "_:b", "[]", "()", "1.5", "-2"]))
_GAPS = st.sampled_from([" ", "\n", "\t", " # SERVICE <x> { '\"\n", "#'''\n"])
_PIECES = st.lists(st.tuples(_TERMS, _GAPS), max_size=8).map(lambda pieces: "".join(t + g for t, g in pieces))


@settings(max_examples=300, deadline=None, database=None)
@given(_PIECES, _PIECES, st.sampled_from([f"<{EVIL}>", "svc:sparql", f"SILENT <{EVIL}>", "silent svc:sparql"]),
       st.sampled_from(["SERVICE", "service", "SeRvIcE"]), _GAPS, _LITERALS)
def test_fuzz_a_service_call_after_hostile_pieces_is_always_refused(before, after, target, keyword, gap, literal):
    prologue = "".join(f"PREFIX h{i}: <{ns}>{gap}" for i, ns in enumerate(_NAMESPACES))
    prologue += f"PREFIX svc: <http://127.0.0.1:9/>{gap}"
    head, tail = f"{prologue}SELECT * WHERE {{{gap}{before}", f"{gap}{after}}}"
    refuse_service(head + tail, ())  # the pieces alone are read, and call nothing
    query = f"{head}{keyword}{gap}{target}{gap}{{ ?s ?p ?o }}{tail}"
    assert refused(refuse_service, query).title == "Query refused"
    update = query.replace("SELECT * WHERE", "INSERT { ?s ?p ?o } WHERE", 1)
    assert refused(refuse_fetching_update, update).title == "Query refused"
    load = f"{prologue}LOAD{gap}<{EVIL}>{gap};{gap}INSERT DATA {{ <a:s> <a:p> {literal} }}"
    assert refused(refuse_fetching_update, load).title == "Update refused"
    kept = refuse_fetching_update(load.replace("LOAD", "LOAD SILENT", 1))
    assert kept.startswith(prologue) and kept.endswith(f"INSERT DATA {{ <a:s> <a:p> {literal} }}")
    assert EVIL not in kept.split("INSERT DATA")[0]
