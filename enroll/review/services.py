"""Audit recording and state transitions shared by every reviewable object.

These functions add to the session; the calling service commits once.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, text

from enroll.core.context import Context
from enroll.core.errors import Conflict
from enroll.core.i18n import _l
from enroll.extensions import db
from enroll.review import states
from enroll.review.models import GENESIS, AuditEvent


def record(actor, action: str, object_type: str, object_id, *, context: Context, detail=None):
    """Append an audit event chained to the previous one. Does not commit."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        # serialise writers so the chain cannot fork
        session.execute(text("SELECT pg_advisory_xact_lock(727001)"))
    session.flush()
    last = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
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
        prev_hash=last or GENESIS,
    )
    event.hash = event.compute_hash()
    session.add(event)
    return event


def require(obj, action: str) -> str:
    """The status ``action`` leads to from ``obj.status``.

    :raises Conflict: when the action is not allowed from the current status.
    """
    new = states.target(action, obj.status)
    if new is None:
        raise Conflict(
            _l("不能对状态为“%(status)s”的对象执行“%(action)s”。", status=obj.status, action=action),
            status=obj.status,
            action=action,
        )
    return new


def transition(obj, action: str) -> str:
    """Move ``obj.status`` through ``action``. :returns: the new status. :raises Conflict:"""
    obj.status = require(obj, action)
    return obj.status


def verify_chain() -> tuple[bool, int | None, int]:
    """Recompute the chain.

    :returns: (intact, id of the first bad event or None, number of events checked).
    """
    prev = GENESIS
    count = 0
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        count += 1
        if event.prev_hash != prev or event.compute_hash() != event.hash:
            return False, event.id, count
        prev = event.hash
    return True, None, count


def recent_events(limit: int = 200, offset: int = 0) -> list[AuditEvent]:
    """The audit log, newest first."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
    return list(db.session.scalars(query))
