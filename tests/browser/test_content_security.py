"""The pages run in Chromium under a content-security policy that allows no inline script but the
response's own nonce: the map still draws its zones, the lookup answers, and nothing is refused
(the ``page`` fixture fails a test on any refusal: see conftest.policy_refusals)."""
from __future__ import annotations

import os

import pytest

from conftest import policy_refusals

pytestmark = pytest.mark.browser
PASSWORD = os.environ.get("ENROLL_DEMO_PASSWORD", "demo-lantern-river")  # the demo users' (conftest.demo_template)


def script_sources(response) -> list[str]:
    policy = dict(part.split(" ", 1) for part in response.headers["content-security-policy"].split("; "))
    return policy["script-src"].split()


def open_and_draw(page, url: str) -> list[str]:
    """Open a map page; returns its script-src once the map has drawn its zones."""
    response = page.goto(url)
    page.wait_for_selector(".folium-map[data-zones-drawn]", timeout=15000)
    assert page.get_attribute(".folium-map", "data-zones-error") is None
    assert page.locator("path.leaflet-interactive").count() == int(page.get_attribute(".folium-map", "data-zones-drawn"))
    return script_sources(response)


def test_the_public_map_draws_its_zones_under_the_strict_policy(live_server, page):
    sources = open_and_draw(page, f"{live_server}/d/990101/2026/primary/")
    assert "'unsafe-inline'" not in sources and any(s.startswith("'nonce-") for s in sources)
    assert page.locator(".leaflet-marker-icon").count() >= 27


def test_the_lookup_page_answers_by_map_and_by_typing_under_the_strict_policy(live_server, page):
    sources = open_and_draw(page, f"{live_server}/lookup")
    assert "'unsafe-inline'" not in sources
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator("#answer p").first.wait_for(timeout=5000)
    page.get_by_role("textbox", name="住址").fill("学院路130号")
    page.get_by_role("textbox", name="住址").press("Enter")
    page.locator("#answer").get_by_role("link", name="青溪区文澜小学").wait_for(timeout=5000)


def test_my_location_runs_from_the_sites_own_script(live_server, browser):
    context = browser.new_context(locale="zh-CN", geolocation={"latitude": 30.2399, "longitude": 120.1745},
                                  permissions=["geolocation"])
    page = context.new_page()
    refused = policy_refusals(page)
    try:
        page.goto(f"{live_server}/lookup")
        page.get_by_role("button", name="使用我的位置").click()  # hidden unless the script ran
        page.locator("#answer").get_by_role("link", name="青溪区文澜小学").wait_for(timeout=5000)
    finally:
        context.close()
    assert refused == []


def test_a_staff_plan_page_draws_its_map_under_the_strict_policy(live_server, page):
    page.goto(f"{live_server}/login")
    page.fill("#username", "reviewer")
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.goto(f"{live_server}/bureau/")
    page.locator("a[href*='/bureau/plans/']").first.click()
    sources = open_and_draw(page, page.url)
    assert "'unsafe-inline'" not in sources


def test_the_print_button_prints(live_server, page):
    page.add_init_script("window.print = function () { window.printed = (window.printed || 0) + 1; };")
    page.goto(f"{live_server}/lotteries/1")
    page.get_by_role("button", name="打印摇号结果").click()
    assert page.evaluate("window.printed") == 1
