"""Bureau pages: upload, report, review buttons; the access matrix."""
from __future__ import annotations

import io
import zipfile

import pytest
import zoning_steps as steps
from support import DEMO

from enroll.zoning import services as zoning
from enroll.zoning.models import ZoningPlan


def upload(client, path_or_bytes, filename, **fields):
    data = path_or_bytes.read_bytes() if hasattr(path_or_bytes, "read_bytes") else path_or_bytes
    form = {"year": "2026", "stage": "primary", **fields, "file": (io.BytesIO(data), filename)}
    return client.post("/bureau/d/990101/upload", data=form, content_type="multipart/form-data")


def test_upload_shows_the_validation_report(login, editor):
    client = login(editor)
    response = upload(client, DEMO / "zones_primary.zip", "青溪区小学划片.zip")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "校验报告" in page and "0 个错误" in page
    assert 'value="submit"' in page


def test_unsafe_archive_is_refused_with_a_message_naming_the_member(login, editor):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../etc/evil.shp", b"x")
    response = upload(login(editor), buffer.getvalue(), "evil.zip")
    assert response.status_code == 422  # the report on the upload page itself: nothing saved
    page = response.get_data(as_text=True)
    assert "unsafe_archive" in page and "evil.shp" in page
    assert 'value="submit"' not in page  # no submit button for a file with errors


def test_garbage_upload_gets_a_report_not_a_500(login, editor):
    client = login(editor)
    response = upload(client, b"\x00\x01garbage", "zones.geojson")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "unreadable" in page and "zones.geojson" in page
    assert "JSON 格式有误" in page and "Expecting value" not in page  # plain words, not the parser's


def revision_url(app, plan_id: int, action: str) -> str:
    """The plan page's review buttons post to the one workflow, with the plan's revision."""
    plan = app.extensions["sqlalchemy"].session.get(ZoningPlan, plan_id)
    if action == "withdraw":
        return f"/bureau/content/zoning/{plan.revision.object_id}/withdraw"
    return f"/bureau/revisions/{plan.revision_id}/{action}"


def test_review_through_the_web_by_two_people(app, login, editor, reviewer):
    client = login(editor)
    plan_url = upload(client, DEMO / "zones_primary.zip", "p.zip").headers["Location"]
    plan_id = int(plan_url.rstrip("/").split("/")[-1])
    client.post(revision_url(app, plan_id, "submit"))
    assert client.post(revision_url(app, plan_id, "approve")).status_code == 403
    client.post("/logout")
    client = login(reviewer)
    page = client.get(plan_url).get_data(as_text=True)
    assert "审核通过并发布" in page  # the reviewer reviews on the plan's own page
    client.post(revision_url(app, plan_id, "approve"))
    assert app.extensions["sqlalchemy"].session.get(ZoningPlan, plan_id).status == "published"
    assert client.get("/d/990101/2026/primary/").status_code == 200


def test_zoning_plans_are_in_the_review_queue(app, login, editor, reviewer):
    client = login(editor)
    plan_url = upload(client, DEMO / "zones_primary.zip", "p.zip").headers["Location"]
    plan_id = int(plan_url.rstrip("/").split("/")[-1])
    client.post(revision_url(app, plan_id, "submit"))
    client.post("/logout")
    queue = login(reviewer).get("/bureau/review/").get_data(as_text=True)
    assert "青溪区 2026 年小学划片" in queue
    revision_page = client.get(revision_url(app, plan_id, "")[:-1])
    assert revision_page.status_code == 302  # a zoning revision is reviewed on its plan's page
    assert client.get(revision_page.headers["Location"]).headers["Location"].endswith(plan_url)


def test_admin_who_uploaded_gets_409_when_approving(app, login, admin, district):
    client = login(admin)
    plan_url = upload(client, DEMO / "zones_primary.zip", "p.zip").headers["Location"]
    plan_id = int(plan_url.rstrip("/").split("/")[-1])
    client.post(revision_url(app, plan_id, "submit"))
    response = client.post(revision_url(app, plan_id, "approve"))
    assert response.status_code == 409
    assert "审核人不能是起草或提交该版本的人" in response.get_data(as_text=True)


ROLES = ["anonymous", "city_admin", "district_editor", "district_reviewer", "school_editor", "auditor",
         "other_district_editor"]
# route -> roles that may use it (others get a redirect to login or 403/404)
MATRIX = {
    ("GET", "/bureau/"): {"city_admin", "district_editor", "district_reviewer", "school_editor", "auditor",
                          "other_district_editor"},
    ("GET", "/bureau/d/990101/upload"): {"city_admin", "district_editor"},
    ("GET", "/bureau/plans/{id}"): {"city_admin", "district_editor", "district_reviewer"},
    ("GET", "/bureau/plans/{id}/report.json"): {"city_admin", "district_editor", "district_reviewer"},
    ("POST", "/bureau/revisions/{rev}/submit"): {"city_admin", "district_editor"},
    ("GET", "/bureau/d/990101/year"): {"city_admin", "district_reviewer"},
    ("GET", "/bureau/audit/"): {"city_admin", "auditor"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", list(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_access_matrix(role, route, client, login, make_user, admin, district):
    from enroll.districts.services import create_district

    create_district(admin, "990102", "另一区")
    plan = zoning.import_plan(admin, "990101", 2026, "primary", DEMO / "zones_primary.zip")
    if role != "anonymous":
        user = (admin if role == "city_admin" else
                make_user("u1", "district_editor", "990102") if role == "other_district_editor" else
                make_user("u1", role))
        login(user)
    method, url = route
    response = client.open(url.format(id=plan.id, rev=plan.revision_id), method=method)
    allowed = role in MATRIX[route]
    if allowed:
        assert response.status_code in (200, 302) and "/login" not in response.headers.get("Location", "")
    elif role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code in (403, 404)


def test_auditor_reads_the_log_with_actor_and_action(login, make_user, editor):
    zoning.import_plan(editor, "990101", 2026, "primary", DEMO / "zones_primary.zip")
    page = login(make_user("aud", "auditor", None)).get("/bureau/audit/").get_data(as_text=True)
    assert "zoning.import" in page and "editor" in page and "哈希链完整" in page


# action -> (status the plan is put in first, roles allowed, status after an allowed action)
ACTION_MATRIX = {
    "submit": ("draft", {"city_admin", "district_editor"}, "in_review"),
    "approve": ("in_review", {"city_admin", "district_reviewer"}, "published"),
    "reject": ("in_review", {"city_admin", "district_reviewer"}, "draft"),
    "withdraw": ("published", {"city_admin", "district_reviewer"}, "withdrawn"),
    "discard": ("draft", {"city_admin", "district_editor"}, None),
}


@pytest.mark.parametrize("role", ROLES[1:])
@pytest.mark.parametrize("action", list(ACTION_MATRIX))
def test_review_actions_matrix(role, action, app, client, login, make_user, admin, district):
    """Every role × every review action over the web: allowed ones change the plan, others do not."""
    from enroll.districts.services import create_district

    create_district(admin, "990102", "另一区")
    uploader = make_user("up", "district_editor")
    start, allowed, after = ACTION_MATRIX[action]
    plan = zoning.import_plan(uploader, "990101", 2026, "primary", DEMO / "zones_primary.zip")
    if start != "draft":
        steps.submit_plan(uploader, plan.id)
    if start == "published":
        steps.approve_plan(make_user("rv0", "district_reviewer"), plan.id)
    user = (admin if role == "city_admin" else make_user("u1", "district_editor", "990102")
            if role == "other_district_editor" else make_user("u1", role))
    login(user)
    # a withdrawal is confirmed on its own page: "confirmed" is that page's confirm button
    response = client.post(revision_url(app, plan.id, action), data={"reason": "边界需核对", "confirmed": "1"})
    session = app.extensions["sqlalchemy"].session
    session.expire_all()
    current = session.get(ZoningPlan, plan.id)
    if role in allowed:
        assert response.status_code == 302
        assert (current is None) if after is None else (current.status == after)
    else:
        assert response.status_code in (403, 404)
        assert current is not None and current.status == start


def test_a_zoning_file_over_the_configured_limit_is_refused_by_name_size_and_limit(app, login, editor):
    from support import DEMO

    client = login(editor)
    data = (DEMO / "zones_primary.zip").read_bytes()
    app.config["MAX_ZONING_FILE_BYTES"] = len(data) // 2
    try:
        response = upload(client, data, "青溪区2026划片.zip")
        page = response.get_data(as_text=True)
        assert "青溪区2026划片.zip" in page and "MB 的上限" in page
        assert 'value="submit"' not in page
        app.config["MAX_ZONING_FILE_BYTES"] = 1024  # the request itself is over the limit plus 1 MB
        assert upload(client, data + b"\0" * (2 * 1024 * 1024), "big.zip").status_code == 413
    finally:
        app.config["MAX_ZONING_FILE_BYTES"] = 512 * 1024 * 1024
