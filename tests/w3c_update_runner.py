"""The W3C SPARQL 1.1 Update manifests, run against a live SPARQL server over HTTP only.

The same runner drives `geokg serve` (/sparql with the write token) and `oxigraph serve` (/update and
/query), so the two are judged by one harness. Run directly, `python tests/w3c_update_runner.py`
starts both on loopback and prints the pass counts per manifest; tests/test_w3c_update.py asserts on them.

How a test is judged, and what the protocol lets the harness observe:

- Evaluation tests: one update puts the test's dataset in place (DROP SILENT ALL, CREATE GRAPH for
  every named graph, INSERT DATA of all triples), so the store is reset without a restart; the
  test's request follows, then one SELECT reads the whole dataset back. The request must succeed and
  the dataset must be isomorphic to the expected one, blank nodes shared across graphs included. The
  set of named graphs must match too, empty ones included: `GRAPH ?g {}` lists a graph that exists
  with no triples (CREATE GRAPH, CLEAR), so the W3C results' empty graphs are observable and checked.
- Positive syntax tests run on an empty store and pass when the server parsed the update: a 2xx, or
  the error the server gives when evaluating a parsed update fails on the empty store (a DROP of a
  missing graph, a LOAD that cannot fetch). That error is 404 or 409 on geokg and 500 on oxigraph
  serve, which answers every evaluation error with 500 and every syntax error with 400.
- Negative syntax tests must be answered 400.

Each request states its file's IRI as BASE, as a W3C harness does for a remote endpoint, so relative
IRIs such as <graph> mean the same on both servers rather than resolving against their own URLs.
"""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import requests
from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from geokg.ontology import ONTOLOGY_IRI

W3C = Path(__file__).parent / "w3c"
W3C_BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/"
SUITES = ("add", "basic-update", "clear", "copy", "delete", "delete-data", "delete-insert", "delete-where", "drop",
          "move", "update-silent", "syntax-update-1", "syntax-update-2")
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
KINDS = {
    MF.UpdateEvaluationTest: "evaluation",
    MF.PositiveUpdateSyntaxTest11: "positive syntax",
    MF.NegativeUpdateSyntaxTest11: "negative syntax",
    # delete-insert files its bad updates (blank nodes in DELETE templates) under the query syntax type.
    MF.NegativeSyntaxTest11: "negative syntax",
}
# geokg keeps its ontology in a graph of its own, installed when the server starts; it is no part of any test.
IGNORED_GRAPHS = {ONTOLOGY_IRI}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
DEFAULT_GRAPH = URIRef("urn:x-w3c-update-runner:default-graph")
QUAD_GRAPH = URIRef("urn:x-w3c-update-runner:graph")
DUMP = "SELECT ?g ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } UNION { GRAPH ?g { } } }"
REQUEST_SECONDS = 20
SERVER_BUDGET_SECONDS = 150


@dataclass(frozen=True)
class GraphFile:
    graph: str | None  # None: the default graph
    path: Path
    iri: str


@dataclass(frozen=True)
class Case:
    id: str
    suite: str
    kind: str
    request: Path
    request_iri: str
    before: tuple[GraphFile, ...] = ()
    after: tuple[GraphFile, ...] = ()


@dataclass(frozen=True)
class Outcome:
    passed: bool
    detail: str = ""


def _local(iri, suite: str) -> Path:
    prefix = W3C_BASE + suite + "/"
    if not str(iri).startswith(prefix):
        raise ValueError(f"{iri} is not a file of the {suite} manifest")
    return W3C / suite / str(iri)[len(prefix):]


def _graph_files(g: Graph, node, suite: str) -> tuple[GraphFile, ...]:
    files = [GraphFile(None, _local(data, suite), str(data)) for data in g.objects(node, UT.data)]
    for spec in g.objects(node, UT.graphData):
        data = g.value(spec, UT.graph)
        files.append(GraphFile(str(g.value(spec, RDFS.label)), _local(data, suite), str(data)))
    return tuple(files)


def load_cases(suites=SUITES) -> list[Case]:
    """Every test of the manifests, in manifest order."""
    cases = []
    for suite in suites:
        g = Graph().parse(W3C / suite / "manifest.ttl", format="turtle", publicID=f"{W3C_BASE}{suite}/manifest.ttl")
        head = next(g.subjects(RDF.type, MF.Manifest))
        for test in Collection(g, g.value(head, MF.entries)):
            kinds = {KINDS[t] for t in g.objects(test, RDF.type) if t in KINDS}
            if len(kinds) != 1:
                raise ValueError(f"{test} has no single known test type: {list(g.objects(test, RDF.type))}")
            kind = kinds.pop()
            name = f"{suite}/{str(test).rsplit('#', 1)[-1]}"
            action = g.value(test, MF.action)
            if kind == "evaluation":
                request = g.value(action, UT.request)
                cases.append(Case(name, suite, kind, _local(request, suite), str(request),
                                  _graph_files(g, action, suite), _graph_files(g, g.value(test, MF.result), suite)))
            else:
                cases.append(Case(name, suite, kind, _local(action, suite), str(action)))
    return cases


def _parse(file: GraphFile) -> list:
    return list(ox.parse(path=str(file.path), format=ox.RdfFormat.TURTLE, base_iri=file.iri))


def setup_update(files: tuple[GraphFile, ...]) -> str:
    """One update that empties the store and writes the files' graphs, named graphs created even when empty."""
    parts = ["DROP SILENT ALL"]
    parts += [f"CREATE GRAPH <{name}>" for name in dict.fromkeys(f.graph for f in files if f.graph is not None)]
    blocks = []
    for file in files:
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in _parse(file)]
        if not triples:
            continue
        text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        blocks.append(text if file.graph is None else f"GRAPH <{file.graph}> {{\n{text}}}")
    if blocks:
        parts.append("INSERT DATA {\n" + "\n".join(blocks) + "\n}")
    return " ;\n".join(parts)


def _term(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        # normalize=False: a server that rewrote "01"^^xsd:integer to "1" changed the data, and must not pass.
        if term.language:
            return Literal(term.value, lang=term.language, normalize=False)
        if term.datatype.value == XSD_STRING:
            return Literal(term.value, normalize=False)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    raise TypeError(f"unexpected term {term!r}")


@dataclass(frozen=True)
class Dataset:
    quads: frozenset  # (graph IRI or None, s, p, o) as rdflib terms
    graphs: frozenset  # named graph IRIs, empty ones included

    def encoded(self) -> Graph:
        """The quads as one graph, each quad a blank node, so rdflib's graph isomorphism is dataset isomorphism."""
        out = Graph()
        for graph, s, p, o in self.quads:
            quad = BNode()
            out.add((quad, RDF.subject, s))
            out.add((quad, RDF.predicate, p))
            out.add((quad, RDF.object, o))
            out.add((quad, QUAD_GRAPH, DEFAULT_GRAPH if graph is None else URIRef(graph)))
        return out


def expected_dataset(files: tuple[GraphFile, ...]) -> Dataset:
    quads = set()
    for file in files:
        for q in _parse(file):
            quads.add((file.graph, _term(q.subject), _term(q.predicate), _term(q.object)))
    return Dataset(frozenset(quads), frozenset(f.graph for f in files if f.graph is not None))


def dataset_from_results(body: bytes) -> Dataset:
    quads, graphs = set(), set()
    for row in ox.parse_query_results(body, ox.QueryResultsFormat.JSON):
        graph = row["g"].value if row["g"] is not None else None
        if graph in IGNORED_GRAPHS:
            continue
        if graph is not None:
            graphs.add(graph)
        if row["s"] is not None:
            quads.add((graph, _term(row["s"]), _term(row["p"]), _term(row["o"])))
    return Dataset(frozenset(quads), frozenset(graphs))


def _quad_text(quad) -> str:
    graph, s, p, o = quad
    return f"{s.n3()} {p.n3()} {o.n3()}" + (f" <{graph}>" if graph else "")


def _per_graph(d: Dataset) -> dict:
    return dict(sorted(Counter(g or "default" for g, *_ in d.quads).items()))


def _ground(d: Dataset) -> set[str]:
    return {_quad_text(q) for q in d.quads if not any(isinstance(t, BNode) for t in q[1:])}


def _some(label: str, quads: set[str]) -> list[str]:
    if not quads:
        return []
    shown = sorted(quads)
    return [f"{label}: " + "; ".join(shown[:4]) + (" ..." if len(shown) > 4 else "")]


def difference(want: Dataset, got: Dataset) -> str | None:
    """None when the datasets are the same up to blank node names, else what differs."""
    problems = []
    if want.graphs != got.graphs:
        problems.append(f"named graphs: expected {sorted(want.graphs)}, got {sorted(got.graphs)}")
    if len(want.quads) != len(got.quads) or not isomorphic(want.encoded(), got.encoded()):
        problems.append(f"the quads are not isomorphic: per graph expected {_per_graph(want)}, got {_per_graph(got)}")
        problems += _some("missing", _ground(want) - _ground(got)) + _some("unexpected", _ground(got) - _ground(want))
    return " | ".join(problems) or None


@dataclass
class Endpoint:
    """A live server: where updates and queries go, and which error statuses mean "parsed, failed to run"."""

    name: str
    update_url: str
    query_url: str
    token: str | None
    evaluation_errors: tuple[int, ...]
    process: subprocess.Popen | None = None
    log: Path | None = None

    def __post_init__(self):
        self.session = requests.Session()

    def _headers(self, content_type: str) -> dict:
        headers = {"Content-Type": content_type}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def update(self, text: str) -> tuple[int, str]:
        response = self.session.post(self.update_url, data=text.encode("utf-8"), timeout=REQUEST_SECONDS,
                                     headers=self._headers("application/sparql-update; charset=utf-8"))
        return response.status_code, response.text

    def dump(self) -> tuple[int, bytes]:
        headers = {**self._headers("application/sparql-query"), "Accept": "application/sparql-results+json"}
        response = self.session.post(self.query_url, data=DUMP.encode("utf-8"), headers=headers,
                                     timeout=REQUEST_SECONDS)
        return response.status_code, response.content

    def exited(self) -> str | None:
        if self.process is None or self.process.poll() is None:
            return None
        tail = self.log.read_text(errors="replace")[-600:] if self.log and self.log.exists() else ""
        return f"{self.name} exited with code {self.process.returncode}: {tail}"


def _said(body: str) -> str:
    return " ".join(body.split())[:300]


def run_case(endpoint: Endpoint, case: Case) -> Outcome:
    try:
        status, body = endpoint.update(setup_update(case.before))
        if not 200 <= status < 300:
            return Outcome(False, f"setting up the dataset was answered {status}: {_said(body)}")
        request = f"BASE <{case.request_iri}>\n" + case.request.read_text(encoding="utf-8")
        status, body = endpoint.update(request)
        if case.kind == "negative syntax":
            return Outcome(status == 400, f"answered {status}: {_said(body)}")
        if case.kind == "positive syntax":
            parsed = 200 <= status < 300 or status in endpoint.evaluation_errors
            return Outcome(parsed, f"answered {status}: {_said(body)}")
        if not 200 <= status < 300:
            return Outcome(False, f"the update was answered {status}: {_said(body)}")
        status, body = endpoint.dump()
        if status != 200:
            said = _said(body.decode("utf-8", errors="replace"))
            return Outcome(False, f"reading the dataset back was answered {status}: {said}")
        problem = difference(expected_dataset(case.after), dataset_from_results(body))
        return Outcome(problem is None, problem or "")
    except requests.RequestException as exc:
        return Outcome(False, f"no answer: {exc.__class__.__name__}: {exc}")


def run_all(endpoint: Endpoint, cases: list[Case], budget: float = SERVER_BUDGET_SECONDS) -> dict[str, Outcome]:
    """Every case in order on one server, never restarted; a dead or too slow server fails the rest at once."""
    outcomes, deadline = {}, time.monotonic() + budget
    for case in cases:
        dead = endpoint.exited()
        if dead:
            outcomes[case.id] = Outcome(False, f"not run: {dead}")
        elif time.monotonic() > deadline:
            outcomes[case.id] = Outcome(False, f"not run: {endpoint.name} used up its {budget:g} s")
        else:
            outcomes[case.id] = run_case(endpoint, case)
    return outcomes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(endpoint: Endpoint, url: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        dead = endpoint.exited()
        if dead:
            raise RuntimeError(dead)
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{endpoint.name} did not answer at {url} within {seconds:g} s")


@contextlib.contextmanager
def _server(endpoint: Endpoint, command: list[str], env: dict, ready_url: str):
    with open(endpoint.log, "wb") as log:
        endpoint.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait(endpoint, ready_url)
        yield endpoint
    finally:
        endpoint.session.close()
        endpoint.process.terminate()
        try:
            endpoint.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            endpoint.process.kill()
            endpoint.process.wait()


@contextlib.contextmanager
def geokg_server(directory: Path, token: str = "w3c-update-token"):
    """`geokg serve` on a new store, writable with ``token``; the default graph is the store's own (no union)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    endpoint = Endpoint("geokg serve", url + "/sparql", url + "/sparql", token, (404, 409), log=directory / "geokg.log")
    env = {**os.environ, "GEOKG_WRITE_TOKEN": token, "GEOKG_NO_UNION_DEFAULT_GRAPH": "1"}
    command = [sys.executable, "-m", "geokg", "serve", "--create", "--store", str(directory / "geokg-store"),
               "--host", "127.0.0.1", "--port", str(port)]
    with _server(endpoint, command, env, url + "/health") as running:
        yield running


@contextlib.contextmanager
def oxigraph_server(directory: Path):
    """`oxigraph serve` (the PyPI oxigraph package's server) on a new store."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    endpoint = Endpoint("oxigraph serve", url + "/update", url + "/query", None, (500,), log=directory / "oxigraph.log")
    command = ["oxigraph", "serve", "--location", str(directory / "oxigraph-store"), "--bind", f"127.0.0.1:{port}"]
    with _server(endpoint, command, dict(os.environ), url + "/") as running:
        yield running


def report(cases: list[Case], results: dict[str, dict[str, Outcome]]) -> list[str]:
    """Pass counts per manifest for each server, then every failure with its reason."""
    names = list(results)
    lines = [f"W3C SPARQL 1.1 Update tests: {len(cases)} run on each server, none restarted between tests",
             f"  {'manifest':<16} {'tests':>5} " + " ".join(f"{n:>15}" for n in names)]
    for suite in SUITES + ("all",):
        ids = [c.id for c in cases if suite in ("all", c.suite)]
        counts = [sum(results[n][i].passed for i in ids) for n in names]
        lines.append(f"  {suite:<16} {len(ids):>5} " + " ".join(f"{c:>15}" for c in counts))
    for name in names:
        failed = [(c.id, results[name][c.id].detail) for c in cases if not results[name][c.id].passed]
        lines.append(f"{name} fails {len(failed)}:")
        lines += [f"  {i}: {detail}" for i, detail in failed]
    return lines


def main() -> int:
    cases = load_cases()
    results = {}
    with tempfile.TemporaryDirectory(prefix="w3c-update-") as tmp:
        with geokg_server(Path(tmp)) as geokg:
            results["geokg serve"] = run_all(geokg, cases)
        with oxigraph_server(Path(tmp)) as oxigraph:
            results["oxigraph serve"] = run_all(oxigraph, cases)
    print("\n".join(report(cases, results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
