"""Requests for information (依申请公开) as requesters and staff meet them: the public form, the signed
status link, mail entry, the clock moved by 补正, consultation and an extension (frozen clock on the 2026
调休 calendar), the decision and its reply letter, overdue flags and the purge of personal data."""
from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
import time_machine
from pypdf import PdfReader, PdfWriter
from support import PASSWORD, both_databases

from enroll.core.clock import LOCAL
from enroll.disclosure.services import import_calendar
from enroll.extensions import db as _db
from enroll.info_requests.models import InfoRequest
from enroll.review.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]


def _pdf() -> bytes:
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": "identity card scan " * 20})
    writer.write(out)
    return out.getvalue()


ID_PDF = _pdf()
FORM = {"requester_name": "王小明", "requester_kind": "person", "contact": "wang@example.com",
        "description": "2026年青溪区小学划片调整的会议纪要", "delivery": "email"}


@pytest.fixture
def office(app, district, admin, tmp_path):
    app.config.update(REQUEST_FILES_DIR=str(tmp_path / "request_files"), SECRET_KEY="test-secret")
    import_calendar(admin, (ROOT / "gis_data" / "calendar" / "cn_2026.csv").read_text(encoding="utf-8"))
    return app


def local(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL)


def submit(client, **changes):
    return client.post("/d/990101/requests/new", data={**FORM, **changes}, content_type="multipart/form-data")


def signed_in(app, user):
    """A new client signed in now (a session from another day of the frozen clock has expired)."""
    client = app.test_client()
    assert client.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def page(response) -> str:
    return response.get_data(as_text=True)


def test_a_request_without_description_or_contact_is_refused_and_keeps_what_was_typed(office, client):
    response = submit(client, description="", contact="")
    assert response.status_code == 422
    text = page(response)
    assert "王小明" in text and text.count('class="error"') >= 2
    assert _db.session.query(InfoRequest).count() == 0


def test_an_online_request_after_hours_before_a_make_up_saturday_is_received_that_saturday(office, client):
    with time_machine.travel(local(2026, 5, 8, 18, 30), tick=False):
        response = submit(client, id_document=(io.BytesIO(ID_PDF), "身份证.pdf"))
        assert response.status_code == 302
        status = client.get(response.headers["Location"])
    text = page(status)
    assert status.headers["Cache-Control"] == "private, no-store"  # one requester's page: no proxy keeps it
    assert "990101-2026-0001" in text and "2026-05-09" in text  # 9 May 2026 is a 调休 working Saturday
    assert "2026-06-05" in text  # 20 working days from the 9th
    assert "王小明" not in text and "wang@example.com" not in text  # the status page holds no personal data
    stored = _db.session.query(InfoRequest).one()
    assert stored.received_on == date(2026, 5, 9) and len(stored.files) == 1
    on_disk = next((Path(office.config["REQUEST_FILES_DIR"])).rglob(stored.files[0].token))
    assert ID_PDF[:200] not in on_disk.read_bytes()  # encrypted at rest


def test_a_file_that_is_neither_pdf_nor_image_is_refused_by_name_and_nothing_is_kept(office, client):
    response = submit(client, id_document=(io.BytesIO(b"<html><script>alert(1)</script></html>"), "scan.pdf"))
    assert response.status_code == 422
    assert "scan.pdf" in page(response) and "王小明" in page(response)
    assert _db.session.query(InfoRequest).count() == 0


def test_a_status_link_with_a_bad_signature_shows_nothing(office, client):
    location = submit(client).headers["Location"]
    token = location.split("/requests/")[1].split("?")[0]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.get(f"/requests/{forged}")
    assert response.status_code == 404 and "990101-" not in page(response)
    assert client.get(f"/requests/{token}/letter.pdf").status_code == 404  # nothing decided yet


def enter(client, received="2026-04-28"):
    response = client.post("/bureau/d/990101/requests/new", data={**FORM, "channel": "mail", "received": received})
    assert response.status_code == 302, page(response)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def act(client, request_id, action, **data):
    """Post one handling step; a step taken goes back to the request's page (not to the sign-in page)."""
    response = client.post(f"/bureau/requests/{request_id}/{action}", data={f"{action}-{k}": v for k, v in data.items()})
    if response.status_code == 302:
        assert response.headers["Location"].endswith(f"/bureau/requests/{request_id}")
    return response


@both_databases
def test_staff_move_the_clock_through_correction_consultation_and_an_approved_extension(
        office, client, login, editor, reviewer):
    with time_machine.travel(local(2026, 4, 28, 10), tick=False):
        client = signed_in(office, editor)
        request_id = enter(client)
        assert "2026-05-28" in page(client.get(f"/bureau/requests/{request_id}"))  # across the May Day 调休
    with time_machine.travel(local(2026, 5, 6, 10), tick=False):
        client = signed_in(office, editor)
        assert act(client, request_id, "correction", note="请写明所需会议纪要的日期").status_code == 302
        assert "等待补正" in page(client.get(f"/bureau/requests/{request_id}"))
    with time_machine.travel(local(2026, 5, 12, 10), tick=False):
        client = signed_in(office, editor)
        assert act(client, request_id, "corrected", day="2026-05-12").status_code == 302
        assert "2026-06-09" in page(client.get(f"/bureau/requests/{request_id}"))  # 20 working days afresh
        assert act(client, request_id, "consult", day="2026-05-12", note="涉及第三方").status_code == 302
    with time_machine.travel(local(2026, 5, 19, 10), tick=False):
        client = signed_in(office, editor)
        assert act(client, request_id, "consulted", day="2026-05-19").status_code == 302
        assert "2026-06-16" in page(client.get(f"/bureau/requests/{request_id}"))  # paused 5 working days
        assert act(client, request_id, "extension", days="10", reason="需调阅档案").status_code == 302
        assert client.post(f"/bureau/requests/{request_id}/approve_extension").status_code == 403  # editors cannot
    with time_machine.travel(local(2026, 5, 20, 10), tick=False):
        client = signed_in(office, reviewer)
        assert client.post(f"/bureau/requests/{request_id}/approve_extension").status_code == 302
        assert "2026-07-01" in page(client.get(f"/bureau/requests/{request_id}"))  # +10, 端午 (19 June) skipped
    found = _db.session.get(InfoRequest, request_id)
    _db.session.refresh(found)
    assert (found.status, found.due_on, found.extension_days) == ("open", date(2026, 7, 1), 10)


def test_whoever_asks_for_an_extension_cannot_approve_it(office, admin, district):
    from enroll.core.errors import Conflict
    from enroll.info_requests import handling, services

    found = services.enter_request(admin, "990101", FORM, "2026-11-30", "mail")
    handling.ask_extension(admin, found.id, 5, "需调阅档案", today=date(2026, 12, 7))
    with pytest.raises(Conflict, match="另一人"):
        handling.approve_extension(admin, found.id, today=date(2026, 12, 7))
    assert _db.session.get(InfoRequest, found.id).extension_days == 0


def test_a_late_correction_is_refused_with_the_deadline(office, client, login, editor):
    with time_machine.travel(local(2026, 4, 28, 10), tick=False):
        client = signed_in(office, editor)
        request_id = enter(client)
    with time_machine.travel(local(2026, 5, 12, 10), tick=False):
        client = signed_in(office, editor)
        response = act(client, request_id, "correction", note="请补充")
    assert response.status_code == 409 and "2026-05-11" in page(response)


def test_a_decision_gives_a_reply_letter_with_the_remedy_notice_and_the_requester_sees_it(
        office, client, login, editor):
    with time_machine.travel(local(2026, 12, 4, 16), tick=False):
        location = submit(client).headers["Location"]
        request_id = _db.session.query(InfoRequest).one().id
        response = act(signed_in(office, editor), request_id, "decide", decision="withheld", reason="third_party",
                       reply="所申请信息涉及第三方个人隐私，第三方不同意公开。", fee="0")
    assert response.status_code == 302, page(response)
    status = page(client.get(location.split("?")[0]))
    assert "不予公开：保护第三方合法权益" in status
    token = location.split("/requests/")[1].split("?")[0]
    letter = client.get(f"/requests/{token}/letter.pdf")
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.data)).pages).replace("\n", "").replace("\x00", "")
    assert "不予公开" in text and "第十五条" in text and "六十日" in text and "六个月" in text


def test_a_decision_needs_its_sub_reason(office, client, login, editor):
    login(editor)
    request_id = enter(client, received="2026-11-30")
    response = act(client, request_id, "decide", decision="unavailable", reason="", reply="本机关不掌握。")
    assert response.status_code == 422 and "无法提供" in page(response)


@both_databases
def test_overdue_requests_are_flagged_on_the_dashboard(office, client, login, editor):
    with time_machine.travel(local(2026, 4, 28, 10), tick=False):
        client = signed_in(office, editor)
        request_id = enter(client)
    with time_machine.travel(local(2026, 6, 1, 10), tick=False):
        client = signed_in(office, editor)
        dashboard = page(client.get("/bureau/"))
    assert "990101-2026-0001" in dashboard and "已超期 2 个工作日" in dashboard
    from enroll.info_requests.services import overdue_counts

    with time_machine.travel(local(2026, 6, 1, 10), tick=False):
        assert overdue_counts() == {_db.session.get(InfoRequest, request_id).district_id: 1}


@both_databases
def test_purge_expired_deletes_personal_data_and_files_but_keeps_the_counts(office, client, login, editor):
    with time_machine.travel(local(2026, 3, 2, 10), tick=False):
        location = submit(client, id_document=(io.BytesIO(ID_PDF), "id.pdf")).headers["Location"]
    request_id = _db.session.query(InfoRequest).one().id
    with time_machine.travel(local(2026, 3, 10, 10), tick=False):
        staff = signed_in(office, editor)
        assert act(staff, request_id, "decide", decision="disclosed", reason="", reply="见附件。").status_code == 302
    token = _db.session.get(InfoRequest, request_id).files[0].token
    with time_machine.travel(local(2027, 3, 11, 10), tick=False):
        result = office.test_cli_runner().invoke(args=["requests", "purge-expired"])
    assert "1 request(s) purged" in result.output, result.output
    found = _db.session.get(InfoRequest, request_id)
    _db.session.refresh(found)
    assert (found.requester_name, found.contact, found.description, found.files) == ("", "", "", [])
    assert found.decision == "disclosed" and found.received_on == date(2026, 3, 2)
    assert not list(Path(office.config["REQUEST_FILES_DIR"]).rglob(token))
    assert "已按规定删除" in page(client.get(location.split("?")[0]))
    purge = _db.session.query(AuditEvent).filter_by(action="info_request.purge").one()
    assert "王小明" not in str(purge.detail)


def test_staff_reading_an_identity_document_is_audited(office, client, login, editor):
    submit(client, id_document=(io.BytesIO(ID_PDF), "身份证.pdf"))
    found = _db.session.query(InfoRequest).one()
    login(editor)
    response = client.get(f"/bureau/requests/{found.id}/files/{found.files[0].id}")
    assert response.status_code == 200 and response.data == ID_PDF
    assert _db.session.query(AuditEvent).filter_by(action="info_request.file_read").count() == 1


def test_other_districts_staff_and_the_public_cannot_see_requests(office, client, login, make_user):
    submit(client)
    found = _db.session.query(InfoRequest).one()
    assert client.get(f"/bureau/requests/{found.id}").status_code == 302  # to the sign-in page
    other = make_user("school", "school_editor")
    login(other)
    assert client.get(f"/bureau/requests/{found.id}").status_code == 403
    assert client.get("/bureau/d/990101/requests").status_code == 403
