"""Districts (区/县 教育局), the authority that publishes zoning."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from enroll.core.db import Geometry, UTCDateTime, utcnow
from enroll.extensions import db
from enroll.review.models import PublishedMixin


class District(db.Model):
    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)  # 行政区划代码
    name: Mapped[str] = mapped_column(String(100))
    boundary = mapped_column(Geometry, nullable=True)
    phone: Mapped[str] = mapped_column(String(50), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the enrollment year whose season is open, as the bureau set it (None: derived, see
    # enroll.zoning.years.current_year)
    current_year: Mapped[int | None] = mapped_column(Integer)
    translations: Mapped[dict] = mapped_column(JSON, default=dict)  # {locale: {name}}

    def __repr__(self) -> str:
        return f"<District {self.code} {self.name}>"


class DistrictContact(PublishedMixin, db.Model):
    """Where parents ask (招生咨询): the office, its address, phone, hours and the supervision line,
    reviewable content shown on the district's page; the columns hold what is published."""

    __tablename__ = "district_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), unique=True)
    office: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(100), default="")
    hours: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    complaint_phone: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # 多校划片入学办法: how a child in a multi-school zone is placed, in the district's words
    placement: Mapped[str] = mapped_column(Text, default="")
    translations: Mapped[dict] = mapped_column(JSON, default=dict)  # {locale: {office, address, hours, notes, placement}}

    district = relationship("District")
