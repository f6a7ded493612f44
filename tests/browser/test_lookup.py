"""A parent types an address in Chromium and reads the school and why; keyboard only."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_typing_an_address_shows_the_schools_and_the_clause(live_server, page):
    page.goto(f"{live_server}/lookup")
    page.get_by_role("textbox", name="住址").fill("学院路130号")
    page.get_by_role("textbox", name="住址").press("Enter")
    answer = page.locator("#answer")
    answer.get_by_role("link", name="青溪区文澜小学").wait_for(timeout=5000)
    text = answer.inner_text()
    assert "青溪区崇文小学" in text and "122-160号（双号）" in text
    assert "依据" in text


def test_an_unknown_address_explains_what_to_do(live_server, page):
    page.goto(f"{live_server}/lookup?lang=en")
    page.get_by_role("textbox", name="Address").fill("学院路99999号")
    page.keyboard.press("Enter")
    page.locator("#answer").get_by_text("Address not found").wait_for(timeout=5000)
    assert "学院路" in page.locator("#answer").inner_text()


def test_clicking_the_map_answers_for_that_point(live_server, page):
    page.goto(f"{live_server}/lookup")
    page.wait_for_selector(".folium-map[data-zones-drawn]", timeout=15000)
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator("#answer li").first.wait_for(timeout=5000)
    text = page.locator("#answer").inner_text()
    assert "（小学）" in text and "依据：2026 年划片" in text and "第 " in text  # stage, basis, its plan version
    assert page.locator(".leaflet-marker-icon[alt='您点选的位置']").count() == 1  # the point is pinned
    assert page.evaluate("document.getElementById('answer').getBoundingClientRect().top") >= 0  # in view
    school = page.locator("#answer a").first
    name = school.inner_text()
    school.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == name


def test_my_location_button_answers_for_where_the_phone_is(live_server, browser):
    context = browser.new_context(locale="zh-CN", geolocation={"latitude": 30.2399, "longitude": 120.1745},
                                  permissions=["geolocation"])
    page = context.new_page()
    try:
        page.goto(f"{live_server}/lookup")
        page.get_by_role("button", name="使用我的位置").click()
        page.locator("#answer p").first.wait_for(timeout=5000)
        assert "青溪区文澜小学" in page.locator("#answer").inner_text()
    finally:
        context.close()


def test_a_refused_location_says_what_to_do_instead(live_server, browser):
    context = browser.new_context(locale="zh-CN")  # no geolocation permission: the browser refuses
    page = context.new_page()
    try:
        page.goto(f"{live_server}/lookup")
        page.get_by_role("button", name="使用我的位置").click()
        message = page.locator("#answer p.error")
        message.wait_for(timeout=10000)
        assert "没有得到您的允许" in message.inner_text() and "输入住址" in message.inner_text()
    finally:
        context.close()
