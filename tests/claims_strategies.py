"""Hypothesis strategies for claims documents as a person or the extractor might write them, hostile text
included (quotes, backslashes, newlines, control and non-Latin characters, dates that are no dates), for
the tests that hold the mapping to the shapes and to the rdflib mapping it replaced."""

import string

from hypothesis import strategies as st

from geokg.loaders.model import ACTOR_TYPES, EVENT_TYPES, PREDICATES

HOSTILE = st.sampled_from(['"', "\\", "\\n", "\n", "\r\n", "\t", "\x00", "\x0b", "\u2028", "é", "Ḥamās", "حماس",
                           "日本", "<a>", "{x}", " ", "#", "'", "\\u0041", "^^", "@en", "%20", "😀"])
# Each text opens with a letter, so that it is never blank once stripped (blank is a problem of its own).
TEXT = st.tuples(st.text(string.ascii_letters, min_size=1, max_size=6),
                 st.lists(st.text(string.ascii_letters + " -'", max_size=8) | HOSTILE, max_size=5)).map(
    lambda parts: parts[0] + "".join(parts[1]))
NAMES = st.tuples(st.text(string.ascii_letters, min_size=1, max_size=6),
                  st.lists(st.text(string.ascii_letters + " .-'", max_size=8) | HOSTILE, max_size=2)).map(
    lambda parts: parts[0] + "".join(parts[1]))
GOOD_DATES = st.sampled_from(["2017", "2017-08", "2017-08-04", "1999-12-31", "2020-02-29", "", None])
BAD_DATES = st.sampled_from(["yesterday", "2017-02-30", "17", "2017-13"])
GOOD_CONFIDENCE = st.none() | st.floats(min_value=0, max_value=1) | st.sampled_from([1, 0])
DBPEDIA = st.sampled_from(["Grand Pact (1900)", "AC/DC", "Ḥamās"])
BAD_CONFIDENCE = st.sampled_from([1.5, -0.1, "high", True])


@st.composite
def claims_documents(draw):
    """A raw claims document; one in four has values the checker must refuse (undeclared actors, unknown
    types, impossible dates, bad identifiers), the others only text that is awkward to write out."""
    wrong = draw(st.integers(0, 3)) == 0
    DATES = GOOD_DATES | BAD_DATES if wrong else GOOD_DATES
    CONFIDENCE = GOOD_CONFIDENCE | BAD_CONFIDENCE if wrong else GOOD_CONFIDENCE
    names = draw(st.lists(NAMES, min_size=1, max_size=6, unique_by=lambda n: n.strip()))
    actors = [{"name": n, "type": draw(st.sampled_from(ACTOR_TYPES + (("Nation",) if wrong else ()))),
               "aliases": draw(st.lists(NAMES, max_size=3)),
               "wikidata": draw(st.none() | st.sampled_from(["Q1", "Q794"] + (["X9"] if wrong else []))),
               "dbpedia": draw(st.none() | (NAMES if wrong else DBPEDIA)),
               "description": draw(st.none() | TEXT)} for n in names]
    pick = st.sampled_from(names)
    # A name nobody declared, or a place named only where places may be.
    ref = pick | NAMES if wrong else pick
    sentence = st.one_of(TEXT, st.lists(TEXT, min_size=1, max_size=3))
    relations = draw(st.lists(st.fixed_dictionaries({
        "subject": pick, "predicate": st.sampled_from(PREDICATES),
        "object": pick | st.lists(ref, min_size=1, max_size=3),
        "sentence": sentence,
    }, optional={"role": TEXT, "time": TEXT, "date": DATES, "start": DATES,
                 "end": DATES if wrong else st.sampled_from(["2021", "2021-05", "2022-01-01"]), "status": TEXT,
                 "confidence": CONFIDENCE}), max_size=5))
    events = draw(st.lists(st.fixed_dictionaries({
        "type": st.sampled_from(EVENT_TYPES), "participants": st.lists(pick, min_size=1, max_size=4),
        "sentence": sentence,
    }, optional={"time": TEXT, "date": DATES, "place": ref, "confidence": CONFIDENCE}), max_size=5))
    claims = draw(st.lists(st.fixed_dictionaries({
        "content": TEXT, "sentence": sentence,
    }, optional={"claimant": st.none() | pick | st.sampled_from(["unnamed source", "a source"])
                 | st.lists(pick, max_size=2),
                 "channel": st.none() | pick | TEXT, "direct_quote": st.booleans() | st.none(),
                 "hedge": st.none() | TEXT, "about": st.lists(pick, max_size=3),
                 "confidence": CONFIDENCE}), max_size=4))
    document = {"article": draw(st.sampled_from(["a.txt", "Ḥamās report.txt", "x"]) | NAMES),
                "actors": actors, "relations": relations, "events": events, "claims": claims}
    for field, values in (("title", st.none() | TEXT), ("publisher", st.none() | TEXT),
                          ("published", DATES | st.sampled_from(["23 September, 2017", "unknown"])),
                          ("source", st.none() | st.sampled_from(["https://example.org/a?b=1#c", "not a url",
                                                                   "https://example.org/Ḥ"]
                                                                  + (["http://x/a b"] if wrong else [])))):
        value = draw(values)
        if value is not None:
            document[field] = value
    return document
