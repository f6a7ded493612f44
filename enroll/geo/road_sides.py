"""Decide side-of-road, stretch and 四至 clauses from gazetteer points.

A clause such as 和平西路南侧（A路至B路） or 东至A路，西至B路，南至C路，北至D路 cannot be
decided from an address's words; it can from points: the gazetteer points (lon, lat) of the
addresses on each road. A road's line is estimated from its own address points (houses
stand on both sides, so averaging neighbours along the road's principal direction gives its
centre line); a point's side is the sign of its offset from that line near its projection,
and a stretch is the part of the line between where the two crossing roads meet it.

Planar maths on lon/lat, longitude scaled by cos(latitude), in metres: fine at the scale of
a district. Every function answers None when the points do not allow a decision (too few,
a road running along the asked direction, a point beyond the road's known extent ...):
callers then fall back to asking the bureau. Pure: stdlib only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise
from typing import NamedTuple

LonLat = tuple[float, float]

MIN_POINTS = 3  # fewer address points on a road: no line can be estimated
MIN_ELONGATION = 2.0  # a road's points spread at least this much more along it than across
SIDE_COSINE = 0.3  # a road must run at least ~17° off the asked direction to have that side
ON_LINE_M = 2.0  # closer than this to the centre line: on neither side
EXTENT_TOLERANCE_M = 25.0  # how far beyond its last known address a road's side still counts
STRETCH_TOLERANCE_M = 5.0  # how far beyond a crossing a point still counts as inside the stretch
_M_PER_DEG = 111_320.0
_DIRECTIONS = {"east": (1.0, 0.0), "west": (-1.0, 0.0), "north": (0.0, 1.0), "south": (0.0, -1.0)}
_OPPOSITE = {"east": "west", "west": "east", "south": "north", "north": "south"}


class _Plane(NamedTuple):
    """A local planar frame in metres around (lon0, lat0)."""

    lon0: float
    lat0: float
    kx: float

    @classmethod
    def around(cls, points: Sequence[LonLat]) -> _Plane:
        lon0 = sum(p[0] for p in points) / len(points)
        lat0 = sum(p[1] for p in points) / len(points)
        return cls(lon0, lat0, _M_PER_DEG * math.cos(math.radians(lat0)))

    def xy(self, p: LonLat) -> tuple[float, float]:
        return (p[0] - self.lon0) * self.kx, (p[1] - self.lat0) * _M_PER_DEG


class _Line:
    """A road's estimated centre line: a polyline of vertices with arc lengths."""

    def __init__(self, vertices: list[tuple[float, float]]):
        self.vertices = vertices
        self.lengths = [0.0]
        for a, b in pairwise(vertices):
            self.lengths.append(self.lengths[-1] + math.dist(a, b))

    @property
    def length(self) -> float:
        return self.lengths[-1]

    def project(self, p: tuple[float, float]):
        """(distance, arc position, unit direction, offset vector) of ``p`` against the line.

        Beyond either end, positions continue along the end segment (negative or past the
        length), so the caller can tell "beyond the extent" from "alongside".
        """
        best = None
        last = len(self.vertices) - 2
        for i, (a, b) in enumerate(pairwise(self.vertices)):
            seg = math.dist(a, b)
            if seg == 0:
                continue
            d = ((b[0] - a[0]) / seg, (b[1] - a[1]) / seg)
            t = (p[0] - a[0]) * d[0] + (p[1] - a[1]) * d[1]
            lo = -math.inf if i == 0 else 0.0
            hi = math.inf if i == last else seg
            t = min(max(t, lo), hi)
            foot = (a[0] + d[0] * t, a[1] + d[1] * t)
            offset = (p[0] - foot[0], p[1] - foot[1])
            dist = math.hypot(*offset)
            if best is None or dist < best[0] - 1e-9:
                best = (dist, self.lengths[i] + t, d, offset)
        return best


def _principal(xy: list[tuple[float, float]]) -> tuple[tuple[float, float], tuple[float, float], float]:
    """(mean, unit principal direction, elongation = sqrt of the eigenvalue ratio) of points."""
    n = len(xy)
    mx, my = sum(x for x, _ in xy) / n, sum(y for _, y in xy) / n
    sxx = sum((x - mx) ** 2 for x, _ in xy) / n
    syy = sum((y - my) ** 2 for _, y in xy) / n
    sxy = sum((x - mx) * (y - my) for x, y in xy) / n
    half_trace, det = (sxx + syy) / 2, sxx * syy - sxy * sxy
    root = math.sqrt(max(half_trace * half_trace - det, 0.0))
    big, small = half_trace + root, half_trace - root
    if abs(sxy) > 1e-12:
        d = (big - syy, sxy)
    else:
        d = (1.0, 0.0) if sxx >= syy else (0.0, 1.0)
    norm = math.hypot(*d)
    elongation = math.sqrt(big / small) if small > 1e-9 else math.inf
    return (mx, my), (d[0] / norm, d[1] / norm), elongation


def _centre_line(xy: list[tuple[float, float]]) -> _Line | None:
    """The centre line of a road's address points, or None if they do not look like a road.

    Points are sorted along their principal direction and averaged in bins along it (houses on
    both sides average to the middle); the ends are stretched to the first and last address.
    """
    if len(xy) < MIN_POINTS:
        return None
    mean, u, elongation = _principal(xy)
    if elongation < MIN_ELONGATION:
        return None
    along = sorted(((p[0] - mean[0]) * u[0] + (p[1] - mean[1]) * u[1], p) for p in xy)
    t0, t1 = along[0][0], along[-1][0]
    bins = max(2, min(len(xy) // 4, 40))
    width = (t1 - t0) / bins or 1.0
    groups: list[list[tuple[float, float]]] = [[] for _ in range(bins)]
    for t, p in along:
        groups[min(int((t - t0) / width), bins - 1)].append(p)
    vertices = [(sum(x for x, _ in g) / len(g), sum(y for _, y in g) / len(g)) for g in groups if g]
    if len(vertices) < 2:
        return None
    vertices = _stretch_ends(vertices, u, mean, t0, t1)
    return _Line(vertices)


def _stretch_ends(vertices, u, mean, t0, t1):
    """Move the first and last vertex out along the road to the extreme addresses' positions."""

    def at(v):
        return (v[0] - mean[0]) * u[0] + (v[1] - mean[1]) * u[1]

    first, second = vertices[0], vertices[1]
    last, before = vertices[-1], vertices[-2]
    out = list(vertices)
    for index, end, inner, target in ((0, first, second, t0), (-1, last, before, t1)):
        d = (end[0] - inner[0], end[1] - inner[1])
        gain = at(end) - at(inner)
        if abs(gain) > 1e-9:
            k = (target - at(end)) / gain
            out[index] = (end[0] + d[0] * k, end[1] + d[1] * k)
    return out


def _road(points: Sequence[LonLat], plane: _Plane) -> _Line | None:
    return _centre_line([plane.xy(p) for p in points]) if points else None


def _side(line: _Line, p: tuple[float, float], side: str, extend: bool) -> tuple[bool | None, float]:
    """Whether ``p`` is on ``side`` of ``line`` (None: cannot say), and its arc position."""
    dist, t, d, offset = line.project(p)
    if not extend and (t < -EXTENT_TOLERANCE_M or t > line.length + EXTENT_TOLERANCE_M):
        return None, t
    normal = (-d[1], d[0])
    wanted = _DIRECTIONS[side]
    facing = normal[0] * wanted[0] + normal[1] * wanted[1]
    if abs(facing) < SIDE_COSINE or dist < ON_LINE_M:
        return None, t
    across = offset[0] * normal[0] + offset[1] * normal[1]
    return (across > 0) == (facing > 0), t


def _crossing(line: _Line, points: Sequence[LonLat], plane: _Plane) -> float | None:
    """Arc position where a crossing road (its address points) meets ``line``.

    Its own centre line, if it has one, is intersected with the road's (extended at the ends);
    otherwise, or if they do not meet, the median position of its three points nearest to the road.
    """
    if not points:
        return None
    xy = [plane.xy(p) for p in points]
    other = _centre_line(xy) if len(xy) >= MIN_POINTS else None
    if other is not None:
        meet = _intersection(line, other)
        if meet is not None:
            return meet
    nearest = sorted(line.project(p)[:2] for p in xy)[:3]
    positions = sorted(t for _, t in nearest)
    return positions[len(positions) // 2]


def _intersection(line: _Line, other: _Line) -> float | None:
    """Arc position on ``line`` where ``other`` (extended 200 m at its ends) crosses it."""
    ov = other.vertices
    reach = 200.0

    def extended(a, b, at_start, at_end):
        seg = math.dist(a, b)
        d = ((b[0] - a[0]) / seg, (b[1] - a[1]) / seg)
        a2 = (a[0] - d[0] * reach, a[1] - d[1] * reach) if at_start else a
        b2 = (b[0] + d[0] * reach, b[1] + d[1] * reach) if at_end else b
        return a2, b2

    segments = [extended(a, b, i == 0, i == len(ov) - 2)
                for i, (a, b) in enumerate(pairwise(ov)) if math.dist(a, b) > 0]
    lv = line.vertices
    for i, (a, b) in enumerate(pairwise(lv)):
        a2, b2 = extended(a, b, i == 0, i == len(lv) - 2) if math.dist(a, b) > 0 else (a, b)
        for c, e in segments:
            hit = _segment_hit(a2, b2, c, e)
            if hit is not None:
                start_shift = reach if i == 0 else 0.0
                return line.lengths[i] + hit * math.dist(a2, b2) - start_shift
    return None


def _segment_hit(a, b, c, d) -> float | None:
    """Fraction along a->b where it crosses c->d, or None."""
    r = (b[0] - a[0], b[1] - a[1])
    s = (d[0] - c[0], d[1] - c[1])
    denom = r[0] * s[1] - r[1] * s[0]
    if abs(denom) < 1e-12:
        return None
    q = (c[0] - a[0], c[1] - a[1])
    t = (q[0] * s[1] - q[1] * s[0]) / denom
    v = (q[0] * r[1] - q[1] * r[0]) / denom
    return t if 0 <= t <= 1 and 0 <= v <= 1 else None


def on_side(
    point: LonLat,
    road: Sequence[LonLat],
    side: str,
    stretch_ends: tuple[Sequence[LonLat], Sequence[LonLat]] | None = None,
) -> bool | None:
    """Whether ``point`` is on ``side`` of the road and, if given, within its stretch.

    :param point: (lon, lat) of the address asked about.
    :param road: (lon, lat) of the gazetteer addresses on the road (both sides, ideally).
    :param side: "east" | "west" | "south" | "north" (和平西路南侧 / 以南 -> "south").
    :param stretch_ends: the address points of the two crossing roads bounding the stretch
        (A路至B路段), or None for the whole road.
    :returns: True / False; None when the points cannot decide: fewer than MIN_POINTS on the
        road or not spread along a line, the road running along ``side`` (the south side of a
        north-south road), the point on the centre line or beyond the road's first or last
        address, a crossing road without points.
    """
    if side not in _DIRECTIONS:
        raise ValueError(f"unknown side {side!r}")
    plane = _Plane.around(list(road) or [point])
    line = _road(road, plane)
    if line is None:
        return None
    p = plane.xy(point)
    answer, _ = _side(line, p, side, extend=False)
    if answer is False or stretch_ends is None:
        return answer
    within = _within(line, plane, p, stretch_ends)
    return within if answer else (False if within is False else None)  # outside the stretch is enough


def within_stretch(
    point: LonLat,
    road: Sequence[LonLat],
    stretch_ends: tuple[Sequence[LonLat], Sequence[LonLat]],
) -> bool | None:
    """Whether ``point`` projects onto the road between the two crossing roads (A路至B路段).

    :param stretch_ends: the address points of the two crossing roads, in any order.
    :returns: None when the road or a crossing road has no usable points.
    """
    plane = _Plane.around(list(road) or [point])
    line = _road(road, plane)
    return None if line is None else _within(line, plane, plane.xy(point), stretch_ends)


def _within(line: _Line, plane: _Plane, p: tuple[float, float], stretch_ends) -> bool | None:
    """Whether the arc position of ``p`` lies between where the crossing roads meet ``line``."""
    ends = [_crossing(line, end, plane) for end in stretch_ends]
    if any(e is None for e in ends):
        return None
    t = line.project(p)[1]
    return min(ends) - STRETCH_TOLERANCE_M <= t <= max(ends) + STRETCH_TOLERANCE_M


def within_bounds(point: LonLat, bounds: dict[str, Sequence[LonLat]]) -> bool | None:
    """Whether ``point`` lies inside a 四至: east of the west boundary, west of the east one ...

    :param bounds: direction ("east" | "west" | "south" | "north") -> the (lon, lat) points of
        the road or landmark bounding the area on that side (Clause.bounds names them). Two or
        three sides are enough; each given side must hold. Keys "around1", "around2" ... are
        the roads of an enclosure without directions (A路、B路、C路、D路围合区域): the point must
        lie inside the polygon their crossings make (on the inner side of every one of them).
    :returns: False if the point is outside any side; None if a side's road has too few points
        (or none) or runs the wrong way to bound that side; else True. A boundary road is taken
        to go on straight beyond its first and last known address.
    """
    if not bounds:
        return None
    around = [points for key, points in bounds.items() if key.startswith("around")]
    sides = {key: points for key, points in bounds.items() if not key.startswith("around")}
    if any(not points for points in around):
        return None
    lines = {}
    for direction, points in sides.items():
        if direction not in _DIRECTIONS:
            raise ValueError(f"unknown direction {direction!r}")
        plane = _Plane.around(list(points) or [point])
        line = _road(points, plane)
        if line is None:
            return None
        lines[direction] = (line, plane)
    answers = [_side(line, plane.xy(point), _OPPOSITE[d], extend=True)[0] for d, (line, plane) in lines.items()]
    if around:
        answers.append(_in_enclosure(point, around))
    if any(a is False for a in answers):
        return False
    return None if any(a is None for a in answers) else True


def _in_enclosure(point: LonLat, roads: list[Sequence[LonLat]]) -> bool | None:
    """Whether ``point`` is inside the area the roads enclose (A路、B路、C路、D路围合区域).

    The roads go on beyond the area, so their points do not outline it; where their lines cross
    does. The inside is, for every road, the side where the centroid of those crossings lies.
    None with fewer than three roads or crossings, or a road without a line.
    """
    plane = _Plane.around([p for points in roads for p in points])
    lines = [_road(points, plane) for points in roads]
    if len(lines) < 3 or any(line is None for line in lines):
        return None
    corners = [xy for i, a in enumerate(lines) for b in lines[i + 1 :] if (xy := _crossing_point(a, b))]
    if len(corners) < 3:
        return None
    centre = (sum(x for x, _ in corners) / len(corners), sum(y for _, y in corners) / len(corners))
    p = plane.xy(point)
    for line in lines:
        inside, here = _across(line, centre), _across(line, p)
        if abs(here) < ON_LINE_M:
            return None
        if (inside > 0) != (here > 0):
            return False
    return True


def _across(line: _Line, p: tuple[float, float]) -> float:
    """Signed distance of ``p`` from ``line`` (positive on its left), the line extended at its ends."""
    _, _, d, offset = line.project(p)
    return offset[1] * d[0] - offset[0] * d[1]


def _crossing_point(a: _Line, b: _Line) -> tuple[float, float] | None:
    """Where two centre lines (each extended 200 m at its ends) cross, if they do."""
    t = _intersection(a, b)
    if t is None:
        return None
    t = min(max(t, 0.0), a.length)
    for i, (p, q) in enumerate(pairwise(a.vertices)):
        if a.lengths[i] <= t <= a.lengths[i + 1] and math.dist(p, q) > 0:
            k = (t - a.lengths[i]) / math.dist(p, q)
            return p[0] + (q[0] - p[0]) * k, p[1] + (q[1] - p[1]) * k
    return None


__all__ = ["MIN_POINTS", "on_side", "within_bounds", "within_stretch"]
