"""Children's personal data in published lists: the one masking function every output uses, and
the one scanner (:func:`find_in_text`) for every text that can be published, which finds ID
numbers (18 digits, and the old 15), mainland mobile numbers and e-mail addresses however they are
written (full-width, with zero-width characters, in groups, obfuscated); ``review.publishable``
applies it to every content kind when a draft is saved and again when it is approved.

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

# The scanner reads text as a reader sees it: NFKC (full-width digits and letters, ＠ and ．) and
# without invisible format characters (zero-width spaces and joiners, word joiner, BOM, soft hyphen,
# direction marks: Unicode category Cf). Digit groups separated by a little whitespace (line breaks
# too) around at most one of - _ . / ‐ – — − (or --) are read as one number, the way numbers are
# written to slip past a plain pattern: 138.1234.5678, 1101_0520_1203_0420_1X.
_GROUP = re.compile(r"[0-9]+(?:[Xx](?![A-Za-z0-9]))?")
_JOIN = re.compile(r"\s{0,3}(?:--|[-_./\u2010-\u2015\u2212])?\s{0,3}")
# first two digits of a resident ID: the province-level region (GB/T 2260; 83 Taiwan, 91 abroad)
_PROVINCES = frozenset("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
                       "61 62 63 64 65 71 81 82 83 91".split())
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# e-mail addresses, also as a at b dot com, a(at)b.com, a [at] b [dot] cn, a艾特b点com, a圈ab.com
_OPEN, _CLOSE = r"[(\[{<【〔「《]", r"[)\]}>】〕」》]"
_AT = rf"\s*@\s*|\s*{_OPEN}\s*(?:at|@|艾特)\s*{_CLOSE}\s*|\s*(?:艾特|圈a)\s*|\s+at\s+"
_DOT = rf"\s*\.\s*|\s*{_OPEN}\s*(?:dot|点|\.)\s*{_CLOSE}\s*|\s+dot\s+|\s*点\s*"
EMAIL = re.compile(rf"(?<![A-Za-z0-9._%+-])(?P<local>[A-Za-z0-9][A-Za-z0-9._%+-]*)(?P<at>{_AT})"
                   rf"(?P<domain>[A-Za-z0-9-]+(?:(?:{_DOT})[A-Za-z0-9-]+)*(?:{_DOT})[A-Za-z]{{2,}})(?![A-Za-z0-9])",
                   re.I)
_EMAIL_HINT = re.compile(r"@|at|艾特|圈a", re.I)
_DOT_WORD = re.compile(rf"{_DOT}", re.I)
#: mailboxes of government offices and schools, which free text may name (see ``Found.office``)
OFFICE_DOMAINS = ("gov.cn", "edu.cn")
#: changes whenever the scanner finds more; a scan recorded with an older version is not trusted
SCANNER_VERSION = 2


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        return bool(date(year, month, day))
    except ValueError:
        return False


def _has_birth_date(number: str) -> bool:
    """A real region and birth date where an 18-digit ID number has them."""
    return number[:2] in _PROVINCES and 1900 <= int(number[6:10]) <= 2099 \
        and _valid_date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def _check_digit_holds(number: str) -> bool:
    """GB 11643-1999: the weighted sum of the first 17 digits (mod 11) names the 18th."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(number, _WEIGHTS)) % 11] == number[17].upper()


def _is_old_id(number: str) -> bool:
    """A 15-digit ID number (issued until 1999): region, birth date YYMMDD in 19YY, sequence number.
    Birth years before 1920 are left out: there the digits are more often a registration number's zeros."""
    return number.isdigit() and number[:2] in _PROVINCES and int(number[6:8]) >= 20 \
        and _valid_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))


def _is_id(pieces: str, *, checked: bool) -> bool:
    """18 characters with a birth date (and a check digit that holds when ``checked``), or an old 15-digit ID."""
    if len(pieces) == 15:
        return _is_old_id(pieces)
    return len(pieces) == 18 and pieces[:17].isdigit() and _has_birth_date(pieces) \
        and (not checked or _check_digit_holds(pieces))


@dataclass(frozen=True)
class Found:
    """Personal data in a text: its kind, where it is (offsets into the text as given, 1-based line
    and character in that line) and the value masked, to point at it without repeating it."""

    kind: str  # id_number | mobile | email
    start: int
    end: int
    line: int
    column: int
    masked: str
    office: bool = False  # an e-mail address at a government or school domain (OFFICE_DOMAINS)


def _normalized(text: str) -> tuple[str, list[int] | None]:
    """The text as read (see above) and, unless unchanged, each character's offset in ``text``."""
    if text.isascii():
        return text, None
    chars, where = [], []
    for offset, ch in enumerate(text):
        if unicodedata.category(ch) != "Cf":
            for c in unicodedata.normalize("NFKC", ch):
                chars.append(c)
                where.append(offset)
    return "".join(chars), where


def _runs(text: str) -> list[list[tuple[re.Match, bool]]]:
    """Digit groups joined into runs; each group with whether punctuation (not only space) precedes it."""
    runs: list[list[tuple[re.Match, bool]]] = []
    for group in _GROUP.finditer(text):
        if runs:
            last = runs[-1][-1][0]
            gap = text[last.end():group.start()]
            if gap and _JOIN.fullmatch(gap) and last.group()[-1].isdigit():  # a check digit X ends a number
                runs[-1].append((group, bool(gap.strip())))
                continue
        runs.append([(group, True)])
    return runs


def _numbers(run: list[tuple[re.Match, bool]], laid_out: bool):
    """(kind, start, end, digits) of every ID or mobile number in a run of digit groups. An ID
    number written in one piece needs a birth date; in several pieces, or inside a longer piece,
    its check digit must hold too."""
    groups = [g for g, _ in run]
    for i, first in enumerate(groups):
        value = first.group()
        if _is_id(value, checked=False):
            yield "id_number", first.start(), first.end(), value
        for m in re.finditer(r"(?=([0-9]{17}[0-9Xx]))", value) if len(value) > 18 else ():
            if _is_id(m.group(1), checked=True):
                yield "id_number", first.start() + m.start(), first.start() + m.start() + 18, m.group(1)
        pieces = value
        for last in groups[i + 1:]:
            pieces += last.group()
            if len(pieces) > 18:
                break
            if _is_id(pieces, checked=True):
                yield "id_number", first.start(), last.end(), pieces
        yield from _mobiles(run, i, laid_out)


def _mobiles(run: list[tuple[re.Match, bool]], i: int, laid_out: bool):
    """A mobile number from group ``i`` (after 86 or 0086 in it) to the end of a later group. The
    carrier prefix (13x-19x) stays in one piece unless every digit stands alone (1 3 8 1 ...); in
    text laid out on a page (``laid_out``) only punctuation joins pieces, spaces part table cells."""
    value = run[i][0].group()
    for prefix in ("", "86", "0086"):
        head = value[len(prefix):] if value.startswith(prefix) else ""
        spelled = len(head) == 1 and not prefix
        if len(head) < 3 and not spelled:
            continue
        digits = head
        for j in range(i + 1, len(run) + 1):
            if len(digits) >= 11:
                if len(digits) == 11 and _MOBILE.fullmatch(digits):
                    yield "mobile", run[i][0].start() + len(prefix), run[j - 1][0].end(), digits
                break
            if j == len(run) or (laid_out and not run[j][1]) or (spelled and len(run[j][0].group()) != 1):
                break
            digits += run[j][0].group()


def _mask(kind: str, value: str) -> str:
    if kind == "email":
        local, _, domain = value.partition("@")
        return f"{local[:1]}{MASK * 3}@{domain}"
    return value[:3] + MASK * (len(value) - 5) + value[-2:]


def find_in_text(text: str, *, laid_out: bool = False) -> list[Found]:
    """Every ID number, mobile number and e-mail address in ``text``, in order (see the patterns above).

    Landlines (an area code 0xx/0xxx, or 7-8 digits), service numbers (12345, 400-…), dates,
    years, door-number ranges, money and counts are not mobiles or ID numbers; only 11 digits
    1[3-9]x…, with an optional 86 or 0086, make a mobile number.

    :param laid_out: text extracted from a page (a PDF), where a space may part two table cells.
    """
    text = text or ""
    norm, where = _normalized(text)
    hits: dict[tuple[int, int, str], str] = {}
    if len(norm) >= 11:
        for run in _runs(norm):
            for kind, start, end, digits in _numbers(run, laid_out):
                hits.setdefault((start, end, kind), digits)
    if _EMAIL_HINT.search(norm):
        for m in EMAIL.finditer(norm):
            at, domain = m.group("at").strip().lower(), m.group("domain")
            dotted = _DOT_WORD.sub(".", domain).lower()
            if at == "at" and dotted.count(".") == domain.count("."):  # "see us at example.com" is prose
                continue
            hits.setdefault((m.start(), m.end(), "email"), f"{m.group('local')}@{dotted}")
    found = []
    for (start, end, kind), value in sorted(hits.items()):
        if where is not None:
            start, end = where[start], where[end - 1] + 1
        line_start = text.rfind("\n", 0, start) + 1
        office = kind == "email" and value.endswith(tuple(p + d for d in OFFICE_DOMAINS for p in ".@"))
        found.append(Found(kind, start, end, text.count("\n", 0, start) + 1, start - line_start + 1,
                           _mask(kind, value), office))
    return found


def _kinds(text: str) -> list[str]:
    kinds = {f.kind for f in find_in_text(text)}
    return [k for k in ("id_number", "mobile", "email") if k in kinds]


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
    """The kinds of personal data anywhere in ``text`` (where, see :func:`find_in_text`)."""
    return _kinds(text or "")
