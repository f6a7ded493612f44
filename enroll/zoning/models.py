"""Zoning (划片): the reviewable zoning of a district, year and stage, its versions and their content.

``Zoning`` is the content item the one review workflow (``enroll.review.content``) moves through
先审后发; each of its revisions owns one ``ZoningPlan``, the version's content: the official 划片
text of each school (``ZoneText``, parsed into ``ZoneRule`` clauses), polygons (``Zone``), or both.
A draft's plan is edited in place; once submitted it never changes. An uploaded file whose
validation finds errors is not kept (only its audit event is); plans without a revision are such
files kept by earlier versions, for their report only, until discarded.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from enroll.core.db import Geometry, UTCDateTime, utcnow
from enroll.extensions import db
from enroll.review.models import PublishedMixin

zone_schools = Table(
    "zone_schools",
    db.Model.metadata,
    Column("zone_id", ForeignKey("zones.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("schools.id"), primary_key=True),
)

INVALID = "invalid"  # the status of an upload that failed validation: never in any revision, never saved now


class Zoning(PublishedMixin, db.Model):
    """The zoning of one district, year and stage; ``plan`` is the version now published."""

    __tablename__ = "zonings"
    __table_args__ = (UniqueConstraint("district_id", "year", "stage", name="uq_zonings_scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    year: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(16))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("zoning_plans.id"))

    district = relationship("District")
    plan = relationship("ZoningPlan", foreign_keys=[plan_id])

    def __repr__(self) -> str:
        return f"<Zoning {self.id} {self.year} {self.stage} {self.status}>"


class ZoningPlan(db.Model):
    """One version of the zoning of a district, year and stage: its text, its zones, its report."""

    __tablename__ = "zoning_plans"
    __table_args__ = (Index("ix_zoning_plans_scope", "district_id", "year", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    year: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(16))
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"), unique=True)
    source_filename: Mapped[str] = mapped_column(String(255), default="")
    source_format: Mapped[str] = mapped_column(String(16), default="")
    source_crs: Mapped[str] = mapped_column(String(255), default="")
    school_field: Mapped[str] = mapped_column(String(64), default="")
    zone_report: Mapped[dict] = mapped_column(JSON, default=dict, deferred=True)  # the polygons' validation
    report: Mapped[dict] = mapped_column(JSON, default=dict, deferred=True)  # large; bureau pages only
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    district = relationship("District")
    created_by = relationship("User", foreign_keys=[created_by_id])
    revision = relationship("Revision", foreign_keys=[revision_id])
    zones: Mapped[list[Zone]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Zone.feature_index"
    )
    texts: Mapped[list[ZoneText]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="ZoneText.position"
    )
    rules: Mapped[list[ZoneRule]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="ZoneRule.id"
    )

    @property
    def status(self) -> str:
        """Its revision's status (draft, in_review, published, superseded, withdrawn), or ``invalid``."""
        return self.revision.status if self.revision is not None else INVALID

    @property
    def version(self) -> int | None:
        return self.revision.number if self.revision is not None else None

    @property
    def published_at(self) -> datetime | None:
        return self.revision.published_at if self.revision is not None else None

    @property
    def contents(self) -> str:
        """What the plan holds: ``text``, ``zones``, ``both`` or ``empty``."""
        text, zones = bool(self.texts), bool(self.zones)
        return "both" if text and zones else "text" if text else "zones" if zones else "empty"

    def __repr__(self) -> str:
        return f"<ZoningPlan {self.id} {self.year} {self.stage} {self.status}>"


class Zone(db.Model):
    """A 划片 area served by one school (``single``) or several (``multi``, 多校划片)."""

    __tablename__ = "zones"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("zoning_plans.id", ondelete="CASCADE"), index=True)
    feature_index: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8), default="single")
    label: Mapped[str] = mapped_column(Text, default="")
    geometry = mapped_column(Geometry, nullable=False)

    plan: Mapped[ZoningPlan] = relationship(back_populates="zones")
    schools = relationship("School", secondary=zone_schools, order_by="School.name")


# GiST index on PostGIS only; on SQLite the WKB column needs no index (lookups use an STRtree).
Index("ix_zones_geometry", Zone.geometry, postgresql_using="gist").ddl_if(dialect="postgresql")


class ZoneText(db.Model):
    """The official 划片范围 text of one school in one plan version, exactly as the bureau wrote it:
    what the public reads (the words are the law); its clauses are parsed into ``ZoneRule``\\ s."""

    __tablename__ = "zone_texts"
    __table_args__ = (UniqueConstraint("plan_id", "school_id", name="uq_zone_texts_plan_school"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("zoning_plans.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    position: Mapped[int] = mapped_column(Integer)  # order of the schools, as first imported
    text: Mapped[str] = mapped_column(Text)
    source_row: Mapped[int] = mapped_column(Integer, default=0)  # line of the file or paste it came from

    plan: Mapped[ZoningPlan] = relationship(back_populates="texts")
    school = relationship("School")


class ZoneRule(db.Model):
    """A clause of the official 划片范围 text of one school, parsed, with its source line.

    Unparsed clauses are kept (``kind`` "unparsed", with the parser's reason) and shown to the
    bureau; they never match an address.
    """

    __tablename__ = "zone_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("zoning_plans.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    line: Mapped[int] = mapped_column(Integer)        # line within the school's text
    source_row: Mapped[int] = mapped_column(Integer)  # line of the imported CSV file
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    clause: Mapped[dict] = mapped_column(JSON, default=dict)

    plan: Mapped[ZoningPlan] = relationship(back_populates="rules")
    school = relationship("School")


class Consultation(PublishedMixin, db.Model):
    """A draft plan open for public comment (征求意见) for ``days`` days, and the bureau's account of
    which opinions it adopted (采纳情况). A content item of the one review workflow: its first
    published revision opens the period (``opens_at``, ``closes_at``); a later one publishes the
    adoption report (``report``); the plan can be approved as final only after that."""

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("zoning_plans.id"), unique=True)
    days: Mapped[int] = mapped_column(Integer, default=15)
    short_reason: Mapped[str] = mapped_column(Text, default="")  # why fewer than 15 days (shown publicly)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # {"summary": text, "answers": [{"comment", "category", "body", "decision", "reason"}]} once published
    report: Mapped[dict] = mapped_column(JSON, default=dict)
    report_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    district = relationship("District")
    plan = relationship("ZoningPlan")
    comments: Mapped[list[ConsultationComment]] = relationship(
        back_populates="consultation", order_by="ConsultationComment.id", cascade="all, delete-orphan")


class ConsultationComment(db.Model):
    """A member of the public's comment on a consultation: held until staff show it (or hide it),
    then answered (adopted / partly / not adopted, with a reason). Nothing about who wrote it is
    kept: no name, no contact, no IP address; an address only if they gave one, normalized."""

    __tablename__ = "consultation_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(16))  # address | road | plan
    address: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | shown | hidden
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision: Mapped[str | None] = mapped_column(String(16))  # adopted | partly | not_adopted
    answer: Mapped[str] = mapped_column(Text, default="")

    consultation: Mapped[Consultation] = relationship(back_populates="comments")
