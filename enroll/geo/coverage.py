"""Spatial checks on a set of zones: overlaps, district coverage, school positions, GCJ-02.

All measurements happen in one local metric frame (see :class:`MetricFrame`);
findings report quantities in m2 / m and locations in lon/lat EPSG:4326.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from .crs import (
    gcj02_offset_m,
    gcj02_to_wgs84_geometry,
    local_metric_crs,
    out_of_china,
    transform_geometries,
    wgs84_to_gcj02,
)
from .findings import Finding, error, round_location, round_quantity, warning

GCJ02_IOU_GAIN = 0.002
DENSIFY_DEG = 0.001  # about 100 m


def polygonal_part(geom: BaseGeometry | None) -> BaseGeometry | None:
    """Keep only the polygonal parts of a geometry; None if there are none."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys: list = []
    for part in shapely.get_parts(geom):
        if part.geom_type == "Polygon":
            polys.append(part)
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            sub = polygonal_part(part)
            if sub is not None:
                polys.extend(shapely.get_parts(sub))
    if not polys:
        return None
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def make_valid_polygonal(geom: BaseGeometry) -> BaseGeometry | None:
    """Repair a geometry with ``make_valid`` and keep its polygonal parts."""
    return polygonal_part(shapely.make_valid(geom))


class MetricFrame:
    """A local transverse Mercator frame centred on the data, used for measuring only.

    Topology (intersections, differences, unions) is computed in lon/lat, where
    the data's straight edges live; only the results are projected here to measure
    areas and distances, so differing vertex densities never create artefacts.
    """

    def __init__(self, geoms_lonlat: list):
        present = [g for g in geoms_lonlat if g is not None and not g.is_empty]
        if present:
            xmin, ymin, xmax, ymax = shapely.total_bounds(np.array(present, dtype=object))
            self.center = ((xmin + xmax) / 2.0, (ymin + ymax) / 2.0)
        else:
            self.center = (0.0, 0.0)
        self.crs = local_metric_crs(*self.center)
        self._fwd = pyproj.Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)

    def to_metric(self, geoms):
        """Project lon/lat geometries (one or an array) into the frame."""
        return transform_geometries(geoms, self._fwd)

    def area(self, geoms):
        """Area in m2 of lon/lat geometries (scalar or array).

        Edges are densified first so that straight lon/lat edges are measured as
        the curves they become in the metric frame.
        """
        return shapely.area(self.to_metric(shapely.segmentize(geoms, DENSIFY_DEG)))


def location(geom: BaseGeometry | None) -> tuple[float, float] | None:
    """Rounded lon/lat of a point guaranteed to lie on the geometry."""
    if geom is None or geom.is_empty:
        return None
    point = shapely.point_on_surface(geom)
    return round_location(point.x, point.y)


@dataclass
class ZoneRef:
    """What the spatial checks need to know about a zone."""

    index: int
    kind: str
    label: str | None
    names: list[str]


def find_overlaps(refs: list[ZoneRef], geoms: np.ndarray, frame: MetricFrame, tolerance_m2: float) -> list[Finding]:
    """Overlaps above tolerance between zone pairs where at least one is single-school."""
    if len(refs) < 2:
        return []
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    single = np.array([r.kind == "single" for r in refs])
    keep = (left < right) & (single[left] | single[right])
    left, right = left[keep], right[keep]
    inter = shapely.intersection(geoms[left], geoms[right])
    areas = frame.area(inter) if len(inter) else np.array([])
    findings = []
    for k in np.flatnonzero(areas > tolerance_m2):
        first, later = refs[left[k]], refs[right[k]]
        if first.index > later.index:
            first, later = later, first
        findings.append(
            error(
                "overlap",
                feature=later.index,
                school=later.label,
                location=location(inter[k]),
                quantity=round_quantity(areas[k], "m2"),
                unit="m2",
                params={"other_feature": first.index, "other_school": first.label},
            )
        )
    return findings


def find_outside(refs: list[ZoneRef], geoms: np.ndarray, boundary: BaseGeometry, frame: MetricFrame, tolerance_m2: float) -> list[Finding]:
    """Zones reaching outside the district boundary by more than the tolerance."""
    if not len(refs):
        return []
    shapely.prepare(boundary)
    inside = shapely.contains(boundary, geoms)
    findings = []
    for i in np.flatnonzero(~inside):
        outside = shapely.difference(geoms[i], boundary)
        area = float(frame.area(outside))
        if area > tolerance_m2:
            findings.append(
                error(
                    "outside_district",
                    feature=refs[i].index,
                    school=refs[i].label,
                    location=location(outside),
                    quantity=round_quantity(area, "m2"),
                    unit="m2",
                )
            )
    return findings


def find_gaps(union: BaseGeometry, boundary: BaseGeometry, frame: MetricFrame, tolerance_m2: float) -> list[Finding]:
    """Each connected uncovered part of the district larger than the tolerance."""
    uncovered = polygonal_part(shapely.difference(boundary, union))
    if uncovered is None:
        return []
    parts = shapely.get_parts(uncovered)
    areas = frame.area(parts)
    return [
        warning("gap", location=location(part), quantity=round_quantity(area, "m2"), unit="m2")
        for part, area in zip(parts, areas)
        if area > tolerance_m2
    ]


def find_schools_outside(
    refs: list[ZoneRef], geoms: np.ndarray, schools: dict, frame: MetricFrame, near_tolerance_m: float
) -> list[Finding]:
    """Schools whose point lies outside every zone naming them (beyond the tolerance)."""
    naming: dict[str, list[int]] = {}
    for i, ref in enumerate(refs):
        for name in ref.names:
            naming.setdefault(name, []).append(i)
    findings = []
    for name, positions in naming.items():
        point = schools.get(name)
        if point is None or point.is_empty or shapely.covers(geoms[positions], point).any():
            continue
        dists = shapely.distance(frame.to_metric(geoms[positions]), frame.to_metric(point))
        nearest = int(np.argmin(dists))
        if dists[nearest] > near_tolerance_m:
            findings.append(
                warning(
                    "school_outside_zone",
                    feature=refs[positions[nearest]].index,
                    school=name,
                    location=round_location(point.x, point.y),
                    quantity=round_quantity(dists[nearest], "m"),
                    unit="m",
                )
            )
    return findings


def _iou(a: BaseGeometry, b: BaseGeometry) -> float:
    union = shapely.union(a, b).area
    return shapely.intersection(a, b).area / union if union > 0 else 0.0


def _gcj02_improves_boundary(union: BaseGeometry, boundary: BaseGeometry) -> bool:
    # IoU is a ratio, so measuring it in degrees is fine at district scale.
    simple_u = shapely.simplify(union, 2e-5)
    simple_b = shapely.simplify(boundary, 2e-5)
    corrected = make_valid_polygonal(gcj02_to_wgs84_geometry(simple_u)) or shapely.Polygon()
    return _iou(corrected, simple_b) - _iou(simple_u, simple_b) > GCJ02_IOU_GAIN


def _gcj02_improves_schools(refs: list[ZoneRef], geoms: np.ndarray, schools: dict) -> bool:
    pairs = []
    for i, ref in enumerate(refs):
        for name in ref.names:
            point = schools.get(name)
            if point is not None and not point.is_empty:
                pairs.append((i, point))
    if len(pairs) < 3:
        return False
    before = sum(bool(shapely.covers(geoms[i], p)) for i, p in pairs)
    after = sum(bool(shapely.covers(geoms[i], shapely.Point(wgs84_to_gcj02(p.x, p.y)))) for i, p in pairs)
    return after - before >= max(1, math.ceil(0.1 * len(pairs)))


def gcj02_suspicion(
    refs: list[ZoneRef],
    geoms: np.ndarray,
    union: BaseGeometry | None,
    boundary: BaseGeometry | None,
    schools: dict,
    frame: MetricFrame,
) -> Finding | None:
    """Warn when undoing a GCJ-02 shift would clearly fit the boundary or schools better.

    Compares the boundary IoU of the zones' union before and after the GCJ-02 -> WGS84
    correction (if a boundary is known), else how many schools fall inside their own
    zone. Moving the school points into GCJ-02 is equivalent to correcting the zones.
    """
    lon, lat = frame.center
    if out_of_china(lon, lat) or not len(refs):
        return None
    better = False
    if boundary is not None and union is not None and not union.is_empty:
        better = _gcj02_improves_boundary(union, boundary)
    if not better:
        better = _gcj02_improves_schools(refs, geoms, schools)
    if not better:
        return None
    return warning(
        "gcj02_suspected",
        location=round_location(lon, lat),
        params={"offset_m": round_quantity(gcj02_offset_m(lon, lat), "m")},
    )
