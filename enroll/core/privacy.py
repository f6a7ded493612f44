"""Children's personal data in published lists: the one masking function every output uses, and
the scanner that refuses files carrying ID numbers, mobile numbers or e-mail addresses.

Masking keeps the surname (one character, or two for a compound surname) and, for a single
surname with a given name of two or more characters, the last character: 张三 → 张*, 张小明 →
张*明, 欧阳小明 → 欧阳**. Names in several parts (维吾尔族 买买提·艾力, Latin letters) keep the
first character of each part, and a one-character part after the first shows nothing (张·三 →
张·*). Spaces inside a Chinese name are dropped first. Standard library only.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

MASK = "*"
COMPOUND_SURNAMES = frozenset("""
欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 闾丘 端木 独孤 南宫 西门 百里
呼延 澹台 公冶 太史 申屠 赫连 万俟 东郭 公羊 濮阳 淳于 单于 仲孙 叔孙 子车 颛孙 巫马 公西 漆雕 乐正 壤驷 公良
拓跋 夹谷 宰父 谷梁 段干 司空 司寇 亓官 鲜于 羊舌 微生 梁丘 左丘 东门 第五 宗政
""".split())
# anything but letters, digits and the mask itself separates the parts of a name (masking twice
# changes nothing: every output masks again whatever was stored)
_PARTS = re.compile(r"(?:[^\w*]|_)+")

# Patterns found anywhere in a cell, after NFKC (full-width digits and ＠ count): a resident ID
# number (17 digits, then a digit or X, with a real birth date in characters 7-14; inside a longer
# run of digits or letters, or written in groups with spaces or hyphens, its check digit must hold
# too); a mainland mobile number; an e-mail address.
ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_ID_WINDOW = re.compile(r"(?=([0-9]{17}[0-9Xx]))")
_DIGIT_GAPS = re.compile(r"(?<=[0-9])[ \-](?=[0-9Xx])")
MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _has_birth_date(number: str) -> bool:
    born = number[6:14]
    try:
        return 1900 <= int(born[:4]) <= 2099 and bool(date(int(born[:4]), int(born[4:6]), int(born[6:8])))
    except ValueError:
        return False


def _check_digit_holds(number: str) -> bool:
    """GB 11643-1999: the weighted sum of the first 17 digits (mod 11) names the 18th."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(number, _WEIGHTS)) % 11] == number[17].upper()


def _looks_like_id(text: str) -> bool:
    if any(_has_birth_date(m.group(0)) for m in ID_NUMBER.finditer(text)):
        return True
    for candidate in (text, _DIGIT_GAPS.sub("", text)):
        if any(_has_birth_date(m.group(1)) and _check_digit_holds(m.group(1)) for m in _ID_WINDOW.finditer(candidate)):
            return True
    return False


def _kinds(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text)
    found = []
    if len(text) >= 18 and _looks_like_id(text):  # the length tests skip the patterns for most cells
        found.append("id_number")
    if len(text) >= 11 and MOBILE.search(text):
        found.append("mobile")
    if "@" in text and EMAIL.search(text):
        found.append("email")
    return found


def _mask_part(part: str, first: bool) -> str:
    """A part keeps its first character, except a one-character part after the first: nothing shows then."""
    if len(part) == 1 and not first:
        return MASK
    return part[:1] + MASK * (len(part) - 1)


def mask_name(name: str | None) -> str:
    """A child's name as it may appear in public: 张* / 张*明 / 欧阳** (see the module docstring).

    Full-width letters and spaces are normalised first (NFKC) and invisible characters dropped; a
    Chinese name loses every space inside it (``张　三``, ``王 小 明`` and a cell broken over two
    lines are one name); any other character that is not a letter or digit separates parts.
    """
    name = "".join(ch for ch in unicodedata.normalize("NFKC", name or "")
                   if unicodedata.category(ch) not in ("Cf", "Mn", "Me")).strip()  # zero-width, accents
    if _is_han(name):
        name = re.sub(r"\s+", "", name)
    parts = [p for p in _PARTS.split(name) if p]
    if not parts:
        return ""
    name = "".join(parts) if len(parts) == 1 else name
    if len(parts) > 1 or not _is_han(name):
        masked = [_mask_part(p, i == 0) for i, p in enumerate(parts)]
        return "·".join(masked) if _is_han(name) else " ".join(masked)
    surname = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
    given = name[surname:]
    if not given:
        return name[:surname]
    if surname == 1 and len(given) >= 2:
        return name[:1] + MASK * (len(given) - 1) + given[-1]
    return name[:surname] + MASK * len(given)


def _is_han(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


@dataclass(frozen=True)
class PersonalData:
    """Where personal data was found: 1-based line, the column's name, the kind of data."""

    line: int
    column: str
    kind: str  # id_number | mobile | email


def find_personal_data(rows, header: list[str], first_line: int = 2, lines: list[int] | None = None
                       ) -> list[PersonalData]:
    """Every cell of ``rows`` (lists of strings, in the order of ``header``) that holds an ID number,
    a mobile number or an e-mail address, whatever its column is called.

    :param first_line: the line number of the first row (2 when line 1 is the header).
    :param lines: the line number of each row instead (files with blank lines or multi-line cells).
    """
    found = []
    numbers = lines if lines is not None else range(first_line, first_line + len(rows))
    for line, row in zip(numbers, rows):
        for index, cell in enumerate(row):
            for kind in _kinds(str(cell)) if cell else ():
                column = header[index] if index < len(header) else str(index + 1)
                found.append(PersonalData(line, column, kind))
    return found


def contains_personal_data(text: str) -> list[str]:
    """The kinds of personal data anywhere in ``text`` (for free-text fields and notes)."""
    return _kinds(text or "")
