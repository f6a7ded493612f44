"""Children's personal data in published lists: the one masking function every output uses, and
the scanner that refuses files carrying ID numbers, mobile numbers or e-mail addresses.

Masking keeps the surname (one character, or two for a compound surname) and, for a single
surname with a given name of two or more characters, the last character: 张三 → 张*, 张小明 →
张*明, 欧阳小明 → 欧阳**. Names in several parts (维吾尔族 买买提·艾力, Latin letters) keep the
first character of each part. Standard library only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MASK = "*"
COMPOUND_SURNAMES = frozenset("""
欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 闾丘 端木 独孤 南宫 西门 百里
呼延 澹台 公冶 太史 申屠 赫连 万俟 东郭 公羊 濮阳 淳于 单于 仲孙 叔孙 子车 颛孙 巫马 公西 漆雕 乐正 壤驷 公良
拓跋 夹谷 宰父 谷梁 段干 司空 司寇 亓官 鲜于 羊舌 微生 梁丘 左丘 东门 第五 宗政
""".split())
_PARTS = re.compile(r"[·•．.\s]+")

# Patterns found anywhere in a cell: an 18-character resident ID number (last character a digit or
# X), a mainland mobile number, an e-mail address. Digits around them must not be more digits.
ID_NUMBER = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PATTERNS = (("id_number", ID_NUMBER), ("mobile", MOBILE), ("email", EMAIL))


def _mask_part(part: str) -> str:
    return part[:1] + MASK * (len(part) - 1)


def mask_name(name: str | None) -> str:
    """A child's name as it may appear in public: 张* / 张*明 / 欧阳** (see the module docstring)."""
    name = (name or "").strip()
    if not name:
        return ""
    parts = [p for p in _PARTS.split(name) if p]
    if len(parts) > 1 or not _is_han(name):
        return "·".join(_mask_part(p) for p in parts) if _is_han(name) else " ".join(_mask_part(p) for p in parts)
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


def find_personal_data(rows, header: list[str], first_line: int = 2) -> list[PersonalData]:
    """Every cell of ``rows`` (lists of strings, in the order of ``header``) that holds an ID number,
    a mobile number or an e-mail address, whatever its column is called.

    :param first_line: the line number of the first row (2 when line 1 is the header).
    """
    found = []
    for line, row in enumerate(rows, start=first_line):
        for index, cell in enumerate(row):
            for kind, pattern in PATTERNS:
                if cell and pattern.search(str(cell)):
                    column = header[index] if index < len(header) else str(index + 1)
                    found.append(PersonalData(line, column, kind))
    return found


def contains_personal_data(text: str) -> list[str]:
    """The kinds of personal data anywhere in ``text`` (for free-text fields and notes)."""
    return [kind for kind, pattern in PATTERNS if pattern.search(text or "")]
