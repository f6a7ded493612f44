"""iCalendar export: parsed back with icalendar to check what a calendar app would see."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import time_machine
from icalendar import Calendar

from enroll.core.ics import IcsEvent, timeline_ics

STAMP = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
LONG_DESCRIPTION = "请携带户口簿、房产证明和儿童预防接种证，到学校报名处现场审核；" * 4 + "\n逾期不再受理。"

EVENTS = [
    IcsEvent(
        uid="step-1@enroll.test",
        title="网上报名",
        start=date(2026, 5, 6),
        end=date(2026, 5, 12),
        description=LONG_DESCRIPTION,
        location="青溪区第一小学, 报名处",
        url="https://enroll.test/timeline/1",
        updated=datetime(2026, 2, 20, 9, 30, tzinfo=timezone(timedelta(hours=8))),
    ),
    IcsEvent(uid="step-2@enroll.test", title="公示录取结果", start=date(2026, 7, 1), end=None),
]


def parse(raw: bytes) -> Calendar:
    return Calendar.from_ical(raw)


def vevents(raw: bytes) -> dict[str, object]:
    return {str(e["uid"]): e for e in parse(raw).walk("VEVENT")}


@pytest.fixture
def raw() -> bytes:
    return timeline_ics("青溪区2026年小学招生日程", EVENTS, stamp=STAMP)


def test_calendar_properties(raw):
    cal = parse(raw)
    assert str(cal["x-wr-calname"]) == "青溪区2026年小学招生日程"
    assert str(cal["x-wr-timezone"]) == "Asia/Shanghai"
    assert str(cal["prodid"]) == "-//enroll//timeline//ZH"
    assert str(cal["version"]) == "2.0"


def test_events_keep_their_uids_in_order(raw):
    assert [str(e["uid"]) for e in parse(raw).walk("VEVENT")] == ["step-1@enroll.test", "step-2@enroll.test"]


def test_multi_day_event_is_all_day_with_exclusive_end(raw):
    event = vevents(raw)["step-1@enroll.test"]
    assert event.decoded("dtstart") == date(2026, 5, 6)
    assert event.decoded("dtend") == date(2026, 5, 13)
    assert event["dtstart"].params["VALUE"] == "DATE"
    assert event["dtend"].params["VALUE"] == "DATE"
    assert b"DTSTART;VALUE=DATE:20260506\r\n" in raw
    assert b"DTEND;VALUE=DATE:20260513\r\n" in raw


def test_one_day_event_ends_the_next_day(raw):
    event = vevents(raw)["step-2@enroll.test"]
    assert event.decoded("dtstart") == date(2026, 7, 1)
    assert event.decoded("dtend") == date(2026, 7, 2)


def test_chinese_text_survives_folding_and_escaping(raw):
    event = vevents(raw)["step-1@enroll.test"]
    assert str(event["summary"]) == "网上报名"
    assert str(event["description"]) == LONG_DESCRIPTION
    assert str(event["location"]) == "青溪区第一小学, 报名处"
    assert str(event["url"]) == "https://enroll.test/timeline/1"
    raw.decode("utf-8")  # whole file is valid UTF-8: no character split by folding


def test_lines_are_crlf_and_folded_to_75_octets(raw):
    lines = raw.split(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # the long description was folded


def test_dtstamp_is_updated_in_utc_else_the_given_stamp(raw):
    events = vevents(raw)
    assert events["step-1@enroll.test"].decoded("dtstamp") == datetime(2026, 2, 20, 1, 30, tzinfo=UTC)
    assert events["step-1@enroll.test"].decoded("last-modified") == datetime(2026, 2, 20, 1, 30, tzinfo=UTC)
    assert events["step-2@enroll.test"].decoded("dtstamp") == STAMP
    assert "last-modified" not in events["step-2@enroll.test"]


def test_empty_optional_fields_are_left_out(raw):
    event = vevents(raw)["step-2@enroll.test"]
    assert not {"description", "location", "url"} & {key.lower() for key in event}


def test_same_inputs_give_the_same_bytes(raw):
    assert timeline_ics("青溪区2026年小学招生日程", EVENTS, stamp=STAMP) == raw
    assert timeline_ics("别的名字", EVENTS, stamp=STAMP) != raw


def test_default_stamp_is_now_in_utc():
    with time_machine.travel(datetime(2026, 4, 2, 3, 4, 5, tzinfo=UTC), tick=False):
        raw = timeline_ics("日程", [EVENTS[1]])
    assert vevents(raw)["step-2@enroll.test"].decoded("dtstamp") == datetime(2026, 4, 2, 3, 4, 5, tzinfo=UTC)


def test_custom_prodid_and_no_events():
    cal = parse(timeline_ics("空", [], prodid="-//test//x//EN", stamp=STAMP))
    assert str(cal["prodid"]) == "-//test//x//EN"
    assert cal.walk("VEVENT") == []


@pytest.mark.parametrize(("events", "stamp", "match"), [
    ([EVENTS[1], EVENTS[1]], STAMP, "duplicate"),
    ([IcsEvent("a", "x", date(2026, 5, 2), date(2026, 5, 1))], STAMP, "ends before"),
    ([IcsEvent("a", "x", datetime(2026, 5, 2, 8, tzinfo=UTC))], STAMP, "not datetimes"),
    ([EVENTS[1]], datetime(2026, 3, 1), "timezone-aware"),
])
def test_invalid_input_is_refused(events, stamp, match):
    with pytest.raises(ValueError, match=match):
        timeline_ics("x", events, stamp=stamp)
