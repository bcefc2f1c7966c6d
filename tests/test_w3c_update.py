"""The W3C SPARQL 1.1 Update manifests through /sparql of one real `geokg serve`, judged against `oxigraph serve`.

One geokg server process, started with a write token and the store's own default graph (no union, as
the specification has it), runs every test in turn: each test resets the store through the protocol,
so nothing is restarted between tests. A real `oxigraph serve` runs the same tests through the same
runner (tests/w3c_update_runner.py, which says how each kind of test is judged). Every test oxigraph
serve passes must pass on geokg, apart from the LOAD tests below. Counts go to tests/output/w3c-update.txt.
"""

from pathlib import Path

import pytest

from w3c_update_runner import geokg_server, load_cases, oxigraph_server, report, run_all

OUTPUT = Path(__file__).parent / "output"
CASES = load_cases()
# Positive syntax tests whose update is a LOAD of remote data without SILENT. geokg refuses LOAD before
# parsing, by design: it never fetches a URL a request names. oxigraph serve parses them and then fails
# to fetch, which counts as parsed.
REFUSED_BY_DESIGN = {
    "syntax-update-1/test_1",
    "syntax-update-1/test_2",
    "syntax-update-1/test_3",
    "syntax-update-1/test_4",
    "syntax-update-1/test_37",
}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    results = {}
    with geokg_server(tmp_path_factory.mktemp("geokg")) as geokg:
        results["geokg serve"] = run_all(geokg, CASES)
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as oxigraph:
        results["oxigraph serve"] = run_all(oxigraph, CASES)
    lines = report(CASES, results)
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "w3c-update.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return results["geokg serve"], results["oxigraph serve"]


def test_refused_tests_are_loads_of_remote_data():
    by_id = {case.id: case for case in CASES}
    for name in REFUSED_BY_DESIGN:
        case = by_id[name]
        text = case.request.read_text(encoding="utf-8").upper()
        assert case.kind == "positive syntax" and "LOAD <" in text and "SILENT" not in text, name


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_update_manifest(case, outcomes):
    geokg, oxigraph = outcomes
    if case.id in REFUSED_BY_DESIGN:
        assert geokg[case.id].passed or "LOAD" in geokg[case.id].detail, geokg[case.id].detail
        return
    if not oxigraph[case.id].passed:
        pytest.skip(f"oxigraph serve fails it too: {oxigraph[case.id].detail}")
    assert geokg[case.id].passed, f"{case.kind} test: {geokg[case.id].detail}"
