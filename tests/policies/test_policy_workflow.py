"""The review workflow on policy documents: 先审后发, history, 三同步, withdrawal, bad input."""
from __future__ import annotations

import pytest

from policy_data import document, interpretation
from enroll.core.errors import Conflict, Forbidden, Invalid, NotFound
from enroll.policies import services
from enroll.review import content


def test_a_draft_is_invisible_until_a_second_person_approves_it(editor, reviewer):
    revision = services.save_document(editor, "990101", document())
    doc_id = revision.object_id
    with pytest.raises(NotFound):
        services.public_document("990101", doc_id)
    content.submit_revision(editor, revision.id)
    with pytest.raises(NotFound):
        services.public_document("990101", doc_id)  # in review is not published either
    content.approve_revision(reviewer, revision.id)
    doc = services.public_document("990101", doc_id)
    assert doc.title == document()["title"] and doc.doc_number == "青教〔2026〕12号" and doc.version == 1


def test_the_author_cannot_approve_their_own_revision(admin, district):
    revision = services.save_document(admin, "990101", document())
    content.submit_revision(admin, revision.id)
    with pytest.raises(Conflict, match="第二人"):
        content.approve_revision(admin, revision.id)


def test_editing_a_published_document_changes_nothing_public_until_approved(editor, reviewer, publish):
    doc_id = publish()
    revision = services.save_document(editor, "990101", document(title="新标题", validity="amended"),
                                      document_id=doc_id, note="更正标题")
    content.submit_revision(editor, revision.id)
    doc = services.public_document("990101", doc_id)
    assert doc.title == document()["title"] and doc.validity == "current"
    content.approve_revision(reviewer, revision.id)
    doc = services.public_document("990101", doc_id)
    assert doc.title == "新标题" and doc.version == 2
    entries = content.history(services.POLICY, doc_id)
    assert [e.number for e in entries] == [2, 1] and entries[0].note == "更正标题"
    assert {str(label) for label in entries[0].changed} == {"标题", "效力状态"}
    assert entries[1].status == "superseded"


def test_reject_needs_a_reason_and_sends_the_draft_back(editor, reviewer):
    revision = services.save_document(editor, "990101", document())
    content.submit_revision(editor, revision.id)
    with pytest.raises(Invalid):
        content.reject_revision(reviewer, revision.id, "  ")
    content.reject_revision(reviewer, revision.id, "文号有误")
    found = content.get_revision(editor, revision.id)
    assert found.revision.status == "draft" and found.revision.reject_reason == "文号有误"


@pytest.mark.parametrize("action", ["approve", "reject", "recall"])
def test_illegal_transitions_are_conflicts_with_the_reason(editor, reviewer, action):
    revision = services.save_document(editor, "990101", document())  # a draft, never submitted
    actor, args = (reviewer, ("理由",)) if action == "reject" else (reviewer if action == "approve" else editor, ())
    service = {"approve": content.approve_revision, "reject": content.reject_revision,
               "recall": content.recall_revision}[action]
    with pytest.raises(Conflict, match="不能对状态为"):
        service(actor, revision.id, *args)


def test_a_revision_in_review_cannot_be_edited(editor, reviewer):
    revision = services.save_document(editor, "990101", document())
    content.submit_revision(editor, revision.id)
    with pytest.raises(Conflict, match="审核中"):
        services.save_document(editor, "990101", document(title="改"), document_id=revision.object_id)


def test_normative_document_needs_its_interpretation_in_the_same_step(editor, reviewer):
    revision = services.save_document(editor, "990101", document(normative=True))
    content.submit_revision(editor, revision.id)
    with pytest.raises(Conflict, match="三同步"):
        content.approve_revision(reviewer, revision.id)
    draft = services.save_interpretation(editor, revision.object_id, interpretation())
    with pytest.raises(Conflict, match="三同步"):  # a draft interpretation is not enough
        content.approve_revision(reviewer, revision.id)
    content.submit_revision(editor, draft.id)
    with pytest.raises(Conflict, match="同步发布"):  # nor can the interpretation go first
        content.approve_revision(reviewer, draft.id)
    content.approve_revision(reviewer, revision.id)
    found = services.public_interpretation("990101", revision.object_id)
    assert found.title == interpretation()["title"] and found.published_at is not None
    doc = services.public_document("990101", revision.object_id)
    assert doc.interpretation.id == found.id and found.document.id == doc.id


def test_withdrawing_a_document_withdraws_its_interpretation(editor, reviewer, publish):
    doc_id = publish(document(normative=True), with_interpretation=True)
    with pytest.raises(Invalid):
        content.withdraw_item(reviewer, services.POLICY, doc_id, "")
    content.withdraw_item(reviewer, services.POLICY, doc_id, "政策调整")
    with pytest.raises(NotFound):
        services.public_document("990101", doc_id)
    doc = services.get_document(reviewer, doc_id)
    assert doc.status == "withdrawn" and doc.interpretation.status == "withdrawn"


def test_abolished_documents_stay_readable_and_name_their_replacement(editor, reviewer, publish):
    new_id = publish(document(title="2027年实施细则", year=2027))
    old_id = publish()
    revision = services.save_document(editor, "990101", document(validity="abolished", replaced_by=new_id),
                                      document_id=old_id)
    content.submit_revision(editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    old = services.public_document("990101", old_id)
    assert old.validity == "abolished" and old.replaced_by.title == "2027年实施细则"


def test_unsafe_html_is_stripped_before_anyone_sees_it(editor):
    revision = services.save_document(editor, "990101", document(
        body='<p onclick="steal()">正文</p><script>alert(1)</script><a href="javascript:alert(2)">链接</a>'))
    body = revision.data["body"]
    assert "正文" in body and "链接" in body
    assert "script" not in body and "onclick" not in body and "javascript" not in body


@pytest.mark.parametrize("field, value, message", [
    ("title", "", "标题"), ("issuer", "", "发文机关"), ("signed_on", "2026-13-01", "成文日期"),
    ("year", "26", "招生年度"), ("validity", "forever", "forever"), ("replaced_by", 99999, "替代文件"),
])
def test_bad_fields_are_named(editor, field, value, message):
    with pytest.raises(Invalid, match=message) as info:
        services.save_document(editor, "990101", document(**{field: value}))
    assert info.value.detail["field"] == field


def test_other_districts_and_school_editors_may_not_write_or_see_drafts(editor, make_user, admin):
    from enroll.districts.services import create_district

    create_district(admin, "990102", "另一区")
    outsider = make_user("out", "district_editor", "990102")
    school = make_user("sch", "school_editor")
    for user in (outsider, school):
        with pytest.raises(Forbidden):
            services.save_document(user, "990101", document())
    revision = services.save_document(editor, "990101", document())
    for user in (outsider, school):
        with pytest.raises(NotFound):
            content.get_revision(user, revision.id)


def test_every_step_is_audited(editor, reviewer, publish):
    from enroll.review.services import recent_events, verify_chain

    publish(document(normative=True), with_interpretation=True)
    actions = [e.action for e in recent_events(50) if e.object_type == "revision"]
    assert actions.count("content.save") == 2 and actions.count("content.submit") == 2
    assert actions.count("content.approve") == 2
    assert verify_chain()[0]


def test_a_published_normative_documents_interpretation_cannot_be_withdrawn_alone(reviewer, publish):
    doc_id = publish(document(normative=True), with_interpretation=True)
    doc = services.public_document("990101", doc_id)
    with pytest.raises(Conflict, match="不能单独撤下"):
        content.withdraw_item(reviewer, services.INTERPRETATION, doc.interpretation.id, "误发")
    assert services.public_interpretation("990101", doc_id).status == "published"
