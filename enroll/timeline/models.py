"""A district's admission timeline for one year; the columns hold what is published."""
from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from enroll.extensions import db
from enroll.review.models import PublishedMixin


class Timeline(PublishedMixin, db.Model):
    __tablename__ = "timelines"
    __table_args__ = (UniqueConstraint("district_id", "year", name="uq_timelines_district_id_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    # [{start, end (ISO dates, inclusive), title, stage ("all"|"primary"|"junior"), where}], by start date
    steps: Mapped[list] = mapped_column(JSON, default=list)

    district = relationship("District")
