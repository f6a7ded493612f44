"""Tamper evidence for the audit log: the keyed hash chain, its heads, anchors and verification.

Each event's ``hash`` is HMAC-SHA256 under ``ENROLL_AUDIT_KEY`` over the previous event's hash and
its own content, so nobody without the key can edit a row and recompute the chain after it. Deleting
the newest rows still leaves a valid chain, so the head (the newest event's id and hash) is copied
outside the database: lines ``flask audit anchor`` appends to a file the operator ships elsewhere,
and the public page of daily heads anyone may keep a copy of. Verification against those copies
finds an anchored event that is gone or changed.

Events written before the chain was keyed carry the plain SHA-256 chain. The log is append-only, so
they are not rewritten: :func:`seal_log` appends, once, the first keyed event, whose HMAC covers
their head. Until then new events continue the unkeyed chain (so an unkeyed log can never be
sealed by an ordinary write) and verification fails, naming them.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Date, cast, func, select, text

from enroll.core.clock import LOCAL, local_today
from enroll.core.context import Context
from enroll.core.errors import Conflict, Invalid
from enroll.core.i18n import _l
from enroll.core.security import authorize
from enroll.extensions import db
from enroll.review.models import GENESIS, AuditEvent

SEAL = "audit.seal"
HEX64 = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True)
class Head:
    """An event's place in the chain: what an anchor records."""

    id: int
    hash: str
    at: datetime

    def to_dict(self) -> dict:
        return {"id": self.id, "hash": self.hash, "at": self.at.isoformat(timespec="microseconds")}


@dataclass(frozen=True)
class DayHead:
    """The last event of a day (in China), and whether that day is over."""

    day: date
    head: Head
    complete: bool


@dataclass(frozen=True)
class Problem:
    """One sign of tampering, naming the event it was found at."""

    code: str  # link | hash | unsealed | anchor_changed | anchor_missing | truncated
    event_id: int
    message: object  # lazy string


@dataclass
class Verification:
    """What :func:`verify_log` found."""

    events: int = 0
    head: Head | None = None
    unkeyed: int = 0  # events from before the key (sealed, unless a problem says otherwise)
    anchors: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def _unkeyed(event: AuditEvent) -> bool:
    """Whether ``event`` carries the plain SHA-256 of the chain before the key."""
    return event.hash == event.compute_hash(None)


def append_event(actor, action: str, object_type: str, object_id, *, key: bytes, context: Context,
                 detail=None, seal: bool = False) -> AuditEvent:
    """Append an event chained to the newest one. Does not commit.

    Keyed, unless the newest event is unkeyed and this is not the seal (see the module docstring).
    """
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        # serialise writers so the chain cannot fork
        session.execute(text("SELECT pg_advisory_xact_lock(727001)"))
    session.flush()
    last = session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        at=datetime.now(UTC),
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "username", None) or "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        ip=context.ip or "",
        channel=context.channel,
        detail=detail or {},
        prev_hash=last.hash if last else GENESIS,
    )
    keyed = seal or last is None or not _unkeyed(last)
    event.hash = event.compute_hash(key if keyed else None)
    session.add(event)
    return event


def _head(event: AuditEvent) -> Head:
    return Head(event.id, event.hash, event.at)


def verify_log(key: bytes, anchors: list[Head] = ()) -> Verification:
    """Recompute the chain under ``key`` and compare it with anchored heads.

    A problem is found where an event's previous hash is not its predecessor's hash (an event was
    deleted, or its predecessor edited), where its hash is not the HMAC of its content (edited, or
    the chain recomputed without the key), where unkeyed events were never sealed, and where an
    anchored event is missing or has another hash (the newest events deleted, or the chain rewritten).

    :returns: a :class:`Verification`; ``intact`` when it lists no problem.
    """
    result = Verification(anchors=len(anchors))
    wanted = {anchor.id: anchor for anchor in anchors}
    found: set[int] = set()
    prev, prev_id, keyed_seen = GENESIS, None, False
    first_unkeyed = None
    # rows, not the session's objects: a long log is read in batches and none of it stays in the session
    columns = [column for column in AuditEvent.__table__.columns if column.key != "actor_id"]
    query = select(*columns).order_by(AuditEvent.id).execution_options(yield_per=1000)
    for row in db.session.execute(query):
        event = AuditEvent(**row._mapping)
        result.events += 1
        if event.prev_hash != prev:
            result.problems.append(Problem("link", event.id, _l(
                "记录 %(id)s 的前一哈希与记录 %(prev)s 的哈希不符：两者之间的记录被删除，或记录 %(prev)s 被改动。",
                id=event.id, prev=prev_id) if prev_id else _l(
                "记录 %(id)s 是日志中的第一条记录，但它的前一哈希不是链的起点：它之前的记录被删除。", id=event.id)))
        if event.hash == event.compute_hash(key):
            keyed_seen = True
        elif not keyed_seen and _unkeyed(event):
            result.unkeyed += 1
            first_unkeyed = first_unkeyed or event.id
        else:
            result.problems.append(Problem("hash", event.id, _l(
                "记录 %(id)s 的哈希与其内容不符（审计密钥的 HMAC 校验失败）：该记录被改动，或哈希链在没有密钥的情况下被重新计算。",
                id=event.id)))
        if event.id in wanted:
            found.add(event.id)
            if event.hash != wanted[event.id].hash:
                result.problems.append(Problem("anchor_changed", event.id, _l(
                    "记录 %(id)s 的哈希与锚点中的不同：该记录或它之前的记录被改动，哈希链被重新计算。", id=event.id)))
        prev, prev_id = event.hash, event.id
        result.head = _head(event)
    if result.unkeyed and not keyed_seen:
        result.problems.append(Problem("unsealed", result.head.id, _l(
            "记录 %(first)s–%(last)s 只有不带密钥的 SHA-256 哈希，且未被封存：如果数据库刚从没有审计密钥的版本升级，"
            "请运行一次 flask audit seal；否则哈希链已在没有密钥的情况下被重新计算。",
            first=first_unkeyed, last=result.head.id)))
    last_id = result.head.id if result.head else 0
    for missing in sorted(set(wanted) - found):
        if missing > last_id:
            result.problems.append(Problem("truncated", missing, _l(
                "锚点中的记录 %(id)s 不在日志中，日志的最后一条记录是 %(last)s：最新的记录被删除（日志被截断）。",
                id=missing, last=last_id)))
        else:
            result.problems.append(Problem("anchor_missing", missing, _l(
                "锚点中的记录 %(id)s 不在日志中：它被删除。", id=missing)))
    return result


def parse_anchors(lines) -> list[Head]:
    """Anchored heads from JSON lines (``flask audit anchor``, or items of ``/audit/heads.json``).

    Blank lines are skipped.

    :raises Invalid: naming the first line that is not an object with an integer ``id`` and a
        64-digit hexadecimal ``hash``.
    """
    heads = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            event_id, digest = data["id"], data["hash"]
            valid = (isinstance(event_id, int) and not isinstance(event_id, bool) and event_id > 0
                     and isinstance(digest, str) and HEX64.fullmatch(digest) is not None)
        except (ValueError, TypeError, KeyError):
            valid = False
        if not valid:
            raise Invalid(_l("锚点文件第 %(line)s 行不是审计日志锚点：应为含记录编号 id 和 64 位十六进制哈希 hash 的 JSON 对象。",
                             line=number), line=number)
        heads.append(Head(event_id, digest.lower(), _parse_time(data.get("at"))))
    return heads


def _parse_time(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def current_head() -> Head | None:
    """The newest event's place in the chain, or None for an empty log."""
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    return _head(event) if event else None


def _local_day(dialect: str):
    if dialect == "postgresql":
        return cast(func.timezone(LOCAL.key, AuditEvent.at), Date)
    return func.date(AuditEvent.at, "+8 hours")  # SQLite holds UTC; China has had no daylight saving since 1991


def daily_heads(today: date | None = None) -> list[DayHead]:
    """For each day (in China) with events, its last event, newest day first.

    :param today: the current day, whose head is not final yet (default: today in China).
    """
    today = today or local_today()
    last_of_day = select(func.max(AuditEvent.id)).group_by(_local_day(db.session.get_bind().dialect.name))
    rows = db.session.execute(select(AuditEvent.id, AuditEvent.hash, AuditEvent.at)
                              .where(AuditEvent.id.in_(last_of_day.scalar_subquery()))
                              .order_by(AuditEvent.id.desc()))
    heads = []
    for event_id, digest, at in rows:
        day = at.astimezone(LOCAL).date()
        heads.append(DayHead(day, Head(event_id, digest, at), complete=day < today))
    return heads


def seal_log(actor, *, key: bytes, context: Context) -> AuditEvent:
    """Append the first keyed event after the events written before the key, once.

    Run it when upgrading a database whose log predates ``ENROLL_AUDIT_KEY``; never because
    verification later reports unsealed events on a log that was sealed or started keyed (that is a
    log recomputed without the key, and sealing it would vouch for the forgery).

    :raises Forbidden: unless ``actor`` is a city administrator.
    :raises Conflict: when there is nothing to seal, or the log does not verify.
    """
    authorize(actor, "audit.seal")
    found = verify_log(key)
    if [problem.code for problem in found.problems] != ["unsealed"]:
        raise Conflict(_l("没有可封存的审计记录：只有全部记录都写于启用审计密钥之前、且哈希链完整时才能封存。"))
    event = append_event(actor, SEAL, "audit_log", found.head.id, key=key, context=context, seal=True,
                         detail={"unkeyed_events": found.unkeyed, "head": found.head.to_dict()})
    db.session.commit()
    return event
