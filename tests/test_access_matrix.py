"""Every role × every protected route of accounts, review, policies, schools and results: allowed or denied."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from enroll.extensions import db as _db
from policy_data import document
from support import DEMO, PASSWORD, make_app

ROLES = ["anonymous", "city_admin", "district_editor", "district_reviewer", "school_editor", "auditor",
         "other_district_editor"]
STAFF = set(ROLES) - {"anonymous"}
DISTRICT_STAFF = {"city_admin", "district_editor", "district_reviewer"}
EDITORS = {"city_admin", "district_editor"}
# (method, url) -> roles that may use it; others get a redirect to login (anonymous) or 403/404
MATRIX = {
    ("GET", "/bureau/"): STAFF,
    ("GET", "/bureau/review/"): STAFF,
    ("GET", "/account/security"): STAFF,
    ("GET", "/bureau/audit/"): {"city_admin", "auditor"},
    ("GET", "/bureau/d/990101/policies/"): DISTRICT_STAFF,
    ("GET", "/bureau/d/990101/policies/new"): EDITORS,
    ("POST", "/bureau/d/990101/policies/new"): EDITORS,
    ("GET", "/bureau/policies/{doc}"): DISTRICT_STAFF,
    ("GET", "/bureau/policies/{doc}/edit"): EDITORS,
    ("GET", "/bureau/policies/{doc}/interpretation"): EDITORS,
    ("GET", "/bureau/revisions/{rev}"): DISTRICT_STAFF,
    ("POST", "/bureau/revisions/{rev}/submit"): EDITORS,
    ("POST", "/bureau/revisions/{submitted}/approve"): {"district_reviewer"},  # the admin wrote it
    ("POST", "/bureau/revisions/{submitted}/reject"): {"city_admin", "district_reviewer"},
    ("POST", "/bureau/content/policy/{published}/withdraw"): {"city_admin", "district_reviewer"},
    ("GET", "/bureau/d/990101/schools/"): DISTRICT_STAFF,
    ("GET", "/bureau/schools/{school}"): DISTRICT_STAFF | {"school_editor"},   # the school editor's own school
    ("GET", "/bureau/schools/{school}/profile"): EDITORS | {"school_editor"},
    ("POST", "/bureau/schools/{school}/profile"): EDITORS | {"school_editor"},
    ("GET", "/bureau/schools/{school}/plans/2026"): EDITORS | {"school_editor"},
    ("GET", "/bureau/schools/{other_school}/profile"): EDITORS,
    ("GET", "/bureau/schools/{school}/results/2026"): EDITORS | {"school_editor"},
    ("GET", "/bureau/schools/{other_school}/results/2026"): EDITORS,
    ("GET", "/bureau/schools/{school}/lottery/2026"): EDITORS | {"school_editor"},
    ("POST", "/bureau/schools/{school}/results/2026"): EDITORS | {"school_editor"},
    ("POST", "/bureau/schools/{other_school}/results/2026"): EDITORS,
    ("POST", "/bureau/schools/{school}/results/"): EDITORS | {"school_editor"},
    ("GET", "/bureau/d/990101/timeline/2026"): EDITORS,
    ("GET", "/bureau/d/990101/migrant/2026/primary"): EDITORS,
    ("GET", "/bureau/calendar"): {"city_admin"},
    ("GET", "/bureau/disclosure"): {"city_admin"},
    ("GET", "/bureau/d/990101/negative-list"): EDITORS,
    ("POST", "/bureau/d/990101/negative-list"): EDITORS,
    ("GET", "/bureau/d/990101/contact"): EDITORS,
    ("POST", "/bureau/d/990101/contact"): EDITORS,
    ("GET", "/bureau/d/990101/reports/2025"): DISTRICT_STAFF,  # reviewers read the full tables
    ("POST", "/bureau/d/990101/reports/2025"): EDITORS,
    ("GET", "/bureau/d/990101/requests"): DISTRICT_STAFF,
    ("GET", "/bureau/d/990101/requests/new"): EDITORS,
    ("POST", "/bureau/d/990101/requests/new"): EDITORS,
    ("GET", "/bureau/requests/{request}"): DISTRICT_STAFF,  # reviewers read what they approve extensions of
    ("POST", "/bureau/requests/{request}/correction"): EDITORS,
    ("GET", "/bureau/districts/new"): {"city_admin"},
    ("POST", "/bureau/districts/new"): {"city_admin"},
    ("GET", "/bureau/d/990101/edit"): {"city_admin"},
    ("POST", "/bureau/d/990101/edit"): {"city_admin"},
    ("GET", "/bureau/d/990101/schools/new"): EDITORS,
    ("POST", "/bureau/d/990101/schools/new"): EDITORS,
    ("GET", "/bureau/d/990101/schools/import"): EDITORS,
    ("GET", "/bureau/schools/{school}/edit"): EDITORS,
    ("POST", "/bureau/schools/{school}/edit"): EDITORS,
}
# the city admin may approve in general, but not what they wrote themselves: 409 with the reason
REFUSED_BY_RULE = {(("POST", "/bureau/revisions/{submitted}/approve"), "city_admin")}


# who signs in as each role: the user the shared world below creates for it
USERNAMES = {"city_admin": "admin", "district_editor": "u_editor", "district_reviewer": "u_reviewer",
             "school_editor": "u_school", "auditor": "u_auditor", "other_district_editor": "u_other"}


@pytest.fixture(scope="module")
def world(tmp_path_factory, sqlite_template) -> tuple[Path, dict]:
    """A SQLite file with what every cell of the matrix acts on (built once: it takes a second), and
    the ids the routes name: two districts with schools, a policy draft, one in review, one
    published, a request for information, and a user of every role."""
    from enroll.accounts.services import create_user
    from enroll.districts.services import create_district
    from enroll.info_requests.services import enter_request
    from enroll.policies import services
    from enroll.review import content
    from enroll.schools.services import import_schools, schools_of

    path = tmp_path_factory.mktemp("matrix") / "matrix.sqlite3"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        admin = create_user(None, "admin", "city_admin", PASSWORD)
        district = create_district(admin, "990101", "青溪区", boundary_path=DEMO / "boundary.geojson")
        import_schools(admin, "990101", DEMO / "schools.csv")
        create_district(admin, "990102", "另一区")
        first, second = schools_of(district.id)[:2]  # the school editor works for the first
        for role, username in USERNAMES.items():
            if role != "city_admin":
                create_user(admin, username, "district_editor" if role == "other_district_editor" else role,
                            PASSWORD, district_code={"auditor": None, "other_district_editor": "990102"}.get(role, "990101"),
                            school_id=first.id if role == "school_editor" else None)
        draft = services.save_document(admin, "990101", document())
        submitted = services.save_document(admin, "990101", document(title="待审"))
        content.submit_revision(admin, submitted.id)
        published = services.save_document(admin, "990101", document(title="已发布"))
        content.submit_revision(admin, published.id)
        content.approve_revision(create_user(admin, "rv0", "district_reviewer", PASSWORD, district_code="990101"),
                                 published.id)
        asked = enter_request(admin, "990101", {"requester_name": "王", "contact": "a@example.cn",
                                                "description": "划片"}, "2026-12-01", "mail")
        ids = {"doc": draft.object_id, "rev": draft.id, "submitted": submitted.id, "published": published.object_id,
               "school": first.id, "other_school": second.id, "request": asked.id}
        _db.session.remove()
        _db.engine.dispose()
    return path, ids


@pytest.fixture(scope="module")
def matrix_app(world, tmp_path_factory):
    """One app for the module, on a database file each test gets afresh (below)."""
    path = tmp_path_factory.mktemp("matrix-run") / "matrix.sqlite3"
    return make_app(f"sqlite:///{path}"), path


@pytest.fixture
def matrix_client(world, matrix_app):
    """A test client on a fresh copy of the world: what one cell changes, the next never sees."""
    template, ids = world
    app, path = matrix_app
    shutil.copy(template, path)
    with app.app_context():
        _db.engine.dispose()  # no connection to the file replaced
        yield app.test_client(), ids
        _db.session.remove()
        _db.engine.dispose()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", list(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_access_matrix(role, route, matrix_client):
    client, ids = matrix_client
    if role != "anonymous":
        assert client.post("/login", data={"username": USERNAMES[role], "password": PASSWORD}).status_code == 302
    method, url = route
    url = url.format(**ids)
    data = {"reason": "理由", **document(), "validity": "current", "replaced_by": "0", "feeder": "0",
            "routes-0-route": "in_zone", "routes-0-applicants": "10", "routes-0-places": "10",
            "routes-0-admitted": "10", "office": "招生办", "address": "文澜路1号", "phone": "0000-86000000",
            "hours": "工作日", "entries": "招生工作会议纪要 | 依申请公开", "requester_name": "王", "contact": "a@example.cn", "description": "划片",
            "channel": "mail", "received": "2026-12-01", "correction-note": "请写明年份", "code": "990103", "name": "新学校", "stage": "primary", "kind": "public"} \
        if method == "POST" else None
    response = client.open(url, method=method, data=data)
    if role in MATRIX[route]:
        assert response.status_code in (200, 302) and "/login" not in response.headers.get("Location", ""), \
            response.get_data(as_text=True)[-500:]
    elif role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif (route, role) in REFUSED_BY_RULE:
        assert response.status_code == 409 and "第二人" in response.get_data(as_text=True)
    else:
        assert response.status_code in (403, 404)
