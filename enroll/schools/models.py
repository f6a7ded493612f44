"""Schools."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from enroll.core.db import Geometry, UTCDateTime, utcnow
from enroll.extensions import db

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

    district = relationship("District")

    def serves(self, stage: str) -> bool:
        """Whether the school enrolls children of ``stage`` (nine-year schools serve both)."""
        return self.stage == stage or self.stage == "nine_year"

    def __repr__(self) -> str:
        return f"<School {self.name}>"
