"""A followed address, the outgoing mail queue, and which publications have been told."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from enroll.core.db import UTCDateTime, utcnow
from enroll.extensions import db


class Follow(db.Model):
    """An e-mail address that asked to be told when a district's zoning may change the school of an
    address. Nothing else is kept; the row is deleted on unsubscribing."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("district_id", "email", "address", name="uq_follows_district_id_email_address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(200))  # normalized (enroll.geo.address.normalize)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    district = relationship("District")


class MailMessage(db.Model):
    """A message waiting to be sent by ``flask mail send`` (or sent, kept a while, or given up)."""

    __tablename__ = "mail_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")


class Told(db.Model):
    """A publication (a consultation opened, a plan published) whose followers have been told."""

    __tablename__ = "told_publications"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # consultation | plan
    object_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
