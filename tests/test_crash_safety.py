"""`kill -9` in the middle of `geokg load`: every article graph in the store afterwards is whole, every index
agrees with the others, and the same load run again completes to exactly what an uninterrupted load writes."""

import os
import re
import signal
import subprocess
import sys

import pyoxigraph as ox
import pytest

from geokg.loaders.ids import Ids
from geokg.loaders.pipeline import load_paths
from geokg.store import open_store

FILES = 1500
_PROGRESS = re.compile(rb"(\d+)/%d" % FILES)


def _claims(i: int) -> str:
    """An invented claims file: three actors, two relations, one event."""
    return f"""article: crash-{i:04d}.txt
title: Invented report {i}
actors:
- {{name: Ruritania {i % 37}, type: State}}
- {{name: Freedonia {i % 23}, type: State}}
- {{name: Valley Front {i % 11}, type: ArmedGroup}}
relations:
- {{subject: Ruritania {i % 37}, predicate: alliedWith, object: Freedonia {i % 23},
   sentence: "Ruritania {i % 37} and Freedonia {i % 23} signed an invented pact number {i}."}}
- {{subject: Valley Front {i % 11}, predicate: hostileTo, object: Ruritania {i % 37},
   sentence: "The Valley Front {i % 11} attacked Ruritania {i % 37} in made-up report {i}."}}
events:
- {{type: Meeting, participants: [Ruritania {i % 37}, Freedonia {i % 23}], date: "2020-01-{1 + i % 28:02d}",
   sentence: "Envoys of Ruritania {i % 37} met Freedonia {i % 23} in invented talks {i}."}}
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crash-corpus")
    paths = []
    for i in range(FILES):
        path = folder / f"crash-{i:04d}.yaml"
        path.write_text(_claims(i), encoding="utf-8")
        paths.append(path)
    clean = open_store(None)
    load_paths(clean, paths, Ids())
    return paths, set(clean.dump("nquads").decode().splitlines())


def _by_graph(lines) -> dict:
    graphs: dict[str, set] = {}
    for line in lines:
        graphs.setdefault(line.rsplit(" ", 2)[-2], set()).add(line)
    return graphs


def _load(store_path, paths):
    return subprocess.Popen([sys.executable, "-m", "geokg", "load", "--store", str(store_path), *map(str, paths)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _kill_when_read(process, files: int) -> int:
    """SIGKILL once the progress bar says ``files`` files were read (writes follow reads by a chunk or two);
    the count it had reached."""
    seen, buffer = 0, b""
    while process.poll() is None and seen < files:
        buffer = (buffer + os.read(process.stderr.fileno(), 4096))[-4096:]
        counts = _PROGRESS.findall(buffer)
        seen = int(counts[-1]) if counts else 0
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    return seen


@pytest.mark.parametrize("share", [0.3, 0.6, 0.9])
def test_a_load_killed_mid_way_leaves_whole_articles_and_then_completes(tmp_path, corpus, share):
    paths, expected = corpus
    want = _by_graph(expected)
    store_path = tmp_path / "store"
    read = _kill_when_read(_load(store_path, paths), int(FILES * share))
    assert read < FILES, "the load ended before it could be killed"

    store = ox.Store(str(store_path))
    lines = set(store.dump(format=ox.RdfFormat.N_QUADS).decode().splitlines()) if len(store) else set()
    found = _by_graph(lines)
    articles = [g for g in found if "/graph/crash-" in g]
    # Each article graph is whole or absent; the actors graph holds only what whole articles brought.
    for graph in articles:
        assert found[graph] == want[graph], graph
    if articles:
        assert found.get(next(g for g in want if g.endswith("/graph/_actors>")), set()) <= \
            want[next(g for g in want if g.endswith("/graph/_actors>"))]
    # Every index agrees: each quad read by graph is found again by its subject, predicate and object.
    for quad in store.quads_for_pattern(None, None, None, None):
        assert quad in set(store.quads_for_pattern(quad.subject, quad.predicate, quad.object, quad.graph_name))
    del store

    again = _load(store_path, paths)
    _, errors = again.communicate(timeout=120)
    assert again.returncode == 0, errors.decode()
    store = ox.Store(str(store_path))
    assert set(store.dump(format=ox.RdfFormat.N_QUADS).decode().splitlines()) == expected
