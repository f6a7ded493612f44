"""Phones: every public page at 360×740 in Chromium fits the screen's width (nothing to scroll
sideways except inside a table's own scroll box); the main ones' screenshots are kept in docs/screenshots/.

Screenshots are written as ``NAME.tmp.png`` (ignored by git) and replace ``NAME.png`` only when
``ENROLL_UPDATE_SCREENSHOTS=1`` is set, so the committed pictures change only on purpose.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from test_accessibility import PAGES as PUBLIC_PAGES

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 360, "height": 740}
# the pages whose zh_Hans screenshot is kept in docs/screenshots/, by name
SCREENSHOTS = {
    "/d/990101/": "district",
    "/lookup?q=文澜路128号": "lookup",
    "/d/990101/2026/primary/": "map",
    "/schools/1": "school",
    "/schools/1/results/2026": "results",
    "/d/990101/2026/results": "results-district",
    "/lotteries/1": "lottery",
    "/d/990101/2026/migrant/primary": "migrant",
    "/d/990101/policies/2": "policy",
}
assert set(SCREENSHOTS) <= set(PUBLIC_PAGES)


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def overflowing(page) -> list[str]:
    """Elements wider than the screen that are not inside something that scrolls or clips on its own."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth, out = [];
        for (const el of document.body.querySelectorAll('*')) {
            const box = el.getBoundingClientRect();
            if (box.right <= width + 1 || box.width === 0) continue;
            let scroller = el.parentElement, inside = false;
            while (scroller && scroller !== document.body) {
                const style = getComputedStyle(scroller);
                // a box that scrolls or clips on its own (a wide table, the map's tile pane) keeps it in
                if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX) && scroller.clientWidth <= width) { inside = true; break; }
                scroller = scroller.parentElement;
            }
            if (!inside) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''));
        }
        return out.slice(0, 5);
    }""")


def keep_screenshot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{name}.tmp.png"
    page.screenshot(path=str(shot), full_page=False)
    if os.environ.get("ENROLL_UPDATE_SCREENSHOTS") == "1":
        shutil.move(shot, SHOTS / f"{name}.png")


@pytest.mark.parametrize("path", ["/schools/1/results/2026", "/lookup?q=学院路130号"])
def test_larger_text_is_larger_and_still_fits_a_phone(live_server, phone, path):
    phone.goto(f"{live_server}{path}")
    normal = phone.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    phone.get_by_role("link", name="大字版").click()
    phone.wait_for_selector("html.large-text")
    phone.wait_for_load_state("load")  # the stylesheet too: the class alone came first once, under load
    assert phone.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)") >= normal * 1.25
    assert overflowing(phone) == [] and phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


# A parent reads a school's full 划片 text on a phone: the words exactly as the bureau published
# them, line by line, on the school's page and in the district's list, fitting the screen.
@pytest.fixture
def published_text(live_server):
    from enroll.schools.services import schools_of
    from enroll.zoning.services import texts_of_school

    with live_server.app.app_context():
        school = next(s for s in schools_of(1, "primary") if s.kind == "public" and texts_of_school(s.id))
        text = texts_of_school(school.id)[0]
        return school.id, school.name, text.text


def test_a_schools_full_text_reads_as_published_on_a_phone(live_server, phone, published_text):
    school_id, name, text = published_text
    phone.goto(f"{live_server}/schools/{school_id}")
    words = phone.locator(".zone-text .zoning-words p").all_inner_texts()
    assert words == [line for line in text.splitlines()]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert overflowing(phone) == []
    # the district's page lists the same school's clauses in source order, and links back
    phone.get_by_role("link", name="全区划片").click()
    section = phone.locator(f"#school-{school_id}")
    assert section.get_by_role("heading").inner_text() == name
    lines = section.locator("ul.clauses li .words").all_inner_texts()
    assert lines == [line for line in text.splitlines() if line.strip()]
    assert overflowing(phone) == []


# Every public page, in each language, on a 360×740 phone: nothing wider than the screen, a header of
# at most 15 % of its height, and fields a thumb can use (text at least 16 px, so iOS does not zoom
# in on focus, and at least 44 px tall; buttons 44 px tall too), also in 大字版.
PHONE_HEADER_SHARE = 0.15


def small_fields(page) -> list[str]:
    return page.evaluate("""() => Array.from(document.querySelectorAll(
            'main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main select, main textarea, ' +
            'main button:not(.link), header input, header button:not(.link)'))
        .filter(el => el.offsetParent !== null)
        .map(el => {
            const size = parseFloat(getComputedStyle(el).fontSize), height = el.getBoundingClientRect().height;
            return (el.tagName !== 'BUTTON' && size < 16) || height < 44
                ? `${el.tagName.toLowerCase()}#${el.id || el.name || ''} ${size}px × ${height.toFixed(0)}px` : null;
        }).filter(Boolean)""")


@pytest.mark.parametrize("lang", ["zh_Hans", "zh_Hant", "en"])
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_fits_a_phone(live_server, phone, path, lang):
    phone.goto(f"{live_server}{path}{'&' if '?' in path else '?'}lang={lang}")
    if path.endswith(("/primary/", "/junior/")):
        phone.wait_for_selector(".folium-map[data-zones-drawn]", timeout=15000)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert overflowing(phone) == []
    header = phone.evaluate("document.querySelector('header.site').getBoundingClientRect().height")
    assert header <= PHONE_HEADER_SHARE * PHONE["height"], f"header {header:.0f} px"
    assert small_fields(phone) == []
    if lang == "zh_Hans" and path in SCREENSHOTS:
        keep_screenshot(phone, SCREENSHOTS[path])


@pytest.mark.parametrize("path", ["/lookup", "/schools/1/results/2026", "/d/990101/2026/migrant/primary", "/login"])
def test_fields_stay_large_enough_in_large_text(live_server, phone, path):
    phone.goto(f"{live_server}{path}?text=large")
    phone.wait_for_selector("html.large-text")
    assert small_fields(phone) == []
    assert overflowing(phone) == [] and phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
