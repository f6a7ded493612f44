"""Schools, their published profiles and enrollment plans."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from enroll.core.db import Geometry, UTCDateTime, utcnow
from enroll.extensions import db
from enroll.review.models import PublishedMixin

STAGES = ("primary", "junior", "nine_year")
KINDS = ("public", "private")


class School(db.Model):
    __tablename__ = "schools"
    __table_args__ = (UniqueConstraint("district_id", "name", name="uq_schools_district_id_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    stage: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default="public")
    address: Mapped[str] = mapped_column(String(200), default="")
    point = mapped_column(Geometry, nullable=True)
    phone: Mapped[str] = mapped_column(String(50), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    translations: Mapped[dict] = mapped_column(JSON, default=dict)  # {locale: {name, address}}

    district = relationship("District")

    def serves(self, stage: str) -> bool:
        """Whether the school enrolls children of ``stage`` (nine-year schools serve both)."""
        return self.stage == stage or self.stage == "nine_year"

    def __repr__(self) -> str:
        return f"<School {self.name}>"


class SchoolProfile(PublishedMixin, db.Model):
    """What a school publishes about itself, edited by the school and reviewed by the district."""

    __tablename__ = "school_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), unique=True)
    intro: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    consult_hours: Mapped[str] = mapped_column(String(100), default="")  # 咨询时间
    students: Mapped[int | None] = mapped_column(Integer)
    classes: Mapped[int | None] = mapped_column(Integer)
    teachers: Mapped[int | None] = mapped_column(Integer)
    site_area: Mapped[int | None] = mapped_column(Integer)               # m²
    facilities: Mapped[str] = mapped_column(Text, default="")
    feeder_school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))  # 对口初中 of a primary
    translations: Mapped[dict] = mapped_column(JSON, default=dict)

    school = relationship("School", foreign_keys=[school_id])
    feeder_school = relationship("School", foreign_keys=[feeder_school_id])


class EnrollmentPlan(PublishedMixin, db.Model):
    """招生计划: classes and places a school offers in an admission year."""

    __tablename__ = "enrollment_plans"
    __table_args__ = (UniqueConstraint("school_id", "year", name="uq_enrollment_plans_school_id_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    year: Mapped[int] = mapped_column(Integer)
    classes: Mapped[int] = mapped_column(Integer, default=0)
    places: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")  # e.g. a private school's 面谈范围, lottery rules

    school = relationship("School")
