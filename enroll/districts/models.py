"""Districts (区/县 教育局), the authority that publishes zoning."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from enroll.core.db import Geometry, UTCDateTime, utcnow
from enroll.extensions import db


class District(db.Model):
    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)  # 行政区划代码
    name: Mapped[str] = mapped_column(String(100))
    boundary = mapped_column(Geometry, nullable=True)
    phone: Mapped[str] = mapped_column(String(50), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<District {self.code} {self.name}>"
