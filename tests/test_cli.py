"""The command line, run in-process through main() and once through the installed console script."""

import json
import subprocess
import sys

from rdflib import Dataset

from geokg.server.app import sample_claims
from geokg.server.cli import main

SAMPLE = str(sample_claims()[0])


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def triples(capsys, store):
    code, out, _ = run(capsys, "query", "--store", store, "-f", "json", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert code == 0
    return int(json.loads(out)["results"]["bindings"][0]["n"]["value"])


def test_load_twice_gives_the_same_triple_count(capsys, tmp_path):
    store = str(tmp_path / "store")
    assert run(capsys, "load", "--store", store, SAMPLE)[0] == 0
    first = triples(capsys, store)
    code, out, _ = run(capsys, "load", "--store", store, SAMPLE)
    assert code == 0 and f"{first} triples (was {first})" in out
    assert triples(capsys, store) == first > 500


def test_bad_file_fails_clearly_and_changes_nothing(capsys, tmp_path):
    store = str(tmp_path / "store")
    run(capsys, "load", "--store", store, SAMPLE)
    before = triples(capsys, store)
    bad = tmp_path / "bad.yaml"
    bad.write_text("article: x.txt\nactors:\n- {name: X, type: State}\nrelations:\n"
                   "- {subject: X, predicate: memberOf, object: Y, sentence: s}\n", encoding="utf-8")
    code, _, err = run(capsys, "load", "--store", store, SAMPLE, str(bad))
    assert code == 1
    assert f"{bad}:5: relations[0].object: actor 'Y' is not declared in actors" in err
    assert "nothing was loaded" in err
    assert triples(capsys, store) == before


def test_named_query_with_params_and_export(capsys, tmp_path):
    store = str(tmp_path / "store")
    run(capsys, "load", "--store", store, SAMPLE)
    code, out, _ = run(capsys, "query", "--store", store, "alliance-members",
                       "-p", "alliance=Axis of Resistance", "-p", "asOf=2017-09-23")
    assert code == 0 and "Hizballah" in out and "(4 rows)" in out
    code, out, _ = run(capsys, "query", "--store", store, "-f", "csv", "claims-by", "-p", "claimant=Yahya Sinwar")
    assert code == 0 and "al-Monitor" in out
    code, _, err = run(capsys, "query", "--store", store, "alliance-members")
    assert code == 1 and "needs the parameter 'alliance'" in err
    dump = tmp_path / "dump.trig"
    assert run(capsys, "export", "--store", store, "-f", "trig", "-o", str(dump))[0] == 0
    dataset = Dataset()
    dataset.parse(dump, format="trig")
    assert len(list(dataset.quads())) == triples(capsys, store)


def test_query_from_rq_file(capsys, tmp_path):
    store = str(tmp_path / "store")
    run(capsys, "load", "--store", store, SAMPLE)
    rq = tmp_path / "count.rq"
    rq.write_text("# title: Count alliances\nSELECT (COUNT(*) AS ?n) WHERE { ?a a <https://w3id.org/geokg/ontology#Alliance> }\n")
    code, out, _ = run(capsys, "query", "--store", store, str(rq))
    assert code == 0 and out.splitlines()[2].strip() == "1"


def test_console_script_reports_a_locked_store(tmp_path):
    from geokg.loaders.store import open_store

    store = tmp_path / "store"
    holder = open_store(store)
    result = subprocess.run([sys.executable, "-m", "geokg", "load", "--store", str(store), SAMPLE],
                            capture_output=True, text=True, timeout=120)
    del holder
    assert result.returncode == 1
    assert f"the store at {store} is open in another process" in result.stderr and "geokg serve" in result.stderr


def test_extract_says_on_stderr_when_the_text_is_not_english(capsys, tmp_path):
    article = tmp_path / "fr.txt"
    article.write_text("Le président a rencontré le chancelier à Berlin mardi, selon des diplomates. "
                       "La France et l'Allemagne ont signé un accord.\n", encoding="utf-8")
    code, _, err = run(capsys, "extract", str(article), "-o", str(tmp_path / "fr.yaml"))
    assert code == 0
    assert err.count("\n") == 1 and str(article) in err and "English" in err
    assert "warnings:" in (tmp_path / "fr.yaml").read_text(encoding="utf-8")
