"""Keyboard only: a parent finds their school by typing an address, and reads the zoning through the
map's text alternative, without a mouse; wherever the focus is, it can be seen."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FOCUSED = """() => { const el = document.activeElement, s = getComputedStyle(el);
    return {tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || el.value || '').trim(),
            inZones: !!el.closest('table.zones'), inAnswer: !!el.closest('#answer'), inMap: !!el.closest('.folium-map'),
            href: el.getAttribute('href'),
            ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 || s.boxShadow !== 'none'}; }"""


def tab_until(page, wanted, limit=40):
    """Press Tab until ``wanted(focused)``; every element passed on the way shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["ring"], f"no visible focus on {focused}"
        if wanted(focused):
            return focused
    raise AssertionError(f"not reached with {limit} presses of Tab")


def test_lookup_by_keyboard_alone(live_server, page):
    page.goto(f"{live_server}/lookup")
    tab_until(page, lambda f: f["id"] == "q")
    page.keyboard.type("文澜路128号")
    page.keyboard.press("Enter")
    page.wait_for_selector("#answer .matches")
    school = tab_until(page, lambda f: f["inAnswer"] and f["tag"] == "a")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == school["text"]


def test_the_skip_link_leads_past_the_map_to_the_zone_list(live_server, page):
    page.goto(f"{live_server}/d/990101/2026/primary/")
    page.wait_for_selector(".folium-map[data-zones-drawn]", timeout=15000)
    first = tab_until(page, lambda f: True)
    assert first["href"] == "#main"  # the first stop is "跳到主要内容"
    tab_until(page, lambda f: f["href"] == "#zone-list")
    page.keyboard.press("Enter")
    school = tab_until(page, lambda f: True, limit=1)  # the very next stop is in the zone list
    assert school["inZones"] and school["tag"] == "a", school
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == school["text"]


def test_the_map_itself_works_by_keyboard(live_server, page):
    page.goto(f"{live_server}/d/990101/2026/primary/")
    page.wait_for_selector(".folium-map[data-zones-drawn]", timeout=15000)
    tab_until(page, lambda f: f["inMap"] and f["tag"] == "div")  # the map: arrows pan, + and - zoom
    before = page.evaluate("window[document.querySelector('.folium-map').id].getZoom()")
    page.keyboard.press("Equal")
    page.wait_for_function(f"() => window[document.querySelector('.folium-map').id].getZoom() > {before}")
    # a zone: focusing it shows its label, which the zone describes itself by (aria-describedby)
    tab_until(page, lambda f: f["inMap"] and f["tag"] == "path")
    label = page.locator(".leaflet-tooltip:not(.zone-number)")
    label.wait_for(timeout=5000)
    described = page.evaluate("document.activeElement.getAttribute('aria-describedby')")
    assert described and page.locator(f"#{described}").inner_text() == label.inner_text() != ""
    # a marker: Enter opens its popup, whose link leads to the school
    tab_until(page, lambda f: f["inMap"] and f["tag"] == "img", limit=60)
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup-content a").first
    link.wait_for(timeout=5000)
    assert link.inner_text()
