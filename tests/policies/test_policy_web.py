"""Policy pages over the web: the bureau writes and reviews, parents read, attachments, history."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfWriter

from policy_data import document, interpretation
from enroll.policies import services
from enroll.review import content


def pdf_bytes(pages: int = 2) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def form(**extra) -> dict:
    values = {k: v for k, v in document().items() if k != "year"}
    return {**values, "year": "2026", "validity": "current", "replaced_by": "0", "note": "", **extra}


@pytest.fixture
def as_editor(app, editor):
    client = app.test_client()
    client.post("/login", data={"username": "editor", "password": "correct-horse-battery"})
    return client


@pytest.fixture
def as_reviewer(app, reviewer):
    client = app.test_client()
    client.post("/login", data={"username": "reviewer", "password": "correct-horse-battery"})
    return client


def test_editor_writes_with_a_pdf_reviewer_publishes_parent_reads(as_editor, as_reviewer, client, tmp_path, app):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    data = form(new_attachment=(io.BytesIO(pdf_bytes(3)), "实施细则（全文）.pdf"))
    response = as_editor.post("/bureau/d/990101/policies/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    revision_url = response.headers["Location"]
    page = as_editor.get(revision_url).get_data(as_text=True)
    assert "实施细则（全文）.pdf" in page and "草稿" in page
    revision_id = int(revision_url.rstrip("/").split("/")[-1])
    doc_id = content.get_revision(_user("editor"), revision_id).item.id
    assert client.get(f"/d/990101/policies/{doc_id}").status_code == 404  # a draft does not exist publicly
    assert as_editor.post(f"/bureau/revisions/{revision_id}/submit").status_code == 302
    assert as_editor.post(f"/bureau/revisions/{revision_id}/approve").status_code == 403  # editors do not approve
    assert as_reviewer.post(f"/bureau/revisions/{revision_id}/approve").status_code == 302
    listing = client.get("/d/990101/policies/").get_data(as_text=True)
    assert document()["title"] in listing and "现行有效" in listing
    public = client.get(f"/d/990101/policies/{doc_id}").get_data(as_text=True)
    assert "青教〔2026〕12号" in public and "一、招生对象" in public and "PDF，3 页" in public
    link = re.search(r'href="(/attachments/\d+/[^"]+)"', public).group(1)
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    history = client.get(f"/d/990101/policies/{doc_id}/history", follow_redirects=True).get_data(as_text=True)
    assert "第 1 版" in history and "当前版本" in history


def _user(name):
    from enroll.accounts.services import get_user

    return get_user(name)


def test_an_attachment_of_a_draft_is_not_public(as_editor, client, tmp_path, app):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    as_editor.post("/bureau/d/990101/policies/new", content_type="multipart/form-data",
                   data=form(new_attachment=(io.BytesIO(pdf_bytes()), "草稿附件.pdf")))
    from enroll.policies.models import Attachment
    from enroll.extensions import db

    attachment = db.session.query(Attachment).one()
    assert client.get(f"/attachments/{attachment.id}/x.pdf").status_code == 404


@pytest.mark.parametrize("name, data, message", [
    ("通知.pdf", b"", "是空的"),
    ("通知.docx", pdf_bytes(), "扩展名不是 .pdf"),
    ("通知.pdf", b"PK\x03\x04 not a pdf", "不是 PDF"),
    ("通知.pdf", pdf_bytes()[:200], "已损坏"),
])
def test_bad_attachments_are_refused_with_a_message_and_nothing_is_saved(as_editor, tmp_path, app, name, data,
                                                                          message):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    response = as_editor.post("/bureau/d/990101/policies/new", content_type="multipart/form-data",
                              data=form(new_attachment=(io.BytesIO(data), name)))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    from enroll.extensions import db
    from enroll.policies.models import PolicyDocument

    assert db.session.query(PolicyDocument).count() == 0


def test_an_oversized_attachment_is_refused(as_editor, tmp_path, app):
    app.config.update(UPLOAD_DIR=str(tmp_path), MAX_ATTACHMENT_BYTES=len(pdf_bytes()) - 1)
    response = as_editor.post("/bureau/d/990101/policies/new", content_type="multipart/form-data",
                              data=form(new_attachment=(io.BytesIO(pdf_bytes()), "大.pdf")))
    assert response.status_code == 422 and "大小上限" in response.get_data(as_text=True)


def test_illegal_transition_over_the_web_is_409_with_the_reason(as_editor, as_reviewer, editor):
    revision = services.save_document(editor, "990101", document())
    response = as_reviewer.post(f"/bureau/revisions/{revision.id}/approve")
    assert response.status_code == 409 and "不能对状态为" in response.get_data(as_text=True)
    json = as_reviewer.post(f"/bureau/revisions/{revision.id}/approve", headers={"Accept": "application/json"})
    assert json.status_code == 409 and json.get_json()["error"]["status"] == 409


def test_normative_document_and_interpretation_are_published_together_over_the_web(as_editor, as_reviewer, client,
                                                                                   editor):
    revision = services.save_document(editor, "990101", document(normative=True))
    doc_id = revision.object_id
    response = as_editor.post(f"/bureau/policies/{doc_id}/interpretation",
                              data={**interpretation(), "note": ""})
    assert response.status_code == 302
    interp_revision = int(response.headers["Location"].rstrip("/").split("/")[-1])
    as_editor.post(f"/bureau/revisions/{revision.id}/submit")
    early = as_reviewer.post(f"/bureau/revisions/{revision.id}/approve")
    assert early.status_code == 409 and "三同步" in early.get_data(as_text=True)
    as_editor.post(f"/bureau/revisions/{interp_revision}/submit")
    assert as_reviewer.post(f"/bureau/revisions/{revision.id}/approve").status_code == 302
    page = client.get(f"/d/990101/policies/{doc_id}").get_data(as_text=True)
    assert "阅读政策解读" in page
    interp = client.get(f"/d/990101/policies/{doc_id}/interpretation").get_data(as_text=True)
    assert interpretation()["title"] in interp and document()["title"] in interp


def test_abolished_document_shows_a_banner_with_its_replacement(client, editor, reviewer, publish):
    new_id = publish(document(title="2027年实施细则"))
    old_id = publish()
    revision = services.save_document(editor, "990101", document(validity="abolished", replaced_by=new_id),
                                      document_id=old_id)
    content.submit_revision(editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    page = client.get(f"/d/990101/policies/{old_id}").get_data(as_text=True)
    assert "本文件已废止" in page and "2027年实施细则" in page


def test_english_readers_get_the_translation_where_there_is_one(client, admin, publish):
    from enroll.districts.services import update_district

    # the district's name is on the page too (its breadcrumb): in English, nothing falls back to Chinese
    update_district(admin, "990101", {"name": "青溪区", "name_en": "Qingxi District"})
    doc_id = publish(document(translations={"en": {"title": "Qingxi 2026 Enrollment Rules", "body": "<p>Who</p>"}}))
    english = client.get(f"/d/990101/policies/{doc_id}?lang=en").get_data(as_text=True)
    assert "Qingxi 2026 Enrollment Rules" in english and "<p>Who</p>" in english
    chinese = client.get(f"/d/990101/policies/{doc_id}?lang=zh_Hans").get_data(as_text=True)
    assert document()["title"] in chinese
    assert "chinese-only" not in english and "chinese-only" not in chinese


def test_english_readers_are_told_when_a_field_falls_back_to_chinese(client, publish):
    doc_id = publish(document(translations={"en": {"title": "Qingxi 2026 Enrollment Rules"}}))
    page = client.get(f"/d/990101/policies/{doc_id}?lang=en").get_data(as_text=True)
    assert '<h1 lang="en">Qingxi 2026 Enrollment Rules</h1>' in page
    body = re.search(r'<article class="richtext" lang="([^"]+)">(.*?)</article>', page, re.S)
    assert body.group(1) == "zh-Hans" and "招生" in body.group(2)  # the Chinese body, read in a Chinese voice
    assert page.count('class="note chinese-only"') == 1


def test_the_reviewer_sees_every_field_and_can_open_the_draft_pdf(as_editor, as_reviewer, client, tmp_path, app):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    response = as_editor.post("/bureau/d/990101/policies/new", content_type="multipart/form-data",
                              data=form(new_attachment=(io.BytesIO(pdf_bytes(2)), "草稿附件.pdf"),
                                        title_en="Draft rules", body_en="<p>English text</p>"))
    revision_url = response.headers["Location"]
    page = as_reviewer.get(revision_url).get_data(as_text=True)
    assert "English text" in page and "Draft rules" in page
    link = re.search(r'href="(/bureau/revisions/\d+/attachments/\d+)"', page).group(1)
    pdf = as_reviewer.get(link)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-") and "no-store" in pdf.headers["Cache-Control"]
    assert client.get(link).status_code == 302  # not for the public: sign in first


def test_editing_a_document_keeps_its_attachments(as_editor, tmp_path, app, editor):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    response = as_editor.post("/bureau/d/990101/policies/new", content_type="multipart/form-data",
                              data=form(new_attachment=(io.BytesIO(pdf_bytes()), "附件.pdf")))
    revision_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    doc_id = content.get_revision(editor, revision_id).item.id
    edit = as_editor.get(f"/bureau/policies/{doc_id}/edit").get_data(as_text=True)
    assert re.search(r'<option selected value="\d+">附件\.pdf', edit)  # saving the form as is keeps it


def test_discarding_a_document_with_an_interpretation_draft_is_refused_with_a_reason(editor):
    from enroll.core.errors import Conflict

    revision = services.save_document(editor, "990101", document(normative=True))
    services.save_interpretation(editor, revision.object_id, interpretation())
    with pytest.raises(Conflict, match="政策解读"):
        content.discard_revision(editor, revision.id)
    assert content.get_revision(editor, revision.id).revision.status == "draft"  # nothing lost
