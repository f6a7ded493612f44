"""Every role × every protected route of accounts, review, policies, schools and results: allowed or denied."""
from __future__ import annotations

import pytest

from policy_data import document
from support import PASSWORD

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


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", list(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_access_matrix(role, route, client, make_user, admin, district):
    from enroll.districts.services import create_district
    from enroll.policies import services
    from enroll.review import content
    from enroll.schools.services import schools_of

    create_district(admin, "990102", "另一区")
    draft = services.save_document(admin, "990101", document())
    submitted = services.save_document(admin, "990101", document(title="待审"))
    content.submit_revision(admin, submitted.id)
    published = services.save_document(admin, "990101", document(title="已发布"))
    content.submit_revision(admin, published.id)
    content.approve_revision(make_user("rv0", "district_reviewer"), published.id)
    from enroll.info_requests.services import enter_request

    asked = enter_request(admin, "990101", {"requester_name": "王", "contact": "a@example.cn", "description": "划片"},
                          "2026-12-01", "mail")
    if role != "anonymous":
        user = (admin if role == "city_admin" else
                make_user("u1", "district_editor", "990102") if role == "other_district_editor" else
                make_user("u1", role, None if role == "auditor" else "990101"))
        assert client.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    method, url = route
    first, second = schools_of(district.id)[:2]  # a school editor works for the first (see make_user)
    url = url.format(doc=draft.object_id, rev=draft.id, submitted=submitted.id, published=published.object_id,
                     school=first.id, other_school=second.id, request=asked.id)
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
