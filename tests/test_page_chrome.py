"""What every page carries around its content (issue 14, item 13): a skip link and a favicon that is served."""

import json
import re

import pytest

HTML = {"Accept": "text/html"}


@pytest.mark.parametrize("path", ["/", "/id/actor/hamas", "/queries", "/sparql", "/id/actor/no-such-actor"])
def test_each_page_starts_with_a_skip_link_to_its_main_content(client, path):
    page = client.get(path, headers=HTML).get_data(as_text=True)
    body = page[page.index("<body>"):]
    first_link = re.search(r"<a [^>]*>[^<]*</a>", body).group(0)
    assert 'href="#main"' in first_link and "Skip to content" in first_link
    assert re.search(r'<main id="main"', body)


def test_the_favicon_each_page_links_is_served_from_the_package(client):
    page = client.get("/", headers=HTML).get_data(as_text=True)
    icon = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)"', page).group(1)
    response = client.get(icon)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).startswith("<svg")


def test_favicon_ico_leads_to_the_icon_rather_than_a_404(client):
    response = client.get("/favicon.ico", follow_redirects=True)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"


def test_health_names_the_kind_of_store_not_where_it_lives(tmp_path):
    from geokg.server.app import create_app, sample_claims
    from geokg.store import OxigraphStore
    from geokg.loaders.ids import Ids
    from geokg.loaders.pipeline import load_paths

    store = OxigraphStore(tmp_path / "private-path")
    load_paths(store, sample_claims(), Ids("https://geokg.example.org"))
    app = create_app({"GEOKG_STORE_OBJECT": store, "GEOKG_BASE": "https://geokg.example.org", "TESTING": True})
    health = app.test_client().get("/health").get_json()
    assert health["ok"] and health["store"] == "Oxigraph store on disk"
    assert "private-path" not in json.dumps(health)
