"""Checks for content fields submitted by staff: each returns the normalized value or raises
``Invalid`` naming the field (``detail["field"]``) with a translated message."""
from __future__ import annotations

import re
from datetime import date

from enroll.core.errors import Invalid
from enroll.core.i18n import _l

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _digits(value: str) -> bool:
    """ASCII digits only ("²" and "١" are digits to str.isdigit but not to int)."""
    return value.isascii() and value.isdigit()


def text(data: dict, key: str, label, *, required: bool = False, limit: int = 200) -> str:
    value = str(data.get(key) or "").strip()
    if required and not value:
        raise Invalid(_l("请填写“%(field)s”。", field=label), field=key)
    if len(value) > limit:
        raise Invalid(_l("“%(field)s”最多 %(n)d 个字。", field=label, n=limit), field=key)
    return value


def iso_date(data: dict, key: str, label, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise Invalid(_l("请填写“%(field)s”。", field=label), field=key)
        return None
    try:
        return (value if isinstance(value, date) else date.fromisoformat(str(value))).isoformat()
    except ValueError:
        raise Invalid(_l("“%(field)s”不是有效日期（YYYY-MM-DD）。", field=label), field=key) from None


def choice(data: dict, key: str, choices: tuple, default: str) -> str:
    value = data.get(key) or default
    if value not in choices:
        raise Invalid(_l("“%(value)s”不是可选的值。", value=value), field=key)
    return value


def year(data: dict, key: str = "year", *, required: bool = False) -> int | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise Invalid(_l("请填写招生年度。"), field=key)
        return None
    if not _digits(str(value)) or not 2000 <= int(value) <= 2100:
        raise Invalid(_l("招生年度“%(year)s”无效。", year=value), field=key)
    return int(value)


def count(data: dict, key: str, label, *, required: bool = False, limit: int = 10**7) -> int | None:
    """A whole number from 0 to ``limit``."""
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise Invalid(_l("请填写“%(field)s”。", field=label), field=key)
        return None
    if not _digits(str(value).strip()) or int(value) > limit:
        raise Invalid(_l("“%(field)s”必须是 0 到 %(n)d 之间的整数。", field=label, n=limit), field=key)
    return int(value)


def email(data: dict, key: str, label) -> str:
    value = text(data, key, label, limit=120)
    if value and not _EMAIL.fullmatch(value):
        raise Invalid(_l("“%(field)s”不是有效的电子邮件地址。", field=label), field=key)
    return value


def web_address(data: dict, key: str, label) -> str:
    value = text(data, key, label)
    if value and not re.match(r"https?://[^\s/]+", value):
        raise Invalid(_l("“%(field)s”应以 http:// 或 https:// 开头。", field=label), field=key)
    return value


_PHONE_SEPARATORS = re.compile(r"[、,，/；;]")
_PHONE_CHARS = re.compile(r"\+?[0-9\s\-()]+")
_FULLWIDTH = str.maketrans("０１２３４５６７８９＋－（）", "0123456789+-()")


def _phone_parts(text: str) -> list[tuple[str, str, str]]:
    """Each number in a phone field: (as written, the number's digits with any leading +, extension)."""
    parts = []
    for part in filter(None, (p.strip() for p in _PHONE_SEPARATORS.split(text or ""))):
        number, _, extension = part.translate(_FULLWIDTH).partition("转")
        parts.append((part, number.strip(), extension.strip()))
    return parts


def dial_numbers(text: str) -> list[tuple[str, str]]:
    """Each number of a phone field as written and as a ``tel:`` address: "0000-86000000、12345 转 2"
    → [("0000-86000000", "tel:000086000000"), ("12345 转 2", "tel:12345;ext=2")]."""
    return [(shown, "tel:" + re.sub(r"[^0-9+]", "", number) + (f";ext={extension}" if extension else ""))
            for shown, number, extension in _phone_parts(text)]


def phone(data: dict, key: str, label, *, required: bool = False, limit: int = 100) -> str:
    """One or more telephone numbers as people write them (0571-8600 0000、12345 转 2): each
    5 to 15 digits (an international number at most), optionally with one extension."""
    value = text(data, key, label, required=required, limit=limit)
    for _shown, number, extension in _phone_parts(value):
        digits = sum(c.isdigit() for c in number)
        if (not _PHONE_CHARS.fullmatch(number) or not 5 <= digits <= 15
                or (extension and not (_digits(extension) and len(extension) <= 6))):
            raise Invalid(_l("“%(field)s”应为电话号码（数字、-、括号；多个号码用顿号分开）。", field=label), field=key)
    return value
