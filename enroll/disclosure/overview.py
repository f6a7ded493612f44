"""The city admin's view of every district's disclosure: the catalogue of its current enrollment
year (how many items are published, partly published, missing, published late) and its requests
for information past their statutory due day.

A module of its own because requests' services count working days with this package's calendar
(``disclosure.services``): importing them from there would be circular.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from enroll.core.clock import local_today
from enroll.core.security import authorize
from enroll.disclosure.items import Item
from enroll.disclosure.services import catalogue
from enroll.districts.services import list_districts
from enroll.info_requests.services import overdue_counts
from enroll.zoning.services import published_scopes
from enroll.zoning.years import DEFAULT_SEASON_START, current_year

COUNTED = ("published", "partial", "missing")  # the negative list's entries are not items to publish


@dataclass
class DistrictDisclosure:
    """One district's line of the city view."""

    district: object
    year: int
    counts: dict[str, int]   # published | partial | missing -> number of items
    late: list[Item]         # items published later than the time limit
    missing: list[Item]      # items not published at all
    overdue: int             # requests for information past their due day

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def year_of(district, today: date, season_start: str = DEFAULT_SEASON_START) -> int:
    """The district's current enrollment year; without a published plan, the admission year being
    prepared (from September, the next one), as the district's page counts it."""
    year = current_year([y for y, _stage in published_scopes(district.id)], override=district.current_year,
                        today=today, month_day=season_start)
    return year or today.year + (today.month >= 9)


def city_overview(actor, *, today: date | None = None,
                  season_start: str = DEFAULT_SEASON_START) -> list[DistrictDisclosure]:
    """Every district's catalogue completeness and overdue requests, for the city admin.

    :raises Forbidden: anyone but the city admin (``disclosure.overview``).
    """
    authorize(actor, "disclosure.overview")
    today = today or local_today()
    overdue = overdue_counts(today)
    lines = []
    for district in list_districts():
        year = year_of(district, today, season_start)
        items = [i for i in catalogue(district.code, year)[1] if i.status in COUNTED]
        lines.append(DistrictDisclosure(
            district=district, year=year, counts={s: sum(i.status == s for i in items) for s in COUNTED},
            late=[i for i in items if i.late], missing=[i for i in items if i.status == "missing"],
            overdue=overdue.get(district.id, 0)))
    return lines
