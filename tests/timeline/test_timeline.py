"""The admission timeline: pasted lines with line errors, review, "what happens next", iCalendar."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine
from icalendar import Calendar

from support import DEMO
from enroll.core.errors import Invalid
from enroll.review import content
from enroll.timeline import services

TEXT = (DEMO / "timeline_2026.csv").read_text(encoding="utf-8")


@pytest.fixture
def published(editor, reviewer):
    revision = services.save_timeline(editor, "990101", 2026, TEXT)
    content.submit_revision(editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    return revision


def test_pasted_lines_become_sorted_steps(editor):
    revision = services.save_timeline(editor, "990101", 2026, "2026-06-01,2026-06-10,资格审核,,报名学校\n"
                                                               "2026-05-10,2026-05-20,网上报名,小学,平台\n")
    assert [s["title"] for s in revision.data["steps"]] == ["网上报名", "资格审核"]
    assert revision.data["steps"][0]["stage"] == "primary" and revision.data["steps"][1]["stage"] == "all"


def test_every_bad_line_is_reported_with_its_column(editor):
    text = "开始,结束,事项\n2026-05-10,2026-05-20,网上报名\n2026-13-01,,报名\n2026-06-10,2026-06-01,审核\n2026-07-01,,\n" \
           "2026-07-02,,报到,高中\n"
    with pytest.raises(Invalid) as info:
        services.save_timeline(editor, "990101", 2026, text)
    assert [(line, column) for line, column, _ in info.value.detail["errors"]] == [
        (3, "开始"), (4, "结束"), (5, "事项"), (6, "学段")]


def test_bad_lines_over_the_web_keep_the_text_and_list_the_lines(app, editor):
    client = app.test_client()
    client.post("/login", data={"username": "editor", "password": "correct-horse-battery"})
    response = client.post("/bureau/d/990101/timeline/2026", data={"text": "2026-05-10,2026-05-40,网上报名\n"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "第 1 行 结束" in page and "2026-05-40" in page


def test_the_district_page_says_what_happens_next(client, published):
    with time_machine.travel("2026-05-12 10:00 +0800", tick=False):
        page = client.get("/d/990101/").get_data(as_text=True)
    assert "进行中" in page and "网上报名" in page and "随迁子女提交入学申请材料" in page
    assert "下一步" in page and "资格审核" in page
    with time_machine.travel("2026-09-15 10:00 +0800", tick=False):
        assert "接下来" not in client.get("/d/990101/").get_data(as_text=True)  # the season is over


def test_upcoming_uses_the_local_date(published, district):
    up = services.upcoming(district.id, date(2026, 6, 15))
    assert [s["title"] for s in up.now] == ["民办学校电脑随机录取（摇号）"]
    assert {s["stage"] for s in up.next} == {"primary", "junior"}


def test_icalendar_export_has_every_step_as_an_all_day_event(client, published):
    response = client.get("/d/990101/2026/timeline.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = [c for c in Calendar.from_ical(response.data).walk("VEVENT")]
    assert len(events) == 9
    signup = next(e for e in events if str(e["SUMMARY"]) == "网上报名")
    assert signup["DTSTART"].dt == date(2026, 5, 10) and signup["DTEND"].dt == date(2026, 5, 21)  # DTEND exclusive


def test_an_unpublished_timeline_does_not_exist_publicly(client, editor):
    services.save_timeline(editor, "990101", 2026, TEXT)
    assert client.get("/d/990101/2026/timeline").status_code == 404
    assert client.get("/d/990101/2026/timeline.ics").status_code == 404
