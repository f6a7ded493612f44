"""Year-to-year and version-to-version comparison of two zonings, per school."""
from __future__ import annotations

from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

from .coverage import MetricFrame


@dataclass
class SchoolChange:
    """How one school's area changed between two zonings (areas in m², rounded)."""

    school: str
    before_m2: float
    after_m2: float
    gained_m2: float
    lost_m2: float

    @property
    def changed(self) -> bool:
        return self.gained_m2 > 0 or self.lost_m2 > 0


def _by_school(zones: list[tuple[list[str], BaseGeometry]]) -> dict[str, BaseGeometry]:
    parts: dict[str, list[BaseGeometry]] = {}
    for names, geom in zones:
        for name in names:
            parts.setdefault(name, []).append(geom)
    return {name: shapely.union_all(geoms) for name, geoms in parts.items()}


def compare_zonings(before: list[tuple[list[str], BaseGeometry]], after: list[tuple[list[str], BaseGeometry]],
                    *, tolerance_m2: float = 100.0) -> list[SchoolChange]:
    """Per school: area before and after, and the area gained and lost.

    :param before: (school names, lon/lat geometry) of each zone of the earlier zoning.
    :param tolerance_m2: gains and losses below this are digitising noise and count as zero.
    :returns: one entry per school named in either zoning, largest change first.
    """
    old, new = _by_school(before), _by_school(after)
    frame = MetricFrame(list(old.values()) + list(new.values()))
    empty = shapely.Polygon()
    changes = []
    for school in sorted(set(old) | set(new)):
        a, b = old.get(school, empty), new.get(school, empty)
        gained, lost = frame.area(shapely.difference(b, a)), frame.area(shapely.difference(a, b))
        changes.append(SchoolChange(
            school, round(float(frame.area(a)), 1), round(float(frame.area(b)), 1),
            round(float(gained), 1) if gained >= tolerance_m2 else 0.0,
            round(float(lost), 1) if lost >= tolerance_m2 else 0.0))
    return sorted(changes, key=lambda c: -(c.gained_m2 + c.lost_m2))
