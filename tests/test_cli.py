"""The command line, run in-process through main() and once through the installed console script."""

import json
import subprocess
import sys
from pathlib import Path

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
    assert code == 0 and " triples in 1 graph" in out and "(was" not in out
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
    # DISTINCT: the actors graph states each actor's type once more than the articles do.
    rq.write_text("# title: Count alliances\n"
                  "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a <https://w3id.org/geokg/ontology#Alliance> }\n")
    code, out, _ = run(capsys, "query", "--store", store, str(rq))
    assert code == 0 and out.splitlines()[2].strip() == "1"


def test_console_script_reports_a_locked_store(tmp_path):
    from geokg.store import open_store

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


def test_extract_many_articles_in_one_call_goes_on_past_bad_ones(capsys, tmp_path):
    good = tmp_path / "in" / "seed.txt"
    good.parent.mkdir()
    good.write_bytes((Path(__file__).resolve().parent.parent / "loaders" / "samples"
                      / "000-iran-hamas-syria-axis.txt").read_bytes())
    other = tmp_path / "in" / "other.txt"
    other.write_text("Test\nPublished: 2021-03-10\n\nPeru and Chile signed a trade pact on Monday.\n", encoding="utf-8")
    binary = tmp_path / "in" / "picture.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    missing = tmp_path / "in" / "missing.txt"
    out = tmp_path / "out"
    code, _, err = run(capsys, "extract", str(good), str(binary), str(missing), str(other), "-o", str(out))
    assert code == 1
    assert sorted(p.name for p in out.iterdir()) == ["other.yaml", "seed.yaml"]
    lines = [line for line in err.splitlines() if line.startswith("geokg extract:")]
    assert len(lines) == 2 and str(binary) in lines[0] and str(missing) in lines[1]
    assert "extracted 2 of 4 articles" in err
    # The same file as extracting the article alone.
    single = tmp_path / "single"
    single.mkdir()
    assert run(capsys, "extract", str(other), "-o", str(single / "other.yaml"))[0] == 0
    assert (single / "other.yaml").read_text(encoding="utf-8") == (out / "other.yaml").read_text(encoding="utf-8")


def test_extract_one_missing_article_is_one_line(capsys, tmp_path):
    code, _, err = run(capsys, "extract", str(tmp_path / "nowhere.txt"))
    assert code == 1 and err.count("\n") == 1 and "nowhere.txt" in err


def test_extract_many_refuses_two_articles_that_would_write_one_file(capsys, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for folder in ("a", "b"):
        (tmp_path / folder / "same.txt").write_text("Peru met Chile.\n", encoding="utf-8")
    code, _, err = run(capsys, "extract", str(tmp_path / "a" / "same.txt"), str(tmp_path / "b" / "same.txt"),
                       "-o", str(tmp_path / "out"))
    assert code == 1 and "same.yaml" in err and not (tmp_path / "out").exists()
