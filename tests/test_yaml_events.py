"""The event reader (libyaml's events straight into records) reads every document as the full loader does:
the same values, the same line for every mapping and field, and the same problems, since it hands anything
unusual to the full loader."""

import datetime as dt

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from geokg.loaders import claims

pytestmark = pytest.mark.skipif("libyaml" not in claims._LOADERS, reason="PyYAML was built without libyaml")


def full(text):
    loader = claims._LOADERS["libyaml"](text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def located(value):
    """Every mapping's line and field lines, in document order: what error messages point at."""
    if isinstance(value, dict):
        yield value.line, value.lines
        for v in value.values():
            yield from located(v)
    elif isinstance(value, list):
        for v in value:
            yield from located(v)


def same_as_full(text):
    fast = claims._read_events(text)
    slow = full(text)
    assert fast == slow and [type(v) for v in _leaves(fast)] == [type(v) for v in _leaves(slow)]
    assert list(located(fast)) == list(located(slow))
    return fast


def _leaves(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


# Plain scalars that look like other types are the resolver's hard cases.
TRICKY = st.sampled_from(["yes", "No", "on", "OFF", "~", "null", "Null", "", "0x1F", "0o17", "1_000", "+.inf",
                          ".NaN", "1e3", "12:30:00", "2017-09-23", "2017-09-23 10:00:00", "=", "<<x", "true",
                          "False", "- a", "a: b", "#c", "'q'", '"q"', "Tehran", "Null Island", "1.5", "-7"])
SCALARS = (st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False)
           | st.dates(dt.date(1000, 1, 1)) | TRICKY | st.text(max_size=30))
KEYS = st.text(min_size=1, max_size=12) | st.integers(0, 99) | TRICKY
DOCUMENTS = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
                         max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(document=st.dictionaries(KEYS, DOCUMENTS, max_size=6), flow=st.sampled_from([None, True, False]),
       width=st.sampled_from([20, 80, 1 << 20]))
def test_generated_documents_read_alike(document, flow, width):
    text = yaml.safe_dump(document, default_flow_style=flow, width=width, allow_unicode=True, sort_keys=False)
    same_as_full(text)


def test_the_seed_file_reads_alike_through_the_event_reader():
    from pathlib import Path

    data = (Path(claims.__file__).parent / "samples" / "000-iran-hamas-syria-axis.yaml").read_text(encoding="utf-8")
    doc = same_as_full(data)
    assert doc["actors"][0]["name"] == "Iran" and doc["actors"][0].line == data.splitlines().index("- name: Iran") + 1


def test_both_loaders_read_the_seed_alike_with_the_same_lines(monkeypatch):
    """libyaml's loader, which the reader uses, gives what the pure-Python one gives, lines included."""
    from pathlib import Path

    assert claims._Loader is claims._LOADERS["libyaml"]
    data = (Path(claims.__file__).parent / "samples" / "000-iran-hamas-syria-axis.yaml").read_bytes()
    fast = claims.read_claims(data, "seed.yaml")
    monkeypatch.setattr(claims, "_Loader", claims._LOADERS["python"])
    pure = claims.read_claims(data, "seed.yaml")
    assert fast == pure and list(located(fast)) == list(located(pure))


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n",
    "a: !!str 12\n",
    "- &r {name: R}\n- {<<: *r, type: State}\n",
    "a: 1\na: 2\n",
    "? [a, b]\n: c\n",
    "a: " + "[" * 70 + "]" * 70 + "\n",
    "a: [\n",
    "a: 1\n---\nb: 2\n",
    "a: 99999999999999999999" + "9" * 400 + "\n",
], ids=["alias", "tag", "merge key", "duplicate key", "collection key", "deep", "syntax error", "two documents",
        "long number"])
def test_unusual_documents_are_left_to_the_full_loader(text):
    with pytest.raises(claims._Unusual):
        claims._read_events(text)


def test_a_document_the_event_reader_refuses_still_reads_or_fails_as_before():
    text = "article: a\nx: &s Ruritania joined.\nactors:\n- {name: R, type: State, description: *s}\n"
    assert claims.read_claims(text.encode(), "a.yaml")["actors"][0]["description"] == "Ruritania joined."
