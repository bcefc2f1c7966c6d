"""The demo in a real headless Chromium (Debian's package), driven by Playwright: what a reader sees."""

from pathlib import Path

import pytest

OUTPUT = Path(__file__).parent / "output"


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    tab = context.new_page()
    errors = []
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.errors = errors
    yield tab
    context.close()


def test_demo_search_follow_timeline_and_network(page, live_server):
    OUTPUT.mkdir(exist_ok=True)
    page.goto(live_server + "/")
    assert page.locator("h2", has_text="The story at a glance").count() == 1
    assert page.locator("svg.network").count() == 1
    page.screenshot(path=str(OUTPUT / "demo-home.png"), full_page=True)

    page.fill("#site-search", "Sinwar")
    page.locator("#search-suggestions option").first.wait_for(state="attached")
    assert page.locator("#search-suggestions option").first.get_attribute("value") == "Yahya Sinwar"
    page.press("#site-search", "Enter")
    page.wait_for_url("**/search?q=Sinwar")
    page.click("text=Yahya Sinwar")
    page.wait_for_url("**/id/actor/yahya-sinwar")
    page.locator("svg.network a", has_text="Hamas").first.click()
    page.wait_for_url("**/id/actor/hamas")
    assert page.locator("h1").inner_text() == "Hamas"

    timeline = page.locator("ol.timeline li", has_text="Relocation")
    assert "2012" in timeline.inner_text() and "Damascus" in timeline.inner_text()
    drawing = page.locator("svg.network").text_content()
    for name in ("Iran", "Syria", "Hizballah"):
        assert name in drawing
    page.screenshot(path=str(OUTPUT / "hamas.png"), full_page=True)

    page.goto(live_server + "/id/actor/axis-of-resistance")
    axis_drawing = page.locator("svg.network").text_content()
    assert "Hizballah" in axis_drawing and "Iran" in axis_drawing and "Syria" in axis_drawing
    assert "left 2012" in page.locator("svg.timeline").text_content()
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors


def test_query_editor_runs_in_the_browser(page, live_server):
    page.goto(live_server + "/sparql")
    page.wait_for_selector(".yasqe", timeout=20000)
    page.locator("button.example", has_text="Who mediates between whom").click()
    page.locator(".yasqe_queryButton").click()
    page.locator(".yasr", has_text="Iran").wait_for(timeout=20000)
    page.screenshot(path=str(OUTPUT / "sparql-editor.png"), full_page=True)


def test_hostile_markup_renders_inert(page, live_server):
    page.goto(live_server + "/search?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert page.locator("script", has_text="alert(1)").count() == 0
    assert "<script>alert(1)</script>" in page.locator("main").inner_text()
