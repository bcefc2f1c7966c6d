"""Proof that no query or update geokg accepts makes the engine call out (SSRF).

Every query and update of the W3C SPARQL 1.1 syntax suites (tests/w3c/syntax-*, positive and negative)
is run through a real embedded store in many variants: with a SERVICE call to a loopback listener in
its first group or WHERE clause, with LOAD and LOAD SILENT of a loopback URL before and after it, and
behind the pieces that fooled the old regular expressions (an IRI with '#' or a quote, escapes,
strings, comments) or that Oxigraph reads in its own way (keywords glued to names, '<' before '#').
The listener counts the connections it accepts and must count none. It is no deaf listener: the same
calls made on pyoxigraph directly reach it.
"""

import random
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, RDF
from rdflib.collection import Collection

from geokg.loaders.errors import GeokgError, StoreError
from geokg.store.querytext import refuse_fetching_update, refuse_service
from geokg.store.sparqllex import tokenize
from geokg.store import OxigraphStore
from tests.conftest import Listener

W3C = Path(__file__).parent / "w3c"
FOLDERS = ("syntax-query", "syntax-update-1", "syntax-update-2", "syntax-fed")
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")

# Positive syntax tests the check refuses, and why: each calls out on purpose.
CALLS_OUT = {
    "syntax-update-01.ru": "LOAD <http://example.org/faraway>: geokg never fetches a URL",
    "syntax-update-02.ru": "LOAD <http://example.org/faraway>: geokg never fetches a URL",
    "syntax-update-03.ru": "LOAD <http://example.org/faraway>: geokg never fetches a URL",
    "syntax-update-04.ru": "LOAD <http://example.org/faraway> INTO GRAPH: geokg never fetches a URL",
    "syntax-update-37.ru": "LOAD <remote> INTO GRAPH <g>: geokg never fetches a URL",
    "syntax-service-01.rq": "SERVICE <g>: not on the (empty) allowlist",
    "syntax-service-02.rq": "SERVICE <g>: not on the (empty) allowlist",
    "syntax-service-03.rq": "SERVICE SILENT <g>: not on the (empty) allowlist",
}


def syntax_tests() -> list[tuple[Path, bool, bool]]:
    """(file, is an update, is a positive test) for every entry of the four manifests."""
    tests = []
    for folder in FOLDERS:
        path = (W3C / folder / "manifest.ttl").resolve()
        g = Graph().parse(path, format="turtle", publicID=path.as_uri())
        head = next(g.subjects(RDF.type, MF.Manifest))
        for test in Collection(g, g.value(head, MF.entries)):
            kind = str(g.value(test, RDF.type)).rsplit("#", 1)[-1]
            tests.append((Path(unquote(urlsplit(str(g.value(test, MF.action))).path)), "Update" in kind,
                          kind.startswith("Positive")))
    return tests


TESTS = syntax_tests()


@pytest.fixture(scope="module")
def listener():
    listening = Listener()
    yield listening
    listening.close()


def hostile_pieces(url: str) -> dict[str, tuple[str, str]]:
    """Name -> (prologue, text before the call in its group): the shapes that hid calls from text checks."""
    return {
        "plain": ("", ""),
        "hash-prefix": ("PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n", ""),
        "quote-prefix": ("PREFIX geokgq: <http://example.org/it's>\n", ""),
        "escape-prefix": ("PREFIX geokge: <http://example.org/a\\u0023b>\n", ""),
        "comment": ("# { SERVICE ' \" <\n", ""),
        "hash-values": ("", "VALUES ?geokg_v { <http://example.org/#> } "),
        "quote-iri": ("", "BIND(<http://example.org/it's> AS ?geokg_i) "),
        "strings": ("", "BIND(\"a'b#c\" AS ?geokg_s1) BIND('''x\"y\n#z''' AS ?geokg_s2) "),
        "less-than-hash": ("", "FILTER(?geokg_a<?geokg_b#> \"\"\"\n) "),
        "escaped-keyword": ("", "BIND(1 AS ?geokg_e) SERV\\u0049CE <" + url + "/e> { ?s ?p ?o } "),
        "glued-keyword": (f"PREFIX geokgsvc: <{url}/>\n", "SERVICEgeokgsvc:glued { ?s ?p ?o } "),
        "silent-glued": (f"PREFIX geokgsvc: <{url}/>\n", "SERVICE SILENTgeokgsvc:glued { ?s ?p ?o } "),
    }


def query_variants(text: str, url: str) -> list[str]:
    call = f"SERVICE <{url}/sparql> {{ ?s ?p ?o }} "
    first = text.find("{")
    variants = [text]
    for prologue, before in hostile_pieces(url).values():
        for service in (call, call.replace("SERVICE", "SERVICE SILENT", 1)):
            inside = text[:first + 1] + " " + before + service + text[first + 1:] if first >= 0 else text
            variants.append(prologue + inside)
    return variants


def update_variants(text: str, url: str) -> list[str]:
    body = text.rstrip()
    joined = body if body.endswith(";") else body + " ;"
    where = re.search(r"WHERE\s*\{", text, re.IGNORECASE)
    variants = [text]
    for prologue, before in hostile_pieces(url).values():
        for load in (f"LOAD <{url}/x> INTO GRAPH <http://example.org/g>", f"LOAD SILENT <{url}/x>",
                     f"LOAD SILENT <{url}/x> INTO GRAPH <http://example.org/g>", f"load <{url}/x>"):
            variants.append(f"{prologue}{load} ;\n{text}")
            variants.append(f"{prologue}{joined}\n{load}")
        call = f"SERVICE <{url}/sparql> {{ ?s ?p ?o }} "
        if where:
            at = where.end()
            variants.append(prologue + text[:at] + " " + before + call + text[at:])
        variants.append(f"{prologue}{joined}\nINSERT {{ <http://example.org/s> <http://example.org/p> ?o }} "
                        f"WHERE {{ {before}{call}}}")
    return variants


def corpus(url: str) -> list[tuple[str, bool]]:
    out = []
    for path, update, _ in TESTS:
        text = path.read_text(encoding="utf-8")
        out.extend((v, update) for v in (update_variants if update else query_variants)(text, url))
    return out


def through_geokg(store: OxigraphStore, text: str, update: bool) -> str:
    """"ran", or the title of the error geokg answered with."""
    try:
        if update:
            store.update(text)
        else:
            store.query(text).rows()
    except GeokgError as error:
        return error.title
    return "ran"


def test_the_manifests_list_every_query_and_update_of_the_suites():
    on_disk = {p.resolve() for folder in FOLDERS for p in (W3C / folder).iterdir() if p.suffix in (".rq", ".ru")}
    assert {path.resolve() for path, _, _ in TESTS} == on_disk and len(on_disk) == 152


def test_no_variant_of_the_syntax_suites_reaches_the_listener(listener):
    url = f"http://127.0.0.1:{listener.port}"
    variants = corpus(url)
    assert len(variants) > 8000
    store = OxigraphStore(None)
    before = listener.connections
    outcomes = [(text, through_geokg(store, text, update)) for text, update in variants]
    assert listener.settled() - before == 0
    # The check refuses what calls out and lets the rest through: LOAD SILENT updates run, as nothing.
    ran_silent = [text for text, outcome in outcomes if outcome == "ran" and "LOAD SILENT" in text]
    assert len(ran_silent) > 100
    assert {outcome for text, outcome in outcomes if f"SERVICE <{url}/sparql>" in text} >= {"Query refused"}
    assert "ran" not in {outcome for text, outcome in outcomes if f"SERVICE <{url}/sparql>" in text}


def test_the_corpus_would_call_out_without_the_check(listener):
    """The variants are live: run on pyoxigraph itself, thousands of them reach the listener."""
    url = f"http://127.0.0.1:{listener.port}"
    before = listener.connections
    reached = 0
    for text, update in corpus(url):
        if re.search(r"faraway|remote|SERVICE <g>|SERVICE SILENT <g>", text):
            continue  # the suites' own LOAD and SERVICE name hosts that are not ours
        store = ox.Store()
        counted = listener.connections
        try:
            store.update(text) if update else list(store.query(text) or [])
        except (SyntaxError, OSError, RuntimeError, ValueError, TypeError):
            pass
        reached += listener.connections != counted
    variants = len(corpus(url))
    assert listener.settled() - before > variants // 4
    assert reached > variants // 4


def test_a_direct_pyoxigraph_service_call_does_reach_the_listener(listener):
    before = listener.connections
    try:
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> "
                              "{ ?s ?p ?o } }"))
    except OSError:
        pass
    assert listener.settled() - before >= 1


def test_every_positive_syntax_test_passes_the_check_unless_it_calls_out():
    refused = {}
    for path, update, positive in TESTS:
        if not positive:
            continue
        text = path.read_text(encoding="utf-8")
        tokenize(text)
        try:
            (refuse_fetching_update if update else refuse_service)(text, ())
        except StoreError as error:
            refused[path.name] = error.title
    assert sorted(refused) == sorted(CALLS_OUT)
    assert {refused[name] for name in CALLS_OUT if name.endswith(".ru")} == {"Update refused"}
    assert {refused[name] for name in CALLS_OUT if name.endswith(".rq")} == {"Query refused"}


def test_the_suites_loads_made_silent_are_dropped_and_their_services_pass_when_allowed():
    for path, update, _ in TESTS:
        if path.name not in CALLS_OUT:
            continue
        text = path.read_text(encoding="utf-8")
        if update:
            kept = refuse_fetching_update(re.sub(r"\bLOAD\b", "LOAD SILENT", text), ())
            assert "LOAD" not in kept and len(kept) < len(text)
        else:
            refuse_service("BASE <http://allowed.example/> " + text, ("http://allowed.example/g",))


class HostileQueries:
    """Random queries shaped like SPARQL, from pieces that have made text checks and Oxigraph disagree:
    IRIs with '#' or quotes, strings holding calls, comments, glued keywords, '<' next to operands."""

    def __init__(self, rng: random.Random, evil: str, allowed: str):
        self.rng, self.evil, self.allowed = rng, evil, allowed
        self.gaps = ["", " ", " ", "\n", "\t", " # c '''\"\"\" <x> SERVICE\n", "#{\n", " #'\n",
                     f"# SERVICE <{evil}s> {{?s ?p ?o}}\n"]
        self.iris = ["<http://example.org/#>", "<http://x/it's>", "<http://x/a#b'c>", "<#\\u+041>", "<x#y>", "<?b#>",
                     "<http://x/\\u0023a>", "<http://x/(a)>", "<http://x/[a]>", "<#a>", "<\\u0068ttp://x/>"]
        self.names = ["ex:a", "ex:a.b", "ex:\\#", "ex:1", "ex:", "y:", ":", ":x", "ex:a.b.c", "ab:c", "ex:a\\'b",
                      "ex:SERVICE", "ex:serviceType", "ex:1SERVICEy:a\\#x", "trueSERVICEy:s"]
        self.strings = ['"a#b"', "'a\"b'", '"""x"y\n"z"""', "'''x'y\n''z'''", '"\\""', "'\\''", '"\\\\"', "''",
                        '"\\u0041"', "'#'", f'" }} SERVICE <{evil}s> {{ ?s ?p ?o }} "', "''' } SERVICE y:s {} '''"]
        self.targets = [f"<{evil}s>", "y:s", ":s", f"<\\u0068ttp{evil[4:]}s>", f"<{evil}s#'>", "ok:s", "silent:s",
                        "SILENTy:s", "silenty:s", f"<{allowed}s>", "SILENT:s"]

    def pick(self, options):
        return self.rng.choice(options)

    def gap(self) -> str:
        return self.pick(self.gaps)

    def term(self) -> str:
        kind = self.rng.randrange(7)
        if kind == 0:
            return self.pick(self.iris)
        if kind == 1:
            return self.pick(self.names)
        if kind == 2:
            return self.pick(self.strings) + self.pick(["", "@en", "^^" + self.pick(self.iris)])
        return self.pick(["1", ".5", "-1", "1.e3", "true", "_:b", "[]", "()", "?a", "?b", "$c", "?o"])

    def expression(self, depth: int = 0) -> str:
        kind = self.rng.randrange(8 if depth < 3 else 2)
        if kind <= 1:
            return self.term()
        if kind == 2:
            operator = self.pick(["<", "<=", ">", "=", "&&", "||", "+", "*"])
            return self.expression(depth + 1) + self.gap() + operator + self.gap() + self.expression(depth + 1)
        if kind == 3:
            return "!(" + self.expression(depth + 1) + ")"
        if kind == 4:
            return self.pick(["STR", "ex:fn", "<http://x/fn#>"]) + "(" + self.expression(depth + 1) + ")"
        if kind == 5:
            return self.pick(["EXISTS", "NOT EXISTS"]) + self.gap() + "{" + self.group(depth + 1) + "}"
        return self.expression(depth + 1) + " IN (" + self.expression(depth + 1) + ")"

    def service(self) -> str:
        glued = ["service:s", "SERVICEsilent:s", "SERVICEy:s", "SERVICEok:s", "SERVICE" + self.gap() + "silent:s"]
        if self.rng.random() < 0.3:
            return self.pick(glued)
        keyword = self.pick(["SERVICE", "service", "SERVICE SILENT", "SERVICE" + self.gap() + "SILENT"])
        return keyword + self.gap() + self.pick(self.targets)

    def item(self, depth: int) -> str:
        kind = self.rng.randrange(8 if depth < 3 else 3)
        gap = self.gap
        if kind == 0:
            verb = self.pick(["a", "?p", "<p>/<q>", "(<p>|<q#x>)*", self.pick(self.iris), self.pick(self.names)])
            return self.term() + gap() + verb + gap() + self.term() + gap() + self.pick([".", "", ";"])
        if kind == 1:
            return "FILTER" + gap() + "(" + self.expression() + ")"
        if kind == 2:
            return self.service() + gap() + "{ ?s ?p ?o }"
        if kind == 3:
            return f"BIND({self.expression()} AS ?v{self.rng.randrange(99)})"
        if kind == 4:
            return "VALUES (?x ?y) {(" + self.term() + gap() + self.term() + ")}"
        if kind == 5:
            return "OPTIONAL" + gap() + "{" + self.group(depth + 1) + "}"
        return "{" + self.group(depth + 1) + "}" + gap() + "UNION" + gap() + "{" + self.group(depth + 1) + "}"

    def group(self, depth: int = 0) -> str:
        return self.gap().join(self.item(depth) for _ in range(self.rng.randrange(4)))

    def query(self) -> str:
        base = self.pick(["BASE <http://example.org/>", f"BASE <{self.allowed}>", ""])
        prologue = (f"PREFIX ex: <http://x/#> PREFIX y: <{self.evil}> PREFIX : <{self.evil}> "
                    f"PREFIX ok: <{self.allowed}> PREFIX silent: <{self.allowed}> {base}\n")
        first = self.service() + self.gap() + "{ ?s ?p ?o }" if self.rng.random() < 0.25 else self.group()
        return (f"{prologue}SELECT * WHERE {{{self.gap()}{{{self.group()}}}{self.gap()}UNION{self.gap()}"
                f"{{{self.gap()}{first}{self.gap()}{self.group()}}}{self.gap()}}}")


def test_random_hostile_queries_geokg_accepts_reach_nothing_but_the_allowed_endpoint(listener):
    allowed = Listener()
    evil, ok = f"http://127.0.0.1:{listener.port}/", f"http://127.0.0.1:{allowed.port}/"
    hostile = HostileQueries(random.Random(20261125), evil, ok)
    queries = [hostile.query() for _ in range(3000)]
    store = OxigraphStore(None, service_allow=(ok + "s",))
    before = listener.connections
    outcomes = [through_geokg(store, query, False) for query in queries]
    assert listener.settled() - before == 0
    assert outcomes.count("ran") > 50  # what calls nothing runs
    assert allowed.settled() > 10  # SERVICE to the allowed endpoint is called, however it is spelled
    allowed.close()
    before = listener.connections
    for query in queries:
        try:
            list(ox.Store().query(query))
        except (SyntaxError, OSError, RuntimeError, ValueError, TypeError):
            pass
    assert listener.settled() - before > 50  # the same queries on pyoxigraph alone reach the listener
