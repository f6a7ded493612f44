"""The ZoneLocator contract cases, shared by the in-process and the PostGIS locator tests."""
from __future__ import annotations

import math

import shapely

from enroll.geo.locate import METRES_PER_DEGREE

LAT = 30.2
DEG_LAT = 1 / METRES_PER_DEGREE  # one metre north-south, in degrees


def metres(east: float, north: float) -> tuple[float, float]:
    """(lon, lat) of a point ``east``/``north`` metres from (120.2, LAT)."""
    return 120.2 + east * DEG_LAT / math.cos(math.radians(LAT)), LAT + north * DEG_LAT


def square(x0: float, y0: float, size: float = 1000.0):
    return shapely.Polygon([metres(x0, y0), metres(x0 + size, y0), metres(x0 + size, y0 + size), metres(x0, y0 + size)])


# two zones side by side (A west, B east), and C overlapping the east half of B (a multi-school overlap)
ZONES = {"A": square(0, 0), "B": square(1000, 0), "C": square(1500, 0, 500)}

CASES = [  # east, north (metres), keys of the zones containing the point, near an edge
    (500, 500, ("A",), False),        # middle of A
    (970, 500, ("A",), True),         # 30 m from the A|B edge
    (1030, 500, ("B",), True),        # 30 m on the other side
    (920, 500, ("A",), False),        # 80 m from any edge
    (500, 1030, (), True),            # outside, 30 m from A's outer edge
    (500, 1200, (), False),           # outside, far
    (1750, 250, ("B", "C"), False),   # inside both B and C, 250 m from every edge of C
    (1470, 250, ("B",), False),       # inside B far from its edges; 30 m from C, which does not contain it
]
