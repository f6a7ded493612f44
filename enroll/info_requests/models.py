"""Requests for information (依申请公开), the events of their statutory clock, their uploaded files;
the district's negative list (负面清单) and annual disclosure report (年度报告), both reviewed content.

A request's personal data (the requester's name, contact, description and identity document) is
never public and is purged ``ENROLL_REQUEST_RETENTION_DAYS`` after the decision; the rest (dates,
channel, requester kind, decision) stays for the annual report's counts.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from enroll.core.db import UTCDateTime, utcnow
from enroll.extensions import db
from enroll.review.models import PublishedMixin


class InfoRequest(db.Model):
    """One request for information, from receipt to decision."""

    __tablename__ = "info_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # the tracking number
    channel: Mapped[str] = mapped_column(String(16))              # online | mail | in_person
    requester_kind: Mapped[str] = mapped_column(String(16))       # person | company | research | ...
    requester_name: Mapped[str] = mapped_column(Text, default="")  # personal: purged
    contact: Mapped[str] = mapped_column(Text, default="")         # personal: purged
    description: Mapped[str] = mapped_column(Text, default="")     # personal: purged
    delivery: Mapped[str] = mapped_column(String(16))              # paper | email | electronic | pickup
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_on: Mapped[date] = mapped_column(Date)                # 收到申请之日 (clock start)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # see services.STATUSES
    due_on: Mapped[date | None] = mapped_column(Date)              # None while the clock is paused
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    extension_requested_days: Mapped[int | None] = mapped_column(Integer)
    extension_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str | None] = mapped_column(String(16))       # see clock.DECISIONS
    decision_reason: Mapped[str] = mapped_column(String(32), default="")  # sub-reason code
    reply: Mapped[str] = mapped_column(Text, default="")            # the letter's body: purged
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    fee: Mapped[int] = mapped_column(Integer, default=0)            # 信息处理费, in yuan
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # staff entering a letter
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    district = relationship("District")
    events = relationship("InfoRequestEvent", order_by="InfoRequestEvent.id", back_populates="request",
                          cascade="all, delete-orphan")
    files = relationship("InfoRequestFile", order_by="InfoRequestFile.id", back_populates="request",
                         cascade="all, delete-orphan")


class InfoRequestEvent(db.Model):
    """What happened to a request, on which (local) day: the clock is computed from these."""

    __tablename__ = "info_request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("info_requests.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))   # see clock.EVENT_KINDS
    day: Mapped[date] = mapped_column(Date)         # the day it takes effect for the clock
    days: Mapped[int | None] = mapped_column(Integer)  # an extension's or a correction period's length
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request = relationship("InfoRequest", back_populates="events")
    actor = relationship("User")


class InfoRequestFile(db.Model):
    """A file sent with a request (an identity document): stored encrypted, deleted with the purge."""

    __tablename__ = "info_request_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("info_requests.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    token: Mapped[str] = mapped_column(String(64), unique=True)  # the stored (encrypted) file's name
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request = relationship("InfoRequest", back_populates="files")


class NegativeList(PublishedMixin, db.Model):
    """The district's 负面清单: what it does not publish of its own motion, each entry with its
    公开属性 (依申请公开 or 不予公开) and the legal reason; the columns hold what is published."""

    __tablename__ = "negative_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), unique=True)
    intro: Mapped[str] = mapped_column(Text, default="")
    entries: Mapped[list] = mapped_column(JSON, default=list)   # [{item, attribute, reason, ...}]
    translations: Mapped[dict] = mapped_column(JSON, default=dict)

    district = relationship("District")


class AnnualReport(PublishedMixin, db.Model):
    """The district's 政府信息公开工作年度报告 for one year: the standard tables (from data, plus
    what staff enter: 复议/诉讼, fees) and its text; the columns hold what is published."""

    __tablename__ = "annual_reports"
    __table_args__ = (UniqueConstraint("district_id", "year", name="uq_annual_reports_district_id_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    year: Mapped[int] = mapped_column(Integer)
    tables: Mapped[dict] = mapped_column(JSON, default=dict)
    overview: Mapped[str] = mapped_column(Text, default="")   # 总体情况
    problems: Mapped[str] = mapped_column(Text, default="")   # 存在的主要问题及改进情况
    other: Mapped[str] = mapped_column(Text, default="")      # 其他需要报告的事项
    translations: Mapped[dict] = mapped_column(JSON, default=dict)

    district = relationship("District")
