"""The reply letter (政府信息公开申请答复书) to a request for information, as a PDF.

Built with fpdf2 and a CJK font found on the server (subset on output, so a one-page letter stays
small). Every fixed text is a translatable message with a Chinese source; the web layer renders
the letter under the ``zh_Hans`` locale, as the letter is an official document in Chinese. No
Flask here: the font path is an argument.
"""
from __future__ import annotations

import functools
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from enroll.core.errors import Invalid
from enroll.core.i18n import _l
from enroll.info_requests.codes import DECISIONS, REASONS

#: CJK fonts of Debian and Ubuntu packages, in order of preference: a serif face (宋体 style) for an
#: official letter, then sans, then older packages' TrueType fonts.
FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",   # fonts-noto-cjk
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",    # fonts-noto-cjk
    "/usr/share/fonts/truetype/arphic/uming.ttc",                # fonts-arphic-uming
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",              # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",            # fonts-wqy-microhei
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # fonts-droid-fallback
)

TITLE = _l("政府信息公开申请答复书")
CONTACT = _l("联系方式：")
NO_FONT = _l("未找到可用于生成 PDF 的中文字体，请安装 fonts-noto-cjk 或设置 ENROLL_PDF_FONT。")

MARGIN = 25          # mm, all sides
BODY_PT = 12
TITLE_PT = 18
SMALL_PT = 9
LINE = 7.5           # mm between body lines
EXCERPT_CHARS = 200  # of the request's description quoted in the letter
PT = 25.4 / 72       # mm per point

# a line may not start with these (they hang into the margin instead) nor end with the openers
_CLOSERS = set("，。、；：？！）》」』〉】〕〗］｝”’…—％·,.;:?!)]}%")
_OPENERS = set("（《「『〈【〔〖［｛“‘([{")
# a run of Latin letters, digits and the like is one unit; any other character is one
_UNITS = re.compile(r"[A-Za-z0-9@#&_+\-=/.:~%]+|\s|.")


@dataclass(frozen=True)
class Letter:
    """What a reply letter says; texts are plain (the letter escapes nothing, it is a PDF)."""

    authority: str       # the office answering, e.g. 青溪区教育局
    number: str          # the request's tracking number
    requester: str       # the requester's name
    received_on: date    # 收到申请之日
    description: str     # what was asked for (an excerpt is quoted)
    decision: str        # a key of codes.DECISIONS
    reason: str          # a sub-reason of codes.REASONS[decision], or ""
    reply: str           # the body staff wrote; one paragraph per line
    decided_on: date
    contact: str         # the office's address and telephone, one per line
    review_body: str     # 行政复议机关, e.g. 青溪区人民政府
    court: str           # e.g. 青溪区人民法院
    fee: int = 0         # 信息处理费 in yuan, 0 for none


def find_font(configured: str = "", *, candidates: Sequence[str] = FONT_PATHS) -> str:
    """The CJK font to write letters with: ``configured`` (``ENROLL_PDF_FONT``) if given, else the
    first of ``candidates`` that exists.

    :raises Invalid: ``code="font"`` when the configured file does not exist or none is found.
    """
    if configured:
        if not os.path.isfile(configured):
            raise _bad_font(configured)
        return configured
    for path in candidates:
        if os.path.isfile(path):
            return path
    raise Invalid(NO_FONT, code="font")


def _bad_font(path: str) -> Invalid:
    return Invalid(_l("无法使用字体文件 %(path)s 生成 PDF，请检查 ENROLL_PDF_FONT。", path=path), code="font", path=path)


def render(letter: Letter, font_path: str) -> bytes:
    """The letter as an A4 PDF, its font subset and embedded; pages numbered when more than one.

    :raises Invalid: ``code="font"`` when the font cannot be loaded.
    :raises KeyError: for a decision that is not one of :data:`codes.DECISIONS`.
    """
    pdf = _document(letter, font_path)
    _heading(pdf, letter)
    for paragraph in _body(letter):
        _paragraph(pdf, paragraph, indent=2)
    _signature(pdf, letter)
    _number_pages(pdf)
    return bytes(pdf.output())


def chinese_date(day: date) -> str:
    """``2026年3月5日``."""
    return str(_l("%(year)d年%(month)d月%(day)d日", year=day.year, month=day.month, day=day.day))


def _document(letter: Letter, font_path: str):
    from fpdf import FPDF  # on use: fpdf2 and fontTools take a while to import

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    try:
        pdf.add_font("cjk", fname=font_path, collection_font_number=_face(font_path))
    except Exception as exc:  # fontTools raises many types for a file that is no font
        raise _bad_font(font_path) from exc
    pdf.set_title(f"{TITLE} {letter.number}")
    pdf.set_author(letter.authority)
    pdf.set_lang("zh-CN")
    pdf.add_page()
    return pdf


@functools.lru_cache(maxsize=8)
def _face(path: str) -> int:
    """Which face of a font collection (.ttc) to use: the simplified Chinese one (Noto CJK's
    "SC", AR PL's "CN"), since the collections start with Japanese glyph forms; else the first."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    from fontTools.ttLib import TTCollection

    with TTCollection(path, lazy=True) as collection:
        for index, font in enumerate(collection.fonts):
            if re.search(r"\b(SC|CN|GB)\b", font["name"].getDebugName(4) or ""):
                return index
    return 0


def _heading(pdf, letter: Letter) -> None:
    pdf.set_font("cjk", size=TITLE_PT)
    pdf.cell(0, TITLE_PT * PT * 1.8, str(TITLE), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=BODY_PT)
    pdf.cell(0, LINE, str(_l("编号：%(number)s", number=letter.number)), align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(LINE)
    _paragraph(pdf, str(_l("%(requester)s：", requester=letter.requester)), indent=0)


def _body(letter: Letter) -> list[str]:
    """The letter's paragraphs between the salutation and the signature."""
    excerpt = " ".join(letter.description.split())
    if len(excerpt) > EXCERPT_CHARS:
        excerpt = excerpt[:EXCERPT_CHARS] + "……"
    excerpt = excerpt.rstrip("。.，,；; ")  # the quote is followed by 。
    paragraphs = [
        str(_l("本机关于%(date)s收到您提出的政府信息公开申请，申请内容为：“%(description)s”。经审查，现答复如下：",
               date=chinese_date(letter.received_on), description=excerpt)),
        str(_l("本机关决定：%(decision)s。", decision=DECISIONS[letter.decision])),
    ]
    reason = REASONS.get(letter.decision, {}).get(letter.reason)
    if reason and str(reason[1]):
        paragraphs.append(str(_l("理由：%(reason)s。依据：%(basis)s。", reason=reason[0], basis=reason[1])))
    elif reason:
        paragraphs.append(str(_l("理由：%(reason)s。", reason=reason[0])))
    paragraphs += [line.strip() for line in letter.reply.splitlines() if line.strip()]
    if letter.fee > 0:
        paragraphs.append(str(_l("依据《政府信息公开条例》第四十二条和《政府信息公开信息处理费管理办法》，"
                                 "本次申请收取信息处理费 %(fee)d 元。", fee=letter.fee)))
    paragraphs.append(str(_l(
        "如对本答复不服，可以自收到本答复之日起六十日内向%(review_body)s申请行政复议（《中华人民共和国行政复议法》"
        "第二十条），或者自收到本答复之日起六个月内向%(court)s提起行政诉讼（《中华人民共和国行政诉讼法》第四十六条）。",
        review_body=letter.review_body, court=letter.court)))
    return paragraphs


def _signature(pdf, letter: Letter) -> None:
    """The contact lines, then the authority and the date flush right."""
    contact = [line.strip() for line in letter.contact.splitlines() if line.strip()]
    if contact:
        pdf.ln(LINE / 2)
        _paragraph(pdf, str(CONTACT), indent=0)
        for line in contact:
            _paragraph(pdf, line, indent=2)
    pdf.ln(LINE * 1.5)
    for text in (letter.authority, chinese_date(letter.decided_on)):
        lines = wrap(pdf, text, pdf.epw, 0)
        for line in lines:
            pdf.cell(0, LINE, line, align="R", new_x="LMARGIN", new_y="NEXT")


def _paragraph(pdf, text: str, indent: int) -> None:
    """One paragraph, its first line indented by ``indent`` characters, wrapped to the width."""
    em = pdf.get_string_width("中")
    for number, line in enumerate(wrap(pdf, text, pdf.epw, indent * em)):
        pdf.set_x(pdf.l_margin + (indent * em if number == 0 else 0))
        pdf.cell(0, LINE, line, new_x="LMARGIN", new_y="NEXT")


def wrap(pdf, text: str, width: float, first_indent: float = 0.0) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (the first ``first_indent`` narrower), the
    Chinese way: between any two Chinese characters, but not inside a run of Latin letters or
    digits (unless longer than a line); closing punctuation never starts a line (it hangs into the
    margin) and opening punctuation never ends one."""
    lines: list[str] = []
    line, room = "", width - first_indent
    for unit in _split_long(pdf, _UNITS.findall(text), width):
        if not line and unit.isspace():
            continue
        if pdf.get_string_width(line + unit) <= room or unit in _CLOSERS or not line:
            line += unit
            continue
        carried = ""
        while len(line) > 1 and line[-1] in _OPENERS:
            line, carried = line[:-1], line[-1] + carried
        lines.append(line.rstrip())
        line, room = ("" if unit.isspace() else carried + unit), width
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _split_long(pdf, units: list[str], width: float) -> list[str]:
    """``units`` with any run too wide for a line cut into single characters."""
    out: list[str] = []
    for unit in units:
        if len(unit) > 1 and pdf.get_string_width(unit) > width:
            out.extend(unit)
        else:
            out.append(unit)
    return out


def _number_pages(pdf) -> None:
    """``第 1 页，共 2 页`` at the foot of each page, when there is more than one."""
    pages = pdf.pages_count
    if pages < 2:
        return
    pdf.set_auto_page_break(False)
    for page in range(1, pages + 1):
        pdf.page = page
        with pdf.local_context(font_size_pt=SMALL_PT):
            pdf.set_xy(pdf.l_margin, pdf.h - MARGIN / 2 - SMALL_PT * PT)
            pdf.cell(0, SMALL_PT * PT * 1.5, str(_l("第 %(page)d 页，共 %(pages)d 页", page=page, pages=pages)),
                     align="C")
