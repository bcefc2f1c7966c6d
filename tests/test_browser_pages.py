"""Entity pages measured in headless Chromium at a desktop and a phone width (issue 14, items 6, 7, 12, 13):
where the network's edges and labels fall, what the timeline's axis spans, and whether a page is wider
than the phone. Screenshots of each page go to tests/output/."""

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import serving

OUTPUT = Path(__file__).parent / "output"
WIDTHS = {"desktop": 1280, "phone": 390}


# Problems of a network drawing, computed from the SVG as drawn: edges are sampled along their geometry,
# nodes are the circles, labels the text boxes (legend included).
NETWORK_PROBLEMS = """svg => {
  const shown = [...svg.querySelectorAll('circle, path, text')].filter(e => !e.closest('defs, marker'));
  const circles = shown.filter(e => e.tagName === 'circle')
    .map(c => ({x: c.cx.baseVal.value, y: c.cy.baseVal.value, r: c.r.baseVal.value}));
  const labels = shown.filter(e => e.tagName === 'text').map(t => {
    const b = t.getBBox(); return {name: t.textContent.trim(), x: b.x, y: b.y, w: b.width, h: b.height}; });
  const problems = [];
  const inside = (p, b) => p.x > b.x + .5 && p.x < b.x + b.w - .5 && p.y > b.y + .5 && p.y < b.y + b.h - .5;
  const edges = shown.filter(e => e.tagName === 'path');
  for (const path of edges) {
    const name = (path.querySelector('title') || {}).textContent || path.getAttribute('d');
    const length = path.getTotalLength();
    const along = [];
    for (let s = 0; s <= length; s += 1) along.push(path.getPointAtLength(s));
    along.push(path.getPointAtLength(length));
    const first = along[0], last = along[along.length - 1];
    circles.forEach(c => {
      const end = [first, last].some(p => Math.hypot(p.x - c.x, p.y - c.y) <= c.r + 12);
      if (!end && along.some(p => Math.hypot(p.x - c.x, p.y - c.y) < c.r + 2))
        problems.push(`edge ${name} crosses the node at ${Math.round(c.x)},${Math.round(c.y)}`);
    });
    labels.forEach(l => { if (along.some(p => inside(p, l))) problems.push(`edge ${name} runs over label ${l.name}`); });
  }
  labels.forEach((a, i) => {
    labels.slice(i + 1).forEach(b => {
      if (a.x + .5 < b.x + b.w && b.x + .5 < a.x + a.w && a.y + .5 < b.y + b.h && b.y + .5 < a.y + a.h)
        problems.push(`labels ${a.name} and ${b.name} overlap`);
    });
    circles.forEach(c => {
      const dx = Math.max(a.x - c.x, 0, c.x - a.x - a.w), dy = Math.max(a.y - c.y, 0, c.y - a.y - a.h);
      // a label wholly inside a node is that node's name
      const within = [[a.x, a.y], [a.x + a.w, a.y], [a.x, a.y + a.h], [a.x + a.w, a.y + a.h]]
        .every(([x, y]) => Math.hypot(x - c.x, y - c.y) <= c.r);
      if (!within && Math.hypot(dx, dy) < c.r - .5) problems.push(`label ${a.name} overlaps the node at ${Math.round(c.x)},${Math.round(c.y)}`);
    });
  });
  return {problems, edges: edges.length, labels: labels.length};
}"""

# Every piece of text a reader sees inside an element, with its size on screen in CSS pixels.
TEXT_SIZES = """root => {
  const out = [];
  for (const el of [root, ...root.querySelectorAll('*')]) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    if (el.closest('title, defs')) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === 'hidden') continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement) size *= (el.ownerSVGElement || el).getScreenCTM().a;
    out.push([el.textContent.trim().slice(0, 40), size]);
  }
  return out;
}"""

# The year labels of a timeline's axis and the boxes of all its text, in CSS pixels.
TIMELINE = """svg => {
  const texts = [...svg.querySelectorAll('text')].filter(t => t.getBoundingClientRect().width > 0);
  const boxes = texts.map(t => { const b = t.getBoundingClientRect();
    return {name: t.textContent.trim(), x: b.x, y: b.y, w: b.width, h: b.height}; });
  const overlaps = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
    if (a.x + .5 < b.x + b.w && b.x + .5 < a.x + a.w && a.y + .5 < b.y + b.h && b.y + .5 < a.y + a.h)
      overlaps.push(`${a.name} / ${b.name}`); }));
  const years = boxes.filter(b => /^\\d{4}$/.test(b.name)).map(b => +b.name);
  const hamas = [...svg.querySelectorAll('rect')].filter(r => (r.querySelector('title') || {}).textContent?.startsWith('Hamas:'))
    .sort((a, b) => a.getBoundingClientRect().x - b.getBoundingClientRect().x);
  return {years, overlaps, hamasStart: hamas.length ? getComputedStyle(hamas[0]).fill : null,
          width: svg.getBoundingClientRect().width};
}"""


@pytest.fixture(params=list(WIDTHS), scope="module")
def tab(request, browser):
    context = browser.new_context(viewport={"width": WIDTHS[request.param], "height": 844 if request.param == "phone"
                                            else 900})
    page = context.new_page()
    page.width_name = request.param
    yield page
    context.close()


def shot(page, name: str, through: str | None = None) -> None:
    """A screenshot of the page, from its top down to the end of ``through`` when given."""
    OUTPUT.mkdir(exist_ok=True)
    clip = None
    if through:
        bottom = page.locator(through).last.evaluate("e => e.getBoundingClientRect().bottom + scrollY")
        clip = {"x": 0, "y": 0, "width": WIDTHS[page.width_name], "height": bottom + 16}
    page.screenshot(path=str(OUTPUT / f"{name}-{page.width_name}.png"), full_page=True, clip=clip)


@pytest.mark.parametrize("actor", ["iran", "hamas", "axis-of-resistance"])
def test_network_edges_cross_no_node_and_labels_overlap_nothing(tab, live_server, actor):
    tab.goto(f"{live_server}/id/actor/{actor}")
    svg = tab.locator("svg.network")
    if svg.is_visible():
        drawn = svg.evaluate(NETWORK_PROBLEMS)
        assert drawn["edges"] >= 5 and drawn["labels"] >= 5
        assert drawn["problems"] == []
    figure = tab.locator("figure.picture", has=tab.locator("svg.network"))
    sizes = figure.evaluate(TEXT_SIZES)
    assert sizes and min(size for _, size in sizes) >= 11, sorted(sizes, key=lambda s: s[1])[:5]
    # Whatever is shown at this width names every actor the page's network joins.
    for name in {"iran": ("Syria", "Hamas", "Hizballah"), "hamas": ("Iran", "Egypt", "Yahya Sinwar"),
                 "axis-of-resistance": ("Iran", "Israel", "Hizballah")}[actor]:
        assert name in figure.inner_text()
    shot(tab, f"network-{actor}", "figure.picture:has(svg.network)")


def crowded_networks():
    """Drawings no demo page has: a hub with 23 fellows dealing with it and each other, and 24 long names."""
    from tests.test_pictures import actor, hub_network
    hub = actor("Hub")
    long_names = [{"source": hub, "target": actor(f"Rival state number {i} of the long name family"),
                   "relation": ("hostileTo", "supports")[i % 2]} for i in range(24)]
    return {"hub": hub_network(24), "long names": (hub, long_names)}


@pytest.mark.parametrize("kind", ["hub", "long names"])
def test_crowded_networks_keep_edges_off_nodes_and_labels_apart(tab, kind):
    if tab.width_name == "phone":
        pytest.skip("phones show the list, measured on the demo pages")
    from geokg.server.pictures import network_svg
    centre, relations = crowded_networks()[kind]
    stylesheets = Path(__file__).parent.parent / "server" / "static"
    tab.set_content(f"<!doctype html><main><figure class='picture'>{network_svg(centre, relations)}</figure></main>")
    for sheet in ("style.css", "pictures.css"):
        tab.add_style_tag(path=str(stylesheets / sheet))
    assert tab.locator("svg.network").is_visible()
    drawn = tab.locator("svg.network").evaluate(NETWORK_PROBLEMS)
    assert drawn["edges"] == len(relations) and drawn["labels"] >= 25
    assert drawn["problems"] == []
    # In between, the column shrinks the drawing until its text would fall under 11 px; then the list shows.
    for width in (1000, 900, 800, 700, 600, 500):
        tab.set_viewport_size({"width": width, "height": 900})
        sizes = tab.locator("figure.picture").evaluate(TEXT_SIZES)
        assert sizes and min(size for _, size in sizes) >= 11, (width, sorted(sizes, key=lambda s: s[1])[:3])
    tab.set_viewport_size({"width": WIDTHS[tab.width_name], "height": 900})


def test_phones_get_a_list_of_relations_and_desktops_the_drawing(tab, live_server):
    tab.goto(f"{live_server}/id/actor/iran")
    drawing_shown = tab.locator("svg.network").is_visible()
    assert drawing_shown == (tab.width_name == "desktop") != tab.locator("ul.network-list").is_visible()
    if not drawing_shown:
        shown = " ".join(tab.locator("figure.picture").first.inner_text().split())
        assert "Iran supports Hamas" in shown and "Hamas supports Iran" in shown


@pytest.mark.parametrize("path", ["/id/actor/axis-of-resistance", "/"])
def test_the_timeline_spans_the_stated_dates_and_stays_readable(tab, live_server, path):
    tab.goto(live_server + path)
    svg = tab.locator("svg.timeline")
    drawn = svg.evaluate(TIMELINE)
    # The sources date Hamas's leaving (2012) and the article stating the memberships (2017-09-23).
    assert drawn["years"] and min(drawn["years"]) >= 2011 and max(drawn["years"]) <= 2019
    assert dt.date.today().year not in drawn["years"]
    assert drawn["hamasStart"] and drawn["hamasStart"].startswith("url(")
    assert drawn["overlaps"] == []
    sizes = svg.evaluate(TEXT_SIZES)
    assert min(size for _, size in sizes) >= 11, sorted(sizes, key=lambda s: s[1])[:5]
    shot(tab, "home" if path == "/" else "axis-of-resistance", "figure.picture:has(svg.timeline)")


LONG_URL = ("https://www.example.org/news/middle-east/2017/09/23/iran-attempts-to-end-rift-between-hamas-and-the-"
            "syrian-regime-and-rebuild-the-axis-of-resistance-according-to-sources-close-to-both-sides?utm_source="
            "newsletter&utm_medium=email&utm_campaign=weekly-digest-0923")
CLAIMS = f"""article: 901-long-source.txt
title: A made-up report with a long address
published: 2017-09-30
source: {LONG_URL}
actors:
- name: Iran
  type: State
  aliases: []
- name: Popular Front for the Liberation of Palestine General Command
  type: ArmedGroup
  aliases: []
relations:
- subject: Iran
  predicate: supports
  object: Popular Front for the Liberation of Palestine General Command
  time: null
  sentence: Iran supports the Popular Front for the Liberation of Palestine General Command, the report says.
events: []
claims: []
"""


@pytest.fixture(scope="module")
def long_server():
    """`geokg serve` on a store holding one made-up article whose source address is 300 characters long."""
    folder = Path(tempfile.mkdtemp(prefix="geokg-long-"))
    (folder / "901-long-source.yaml").write_text(CLAIMS)
    subprocess.run([sys.executable, "-m", "geokg", "load", "--store", str(folder / "store"),
                    str(folder / "901-long-source.yaml")], check=True, capture_output=True)
    try:
        with serving("--store", str(folder / "store"), "--workers", "1") as url:
            yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_no_page_is_wider_than_the_screen(tab, live_server, long_server):
    pages = {"home": live_server + "/", "actor": live_server + "/id/actor/hamas",
             "article with a long source address": long_server + "/id/article/901-long-source",
             "actor with a long name": long_server + "/id/actor/popular-front-for-the-liberation-of-palestine-"
                                                     "general-command",
             "404 with a long address": live_server + "/id/actor/" + "no-such-actor-" * 12}
    widths = {}
    for name, url in pages.items():
        response = tab.goto(url)
        assert response.status == (404 if name.startswith("404") else 200), name
        if name.startswith("article"):
            assert LONG_URL in tab.content().replace("&amp;", "&")
            shot(tab, "article-long-source")
        widths[name] = tab.evaluate("document.documentElement.scrollWidth")
    assert widths == {name: WIDTHS[tab.width_name] for name in pages}


def test_the_first_tab_offers_a_skip_link_and_the_page_loads_nothing_missing(tab, live_server):
    failed = []
    tab.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    tab.goto(live_server + "/id/actor/hamas")
    icon = tab.locator("link[rel=icon]").get_attribute("href")
    assert tab.request.get(live_server + icon).status == 200
    tab.keyboard.press("Tab")
    focused = tab.evaluate("[document.activeElement.textContent.trim(), document.activeElement.getAttribute('href')]")
    assert focused == ["Skip to content", "#main"]
    tab.keyboard.press("Enter")
    assert tab.evaluate("location.hash") == "#main" and tab.locator("main#main").count() == 1
    assert failed == []
