"""A parent reads a school's full 划片 text on a phone: the words exactly as the bureau published
them, line by line, on the school's page and in the district's list, fitting the screen."""
from __future__ import annotations

import pytest
from test_phone_layout import PHONE, overflowing

pytestmark = pytest.mark.browser


@pytest.fixture
def published_text(live_server):
    from enroll.schools.services import schools_of
    from enroll.zoning.services import texts_of_school

    with live_server.app.app_context():
        school = next(s for s in schools_of(1, "primary") if s.kind == "public" and texts_of_school(s.id))
        text = texts_of_school(school.id)[0]
        return school.id, school.name, text.text


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    yield context.new_page()
    context.close()


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
