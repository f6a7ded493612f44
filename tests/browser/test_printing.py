"""What a parent gets on paper: Chromium prints the page to PDF (A4, the print styles) and we read
the PDF back. Results, the lottery order and the migrant checklist print without the site's header,
navigation and forms; long tables repeat their header on every page; the paper says where it came from."""
from __future__ import annotations

import io
import re
import unicodedata

from playwright.sync_api import expect
from pypdf import PdfReader

A4_CONTENT_WIDTH = 703  # px: 210 mm less the 12 mm margins of the @page rule, at 96 px per inch
CHROME = ("工作人员登录", "搜索本站", "繁體中文", "跳到主要内容")  # what the site header and skip link say


# The CJK fonts' character maps name some glyphs by radical code points: NFKC folds the Kangxi
# radicals (⼦ → 子), these radical-supplement ones need naming.
RADICALS = str.maketrans("⺠⻄⻘⻚⻓⻢⻋⻔⻅⻛⻜⻝⻨⻩⻬⻮⻉⻆⻣⻤⻥⻦⻧⻪⻳", "民西青页长马车门见风飞食麦黄齐齿贝角骨鬼鱼鸟卤黾龟")


def printed(page) -> list[str]:
    """The text of each printed page, without the spaces the PDF's layout puts between words."""
    reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    return [re.sub(r"\s+", "", unicodedata.normalize("NFKC", p.extract_text()).translate(RADICALS))
            for p in reader.pages]


def assert_no_chrome(pages: list[str]) -> None:
    for text in pages:
        assert not [word for word in CHROME if word in text], text[:300]


def test_a_long_lottery_order_repeats_its_header_on_every_page(live_server, page):
    page.goto(f"{live_server}/lotteries/1")
    expect(page.get_by_role("button", name="打印摇号结果")).to_be_visible()
    pages = printed(page)
    assert len(pages) >= 5  # 661 applications
    order_pages = [text for text in pages if "Y2026" in text]
    assert len(order_pages) >= 4
    assert all("顺序" in text and "申请号" in text and "结果" in text for text in order_pages)
    assert_no_chrome(pages)
    assert "在本浏览器中验证" not in "".join(pages)  # the interactive check stays on screen
    assert f"打印自义务教育招生信息公开:{live_server}/lotteries/1" in pages[-1]


def test_district_results_fit_the_width_of_an_a4_page(live_server, page):
    page.set_viewport_size({"width": A4_CONTENT_WIDTH, "height": 1000})
    page.goto(f"{live_server}/d/990101/2026/results")
    page.emulate_media(media="print")
    expect(page.locator("header.site")).to_be_hidden()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= A4_CONTENT_WIDTH
    text = "".join(printed(page))
    assert "青溪区文澜小学" in text and "报名/计划比" in text
    assert "以教育局正式发布的文件为准" in text  # the disclaimer goes on paper too
    assert_no_chrome([text])


def test_the_printed_migrant_checklist_is_the_checklist(live_server, page):
    page.goto(f"{live_server}/d/990101/2026/migrant/primary")
    page.get_by_role("radio", name="是").first.check()
    page.get_by_label("监护人在本区连续缴纳社会保险的月数").fill("18")
    page.get_by_role("radio", name="自有住房（有不动产权证）").check()
    page.get_by_role("button", name="自查").click()
    page.locator("#result").wait_for(timeout=5000)
    text = "".join(printed(page))
    assert "符合随迁子女入学条件" in text and "☐" in text and "出生医学证明" in text
    assert "入学条件自查" not in text and "打印材料清单" not in text  # not the form, not the button
    assert "打印自" in text


def test_the_printed_timeline_keeps_every_step_and_drops_the_chrome(live_server, page):
    page.goto(f"{live_server}/d/990101/2026/timeline")
    steps = [re.sub(r"\s+", "", t) for t in page.locator("main table tbody tr td:nth-child(2)").all_inner_texts()]
    pages = printed(page)
    text = "".join(pages)
    missing = [step for step in steps if unicodedata.normalize("NFKC", step) not in text]
    assert len(steps) >= 5 and missing == []
    assert "打印招生日程" not in text and "首页›" not in text  # no button, no breadcrumbs
    assert_no_chrome(pages)


def test_the_printed_zoning_text_is_every_schools_text(live_server, page):
    from enroll.zoning.public import zoning_page

    with live_server.app.app_context():
        words = [line for t in zoning_page("990101", 2026, "primary").texts for line in t.text.text.splitlines()]
    page.goto(f"{live_server}/d/990101/2026/primary/")
    expect(page.get_by_role("button", name="打印划片范围")).to_be_visible()
    text = "".join(printed(page))
    assert_no_chrome([text])
    # every line of every school's text is on paper (compared without spaces: the PDF breaks lines anywhere)
    missing = [w for w in words if re.sub(r"\s+", "", unicodedata.normalize("NFKC", w)) not in text]
    assert words and missing == []
