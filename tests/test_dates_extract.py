"""Dates in extraction (issue 10, item 6): the publication date from the URL, each fact's own time
expression, statement dates, and the English time expressions resolved against publication.
Every text here is written for the test."""

import datetime as dt

import pytest

from geokg.loaders.extract import extract
from geokg.loaders.extract.text import date_from_url, read_article
from geokg.loaders.extract.timex import find_time, find_times

WEDNESDAY = dt.date(2023, 11, 8)


def run(body: str, published: str | None = "2023-11-08", source: str = "https://example.org/t") -> dict:
    header = "Test article\n" + (f"Source: {source}\n" if source else "") + \
        (f"Published: {published}\n" if published else "") + "\n"
    return extract(header + body, "t.txt")


def dated(doc, kind):
    """(time words, ISO date) of the items of one predicate or event type."""
    items = [r for r in doc["relations"] if r["predicate"] == kind] + [e for e in doc["events"] if e["type"] == kind]
    assert items, (kind, doc["relations"], doc["events"])
    return [(i.get("time"), i.get("date") or i.get("start") or i.get("end")) for i in items]


# --- the publication date from the URL ---------------------------------------------------------------

@pytest.mark.parametrize("url,expected", [
    ("https://news.example.com/world/2023/05/14/talks-resume", "2023-05-14"),
    ("https://news.example.com/world/2022/9/6/border-clash", "2022-09-06"),
    ("https://news.example.com/nation/2023/Sep/19/envoy-expelled-2616247.html", "2023-09-19"),
    ("https://news.example.com/world/2023/may/13/truce-agreed", "2023-05-13"),
    ("https://news.example.com/story/2021-06-02-coalition-deal", "2021-06-02"),
    ("https://news.example.com/story/coalition_2021_06_02.html", "2021-06-02"),
    ("https://news.example.com/a/ceasefire?date=2020-02-29", "2020-02-29"),
    ("https://news.example.com/articles/20230514/summit", "2023-05-14"),
    ("https://news.example.com/articulo/envoy-recalled/20220320092624017196.amp.html", "2022-03-20"),
    ("https://news.example.com/news/2016/03/league-picks-chief-160311090316874.html", "2016-03-11"),
    ("www.example.com/2019/08/06/accord-signed", "2019-08-06"),
], ids=["numeric-segments", "one-digit-month-and-day", "month-abbreviation-segment", "month-name-segment",
        "hyphenated", "underscored", "query", "compact", "compact-then-time-of-day", "year-month-then-yymmdd-id",
        "no-scheme"])
def test_url_date_conventions(url, expected):
    assert date_from_url(url).isoformat() == expected


@pytest.mark.parametrize("url", [
    "https://news.example.com/world/finland-sweden-nato-1.6457427",  # an article number
    "https://news.example.com/world/putin-kim-sign-treaty-1718808236",  # ten digits: an id, not a date
    "https://news.example.com/article/gulf-qatar-idUKL8N1J2094",
    "https://news.example.com/story/20231301",  # no 13th month
    "https://news.example.com/story/20231014999",  # a date-like start followed by no time of day
    "https://news.example.com/2016/03/league-chief-150311090316874.html",  # the id's month is another
    "https://news.example.com/archive/1850/01/02/old",  # not a plausible publication year
    "unknown (outlet not named)",
    None,
])
def test_url_without_a_date(url):
    assert date_from_url(url) is None


def test_url_date_used_when_header_has_none_or_unknown():
    for published in (None, "unknown"):
        article = read_article(f"Headline\nSource: https://news.example.com/world/2023/11/08/x\n"
                               f"{'Published: ' + published if published else ''}\n\nText.", "t.txt")
        assert (article.published_text, article.published_from) == ("2023-11-08", "url")
    doc = run("Saudi Arabia severed ties with Qatar on Monday.", published=None,
              source="https://news.example.com/world/2023/11/08/gulf-rift")
    assert doc["published"] == "2023-11-08"
    assert ("on Monday", "2023-11-06") in dated(doc, "DiplomaticRupture")


def test_header_date_wins_over_url():
    article = read_article("Headline\nSource: https://news.example.com/2023/11/08/x\nPublished: 7 November 2023\n\n"
                           "Text.", "t.txt")
    assert (article.published_text, article.published_from) == ("7 November 2023", "header")


def test_html_metadata_date_and_url():
    page = ('<html><head><title>Gulf rift</title><meta property="og:url" '
            'content="https://news.example.com/world/2023/11/01/gulf-rift">'
            '<meta property="article:published_time" content="2023-11-08T09:30:00Z"></head>'
            "<body><p>Saudi Arabia severed ties with Qatar on Monday.</p></body></html>")
    doc = extract(page, "page.html", is_html=True)
    assert doc["source"] == "https://news.example.com/world/2023/11/01/gulf-rift"
    assert doc["published"] == "2023-11-08"
    no_meta_date = page.replace('<meta property="article:published_time" content="2023-11-08T09:30:00Z">', "")
    assert extract(no_meta_date, "page.html", is_html=True)["published"] == "2023-11-01"


# --- English time expressions ------------------------------------------------------------------------

@pytest.mark.parametrize("words,expected", [
    ("They met on Friday.", ("on Friday", "2023-11-03")),
    ("They met on Wednesday.", ("on Wednesday", "2023-11-08")),
    ("They met last Wednesday.", ("last Wednesday", "2023-11-01")),
    ("They will meet on Friday.", ("on Friday", "2023-11-10")),
    ("They meet next Friday.", ("next Friday", "2023-11-10")),
    ("The suspension takes hold effective December 7.", ("effective December 7", "2023-12-07")),
    ("Elections are scheduled for 3 January.", ("3 January", "2024-01-03")),
    ("They met on 4 August.", ("on 4 August", "2023-08-04")),
    ("They met on 30 December.", ("on 30 December", "2022-12-30")),
    ("They met on May 14th.", ("on May 14th", "2023-05-14")),
    ("They met on the 14th of May.", ("14th of May", "2023-05-14")),
    ("He died in May last year.", ("in May last year", "2022-05")),
    ("He resigned last May.", ("last May", "2023-05")),
    ("He resigned last December.", ("last December", "2022-12")),
    ("He resigned in December.", ("in December", "2022-12")),
    ("The vote will be held in March.", ("in March", "2024-03")),
    ("He died in May 2019.", ("in May 2019", "2019-05")),
    ("The envoy was summoned this morning.", ("this morning", "2023-11-08")),
    ("Earlier in the day, they signed.", ("Earlier in the day", "2023-11-08")),
    ("They clashed last night.", ("last night", "2023-11-07")),
    ("Clashes erupted earlier this week.", ("this week", "2023-11")),
    ("It began last month.", ("last month", "2023-10")),
    ("They may meet again.", None),
    ("May was a busy month.", None),
])
def test_time_expressions(words, expected):
    assert find_time(words, WEDNESDAY) == expected


def test_all_time_expressions_of_a_sentence_in_order_and_the_dateline_marked():
    times = find_times("MOSCOW, June 19 (AFP): Russia and North Korea signed a treaty on Wednesday, "
                       "their first since 1961.", dt.date(2024, 6, 19))
    assert [(t.words, t.iso, t.dateline) for t in times] == [
        ("June 19", "2024-06-19", True), ("on Wednesday", "2024-06-19", False), ("since 1961", "1961", False)]


def test_dates_need_a_publication_date_for_relative_expressions():
    assert find_time("They met on Friday.", None) == ("on Friday", None)
    assert find_time("They met in May 2019.", None) == ("in May 2019", "2019-05")


# --- each fact takes the time expression attached to it ------------------------------------------------

def test_fact_takes_the_nearest_time_not_the_most_specific():
    doc = run("Hamas moved its headquarters out of Damascus in 2012, a spokesman told reporters on Monday.")
    assert dated(doc, "Relocation") == [("in 2012", "2012")]


def test_time_in_another_clause_is_not_the_facts():
    doc = run("Iran is attempting to reconcile Hamas and Damascus following a crackdown on protests "
              "from 2011 to now.")
    assert dated(doc, "Mediation") == [(None, None)]
    assert dated(doc, "mediatesBetween") == [(None, None)]


def test_later_mention_of_an_actor_does_not_stretch_the_fact():
    # "the Syrian regime" (Syria again) sits in the other clause, next to its own time.
    doc = run("Iran is attempting to reconcile Hamas and Damascus following the Syrian regime's crackdown "
              "from 2011 to now.")
    assert dated(doc, "Mediation") == [(None, None)]


def test_time_inside_the_facts_words_and_before_them():
    doc = run("Saudi Arabia on Monday severed ties with Qatar.")
    assert ("on Monday", "2023-11-06") in dated(doc, "DiplomaticRupture")
    doc = run("On Monday, Saudi Arabia severed ties with Qatar.")
    assert ("On Monday", "2023-11-06") in dated(doc, "DiplomaticRupture")


def test_dateline_is_the_fallback_when_the_fact_has_no_time_of_its_own():
    doc = run("DUBAI, June 5 Saudi Arabia severed ties with Qatar.", published="2023-06-07")
    assert dated(doc, "DiplomaticRupture") == [("June 5", "2023-06-05")]
    doc = run("DUBAI, June 5 Saudi Arabia severed ties with Qatar on Sunday.", published="2023-06-07")
    assert dated(doc, "DiplomaticRupture") == [("on Sunday", "2023-06-04")]


# --- statements are dated by their reporting clause ------------------------------------------------------

@pytest.mark.parametrize("body,expected", [
    ("Saudi Arabia said on Tuesday that it would keep its embassy in Doha open.", ("on Tuesday", "2023-11-07")),
    ('On Friday, Egypt said: "We will not attend the talks."', ("On Friday", "2023-11-03")),
    ("Talks will go on, Egypt said in a statement on Friday.", ("on Friday", "2023-11-03")),
], ids=["said-time-that", "fronted-time", "trailing-attribution-with-channel"])
def test_statement_takes_the_time_of_its_reporting_clause(body, expected):
    statements = dated(run(body), "Statement")
    assert expected in statements, statements


@pytest.mark.parametrize("body", [
    "The United States said it would suspend its treaty obligations effective December 7.",
    '"We will meet them on Friday," Egypt said.',
    "Egypt said talks with Qatar would resume on Monday.",
    "Egypt said Monday's attack on Qatar was a crime.",
], ids=["future-in-reported-clause", "inside-quote", "inside-paraphrase", "possessive-weekday-in-content"])
def test_time_of_what_was_said_does_not_date_the_statement(body):
    # Gold conventions: where the text gives no day for the statement itself, there is no ISO date
    # (the publication date is not used in its place).
    assert all(date is None for _, date in dated(run(body), "Statement"))
