"""The append-only, hash-chained audit log, and the revisions every reviewable content item goes through."""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from enroll.core.db import UTCDateTime, utcnow
from enroll.extensions import db

GENESIS = "0" * 64


class AuditEvent(db.Model):
    """Who did what to which object, when and from where. Rows are never updated or deleted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64), default="")
    channel: Mapped[str] = mapped_column(String(16), default="web")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def compute_hash(self, key: bytes | None) -> str:
        """HMAC-SHA256 under ``key`` over the previous hash and this event's canonical content.

        :param key: ``ENROLL_AUDIT_KEY``; None gives the plain SHA-256 of events written before the
            chain was keyed (see :mod:`enroll.review.audit`).
        """
        body = json.dumps(
            [
                self.prev_hash,
                self.at.isoformat(timespec="microseconds"),
                self.actor_name,
                self.action,
                self.object_type,
                self.object_id,
                self.ip,
                self.channel,
                self.detail,
            ],
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        if key is None:
            return hashlib.sha256(body.encode()).hexdigest()
        return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper, connection, target):
    raise RuntimeError("audit_events is append-only")


class Revision(db.Model):
    """One version of a reviewable content item's fields, moving through 先审后发.

    The item's own table holds what is published; its drafts live only here, so nothing published
    changes until a reviewer approves the next revision. Published and superseded revisions are the
    public version history.
    """

    __tablename__ = "revisions"
    __table_args__ = (
        UniqueConstraint("object_type", "object_id", "number", name="uq_revisions_object_number"),
        Index("ix_revisions_queue", "district_id", "status"),
        # at most one open (draft or in review) and one published revision per item
        Index("uq_revisions_open", "object_type", "object_id", unique=True,
              sqlite_where=text("status IN ('draft', 'in_review')"),
              postgresql_where=text("status IN ('draft', 'in_review')")),
        Index("uq_revisions_published", "object_type", "object_id", unique=True,
              sqlite_where=text("status = 'published'"), postgresql_where=text("status = 'published'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")           # the author's "what changed"
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str | None] = mapped_column(Text)  # plain text of a published revision, for site search
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # bumped by every write; an UPDATE from a stale read matches no row (SQLAlchemy raises
    # StaleDataError), so two concurrent approvals cannot both succeed, on SQLite too
    lock_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": lock_version}

    created_by = relationship("User", foreign_keys=[created_by_id])
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])

    def __repr__(self) -> str:
        return f"<Revision {self.object_type}:{self.object_id} #{self.number} {self.status}>"


class PublishedMixin:
    """Columns of a content item that goes through revisions (see ``Revision``).

    ``status`` is the item's public state: ``draft`` (never published), ``published`` or
    ``withdrawn``; ``version`` is the number of the revision now published.
    """

    status: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
