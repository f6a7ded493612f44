"""The date parser of the own-result check: the forms parents write, and dates that cannot exist."""
from __future__ import annotations

from datetime import date

import pytest

from enroll.results.dates import BadDate, parse_date

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize("text", [
    "2019-12-28", "2019/12/28", "2019.12.28", "2019年12月28日", "2019年12月28号", "20191228",
    "２０１９－１２－２８", "２０１９／１２／２８", "２０１９年１２月２８日", "２０１９１２２８", "2019 - 12 - 28",
    " 2019-12-28 ", "2019 12 28", "2019　年　12　月　28　日", "2019-12-28。", "2019.12.28.", "2019–12–28",
    "2019—12—28", "2019、12、28", "二〇一九年十二月二十八日", "二零一九年十二月二十八日",
])
def test_the_forms_parents_write_are_read(text):
    assert parse_date(text, today=TODAY) == date(2019, 12, 28)


@pytest.mark.parametrize("text, expected", [
    ("2019-3-5", date(2019, 3, 5)), ("2019年3月5日", date(2019, 3, 5)), ("2020-02-29", date(2020, 2, 29)),
    ("二〇二〇年二月二十九日", date(2020, 2, 29)), ("2019年十月一日", date(2019, 10, 1)), ("2026-06-01", TODAY),
    ("二〇一九年十一月三十日", date(2019, 11, 30)),
])
def test_unpadded_leap_day_and_today_are_read(text, expected):
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize("text, says", [
    ("2019-02-30", "2019 年 2 月没有 30 日。"), ("2019年2月30日", "2019 年 2 月没有 30 日。"),
    ("2019-02-29", "2019 年 2 月没有 29 日。"), ("2019-04-31", "2019 年 4 月没有 31 日。"),
    ("2019-11-00", "2019 年 11 月没有 0 日。"), ("2019-13-01", "月份 13 不存在"), ("2019-00-10", "月份 0 不存在"),
    ("20191301", "月份 13 不存在"), ("2026-06-02", "日期 2026-06-02 晚于今天。"), ("2030年1月1日", "晚于今天"),
    ("0219-12-28", "年份 219 不对"), ("28/12/2019", "请把年份写在前面"), ("12-28-2019", "请把年份写在前面"),
    ("2019-12", "无法识别日期“2019-12”"), ("191228", "无法识别"), ("2019-12-28-1", "无法识别"), ("明天", "无法识别"),
    ("", "请填写日期。"), ("   ", "请填写日期。"),
])
def test_impossible_or_unreadable_dates_are_refused_with_the_reason(app, text, says):
    with app.test_request_context():
        with pytest.raises(BadDate) as refused:
            parse_date(text, today=TODAY)
        assert says in str(refused.value.message)


def test_without_today_a_future_date_is_only_a_date():
    assert parse_date("2099-01-01") == date(2099, 1, 1)
