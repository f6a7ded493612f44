"""负面清单: the bureau lists what it does not publish of its own motion (依申请公开, or 不予公开 with
the legal reason), a second person approves it, the public reads it and the catalogue shows it."""
from __future__ import annotations

import re

import pytest

from enroll.core.errors import Conflict, Forbidden, Invalid
from enroll.disclosure import negative_list
from enroll.review import content

TEXT = """学生个人报名信息 | 不予公开 | 保护第三方合法权益：涉及未成年人个人信息 | Pupils' applications | Personal data of minors
招生工作会议纪要 | 依申请公开 | 会议材料，可依申请提供
划片调整的内部讨论稿 | 不予公开 | deliberative
信访举报材料 | 依申请公开"""


def save(actor, entries=TEXT, **data):
    return negative_list.save_negative_list(actor, "990101", {"intro": "本清单适用于义务教育招生。", "entries": entries,
                                                              **data})


@pytest.fixture
def published(editor, reviewer):
    revision = save(editor)
    content.submit_revision(editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    return revision


def test_the_list_reaches_the_public_only_after_a_second_person_approves(client, editor, reviewer):
    revision = save(editor)
    page = client.get("/d/990101/negative-list").get_data(as_text=True)
    assert "本区尚未公布负面清单。" in page and "学生个人报名信息" not in page
    content.submit_revision(editor, revision.id)
    assert "学生个人报名信息" not in client.get("/d/990101/negative-list").get_data(as_text=True)
    content.approve_revision(reviewer, revision.id)
    page = client.get("/d/990101/negative-list").get_data(as_text=True)
    assert "本清单适用于义务教育招生。" in page and "第 1 版" in page
    first = page[page.index('id="entry-1"'):page.index("</tr>", page.index('id="entry-1"'))]
    assert "学生个人报名信息" in first and "不予公开" in first
    assert "保护第三方合法权益（《政府信息公开条例》第十五条）：涉及未成年人个人信息" in first
    third = page[page.index('id="entry-3"'):page.index("</tr>", page.index('id="entry-3"'))]
    assert "属于四类过程性信息（《政府信息公开条例》第十六条第二款）" in third  # the code typed, the name shown
    assert "依申请公开" in page[page.index('id="entry-4"'):]


def test_the_author_cannot_approve_and_an_editor_does_not_review(admin, district, editor):
    revision = save(admin)  # the city admin may write and review, but not the same revision
    content.submit_revision(admin, revision.id)
    with pytest.raises(Conflict, match="第二人"):
        content.approve_revision(admin, revision.id)
    with pytest.raises(Forbidden):
        content.approve_revision(editor, revision.id)
    assert negative_list.published_negative_list(district.id) is None


def test_a_reviewer_does_not_write_the_list(reviewer):
    with pytest.raises(Forbidden):
        save(reviewer)


def test_withheld_without_a_reason_is_refused_naming_the_line(editor, district):
    with pytest.raises(Invalid) as caught:
        save(editor, "招生工作会议纪要 | 依申请公开\n学生家庭情况 | 不予公开\n学籍 | 公开")
    errors = caught.value.detail["errors"]
    assert [(line, column) for line, column, _ in errors] == [(2, "理由"), (3, "公开属性")]
    assert "不予公开的事项必须写明理由" in str(errors[0][2])
    assert negative_list.negative_list_of(district.id) is None  # nothing written


@pytest.mark.parametrize("line, message", [
    (" | 依申请公开", "请填写事项"),
    ("会议纪要 | 依申请公开 | 属于国家秘密", "只有不予公开的事项才有不予公开理由"),
    ("会议纪要 | 依申请公开 | 理由 | minutes | reason | 多出的一栏", "每行最多 5 栏"),
])
def test_bad_lines_are_refused_with_the_reason(editor, line, message):
    with pytest.raises(Invalid) as caught:
        save(editor, "信访举报材料 | 依申请公开\n" + line)
    assert caught.value.detail["errors"][0][0] == 2 and message in str(caught.value.detail["errors"][0][2])


def test_entries_given_as_data_are_checked_like_lines(editor):
    """The service takes the entries as data too (the demo, an API): an unknown sub-reason is refused."""
    with pytest.raises(Invalid) as caught:
        save(editor, [{"item": "信访举报材料", "attribute": "on_request"},
                      {"item": "学籍", "attribute": "withheld", "reason": "no_such_reason"}])
    line, column, message = caught.value.detail["errors"][0]
    assert (line, column) == (2, "理由") and "“no_such_reason”不是不予公开的理由之一" in str(message)
    revision = save(editor, [{"item": "学籍", "attribute": "withheld", "reason": "internal"}])
    assert revision.data["entries"] == [{"item": "学籍", "attribute": "withheld", "reason": "internal", "basis": ""}]


def test_an_empty_list_is_refused(editor):
    with pytest.raises(Invalid, match="没有任何条目"):
        save(editor, "\n\n")


def test_a_personal_id_number_in_an_entry_is_blocked(editor, district):
    with pytest.raises(Invalid) as caught:
        save(editor, "信访举报材料 | 依申请公开\n张三（110101200001011234）的报名表 | 不予公开 | third_party")
    assert "身份证号码" in caught.value.message and "第 2 项" in caught.value.message
    assert caught.value.detail["field"] == "entries"
    assert negative_list.negative_list_of(district.id) is None


def test_english_readers_get_the_translation_and_chinese_where_there_is_none(client, published):
    page = client.get("/d/990101/negative-list?lang=en").get_data(as_text=True)
    assert "Pupils&#39; applications" in page and "Personal data of minors" in page
    assert "招生工作会议纪要" in page  # no English given: the Chinese, never a blank


def test_the_form_keeps_the_input_and_names_the_line(client, login, editor):
    login(editor)
    form = client.get("/bureau/d/990101/negative-list").get_data(as_text=True)
    assert 'name="entries"' in form and "third_party" in form  # the sub-reasons offered
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    data = {"intro": "说明", "entries": "学生家庭情况 | 不予公开", "csrf_token": token.group(1) if token else ""}
    response = client.post("/bureau/d/990101/negative-list", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "第 1 行 理由：不予公开的事项必须写明理由" in page
    assert "学生家庭情况 | 不予公开</textarea>" in page
    response = client.post("/bureau/d/990101/negative-list", data={**data, "entries": TEXT})
    assert response.status_code == 302 and "/bureau/revisions/" in response.headers["Location"]
    assert "学生家庭情况" not in client.get("/d/990101/negative-list").get_data(as_text=True)  # a draft
    form = client.get("/bureau/d/990101/negative-list").get_data(as_text=True)  # the draft, as typed
    assert "学生个人报名信息 | 不予公开 | 保护第三方合法权益：涉及未成年人个人信息" in form
    assert "划片调整的内部讨论稿 | 不予公开 | 属于四类过程性信息" in form


def test_the_text_reads_back_as_it_was_saved():
    entries = negative_list.parse_entries(TEXT)
    assert negative_list.parse_entries(negative_list.entries_to_text(entries)) == entries
    assert entries[0]["reason"] == "third_party" and entries[0]["basis"] == "涉及未成年人个人信息"
    assert entries[1] == {"item": "招生工作会议纪要", "attribute": "on_request", "reason": "", "basis": "会议材料，可依申请提供"}


def test_the_reviewer_reads_each_entry_labelled(client, login, editor, reviewer):
    revision = save(editor)
    content.submit_revision(editor, revision.id)
    login(reviewer)
    page = client.get(f"/bureau/revisions/{revision.id}").get_data(as_text=True)
    assert "不予公开理由" in page and "保护第三方合法权益（《政府信息公开条例》第十五条）" in page


def test_on_the_demo_the_list_is_published_and_on_the_catalogue(demo):
    client = demo.test_client()
    page = client.get("/d/990101/negative-list").get_data(as_text=True)
    assert "学生及家长的个人信息" in page and "保护第三方合法权益（《政府信息公开条例》第十五条）" in page
    catalogue = client.get("/d/990101/2026/disclosure").get_data(as_text=True)
    assert 'id="item-negative-3"' in catalogue and "学位预测和生源摸底测算数据" in catalogue
