"""Working-day calendar: the shipped 2026 data, counting against a naive loop, CSV errors."""
from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from enroll.core.workdays import (
    HOLIDAY,
    WORKDAY,
    CalendarErrors,
    WorkCalendar,
    parse_calendar_csv,
)

CN_2026 = Path(__file__).resolve().parents[2] / "gis_data" / "calendar" / "cn_2026.csv"


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.from_csv(CN_2026.read_text(encoding="utf-8"))


def naive_between(cal: WorkCalendar, start: date, end: date) -> int:
    count, d = 0, start + timedelta(days=1)
    while d <= end:
        count += cal.is_workday(d)
        d += timedelta(days=1)
    return count


def naive_add(cal: WorkCalendar, start: date, n: int) -> date:
    d = start
    while n:
        d += timedelta(days=1)
        n -= cal.is_workday(d)
    return d


def errors_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(CalendarErrors) as info:
        parse_calendar_csv(text)
    return [(e.line, e.field) for e in info.value.errors]


# --- the shipped 2026 calendar ---------------------------------------------------------------

def test_shipped_2026_file_parses_with_the_expected_days():
    rows = parse_calendar_csv(CN_2026.read_text(encoding="utf-8"))
    workdays = [d for d, kind, _ in rows if kind == WORKDAY]
    assert len(rows) == 39
    assert workdays == [date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
                        date(2026, 9, 20), date(2026, 10, 10)]
    assert sum(kind == HOLIDAY for _, kind, _ in rows) == 33


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 2, 14), True),    # Saturday, make-up working day
    (date(2026, 2, 15), False),   # Sunday inside the Spring Festival
    (date(2026, 2, 18), False),   # Wednesday inside the Spring Festival
    (date(2026, 2, 23), False),   # Monday, last day of the Spring Festival
    (date(2026, 2, 24), True),    # Tuesday, back at work
    (date(2026, 3, 7), False),    # plain Saturday
    (date(2026, 9, 20), True),    # Sunday, make-up working day
    (date(2026, 10, 7), False),
    (date(2026, 10, 8), True),
    (date(2026, 10, 11), False),  # plain Sunday
])
def test_is_workday_in_2026(cal, day, expected):
    assert cal.is_workday(day) is expected


def test_twenty_working_days_after_september_21_cross_national_day(cal):
    # 22-24 Sep (3), 28-30 Sep (6), 8-9 Oct (8), Sat 10 Oct make-up (9), 12-16 (14), 19-23 (19), 26 Oct.
    assert cal.add_working_days(date(2026, 9, 21), 20) == date(2026, 10, 26)
    assert cal.working_days_between(date(2026, 9, 21), date(2026, 10, 26)) == 20
    assert cal.working_days_between(date(2026, 9, 21), date(2026, 10, 25)) == 19


def test_plain_weekdays_would_give_a_different_deadline():
    assert WorkCalendar().add_working_days(date(2026, 9, 21), 20) == date(2026, 10, 19)


def test_spring_festival_counts_the_make_up_saturday_only(cal):
    # Sat 14 Feb is worked, 15-23 Feb are off, then 24-27 Feb.
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 27)) == 5
    assert cal.add_working_days(date(2026, 2, 12), 2) == date(2026, 2, 14)
    assert cal.add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert cal.add_working_days(date(2026, 2, 27), 1) == date(2026, 2, 28)  # make-up Saturday


def test_whole_year_2026_has_248_working_days(cal):
    # 261 weekdays - 19 weekday holidays + 6 make-up weekend days.
    assert cal.working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 248


def test_years_lists_the_covered_years(cal):
    assert cal.years == frozenset({2026})


# --- counting rules --------------------------------------------------------------------------

def test_day_of_formation_does_not_count_and_empty_ranges_are_zero(cal):
    monday = date(2026, 3, 2)
    assert cal.working_days_between(monday, monday + timedelta(days=1)) == 1
    assert cal.working_days_between(monday, monday) == 0
    assert cal.working_days_between(monday, monday - timedelta(days=10)) == 0


def test_add_zero_returns_start_even_on_a_holiday(cal):
    assert cal.add_working_days(date(2026, 10, 1), 0) == date(2026, 10, 1)
    assert cal.add_working_days(date(2026, 10, 1), 1) == date(2026, 10, 8)


def test_add_negative_is_refused(cal):
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 1, 5), -1)


def test_four_hundred_years_hold_exactly_20871_weeks():
    # The Gregorian cycle is 146097 days = 20871 weeks, so 5 weekdays per week, whatever the start.
    start = date(1903, 5, 17)
    end = start + timedelta(days=146097)
    assert WorkCalendar().working_days_between(start, end) == 20871 * 5


def test_harmless_overrides_change_nothing():
    harmless = WorkCalendar([(date(2026, 3, 7), HOLIDAY), (date(2026, 3, 10), WORKDAY)])
    assert harmless.working_days_between(date(2026, 3, 1), date(2026, 3, 31)) == 22
    assert harmless.is_workday(date(2026, 3, 7)) is False
    assert harmless.is_workday(date(2026, 3, 10)) is True


def test_conflicting_or_unknown_overrides_are_refused():
    with pytest.raises(ValueError, match="both"):
        WorkCalendar([(date(2026, 3, 7), HOLIDAY), (date(2026, 3, 7), WORKDAY)])
    with pytest.raises(ValueError, match="unknown"):
        WorkCalendar([(date(2026, 3, 7), "休")])


def _random_calendar(rng: random.Random) -> WorkCalendar:
    """The 2026 data plus random overrides (effective and harmless) spread over 2020-2032."""
    overrides = dict((d, kind) for d, kind, _ in parse_calendar_csv(CN_2026.read_text(encoding="utf-8")))
    base = date(2020, 1, 1)
    for _ in range(300):
        overrides[base + timedelta(days=rng.randrange(13 * 365))] = rng.choice([HOLIDAY, WORKDAY])
    return WorkCalendar(overrides.items())


def test_between_and_add_match_a_naive_day_by_day_count():
    rng = random.Random(20260921)
    cal = _random_calendar(rng)
    for _ in range(300):
        start = date(2019, 6, 1) + timedelta(days=rng.randrange(14 * 365))
        end = start + timedelta(days=rng.randrange(-30, 800))
        assert cal.working_days_between(start, end) == naive_between(cal, start, end), (start, end)
        n = rng.randrange(0, 300)
        result = cal.add_working_days(start, n)
        assert result == naive_add(cal, start, n), (start, n)
        assert cal.working_days_between(start, result) == n
        assert n == 0 or cal.is_workday(result)


# --- CSV parsing -----------------------------------------------------------------------------

def test_csv_accepts_chinese_kinds_bom_blank_lines_and_spreadsheet_dates():
    text = ("\ufeffdate,kind,name\n2026-01-01,休,元旦\n\n2026/1/4,班,\n"
            "2026-02-15,放假,春节\n2026-02-14, 上班 ,春节调休\n2026-04-06,HOLIDAY,\n")
    assert parse_calendar_csv(text) == [
        (date(2026, 1, 1), HOLIDAY, "元旦"),
        (date(2026, 1, 4), WORKDAY, ""),
        (date(2026, 2, 15), HOLIDAY, "春节"),
        (date(2026, 2, 14), WORKDAY, "春节调休"),
        (date(2026, 4, 6), HOLIDAY, ""),
    ]


def test_csv_columns_may_come_in_any_order():
    assert parse_calendar_csv("name,kind,date\n元旦,holiday,2026-01-01\n") == [
        (date(2026, 1, 1), HOLIDAY, "元旦")]


def test_csv_with_only_a_header_has_no_overrides():
    assert parse_calendar_csv("date,kind,name\n") == []


def test_csv_reports_every_bad_line_with_line_and_field():
    text = "\n".join([
        "date,kind,name",            # 1
        "2026-01-01,holiday,元旦",    # 2  fine
        "2026.01.02,holiday,元旦",    # 3  bad date format
        "",                          # 4  blank, skipped but counted
        "2026-02-30,holiday,春节",    # 5  no such day
        "2026-02-16,off,春节",        # 6  bad kind
        "2026-01-01,holiday,again",  # 7  duplicate of line 2
        "2026-02-13,workday,调休",    # 8  Friday is already a working day
        "2026-02-14,workday,调休,x",  # 9  too many columns
        ",,",                        # 10 blank cells, skipped
        "2026-02-17",                # 11 kind missing
    ])
    assert errors_of(text) == [(3, "date"), (5, "date"), (6, "kind"), (7, "date"), (8, "kind"),
                               (9, "row"), (11, "kind")]


def test_csv_error_messages_are_chinese_and_name_the_problem():
    text = "date,kind,name\n2026-1-1x,holiday,\n2026-02-13,workday,\n2026-03-02,holiday,\n2026-03-02,holiday,\n"
    with pytest.raises(CalendarErrors) as info:
        parse_calendar_csv(text)
    messages = [e.message for e in info.value.errors]
    assert messages[0] == "日期格式应为 YYYY-MM-DD"
    assert messages[1].startswith("该日期本就是工作日（星期五）")
    assert messages[2] == "日期重复：与第 4 行相同"
    assert "第 5 行 date：日期重复" in str(info.value)


@pytest.mark.parametrize("text", ["", "day,type\n2026-01-01,holiday\n", "date,kind\n2026-01-01,holiday\n"])
def test_csv_without_a_proper_header_is_an_error_on_line_1(text):
    assert errors_of(text) == [(1, "header")]


def test_line_numbers_are_physical_lines_when_a_cell_spans_lines():
    text = 'date,kind,name\n2026-01-01,holiday,"元旦\n第一天"\n2026-01-02,nope,\n'
    assert errors_of(text) == [(4, "kind")]


def test_from_csv_raises_the_collected_errors():
    with pytest.raises(CalendarErrors) as info:
        WorkCalendar.from_csv("date,kind,name\nsoon,holiday,\n")
    assert [(e.line, e.field) for e in info.value.errors] == [(2, "date")]
