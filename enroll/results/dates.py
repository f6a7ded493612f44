"""A date as parents write it: ``2019-12-28``, ``2019/12/28``, ``2019.12.28``, ``2019年12月28日``
(or ``…28号``), ``20191228``, ``二〇一九年十二月二十八日``, in full-width digits and with spaces
anywhere. Year first, as every Chinese form writes it; month and day with or without a leading zero.

Pure: no database, no request. A date that cannot be read or cannot exist raises :class:`BadDate`
with a translated message naming the problem, so the caller can refuse it before counting anything.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from enroll.core.i18n import _l

EARLIEST_YEAR = 1900

# after NFKC (full-width forms are ASCII then): separators between year, month and day
_SEPARATOR = r"\s*[-/.\s\u2010-\u2015\u2212\u30fb\u3001\u3002,年月]\s*"
_YEAR_FIRST = re.compile(rf"(\d{{4}}){_SEPARATOR}(\d{{1,2}}){_SEPARATOR}(\d{{1,2}})\s*[日号號.\u3002]?")
_DIGITS_ONLY = re.compile(r"(\d{4})(\d{2})(\d{2})")
_YEAR_LAST = re.compile(rf"\d{{1,2}}{_SEPARATOR}\d{{1,2}}{_SEPARATOR}\d{{4}}")
_CHINESE_NUMBER = re.compile(r"[〇零○一二三四五六七八九十]+")
_CHINESE_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0}


class BadDate(ValueError):
    """A date that cannot be read or cannot exist; ``message`` says why (translated when shown)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _chinese_number(match: re.Match) -> str:
    """``二〇一九`` → ``2019`` (digit by digit); ``十二`` → ``12``, ``二十八`` → ``28``, ``三十`` → ``30``."""
    text = match.group(0)
    if "十" not in text:
        return "".join(str(_CHINESE_DIGITS[c]) for c in text)
    tens, _ten, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1 or "十" in units:
        return text  # not a number a date has: left for the format check to refuse
    return str(_CHINESE_DIGITS.get(tens, 1) * 10 + _CHINESE_DIGITS.get(units, 0))


def _normalized(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").strip()
    return _CHINESE_NUMBER.sub(_chinese_number, text)


def parse_date(text: str, *, today: date | None = None) -> date:
    """The date ``text`` names, year first.

    :param today: when given, a later date is refused (a birth date cannot be in the future).
    :raises BadDate: empty, unreadable, month or day out of range, before 1900, or after ``today``.
    """
    value = _normalized(text)
    if not value:
        raise BadDate(_l("请填写日期。"))
    parts = _DIGITS_ONLY.fullmatch(value) or _YEAR_FIRST.fullmatch(value)
    if parts is None:
        if _YEAR_LAST.fullmatch(value):
            raise BadDate(_l("请把年份写在前面，按“年-月-日”填写，例如 2019-12-28。"))
        raise BadDate(_l("无法识别日期“%(value)s”，请按“年-月-日”填写，例如 2019-12-28 或 2019年12月28日。",
                         value=text.strip()[:40]))
    year, month, day = (int(p) for p in parts.groups())
    if not 1 <= month <= 12:
        raise BadDate(_l("月份 %(month)d 不存在，月份应在 1 到 12 之间。", month=month))
    if year < EARLIEST_YEAR:
        raise BadDate(_l("年份 %(year)d 不对，请填写四位数的年份，例如 2019。", year=year))
    try:
        found = date(year, month, day)
    except ValueError:
        raise BadDate(_l("%(year)d 年 %(month)d 月没有 %(day)d 日。", year=year, month=month, day=day)) from None
    if today is not None and found > today:
        raise BadDate(_l("日期 %(date)s 晚于今天。", date=found.isoformat()))
    return found
