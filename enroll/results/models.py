"""Admission results (录取结果) and lotteries (摇号): the columns hold what is published.

Children's personal data lives in two places only, both purged when a list's ``public_until``
passes: ``AdmissionEntry`` rows (application number, masked name, outcome, and a keyed digest of
the birth date that lets a parent check their own child's outcome) and the ``list`` / applicant
keys of the revisions they were published from. Full names, ID numbers and birth dates are never
stored.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from enroll.core.db import UTCDateTime, utcnow
from enroll.extensions import db
from enroll.review.models import PublishedMixin


class AdmissionResult(PublishedMixin, db.Model):
    """One school's admission result of one year: aggregates by route, and optionally a list."""

    __tablename__ = "admission_results"
    __table_args__ = (UniqueConstraint("school_id", "year", name="uq_admission_results_school_id_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    year: Mapped[int] = mapped_column(Integer)
    # [{route, applicants, places, admitted, note}] in the order of ROUTES
    routes: Mapped[list] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    list_count: Mapped[int] = mapped_column(Integer, default=0)         # entries published (0: no list)
    list_public: Mapped[bool] = mapped_column(Boolean, default=True)    # False: only for own-result checks
    notice_until: Mapped[date | None] = mapped_column(Date)             # 公示期 ends (objections until)
    public_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the list is purged after this
    list_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    school = relationship("School")
    district = relationship("District")


class AdmissionEntry(db.Model):
    """One child in a published list: never a name in full, an ID number or a birth date."""

    __tablename__ = "admission_entries"
    __table_args__ = (UniqueConstraint("result_id", "application_no", name="uq_admission_entries_result_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("admission_results.id", ondelete="CASCADE"), index=True)
    line: Mapped[int] = mapped_column(Integer)                        # order of the list as published
    application_no: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(40), default="")       # masked (core.privacy.mask_name)
    route: Mapped[str] = mapped_column(String(16), default="")
    outcome: Mapped[str] = mapped_column(String(16))                  # admitted | waiting | not_admitted
    rank: Mapped[int | None] = mapped_column(Integer)                 # waiting-list position, draw order
    check_digest: Mapped[str | None] = mapped_column(String(64))      # HMAC of number + birth date


class Lottery(PublishedMixin, db.Model):
    """A private school's verifiable computer draw (摇号) of one year; see ``results.lottery``.

    Published in two reviewed steps: first the applicant list with its hash and the seed
    commitment, then the revealed seed and the draw order.
    """

    __tablename__ = "lotteries"
    __table_args__ = (UniqueConstraint("school_id", "year", name="uq_lotteries_school_id_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    year: Mapped[int] = mapped_column(Integer)
    places: Mapped[int] = mapped_column(Integer, default=0)
    draw_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    applicants: Mapped[list] = mapped_column(JSON, default=list)  # [{no, name (masked)}] by number
    list_hash: Mapped[str] = mapped_column(String(64), default="")
    commitment: Mapped[str] = mapped_column(String(64), default="")
    seed: Mapped[str | None] = mapped_column(String(64))            # published after the draw only
    draw_order: Mapped[list] = mapped_column(JSON, default=list)    # application numbers, admitted first
    public_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    list_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    school = relationship("School")
    district = relationship("District")


class LotterySecret(db.Model):
    """The seed a lottery committed to, kept apart and shown to nobody until the draw."""

    __tablename__ = "lottery_secrets"

    lottery_id: Mapped[int] = mapped_column(ForeignKey("lotteries.id", ondelete="CASCADE"), primary_key=True)
    seed: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RateLimit(db.Model):
    """Attempts counted against one limit (own-result checks): see ``results.checks``."""

    __tablename__ = "rate_limits"

    bucket: Mapped[str] = mapped_column(String(120), primary_key=True)  # ip:ADDRESS or no:SCHOOL:YEAR:NUMBER
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer)
