"""What changed between versions, and the public history of an item's published versions, its
withdrawals and republications included."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from enroll.extensions import db
from enroll.review.models import AuditEvent, Revision

if TYPE_CHECKING:
    from enroll.review.content import ContentKind


@dataclass
class Change:
    field: str
    label: object
    before: object
    after: object


def changes(kind: ContentKind, before: dict | None, after: dict) -> list[Change]:
    """The fields that differ between two revisions' data, in the kind's order."""
    before = before or {}
    return [Change(key, label, before.get(key), after.get(key))
            for key, label in kind.fields.items() if before.get(key) != after.get(key)]


@dataclass
class HistoryEntry:
    number: int
    status: str
    published_at: datetime
    note: str
    changed: list = field(default_factory=list)  # labels of the fields this version changed
    withdrawn_at: datetime | None = None  # when it was taken off the public pages
    republished_from: int | None = None   # the withdrawn version it was made from (重新发布)


def _events(revisions: list[Revision]) -> dict[tuple[int, str], AuditEvent]:
    """The last withdrawal and republication event of each revision, by (revision id, action)."""
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "revision", AuditEvent.object_id.in_([str(r.id) for r in revisions] or ["-"]),
        AuditEvent.action.in_(("content.withdraw", "content.republish"))).order_by(AuditEvent.id))
    return {(int(e.object_id), e.action): e for e in events}


def history(kind: ContentKind, item_id: int) -> list[HistoryEntry]:
    """Every version ever published, newest first, each with what it changed, when it was withdrawn
    and which withdrawn version it republished (public)."""
    revisions = [r for r in db.session.scalars(select(Revision).where(
        Revision.object_type == kind.name, Revision.object_id == item_id).order_by(Revision.number))
        if r.published_at is not None]
    events = _events(revisions)
    entries, previous = [], None
    for revision in revisions:
        withdrawal, republication = (events.get((revision.id, action)) for action in
                                     ("content.withdraw", "content.republish"))
        entries.append(HistoryEntry(
            revision.number, revision.status, revision.published_at, revision.note,
            [c.label for c in changes(kind, previous, revision.data)],
            withdrawal.at if withdrawal is not None and revision.status == "withdrawn" else None,
            (republication.detail or {}).get("from") if republication is not None else None))
        previous = revision.data
    return entries[::-1]
