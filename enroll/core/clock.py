"""Local time: admission dates (seasons, notice periods, publication days) are dates in China."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Asia/Shanghai")


def local_today(now: datetime | None = None) -> date:
    """Today (or the day of ``now``) in China."""
    return (now or datetime.now(UTC)).astimezone(LOCAL).date()
