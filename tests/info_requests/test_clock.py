"""The statutory clock of a request (《政府信息公开条例》 arts. 30–33) on the 2026 calendar, whose May Day
holiday (1–5 May) is made up on Saturday 9 May (调休上班)."""
from datetime import date, datetime, time
from pathlib import Path

import pytest

from enroll.core.clock import LOCAL
from enroll.core.workdays import WorkCalendar
from enroll.info_requests import clock
from enroll.info_requests.clock import Event

ROOT = Path(__file__).resolve().parents[2]
CAL = WorkCalendar.from_csv((ROOT / "gis_data" / "calendar" / "cn_2026.csv").read_text(encoding="utf-8"))
RECEIVED = date(2026, 4, 28)  # a Tuesday before the May Day holiday


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL)


@pytest.mark.parametrize(("submitted", "received"), [
    (at(2026, 4, 30, 16, 59), date(2026, 4, 30)),   # a working day, office open
    (at(2026, 4, 30, 17, 0), date(2026, 5, 6)),     # after hours before the holiday: the first day back
    (at(2026, 5, 2, 10, 0), date(2026, 5, 6)),      # on the holiday
    (at(2026, 5, 8, 18, 30), date(2026, 5, 9)),     # Friday evening: the make-up Saturday is a working day
    (at(2026, 5, 9, 9, 0), date(2026, 5, 9)),       # on the make-up Saturday itself
    (at(2026, 5, 10, 9, 0), date(2026, 5, 11)),     # an ordinary Sunday
])
def test_received_is_the_next_working_day_after_hours_or_on_a_holiday(submitted, received):
    assert clock.received_on(submitted, CAL, time(17, 0)) == received


def test_twenty_working_days_count_the_make_up_saturday_and_skip_the_holiday():
    c = clock.compute(RECEIVED, [], CAL, today=RECEIVED)
    # 29, 30 Apr; 6, 7, 8, 9 (Saturday, 调休上班), 11–15, 18–22, 25–28 May
    assert (c.state, c.due) == (clock.RUNNING, date(2026, 5, 28))
    assert c.left(date(2026, 5, 27), CAL) == 1
    assert not c.overdue(date(2026, 5, 28)) and c.overdue(date(2026, 5, 29))
    assert c.left(date(2026, 6, 1), CAL) == -2


def test_an_approved_extension_adds_its_working_days_once():
    c = clock.compute(RECEIVED, [Event(clock.EXTENSION_APPROVED, date(2026, 5, 20), 20)], CAL, today=date(2026, 5, 20))
    assert c.due == date(2026, 6, 26)  # 20 more: 29 May – 26 June, the Dragon Boat holiday (19 June) skipped
    assert c.extension == 20


def test_a_correction_stops_the_clock_and_it_counts_afresh_from_the_corrected_request():
    asked = [Event(clock.CORRECTION_REQUESTED, date(2026, 5, 6))]
    waiting = clock.compute(RECEIVED, asked, CAL, today=date(2026, 6, 30))
    assert (waiting.state, waiting.due) == (clock.AWAITING_CORRECTION, None)
    assert not waiting.overdue(date(2026, 6, 30))
    assert waiting.correction_by == date(2026, 5, 11)  # 7 working days after receipt, the make-up Saturday counted
    done = clock.compute(RECEIVED, [*asked, Event(clock.CORRECTION_RECEIVED, date(2026, 5, 12))], CAL,
                         today=date(2026, 5, 12))
    assert (done.state, done.start, done.due) == (clock.RUNNING, date(2026, 5, 12), date(2026, 6, 9))


def test_a_consultation_pauses_the_clock_for_the_working_days_it_took():
    events = [Event(clock.CONSULTATION_STARTED, date(2026, 5, 11)), Event(clock.CONSULTATION_ENDED, date(2026, 5, 15))]
    c = clock.compute(RECEIVED, events, CAL, today=date(2026, 5, 15))
    assert (c.state, c.paused, c.due) == (clock.RUNNING, 4, date(2026, 6, 3))


def test_an_open_consultation_shows_the_latest_due_day_and_ends_when_the_third_party_lets_15_days_pass():
    events = [Event(clock.CONSULTATION_STARTED, date(2026, 5, 11))]
    open_ = clock.compute(RECEIVED, events, CAL, today=date(2026, 5, 20))
    assert (open_.state, open_.consultation_until, open_.paused) == (clock.CONSULTING, date(2026, 6, 1), 15)
    assert not open_.overdue(date(2026, 7, 1))
    lapsed = clock.compute(RECEIVED, events, CAL, today=date(2026, 6, 2))
    assert (lapsed.state, lapsed.paused) == (clock.RUNNING, 15)
    assert lapsed.due == CAL.add_working_days(RECEIVED, 35) == date(2026, 6, 18)


def test_a_decision_stops_the_clock():
    c = clock.compute(RECEIVED, [Event(clock.DECIDED, date(2026, 5, 20))], CAL, today=date(2026, 7, 1))
    assert c.state == clock.STOPPED and not c.overdue(date(2026, 7, 1)) and c.left(date(2026, 7, 1), CAL) is None
