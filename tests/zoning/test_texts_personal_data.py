"""The 划片 text is published as written: an ID number or a mobile number in it, however written,
is refused when it is imported, and a text that holds one whatever its way in is never published."""
from __future__ import annotations

import pytest
import zoning_steps as steps
from support import with_check_digit

from enroll.core.errors import Conflict, Invalid
from enroll.districts.services import get_district
from enroll.zoning import services as zoning
from enroll.zoning import texts

HEADER = "学校,学段,划片范围\n"


def paste(editor, body: str):
    return texts.import_texts(editor, "990101", 2026, (HEADER + body).encode("utf-8"), filename="paste.csv")


def test_a_mobile_number_in_a_schools_text_is_refused_naming_line_and_column(editor):
    with pytest.raises(Invalid) as info:
        paste(editor, "青溪区东湖小学,小学,东湖路1-99号（单号）\n青溪区文澜小学,小学,学院路全段；咨询请找王老师 138.1234.5678\n")
    [(line, column, message)] = info.value.detail["errors"]
    assert line == 3 and column == "划片范围"
    assert "手机号码" in str(message) and "1234" not in str(message)
    district = get_district("990101")
    assert zoning.zoning_of(district, 2026, "primary") is None  # nothing written, the good row neither


def test_a_text_holding_an_id_number_is_never_published(editor, reviewer, db):
    [result] = paste(editor, "青溪区东湖小学,小学,东湖路1-99号（单号）\n")
    plan = result.plan
    [text] = plan.texts
    text.text += "，户主身份证 " + with_check_digit("33010619800101123")  # as if saved before the scanner knew it
    db.session.commit()
    steps.submit_plan(editor, plan.id)
    with pytest.raises(Conflict) as info:
        steps.approve_plan(reviewer, plan.id)
    assert "青溪区东湖小学" in str(info.value.message) and "身份证号码" in str(info.value.message)
    assert plan.status != "published"
