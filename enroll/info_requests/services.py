"""Receiving requests for information (依申请公开), finding them, the requester's signed status link,
and purging requesters' personal data after the retention period.

The staff actions that move a request's clock (补正, consultation, extension, decision) are in
:mod:`enroll.info_requests.handling`. No Flask here: the secret key, the files' keys and folder,
the office's closing time and "now" are arguments.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from enroll.core import fields
from enroll.core.clock import local_today
from enroll.core.context import Context
from enroll.core.errors import Invalid, NotFound
from enroll.core.files import safe_filename
from enroll.core.i18n import _l
from enroll.core.security import authorize, can
from enroll.disclosure.services import work_calendar
from enroll.districts.contacts import published_contact
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.info_requests import clock, codes
from enroll.info_requests.models import InfoRequest, InfoRequestEvent, InfoRequestFile
from enroll.review.services import record

OPEN, CORRECTION, CONSULTING, DECIDED = "open", "correction", "consulting", "decided"
STATUSES = {OPEN: _l("办理中"), CORRECTION: _l("等待补正"), CONSULTING: _l("征求第三方意见中"), DECIDED: _l("已答复")}
_BY_CLOCK = {clock.RUNNING: OPEN, clock.AWAITING_CORRECTION: CORRECTION, clock.CONSULTING: CONSULTING,
             clock.STOPPED: DECIDED}
FORM_FIELDS = {
    "requester_name": _l("申请人姓名或名称"), "requester_kind": _l("申请人类型"), "contact": _l("联系方式"),
    "description": _l("所需政府信息的名称、文号或者便于查询的其他特征性描述"), "delivery": _l("获取信息的方式"),
}
STATUS_SALT = "info-request-status"
# what the requester's page lists of the events (the extension asked and refused are the office's own business)
EVENT_LABELS = {
    clock.CORRECTION_REQUESTED: _l("告知补正"), clock.CORRECTION_RECEIVED: _l("收到补正，答复期限重新计算"),
    clock.CONSULTATION_STARTED: _l("书面征求第三方意见（所需时间不计入答复期限）"),
    clock.CONSULTATION_ENDED: _l("第三方意见征求结束"), clock.EXTENSION_APPROVED: _l("延长答复期限"),
    clock.DECIDED: _l("作出答复"),
}
STAFF_EVENT_LABELS = {**EVENT_LABELS, "extension_requested": _l("提出延期"), "extension_refused": _l("延期未获批准")}


@dataclass(frozen=True)
class Storage:
    """Where a request's files are kept and the keys that seal them (``ENROLL_REQUEST_FILES_*``)."""

    directory: Path
    keys: list
    max_bytes: int


@dataclass(frozen=True)
class Upload:
    data: bytes
    filename: str


def _sealed():
    """The sealed (encrypted) file store: cryptography loads when a file is handled, not at every start."""
    from enroll.info_requests import files

    return files


# ------------------------------------------------------------------------------ receiving


def request_data(data: dict) -> dict:
    """A request's fields, checked. :raises Invalid: naming the field."""
    return {
        "requester_name": fields.text(data, "requester_name", FORM_FIELDS["requester_name"], required=True),
        "requester_kind": fields.choice(data, "requester_kind", tuple(codes.REQUESTER_KINDS), "person"),
        "contact": fields.text(data, "contact", FORM_FIELDS["contact"], required=True, limit=500),
        "description": fields.text(data, "description", FORM_FIELDS["description"], required=True, limit=5_000),
        "delivery": fields.choice(data, "delivery", tuple(codes.DELIVERY), "email"),
    }


def submit_request(district_code: str, data: dict, upload: Upload | None, storage: Storage, *,
                   now: datetime | None = None, closes: time = time(17, 0),
                   context: Context = Context()) -> InfoRequest:
    """A request sent through the public form. Received on the day the calendar says (after hours or
    on a holiday: the next working day). Commits.

    :raises Invalid: naming the field (a missing description or contact) or the file (not a PDF or
        image, damaged, too large); nothing is stored then.
    """
    district = get_district(district_code)
    clean = request_data(data)
    now, calendar = now or datetime.now(UTC), work_calendar()
    day = clock.received_on(now, calendar, closes)
    content_type = _sealed().check_upload(upload.data, upload.filename, storage.max_bytes) if upload else None
    request = _add(district, clean, channel="online", submitted=now, received=day, actor=None, calendar=calendar)
    if upload is not None:
        _attach(request, upload, content_type, storage)
    tokens = [f.token for f in request.files]
    record(None, "info_request.submit", "info_request", request.id, context=context,
           detail={"number": request.number, "received_on": day.isoformat(), "files": len(tokens)})
    try:
        _commit(request)
    except Invalid:  # not stored after all: neither is its sealed file
        for token in tokens:
            _sealed().discard(token, storage.directory)
        raise
    return request


def enter_request(actor, district_code: str, data: dict, received: date | str | None, channel: str, *,
                  context: Context = Context()) -> InfoRequest:
    """A request that came by letter or in person, entered by staff with the day it was received
    (签收之日 for a letter). Commits.

    :raises Invalid: naming the field; a received day in the future is refused.
    """
    district = get_district(district_code)
    authorize(actor, "requests.handle", district.id)
    clean = request_data(data)
    if channel not in codes.CHANNELS or channel == "online":
        raise Invalid(_l("“%(value)s”不是可选的值。", value=channel), field="channel")
    day = date.fromisoformat(fields.iso_date({"received": received}, "received", _l("收到申请之日"), required=True))
    if day > local_today():
        raise Invalid(_l("收到申请之日不能晚于今天。"), field="received")
    request = _add(district, clean, channel=channel, submitted=datetime.now(UTC), received=day, actor=actor)
    record(actor, "info_request.enter", "info_request", request.id, context=context,
           detail={"number": request.number, "received_on": day.isoformat(), "channel": channel})
    _commit(request)
    return request


def _add(district, clean: dict, *, channel: str, submitted: datetime, received: date, actor,
         calendar=None) -> InfoRequest:
    request = InfoRequest(district_id=district.id, district=district, number=_next_number(district, received),
                          channel=channel, submitted_at=submitted, received_on=received,
                          created_by_id=getattr(actor, "id", None), **clean)
    db.session.add(request)
    refresh(request, calendar)
    db.session.flush()
    return request


def _next_number(district, received: date) -> str:
    """``990101-2026-0007``: the district, the year of receipt, the count of that year's requests."""
    prefix = f"{district.code}-{received.year}-"
    taken = db.session.scalar(select(func.count()).select_from(InfoRequest)
                              .where(InfoRequest.number.like(prefix + "%")))
    return f"{prefix}{taken + 1:04d}"


def _commit(request: InfoRequest) -> None:
    try:
        db.session.commit()
    except IntegrityError:  # two requests took the same number at once: the later one is asked again
        db.session.rollback()
        raise Invalid(_l("系统繁忙，请重新提交。"), field="description") from None


def _attach(request: InfoRequest, upload: Upload, content_type: str, storage: Storage) -> None:
    token = _sealed().seal(upload.data, storage.keys, storage.directory)
    request.files.append(InfoRequestFile(name=safe_filename(upload.filename), content_type=content_type,
                                         size=len(upload.data), token=token))


# ------------------------------------------------------------------------------ the clock


def events_of(request: InfoRequest) -> list[clock.Event]:
    return [clock.Event(e.kind, e.day, e.days) for e in request.events]


def clock_of(request: InfoRequest, calendar=None, today: date | None = None) -> clock.Clock:
    return clock.compute(request.received_on, events_of(request), calendar or work_calendar(),
                         today or local_today())


def refresh(request: InfoRequest, calendar=None) -> clock.Clock:
    """Store the request's status and due day as its events make them (lists and the overdue
    counts query these). Does not commit."""
    state = clock_of(request, calendar)
    request.status = _BY_CLOCK[state.state]
    request.due_on = state.due
    return state


# ------------------------------------------------------------------------------ finding


def get_request(actor, request_id: int, *actions: str) -> InfoRequest:
    """A request, for an actor allowed any of ``actions`` in its district (default: handling it).

    :raises NotFound: :raises Forbidden:
    """
    request = db.session.get(InfoRequest, request_id)
    if request is None:
        raise NotFound(_l("申请不存在。"))
    _authorize_any(actor, actions or ("requests.handle",), request.district_id)
    return request


SEE = ("requests.handle", "requests.approve")  # who reads requests: those who handle them and who approve extensions


def _authorize_any(actor, actions, district_id: int) -> None:
    if not any(can(actor, action, district_id) for action in actions):
        authorize(actor, actions[0], district_id)


def requests_of(actor, district_code: str, status: str | None = None) -> tuple[object, list[InfoRequest]]:
    """The district's requests, newest first (open ones only, or of one status)."""
    district = get_district(district_code)
    _authorize_any(actor, SEE, district.id)
    query = select(InfoRequest).where(InfoRequest.district_id == district.id)
    if status:
        query = query.where(InfoRequest.status == status)
    query = query.options(selectinload(InfoRequest.events))  # each row shows its clock
    return district, list(db.session.scalars(query.order_by(InfoRequest.received_on.desc(), InfoRequest.id.desc())))


def overdue_counts(today: date | None = None) -> dict[int, int]:
    """district id → open requests past their due day (the dashboard's and the city view's flags)."""
    today = today or local_today()
    rows = db.session.execute(
        select(InfoRequest.district_id, func.count()).where(
            InfoRequest.status.in_((OPEN, CONSULTING)), InfoRequest.due_on < today)
        .group_by(InfoRequest.district_id))
    return {district_id: n for district_id, n in rows}


def due_soon(district_ids, today: date | None = None, within: int = 5) -> list[tuple[InfoRequest, clock.Clock, int]]:
    """Open requests of those districts that are overdue or due within ``within`` working days, most
    urgent first, each with its clock and the working days left (negative: overdue by so many)."""
    cal, today = work_calendar(), today or local_today()
    horizon = cal.add_working_days(today, within)
    query = select(InfoRequest).where(InfoRequest.status.in_((OPEN, CONSULTING)), InfoRequest.due_on <= horizon)
    if district_ids is not None:
        query = query.where(InfoRequest.district_id.in_(district_ids))
    found = db.session.scalars(query.options(selectinload(InfoRequest.events)).order_by(InfoRequest.due_on))
    clocks = [(r, clock_of(r, cal, today)) for r in found]
    return [(r, c, c.left(today, cal)) for r, c in clocks]


# ------------------------------------------------------------------------------ the requester's link


def status_token(request: InfoRequest, secret_key: str) -> str:
    return URLSafeSerializer(secret_key, salt=STATUS_SALT).dumps(request.number)


def request_for_token(token: str, secret_key: str) -> InfoRequest:
    """The request a signed status link names. :raises NotFound: for a bad signature (nothing is shown)."""
    try:
        number = URLSafeSerializer(secret_key, salt=STATUS_SALT).loads(token)
    except BadSignature:
        raise NotFound(_l("链接无效。")) from None
    request = db.session.scalar(select(InfoRequest).where(InfoRequest.number == number)) if isinstance(number, str) else None
    if request is None:
        raise NotFound(_l("链接无效。"))
    return request


# ------------------------------------------------------------------------------ files and the purge


def read_file(actor, request_id: int, file_id: int, storage: Storage, *, context: Context = Context()):
    """An uploaded file's name, type and bytes, for staff handling the request; the reading is audited.

    :raises NotFound: when the file is not (or no longer) there.
    """
    request = get_request(actor, request_id)
    found = next((f for f in request.files if f.id == file_id), None)
    if found is None:
        raise NotFound(_l("文件不存在或已按期删除。"))
    data = _sealed().unseal(found.token, storage.keys, storage.directory)
    record(actor, "info_request.file_read", "info_request", request.id, context=context, detail={"file": found.id})
    db.session.commit()
    return found.name, found.content_type, data


def purge_expired(retention_days: int, storage: Storage, *, today: date | None = None,
                  context: Context = Context(channel="cli")) -> list[str]:
    """Delete the personal data of requests decided more than ``retention_days`` ago: the requester's
    name, contact, the description, the reply and the uploaded files (the files first, from disk).
    What the annual report counts stays. Commits. :returns: the numbers of the requests purged.
    """
    cutoff = (today or local_today()) - timedelta(days=retention_days)
    due = list(db.session.scalars(select(InfoRequest).where(
        InfoRequest.decided_on < cutoff, InfoRequest.purged_at.is_(None))))
    for request in due:
        for found in list(request.files):
            _sealed().discard(found.token, storage.directory)
            request.files.remove(found)
        for event in request.events:
            event.note = ""
        request.requester_name = request.contact = request.description = request.reply = ""
        request.extension_reason = ""
        request.purged_at = datetime.now(UTC)
        record(None, "info_request.purge", "info_request", request.id, context=context,
               detail={"number": request.number, "decided_on": request.decided_on.isoformat()})
    db.session.commit()
    return [r.number for r in due]


def add_event(request: InfoRequest, actor, kind: str, day: date, *, days: int | None = None,
              note: str = "") -> InfoRequestEvent:
    event = InfoRequestEvent(kind=kind, day=day, days=days, note=note, actor_id=getattr(actor, "id", None))
    request.events.append(event)
    return event


# ------------------------------------------------------------------------------ the reply letter


def reply_letter(request: InfoRequest, font: str = "") -> bytes:
    """The reply letter (答复书) of a decided request as a PDF, in the locale the caller set (Chinese).

    The review body and the court of the remedy notice are the district's people's government and
    basic people's court (行政复议法 2023 art. 24; 行政诉讼法 art. 18).
    """
    from enroll.info_requests import letter  # fpdf2 loads on use, not at every start

    district = request.district.name
    office = published_contact(request.district_id) or request.district
    return _rendered(letter.Letter(
        authority=str(_l("%(district)s教育局", district=district)), number=request.number,
        requester=request.requester_name, received_on=request.received_on, description=request.description,
        decision=request.decision, reason=request.decision_reason, reply=request.reply,
        decided_on=request.decided_on,
        contact="\n".join(v for v in (getattr(office, "office", ""), office.address, office.phone) if v),
        review_body=str(_l("%(district)s人民政府", district=district)),
        court=str(_l("%(district)s人民法院", district=district)), fee=request.fee), letter.find_font(font))


@functools.lru_cache(maxsize=32)
def _rendered(content, font_path: str) -> bytes:
    """A letter rendered once per worker for the same content (about a second of CPU each time):
    a requester opening their letter again gets it at once; any change of its content (the decision,
    the reply, the office, the purge) is another key."""
    from enroll.info_requests import letter

    return letter.render(content, font_path)
