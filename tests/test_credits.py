"""Photo credits, wire credits and captions' credit lines never become actors (issue 10, item 4)."""

import pytest

from geokg.loaders.extract import extract
from geokg.loaders.extract.text import read_article

HEADER = "Test article\nSource: https://example.org/t\nPublished: 2021-03-10\n\n"


def names(text: str) -> set[str]:
    return {a["name"] for a in extract(HEADER + text, "t.txt")["actors"]}


@pytest.mark.parametrize("credit", [
    "Photograph: Carlos Vega/AP",
    "Photo: Carlos Vega/Reuters",
    "Photo by Carlos Vega/Getty Images",
    "(File photo: Carlos Vega)",
    "REUTERS/Carlos Vega",
    "Carlos Vega/AFP via Getty Images",
    "Credit: Carlos Vega",
])
def test_a_credit_line_names_no_actor(credit):
    found = names(f"Peru and Chile signed a trade pact on Monday.\n\n{credit}\n\nThe pact was welcomed in Quito.")
    assert "Carlos Vega" not in found
    assert {"Peru", "Chile"} <= found


def test_a_bracketed_agency_line_is_no_sentence_but_story_sentences_stay():
    article = read_article(HEADER + "Ghana recalled its envoy.\n\n[AFP]\n\nNorway/Ghana talks resumed on Friday.", "t.txt")
    assert [s.text for s in article.sentences] == ["Ghana recalled its envoy.", "Norway/Ghana talks resumed on Friday."]


def test_reporting_and_editing_credits_name_no_actor():
    found = names("Peru recalled its ambassador to Ecuador on Monday.\n\nReporting by Marta Quispe; Editing by Tom Hale")
    assert not {"Marta Quispe", "Tom Hale"} & found
