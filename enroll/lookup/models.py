"""The gazetteer (门牌地址库): normalized addresses with their points, imported by the bureau."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from enroll.core.db import Geometry
from enroll.extensions import db


class Address(db.Model):
    __tablename__ = "addresses"
    __table_args__ = (
        Index("ix_addresses_district_normalized", "district_id", "normalized"),
        Index("ix_addresses_district_road", "district_id", "road", "number"),  # also nearest_numbers' walks
        # find_point's fallbacks when the text differs: the same building of an estate, group of a village
        Index("ix_addresses_district_estate", "district_id", "estate", "building"),
        Index("ix_addresses_district_village", "district_id", "village", "group_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    address: Mapped[str] = mapped_column(String(200))      # as imported
    normalized: Mapped[str] = mapped_column(String(200))   # enroll.geo.address.normalize
    road: Mapped[str | None] = mapped_column(String(100))
    number: Mapped[int | None] = mapped_column(Integer)
    lane_number: Mapped[int | None] = mapped_column(Integer)
    estate: Mapped[str | None] = mapped_column(String(100))
    building: Mapped[int | None] = mapped_column(Integer)
    village: Mapped[str | None] = mapped_column(String(100))
    group_no: Mapped[int | None] = mapped_column(Integer)
    point = mapped_column(Geometry, nullable=False)
