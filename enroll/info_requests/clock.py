"""The statutory clock of a request for information (《政府信息公开条例》, 2019), computed from its events.

- 收到申请之日 (art. 31): a request that arrives after the office closes, or on a day that is not a
  working day, is received on the next working day (:func:`received_on`).
- 答复期限 (art. 33): 20 working days from receipt (the day of receipt itself not counted); one
  extension of at most 20 working days, approved by the head of the disclosure office (here: a
  second person) and told to the requester before the time runs out.
- 补正 (art. 30): a request that is unclear is sent back for correction once, within 7 working days of
  receipt; the clock stops and starts again from the day the corrected request is received.
- 征求第三方意见 (art. 32): the third party has 15 working days to answer; that time is not counted
  (art. 33 para. 3), so the clock pauses while the consultation is open, for at most 15 working days.

Working days come from the bureau's calendar of holidays and make-up days
(:class:`enroll.core.workdays.WorkCalendar`). Pure: standard library and enroll.core only.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from enroll.core.clock import LOCAL
from enroll.core.workdays import WorkCalendar

TIME_LIMIT = 20          # working days to answer
MAX_EXTENSION = 20       # working days one extension may add
CORRECTION_WITHIN = 7    # working days after receipt to send a request back for correction
CONSULTATION_DAYS = 15   # working days a third party has to answer

# event kinds that move the clock
CORRECTION_REQUESTED = "correction_requested"
CORRECTION_RECEIVED = "correction_received"
CONSULTATION_STARTED = "consultation_started"
CONSULTATION_ENDED = "consultation_ended"
EXTENSION_APPROVED = "extension_approved"
DECIDED = "decided"

# the clock's states
RUNNING = "running"
AWAITING_CORRECTION = "awaiting_correction"
CONSULTING = "consulting"
STOPPED = "decided"


def received_on(submitted: datetime, calendar: WorkCalendar, closes: time = time(17, 0)) -> date:
    """The day a request submitted at ``submitted`` counts as received: that (local) day if it is a
    working day and the office is still open, else the next working day."""
    local = submitted.astimezone(LOCAL)
    day = local.date()
    if calendar.is_workday(day) and local.time() < closes:
        return day
    return calendar.add_working_days(day, 1)


@dataclass(frozen=True)
class Event:
    """What the clock needs of an event: its kind, the local day it took effect, its length in
    working days (an extension)."""

    kind: str
    day: date
    days: int | None = None


@dataclass(frozen=True)
class Clock:
    """Where a request stands against its time limit.

    :param state: :data:`RUNNING`, :data:`AWAITING_CORRECTION`, :data:`CONSULTING` or :data:`STOPPED`.
    :param start: the day the 20 working days count from (receipt, or receipt of the correction).
    :param due: the last day to answer; None while it cannot be known (awaiting the correction).
        While a consultation is open this is the latest it can be: the day if the third party
        uses all its 15 working days.
    :param paused: working days not counted (third-party consultations).
    :param extension: working days added by the approved extension.
    :param correction_by: the last day a correction may still be asked for.
    :param consultation_until: while consulting, the third party's last day to answer.
    """

    state: str
    start: date
    due: date | None
    paused: int = 0
    extension: int = 0
    correction_by: date | None = None
    consultation_until: date | None = None

    def left(self, today: date, calendar: WorkCalendar) -> int | None:
        """Working days left until :attr:`due` (negative when overdue); None when stopped or unknown."""
        if self.due is None or self.state in (STOPPED, AWAITING_CORRECTION):
            return None
        if today <= self.due:
            return calendar.working_days_between(today, self.due)
        return -calendar.working_days_between(self.due, today)

    def overdue(self, today: date) -> bool:
        """Whether the answer is late: the clock runs and ``today`` is after :attr:`due`."""
        return self.state == RUNNING and self.due is not None and today > self.due


def compute(received: date, events: Iterable[Event], calendar: WorkCalendar, today: date) -> Clock:
    """The clock of a request received on ``received`` after ``events`` (in the order they happened).

    :param today: the local day the clock is read on (an open consultation counts up to it).
    """
    start, paused, extension = received, 0, 0
    state, consult_from = RUNNING, None
    for event in events:
        if event.kind == CORRECTION_REQUESTED:
            state = AWAITING_CORRECTION
        elif event.kind == CORRECTION_RECEIVED:
            # the time limit counts afresh from the corrected request; consultations before do not carry
            start, paused, state = event.day, 0, RUNNING
        elif event.kind == CONSULTATION_STARTED:
            state, consult_from = CONSULTING, event.day
        elif event.kind == CONSULTATION_ENDED and consult_from is not None:
            paused += _consulted(consult_from, event.day, calendar)
            state, consult_from = RUNNING, None
        elif event.kind == EXTENSION_APPROVED:
            extension = min(event.days or 0, MAX_EXTENSION)
        elif event.kind == DECIDED:
            state = STOPPED
    correction_by = calendar.add_working_days(received, CORRECTION_WITHIN)
    if state == AWAITING_CORRECTION:
        return Clock(state, start, None, paused, extension, correction_by)
    until = None
    if consult_from is not None:
        until = calendar.add_working_days(consult_from, CONSULTATION_DAYS)
        if state == CONSULTING and today > until:
            # the third party let its time pass: the bureau decides without it (art. 32)
            state = RUNNING
        paused += _consulted(consult_from, min(today, until) if state == RUNNING else until, calendar)
    due = calendar.add_working_days(start, TIME_LIMIT + extension + paused)
    return Clock(state, start, due, paused, extension, correction_by,
                 until if state == CONSULTING else None)


def _consulted(began: date, ended: date, calendar: WorkCalendar) -> int:
    """Working days a consultation from ``began`` to ``ended`` stopped the clock, at most 15."""
    return min(calendar.working_days_between(began, ended), CONSULTATION_DAYS)
