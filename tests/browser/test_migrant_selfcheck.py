"""A migrant family fills the self-check in Chromium, with the keyboard, and gets a printable checklist."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from test_accessibility import axe_violations

pytestmark = pytest.mark.browser


def test_self_check_by_keyboard_gives_the_route_schools_and_checklist(live_server, page):
    page.goto(f"{live_server}/d/990101/2026/migrant/primary")
    page.get_by_role("radio", name="是").check()
    page.get_by_role("spinbutton", name="监护人在本区连续缴纳社会保险的月数").fill("14")
    page.get_by_role("radio", name="租赁住房，已登记备案").check()
    page.get_by_role("textbox", name="住所地址（可选，用于查询可能安排的学校）").fill("学院路130号")
    page.get_by_role("textbox", name="住所地址（可选，用于查询可能安排的学校）").press("Enter")
    result = page.locator("#result")
    result.wait_for(timeout=5000)
    text = result.inner_text()
    assert "符合随迁子女入学条件" in text and "青溪区文澜小学" in text and "出生医学证明" in text
    assert page.get_by_role("button", name="打印材料清单").is_visible()
    assert axe_violations(page) == []


def test_the_printed_checklist_leaves_out_the_site_chrome_and_the_form(live_server, page):
    page.goto(f"{live_server}/d/990101/2026/migrant/primary")
    page.get_by_role("radio", name="否").check()
    page.get_by_role("radio", name="其他（借住、单位宿舍等）").check()
    page.get_by_role("button", name="自查").click()
    page.locator("#result").wait_for(timeout=5000)
    page.wait_for_load_state("load")
    page.emulate_media(media="print")
    expect(page.locator("header.site")).to_be_hidden()  # waits for the print styles to apply
    expect(page.locator("#check-heading")).to_be_hidden()
    expect(page.locator("#result")).to_be_visible()
    assert "需要本地居住证" in page.locator("#result").inner_text()
