"""The review round trip: a person corrects an extracted claims file and loads it again, losing nothing."""

import shutil
from pathlib import Path

import pytest
import yaml

from geokg.loaders.article import article_text
from geokg.loaders.claims import check_claims, read_claims
from geokg.loaders.errors import LoadError
from geokg.loaders.ids import Ids
from geokg.loaders.pipeline import load_paths
from geokg.loaders.review import EXAMPLES, review_yaml
from geokg.store import open_store
from geokg.server.cli import main

ARTICLE = Path(__file__).parent / "fixtures" / "articles" / "sweden-joins-nato.txt"
BODY = "SELECT ?body WHERE { ?a <https://schema.org/articleBody> ?body }"


def bodies(store) -> list[str]:
    return [str(row["body"]) for row in store.query(BODY).rows()]


@pytest.mark.parametrize("layout", ["review elsewhere", "review beside", "shown on stdout"])
def test_a_reviewed_file_keeps_its_article_text(tmp_path, capsys, monkeypatch, layout):
    article = tmp_path / "articles" / "nato.txt"
    article.parent.mkdir()
    shutil.copy(ARTICLE, article)
    review = {"review elsewhere": tmp_path / "reviews" / "nato.yaml",
              "review beside": tmp_path / "articles" / "nato-review.yaml",
              "shown on stdout": tmp_path / "saved.yaml"}[layout]
    review.parent.mkdir(exist_ok=True)
    if layout == "shown on stdout":
        monkeypatch.chdir(tmp_path)
        assert main(["extract", str(article.relative_to(tmp_path))]) == 0
        review.write_text(capsys.readouterr().out, encoding="utf-8")
    else:
        assert main(["extract", str(article), "-o", str(review)]) == 0
    store = open_store(None)
    load_paths(store, [review], Ids())
    assert bodies(store) == [article_text(article.read_bytes(), str(article))]


def test_loading_an_article_writes_a_review_that_reloads_with_its_text(tmp_path, monkeypatch, capsys):
    article = tmp_path / "nato.txt"
    shutil.copy(ARTICLE, article)
    monkeypatch.chdir(tmp_path)
    assert main(["load", "--store", ":memory:", "--review-dir", "reviews", str(article)]) == 0
    store = open_store(None)
    load_paths(store, [tmp_path / "reviews" / "nato.yaml"], Ids())
    assert bodies(store) == [article_text(article.read_bytes(), str(article))]


def test_a_missing_text_file_is_a_problem_not_a_silent_loss(tmp_path):
    review = tmp_path / "nato.yaml"
    review.write_text("article: nato.txt\ntext: gone/nato.txt\nactors: []\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_paths(open_store(None), [review], Ids())
    problem = caught.value.problems[0]
    assert problem.file == str(review) and problem.field == "text" and "gone/nato.txt" in problem.message


def test_empty_sections_show_an_example_that_loads_once_uncommented(tmp_path):
    text = review_yaml({"article": "x.txt", "actors": [], "relations": [], "events": [], "claims": []},
                       ARTICLE, tmp_path / "x.yaml")
    for section in EXAMPLES:
        assert f"{section}:\n# For example" in text
    assert not check_claims(read_claims(text.encode(), "x.yaml"), "x.yaml", "x.txt").relations
    uncommented = "\n".join(line[2:] if line.startswith(("# -", "#   ")) else line for line in text.splitlines())
    doc = check_claims(read_claims(uncommented.encode(), "x.yaml"), "x.yaml", "x.txt")
    assert (len(doc.actors), len(doc.relations), len(doc.events), len(doc.claims)) == (2, 1, 1, 1)


def test_sentences_stay_on_one_line(tmp_path):
    sentence = ("The foreign ministers of two neighbouring republics, meeting in a lakeside town that neither "
                "had visited since the border war, said on Tuesday that they would restore full diplomatic "
                "relations, reopen their embassies and exchange ambassadors before the end of the year.")
    claims = {"article": "x.txt", "actors": [{"name": "Ruritania", "type": "State"}],
              "relations": [], "events": [{"type": "Meeting", "participants": ["Ruritania"], "sentence": sentence}]}
    text = review_yaml(claims, ARTICLE, tmp_path / "x.yaml")
    assert any(sentence in line for line in text.splitlines())
    assert yaml.safe_load(text)["events"][0]["sentence"] == sentence
