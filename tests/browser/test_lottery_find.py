"""A parent finds their own application number in a lottery's list on a phone, in the page itself:
no request leaves it; the row is marked and focused, its place and result said in a live region."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_find_my_number_in_the_lottery_on_a_phone(live_server, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/d/990101/")
        page.get_by_role("link", name="摇号").first.click()  # the district page links its lotteries
        page.wait_for_selector("#find-number:not([hidden])")
        row = page.locator("main table tbody tr").nth(41)
        place, number, result = (row.locator("td").nth(i).inner_text() for i in (0, 1, 3))
        sent = []
        page.on("request", lambda request: sent.append(request.url))
        page.fill("#my-number", number.lower().replace("2", "２"))  # lower case and a full-width digit
        page.press("#my-number", "Enter")
        assert page.inner_text("#find-number [data-out]") == f"第 {place} 位：{result}"
        assert page.evaluate("document.activeElement.classList.contains('found')")
        assert page.evaluate("document.activeElement.querySelectorAll('td')[1].textContent") == number
        page.fill("#my-number", "S99999999")
        page.press("#my-number", "Enter")
        assert "没有这个申请号" in page.inner_text("#find-number [data-out]")
        assert sent == []
    finally:
        context.close()
