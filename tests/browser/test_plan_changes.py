"""The changelog of a rezoning in a real browser: the map draws the changed areas numbered as in the
text list, and the page passes axe-core in each language (on a phone-sized screen too)."""
from __future__ import annotations

import pytest
from support import DEMO
from test_accessibility import axe_violations

from enroll.accounts.services import get_user
from enroll.zoning import services as zoning

pytestmark = pytest.mark.browser
CHANGES = "/d/990101/2027/primary/changes"


@pytest.fixture(scope="module")
def rezoned_server(live_server):
    """The live demo with gis_data's 2027 rezoning published."""
    from zoning_steps import publish

    with live_server.app.app_context():
        plan = zoning.import_plan(get_user("editor"), "990101", 2027, "primary", DEMO / "zones_primary_2027.geojson")
        publish(get_user("editor"), get_user("reviewer"), plan.id)
    return live_server


@pytest.mark.parametrize("lang", ["zh_Hans", "zh_Hant", "en"])
def test_changelog_map_and_text_pass_axe(rezoned_server, page, lang):
    page.goto(f"{rezoned_server}{CHANGES}?lang={lang}")
    page.wait_for_selector(".folium-map[data-zones-drawn]", timeout=15000)
    numbers = page.locator(".zone-number").all_inner_texts()
    rows = page.locator("#diff-areas ~ table tbody tr, section[aria-labelledby=diff-areas] table tbody tr").count()
    assert sorted(numbers) == [str(n) for n in range(1, rows + 1)] and rows == 3
    assert axe_violations(page) == []


def test_changelog_fits_a_phone(rezoned_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(f"{rezoned_server}{CHANGES}")
        page.wait_for_selector(".folium-map[data-zones-drawn]", timeout=15000)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.fixture(scope="module")
def consultation_url(rezoned_server):
    """A 2028 draft (the 2026 zones again) out for comment: its page."""
    from enroll.review import content
    from enroll.zoning import consultations

    with rezoned_server.app.app_context():
        editor = get_user("editor")
        plan = zoning.import_plan(editor, "990101", 2028, "primary", DEMO / "zones_primary.geojson")
        item = consultations.propose_consultation(editor, plan.id)
        content.approve_revision(get_user("reviewer"), content.open_revision(consultations.CONSULTATION, item.id).id)
        return f"{rezoned_server}/d/990101/consultations/{item.id}"


@pytest.mark.parametrize("lang", ["zh_Hans", "zh_Hant", "en"])
def test_consultation_page_passes_axe(consultation_url, page, lang):
    page.goto(f"{consultation_url}?lang={lang}")
    page.wait_for_selector(".folium-map[data-zones-drawn]", timeout=15000)
    assert axe_violations(page) == []


def test_impact_check_on_a_phone(consultation_url, browser):
    """A parent types an address on a phone and sees the current and the proposed school side by side."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True,
                                  locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(consultation_url)
        page.fill("#impact-address", "文澜路128号")
        page.press("#impact-address", "Enter")
        page.wait_for_selector("#impact-answer")
        current = page.inner_text("#impact-answer section:first-child")
        proposed = page.inner_text("#impact-answer section:last-child")
        # the 2028 draft is the 2026 plan again, against the 2027 rezoning now in force
        assert "依据" in current and "依据" in proposed
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert axe_violations(page) == []
    finally:
        context.close()
