"""Why `geokg load` runs no pyshacl by default: the checker and the mapping together only ever give graphs that
conform to the shapes. pyshacl itself is the judge here, over the seed, the fixtures, benchmark files and
generated documents, hostile ones included; `--validate` still runs it at load time."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from claims_strategies import claims_documents
from geokg.loaders import mapping, pipeline
from geokg.loaders.claims import check_claims
from geokg.loaders.errors import LoadError
from geokg.loaders.ids import Ids
from geokg.loaders.mapping import claims_to_graph
from geokg.loaders.registry import format_for
from geokg.loaders.shacl import shacl_problems
from geokg.store import open_store

ROOT = Path(__file__).parent.parent
FILES = [ROOT / "loaders" / "samples" / "000-iran-hamas-syria-axis.yaml",
         *sorted((Path(__file__).parent / "fixtures" / "claims").glob("*.yaml"))]


def conforms(doc, ids=Ids()):
    problems = shacl_problems(claims_to_graph(doc, ids)[1], "g.yaml")
    assert problems == [], [str(p) for p in problems]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_shipped_claims_conform(path):
    conforms(format_for(path).parse(path.read_bytes(), str(path)))


def test_benchmark_files_conform(tmp_path):
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from load_bench import generate

    for path in generate(tmp_path, 10, seed=3):
        conforms(format_for(path).parse(path.read_bytes(), str(path)), Ids("http://x.test"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=claims_documents())
def test_every_document_the_checker_passes_maps_to_a_conforming_graph(raw):
    try:
        doc = check_claims(raw, "g.yaml", "g.yaml")
    except LoadError as exc:
        assert exc.problems
        return
    conforms(doc)


def test_validate_runs_pyshacl_and_refuses_what_it_finds(tmp_path, monkeypatch):
    """A mapping that lost its sentences: only --validate can see it, and then nothing is written."""
    path = FILES[-1]
    real = mapping.claims_ntriples

    def without_sentences(doc, ids):
        graph, triples = real(doc, ids)
        return graph, [t for t in triples if "#sentence>" not in t]

    monkeypatch.setattr(mapping, "claims_ntriples", without_sentences)
    monkeypatch.setattr(pipeline, "claims_ntriples", without_sentences)
    store = open_store(None)
    with pytest.raises(LoadError) as caught:
        pipeline.load_paths(store, [path], Ids(), validate=True)
    assert "SHACL: a fact needs at least one supporting sentence" in caught.value.report()
    assert store.graphs() == []
    pipeline.load_paths(store, [path], Ids())
    assert len(store.graphs()) == 3  # the article's, the ontology's and the actors graph
