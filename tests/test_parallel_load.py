"""Articles extracted in worker processes (--jobs) and on a Dask LocalCluster (--dask) load exactly as they
do in one process: the same quads, the same files reported, the same chunks written, in the same order."""

import os
import sys
import threading
from pathlib import Path

import pytest

from geokg.loaders.errors import LoadError
from geokg.loaders.ids import Ids
from geokg.loaders.parallel import DaskCluster, LocalProcesses
from geokg.loaders.pipeline import load_paths
from geokg.server.cli import main
from geokg.store import open_store

distributed = pytest.importorskip("distributed")

SAMPLE = Path(__file__).parent.parent / "loaders" / "samples" / "000-iran-hamas-syria-axis.yaml"

# Invented articles: short, with actors shared between them (so that resolution across files matters).
ARTICLES = {
    "a-chile-peru.txt": "Chile and Peru restore ties\nPublished: 2024-03-04\n\n"
                        "Chile and Peru agreed on Monday to restore diplomatic ties.\n\n"
                        "Chilean President Maria Soto met Peruvian President Luis Moreno in Lima.\n",
    "b-peru-bolivia.txt": "Peru recalls envoy\nPublished: 2024-04-10\n\n"
                          "Peru recalled its ambassador from Bolivia on Tuesday after a border dispute.\n\n"
                          "Bolivia condemned the decision, officials said.\n",
    "c-andean-pact.txt": "Andean pact signed\nPublished: 2024-05-02\n\n"
                         "Chile, Peru and Ecuador signed a trade pact in Quito on Friday.\n\n"
                         "Ecuador's foreign minister Ana Vera said the deal would last.\n",
    "d-norway-talks.txt": "Talks in Oslo\nPublished: 2024-06-20\n\n"
                          "Norway hosted talks between Colombia and the ELN rebels in Oslo on Wednesday.\n\n"
                          "Colombia accused the ELN of attacking a pipeline last month.\n",
    "e-gulf.txt": "Gulf states meet\nPublished: 2024-07-15\n\n"
                  "Qatar and Saudi Arabia held a summit in Riyadh on Sunday.\n\n"
                  "Iran criticised the meeting, state media reported.\n",
}


def write_corpus(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    return paths


def quads(store) -> list[str]:
    return sorted(store.dump("nquads").decode("utf-8").splitlines())


def load(paths, extractors=None, **kwargs):
    """The store and what load_paths returned or raised, loaded in memory with these extractors."""
    store = open_store(None)
    try:
        return store, load_paths(store, paths, Ids(), extractors=extractors, **kwargs)
    except LoadError as exc:
        return store, exc


@pytest.fixture(scope="module")
def pool():
    extractors = LocalProcesses(2)
    yield extractors
    extractors.close()


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0") as local:
        extractors = DaskCluster(local.scheduler_address)
        yield extractors
        extractors.close()


@pytest.fixture
def corpus(tmp_path) -> list[Path]:
    # A claims file among the articles: read in the loading process, in its place.
    articles = write_corpus(tmp_path / "corpus")
    return articles[:2] + [SAMPLE] + articles[2:]


@pytest.mark.parametrize("chunk_files", [50, 2])
def test_workers_and_dask_load_the_same_quads_as_one_process(corpus, pool, cluster, chunk_files):
    serial_store, serial = load(corpus, chunk_files=chunk_files)
    assert len(serial) == len(corpus) and sum(item.triples for item in serial) > 100
    for extractors in (pool, cluster):
        store, loaded = load(corpus, extractors, chunk_files=chunk_files)
        assert loaded == serial
        assert quads(store) == quads(serial_store)


def test_the_claims_each_worker_extracted_are_the_ones_extracted_here(corpus, pool, cluster):
    def claims_of(extractors):
        seen = []
        load(corpus, extractors, extracted=lambda path, claims: seen.append((str(path), claims)))
        return seen

    here = claims_of(None)
    assert [path for path, _ in here] == [str(p) for p in corpus if p.suffix == ".txt"]
    assert all(claims["actors"] for _, claims in here)
    assert claims_of(pool) == here
    assert claims_of(cluster) == here


def test_bad_files_are_reported_alike_and_their_chunk_is_not_written(corpus, tmp_path, pool, cluster):
    bad_claims = tmp_path / "bad.yaml"
    bad_claims.write_text("article: bad.txt\nactors:\n  - {name: X, type: Planet}\n", encoding="utf-8")
    paths = corpus[:2] + [tmp_path / "gone.txt"] + corpus[2:4] + [bad_claims] + corpus[4:]
    serial_store, serial = load(paths, chunk_files=2)
    assert isinstance(serial, LoadError)
    named = [problem.file for problem in serial.problems]
    assert str(tmp_path / "gone.txt") in named and str(bad_claims) in named
    assert serial.loaded == [str(p) for p in corpus[:2]]
    for extractors in (pool, cluster):
        store, failed = load(paths, extractors, chunk_files=2)
        assert isinstance(failed, LoadError)
        assert failed.report() == serial.report()
        assert quads(store) == quads(serial_store)


def test_a_worker_that_dies_is_a_problem_naming_its_article_not_a_hang(tmp_path):
    articles = write_corpus(tmp_path / "corpus")
    # A worker reading a named pipe blocks until the test has seen it open the pipe, then is killed.
    fifo = tmp_path / "stuck.txt"
    os.mkfifo(fifo)
    holder = {}

    def kill_the_reader():
        with open(fifo, "wb"):
            pid = next(pid for pid in _children() if _has_open(pid, fifo))
            holder["pid"] = pid
            os.kill(pid, 9)

    killer = threading.Thread(target=kill_the_reader, daemon=True)
    killer.start()
    extractors = LocalProcesses(1)
    try:
        store, failed = load([articles[0], fifo, *articles[1:]], extractors)
    finally:
        extractors.close()
    killer.join(5)
    assert "pid" in holder
    assert isinstance(failed, LoadError) and failed.loaded == []
    assert [problem.file for problem in failed.problems] == [str(fifo)]
    assert "worker died while reading it" in failed.problems[0].message
    assert quads(store) == []


def test_a_dask_worker_that_dies_is_a_problem_naming_its_article(tmp_path):
    import dask

    articles = write_corpus(tmp_path / "corpus")
    fifo = tmp_path / "stuck.txt"
    os.mkfifo(fifo)
    killed = []

    def kill_the_reader():
        with open(fifo, "wb"):
            pid = next(pid for pid in _children() if _has_open(pid, fifo))
            killed.append(pid)
            os.kill(pid, 9)

    killer = threading.Thread(target=kill_the_reader, daemon=True)
    killer.start()
    # No retry: the first death is the article's problem (by default Dask tries 3 more times). A worker holds
    # only the task it runs, since a death also counts against the tasks queued on the worker.
    settings = {"distributed.scheduler.allowed-failures": 0, "distributed.scheduler.worker-saturation": 1.0}
    with dask.config.set(settings):
        with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                      dashboard_address=":0") as local:
            extractors = DaskCluster(local.scheduler_address)
            try:
                store, failed = load([articles[0], fifo, *articles[1:]], extractors)
            finally:
                extractors.close()
    killer.join(5)
    assert killed
    assert isinstance(failed, LoadError) and failed.loaded == []
    assert [problem.file for problem in failed.problems] == [str(fifo)]
    assert "Dask workers that read it died" in failed.problems[0].message
    assert quads(store) == []


def _children() -> list[int]:
    import psutil

    return [child.pid for child in psutil.Process().children(recursive=True)]


def _has_open(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}") == str(path) for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def test_load_a_folder_with_jobs_and_with_dask(tmp_path, capsys, cluster):
    folder = tmp_path / "corpus"
    write_corpus(folder)
    (folder / "notes.md").write_text("not loaded\n", encoding="utf-8")
    stores = {}
    for name, options in (("one", []), ("jobs", ["--jobs", "2"]),
                          ("dask", ["--dask", cluster.client.scheduler.address])):
        store = tmp_path / name
        assert main(["load", "--store", str(store), *options, str(folder)]) == 0
        out = capsys.readouterr().out
        assert out.count("loaded ") == len(ARTICLES)
        assert out.index("a-chile-peru.txt: ") < out.index("e-gulf.txt: ")
        stores[name] = (quads(open_store(str(store))),
                        {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / f"{name}-claims").iterdir()})
    assert sorted(stores["one"][1]) == sorted(Path(name).stem + ".yaml" for name in ARTICLES)
    assert stores["jobs"] == stores["one"]
    assert stores["dask"] == stores["one"]


def test_the_review_file_is_what_geokg_extract_writes(tmp_path, capsys, pool):
    folder = tmp_path / "corpus"
    write_corpus(folder)
    assert main(["load", "--store", ":memory:", "--jobs", "2", "--review-dir", str(tmp_path / "reviews"),
                 str(folder)]) == 0
    assert main(["extract", *map(str, sorted(folder.iterdir())), "-o", str(tmp_path / "extracted")]) == 0
    capsys.readouterr()
    for name in ARTICLES:
        stem = Path(name).stem + ".yaml"
        reviewed = (tmp_path / "reviews" / stem).read_text(encoding="utf-8")
        extracted = (tmp_path / "extracted" / stem).read_text(encoding="utf-8")
        # The text field is relative to where each file was written: the same depth here.
        assert reviewed == extracted


@pytest.mark.parametrize("options, message", [
    (["--jobs", "0"], "--jobs must be 1 or more"),
    (["--jobs", "2", "--dask", "tcp://127.0.0.1:1"], "do not go together"),
])
def test_bad_options_are_one_line(tmp_path, capsys, options, message):
    assert main(["load", "--store", ":memory:", *options, str(SAMPLE)]) == 1
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err


def test_a_folder_with_nothing_to_load_names_it(tmp_path, capsys):
    (tmp_path / "notes.md").write_text("nothing\n", encoding="utf-8")
    assert main(["load", "--store", ":memory:", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert str(tmp_path) in err and "no file that geokg loads" in err


def test_workers_run_in_fresh_interpreters_not_the_callers_main(tmp_path):
    """spawn would run the caller's __main__ again (a script, a test runner); the workers must not."""
    script = tmp_path / "caller.py"
    marker = tmp_path / "ran"
    script.write_text(
        "import pathlib\n"
        f"pathlib.Path({str(marker)!r}).open('a').write('x')\n"
        "from geokg.loaders.parallel import LocalProcesses\n"
        "pool = LocalProcesses(1)\n"
        f"print(next(iter(pool.results([{str(tmp_path / 'gone.txt')!r}])))[0])\n"
        "pool.close()\n", encoding="utf-8")
    import subprocess

    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "problems", done.stderr
    assert marker.read_text() == "x"
