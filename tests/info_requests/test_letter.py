"""The reply letter (答复书) as a PDF: what a requester reads in it."""
from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from enroll.core.errors import Invalid
from enroll.info_requests.letter import FONT_PATHS, Letter, find_font, render

LETTER = Letter(
    authority="青溪区教育局",
    number="QXJY-2026-0042",
    requester="张三",
    received_on=date(2026, 3, 5),
    description="请公开2026年青溪区第一实验小学招生范围（施教区）划定的依据和会议纪要。",
    decision="disclosed",
    reason="",
    reply="您申请的划片方案已在本机关门户网站主动公开，网址：https://jyj.qingxi.gov.cn/zsxx/2026.html。\n"
          "现将会议纪要随本答复书一并提供，请查收。",
    decided_on=date(2026, 3, 27),
    contact="地址：青溪区人民路 100 号\n电话：0571-88888888",
    review_body="青溪区人民政府",
    court="青溪区人民法院",
)

PAGE_FOOT = re.compile(r"第\d+页，共\d+页")


def pages_of(pdf: bytes) -> list[str]:
    """Each page's text as a reader selects it. pypdf does not apply the embedded encoding CMap
    fpdf2 writes for CFF (OpenType) fonts and puts a NUL before each character; viewers do."""
    return [page.extract_text().replace("\x00", "") for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Text without line breaks and spaces, so a phrase wrapped over two lines is still found."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def font() -> str:
    return find_font()


# each decision kind, with a sub-reason where the annual report's table has them
DECISION_CASES = [
    ("disclosed", "", "予以公开", None, None),
    ("partial", "", "部分公开", None, None),
    ("withheld", "state_secret", "不予公开", "属于国家秘密", "《政府信息公开条例》第十四条"),
    ("withheld", "third_party", "不予公开", "保护第三方合法权益", "《政府信息公开条例》第十五条"),
    ("unavailable", "not_held", "无法提供", "本机关不掌握相关政府信息", "《政府信息公开条例》第三十六条第（四）项"),
    ("not_processed", "repeated", "不予处理", "重复申请", "《政府信息公开条例》第三十六条第（五）项"),
    ("other", "withdrawn", "其他处理", "其他（含申请人撤回申请）", None),
]


@pytest.mark.parametrize(("decision", "reason", "words", "sub_reason", "basis"), DECISION_CASES,
                         ids=[f"{d}-{r}" for d, r, *_ in DECISION_CASES])
def test_the_letter_says_what_was_decided_and_how_to_challenge_it(font, decision, reason, words, sub_reason,
                                                                  basis):
    pdf = render(replace(LETTER, decision=decision, reason=reason), font)
    pages = pages_of(pdf)
    assert len(pages) == 1
    text = flat(pages[0])
    assert "政府信息公开申请答复书" in text
    assert "QXJY-2026-0042" in text
    assert "张三：" in text
    assert "本机关于2026年3月5日收到您提出的政府信息公开申请" in text
    assert "第一实验小学招生范围（施教区）划定的依据和会议纪要" in text
    assert f"本机关决定：{words}。" in text
    if sub_reason:
        assert f"理由：{sub_reason}。" in text
    else:
        assert "理由" not in text
    if basis:
        assert f"依据：{basis}。" in text
    assert "现将会议纪要随本答复书一并提供，请查收。" in text
    assert "https://jyj.qingxi.gov.cn/zsxx/2026.html" in text
    assert "自收到本答复之日起六十日内向青溪区人民政府申请行政复议（《中华人民共和国行政复议法》第二十条）" in text
    assert "自收到本答复之日起六个月内向青溪区人民法院提起行政诉讼（《中华人民共和国行政诉讼法》第四十六条）" in text
    assert "电话：0571-88888888" in text
    assert text.endswith("青溪区教育局2026年3月27日")
    assert "信息处理费" not in text
    assert not PAGE_FOOT.search(text)  # one page: no page numbers


def test_a_fee_is_stated(font):
    text = flat("".join(pages_of(render(replace(LETTER, fee=30), font))))
    assert "本次申请收取信息处理费30元" in text
    assert "《政府信息公开信息处理费管理办法》" in text


def test_a_one_page_letter_stays_small(font):
    pdf = render(LETTER, font)
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) < 80_000  # the font is subset: tens of KB, not the font's 20 MB


def test_a_long_description_is_quoted_in_part(font):
    long = "请公开" + "学位测算表和会议纪要" * 60
    text = flat("".join(pages_of(render(replace(LETTER, description=long), font))))
    assert "“请公开学位测算表和会议纪要" in text
    assert "……”。经审查" in text
    assert len(text) < len(long) + 1000


def test_a_long_reply_breaks_onto_a_second_page_and_nothing_is_lost(font):
    paragraphs = [f"第{n}段：经检索，本机关保存有2026年度招生工作领导小组会议纪要（青教纪〔2026〕3号）及附件"
                  f"《学位测算表》，涉及第三方个人信息的部分已作区分处理。" for n in range(1, 31)]
    pages = pages_of(render(replace(LETTER, decision="partial", reply="\n".join(paragraphs)), font))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页，共{len(pages)}页" in flat(page)
    text = PAGE_FOOT.sub("", flat("".join(pages)))
    assert flat("".join(paragraphs)) in text
    assert "第四十六条）" in text
    assert text.endswith("青溪区教育局2026年3月27日")


def test_lines_break_the_chinese_way(font):
    reply = ("本机关经审查认为，您申请公开的信息中，" * 12 + "《青溪区2026年义务教育招生工作实施方案》“附件三”") * 3
    pages = pages_of(render(replace(LETTER, reply=reply), font))
    lines = [line.strip() for page in pages for line in page.splitlines() if line.strip()]
    assert len(lines) > 10
    assert not [line for line in lines if line[0] in "，。、；：？！）》”"]
    assert not [line for line in lines[:-1] if line[-1] in "（《“"]


def test_a_web_address_is_not_cut_across_lines(font):
    address = "https://jyj.qingxi.gov.cn/zsxx/2026/huapian-fangan.html"
    prefixes = ("", "本", "本机关", "本机关已将")  # each paragraph moves the address along the line
    reply = "\n".join(f"{prefix * 8}网址：{address}" for prefix in prefixes)
    lines = pages_of(render(replace(LETTER, reply=reply), font))[0].splitlines()
    assert len([line for line in lines if address in line]) == len(prefixes)


def test_the_configured_font_is_used_when_it_exists(font):
    assert find_font(font) == font


def test_a_configured_font_that_does_not_exist_is_named():
    with pytest.raises(Invalid) as caught:
        find_font("/nonexistent/fonts/simsun.ttc")
    assert caught.value.detail["code"] == "font"
    assert "/nonexistent/fonts/simsun.ttc" in str(caught.value.message)
    assert "ENROLL_PDF_FONT" in str(caught.value.message)


def test_no_font_found_says_what_to_install(tmp_path):
    with pytest.raises(Invalid) as caught:
        find_font("", candidates=[str(tmp_path / "NotoSerifCJK-Regular.ttc")])
    assert caught.value.detail["code"] == "font"
    assert str(caught.value.message) == "未找到可用于生成 PDF 的中文字体，请安装 fonts-noto-cjk 或设置 ENROLL_PDF_FONT。"


def test_the_first_existing_font_is_chosen(tmp_path, font):
    assert find_font("", candidates=[str(tmp_path / "missing.ttc"), font]) == font
    assert find_font() in FONT_PATHS


def test_a_file_that_is_no_font_gives_the_clear_error(tmp_path):
    fake = tmp_path / "font.ttf"
    fake.write_text("not a font")
    with pytest.raises(Invalid) as caught:
        render(LETTER, find_font(str(fake)))
    assert caught.value.detail["code"] == "font"
    assert str(fake) in str(caught.value.message)
