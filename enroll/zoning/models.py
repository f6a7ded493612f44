"""Zoning plans (划片方案) and their zones."""
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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from enroll.core.db import Geometry, UTCDateTime, utcnow
from enroll.extensions import db

zone_schools = Table(
    "zone_schools",
    db.Model.metadata,
    Column("zone_id", ForeignKey("zones.id", ondelete="CASCADE"), primary_key=True),
    Column("school_id", ForeignKey("schools.id"), primary_key=True),
)


class ZoningPlan(db.Model):
    """One version of the zoning of a district, year and stage."""

    __tablename__ = "zoning_plans"
    __table_args__ = (
        Index("ix_zoning_plans_scope", "district_id", "year", "stage", "status"),
        # at most one published version per district, year and stage, even under concurrent approvals
        Index("uq_zoning_plans_published", "district_id", "year", "stage", unique=True,
              sqlite_where=text("status = 'published'"), postgresql_where=text("status = 'published'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    year: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    source_filename: Mapped[str] = mapped_column(String(255), default="")
    source_format: Mapped[str] = mapped_column(String(16), default="")
    source_crs: Mapped[str] = mapped_column(String(255), default="")
    school_field: Mapped[str] = mapped_column(String(64), default="")
    report: Mapped[dict] = mapped_column(JSON, default=dict, deferred=True)  # large; bureau pages only
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    district = relationship("District")
    created_by = relationship("User", foreign_keys=[created_by_id])
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
    zones: Mapped[list[Zone]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Zone.feature_index"
    )
    rules: Mapped[list[ZoneRule]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="ZoneRule.id"
    )

    def __repr__(self) -> str:
        return f"<ZoningPlan {self.id} {self.year} {self.stage} v{self.version} {self.status}>"


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
