"""What staff do with a request while its clock runs: send it back for correction (补正), consult a
third party, ask for an extension that a second person approves, decide and reply.

Every action is authorized, checked against the clock, written with its event and audit record in
one transaction, and committed; the request's status and due day are stored afresh
(:func:`enroll.info_requests.services.refresh`). Audit records carry numbers and dates, never the
requester's personal data (the audit log is never purged).
"""
from __future__ import annotations

from datetime import date

from enroll.core import fields
from enroll.core.clock import local_today
from enroll.core.context import Context
from enroll.core.errors import Conflict, Invalid
from enroll.core.i18n import _l
from enroll.extensions import db
from enroll.info_requests import clock, codes
from enroll.info_requests.services import add_event, clock_of, get_request, refresh
from enroll.review.services import record

NOTE = _l("说明")


def _day(value, label, request, today: date) -> date:
    """A day an action took effect: given (``YYYY-MM-DD``) or today; not before receipt nor in the future."""
    given = fields.iso_date({"day": value}, "day", label)
    day = date.fromisoformat(given) if given else today
    if day > today:
        raise Invalid(_l("“%(field)s”不能晚于今天。", field=label), field="day")
    # an online request sent after hours is received the next working day, but staff may act on it at once
    earliest = min(request.received_on, local_today(request.submitted_at))
    if day < earliest:
        raise Invalid(_l("“%(field)s”不能早于收到申请之日（%(date)s）。", field=label,
                         date=earliest.isoformat()), field="day")
    return day


def _act(actor, request, action: str, context: Context, **detail) -> None:
    state = refresh(request)
    record(actor, f"info_request.{action}", "info_request", request.id, context=context,
           detail={"number": request.number, "status": request.status,
                   "due_on": state.due.isoformat() if state.due else None, **detail})
    db.session.commit()


def _require(state: clock.Clock, *allowed: str) -> None:
    if state.state not in allowed:
        raise Conflict(_l("该申请当前的办理状态不允许此操作。"), state=state.state)


def ask_correction(actor, request_id: int, note: str, *, today: date | None = None,
                   context: Context = Context()) -> None:
    """Send the request back for correction, once, within 7 working days of receipt; the clock stops.

    :raises Conflict: after those 7 days, or when it was already sent back once.
    :raises Invalid: without a note saying what to correct.
    """
    request, today = get_request(actor, request_id), today or local_today()
    state = clock_of(request, today=today)
    _require(state, clock.RUNNING)
    if any(e.kind == clock.CORRECTION_REQUESTED for e in request.events):
        raise Conflict(_l("补正只能一次性告知，本申请已告知过补正。"))
    if today > state.correction_by:
        raise Conflict(_l("补正应在收到申请之日起 7 个工作日内一次性告知（截至 %(date)s），已过期限。",
                          date=state.correction_by.isoformat()))
    text = fields.text({"note": note}, "note", _l("需要补正的事项"), required=True, limit=2_000)
    add_event(request, actor, clock.CORRECTION_REQUESTED, today, note=text)
    _act(actor, request, "ask_correction", context)


def record_correction(actor, request_id: int, day=None, note: str = "", *, today: date | None = None,
                      context: Context = Context()) -> None:
    """The corrected request arrived on ``day``: the 20 working days count afresh from it."""
    request, today = get_request(actor, request_id), today or local_today()
    _require(clock_of(request, today=today), clock.AWAITING_CORRECTION)
    add_event(request, actor, clock.CORRECTION_RECEIVED, _day(day, _l("收到补正之日"), request, today),
              note=fields.text({"note": note}, "note", NOTE, limit=2_000))
    _act(actor, request, "correction_received", context)


def start_consultation(actor, request_id: int, day=None, note: str = "", *, today: date | None = None,
                       context: Context = Context()) -> None:
    """A third party was asked for its opinion on ``day`` (书面征求意见): the clock pauses, at most 15 working days."""
    request, today = get_request(actor, request_id), today or local_today()
    _require(clock_of(request, today=today), clock.RUNNING)
    add_event(request, actor, clock.CONSULTATION_STARTED, _day(day, _l("发出征求意见书之日"), request, today),
              note=fields.text({"note": note}, "note", NOTE, limit=2_000))
    _act(actor, request, "consultation_started", context)


def end_consultation(actor, request_id: int, day=None, note: str = "", *, today: date | None = None,
                     context: Context = Context()) -> None:
    """The third party answered on ``day``: the clock runs again."""
    request, today = get_request(actor, request_id), today or local_today()
    _require(clock_of(request, today=today), clock.CONSULTING, clock.RUNNING)
    if not _consulting(request):
        raise Conflict(_l("该申请当前的办理状态不允许此操作。"))
    add_event(request, actor, clock.CONSULTATION_ENDED, _day(day, _l("收到第三方意见之日"), request, today),
              note=fields.text({"note": note}, "note", NOTE, limit=2_000))
    _act(actor, request, "consultation_ended", context)


def _consulting(request) -> bool:
    kinds = [e.kind for e in request.events if e.kind in (clock.CONSULTATION_STARTED, clock.CONSULTATION_ENDED)]
    return bool(kinds) and kinds[-1] == clock.CONSULTATION_STARTED


def ask_extension(actor, request_id: int, days, reason: str, *, today: date | None = None,
                  context: Context = Context()) -> None:
    """Ask to extend the time limit once, by at most 20 working days; a second person approves.

    :raises Conflict: when an extension was already granted or asked, or the time limit has passed.
    """
    request, today = get_request(actor, request_id), today or local_today()
    state = clock_of(request, today=today)
    _require(state, clock.RUNNING, clock.CONSULTING)
    if state.extension or request.extension_requested_days:
        raise Conflict(_l("答复期限只能延长一次。"))
    if state.overdue(today):
        raise Conflict(_l("答复期限已过，不能再延长。"))
    n = fields.count({"days": days}, "days", _l("延长的工作日数"), required=True, limit=clock.MAX_EXTENSION)
    if n < 1:
        raise Invalid(_l("“%(field)s”必须是 1 到 %(n)d 之间的整数。", field=_l("延长的工作日数"),
                         n=clock.MAX_EXTENSION), field="days")
    request.extension_requested_days = n
    request.extension_requested_by_id = actor.id
    request.extension_reason = fields.text({"reason": reason}, "reason", _l("延长理由"), required=True, limit=2_000)
    add_event(request, actor, "extension_requested", today, days=n)
    _act(actor, request, "ask_extension", context, days=n)


def approve_extension(actor, request_id: int, *, approve: bool = True, today: date | None = None,
                      context: Context = Context()) -> None:
    """Approve (or refuse) the extension asked for: by a person who did not ask for it (经负责人同意).

    :raises Conflict: when nothing is asked, the approver asked for it, or the time limit has passed.
    """
    request, today = get_request(actor, request_id, "requests.approve"), today or local_today()
    if not request.extension_requested_days:
        raise Conflict(_l("没有待审批的延期申请。"))
    if request.extension_requested_by_id == actor.id:
        raise Conflict(_l("延期须由提出延期以外的另一人审批。"))
    n = request.extension_requested_days
    if approve:
        if clock_of(request, today=today).overdue(today):
            raise Conflict(_l("答复期限已过，不能再延长。"))
        add_event(request, actor, clock.EXTENSION_APPROVED, today, days=n)
        request.extension_days = n
    else:
        add_event(request, actor, "extension_refused", today, days=n)
    request.extension_requested_days = None
    _act(actor, request, "approve_extension" if approve else "refuse_extension", context, days=n)


def decide(actor, request_id: int, decision: str, reason: str, reply: str, fee=0, day=None, *,
           today: date | None = None, context: Context = Context()) -> None:
    """Answer the request: one of the annual report's decision types with its sub-reason, the reply
    text (the letter's body) and any fee (信息处理费, yuan). An open consultation ends that day.

    :raises Invalid: for an unknown type, a missing sub-reason where the type has them, an empty reply.
    """
    request, today = get_request(actor, request_id), today or local_today()
    _require(clock_of(request, today=today), clock.RUNNING, clock.CONSULTING, clock.AWAITING_CORRECTION)
    if decision not in codes.DECISIONS:
        raise Invalid(_l("请选择办理结果。"), field="decision")
    reasons = codes.REASONS[decision]
    if reasons and reason not in reasons:
        raise Invalid(_l("请选择“%(decision)s”的具体情形。", decision=codes.DECISIONS[decision]), field="reason")
    when = _day(day, _l("答复日期"), request, today)
    if _consulting(request):
        add_event(request, actor, clock.CONSULTATION_ENDED, when)
    request.decision, request.decision_reason = decision, reason if reasons else ""
    request.reply = fields.text({"reply": reply}, "reply", _l("答复内容"), required=True, limit=20_000)
    request.fee = fields.count({"fee": fee or 0}, "fee", _l("收取费用（元）"), limit=1_000_000) or 0
    request.decided_on, request.decided_by_id = when, actor.id
    request.extension_requested_days = None
    add_event(request, actor, clock.DECIDED, when)
    _act(actor, request, "decide", context, decision=decision, reason=request.decision_reason,
         decided_on=when.isoformat(), fee=request.fee)
