"""The command line as a new user meets it: a mistyped store, a busy port, an unwritable output, a
misspelt query name, --help and the review folder. Each error is one line naming where, with the exit
status the README documents (1; 2 only for a malformed command line)."""

import argparse
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from geokg.loaders.errors import LoadError, Problem
from geokg.server import cli
from geokg.server.app import sample_claims
from geokg.server.cli import build_parser, main

SAMPLE = str(sample_claims()[0])
ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("argv", [
    ["query", "SELECT * WHERE { ?s ?p ?o }"],
    ["query", "alliance-members", "-p", "alliance=Hamas"],
    ["export"],
    ["link", "--list-review"],
])
def test_reading_commands_refuse_a_store_that_does_not_exist(capsys, tmp_path, argv):
    typo = tmp_path / "stroe"
    code, out, err = run(capsys, *argv, "--store", str(typo))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and f"no store at {typo}" in err and "geokg load" in err
    assert not typo.exists(), "a reading command created the store it was asked to read"


def test_an_empty_folder_is_not_taken_for_a_store(capsys, tmp_path):
    code, _, err = run(capsys, "query", "--store", str(tmp_path), "SELECT * WHERE { ?s ?p ?o }")
    assert code == 1 and "holds no Oxigraph store" in err
    assert list(tmp_path.iterdir()) == []


def test_load_still_creates_the_store_and_reading_it_then_works(capsys, tmp_path):
    store = tmp_path / "new"
    assert run(capsys, "load", "--store", str(store), SAMPLE)[0] == 0
    code, out, _ = run(capsys, "query", "--store", str(store), "-f", "csv", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert code == 0 and int(out.splitlines()[1]) > 500


def _serve(*argv, timeout=120):
    return subprocess.run([sys.executable, "-m", "geokg", "serve", *argv], capture_output=True, text=True,
                          timeout=timeout)


def test_serve_refuses_a_mistyped_store(tmp_path):
    typo = tmp_path / "stroe"
    done = _serve("--store", str(typo), "--port", "9")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and f"no store at {typo}" in done.stderr
    assert not typo.exists()


def test_serve_on_a_busy_port_is_one_line_and_never_says_serving():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        done = _serve("--demo", "--port", str(port))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "serving" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and f"cannot listen on 127.0.0.1:{port}" in lines[0]


def test_export_to_a_missing_folder_is_one_line(capsys, tmp_path):
    store = tmp_path / "store"
    run(capsys, "load", "--store", str(store), SAMPLE)
    target = tmp_path / "nonexistent" / "x.nq"
    code, out, err = run(capsys, "export", "--store", str(store), "-o", str(target))
    assert code == 1 and out == "" and err.count("\n") == 1
    assert f"cannot write {target}: no folder {target.parent}" in err


def test_export_to_a_file_it_cannot_write_is_one_line_not_a_traceback(capsys, tmp_path):
    store = tmp_path / "store"
    run(capsys, "load", "--store", str(store), SAMPLE)
    folder = tmp_path / "taken"
    folder.mkdir()
    code, _, err = run(capsys, "export", "--store", str(store), "-o", str(folder))
    assert code == 1 and err.count("\n") == 1 and str(folder) in err


def test_export_writes_the_file_it_is_given(capsys, tmp_path):
    store = tmp_path / "store"
    run(capsys, "load", "--store", str(store), SAMPLE)
    target = tmp_path / "all.nq"
    assert run(capsys, "export", "--store", str(store), "-o", str(target))[0] == 0
    assert sum(1 for _ in target.open(encoding="utf-8")) > 500


def test_extract_to_a_missing_folder_is_one_line_before_any_work(capsys, tmp_path, monkeypatch):
    article = tmp_path / "a.txt"
    article.write_text("Iran said on Monday that it supports Hamas.\n", encoding="utf-8")
    monkeypatch.setattr(cli, "_review_of", lambda *a: pytest.fail("extracted before checking the output"))
    target = tmp_path / "nonexistent" / "x.yaml"
    code, out, err = run(capsys, "extract", str(article), "-o", str(target))
    assert code == 1 and out == "" and err.count("\n") == 1 and f"cannot write {target}" in err


def test_extract_failures_never_speak_of_loading(capsys, tmp_path, monkeypatch):
    article, other = tmp_path / "a.txt", tmp_path / "b.txt"
    article.write_text("x", encoding="utf-8")
    other.write_text("y", encoding="utf-8")
    two = LoadError([Problem(str(article), "first thing wrong"), Problem(str(article), "second thing wrong")])

    def fail(*_):
        raise two

    monkeypatch.setattr(cli, "_review_of", fail)
    for argv in (["extract", str(article)], ["extract", str(article), str(other), "-o", str(tmp_path / "out")]):
        code, _, err = run(capsys, *argv)
        assert code == 1 and "loaded" not in err
        assert f"geokg extract: {article}: first thing wrong" in err and "second thing wrong" in err


def test_a_misspelt_query_name_suggests_the_right_one_and_exits_1(capsys, tmp_path):
    store = tmp_path / "store"
    run(capsys, "load", "--store", str(store), SAMPLE)
    code, _, err = run(capsys, "query", "--store", str(store), "aliance-members")
    assert code == 1 and err.count("\n") == 1 and "did you mean 'alliance-members'?" in err


def test_a_malformed_parameter_is_a_usage_error(capsys, tmp_path):
    store = tmp_path / "store"
    run(capsys, "load", "--store", str(store), SAMPLE)
    code, _, err = run(capsys, "query", "--store", str(store), "alliance-members", "-p", "alliance")
    assert code == 2 and "NAME=VALUE" in err


def _subcommands():
    parser = build_parser()
    choices = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    return sorted(choices.items())


@pytest.mark.parametrize("name,parser", _subcommands())
def test_every_option_has_help_and_its_default(name, parser):
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._VersionAction)) or action.help == argparse.SUPPRESS:
            continue
        where = f"geokg {name} {'/'.join(action.option_strings) or action.dest}"
        assert action.help, f"{where} has no help text"
        # Positionals are what the command is about: described, with no default to give.
        if action.option_strings:
            assert "default" in action.help, f"{where} does not say its default"


def test_help_renders_the_defaults_it_names(capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out
    assert "(default: 127.0.0.1)" in out and "(default: 5000)" in out and "%(default)" not in out


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="not a git checkout")
def test_the_default_review_folders_are_ignored_by_git():
    parser = build_parser()
    for argv in (["load", "x.txt"], ["load", "--store", ":memory:", "x.txt"], ["load", "--store", "mine", "x.txt"]):
        folder = cli._review_folder(parser.parse_args(argv))
        path = folder / "article.yaml"
        assert not path.is_absolute()
        ignored = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=ROOT)
        assert ignored.returncode == 0, f"{path} (extracted article sentences) is not in .gitignore"


def test_an_interrupt_is_one_line_and_status_130(capsys, monkeypatch):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_queries", interrupted)
    code, _, err = run(capsys, "queries")
    assert code == 130 and err == "geokg queries: interrupted\n"


def test_a_trig_export_declares_the_prefixes_and_holds_the_same_quads(capsys, tmp_path):
    import pyoxigraph as ox

    store = tmp_path / "store"
    run(capsys, "load", "--store", str(store), SAMPLE)
    trig, quads = tmp_path / "all.trig", tmp_path / "all.nq"
    assert run(capsys, "export", "--store", str(store), "-f", "trig", "-o", str(trig))[0] == 0
    assert run(capsys, "export", "--store", str(store), "-o", str(quads))[0] == 0
    text = trig.read_text(encoding="utf-8")
    assert "@prefix gk: <https://w3id.org/geokg/ontology#> ." in text and "@prefix actor: <" in text
    assert text.count("<https://w3id.org/geokg/ontology#") < 10
    assert set(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG)) == set(ox.parse(path=str(quads), format=ox.RdfFormat.N_QUADS))
    code, out, _ = run(capsys, "export", "--store", str(store), "-f", "trig")
    assert code == 0 and out.startswith("@prefix")


def test_serve_create_starts_on_a_new_store_for_writing(tmp_path):
    import urllib.request

    from conftest import free_port, wait_for

    store, port = tmp_path / "fresh", free_port()
    process = subprocess.Popen([sys.executable, "-m", "geokg", "serve", "--create", "--store", str(store),
                                "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(f"http://127.0.0.1:{port}/health", process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as answer:
            assert answer.status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert (store / "CURRENT").is_file()
