"""The public zoning map in a real browser: drawn from the app's own assets only (every other host
blocked), numbered zones, the base-map presets, and a view that stays on the district."""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest

pytestmark = pytest.mark.browser

MAP_PAGE = "/d/990101/2026/primary/"
MAP = "window[document.querySelector('.folium-map').id]"  # folium's global variable of the Leaflet map


@contextmanager
def tiles(app, preset, **settings):
    """The live server's base map for one test (the page reads the setting per request)."""
    keys = {"MAP_TILES": preset, **settings}
    saved = {k: app.config.get(k) for k in keys}
    app.config.update(keys)
    try:
        yield
    finally:
        app.config.update(saved)


def open_map_offline(page, live_server):
    """Open the map page with every request to another host refused; returns those requests."""
    outside = []

    def only_this_site(route):
        if route.request.url.startswith(live_server):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort("blockedbyclient")

    page.route("**/*", only_this_site)
    page.goto(f"{live_server}{MAP_PAGE}")
    page.wait_for_selector(".folium-map[data-zones-drawn]", timeout=15000)
    return outside


def assert_zones_and_markers_drawn(page):
    drawn = int(page.get_attribute(".folium-map", "data-zones-drawn"))
    assert drawn == page.locator("table.zones tbody tr").count() and drawn >= 25
    assert page.locator("path.leaflet-interactive").count() == drawn
    assert page.locator(".leaflet-marker-icon").count() >= 27
    # every zone carries its number, the same as in the text list: colour is never the only cue
    numbers = sorted(int(t) for t in page.locator(".leaflet-tooltip.zone-number").all_inner_texts())
    listed = sorted(int(re.search(r"\d+", t).group()) for t in page.locator("table.zones tbody tr td:first-child").all_inner_texts())
    assert numbers == listed


def test_without_tiles_nothing_leaves_the_site(live_server, page):
    with tiles(live_server.app, "none"):
        outside = open_map_offline(page, live_server)
    assert_zones_and_markers_drawn(page)
    assert outside == []  # Leaflet, CSS, icons and GeoJSON all come from the app


def test_tianditu_with_every_other_host_blocked_asks_only_for_its_tiles(live_server, page):
    with tiles(live_server.app, "tianditu", TIANDITU_KEY="test-key", TIANDITU_APPROVAL="GS(2099)0000号"):
        outside = open_map_offline(page, live_server)
        assert_zones_and_markers_drawn(page)
        page.wait_for_function(f"() => {MAP}.getZoom() > 0")
    tile = re.compile(r"^https://t[0-7]\.tianditu\.gov\.cn/(vec|cva|img|cia)_w/wmts\?.*&tk=test-key$")
    assert outside and all(tile.match(u) for u in outside), outside
    assert {tile.match(u).group(1) for u in outside} == {"vec", "cva"}  # vector + its annotation first
    assert "GS(2099)0000号" in page.locator(".leaflet-control-attribution").inner_text()
    assert "GS(2099)0000号" in page.locator("main").inner_text()  # also in the page text, not only on the map

    # the imagery base map, by keyboard: its radio button in the always-open layer switch
    outside.clear()
    page.get_by_label("影像地图").focus()
    page.keyboard.press("Space")
    # the imagery and its annotation layer load independently: wait for both (one alone made this flaky)
    page.wait_for_function("() => document.querySelectorAll('img.leaflet-tile[src*=\"img_w\"]').length > 0"
                           " && document.querySelectorAll('img.leaflet-tile[src*=\"cia_w\"]').length > 0")
    for _ in range(100):  # the tile elements exist; their requests reach the route handler a moment later
        if {tile.match(u).group(1) for u in outside} == {"img", "cia"}:
            break
        page.wait_for_timeout(50)
    assert {tile.match(u).group(1) for u in outside} == {"img", "cia"}


def test_osm_preset_asks_only_openstreetmap(live_server, page):
    with tiles(live_server.app, "osm"):
        outside = open_map_offline(page, live_server)
    assert_zones_and_markers_drawn(page)
    assert outside and all(re.match(r"^https://tile\.openstreetmap\.org/\d+/\d+/\d+\.png$", u) for u in outside)


def test_the_map_stays_on_the_district(live_server, page):
    with tiles(live_server.app, "none"):
        open_map_offline(page, live_server)
    district = page.evaluate(f"{MAP}.getBounds().toBBoxString()")
    start_zoom = page.evaluate(f"{MAP}.getZoom()")
    # try to look at the other side of the world, zoomed right out
    page.evaluate(f"{MAP}.setView([-33.9, 18.4], 2, {{animate: false}})")
    page.evaluate(f"{MAP}.panBy([5000, 5000], {{animate: false}})")
    state = page.evaluate(f"""(() => {{ const m = {MAP}; const c = m.getCenter();
        return {{zoom: m.getZoom(), inside: m.options.maxBounds.contains(c), lat: c.lat, lng: c.lng}}; }})()""")
    assert state["inside"], state
    assert state["zoom"] >= start_zoom - 1
    assert page.evaluate(f"{MAP}.getMinZoom()") == start_zoom - 1  # one step out is allowed, no more
    west, south, east, north = map(float, district.split(","))
    assert south - 0.2 < state["lat"] < north + 0.2 and west - 0.2 < state["lng"] < east + 0.2


def test_marker_popup_links_to_the_school_page(live_server, page):
    page.goto(f"{live_server}{MAP_PAGE}")
    page.wait_for_selector(".folium-map[data-zones-drawn]", timeout=15000)
    page.locator(".leaflet-marker-icon").first.click(force=True)
    link = page.locator(".leaflet-popup-content a").first
    link.wait_for(timeout=5000)
    name = link.inner_text()
    link.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == name


def test_zooming_in_draws_the_zones_in_view_in_detail(live_server, page):
    """Up close the map asks for the finer shapes of the zones in view and draws each once, in
    place of its overview shape: still one shape per zone, as many as before."""
    with tiles(live_server.app, "none"):
        asked = []
        page.on("request", lambda r: asked.append(r.url) if "detail=1" in r.url else None)
        open_map_offline(page, live_server)
        drawn = int(page.get_attribute(".folium-map", "data-zones-drawn"))
        assert page.get_attribute(".folium-map", "data-zones-detailed") is None  # the district view
        page.evaluate(f"{MAP}.setZoom(16, {{animate: false}})")
        page.wait_for_selector(".folium-map[data-zones-detailed]", timeout=15000)
        detailed = int(page.get_attribute(".folium-map", "data-zones-detailed"))
        assert 1 <= detailed < drawn
        assert page.locator("path.leaflet-interactive").count() == drawn
        assert asked and all("bbox=" in url for url in asked)
        assert page.get_attribute(".folium-map", "data-zones-error") is None
