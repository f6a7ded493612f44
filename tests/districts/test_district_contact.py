"""招生咨询方式: the bureau writes it, a second person approves it, parents see it on the district page."""
from __future__ import annotations

import re

import pytest

from enroll.core.errors import Invalid
from enroll.review import content

CONTACT = {
    "office": "青溪区教育局招生办公室", "address": "文澜路1号一楼", "phone": "0000-86000000、0000-86000001",
    "hours": "工作日 9:00—17:00", "email": "zsb@example.org", "complaint_phone": "0000-86000099",
    "notes": "", "translations": {"en": {"office": "Admissions Office", "hours": "Working days 9:00–17:00"}},
}


def save(editor, data=None):
    from enroll.districts import contacts

    return contacts.save_contact(editor, "990101", data or CONTACT)


def test_the_contact_reaches_the_district_page_only_after_a_second_person_approves(client, editor, reviewer):
    revision = save(editor)
    page = client.get("/d/990101/").get_data(as_text=True)
    assert "青溪区教育局招生办公室" not in page and "本区尚未公布招生咨询方式。" in page
    content.submit_revision(editor, revision.id)
    assert "青溪区教育局招生办公室" not in client.get("/d/990101/").get_data(as_text=True)
    content.approve_revision(reviewer, revision.id)
    page = client.get("/d/990101/").get_data(as_text=True)
    assert "青溪区教育局招生办公室" in page and "工作日 9:00—17:00" in page and "0000-86000099" in page
    assert '<a href="tel:000086000000">0000-86000000</a>' in page  # each number can be tapped on a phone
    assert '<a href="tel:000086000001">0000-86000001</a>' in page
    assert "第 1 版" in page and "/history/district_contact/" in page


def test_a_new_draft_leaves_the_published_contact_as_it_is(client, editor, reviewer):
    first = save(editor)
    content.submit_revision(editor, first.id)
    content.approve_revision(reviewer, first.id)
    save(editor, {**CONTACT, "phone": "0000-86009999"})
    page = client.get("/d/990101/").get_data(as_text=True)
    assert "0000-86000000" in page and "0000-86009999" not in page


def test_nobody_approves_their_own_contact(admin, district, editor):
    from enroll.core.errors import Conflict, Forbidden

    revision = save(admin)  # the city admin may write and review, but not the same revision
    content.submit_revision(admin, revision.id)
    with pytest.raises(Conflict, match="第二人"):
        content.approve_revision(admin, revision.id)
    with pytest.raises(Forbidden):  # and an editor does not review at all
        content.approve_revision(editor, revision.id)


def test_english_readers_get_the_translation_and_chinese_where_there_is_none(client, editor, reviewer):
    revision = save(editor)
    content.submit_revision(editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    page = client.get("/d/990101/?lang=en").get_data(as_text=True)
    assert "Admissions Office" in page and "Working days 9:00–17:00" in page
    assert "文澜路1号一楼" in page  # no English address given: the Chinese one, never a blank
    assert "Admission enquiries" in page


@pytest.mark.parametrize("field, value, message", [
    ("phone", "请拨打招生办", "“咨询电话”应为电话号码"),
    ("phone", "123", "“咨询电话”应为电话号码"),
    ("complaint_phone", "0000-8600abcd", "“监督电话”应为电话号码"),
    ("email", "zsb", "“电子邮件”"),
    ("office", "", "“咨询窗口”"),
])
def test_bad_input_names_the_field(editor, field, value, message):
    with pytest.raises(Invalid) as caught:
        save(editor, {**CONTACT, field: value})
    assert message in caught.value.message and caught.value.detail["field"] == field


def test_the_form_saves_a_draft_and_shows_errors_beside_the_field(client, login, editor, reviewer):
    login(editor)
    form = client.get("/bureau/d/990101/contact").get_data(as_text=True)
    assert 'name="phone"' in form and 'type="tel"' in form
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    data = {"office": "招生办", "address": "文澜路1号", "phone": "打电话", "hours": "工作日",
            "csrf_token": token.group(1) if token else ""}
    response = client.post("/bureau/d/990101/contact", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "“咨询电话”应为电话号码" in page and 'value="招生办"' in page
    response = client.post("/bureau/d/990101/contact", data={**data, "phone": "0000-86000000"})
    assert response.status_code == 302 and "/bureau/revisions/" in response.headers["Location"]
    assert "招生办" not in client.get("/d/990101/").get_data(as_text=True)  # a draft, not public


def test_a_parent_whose_address_is_not_found_is_given_the_published_number(client, editor, reviewer):
    revision = save(editor)
    content.submit_revision(editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    page = client.get("/lookup?q=不存在路999号&district=990101").get_data(as_text=True)
    assert "没有找到这个地址" in page and "0000-86000000、0000-86000001" in page


def test_the_demo_district_shows_its_contact(client, demo):
    page = demo.test_client().get("/d/990101/").get_data(as_text=True)
    assert "青溪区教育局招生办公室" in page and "监督电话" in page
