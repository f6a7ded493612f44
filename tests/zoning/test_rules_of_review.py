"""The review rules hold whatever path is taken: second person, scope, CSRF, drafts unseen."""
from __future__ import annotations

import json
import re

import pytest
import zoning_steps as steps
from support import DEMO, PASSWORD

from enroll.core.errors import Conflict, Forbidden, NotFound
from enroll.zoning import services as zoning

PRIMARY = DEMO / "zones_primary.zip"


def test_a_submitter_cannot_approve_after_someone_else_resubmits(admin, editor, reviewer):
    plan = zoning.import_plan(editor, "990101", 2026, "primary", PRIMARY)
    steps.submit_plan(admin, plan.id)          # the admin takes part in this plan
    steps.reject_plan(reviewer, plan.id, "请核对第 3 片区")
    steps.submit_plan(editor, plan.id)         # resubmitted by the editor
    with pytest.raises(Conflict):
        steps.approve_plan(admin, plan.id)
    assert steps.approve_plan(reviewer, plan.id).status == "published"


def test_recalled_plan_cannot_be_approved(editor, reviewer):
    plan = zoning.import_plan(editor, "990101", 2026, "primary", PRIMARY)
    steps.submit_plan(editor, plan.id)
    steps.recall_plan(editor, plan.id)
    with pytest.raises(Conflict):
        steps.approve_plan(reviewer, plan.id)


def test_staff_of_another_district_can_neither_import_nor_review(admin, editor, make_user):
    from enroll.districts.services import create_district

    create_district(admin, "990102", "另一区")
    outsider_editor = make_user("oe", "district_editor", "990102")
    outsider_reviewer = make_user("or", "district_reviewer", "990102")
    with pytest.raises(Forbidden):
        zoning.import_plan(outsider_editor, "990101", 2026, "primary", PRIMARY)
    plan = zoning.import_plan(editor, "990101", 2026, "primary", PRIMARY)
    steps.submit_plan(editor, plan.id)
    for action in (lambda: steps.approve_plan(outsider_reviewer, plan.id),
                   lambda: steps.reject_plan(outsider_reviewer, plan.id, "x"),
                   lambda: steps.reject_plan(editor, plan.id, "x")):
        with pytest.raises((Forbidden, NotFound)):  # another district's drafts do not even exist for them
            action()


def test_the_school_page_never_shows_draft_zones(client, editor, reviewer):
    plan = zoning.import_plan(editor, "990101", 2026, "primary", PRIMARY)
    school = plan.zones[1].schools[0]
    page = client.get(f"/schools/{school.id}").get_data(as_text=True)
    assert "2026 年小学划片" not in page and "暂无已发布的划片" in page
    steps.submit_plan(editor, plan.id)
    steps.approve_plan(reviewer, plan.id)
    assert "2026 年小学划片" in client.get(f"/schools/{school.id}").get_data(as_text=True)


def test_posts_without_the_csrf_token_are_refused(app, editor):
    plan = zoning.import_plan(editor, "990101", 2026, "primary", PRIMARY)
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/login", data={"username": "editor", "password": PASSWORD}).status_code == 400
    assert client.post("/login", data={"username": "editor", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    assert client.post(f"/bureau/revisions/{plan.revision_id}/submit").status_code == 400
    assert zoning.get_plan(editor, plan.id).status == "draft"


def test_html_in_school_names_is_escaped_in_popups_and_lists(client, admin, editor, reviewer, tmp_path):
    from enroll.schools.services import import_schools

    evil = '<script>alert(1)</script>小学'
    csv = tmp_path / "s.csv"
    csv.write_text(f"name,stage,kind,address,lon,lat\n\"{evil}\",primary,private,<b>路</b>,120.2,30.25\n",
                   encoding="utf-8")
    import_schools(admin, "990101", csv)
    plan = zoning.import_plan(editor, "990101", 2026, "primary", PRIMARY)
    steps.submit_plan(editor, plan.id)
    steps.approve_plan(reviewer, plan.id)
    page = client.get("/d/990101/2026/primary/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "<b>路</b>" not in page  # the text list
    markers = json.loads(re.search(r"(\[\{.*?\}\])\.forEach", page, re.S).group(1))
    popup = next(m["popup_html"] for m in markers if m["name"] == evil)  # inserted as HTML by Leaflet
    assert "<script>" not in popup and "&lt;script&gt;" in popup and "&lt;b&gt;" in popup
