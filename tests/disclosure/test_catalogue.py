"""The disclosure catalogue: every required item marked published (with date), partial or missing;
late publication counted in working days from the editable calendar."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine

from policy_data import document
from support import ROOT
from enroll.core.errors import Forbidden, Invalid
from enroll.disclosure import services
from enroll.policies import services as policies
from enroll.review import content

CALENDAR = (ROOT / "gis_data" / "calendar" / "cn_2026.csv").read_text(encoding="utf-8")


def items(code="990101", year=2026) -> dict:
    return {item.key: item for item in services.catalogue(code, year)[1]}


def test_an_empty_district_has_every_item_missing_but_the_request_form(district):
    found = items()
    assert list(found) == ["policy", "interpretation", "procedure", "enrollment_plan", "private_plan", "zoning",
                           "migrant",
                           "school_profiles", "feeders", "timeline", "results", "contacts", "requests",
                           "annual_report", "negative_list"]
    requests = found.pop("requests")  # the request form is there for every district
    assert requests.status == "published" and requests.links[0].endpoint == "info_requests.new"
    assert all(item.status == "missing" and not item.links for item in found.values())


def test_every_line_shows_its_disclosure_attribute(client, district):
    page = client.get("/d/990101/2026/disclosure").get_data(as_text=True)
    assert "公开属性" in page and "划片工作程序" in page and "对口入学（小学对口初中）" in page
    assert page.count("<td>主动公开</td>") == 15
    assert "依申请公开（政府信息公开申请）" in page and 'href="/d/990101/requests/new"' in _row(page, "requests")
    assert "政府信息公开工作年度报告" in _row(page, "annual_report") and "2025 年度" in _row(page, "annual_report")
    assert "未公开" in _row(page, "annual_report") and "href" not in _row(page, "annual_report")


def test_a_document_published_within_20_working_days_is_on_time(admin, editor, reviewer):
    services.import_calendar(admin, CALENDAR)
    with time_machine.travel("2026-09-28 10:00 +0800", tick=False):  # signed 09-21; National Day between
        revision = policies.save_document(editor, "990101", document(signed_on="2026-09-21"))
        content.submit_revision(editor, revision.id)
    with time_machine.travel("2026-10-26 10:00 +0800", tick=False):  # the 20th working day after 09-21
        content.approve_revision(reviewer, revision.id)
    policy = items()["policy"]
    assert policy.status == "published" and policy.published == date(2026, 10, 26)
    assert policy.working_days == 20 and not policy.late


def test_one_working_day_more_is_flagged(admin, editor, reviewer):
    services.import_calendar(admin, CALENDAR)
    revision = policies.save_document(editor, "990101", document(signed_on="2026-09-21"))
    content.submit_revision(editor, revision.id)
    with time_machine.travel("2026-10-27 10:00 +0800", tick=False):
        content.approve_revision(reviewer, revision.id)
    policy = items()["policy"]
    assert policy.working_days == 21 and policy.late


def test_without_the_holiday_calendar_the_count_differs(editor, reviewer):
    """No calendar loaded: National Day's seven days count as working days, so 10-26 is late."""
    revision = policies.save_document(editor, "990101", document(signed_on="2026-09-21"))
    content.submit_revision(editor, revision.id)
    with time_machine.travel("2026-10-26 10:00 +0800", tick=False):
        content.approve_revision(reviewer, revision.id)
    assert items()["policy"].late


def test_the_page_shows_partial_and_missing_items(client, admin, district, editor, reviewer):
    from enroll.migrant import services as migrant

    rules = {"permit_required": True, "insurance_months": 12, "housing": ["own"], "documents": "居住证",
             "office": "招生办"}
    revision = migrant.save_requirement(editor, "990101", 2026, "primary", rules)
    content.submit_revision(editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    page = client.get("/d/990101/2026/disclosure").get_data(as_text=True)
    assert "随迁子女入学条件和办法" in page and "部分公开" in page and "1 / 2 个学段" in page
    assert "录取结果" in page and "未公开" in page


def test_the_calendar_is_edited_by_the_city_admin_with_line_errors(admin, editor):
    with pytest.raises(Forbidden):
        services.import_calendar(editor, CALENDAR)
    with pytest.raises(Invalid) as info:
        services.import_calendar(admin, "date,kind,name\n2026-10-01,holiday,国庆\n2026-10-12,workday,周一\n")
    assert info.value.detail["errors"][0][:2] == (3, "kind")
    assert services.calendar_days() == []  # nothing written
    assert services.import_calendar(admin, CALENDAR) == 39
    assert services.import_calendar(admin, "date,kind,name\n2026-10-01,休,国庆节\n") == 1  # replaces 2026
    assert [d.day for d in services.calendar_days(2026)] == [date(2026, 10, 1)]


def test_the_published_contact_is_the_contacts_item(editor, reviewer):
    from enroll.districts import contacts

    data = {"office": "招生办", "address": "文澜路1号", "phone": "0000-86000000", "hours": "工作日"}
    with time_machine.travel("2026-05-06 10:00 +0800", tick=False):
        revision = contacts.save_contact(editor, "990101", data)
        content.submit_revision(editor, revision.id)
    assert items()["contacts"].status == "missing"  # a draft is not a disclosure
    with time_machine.travel("2026-05-08 10:00 +0800", tick=False):
        content.approve_revision(reviewer, revision.id)
    found = items()["contacts"]
    assert found.status == "published" and found.published == date(2026, 5, 8) and found.detail == "0000-86000000"


def _row(page: str, key: str) -> str:
    start = page.index(f'id="item-{key}"')
    return page[start:page.index("</tr>", start)]


def test_on_the_demo_each_published_item_links_to_its_content(demo):
    page = demo.test_client().get("/d/990101/2026/disclosure").get_data(as_text=True)
    assert 'href="/d/990101/2026/primary/"' in _row(page, "zoning")
    assert 'href="/d/990101/2026/timeline"' in _row(page, "timeline")
    assert 'href="/d/990101/2026/migrant/junior"' in _row(page, "migrant")
    assert 'href="/d/990101/2026/results"' in _row(page, "results")
    assert 'href="/d/990101/policies/' in _row(page, "policy")
    assert 'href="/schools/' in _row(page, "private_plan") and "民办学校招生计划与招生办法" in page
    for key in ("zoning", "timeline", "private_plan", "feeders"):
        link = _row(page, key).split('href="')[1].split('"')[0]
        assert demo.test_client().get(link).status_code == 200


def test_on_the_demo_feeders_are_published_but_feeder_only_profiles_are_not_school_profiles(demo):
    """The demo's profiles set only the feeder junior and the register's address and phone: 对口 is
    published, 学校概况 is not."""
    found = items()
    assert found["feeders"].status == "published" and found["feeders"].links
    assert found["school_profiles"].status == "missing"


def test_on_the_demo_an_empty_profile_published_for_a_school_is_not_counted(demo):
    from enroll.accounts.services import get_user
    from enroll.districts.services import get_district
    from enroll.schools import profiles
    from enroll.schools.services import schools_of

    editor, reviewer = get_user("editor"), get_user("reviewer")
    junior, filled = [s for s in schools_of(get_district("990101").id, "junior") if s.kind == "public"][:2]
    for school, data in ((junior, {}), (filled, {"intro": "<p>一所九十年历史的初中。</p>"})):
        revision = profiles.save_profile(editor, school.id, data)
        content.submit_revision(editor, revision.id)
        content.approve_revision(reviewer, revision.id)
    assert profiles.published_profile(junior.id) is not None  # published, but says nothing
    page = demo.test_client().get("/d/990101/2026/disclosure").get_data(as_text=True)
    row = _row(page, "school_profiles")
    assert "部分公开" in row and "1 / 39 所公办学校" in row
    assert f'href="/schools/{filled.id}"' in row and f'href="/schools/{junior.id}"' not in row


def test_an_empty_enrollment_plan_is_not_counted(district, editor, reviewer):
    from enroll.schools import profiles
    from enroll.schools.services import schools_of

    school = next(s for s in schools_of(district.id) if s.kind == "public")
    revision = profiles.save_enrollment_plan(editor, school.id, {"year": 2026, "classes": 0, "places": 0})
    content.submit_revision(editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    assert items()["enrollment_plan"].status == "missing"


def test_the_zoning_procedure_counts_when_a_policy_document_sets_it_out(editor, reviewer):
    assert items()["procedure"].status == "missing"
    revision = policies.save_document(editor, "990101", document(
        body="<p>划片工作程序：教育局拟定方案，征求意见，集体决策后公布。</p>"))
    content.submit_revision(editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    procedure = items()["procedure"]
    assert procedure.status == "published" and procedure.links[0].endpoint == "policies.document"


def test_on_the_demo_a_plan_opened_for_comment_is_a_line_linking_to_the_consultation(demo):
    from support import DEMO

    from enroll.accounts.services import get_user
    from enroll.zoning import consultations
    from enroll.zoning import services as zoning

    editor, reviewer = get_user("editor"), get_user("reviewer")
    plan = zoning.import_plan(editor, "990101", 2027, "primary", DEMO / "zones_primary_2027.geojson")
    item = consultations.propose_consultation(editor, plan.id)
    page = demo.test_client().get("/d/990101/2027/disclosure").get_data(as_text=True)
    assert 'id="item-consultation_draft"' not in page  # a proposal under review is not public yet
    content.approve_revision(reviewer, content.open_revision(consultations.CONSULTATION, item.id).id)
    page = demo.test_client().get("/d/990101/2027/disclosure").get_data(as_text=True)
    assert "已公开" in _row(page, "consultation_draft") and "划片方案征求意见稿" in page
    assert f'href="/d/990101/consultations/{item.id}"' in _row(page, "consultation_draft")
    assert "未公开" in _row(page, "consultation") and "0 / 1 份意见采纳情况" in _row(page, "consultation")


def test_a_text_only_zoning_plan_is_published(district, editor, reviewer, client):
    from support import DEMO
    from zoning_steps import approve_plan, submit_plan

    from enroll.zoning import texts

    rules = DEMO / "rules_primary.csv"
    plan = texts.import_texts(editor, "990101", 2026, rules.read_bytes(), filename=rules.name)[0].plan
    assert not plan.zones
    submit_plan(editor, plan.id)
    approve_plan(reviewer, plan.id)
    row = _row(client.get("/d/990101/2026/disclosure").get_data(as_text=True), "zoning")
    assert "部分公开" in row and "1 / 2 个学段" in row and 'href="/d/990101/2026/primary/"' in row


def test_the_negative_list_and_each_of_its_entries_are_lines_with_their_attribute(client, editor, reviewer):
    from enroll.disclosure import negative_list

    assert items()["negative_list"].status == "missing"
    text = "招生工作会议纪要 | 依申请公开\n学生个人报名信息 | 不予公开 | 保护第三方合法权益：涉及未成年人个人信息"
    revision = negative_list.save_negative_list(editor, "990101", {"entries": text})
    content.submit_revision(editor, revision.id)
    assert "negative-1" not in items()  # in review: not public
    content.approve_revision(reviewer, revision.id)
    found = items()
    assert found["negative_list"].status == "published" and found["negative_list"].attribute_label == "主动公开"
    assert [found[k].attribute_label for k in ("negative-1", "negative-2")] == ["依申请公开", "不予公开"]
    page = client.get("/d/990101/2026/disclosure").get_data(as_text=True)
    assert 'href="/d/990101/negative-list"' in _row(page, "negative_list") and "已公开" in _row(page, "negative_list")
    withheld = _row(page, "negative-2")
    assert "学生个人报名信息" in withheld and "<td>不予公开</td>" in withheld and "不主动公开" in withheld
    assert "理由：保护第三方合法权益（《政府信息公开条例》第十五条）：涉及未成年人个人信息" in withheld
    assert 'href="/d/990101/negative-list#entry-2"' in withheld
    assert "<td>依申请公开</td>" in _row(page, "negative-1") and "理由" not in _row(page, "negative-1")
    assert page.count("<td>主动公开</td>") == 15  # the entries are not counted as items to publish


def test_the_annual_report_of_the_year_before_counts_once_published(client, editor, reviewer):
    from enroll.info_requests import annual

    revision = annual.submit_report(editor, "990101", 2025, {})
    assert items()["annual_report"].status == "missing"
    content.approve_revision(reviewer, revision.id)
    assert items()["annual_report"].status == "published"
    assert items(year=2027)["annual_report"].status == "missing"  # the 2026 report is another one
    row = _row(client.get("/d/990101/2026/disclosure").get_data(as_text=True), "annual_report")
    assert "已公开" in row and 'href="/d/990101/reports/2025"' in row
