"""The public zoning map draws the published zones in a real browser, from local assets only."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_demo_map_draws_every_zone_and_school_marker(live_server, page):
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server) else None)
    page.goto(f"{live_server}/d/990101/2026/primary/")
    page.wait_for_selector(".folium-map[data-zones-drawn]", timeout=15000)
    drawn = int(page.get_attribute(".folium-map", "data-zones-drawn"))
    rows = page.locator("table.zones tbody tr").count()
    assert drawn == rows and drawn >= 25
    assert page.locator("path.leaflet-interactive").count() == drawn
    assert page.locator(".leaflet-marker-icon").count() >= 27
    assert outside == []  # Leaflet, CSS, icons and GeoJSON all come from the app (tiles: none)


def test_marker_popup_links_to_the_school_page(live_server, page):
    page.goto(f"{live_server}/d/990101/2026/primary/")
    page.wait_for_selector(".folium-map[data-zones-drawn]", timeout=15000)
    page.locator(".leaflet-marker-icon").first.click(force=True)
    link = page.locator(".leaflet-popup-content a").first
    link.wait_for(timeout=5000)
    name = link.inner_text()
    link.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == name
