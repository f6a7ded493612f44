"""Withdrawing needs a reason and a confirmation; a withdrawn version comes back only through
review (重新发布): a new draft, submitted, approved by a second person, published; the public
history keeps both. Over the web, as staff do it."""
from __future__ import annotations

import re

import pytest
import zoning_steps as steps
from policy_data import document, interpretation
from support import DEMO, PASSWORD

from enroll.extensions import db
from enroll.policies import services
from enroll.review import content
from enroll.review.models import AuditEvent


def signed_in(app, user):
    client = app.test_client()
    assert client.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def withdraw_url(doc_id: int) -> str:
    return f"/bureau/content/policy/{doc_id}/withdraw"


def test_withdrawing_without_a_reason_shows_the_form_again_with_the_message(app, client, reviewer, publish):
    doc_id = publish()
    page = signed_in(app, reviewer).get(f"/bureau/policies/{doc_id}").get_data(as_text=True)
    assert withdraw_url(doc_id) in page  # the document's page has the withdraw form
    response = signed_in(app, reviewer).post(withdraw_url(doc_id), data={"reason": "  ", "confirmed": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "请填写撤下理由。" in page
    assert "确认撤下" in page and 'name="reason"' in page  # the form, not an error page
    assert client.get(f"/d/990101/policies/{doc_id}").status_code == 200
    assert events("content.withdraw") == []


def test_a_reason_alone_leads_to_a_page_naming_what_leaves_the_public_pages(app, client, editor, reviewer, publish):
    doc_id = publish(document(normative=True), with_interpretation=True)
    response = signed_in(app, reviewer).post(withdraw_url(doc_id), data={"reason": "文件有误，需重新发文"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "确认撤下：" + document()["title"] in page
    leaving = re.search(r'<ul id="leaving">(.*?)</ul>', page, re.S).group(1)
    assert document()["title"] in leaving and interpretation()["title"] in leaving  # withdrawn with it
    assert f'href="/d/990101/policies/{doc_id}"' in leaving
    assert "文件有误，需重新发文</textarea>" in page and 'name="confirmed" value="1"' in page
    assert client.get(f"/d/990101/policies/{doc_id}").status_code == 200  # nothing withdrawn yet


def test_withdrawing_with_a_reason_and_the_confirmation_takes_it_off_the_public_pages(app, client, reviewer, publish):
    doc_id = publish(document(normative=True), with_interpretation=True)
    response = signed_in(app, reviewer).post(withdraw_url(doc_id), data={
        "reason": "文件有误", "confirmed": "1", "version": "1"})
    assert response.status_code == 302
    assert client.get(f"/d/990101/policies/{doc_id}").status_code == 404
    assert client.get(f"/d/990101/policies/{doc_id}/interpretation").status_code == 404
    assert events("content.withdraw")[0].detail["reason"] == "文件有误"


def test_confirming_the_withdrawal_of_a_version_no_longer_public_is_refused(app, client, editor, reviewer, publish):
    doc_id = publish()
    revision = services.save_document(editor, "990101", document(doc_number="青教〔2026〕13号"), document_id=doc_id)
    content.submit_revision(editor, revision.id)
    content.approve_revision(reviewer, revision.id)  # version 2 published after the page showed version 1
    response = signed_in(app, reviewer).post(withdraw_url(doc_id), data={
        "reason": "撤下第一版", "confirmed": "1", "version": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "现在公开的已是第 2 版" in page and "撤下第一版</textarea>" in page
    assert client.get(f"/d/990101/policies/{doc_id}").status_code == 200


def _withdraw(reviewer, doc_id: int) -> None:
    content.withdraw_item(reviewer, services.POLICY, doc_id, "需要核对")


def test_republishing_goes_through_review_and_the_history_keeps_both(app, client, editor, reviewer, publish):
    doc_id = publish()
    _withdraw(reviewer, doc_id)
    withdrawn = content.withdrawn_revision(services.POLICY, doc_id)
    as_editor = signed_in(app, editor)
    assert "重新发布" in as_editor.get(f"/bureau/policies/{doc_id}").get_data(as_text=True)
    response = as_editor.post(f"/bureau/content/policy/{doc_id}/republish", data={"note": "核对无误，重新发布"})
    assert response.status_code == 302
    draft = content.open_revision(services.POLICY, doc_id)
    assert response.headers["Location"].endswith(f"/bureau/revisions/{draft.id}")
    assert draft.status == "draft" and draft.number == 2 and draft.data == withdrawn.data
    assert client.get(f"/d/990101/policies/{doc_id}").status_code == 404  # a draft, not yet public
    assert as_editor.post(f"/bureau/revisions/{draft.id}/submit", data={"version": draft.lock_version}).status_code == 302
    as_reviewer = signed_in(app, reviewer)
    assert as_reviewer.post(f"/bureau/revisions/{draft.id}/approve").status_code == 302
    assert client.get(f"/d/990101/policies/{doc_id}").status_code == 200
    history = client.get(f"/history/policy/{doc_id}").get_data(as_text=True)
    rows = re.findall(r"<tr><td>(.*?)</tr>", history, re.S)
    assert "第 2 版" in rows[0] and "当前版本" in rows[0] and "重新发布撤下的第 1 版" in rows[0]
    assert "核对无误，重新发布" in rows[0]
    assert "第 1 版" in rows[1] and "撤下" in rows[1]
    republished = events("content.republish")
    assert [(e.actor_name, e.detail["from"], e.detail["number"]) for e in republished] == [("editor", 1, 2)]
    assert [e.actor_name for e in events("content.approve")][-1] == "reviewer"


def test_whoever_republished_cannot_approve_it(app, admin, reviewer, publish):
    doc_id = publish()
    _withdraw(reviewer, doc_id)
    as_admin = signed_in(app, admin)  # a city admin may edit and review
    as_admin.post(f"/bureau/content/policy/{doc_id}/republish", data={"note": ""})
    draft = content.open_revision(services.POLICY, doc_id)
    as_admin.post(f"/bureau/revisions/{draft.id}/submit")
    response = as_admin.post(f"/bureau/revisions/{draft.id}/approve")
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "第二人" in page and 'id="revision-status"' in page
    assert content.open_revision(services.POLICY, doc_id).status == "in_review"


def test_a_normative_document_is_republished_with_its_interpretation(app, client, editor, reviewer, publish):
    doc_id = publish(document(normative=True), with_interpretation=True)
    _withdraw(reviewer, doc_id)
    signed_in(app, editor).post(f"/bureau/content/policy/{doc_id}/republish", data={"note": ""})
    doc = db.session.get(services.POLICY.model, doc_id)
    drafts = [content.open_revision(services.POLICY, doc_id),
              content.open_revision(services.INTERPRETATION, doc.interpretation.id)]
    assert [d.status for d in drafts] == ["draft", "draft"]
    for draft in drafts[::-1]:
        content.submit_revision(editor, draft.id)
    content.approve_revision(reviewer, drafts[0].id)  # 三同步: the interpretation with it
    assert client.get(f"/d/990101/policies/{doc_id}/interpretation").status_code == 200


def test_only_a_withdrawn_item_is_republished(app, editor, publish):
    doc_id = publish()
    response = signed_in(app, editor).post(f"/bureau/content/policy/{doc_id}/republish", data={"note": ""},
                                           follow_redirects=True)
    assert "只有已撤下的内容才能重新发布。" in response.get_data(as_text=True)
    assert content.open_revision(services.POLICY, doc_id) is None


@pytest.mark.parametrize("role, status", [("district_reviewer", 403), ("other_district_editor", 403)])
def test_republishing_needs_the_right_to_edit_there(app, admin, make_user, reviewer, publish, role, status):
    from enroll.districts.services import create_district

    create_district(admin, "990102", "另一区")
    doc_id = publish()
    _withdraw(reviewer, doc_id)
    user = reviewer if role == "district_reviewer" else make_user("other", "district_editor", "990102")
    response = signed_in(app, user).post(f"/bureau/content/policy/{doc_id}/republish", data={"note": ""})
    assert response.status_code == status
    assert content.open_revision(services.POLICY, doc_id) is None


def test_a_zoning_plan_is_withdrawn_and_republished_over_the_web(app, client, editor, reviewer, make_user):
    from enroll.zoning import services as zoning

    plan = zoning.import_plan(editor, "990101", 2026, "primary", DEMO / "zones_primary.zip")
    steps.publish(editor, reviewer, plan.id)
    item_id = plan.revision.object_id
    as_reviewer = signed_in(app, reviewer)
    plan_page = as_reviewer.get(f"/bureau/plans/{plan.id}").get_data(as_text=True)
    assert f"/bureau/content/zoning/{item_id}/withdraw" in plan_page
    confirm = as_reviewer.post(f"/bureau/content/zoning/{item_id}/withdraw", data={"reason": "边界有误"})
    assert confirm.status_code == 200 and "确认撤下" in confirm.get_data(as_text=True)
    assert client.get("/d/990101/2026/primary/").status_code == 200
    done = as_reviewer.post(f"/bureau/content/zoning/{item_id}/withdraw", data={"reason": "边界有误", "confirmed": "1"})
    assert done.status_code == 302 and client.get("/d/990101/2026/primary/").status_code == 404
    as_editor = signed_in(app, editor)
    assert f"/bureau/content/zoning/{item_id}/republish" in as_editor.get(f"/bureau/plans/{plan.id}").get_data(as_text=True)
    assert as_editor.post(f"/bureau/content/zoning/{item_id}/republish", data={"note": ""}).status_code == 302
    draft = content.open_revision(zoning.ZONING, item_id)
    new_plan = zoning.plan_of_revision(editor, draft.id)
    assert new_plan.id != plan.id and len(new_plan.zones) == len(plan.zones) and draft.data["digest"] == plan.revision.data["digest"]
    content.submit_revision(editor, draft.id)
    content.approve_revision(make_user("rv2", "district_reviewer"), draft.id)
    assert client.get("/d/990101/2026/primary/").status_code == 200
