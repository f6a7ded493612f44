"""No ID number, mobile number or personal e-mail address reaches the public, in any kind of
content: refused when a draft is saved, naming the field and where in it (the value masked), and
refused again when a reviewer approves, whatever the draft went through."""
from __future__ import annotations

import json

import pytest

from policy_data import document
from support import DEMO, both_databases, raw_pdf, with_check_digit
from enroll.core.errors import Conflict, Invalid
from enroll.review import content

MOBILE = "138.1234.5678"


CHILD_ID = with_check_digit("33010620150607123")  # synthetic: a child born 2015-06-07


def refused(call, field: str) -> str:
    """The message of the refusal of ``call``, which must name ``field`` and never repeat the number."""
    with pytest.raises(Invalid) as info:
        call()
    message = str(info.value.message)
    assert info.value.detail["field"] == field
    assert "1234" not in message and CHILD_ID[6:14] not in message
    return message


def text_pdf(*lines: str) -> bytes:
    """A one-page PDF whose text layer holds ``lines`` (Helvetica), with a correct xref table."""
    shown = b" ".join(b"(%s) Tj 0 -16 Td" % line.encode("ascii") for line in lines)
    stream = b"BT /F1 12 Tf 72 760 Td 16 TL " + shown + b" ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
               b"/Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    return raw_pdf(*objects)


def test_a_policy_body_with_a_mobile_is_refused_naming_the_body_and_the_line(editor):
    from enroll.policies import services

    body = f"<p>一、招生对象</p><p>咨询：王老师 {MOBILE}</p>"
    message = refused(lambda: services.save_document(editor, "990101", document(body=body)), "body")
    assert "“正文”第 2 行第 8 个字符处有手机号码（138******78）" in message


def test_a_policy_whose_pdf_holds_an_id_number_is_refused_and_not_stored(editor, tmp_path, db):
    from enroll.policies import services
    from enroll.policies.models import Attachment

    upload = services.Upload("录取名单.pdf", text_pdf("Admitted:", f"Zhang {CHILD_ID[:6]}.{CHILD_ID[6:14]}.{CHILD_ID[14:]}"),
                             tmp_path / "uploads", 20 * 1024 * 1024)
    message = refused(lambda: services.save_document(editor, "990101", document(), upload=upload), "new_attachment")
    assert "录取名单.pdf 第 1 页第 2 行有身份证号码" in message
    assert db.session.query(Attachment).count() == 0 and not (tmp_path / "uploads").exists()


def test_a_pdf_without_personal_data_is_published(editor, reviewer, tmp_path):
    from enroll.policies import services

    upload = services.Upload("细则.pdf", text_pdf("Tel 0571-8888 8888", "2026-07-15", "1-117"), tmp_path, 20 * 1024 * 1024)
    revision = services.save_document(editor, "990101", document(), upload=upload)
    content.submit_revision(editor, revision.id)
    assert content.approve_revision(reviewer, revision.id).status == "published"


def test_an_attachment_never_scanned_cannot_be_published(editor, reviewer, db):
    """A PDF stored before the scanner read attachments (no scan recorded with its upload)."""
    from enroll.policies import services
    from enroll.policies.models import Attachment

    revision = services.save_document(editor, "990101", document())
    old = Attachment(district_id=revision.district_id, sha256="0" * 64, filename="旧名单.pdf", size=10, pages=1)
    db.session.add(old)
    db.session.flush()
    revision.data = dict(revision.data, attachments=[{"id": old.id, "filename": old.filename, "pages": 1, "size": 10}])
    db.session.commit()
    content.submit_revision(editor, revision.id)
    with pytest.raises(Conflict, match="旧名单.pdf"):
        content.approve_revision(reviewer, revision.id)
    with pytest.raises(Invalid, match="请重新上传"):
        content.recall_revision(editor, revision.id)
        services.save_document(editor, "990101", dict(document(), attachments=[{"id": old.id}]),
                               document_id=revision.object_id)


def test_a_migrant_requirement_note_with_a_mobile_is_refused_naming_the_item(editor):
    from enroll.migrant import services

    rules = json.loads((DEMO / "migrant_2026.json").read_text(encoding="utf-8"))["primary"]
    data = dict(rules, documents=f"户口簿：原件\n居住证：到窗口办理，联系 {MOBILE}")
    message = refused(lambda: services.save_requirement(editor, "990101", 2026, "primary", data), "documents")
    assert "“所需材料”第 2 项" in message


def test_a_change_note_with_a_mobile_is_refused(editor):
    from enroll.timeline import services

    text = (DEMO / "timeline_2026.csv").read_text(encoding="utf-8")
    message = refused(lambda: services.save_timeline(editor, "990101", 2026, text, note=f"家长来电 {MOBILE} 要求改期"),
                      "note")
    assert "“修改说明”第 1 行第 6 个字符处有手机号码" in message


def test_a_timeline_entry_with_a_mobile_is_refused(editor):
    from enroll.timeline import services

    text = "开始,结束,事项,学段,地点\n2026-05-10,2026-05-20,网上报名,,咨询 138 1234 5678\n"
    message = refused(lambda: services.save_timeline(editor, "990101", 2026, text), "steps")
    assert "“日程事项”第 1 项" in message


def test_a_school_profile_with_a_mobile_as_its_phone_is_refused(make_user, district):
    from enroll.schools import profiles
    from enroll.schools.services import schools_of

    school = schools_of(district.id)[0]
    writer = make_user("wl", "school_editor", school_id=school.id)
    refused(lambda: profiles.save_profile(writer, school.id, {"phone": "+86 138 1234 5678"}), "phone")


def test_a_contact_with_a_mobile_is_refused_but_the_office_landline_and_mailbox_are_published(editor, reviewer):
    from enroll.districts import contacts

    contact = {"office": "招生办公室", "address": "文澜路1号", "phone": "0571-8888 8888、12345 转 2",
               "hours": "工作日 9:00—17:00", "email": "zsb@example.org", "notes": "邮件请寄 zsb@jyj.example.gov.cn"}
    message = refused(lambda: contacts.save_contact(editor, "990101", dict(contact, complaint_phone="138 1234 5678")),
                      "complaint_phone")
    assert "“监督电话”" in message
    revision = contacts.save_contact(editor, "990101", contact)
    content.submit_revision(editor, revision.id)
    assert content.approve_revision(reviewer, revision.id).status == "published"


@both_databases
def test_a_revision_that_got_an_id_number_into_the_database_directly_cannot_be_approved(editor, reviewer, db, client):
    """Older data, or a path that skipped the check at save: the approval scans again."""
    from enroll.policies import services

    revision = services.save_document(editor, "990101", document())
    content.submit_revision(editor, revision.id)
    revision.data = dict(revision.data, translations={"en": {"title": "Rules", "body": f"<p>ID {CHILD_ID}</p>"}})
    db.session.commit()
    with pytest.raises(Conflict) as info:
        content.approve_revision(reviewer, revision.id)
    assert "身份证号码" in str(info.value.message) and CHILD_ID not in str(info.value.message)
    assert info.value.detail["field"] == "translations"
    assert services.get_document(editor, revision.object_id).status == "draft"
    assert client.get(f"/d/990101/policies/{revision.object_id}").status_code == 404
