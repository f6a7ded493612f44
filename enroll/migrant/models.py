"""A district's requirements for migrant children of one year and stage; columns hold what is published."""
from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from enroll.extensions import db
from enroll.review.models import PublishedMixin


class MigrantRequirement(PublishedMixin, db.Model):
    __tablename__ = "migrant_requirements"
    __table_args__ = (UniqueConstraint("district_id", "year", "stage", name="uq_migrant_requirements_scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(16))
    # {permit_required, insurance_months, housing: [...], documents: [{name, note}], alternatives,
    #  steps: [{start, end, title, stage, where}], office}; see enroll.migrant.services.requirement_data
    rules: Mapped[dict] = mapped_column(JSON, default=dict)

    district = relationship("District")
