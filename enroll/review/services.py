"""Audit recording and state transitions shared by every reviewable object.

These functions add to the session; the calling service commits once.
"""
from __future__ import annotations

from sqlalchemy import select

from enroll.core.context import Context
from enroll.core.errors import Conflict
from enroll.core.i18n import _l
from enroll.extensions import audit_key, db
from enroll.review import audit, states
from enroll.review.models import AuditEvent


def record(actor, action: str, object_type: str, object_id, *, context: Context, detail=None):
    """Append an audit event chained to the previous one, keyed with ``ENROLL_AUDIT_KEY``. Does not commit."""
    return audit.append_event(actor, action, object_type, object_id, key=audit_key(), context=context,
                              detail=detail)


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
    """Recompute the keyed chain (:func:`enroll.review.audit.verify_log`, without anchors).

    :returns: (intact, id of the first event with a problem or None, number of events checked).
    """
    found = audit.verify_log(audit_key())
    return found.intact, found.problems[0].event_id if found.problems else None, found.events


def recent_events(limit: int = 200, offset: int = 0) -> list[AuditEvent]:
    """The audit log, newest first."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
    return list(db.session.scalars(query))
