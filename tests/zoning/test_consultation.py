"""Public consultation on a draft plan (征求意见, issue 17), with a frozen clock: opened through review,
comments held for moderation and refused with their reason, answered, the adoption report published
through review, and only then the plan approved as final."""
from __future__ import annotations

import itertools
import os

import pytest
import time_machine
from flask import current_app
from support import DEMO
from zoning_steps import approve_plan, submit_plan

from enroll.accounts.services import get_user
from enroll.core.errors import Conflict, Forbidden, Invalid
from enroll.extensions import db as _db
from enroll.review import content
from enroll.zoning import consultations
from enroll.zoning import services as zoning
from enroll.zoning.models import Consultation, ZoningPlan

DEMO_PASSWORD = os.environ.get("ENROLL_DEMO_PASSWORD", "demo-lantern-river")
YEARS = itertools.count(2027)  # the demo is loaded once per module: each test drafts a year of its own
OPENED = "2027-03-01 09:00 +0800"
DURING = "2027-03-10 09:00 +0800"
AFTER = "2027-03-17 09:00 +0800"


def _open_revision(item):
    return content.open_revision(consultations.CONSULTATION, item.id)


def open_consultation(year: int):
    """The demo's 2027 rezoning as a draft of ``year``, proposed for 15 days' comment and approved on OPENED."""
    editor, reviewer = get_user("editor"), get_user("reviewer")
    with time_machine.travel(OPENED, tick=False):
        plan = zoning.import_plan(editor, "990101", year, "primary", DEMO / "zones_primary_2027.geojson")
        item = consultations.propose_consultation(editor, plan.id)
        assert item.opens_at is None  # not public before a second person approves
        with pytest.raises(Forbidden):
            content.approve_revision(editor, _open_revision(item).id)
        content.approve_revision(reviewer, _open_revision(item).id)
    return _db.session.get(Consultation, item.id), editor, reviewer


@pytest.fixture
def consulting(demo):
    return open_consultation(next(YEARS))


def test_opening_needs_a_reason_below_15_days(demo):
    plan = zoning.import_plan(get_user("editor"), "990101", next(YEARS), "primary", DEMO / "zones_primary_2027.geojson")
    with pytest.raises(Invalid, match="理由"):
        consultations.propose_consultation(get_user("editor"), plan.id, days=7)
    item = consultations.propose_consultation(get_user("editor"), plan.id, days=7, reason="开学前须完成调整")
    assert item.days == 7 and item.short_reason == "开学前须完成调整"


def test_a_proposal_turned_down_leaves_the_plan_free(demo):
    editor, reviewer = get_user("editor"), get_user("reviewer")
    # a year after the other drafts': the plan published here is none of theirs' current plan
    plan = zoning.import_plan(editor, "990101", 2089, "primary", DEMO / "zones_primary_2027.geojson")
    item = consultations.propose_consultation(editor, plan.id)
    with pytest.raises(Conflict, match="征求意见"):  # in review: the draft is what the public may soon read
        zoning.import_plan(editor, "990101", plan.year, "primary", DEMO / "zones_primary.geojson")
    content.reject_revision(reviewer, _open_revision(item).id, "不需要征求意见")
    submit_plan(editor, plan.id)
    approve_plan(reviewer, plan.id)
    assert _db.session.get(ZoningPlan, plan.id).status == "published"
    with pytest.raises(Conflict, match="草案"):
        consultations.propose_consultation(editor, plan.id)


def test_period_opens_on_approval_and_the_draft_is_frozen(consulting):
    item, editor, _reviewer = consulting
    assert (item.closes_at - item.opens_at).days == 15
    with time_machine.travel(DURING, tick=False):
        assert consultations.is_open(item)
        with pytest.raises(Conflict, match="征求意见"):
            zoning.import_plan(editor, "990101", item.plan.year, "primary", DEMO / "zones_primary.geojson")
    with time_machine.travel(AFTER, tick=False):
        assert not consultations.is_open(item)


def test_comments_are_checked_held_and_shown_by_staff(consulting):
    item, editor, _reviewer = consulting
    with time_machine.travel(DURING, tick=False):
        for body, reason in (("x" * 2001, "2000"), ("看 http://a.cn http://b.cn http://c.cn", "网址"),
                             ("我的孩子身份证号 110101201801010012", "身份证号"), ("   ", "填写")):
            with pytest.raises(Invalid, match=reason):
                consultations.add_comment(item.id, "plan", body)
        comment = consultations.add_comment(item.id, "address", "建议学院路保留原学校", "学院路１３０号")
        assert comment.status == "pending" and comment.address == "学院路130号"
        assert consultations.shown_comments(item) == []
        consultations.moderate_comment(editor, comment.id, True)
        assert [c.id for c in consultations.shown_comments(item)] == [comment.id]
    with time_machine.travel(AFTER, tick=False), pytest.raises(Invalid, match="不在进行中"):
        consultations.add_comment(item.id, "plan", "期满以后的意见")


def test_plan_is_final_only_after_the_period_and_the_published_report(demo):
    # a year after every other test's: the plan published here is no other draft's current plan
    item, editor, reviewer = open_consultation(2090)
    plan_id = item.plan_id
    with time_machine.travel(DURING, tick=False):
        comment = consultations.add_comment(item.id, "road", "学院路一带划入文澜小学距离太远")
        consultations.moderate_comment(editor, comment.id, True)
        with pytest.raises(Conflict, match="结束后"):
            consultations.submit_report(editor, item.id, "采纳情况如下。")
    with time_machine.travel(AFTER, tick=False):
        with pytest.raises(Conflict, match="没有答复"):
            consultations.submit_report(editor, item.id, "采纳情况如下。")
        consultations.answer_comment(editor, comment.id, "not_adopted", "该区域到文澜小学步行约 12 分钟，在规定范围内。")
        submit_plan(editor, plan_id)
        with pytest.raises(Conflict, match="意见采纳情况"):
            approve_plan(reviewer, plan_id)  # the report is not published yet
        consultations.submit_report(editor, item.id, "共收到 1 条意见，未采纳 1 条。")
        content.approve_revision(reviewer, _open_revision(item).id)
        item = _db.session.get(Consultation, item.id)
        assert item.report_published_at is not None
        assert item.report["answers"][0]["decision"] == "not_adopted"
        approve_plan(reviewer, plan_id)
        assert _db.session.get(ZoningPlan, plan_id).status == "published"
        client = current_app.test_client()
        final = client.get("/d/990101/2090/primary/").get_data(as_text=True)
        assert f"/d/990101/consultations/{item.id}#report" in final  # the report stays linked from the plan
        report = client.get(f"/d/990101/consultations/{item.id}").get_data(as_text=True)
        assert "未采纳（1）" in report and "步行约 12 分钟" in report
        catalogue = client.get("/d/990101/2090/disclosure").get_data(as_text=True)
        assert 'id="item-consultation"' in catalogue and "1 / 1 份意见采纳情况" in catalogue


def test_reviewers_see_the_proposal_in_the_queue(demo):
    plan = zoning.import_plan(get_user("editor"), "990101", next(YEARS), "primary", DEMO / "zones_primary_2027.geojson")
    item = consultations.propose_consultation(get_user("editor"), plan.id, days=10, reason="须在报名前定稿")
    client = current_app.test_client()
    client.post("/login", data={"username": "reviewer", "password": DEMO_PASSWORD})
    queue = client.get("/bureau/review/").get_data(as_text=True)
    revision = _open_revision(item)
    assert f"/bureau/revisions/{revision.id}" in queue
    page = client.get(f"/bureau/revisions/{revision.id}").get_data(as_text=True)
    assert "征求意见天数" in page and "须在报名前定稿" in page


def test_public_page_shows_draft_diff_impact_and_takes_comments(consulting):
    item, _editor, _reviewer = consulting
    client = current_app.test_client()
    with time_machine.travel(DURING, tick=True):
        page = client.get(f"/d/990101/consultations/{item.id}?address=学院路130号")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "征求意见稿" in html and "impact-answer" in html
        assert "青溪区第四小学" in html  # the diff: the closed school's area goes to its neighbours
        refused = client.post(f"/d/990101/consultations/{item.id}", data={
            "category": "plan", "body": "请联系 13812345678"})
        assert refused.status_code == 422 and "手机号" in refused.get_data(as_text=True)
        sent = client.post(f"/d/990101/consultations/{item.id}", data={
            "category": "plan", "body": "支持这个方案。"}, follow_redirects=True)
        assert sent.status_code == 200 and "审核后公开" in sent.get_data(as_text=True)
        assert "支持这个方案" not in sent.get_data(as_text=True)  # held for moderation


def test_impact_check_answers_a_map_point(consulting):
    item, _editor, _reviewer = consulting
    client = current_app.test_client()
    with time_machine.travel(DURING, tick=True):
        from enroll.lookup.models import Address

        point = _db.session.query(Address).filter_by(address="文澜路128号").one().point
        html = client.get(f"/d/990101/consultations/{item.id}?lon={point.x:.6f}&lat={point.y:.6f}").get_data(as_text=True)
        assert "impact-answer" in html and "地图上所选位置" in html and "依据" in html
        bad = client.get(f"/d/990101/consultations/{item.id}?lon=abc&lat=30").get_data(as_text=True)
        assert "经纬度必须是数字" in bad
