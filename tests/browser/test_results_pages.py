"""Parents in Chromium: a child's own result by keyboard, the published lottery re-checked, the printed results."""
from __future__ import annotations

import csv

import pytest
from playwright.sync_api import expect

from support import DEMO
from test_accessibility import axe_violations

pytestmark = pytest.mark.browser


def first_child() -> dict:
    with (DEMO / "results_list_2026.csv").open(encoding="utf-8") as fh:
        return next(csv.DictReader(fh))


def test_a_parent_checks_their_childs_result_with_the_keyboard(live_server, page):
    child = first_child()
    page.goto(f"{live_server}/schools/1/results/2026")
    number = page.get_by_role("textbox", name="申请号")
    number.focus()
    page.keyboard.type(child["申请号"])
    page.keyboard.press("Tab")
    page.keyboard.type(child["出生日期"])
    page.keyboard.press("Enter")
    verdict = page.get_by_role("status")
    expect(verdict).to_contain_text(f"申请号 {child['申请号']}：录取")
    assert child["姓名"] not in page.content() and child["出生日期"] not in page.url
    assert "/check" in page.url  # answered by POST: nothing of the child in the address bar or history
    assert axe_violations(page) == []


def test_a_wrong_birth_date_is_told_beside_the_form_which_keeps_the_number(live_server, page):
    child = first_child()
    page.goto(f"{live_server}/schools/1/results/2026")
    page.get_by_role("textbox", name="申请号").fill(child["申请号"])
    page.get_by_role("textbox", name="孩子的出生日期").fill("2018-1-1")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("alert")).to_contain_text("没有找到与申请号和出生日期都相符的记录")
    expect(page.get_by_role("textbox", name="申请号")).to_have_value(child["申请号"])


def test_the_lottery_page_shows_the_commitment_the_seed_and_a_verified_draw(live_server, page):
    page.goto(f"{live_server}/lotteries/1")
    expect(page.get_by_role("status")).to_have_text("验证通过。")
    rows = page.locator("#order-heading + table tbody tr")
    expect(rows).to_have_count(661)
    assert rows.filter(has_text="录取").count() == 150


def test_printed_results_leave_out_the_chrome_and_the_own_result_form(live_server, page):
    page.goto(f"{live_server}/schools/1/results/2026")
    page.emulate_media(media="print")
    expect(page.locator("header.site")).to_be_hidden()
    expect(page.locator("#check-heading")).to_be_hidden()
    expect(page.locator("#routes-heading")).to_be_visible()


def test_the_parents_browser_recomputes_the_lottery_on_its_own(live_server, page):
    page.goto(f"{live_server}/lotteries/1")
    page.get_by_role("button", name="在本浏览器中验证").click()
    out = page.locator("#browser-check [data-out]")
    expect(out).to_contain_text("您的浏览器独立计算的结果：验证通过。", timeout=15000)
    assert out.inner_text().count("✓") == 3


def test_the_browser_check_catches_a_list_changed_after_the_commitment(live_server, page):
    """What a parent's browser computes from a tampered copy of the data (one application swapped)."""
    def tamper(route):
        document = route.fetch().json()
        document["applications"][0] = "Y2026X999"
        route.fulfill(json=document)

    page.route("**/lotteries/1.json", tamper)
    page.goto(f"{live_server}/lotteries/1")
    page.get_by_role("button", name="在本浏览器中验证").click()
    out = page.locator("#browser-check [data-out]")
    expect(out).to_contain_text("验证未通过", timeout=15000)
    assert "✗ 申请名单与摇号前公示的哈希值不一致" in out.inner_text() and "✓ 种子与摇号前公示的承诺值一致" in out.inner_text()
