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


@pytest.mark.parametrize("text, links", [
    ("0000-86000000、0000-86000001", [("0000-86000000", "tel:000086000000"), ("0000-86000001", "tel:000086000001")]),
    ("12345 转 2，(0000) 8600 0000", [("12345 转 2", "tel:12345;ext=2"), ("(0000) 8600 0000", "tel:000086000000")]),
    ("＋86 ０５７１-８６００００００", [("＋86 ０５７１-８６００００００", "tel:+86057186000000")]),
])
def test_every_number_as_people_write_it_is_accepted_and_can_be_dialled(text, links):
    from enroll.core import fields

    assert fields.phone({"phone": text}, "phone", "咨询电话") == text
    assert fields.dial_numbers(text) == links


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
    assert "第 1 版" in page
    history = re.search(r'href="(/history/district_contact/\d+)"', page).group(1)
    assert "青溪区" in client.get(history).get_data(as_text=True)  # the version list names the district


@pytest.fixture
def published(editor, reviewer):
    revision = save(editor)
    content.submit_revision(editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    return revision


def test_a_new_draft_leaves_the_published_contact_as_it_is(client, editor, published):
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


def test_english_readers_get_the_translation_and_chinese_where_there_is_none(client, published):
    page = client.get("/d/990101/?lang=en").get_data(as_text=True)
    assert "Admissions Office" in page and "Working days 9:00–17:00" in page
    assert "文澜路1号一楼" in page  # no English address given: the Chinese one, never a blank
    assert "Admission enquiries" in page


@pytest.mark.parametrize("field, value, message", [
    ("phone", "请拨打招生办", "“咨询电话”应为电话号码"),
    ("phone", "123", "“咨询电话”应为电话号码"),
    ("phone", "0000-86000000 0000-86000001", "“咨询电话”应为电话号码"),  # two numbers need a 、
    ("phone", "0571-86000000—86000001", "“咨询电话”应为电话号码"),
    ("phone", "转12345", "“咨询电话”应为电话号码"),
    ("phone", "12345、6", "“咨询电话”应为电话号码"),
    ("phone", "12345 转 2 转 3", "“咨询电话”应为电话号码"),
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


def test_a_parent_whose_address_is_not_found_is_given_the_published_number(client, published):
    page = client.get("/lookup?q=不存在路999号&district=990101").get_data(as_text=True)
    assert "没有找到这个地址" in page and "0000-86000000、0000-86000001" in page


def test_the_demo_district_shows_its_contact(client, demo):
    page = demo.test_client().get("/d/990101/").get_data(as_text=True)
    assert "青溪区教育局招生办公室" in page and "监督电话" in page


def test_until_a_contact_is_published_and_after_it_is_withdrawn_the_district_phone_is_shown(
        client, admin, editor, reviewer, db):
    from enroll.districts.services import get_district

    get_district("990101").phone = "0000-86001111"
    db.session.commit()
    page = client.get("/d/990101/").get_data(as_text=True)
    assert '<a href="tel:000086001111">0000-86001111</a>' in page
    revision = save(editor)
    content.submit_revision(editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    assert "0000-86001111" not in client.get("/d/990101/").get_data(as_text=True)
    content.withdraw_item(reviewer, content.KINDS["district_contact"], revision.object_id, "电话变更")
    page = client.get("/d/990101/").get_data(as_text=True)
    assert "0000-86001111" in page and "青溪区教育局招生办公室" not in page
    lookup = client.get("/lookup?q=不存在路999号&district=990101").get_data(as_text=True)
    assert "0000-86001111" in lookup and "0000-86000001" not in lookup


def test_a_contact_in_review_cannot_be_edited_until_it_is_recalled(client, login, editor):
    revision = save(editor)
    content.submit_revision(editor, revision.id)
    response = login(editor).post("/bureau/d/990101/contact", data={
        "office": "招生办", "address": "文澜路1号", "phone": "0000-86000000", "hours": "工作日"})
    assert response.status_code == 409 and "请先撤回再修改" in response.get_data(as_text=True)


def test_an_error_in_the_english_text_is_shown_beside_the_english_field(client, login, editor):
    response = login(editor).post("/bureau/d/990101/contact", data={
        "office": "招生办", "address": "文澜路1号", "phone": "0000-86000000", "hours": "工作日",
        "en_hours": "x" * 1_001})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<details open>" in page and "“英文：咨询时间”最多 1000 个字" in page


PLACEMENT = "多校划片片区内，按报名人数与学位数确定：不超过学位数时全部录取；\n超过时由电脑随机派位。"


def test_the_placement_rules_are_written_on_the_form_reviewed_and_shown_in_the_readers_language(
        client, login, editor, reviewer):
    login(editor)
    response = client.post("/bureau/d/990101/contact", data={
        "office": "招生办", "address": "文澜路1号", "phone": "0000-86000000", "hours": "工作日",
        "placement": PLACEMENT, "en_placement": "Places in a shared zone are allocated by computer lottery."})
    assert response.status_code == 302
    revision_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    review_page = client.get(f"/bureau/revisions/{revision_id}").get_data(as_text=True)
    assert "多校划片入学办法" in review_page and "电脑随机派位" in review_page
    assert "电脑随机派位" not in client.get("/d/990101/").get_data(as_text=True)  # a draft, not public
    content.submit_revision(editor, revision_id)
    content.approve_revision(reviewer, revision_id)
    page = client.get("/d/990101/?lang=zh_Hans").get_data(as_text=True)
    assert "<p>多校划片片区内，按报名人数与学位数确定：不超过学位数时全部录取；</p><p>超过时由电脑随机派位。</p>" in page
    english = client.get("/d/990101/?lang=en").get_data(as_text=True)
    assert "<p>Places in a shared zone are allocated by computer lottery.</p>" in english
    assert "电脑随机派位" not in english


def test_overlong_placement_rules_are_refused_by_name(editor):
    with pytest.raises(Invalid) as caught:
        save(editor, {**CONTACT, "placement": "派" * 5_001})
    assert "“多校划片入学办法”最多 5000 个字" in caught.value.message and caught.value.detail["field"] == "placement"
