"""The entity pages' pictures, read back from their SVG: where edges run, what carries an arrow, what the
time axis spans and how an unknown start or end is drawn (issue 14, items 6, 7 and 13)."""

import datetime as dt
import math
import re
import xml.etree.ElementTree as ET

import pytest
from rdflib import OWL, RDF

from geokg.ontology.files import ontology_graph
from geokg.server.app import create_app
from geokg.server.pictures import NAMES, network_svg, timeline_svg

BASE = "https://geokg.example.org"
GK = "https://w3id.org/geokg/ontology#"
SVG = "{http://www.w3.org/2000/svg}"
HTML = {"Accept": "text/html"}
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def drawing(page: str, kind: str) -> ET.Element:
    start = page.index(f'<svg xmlns="http://www.w3.org/2000/svg" class="{kind}"')
    return ET.fromstring(page[start:page.index("</svg>", start) + 6])


def svg_of(markup: str) -> ET.Element:
    """The drawing of what ``network_svg`` returns (a list of the relations follows it)."""
    return ET.fromstring(markup[:markup.index("</svg>") + 6])


def outside_defs(svg: ET.Element, tag: str) -> list[ET.Element]:
    hidden = {id(e) for d in svg.iter(SVG + "defs") for e in d.iter()}
    return [e for e in svg.iter(SVG + tag) if id(e) not in hidden]


def points(d: str, step: float = 1.0) -> list[tuple[float, float]]:
    """Points along a path of one M and one L, Q or C segment, about ``step`` apart."""
    numbers = [float(n) for n in NUMBER.findall(d)]
    xs, ys = numbers[0::2], numbers[1::2]
    controls = list(zip(xs, ys))
    length = sum(math.dist(a, b) for a, b in zip(controls, controls[1:]))
    count = max(2, int(length / step))
    out = []
    for i in range(count + 1):
        t = i / count
        level = controls
        while len(level) > 1:  # de Casteljau: a line, a quadratic and a cubic alike
            level = [(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t) for a, b in zip(level, level[1:])]
        out.append(level[0])
    return out


def nodes(svg: ET.Element) -> list[tuple[float, float, float]]:
    return [(float(c.get("cx")), float(c.get("cy")), float(c.get("r"))) for c in outside_defs(svg, "circle")]


def edges(svg: ET.Element) -> list[tuple[str, list]]:
    return [(p.findtext(SVG + "title") or "", p) for p in outside_defs(svg, "path")]


def crossings(svg: ET.Element) -> list[str]:
    """Edges that pass through a node they do not join: an edge's ends are the nodes its first and last
    points touch (the centre, or the rim where an arrowhead sits)."""
    circles, bad = nodes(svg), []
    for title, path in edges(svg):
        along = points(path.get("d"))
        ends = {i for i, (x, y, r) in enumerate(circles) for p in (along[0], along[-1]) if math.dist(p, (x, y)) <= r + 12}
        for i, (x, y, r) in enumerate(circles):
            if i not in ends and any(math.dist(p, (x, y)) < r + 2 for p in along):
                bad.append(f"{title} crosses the node at {x:.0f},{y:.0f}")
    return bad


def symmetric_relations() -> set[str]:
    return {str(p).rsplit("#", 1)[-1] for p in ontology_graph().subjects(RDF.type, OWL.SymmetricProperty)}


@pytest.mark.parametrize("actor", ["iran", "hamas", "axis-of-resistance", "hizballah"])
def test_no_edge_of_the_demo_networks_runs_through_a_node_it_does_not_join(client, actor):
    svg = drawing(client.get(f"/id/actor/{actor}", headers=HTML).get_data(as_text=True), "network")
    assert len(edges(svg)) >= 5
    assert crossings(svg) == []


def actor(name: str) -> dict:
    return {"uri": f"{BASE}/id/actor/{name.lower().replace(' ', '-')}", "label": name,
            "href": f"/id/actor/{name.lower().replace(' ', '-')}"}


def hub_network(count: int) -> tuple[dict, list[dict]]:
    """A centre in an alliance with ``count`` - 1 fellow members that also deal with the centre and with one
    another: edges between neighbours on every side of the circle, both ways, directed and symmetric."""
    centre, alliance = actor("Centre"), actor("The Alliance")
    fellows = [actor(f"Fellow {i}") for i in range(count - 1)]
    out = [{"source": centre, "target": alliance, "relation": "memberOf"},
           {"source": centre, "target": alliance, "relation": "leaderOf"}]
    for i, fellow in enumerate(fellows):
        out.append({"source": fellow, "target": alliance, "relation": "memberOf"})
        out.append({"source": centre, "target": fellow, "relation": ("supports", "alliedWith", "hostileTo")[i % 3]})
        if i % 2:
            out.append({"source": fellow, "target": centre, "relation": "supports"})
        if i % 4 == 1:
            out.append({"source": fellow, "target": fellows[(i + len(fellows) // 2) % len(fellows)],
                        "relation": "supports"})
    return centre, out


@pytest.mark.parametrize("count", [2, 3, 4, 6, 9, 13, 18, 24])
def test_no_edge_crosses_a_node_whatever_the_number_of_neighbours(count):
    centre, relations = hub_network(count)
    svg = svg_of(network_svg(centre, relations))
    assert len(edges(svg)) == len(relations)
    assert crossings(svg) == []


def test_directed_relations_carry_arrows_and_symmetric_ones_do_not():
    symmetric = symmetric_relations()
    assert {"alliedWith", "hostileTo"} <= symmetric and "supports" not in symmetric
    centre, relations = hub_network(9)
    svg = svg_of(network_svg(centre, relations))
    markers = {m.get("id"): m for m in svg.iter(SVG + "marker")}
    drawn = dict(edges(svg))
    assert len(drawn) == len(relations)
    for relation in relations:
        title = f'{relation["source"]["label"]} {NAMES[relation["relation"]]} {relation["target"]["label"]}'
        marked = drawn[title].get("marker-end")
        if relation["relation"] in symmetric:
            assert marked is None, title
        else:
            assert marked and marked[len("url(#"):-1] in markers, title
    # "A supports B" and "B supports A" differ: each arrow ends at its target's node.
    both = [(t, p) for t, p in edges(svg) if t in ("Centre supports Fellow 3", "Fellow 3 supports Centre")]
    ends = {t: points(p.get("d"))[-1] for t, p in both}
    assert len(ends) == 2
    for title, target in (("Centre supports Fellow 3", "Fellow 3"), ("Fellow 3 supports Centre", "Centre")):
        node = next(e.find(SVG + "circle") for e in svg.iter() if e.findtext(SVG + "title") == target
                    and e.find(SVG + "circle") is not None)
        centre_of, r = (float(node.get("cx")), float(node.get("cy"))), float(node.get("r"))
        assert math.dist(ends[title], centre_of) <= r + 3, title


def test_long_names_are_wrapped_or_shortened_never_cut_silently():
    long_name = "Popular Front for the Liberation of Palestine General Command"
    centre = actor("Centre")
    relations = [{"source": centre, "target": actor(long_name), "relation": "alliedWith"},
                 {"source": actor("Organisation of Islamic Cooperation"), "target": centre, "relation": "supports"}]
    svg = svg_of(network_svg(centre, relations))
    for name in (long_name, "Organisation of Islamic Cooperation"):
        holder = next(e for e in svg.iter() if any(name in (t.text or "") for t in e.findall(SVG + "title"))
                      and e.find(f".//{SVG}text") is not None)
        shown = " ".join(" ".join(t.itertext()) for t in holder.iter(SVG + "text")).split()
        assert shown == name.split() or (shown[-1].endswith("…") and name.startswith(" ".join(shown)[:-1]))
        lines = [t for t in holder.iter(SVG + "tspan")] or list(holder.iter(SVG + "text"))
        assert max(len("".join(line.itertext())) for line in lines) <= 24


def test_the_network_is_not_an_image_holding_links(client):
    page = client.get("/id/actor/hamas", headers=HTML).get_data(as_text=True)
    svg = drawing(page, "network")
    assert any(True for _ in svg.iter(SVG + "a"))
    assert svg.get("role") != "img" and (svg.get("aria-label") or svg.get("aria-labelledby"))


def years(svg: ET.Element) -> list[tuple[int, float]]:
    """The axis: each year label and where it stands, in per cent of the width or in user units."""
    return [(int(t.text), float(t.get("x").rstrip("%"))) for t in svg.iter(SVG + "text")
            if re.fullmatch(r"\d{4}", (t.text or "").strip())]


def where(svg: ET.Element, year: float) -> float:
    (y0, x0), (y1, x1) = years(svg)[0], years(svg)[-1]
    return x0 + (year - y0) / (y1 - y0) * (x1 - x0)


def bar_shapes(svg: ET.Element, label: str) -> list[ET.Element]:
    """The shapes of one member's bar, left to right, found by the member named in their tooltip."""
    shapes = [r for r in svg.iter(SVG + "rect") if (r.findtext(SVG + "title") or "").startswith(label + ":")]
    return sorted(shapes, key=lambda r: float(r.get("x").rstrip("%")))


def test_the_axis_spans_the_dates_the_sources_state_and_not_up_to_today(client):
    svg = drawing(client.get("/id/actor/axis-of-resistance", headers=HTML).get_data(as_text=True), "timeline")
    axis = [y for y, _ in years(svg)]
    # The sources date Hamas's leaving (2012) and the article stating the memberships (2017-09-23).
    assert axis and min(axis) >= 2011 and max(axis) <= 2019 and dt.date.today().year not in axis


def test_an_unknown_start_fades_in_and_does_not_look_like_a_joining_date(client):
    svg = drawing(client.get("/id/actor/axis-of-resistance", headers=HTML).get_data(as_text=True), "timeline")
    hamas = bar_shapes(svg, "Hamas")
    assert hamas and hamas[0].get("fill", "").startswith("url(#")
    gradient = next(g for g in svg.iter(SVG + "linearGradient") if hamas[0].get("fill") == f"url(#{g.get('id')})")
    opacities = [float(s.get("stop-opacity", "1")) for s in gradient.iter(SVG + "stop")]
    assert opacities[0] < opacities[-1]
    # It ends where the source says Hamas left: 2012.
    right = float(hamas[-1].get("x").rstrip("%")) + float(hamas[-1].get("width").rstrip("%"))
    assert abs(right - where(svg, 2012)) < 0.5
    assert "?" in "".join(svg.itertext())


@pytest.fixture
def dated(store):
    """An alliance whose members' joining and leaving are all dated."""
    rdfs = "http://www.w3.org/2000/01/rdf-schema#label"
    lines = [f"<{BASE}/id/actor/pact> a <{GK}Alliance> ; <{rdfs}> \"Pact\" ."]
    for name, relation, field, date in (("north", "joinedAlliance", "date", "2015-03-01"),
                                        ("north", "leftAlliance", "date", "2020-07-01"),
                                        ("south", "memberOf", "start", "2016"), ("south", "memberOf", "end", "2021")):
        member, st = f"<{BASE}/id/actor/{name}>", f"<{BASE}/id/relation/t/{name}-{relation}>"
        lines.append(f"{member} a <{GK}State> ; <{rdfs}> \"{name.title()}\" ; <{GK}{relation}> <{BASE}/id/actor/pact> .")
        lines.append(f"{st} <{GK}subject> {member} ; <{GK}object> <{BASE}/id/actor/pact> ; "
                     f"<{GK}relation> <{GK}{relation}> ; <{GK}{field}> \"{date}\" .")
    store.update("INSERT DATA { GRAPH <%s/graph/pact> { %s } }" % (BASE, "\n".join(lines)))
    return create_app({"GEOKG_STORE_OBJECT": store, "GEOKG_BASE": BASE, "TESTING": True}).test_client()


def test_dated_bars_start_and_end_at_their_dates_and_no_caption_speaks_of_unknown_dates(dated):
    page = dated.get("/id/actor/pact", headers=HTML).get_data(as_text=True)
    svg = drawing(page, "timeline")
    axis = [y for y, _ in years(svg)]
    assert min(axis) >= 2014 and max(axis) <= 2022
    for label, start, end in (("North", 2015 + 2 / 12, 2020.5), ("South", 2016, 2021)):
        shapes = bar_shapes(svg, label)
        assert shapes and not any(s.get("fill", "").startswith("url(") for s in shapes)
        left = float(shapes[0].get("x").rstrip("%"))
        right = float(shapes[-1].get("x").rstrip("%")) + float(shapes[-1].get("width").rstrip("%"))
        assert abs(left - where(svg, start)) < 0.5 and abs(right - where(svg, end)) < 0.5
    figure = page[page.rindex("<figure", 0, page.index('class="timeline"')):]
    figure = figure[:figure.index("</figure>")]
    assert not re.search(r"fad|unknown|no start|no end|not stated|\?", re.sub(r"<[^>]+>", " ", figure), re.I)


def test_the_timeline_explains_unknown_dates_only_when_a_bar_has_one():
    rows = [{"label": "A", "href": None, "start": "2001", "end": None, "status": "member"},
            {"label": "B", "href": None, "start": "2003", "end": "2005", "status": "left"}]
    open_end = ET.fromstring(timeline_svg(rows, "2024-01-01"))
    assert "no stated end" in "".join(open_end.itertext()) and "no stated start" not in "".join(open_end.itertext())
    assert max(y for y, _ in years(open_end)) <= 2006
    closed = ET.fromstring(timeline_svg(rows[1:], "2024-01-01"))
    assert "stated" not in "".join(closed.itertext()) and "?" not in "".join(closed.itertext())
