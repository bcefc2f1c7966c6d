"""Extraction from article text: the seed article and short texts written for each pattern family."""

import datetime as dt
import textwrap
from pathlib import Path

import pytest
import yaml

from geokg.loaders.article import extract_claims
from geokg.loaders.claims import check_claims
from geokg.loaders.errors import LoadError
from geokg.loaders.extract import extract
from geokg.loaders.extract.text import read_article, split_sentences
from geokg.loaders.extract.timex import find_time
from geokg.server.app import SAMPLES

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
HEADER = "Test article\nSource: https://example.org/t\nPublished: 2021-03-10\n\n"


def run(body: str, header: str = HEADER) -> dict:
    return extract(header + textwrap.dedent(body), "t.txt")


def relations(doc):
    return {(r["subject"], r["predicate"], tuple(r["object"]) if isinstance(r["object"], list) else r["object"])
            for r in doc["relations"]}


def relation(doc, subject, predicate, obj=None):
    found = [r for r in doc["relations"] if r["subject"] == subject and r["predicate"] == predicate
             and (obj is None or r["object"] == obj)]
    assert found, (subject, predicate, obj, relations(doc))
    return found[0]


def events(doc, kind):
    return [e for e in doc["events"] if e["type"] == kind]


def actor_types(doc):
    return {a["name"]: a["type"] for a in doc["actors"]}


@pytest.fixture(scope="module")
def seed():
    return extract_claims((SAMPLES / "000-iran-hamas-syria-axis.txt").read_bytes(), "000-iran-hamas-syria-axis.txt")


def test_seed_actors_with_types_and_aliases(seed):
    types = actor_types(seed)
    for name, kind in [("Iran", "State"), ("Syria", "State"), ("Hamas", "ArmedGroup"), ("Hizballah", "ArmedGroup"),
                       ("Axis of Resistance", "Alliance"), ("Yahya Sinwar", "Person"), ("Mahmoud Zahar", "Person"),
                       ("Ali Larijani", "Person"), ("Khaled Abdul-Majid", "Person"), ("Palestinian Authority", "Organization"),
                       ("Shura Council", "Organization"), ("al-Monitor", "Media"), ("al-Mayadeen TV", "Media")]:
        assert types.get(name) == kind, (name, types)
    syria = next(a for a in seed["actors"] if a["name"] == "Syria")
    assert {"Damascus", "Syrian regime", "the regime"} <= set(syria["aliases"])
    hamas = next(a for a in seed["actors"] if a["name"] == "Hamas")
    assert "the movement" in hamas["aliases"]
    assert "Palestine" not in types, "a demonym alone is not a state the article is about"


def test_seed_relations(seed):
    for member in ("Iran", "Syria", "Hizballah", "Hamas"):
        relation(seed, member, "memberOf", "Axis of Resistance")
    assert relation(seed, "Iran", "mediatesBetween")["object"] == ["Hamas", "Syria"]
    relation(seed, "Hamas", "leftAlliance", "Axis of Resistance")
    relation(seed, "Iran", "leaderOf", "Axis of Resistance")
    hq = relation(seed, "Hamas", "headquarteredIn", "Damascus")
    assert hq["end"] == "2012" and hq["time"] == "In 2012"
    sinwar = relation(seed, "Yahya Sinwar", "leaderOf", "Hamas")
    assert sinwar["role"] == "gaza chief" and sinwar["start"] == "2017"
    assert relation(seed, "Mahmoud Zahar", "memberOf", "Hamas")["role"] == "senior official"
    assert relation(seed, "Hamas", "supports", "Syrian opposition")["status"] == "alleged"
    pairs = {(r["subject"], r["object"]) for r in seed["relations"] if r["predicate"] == "alliedWith"}
    assert pairs == {("Iran", "Syria"), ("Iran", "Hizballah"), ("Syria", "Hizballah")}


def test_seed_events_and_dates(seed):
    meeting = events(seed, "Meeting")
    assert [m["date"] for m in meeting] == ["2017-08-04"] and "Hamas" in meeting[0]["participants"]
    assert [e["date"] for e in events(seed, "Relocation")] == ["2012"]
    assert events(seed, "Relocation")[0]["place"] == "Damascus"
    assert events(seed, "Election")[0]["participants"] == ["Yahya Sinwar", "Hamas"]
    assert events(seed, "Inauguration")[0]["participants"] == ["Hassan Rouhani"]


def test_seed_claims_with_channel_and_hedge(seed):
    by_claimant = {}
    for c in seed["claims"]:
        by_claimant.setdefault(str(c["claimant"]), []).append(c)
    sinwar = by_claimant["Yahya Sinwar"][0]
    assert sinwar["channel"] == "al-Monitor" and sinwar["direct_quote"] is True
    assert sinwar["hedge"] == "according to al-Monitor"
    assert [c["channel"] for c in by_claimant["Mahmoud Zahar"]] == ["al-Mayadeen TV", "al-Mayadeen TV"]
    assert {c["hedge"] for c in by_claimant["Syria"]} == {"accused", "reportedly"}
    assert by_claimant["unnamed source"][0]["channel"] == "al-Monitor"
    assert by_claimant["None"][0]["hedge"] == "is believed"


def test_every_item_carries_sentence_offsets_and_confidence(seed):
    body = read_article((SAMPLES / "000-iran-hamas-syria-axis.txt").read_text(encoding="utf-8"), "x").body
    for section in ("relations", "events", "claims"):
        for item in seed[section]:
            start, end = item["offsets"]
            assert " ".join(body[start:end].split()) == item["sentence"]
            assert 0 < item["confidence"] <= 1


def test_seed_extraction_loads_cleanly(seed):
    doc = check_claims(seed, "seed.yaml", "seed.txt")
    assert len(doc.relations) == len(seed["relations"])


FAMILIES = [
    ("alliance membership", """\
        Norway, Denmark and Iceland form the Nordic Council, officials say.""",
     lambda d: relation(d, "Norway", "memberOf", "Nordic Council")),
    ("joining and accession", """\
        Finland formally joined NATO on Tuesday.""",
     lambda d: (relation(d, "Finland", "joinedAlliance", "NATO"), events(d, "Accession")[0]["date"] == "2021-03-09")),
    ("leaving an alliance", """\
        Qatar quit OPEC in 2019 after decades of membership.""",
     lambda d: relation(d, "Qatar", "leftAlliance", "OPEC") if actor_types(d).get("OPEC") == "Alliance" else
     events(d, "Withdrawal") == []),
    ("rupture of relations", """\
        Bahrain and Egypt severed diplomatic ties with Iran on Monday.""",
     lambda d: (relation(d, "Bahrain", "hostileTo", "Iran"),
                events(d, "DiplomaticRupture")[0]["date"] == "2021-03-08",
                events(d, "DiplomaticRupture")[0]["cameo"] == "161")),
    ("negation", """\
        Turkey did not cut ties with Israel despite the pressure.""",
     lambda d: (relation(d, "Turkey", "hostileTo", "Israel")["status"] == "negated",
                events(d, "DiplomaticRupture") == [])),
    ("mediation", """\
        Qatar offered to mediate between Israel and Hamas last month.""",
     lambda d: (relation(d, "Qatar", "mediatesBetween")["object"] == ["Israel", "Hamas"],
                events(d, "Mediation")[0]["date"] == "2021-02")),
    ("rift", """\
        Algeria is trying to end a long rift between Morocco and Mauritania.""",
     lambda d: relation(d, "Morocco", "hostileTo", "Mauritania")),
    ("support and allegation", """\
        Saudi Arabia has accused Iran of arming the Houthi militia.""",
     lambda d: (relation(d, "Iran", "supports", "Houthi militia")["status"] == "alleged",
                d["claims"][0]["hedge"] == "accused")),
    ("backed groups", """\
        Officials blamed Russian-backed militants for the attack.""",
     lambda d: (actor_types(d)["Russian-backed militants"] == "ArmedGroup",
                relation(d, "Russia", "supports", "Russian-backed militants"))),
    ("reconciliation", """\
        Egypt restored relations with Turkey after years of tension.""",
     lambda d: (relation(d, "Egypt", "reconciledWith", "Turkey"), events(d, "DiplomaticRestoration"))),
    ("alliance by fighting together", """\
        Iran, Syria and Hezbollah have fought side-by-side for years.""",
     lambda d: len([r for r in d["relations"] if r["predicate"] == "alliedWith"]) == 3),
    ("meeting with titles", """\
        French President Emmanuel Macron met German Chancellor Olaf Scholz in Paris on 3 March.""",
     lambda d: (relation(d, "Emmanuel Macron", "leaderOf", "France")["role"] == "president",
                set(events(d, "Meeting")[0]["participants"]) == {"Emmanuel Macron", "Olaf Scholz"},
                events(d, "Meeting")[0]["date"] == "2021-03-03")),
    ("relocation out of a place", """\
        In 2015, the Muslim Brotherhood moved its headquarters out of Cairo.""",
     lambda d: (relation(d, "Muslim Brotherhood", "headquarteredIn", "Cairo")["end"] == "2015",
                events(d, "Relocation")[0]["place"] == "Cairo")),
    ("sanctions", """\
        The United States imposed new sanctions on Venezuela on Friday.""",
     lambda d: set(events(d, "Sanction")[0]["participants"]) >= {"Venezuela"}),
    ("election with role", """\
        The party welcomed the election of Mahmoud Abbas as Fatah leader.""",
     lambda d: events(d, "Election")[0]["participants"][0] == "Mahmoud Abbas"),
    ("appositive official", """\
        Senior Hezbollah official Naim Qassem told Al Jazeera that the group would respond.""",
     lambda d: (relation(d, "Naim Qassem", "memberOf", "Hezbollah")["role"] == "senior official",
                d["claims"][0]["claimant"] == "Naim Qassem", d["claims"][0]["channel"] == "Al Jazeera")),
]


@pytest.mark.parametrize("family,body,check", FAMILIES, ids=[f[0] for f in FAMILIES])
def test_pattern_families(family, body, check):
    doc = run(body)
    result = check(doc)
    assert all(result) if isinstance(result, tuple) else result is not False


CLAIMS = [
    ("quote then speaker with pronoun", """\
        Lithuanian Ambassador Deividas Matulionis spoke to reporters in Brussels.

        "The discussion was useful," he said, according to Reuters.""",
     {"claimant": "Deividas Matulionis", "channel": "Reuters", "direct_quote": True,
      "hedge": "according to Reuters", "content": "The discussion was useful"}),
    ("told that", """\
        Senior Hamas official Khalil al-Hayya told Al Jazeera that the talks had stalled.""",
     {"claimant": "Khalil al-Hayya", "channel": "Al Jazeera", "direct_quote": False,
      "content": "the talks had stalled"}),
    ("anonymous source", """\
        "The meeting took place in Doha," a source told Reuters on Sunday.""",
     {"claimant": "unnamed source", "channel": "Reuters", "direct_quote": True}),
    ("trailing attribution", """\
        NATO envoys failed to agree on the plan on Wednesday, diplomats said.""",
     {"claimant": "diplomats (unnamed)", "direct_quote": False}),
    ("reported speech with hedge", """\
        Egypt had reportedly said it would reopen the border crossing.""",
     {"claimant": "Egypt", "hedge": "reportedly", "direct_quote": False}),
    ("believed", """\
        Iran is believed to hold great influence in Baghdad.""",
     {"claimant": None, "hedge": "is believed"}),
    ("speaker then quote", """\
        Secretary General Jens Stoltenberg said "we are determined to reach a rapid conclusion." """,
     {"claimant": "Jens Stoltenberg", "direct_quote": True}),
    ("denial", """\
        There was no immediate Qatari reaction, but it has denied supporting terrorism in the past.""",
     {"claimant": "Qatar", "hedge": "denied"}),
]


@pytest.mark.parametrize("family,body,expected", CLAIMS, ids=[c[0] for c in CLAIMS])
def test_claim_families(family, body, expected):
    claims = run(body)["claims"]
    assert claims, family
    claim = claims[-1]
    for key, value in expected.items():
        assert claim[key] == value, (key, claim)


@pytest.mark.parametrize("words,expected", [
    ("They met on 4 August.", ("on 4 August", "2017-08-04")),
    ("It happened on Friday.", ("on Friday", "2017-09-22")),
    ("In 2012, it moved.", ("In 2012", "2012")),
    ("It began last month.", ("last month", "2017-08")),
    ("Talks resumed in recent months.", ("in recent months", "2017")),
    ("They met on 30 December.", ("on 30 December", "2016-12-30")),
    ("No date here.", None),
])
def test_dates_resolve_against_publication(words, expected):
    assert find_time(words, dt.date(2017, 9, 23)) == expected


def test_no_header_and_html_are_read():
    doc = extract("<html><head><title>Gulf news</title></head><body><p>Saudi Arabia severed ties with Qatar."
                  "</p><script>var x = 'Iran';</script></body></html>", "page.html", is_html=True)
    assert doc["title"] == "Gulf news"
    assert {a["name"] for a in doc["actors"]} == {"Saudi Arabia", "Qatar"}
    plain = extract("Saudi Arabia severed ties with Qatar.", "plain.txt")
    assert "published" not in plain and relation(plain, "Saudi Arabia", "hostileTo", "Qatar")


def test_sentences_keep_quotes_whole_and_join_soft_wraps():
    body = ('Moving out\nHe spoke.\n"We wait. We hope," he said.\n'
            "DUBAI, June 5 Saudi Arabia, Egypt, the United\nArab Emirates and Bahrain severed their ties with\n"
            "Qatar on Monday.")
    texts = [s.text for s in split_sentences(body)]
    assert texts == ["Moving out", "He spoke.", '"We wait. We hope," he said.',
                     "DUBAI, June 5 Saudi Arabia, Egypt, the United Arab Emirates and Bahrain severed their ties "
                     "with Qatar on Monday."]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.txt")))
def test_written_articles_extract_and_load(name):
    data = (FIXTURES / name).read_bytes()
    doc = extract_claims(data, name)
    checked = check_claims(yaml.safe_load(yaml.safe_dump(doc)), name, name)
    assert checked.actors and checked.relations and checked.events


def test_gulf_article_facts():
    doc = extract_claims((FIXTURES / "gulf-reconciliation.txt").read_bytes(), "gulf.txt")
    relation(doc, "Kuwait", "mediatesBetween")
    relation(doc, "Egypt", "reconciledWith", "Qatar")["status"] == "negated"
    relation(doc, "Turkey", "alliedWith", "Qatar")
    relation(doc, "Tamim bin Hamad al-Thani", "leaderOf", "Qatar")
    assert set(events(doc, "Meeting")[0]["participants"]) == {"Nawaf al-Ahmad al-Sabah", "Tamim bin Hamad al-Thani"}
    assert any(c["claimant"] == "Reuters" and c["hedge"] == "according to Reuters" for c in doc["claims"])


def test_empty_binary_non_english_and_huge_inputs(tmp_path):
    empty = extract_claims(b"", "empty.txt")
    assert empty["actors"] == [] and empty["relations"] == [] and empty["claims"] == []
    with pytest.raises(LoadError, match="binary"):
        extract_claims(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "picture.txt")
    french = extract_claims("Le président a rencontré le chancelier à Berlin mardi, selon des diplomates.".encode(),
                            "fr.txt")
    assert french["warnings"] and "English" in french["warnings"][0]
    check_claims(french, "fr.txt", "fr.txt")
    body = (SAMPLES / "000-iran-hamas-syria-axis.txt").read_text(encoding="utf-8")
    huge = (body * (5_000_000 // len(body) + 1)).encode()
    assert len(huge) >= 5_000_000
    doc = extract_claims(huge, "huge.txt")
    check_claims(doc, "huge.txt", "huge.txt")
    assert {"Iran", "Hamas"} <= {a["name"] for a in doc["actors"]}
