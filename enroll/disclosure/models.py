"""The working-day calendar's overrides: public holidays and weekend make-up working days."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from enroll.extensions import db


class CalendarDay(db.Model):
    """A day that is not what its weekday says: a holiday (休) or a make-up working day (班)."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))   # enroll.core.workdays.HOLIDAY | WORKDAY
    name: Mapped[str] = mapped_column(String(100), default="")
