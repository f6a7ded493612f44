"""The current enrollment year of a district: the year whose admission season is open.

Public answers default to it and show any other published year beside, labelled. The bureau may
set it; otherwise it is the latest year with a published plan whose season has started (its
start date, month and day, is ``ENROLL_SEASON_START``), or the earliest published year when no
published year's season has started yet.
"""
from __future__ import annotations

import re
from datetime import date

from enroll.core.clock import local_today
from enroll.core.context import Context
from enroll.core.errors import Invalid
from enroll.core.i18n import _l
from enroll.core.security import authorize
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.review.services import record

DEFAULT_SEASON_START = "03-01"
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


def season_start(year: int, month_day: str = DEFAULT_SEASON_START) -> date:
    """The day the admission season of ``year`` opens. :raises ValueError: a bad MM-DD."""
    m = _MONTH_DAY.match(month_day or "")
    if not m:
        raise ValueError(f"season start must be MM-DD, not {month_day!r}")
    return date(year, int(m[1]), int(m[2]))


def current_year(published_years, *, override: int | None = None, today: date | None = None,
                 month_day: str = DEFAULT_SEASON_START) -> int | None:
    """The year public answers default to (see the module docstring); None when nothing is published.

    :param published_years: the years with a published plan (any stage).
    :param override: the year the bureau set, which wins.
    """
    if override:
        return override
    years = sorted(set(published_years))
    if not years:
        return None
    today = today or local_today()
    started = [y for y in years if today >= season_start(y, month_day)]
    return started[-1] if started else years[0]


def set_current_year(actor, district_code: str, year: int | None, *, context: Context = Context()):
    """Set (or, with None, clear) the district's current enrollment year. Audited; commits.

    :raises Invalid: a year outside 2000–2100.
    """
    district = get_district(district_code)
    authorize(actor, "zoning.review", district.id)
    if year is not None and not 2000 <= int(year) <= 2100:
        raise Invalid(_l("招生年度“%(year)s”无效。", year=year))
    before, district.current_year = district.current_year, int(year) if year is not None else None
    record(actor, "district.current_year", "district", district.id, context=context,
           detail={"from": before, "to": district.current_year})
    db.session.commit()
    return district
