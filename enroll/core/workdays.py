"""Chinese working-day calendar: weekends, public holidays and make-up working days (调休上班).

Enrollment rules count deadlines in working days ("published within N working days after it was
formed"). Which days are working days changes every year with the State Council's holiday
notice, so the calendar is data: a list of overrides on top of the Monday–Friday week, usually
read from a CSV such as ``gis_data/calendar/cn_2026.csv``.

Messages go through Babel (enroll.core.i18n); otherwise standard library only.
"""
from __future__ import annotations

import csv
import io
import re
from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, timedelta
from itertools import accumulate

from enroll.core.i18n import _l

HOLIDAY = "holiday"
WORKDAY = "workday"

_KIND_ALIASES = {
    "holiday": HOLIDAY, "休": HOLIDAY, "放假": HOLIDAY,
    "workday": WORKDAY, "班": WORKDAY, "上班": WORKDAY,
}
_WEEKDAY_NAMES = "一二三四五六日"
# ISO dates, plus the 2026/1/4 form spreadsheet software writes when it re-saves a CSV.
_DATE_RE = re.compile(r"(\d{4})([-/])(\d{1,2})\2(\d{1,2})")


def _is_weekend(d: date) -> bool:
    return d.weekday() >= 5


def _weekdays_through(ordinal: int) -> int:
    """Number of Monday–Friday days among ordinals 1..ordinal (ordinal 1, 0001-01-01, is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


class WorkCalendar:
    """Which days are working days: Monday–Friday unless overridden as holiday, plus weekend days
    overridden as make-up working days.

    Overrides that do not change a day (a holiday on a Saturday, a workday on a Tuesday) are
    accepted and have no effect. Outside the years that have overrides every Monday–Friday is a
    working day, so callers that care should check :attr:`years` covers the dates they compute.

    :param overrides: ``(date, kind)`` pairs, kind being :data:`HOLIDAY` or :data:`WORKDAY`.
    :raises ValueError: on an unknown kind, or the same date given with two different kinds.
    """

    def __init__(self, overrides: Iterable[tuple[date, str]] = ()) -> None:
        self._kinds: dict[date, str] = {}
        for d, kind in overrides:
            if kind not in (HOLIDAY, WORKDAY):
                raise ValueError(f"unknown day kind {kind!r} for {d.isoformat()}")
            if self._kinds.setdefault(d, kind) != kind:
                raise ValueError(f"{d.isoformat()} is overridden as both holiday and workday")
        # Only overrides that flip a day matter for counting: -1 for a weekday holiday, +1 for a
        # weekend make-up day. Sorted ordinals with prefix sums let a range be counted by bisection.
        effective = sorted(
            (d.toordinal(), 1 if kind == WORKDAY else -1)
            for d, kind in self._kinds.items()
            if _is_weekend(d) == (kind == WORKDAY)
        )
        self._ordinals = [o for o, _ in effective]
        self._prefix = [0, *accumulate(delta for _, delta in effective)]
        self.years: frozenset[int] = frozenset(d.year for d in self._kinds)
        """Calendar years that have at least one override (a hint of what the data covers)."""

    @classmethod
    def from_csv(cls, text: str) -> WorkCalendar:
        """A calendar from CSV text in the format of :func:`parse_calendar_csv`.

        :raises CalendarErrors: when the CSV has bad lines.
        """
        return cls((d, kind) for d, kind, _name in parse_calendar_csv(text))

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day."""
        kind = self._kinds.get(d)
        if kind is None:
            return not _is_weekend(d)
        return kind == WORKDAY

    def working_days_between(self, start: date, end: date) -> int:
        """Working days ``d`` with ``start < d <= end``; 0 when ``end <= start``.

        This is how "N working days after it was formed" is counted: the day of formation itself
        does not count, the deadline day does. Runs in logarithmic time in the number of overrides,
        whatever the length of the range.
        """
        lo, hi = start.toordinal(), end.toordinal()
        if hi <= lo:
            return 0
        plain = _weekdays_through(hi) - _weekdays_through(lo)
        prefix, ordinals = self._prefix, self._ordinals
        adjust = prefix[bisect_right(ordinals, hi)] - prefix[bisect_right(ordinals, lo)]
        return plain + adjust

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself when ``n`` is 0).

        Inverse of :meth:`working_days_between`: for ``n >= 1`` the result ``r`` is a working day
        with ``working_days_between(start, r) == n``. ``start`` need not be a working day.

        :raises ValueError: when ``n`` is negative.
        :raises OverflowError: when the result would be after ``date.max``.
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        if n == 0:
            return start
        # Exponential search for a day far enough, then bisect on the (monotone) count: the
        # first day reaching n working days is necessarily itself the n-th working day.
        span = n * 7 // 5 + 7
        while self.working_days_between(start, start + timedelta(days=span)) < n:
            span *= 2
        lo, hi = 0, span  # count(lo) < n <= count(hi)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.working_days_between(start, start + timedelta(days=mid)) >= n:
                hi = mid
            else:
                lo = mid
        return start + timedelta(days=hi)


class CalendarError(ValueError):
    """One bad line of a calendar CSV, with a message in Chinese for the bureau staff who wrote it.

    :param line: 1-based line number, the header being line 1.
    :param field: the column at fault (``date``, ``kind``, ``name``), or ``header``/``row``.
    :param message: what is wrong, in Chinese.
    """

    def __init__(self, line: int, field: str, message: str) -> None:
        super().__init__(f"第 {line} 行 {field}：{message}")
        self.line = line
        self.field = field
        self.message = message


class CalendarErrors(ValueError):
    """Every bad line of a calendar CSV, so staff can fix them all in one go."""

    def __init__(self, errors: list[CalendarError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def _parse_date(raw: str) -> date:
    """A date written ``YYYY-MM-DD`` (or ``YYYY/M/D``); raises ValueError with a Chinese message."""
    match = _DATE_RE.fullmatch(raw)
    if match is None:
        raise ValueError(str(_l("日期格式应为 YYYY-MM-DD") if raw else _l("缺少日期")))
    try:
        return date(int(match[1]), int(match[3]), int(match[4]))
    except ValueError:
        raise ValueError(str(_l("日期不存在：%(date)s", date=raw))) from None


def _header_columns(header: list[str]) -> dict[str, int] | CalendarError:
    """Column positions by name, or the error describing what the header lacks."""
    names = [h.strip().lower() for h in header]
    missing = [col for col in ("date", "kind", "name") if col not in names]
    if missing:
        return CalendarError(1, "header", str(_l("表头应为 date,kind,name，缺少：%(columns)s", columns=",".join(missing))))
    return {col: names.index(col) for col in ("date", "kind", "name")}


def _parse_row(
    row: list[str], line: int, cols: dict[str, int]
) -> tuple[tuple[date, str, str] | None, list[CalendarError]]:
    """One data row: the parsed override (None if unusable) and the errors found on it."""
    errors: list[CalendarError] = []
    if len(row) > len(cols) and any(cell.strip() for cell in row[len(cols):]):
        errors.append(CalendarError(line, "row", str(_l("列数过多：应为 %(n)d 列（date,kind,name）", n=len(cols)))))
    cell = {col: (row[i].strip() if i < len(row) else "") for col, i in cols.items()}
    day = None
    try:
        day = _parse_date(cell["date"])
    except ValueError as exc:
        errors.append(CalendarError(line, "date", str(exc)))
    kind = _KIND_ALIASES.get(cell["kind"].lower())
    if kind is None:
        errors.append(CalendarError(line, "kind", str(_l("类型应为 holiday 或 workday（也可写 休/班、放假/上班）"))))
    elif day is not None and kind == WORKDAY and not _is_weekend(day):
        errors.append(CalendarError(
            line, "kind", str(_l("该日期本就是工作日（星期%(day)s），调休上班日应为周六或周日", day=_WEEKDAY_NAMES[day.weekday()]))))
    if day is None or kind is None:
        return None, errors
    return (day, kind, cell["name"]), errors


def parse_calendar_csv(text: str) -> list[tuple[date, str, str]]:
    """The overrides of a calendar CSV, as ``(date, kind, name)`` in file order.

    Format: a header ``date,kind,name`` (any column order), then one line per overridden day.
    ``date`` is ``YYYY-MM-DD`` (``YYYY/M/D`` as re-saved by spreadsheets is accepted too);
    ``kind`` is ``holiday``/``workday`` or ``休``/``班`` or ``放假``/``上班``; ``name`` may be
    blank. Blank lines and a UTF-8 BOM are ignored.

    Decisions: a ``holiday`` on a weekend is fine (notices list whole holiday spans including
    weekends); a ``workday`` on Monday–Friday is reported as an error, because official notices
    only ever name weekend days as make-up working days, so such a line is almost surely a
    mistyped date and would otherwise silently drop the real make-up day. A date given twice is
    an error even with the same kind.

    :raises CalendarErrors: listing every bad line (1-based, header = line 1).
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = next(reader, None)
    if header is None:
        raise CalendarErrors([CalendarError(1, "header", str(_l("文件为空，缺少表头 date,kind,name")))])
    cols = _header_columns(header)
    if isinstance(cols, CalendarError):
        raise CalendarErrors([cols])
    result: list[tuple[date, str, str]] = []
    errors: list[CalendarError] = []
    seen: dict[date, int] = {}
    last_line = reader.line_num
    for row in reader:
        # A row's first physical line (a quoted cell may span several lines).
        line, last_line = last_line + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        parsed, row_errors = _parse_row(row, line, cols)
        errors.extend(row_errors)
        if parsed is None:
            continue
        if parsed[0] in seen:
            errors.append(CalendarError(line, "date", str(_l("日期重复：与第 %(line)d 行相同", line=seen[parsed[0]]))))
            continue
        seen[parsed[0]] = line
        if not row_errors:
            result.append(parsed)
    if errors:
        raise CalendarErrors(errors)
    return result
