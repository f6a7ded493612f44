"""School profiles and enrollment plans: written by the school, published by the district's reviewer."""
from __future__ import annotations

import pytest

from support import DEMO
from enroll.core.errors import Conflict, Forbidden, Invalid
from enroll.review import content
from enroll.schools import profiles
from enroll.schools.services import schools_of


@pytest.fixture
def schools(district):
    found = {s.name: s for s in schools_of(district.id)}
    return found["青溪区文澜小学"], found["青溪区崇文小学"], found["青溪区文澜中学"]


@pytest.fixture
def school_editor(make_user, schools):
    return make_user("wl", "school_editor", school_id=schools[0].id)


PROFILE = {"intro": "<p>百年老校，<script>x()</script>书香文澜。</p>", "phone": "0000-86243041", "email": "wl@example.cn",
           "website": "https://wl.example.cn", "students": "1200", "classes": "24", "teachers": "90",
           "site_area": "18000", "facilities": "图书馆、风雨操场"}


def test_a_school_writes_its_profile_and_the_district_publishes_it(client, school_editor, reviewer, schools):
    primary, _, junior = schools
    revision = profiles.save_profile(school_editor, primary.id, dict(PROFILE, feeder=junior.id))
    assert "script" not in revision.data["intro"] and revision.data["students"] == 1200
    assert profiles.published_profile(primary.id) is None
    content.submit_revision(school_editor, revision.id)
    with pytest.raises(Forbidden):
        content.approve_revision(school_editor, revision.id)  # schools do not publish themselves
    content.approve_revision(reviewer, revision.id)
    page = client.get(f"/schools/{primary.id}").get_data(as_text=True)
    assert "书香文澜" in page and "1,200" in page and "图书馆、风雨操场" in page and junior.name in page
    assert primary.name in client.get(f"/schools/{junior.id}").get_data(as_text=True)  # 对口小学 listed


def test_a_school_editor_cannot_touch_another_school(school_editor, schools):
    with pytest.raises(Forbidden):
        profiles.save_profile(school_editor, schools[1].id, PROFILE)


@pytest.mark.parametrize("field, value", [("students", "-3"), ("email", "not-an-address"),
                                          ("website", "javascript:alert(1)"), ("classes", "many"),
                                          ("phone", "请打校办电话")])
def test_bad_profile_fields_are_named(school_editor, schools, field, value):
    with pytest.raises(Invalid) as info:
        profiles.save_profile(school_editor, schools[0].id, dict(PROFILE, **{field: value}))
    assert info.value.detail["field"] == field


def test_a_refused_profile_form_comes_back_with_the_message_beside_the_field(login, school_editor, schools):
    response = login(school_editor).post(f"/bureau/schools/{schools[0].id}/profile",
                                         data={**PROFILE, "phone": "请打校办电话", "feeder": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "“电话”应为电话号码" in page
    assert 'value="请打校办电话"' in page and "wl@example.cn" in page  # nothing typed is lost


def test_a_feeder_must_be_a_junior_school_and_only_for_primaries(school_editor, editor, schools):
    primary, other_primary, junior = schools
    with pytest.raises(Invalid, match="对口"):
        profiles.save_profile(school_editor, primary.id, dict(PROFILE, feeder=other_primary.id))
    with pytest.raises(Invalid, match="对口"):
        profiles.save_profile(editor, junior.id, dict(PROFILE, feeder=junior.id))


def test_enrollment_plan_stays_as_published_until_the_new_one_is_approved(client, school_editor, reviewer, schools):
    primary = schools[0]
    first = profiles.save_enrollment_plan(school_editor, primary.id, {"year": 2026, "classes": 6, "places": 270})
    content.submit_revision(school_editor, first.id)
    content.approve_revision(reviewer, first.id)
    second = profiles.save_enrollment_plan(school_editor, primary.id, {"year": 2026, "classes": 8, "places": 360},
                                           note="扩班")
    content.submit_revision(school_editor, second.id)
    page = client.get(f"/schools/{primary.id}").get_data(as_text=True)
    assert "270" in page and "360" not in page
    content.approve_revision(reviewer, second.id)
    page = client.get(f"/schools/{primary.id}").get_data(as_text=True)
    assert "360" in page and "270" not in page
    assert [e.number for e in content.history(profiles.PLAN, second.object_id)] == [2, 1]


def test_the_reviewer_cannot_publish_what_they_wrote(reviewer, make_user, schools):
    admin_like = make_user("boss", "city_admin", None)
    revision = profiles.save_profile(admin_like, schools[0].id, PROFILE)
    content.submit_revision(admin_like, revision.id)
    with pytest.raises(Conflict, match="第二人"):
        content.approve_revision(admin_like, revision.id)


def test_feeder_import_refuses_unknown_schools_by_line_and_writes_nothing(editor, tmp_path):
    path = tmp_path / "feeders.csv"
    path.write_text("primary,junior\n青溪区文澜小学,青溪区文澜中学\n不存在小学,青溪区文澜中学\n", encoding="utf-8")
    with pytest.raises(Invalid) as info:
        profiles.import_feeders(editor, "990101", path)
    assert info.value.detail["errors"][0][:2] == (3, "primary")
    assert profiles.profile_of(schools_of(editor.district_id)[0].id) is None


def test_demo_plans_and_feeders_import(editor, reviewer):
    revisions = profiles.import_feeders(editor, "990101", DEMO / "feeders.csv")
    revisions += profiles.import_enrollment_plans(editor, "990101", DEMO / "enrollment_plans.csv")
    assert len(revisions) == 28 + 42


def test_a_plan_of_zero_classes_is_a_valid_answer_on_the_form(app, school_editor, schools):
    client = app.test_client()
    client.post("/login", data={"username": "wl", "password": "correct-horse-battery"})
    response = client.post(f"/bureau/schools/{schools[0].id}/plans/2026", data={"classes": "0", "places": "0"})
    assert response.status_code == 302


def test_a_plan_import_with_one_bad_row_writes_nothing(editor, tmp_path, schools):
    path = tmp_path / "plans.csv"
    path.write_text("school,year,classes,places,notes\n青溪区文澜小学,2026,6,270,\n青溪区崇文小学,2026,六,270,\n",
                    encoding="utf-8")
    with pytest.raises(Invalid) as info:
        profiles.import_enrollment_plans(editor, "990101", path)
    assert info.value.detail["errors"][0][:2] == (3, "classes")
    assert profiles.enrollment_plan_of(schools[0].id, 2026) is None
