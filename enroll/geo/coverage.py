"""Spatial checks on a set of zones: overlaps, district coverage, school positions, GCJ-02.

All measurements happen in one local metric frame (see :class:`MetricFrame`);
findings report quantities in m2 / m and locations in lon/lat EPSG:4326.
"""

from __future__ import annotations

import functools
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
    wgs84_to_gcj02_array,
)
from .findings import Finding, error, round_location, round_quantity, warning

GCJ02_IOU_GAIN = 0.002


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
    the data's straight edges live; only the results are measured here, so differing
    vertex densities never create artefacts.
    """

    def __init__(self, geoms_lonlat: list):
        present = [g for g in geoms_lonlat if g is not None and not g.is_empty]
        if present:
            self.bounds = tuple(shapely.total_bounds(np.array(present, dtype=object)))
            xmin, ymin, xmax, ymax = self.bounds
            self.center = ((xmin + xmax) / 2.0, (ymin + ymax) / 2.0)
        else:
            self.bounds, self.center = (0.0, 0.0, 0.0, 0.0), (0.0, 0.0)
        self.crs = local_metric_crs(*self.center)
        self._fwd = pyproj.Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)

    def to_metric(self, geoms):
        """Project lon/lat geometries (one or an array) into the frame."""
        return transform_geometries(geoms, self._fwd)

    def area(self, geoms):
        """Area in m2 of lon/lat geometries (scalar or array), as projected into the frame.

        The area in square degrees times the frame's areal scale (m2 per square degree, the
        Jacobian determinant of the projection) at each geometry's centroid. The scale varies
        smoothly, and its first-order variation averages out about the centroid, so this matches
        projecting every vertex to within 2e-8 for a zone and 2e-6 for a 40 km district (1e-5 for a
        100 km one), without transforming a single vertex of the geometry itself.
        """
        scalar = isinstance(geoms, BaseGeometry)
        geoms = np.atleast_1d(np.asarray(geoms, dtype=object))
        areas = shapely.area(geoms)
        areas = np.where(np.isfinite(areas), areas, 0.0)  # None or missing: 0
        measured = areas > 0
        result = np.zeros(len(geoms))
        if measured.any():
            result[measured] = areas[measured] * self._areal_scale(geoms[measured])
        return float(result[0]) if scalar else result

    @functools.cached_property
    def _scales(self) -> np.ndarray:
        xmin, ymin, xmax, ymax = self.bounds
        xs, ys = np.meshgrid([xmin, (xmin + xmax) / 2, xmax], [ymin, (ymin + ymax) / 2, ymax])
        return self._areal_scale(shapely.points(xs.ravel(), ys.ravel()))

    def max_areal_scale(self) -> float:
        """An upper bound of the areal scale (m2 per square degree) anywhere within the data's bounds.

        The scale varies monotonically (with latitude, and with distance from the central
        meridian) and by about 1e-3 across a district, so its largest value at the corners,
        edge midpoints and centre, plus 0.1 %, bounds it.
        """
        return float(self._scales.max()) * 1.001

    def central_areal_scale(self) -> float:
        """The areal scale (m2 per square degree) at the centre of the data's bounds."""
        return float(self._scales[4])

    def _areal_scale(self, geoms: np.ndarray) -> np.ndarray:
        """m2 per square degree at each geometry's centroid (its bounding box centre if it has none)."""
        centres = shapely.centroid(geoms)
        x, y = shapely.get_x(centres), shapely.get_y(centres)
        odd = ~(np.isfinite(x) & np.isfinite(y))
        if odd.any():  # e.g. an invalid bow-tie whose signed parts cancel
            bounds = shapely.bounds(geoms[odd])
            x[odd], y[odd] = (bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2
        h = 1e-4  # degrees: central differences, error of order h^2 (negligible)
        lon = np.concatenate([x + h, x - h, x, x])
        lat = np.concatenate([y, y, y + h, y - h])
        mx, my = (np.asarray(v).reshape(4, -1) for v in self._fwd.transform(lon, lat))
        return ((mx[0] - mx[1]) * (my[2] - my[3]) - (mx[2] - mx[3]) * (my[0] - my[1])) / (4 * h * h)


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


def mismatched(geoms: np.ndarray) -> np.ndarray:
    """Which zones have an edge that does not exactly match a neighbour's (GEOS coverage validation).

    Two zones whose interiors intersect are never both unflagged: unless they are identical (both
    flagged), an edge of one runs inside the other. A zone lying inside another flags only itself.
    All False means a valid coverage: no overlaps, and ``coverage_union_all`` applies.
    """
    if len(geoms) < 2:
        return np.zeros(len(geoms), dtype=bool)
    try:
        return ~shapely.is_empty(shapely.coverage_invalid_edges(geoms))
    except shapely.errors.GEOSException:  # cannot tell: treat every zone as suspect
        return np.ones(len(geoms), dtype=bool)


def _coverage_union(geoms: np.ndarray, block: int = 400) -> BaseGeometry:
    """Union of a valid coverage, by blocks of about ``block`` neighbouring zones, then of the blocks.

    The blocks' unions still share their edges exactly, so they form a valid coverage in turn;
    GEOS's coverage union grows faster than linearly, and this is about twice as fast at 10,000 zones.
    """
    k = int(np.ceil(np.sqrt(len(geoms) / block)))
    if k < 2:
        return shapely.coverage_union_all(geoms)
    xmin, ymin, xmax, ymax = shapely.bounds(geoms).T
    x, y = (xmin + xmax) / 2, (ymin + ymax) / 2
    col = np.minimum((x - x.min()) / (np.ptp(x) or 1.0) * k, k - 1).astype(int)
    row = np.minimum((y - y.min()) / (np.ptp(y) or 1.0) * k, k - 1).astype(int)
    cells = row * k + col
    blocks = [shapely.coverage_union_all(geoms[cells == cell]) for cell in np.unique(cells)]
    return shapely.coverage_union_all(np.array(blocks, dtype=object))


def union_of(geoms: np.ndarray, flagged: np.ndarray) -> BaseGeometry | None:
    """The union of the zones: the matching ones by coverage union (linear), the rest overlaid on it."""
    if not len(geoms):
        return None
    matching = geoms[~flagged]
    parts = list(geoms[flagged])
    if len(matching):  # any subset of zones whose edges all match is itself a valid coverage
        parts.append(_coverage_union(matching))
    return parts[0] if len(parts) == 1 else shapely.union_all(np.array(parts, dtype=object))


def neighbour_work(geoms: np.ndarray) -> tuple[int, int]:
    """(pairs of zones whose bounding boxes meet, the vertices of those pairs added up): what checking
    the zones against each other costs. A real plan has about six such neighbours a zone; zones piled
    on each other (a layer exported twice over, a wrong file) have hundreds, and GEOS's coverage check
    of crossing edges grows with the square of them."""
    if len(geoms) < 2:
        return 0, 0
    left, right = shapely.STRtree(geoms).query(geoms)
    keep = left < right
    vertices = shapely.get_num_coordinates(geoms)
    return int(keep.sum()), int((vertices[left[keep]] + vertices[right[keep]]).sum())


def find_overlaps(
    refs: list[ZoneRef], geoms: np.ndarray, frame: MetricFrame, tolerance_m2: float, flagged: np.ndarray | None = None
) -> list[Finding]:
    """Overlaps above tolerance between zone pairs where at least one is single-school.

    Only pairs with at least one zone flagged by :func:`mismatched` can overlap, so only those
    are intersected (in a valid coverage, none): neighbours share edges, and intersecting every
    neighbouring pair costs far more than the coverage check itself.
    """
    if len(refs) < 2:
        return []
    suspects = np.flatnonzero(mismatched(geoms) if flagged is None else flagged)
    if not len(suspects):
        return []
    found, others = shapely.STRtree(geoms).query(geoms[suspects], predicate="intersects")
    found = suspects[found]
    pairs = np.unique(np.column_stack([np.minimum(found, others), np.maximum(found, others)]), axis=0)
    left, right = pairs[:, 0], pairs[:, 1]
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


@dataclass
class BoundaryOverlay:
    """The zones' union and the district overlaid once, for the gaps, the covered area and the outside check.

    The overlay is their symmetric difference, computed tile by tile (see :func:`_tiles`): of it are
    kept the total planar area in square degrees (``total_deg2``) and each tile's (``tile_deg2``,
    tile bounds in ``tiles``), and, of its connected parts inside the district that may matter (see
    :func:`overlay_boundary`), the geometries (``gaps``) and areas in m2 (``gap_areas``);
    ``uncovered_m2`` is the area no zone covers. Sums follow from area(union - boundary) -
    area(boundary - union) = area(union) - area(boundary), exact in square degrees, so no sliver
    needs to be told inside from outside.
    """

    total_deg2: float
    tiles: np.ndarray
    tile_deg2: np.ndarray
    gaps: np.ndarray
    gap_areas: np.ndarray
    uncovered_m2: float
    union_deg2: float
    boundary_deg2: float

    @property
    def gaps_deg2(self) -> float:
        """Area of the district that no zone covers, square degrees."""
        return max(0.0, (self.total_deg2 - self.union_deg2 + self.boundary_deg2) / 2)

    @property
    def outside_deg2(self) -> float:
        """Area of the zones outside the district, square degrees."""
        return max(0.0, (self.total_deg2 + self.union_deg2 - self.boundary_deg2) / 2)

    @property
    def iou(self) -> float:
        """Intersection over union of the zones' union and the district (planar, in degrees)."""
        total = self.union_deg2 + self.gaps_deg2
        return (self.boundary_deg2 - self.gaps_deg2) / total if total > 0 else 0.0

    def near(self, geoms: np.ndarray) -> np.ndarray:
        """For each geometry, the overlay's area (square degrees) in the tiles its bounds meet.

        Every part of the overlay lies within its tile, so this bounds what of the geometry lies
        outside the district (or in a gap).
        """
        tree = shapely.STRtree(shapely.box(*self.tiles.T)) if len(self.tiles) else None
        if tree is None or not len(geoms):
            return np.zeros(len(geoms))
        geom, tile = tree.query(shapely.box(*shapely.bounds(geoms).T))
        return np.bincount(geom, weights=self.tile_deg2[tile], minlength=len(geoms))


def _clip(geom: BaseGeometry, rect: tuple) -> BaseGeometry:
    """``geom`` within ``rect``: GEOS's fast rectangle clipping, or an overlay where that is not valid."""
    if geom.is_empty:
        return geom
    clipped = shapely.clip_by_rect(geom, *rect)
    if not clipped.is_valid:  # rectangle clipping makes no promise of validity in degenerate cases
        clipped = polygonal_part(shapely.intersection(geom, shapely.box(*rect))) or shapely.Polygon()
    return clipped


def _tiles(union: BaseGeometry, boundary: BaseGeometry, leaf_vertices: int):
    """Yield (tile, part of the symmetric difference within it), halving tiles until they hold few vertices.

    GEOS's overlay of two long, nearly coincident outlines grows faster than their length: on
    tiles of about a thousand vertices it runs two to three times as fast, and holds only one
    tile's noding in memory. Halving rather than a fixed grid reads every vertex once per level.
    """
    stack = [(union, boundary, tuple(shapely.total_bounds(np.array([union, boundary], dtype=object))))]
    while stack:
        u, b, rect = stack.pop()
        if u.is_empty and b.is_empty:
            continue
        xmin, ymin, xmax, ymax = rect
        if shapely.get_num_coordinates(u) + shapely.get_num_coordinates(b) <= leaf_vertices or max(
                xmax - xmin, ymax - ymin) < 1e-5:
            diff = polygonal_part(shapely.symmetric_difference(u, b))
            if diff is not None:
                yield rect, diff
            continue
        if xmax - xmin >= ymax - ymin:
            mid = (xmin + xmax) / 2
            halves = [(xmin, ymin, mid, ymax), (mid, ymin, xmax, ymax)]
        else:
            mid = (ymin + ymax) / 2
            halves = [(xmin, ymin, xmax, mid), (xmin, mid, xmax, ymax)]
        stack.extend((_clip(u, half), _clip(b, half), half) for half in halves)


def overlay_boundary(union: BaseGeometry | None, boundary: BaseGeometry, frame: MetricFrame,
                     relevant_m2: float = 1.0, leaf_vertices: int = 1024) -> BoundaryOverlay:
    """Overlay the zones' union and the district: their symmetric difference, tile by tile (see :func:`_tiles`).

    Where the zones follow the boundary closely but with other vertices, the two outlines cross
    tens of thousands of times and this overlay is the dearest step of validation, so it is done
    once. Only parts that may exceed ``relevant_m2`` are told apart (inside or outside the district)
    and kept; the rest, slivers, are only summed. A part cut by a tile's edge is whole again once
    its pieces inside the district are merged across the edges.
    """
    side_known = union is None or union.is_empty  # no zones: every part is inside the district
    union = shapely.Polygon() if side_known else union
    scale, tiles, tile_deg2, gaps, cut = frame.max_areal_scale(), [], [], [], []
    shapely.prepare(boundary)
    for rect, diff in _tiles(union, boundary, leaf_vertices):
        xmin, ymin, xmax, ymax = rect
        parts = shapely.get_parts(diff)
        deg2, box = shapely.area(parts), shapely.bounds(parts)
        eps = 1e-9 * max(xmax - xmin, ymax - ymin)
        on_edge = ((box[:, 0] <= xmin + eps) | (box[:, 1] <= ymin + eps) | (box[:, 2] >= xmax - eps)
                   | (box[:, 3] >= ymax - eps))
        keep = on_edge | (deg2 * scale > relevant_m2)
        kept, on_edge = parts[keep], on_edge[keep]
        if not side_known and len(kept):
            inner = shapely.point_on_surface(kept)  # strictly inside its part, so on one side of the boundary
            inside = shapely.contains_xy(boundary, shapely.get_x(inner), shapely.get_y(inner))
            kept, on_edge = kept[inside], on_edge[inside]
        tiles.append(rect)
        tile_deg2.append(float(deg2.sum()))
        gaps.append(kept[~on_edge])
        cut.append(kept[on_edge])
    cut_parts = np.concatenate(cut) if cut else np.array([], dtype=object)
    if len(cut_parts):
        gaps.append(shapely.get_parts(polygonal_part(shapely.union_all(cut_parts)) or shapely.Polygon()))
    found = np.concatenate(gaps) if gaps else np.array([], dtype=object)
    found = found[shapely.area(found) * scale > relevant_m2]
    tile_deg2 = np.array(tile_deg2)
    overlay = BoundaryOverlay(
        float(tile_deg2.sum()), np.array(tiles).reshape(-1, 4), tile_deg2, found, frame.area(found), 0.0,
        float(shapely.area(union)), float(shapely.area(boundary)))
    slivers_deg2 = max(0.0, overlay.gaps_deg2 - float(shapely.area(found).sum()))
    overlay.uncovered_m2 = float(overlay.gap_areas.sum()) + slivers_deg2 * frame.central_areal_scale()
    return overlay


def find_outside(
    refs: list[ZoneRef], geoms: np.ndarray, boundary: BaseGeometry, frame: MetricFrame, tolerance_m2: float,
    overlay: BoundaryOverlay | None = None,
) -> list[Finding]:
    """Zones reaching outside the district boundary by more than the tolerance.

    With the ``overlay``, a zone is measured only if the overlay's area in the tiles its bounds meet
    is more than the tolerance: those hold all of it that lies outside.
    """
    if not len(refs):
        return []
    shapely.prepare(boundary)
    reaching = np.flatnonzero(~shapely.contains(boundary, geoms))
    if overlay is not None and len(reaching):
        limit, scale = tolerance_m2 * (1 - 1e-9), frame.max_areal_scale()  # a margin for rounding
        if overlay.outside_deg2 * scale <= limit:
            return []
        reaching = reaching[overlay.near(geoms[reaching]) * scale > limit]
    if not len(reaching):
        return []
    # a zone minus the boundary is the zone minus the boundary within the zone's box: a few hundred
    # of the boundary's vertices instead of all of them
    near = np.array([_clip(boundary, box) for box in shapely.bounds(geoms[reaching])], dtype=object)
    outside = shapely.difference(geoms[reaching], near)
    areas = frame.area(outside)
    return [
        error(
            "outside_district",
            feature=refs[i].index,
            school=refs[i].label,
            location=location(part),
            quantity=round_quantity(area, "m2"),
            unit="m2",
        )
        for i, part, area in zip(reaching, outside, areas)
        if area > tolerance_m2
    ]


def find_gaps(parts: np.ndarray, areas: np.ndarray, tolerance_m2: float) -> list[Finding]:
    """A warning for each uncovered part (see :class:`BoundaryOverlay`) larger than the tolerance, largest first."""
    return [
        warning("gap", location=location(parts[k]), quantity=round_quantity(areas[k], "m2"), unit="m2")
        for k in np.argsort(-areas, kind="stable")
        if areas[k] > tolerance_m2
    ]


def _school_pairs(refs: list[ZoneRef], schools: dict) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(zone position, school name, school point) for every school a zone names that has a point."""
    zones, names, points = [], [], []
    for i, ref in enumerate(refs):
        for name in ref.names:
            point = schools.get(name)
            if point is not None and not point.is_empty:
                zones.append(i)
                names.append(name)
                points.append(point)
    return np.array(zones, dtype=int), names, np.array(points, dtype=object)


def find_schools_outside(
    refs: list[ZoneRef], geoms: np.ndarray, schools: dict, frame: MetricFrame, near_tolerance_m: float
) -> list[Finding]:
    """Schools whose point lies outside every zone naming them (beyond the tolerance)."""
    zones, names, points = _school_pairs(refs, schools)
    covered = shapely.covers(geoms[zones], points) if len(zones) else np.array([], dtype=bool)
    inside = {name for name, ok in zip(names, covered) if ok}
    naming: dict[str, list[int]] = {}
    for zone, name in zip(zones.tolist(), names):
        if name not in inside:
            naming.setdefault(name, []).append(zone)
    findings = []
    for name, positions in naming.items():
        point = schools[name]
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


def _gcj02_improves_boundary(union: BaseGeometry, boundary: BaseGeometry, overlay: BoundaryOverlay) -> bool:
    # IoU is a ratio, so measuring it in degrees is fine at district scale; the union's own IoU is
    # known from the overlay, and a union shifted by the GCJ-02 offset crosses the boundary seldom.
    corrected = make_valid_polygonal(gcj02_to_wgs84_geometry(union)) or shapely.Polygon()
    inter = float(shapely.area(shapely.intersection(corrected, boundary)))
    total = float(shapely.area(corrected)) + overlay.boundary_deg2 - inter
    return (inter / total if total > 0 else 0.0) - overlay.iou > GCJ02_IOU_GAIN


def _gcj02_improves_schools(refs: list[ZoneRef], geoms: np.ndarray, schools: dict) -> bool:
    zones, _, points = _school_pairs(refs, schools)
    if len(zones) < 3:
        return False
    before = int(shapely.covers(geoms[zones], points).sum())
    lon, lat = wgs84_to_gcj02_array(shapely.get_x(points), shapely.get_y(points))
    after = int(shapely.covers(geoms[zones], shapely.points(lon, lat)).sum())
    return after - before >= max(1, math.ceil(0.1 * len(zones)))


def gcj02_suspicion(
    refs: list[ZoneRef],
    geoms: np.ndarray,
    union: BaseGeometry | None,
    boundary: BaseGeometry | None,
    schools: dict,
    frame: MetricFrame,
    overlay: BoundaryOverlay | None = None,
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
        better = _gcj02_improves_boundary(union, boundary, overlay or overlay_boundary(union, boundary, frame))
    if not better:
        better = _gcj02_improves_schools(refs, geoms, schools)
    if not better:
        return None
    return warning(
        "gcj02_suspected",
        location=round_location(lon, lat),
        params={"offset_m": round_quantity(gcj02_offset_m(lon, lat), "m")},
    )
