"""A review step refused over the web (409 or 422) answers with the revision page again: the
message, the revision as it is now, and what the reviewer typed, never the generic error page."""
from __future__ import annotations

import html
import re

from policy_data import document
from support import PASSWORD

from enroll.policies import services
from enroll.review import content

REASON = "第三条“户籍”与“房产”的先后顺序写反了，请核对原文。"


def signed_in(app, user):
    client = app.test_client()
    assert client.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def in_review(editor, **extra):
    revision = services.save_document(editor, "990101", document(**extra))
    return content.submit_revision(editor, revision.id)


def textarea(page: str, name: str) -> str:
    return html.unescape(re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S).group(1)).strip()


def assert_revision_page(page: str) -> None:
    assert 'id="revision-status"' in page and 'id="problem"' in page  # the revision's page, its message on top


def test_a_rejection_on_a_page_that_went_stale_keeps_the_typed_reason(app, editor, reviewer):
    revision = in_review(editor)
    seen = revision.lock_version  # the reviewer opens the page; meanwhile the author takes it back and changes it
    content.recall_revision(editor, revision.id)
    services.save_document(editor, "990101", document(doc_number="青教〔2026〕99号"), document_id=revision.object_id)
    content.submit_revision(editor, revision.id)
    response = signed_in(app, reviewer).post(f"/bureau/revisions/{revision.id}/reject",
                                             data={"reason": REASON, "version": seen})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert_revision_page(page)
    assert "已被修改或处理过" in page and textarea(page, "reason") == REASON
    assert "青教〔2026〕99号" in page  # the page shows the revision as it is now
    assert f'name="version" value="{content.get_revision(reviewer, revision.id).revision.lock_version}"' in page
    assert content.get_revision(reviewer, revision.id).revision.status == "in_review"


def test_a_rejection_after_another_reviewer_approved_keeps_the_typed_reason(app, editor, reviewer, make_user):
    revision = in_review(editor)
    content.approve_revision(make_user("rv2", "district_reviewer"), revision.id)
    response = signed_in(app, reviewer).post(f"/bureau/revisions/{revision.id}/reject", data={"reason": REASON})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert_revision_page(page)
    assert "不能对状态为" in page
    assert content.get_revision(reviewer, revision.id).revision.status == "published"


def test_a_rejection_without_a_reason_is_422_on_the_revision_page(app, editor, reviewer):
    revision = in_review(editor)
    response = signed_in(app, reviewer).post(f"/bureau/revisions/{revision.id}/reject", data={"reason": "   "})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert_revision_page(page)
    assert "请填写退回理由。" in page and 'name="reason"' in page
    assert content.get_revision(reviewer, revision.id).revision.status == "in_review"


def test_an_approval_of_a_page_that_went_stale_is_refused_and_nothing_is_published(app, client, editor, reviewer):
    revision = in_review(editor)
    seen = revision.lock_version
    content.recall_revision(editor, revision.id)
    services.save_document(editor, "990101", document(title="悄悄改过的标题"), document_id=revision.object_id)
    content.submit_revision(editor, revision.id)
    response = signed_in(app, reviewer).post(f"/bureau/revisions/{revision.id}/approve", data={"version": seen})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert_revision_page(page)
    assert "悄悄改过的标题" in page
    assert client.get(f"/d/990101/policies/{revision.object_id}").status_code == 404
    # approved from the page as it is now
    again = signed_in(app, reviewer).post(f"/bureau/revisions/{revision.id}/approve",
                                          data={"version": re.search(r'name="version" value="(\d+)"', page).group(1)})
    assert again.status_code == 302 and client.get(f"/d/990101/policies/{revision.object_id}").status_code == 200


def test_a_refused_approval_leaves_nothing_half_done(app, client, editor, reviewer):
    """三同步 refuses a normative document without its interpretation: 409 on the page, nothing published."""
    revision = in_review(editor, normative=True)
    response = signed_in(app, reviewer).post(f"/bureau/revisions/{revision.id}/approve")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert_revision_page(page)
    assert "三同步" in page and "待审核" in page
    assert client.get(f"/d/990101/policies/{revision.object_id}").status_code == 404
