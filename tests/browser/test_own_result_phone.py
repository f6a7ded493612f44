"""A parent checks their child's result on a 360×740 phone: the answer, far down the page, is
scrolled to and focused after the form is sent (so it is seen, and read out by a screen reader),
and the birth date may be typed the way it is written on paper, full-width digits included."""
from __future__ import annotations

import csv

import pytest
from playwright.sync_api import expect

from support import DEMO
from test_accessibility import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True)
    yield context.new_page()
    context.close()


def child() -> dict:
    with (DEMO / "results_list_2026.csv").open(encoding="utf-8") as fh:
        return next(csv.DictReader(fh))


def in_view_and_focused(page) -> dict:
    return page.evaluate("""() => {
        const answer = document.getElementById('answer'), box = answer.getBoundingClientRect();
        return {focused: document.activeElement === answer, top: box.top, bottom: box.bottom,
                height: window.innerHeight, scrolled: window.scrollY};
    }""")


def send(page, live_server, number: str, born: str) -> None:
    page.goto(f"{live_server}/schools/1/results/2026")
    page.get_by_role("textbox", name="申请号").fill(number)
    page.get_by_role("textbox", name="孩子的出生日期").fill(born)
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("#answer")


def test_the_answer_is_scrolled_to_and_focused_on_a_phone(live_server, phone):
    kid = child()
    year, month, day = (int(p) for p in kid["出生日期"].split("-"))
    fullwidth = f"{year}年{month}月{day}日".translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
    send(phone, live_server, kid["申请号"], fullwidth)  # ２０１９年…: no browser pattern refuses it
    expect(phone.locator("#answer [role=status]")).to_contain_text(f"申请号 {kid['申请号']}：录取")
    where = in_view_and_focused(phone)
    assert where["focused"] and where["scrolled"] > 0, where
    assert 0 <= where["top"] and where["bottom"] <= where["height"], where  # the whole answer on the screen
    assert phone.url.endswith("/check#answer") and kid["出生日期"] not in phone.url
    assert axe_violations(phone) == []


def test_an_impossible_date_is_said_at_the_answers_place_and_the_field_keeps_it(live_server, phone):
    send(phone, live_server, child()["申请号"], "2019年2月30日")
    expect(phone.locator("#answer [role=alert]")).to_contain_text("2019 年 2 月没有 30 日。")
    where = in_view_and_focused(phone)
    assert where["focused"] and 0 <= where["top"] < where["height"], where
    field = phone.get_by_role("textbox", name="孩子的出生日期")
    expect(field).to_have_value("2019年2月30日")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert axe_violations(phone) == []
