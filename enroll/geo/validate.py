"""Validate a read zoning file against the district's schools and boundary.

The result is a list of candidate zones (valid polygonal geometry, school names)
and findings with stable codes; publishing is blocked while any error remains.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pyproj
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from . import coverage
from .coverage import MetricFrame, ZoneRef, make_valid_polygonal, polygonal_part
from .findings import (
    ERROR,
    Finding,
    error,
    round_location,
    round_quantity,
    sort_findings,
    warning,
)
from .io import ReadResult

SCHOOL_FIELD_CANDIDATES = [
    "学校名称", "学校", "school", "SCHOOL", "School", "name", "NAME", "Name", "名称",
    # Common extras in Chinese GIS exports, tried only after the list above.
    "学校名", "XXMC", "xxmc",
]
_NAME_SEPARATORS = re.compile(r"[、,，;；/／|｜\r\n]+")
MAX_REPAIR_LOSS = 0.01
# An invalid polygon with more vertices is not repaired: GEOS's make_valid grows faster than
# linearly with the crossings (8,000 vertices crossing everywhere: 2 s; 100,000: minutes, past any
# web worker's timeout), and a zone drawn that badly needs its author's eye anyway.
MAX_REPAIR_VERTICES = 10_000


@dataclass
class ZoneCandidate:
    """A feature that can become a zone: valid polygonal EPSG:4326 geometry plus schools.

    ``school_names`` are the keys of the ``schools`` mapping where a name matched
    (matching ignores whitespace and full-/half-width differences), otherwise the
    names as written in the file.
    """

    index: int
    geometry: BaseGeometry
    school_names: list[str]
    kind: str
    properties: dict


@dataclass
class ValidationReport:
    """Zones, sorted findings (errors first) and summary statistics."""

    zones: list[ZoneCandidate]
    findings: list[Finding]
    school_field: str | None
    stats: dict = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        """True if any finding blocks publication."""
        return any(f.severity == ERROR for f in self.findings)


def detect_school_field(properties_list: list[dict], requested: str | None) -> str | None:
    """The attribute holding school names: ``requested`` if present, else the first known candidate."""
    present: set[str] = set()
    for props in properties_list:
        present.update(props.keys())
    if requested and requested in present:
        return requested
    return next((c for c in SCHOOL_FIELD_CANDIDATES if c in present), None)


def split_school_names(value) -> list[str]:
    """Split a multi-school value on 、 , ， ; ； / | (and line breaks); drop blanks and repeats."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    names: list[str] = []
    for part in _NAME_SEPARATORS.split(str(value)):
        part = part.strip()
        if part and part not in names:
            names.append(part)
    return names


_SPACES = re.compile(r"\s+")


def _name_key(name: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", name)).casefold()


def _rep_location(geom: BaseGeometry) -> tuple[float, float] | None:
    if geom is None or geom.is_empty:
        return None
    point = shapely.point_on_surface(geom) if geom.is_valid else geom.centroid
    return None if point.is_empty else round_location(point.x, point.y)


_REASON_LOCATION = re.compile(r"\[\s*([-+\d.eE]+)\s+([-+\d.eE]+)")


def _invalid_location(geom: BaseGeometry, reason: str) -> tuple[float, float] | None:
    match = _REASON_LOCATION.search(reason or "")
    if match:
        return round_location(float(match.group(1)), float(match.group(2)))
    return _rep_location(make_valid_polygonal(geom) or geom.envelope)


def _check_geometry(index: int, geom, label, frame: MetricFrame) -> tuple[BaseGeometry | None, Finding | None]:
    """Return a valid polygonal geometry (repaired if needed) and an optional finding."""
    try:
        return _repair_geometry(index, geom, label, frame)
    except shapely.errors.GEOSException as exc:  # degenerate input GEOS cannot even measure
        params = {"reason": str(exc)[:120]}
        return None, error("invalid_geometry", feature=index, school=label, params=params)


def _repair_geometry(index: int, geom, label, frame: MetricFrame) -> tuple[BaseGeometry | None, Finding | None]:
    if geom is None or geom.is_empty:
        reason = "missing" if geom is None else "empty"
        return None, error("invalid_geometry", feature=index, school=label, params={"reason": reason})
    poly = polygonal_part(geom)
    if poly is None:
        params = {"reason": "not_polygonal", "geom_type": geom.geom_type}
        return None, error("invalid_geometry", feature=index, school=label, location=_rep_location(geom), params=params)
    if poly.is_valid:
        return poly, None
    parts = shapely.get_parts(poly)
    if len(parts) > 1 and shapely.is_valid(parts).all():
        # Valid parts that merely touch or overlap (common in KML MultiGeometry): merge them.
        return polygonal_part(shapely.union_all(parts)), None
    reason = shapely.is_valid_reason(poly)
    vertices = int(shapely.get_num_coordinates(poly))
    if vertices > MAX_REPAIR_VERTICES:
        match = _REASON_LOCATION.search(reason or "")
        location = round_location(float(match.group(1)), float(match.group(2))) if match else None
        params = {"reason": reason, "vertices": vertices, "limit": MAX_REPAIR_VERTICES}
        return None, error("invalid_geometry", feature=index, school=label, location=location, params=params)
    location = _invalid_location(poly, reason)
    repaired = make_valid_polygonal(poly)
    # the area as drawn without its inside-out parts: buffer(0) drops a twisted loop, the shoelace
    # formula would subtract it, make_valid keeps it; the finding reports what the repair added
    before = float(frame.area(shapely.buffer(poly, 0)))
    after = float(frame.area(repaired)) if repaired is not None else 0.0
    if repaired is None or after < (1.0 - MAX_REPAIR_LOSS) * before:
        params = {"reason": reason}
        return None, error("invalid_geometry", feature=index, school=label, location=location, params=params)
    finding = warning(
        "geometry_repaired", feature=index, school=label, location=location,
        quantity=round_quantity(abs(after - before), "m2"), unit="m2", params={"reason": reason},
    )
    return repaired, finding


def _resolve_names(index: int, value, lookup: dict[str, str], geom, field_name: str) -> tuple[list[str], list[Finding]]:
    """Map written names to known school names; unknown or blank names become errors (located on ``geom``)."""
    written = split_school_names(value)
    if not written:
        return [], [error("empty_school", feature=index, location=_rep_location(geom), params={"field": field_name})]
    names, findings = [], []
    for name in written:
        known = lookup.get(_name_key(name))
        if known is None:
            findings.append(error("unknown_school", feature=index, school=name, location=_rep_location(geom)))
        names.append(known or name)
    return names, findings


def _duplicates(entries: list[tuple[int, list[str], BaseGeometry | None]]) -> list[Finding]:
    """The same school named by more than one single-school feature."""
    first_seen: dict[str, int] = {}
    findings = []
    for index, names, geom in entries:
        if len(names) != 1:
            continue
        key = _name_key(names[0])
        if key in first_seen:
            params = {"first_feature": first_seen[key]}
            location = _rep_location(geom)
            findings.append(error("duplicate_school", feature=index, school=names[0], location=location, params=params))
        else:
            first_seen[key] = index
    return findings


def _label(props: dict, school_field: str | None) -> str | None:
    if school_field is None:
        return None
    value = props.get(school_field)
    text = "" if value is None else str(value).strip()
    return text or None


def _collect(read: ReadResult, school_field, lookup, frame) -> tuple[list[ZoneCandidate], list[ZoneRef], list[Finding]]:
    """Per-feature checks: geometry and school names."""
    zones, refs, findings, entries = [], [], [], []
    for feat in read.features:
        label = _label(feat.properties, school_field)
        geom, geom_finding = _check_geometry(feat.index, feat.geometry, label, frame)
        if geom_finding is not None:
            findings.append(geom_finding)
        names: list[str] = []
        if school_field is not None:  # locations (a point on the zone) only where a finding needs one
            names, name_findings = _resolve_names(feat.index, feat.properties.get(school_field), lookup, geom,
                                                  school_field)
            findings.extend(name_findings)
            entries.append((feat.index, names, geom))
        if geom is not None:
            kind = "multi" if len(names) > 1 else "single"
            zones.append(ZoneCandidate(feat.index, geom, names, kind, feat.properties))
            refs.append(ZoneRef(feat.index, kind, label, names))
    findings.extend(_duplicates(entries))
    return zones, refs, findings


def _clean_boundary(boundary: BaseGeometry | None) -> BaseGeometry | None:
    if boundary is None or boundary.is_empty:
        return None
    return boundary if boundary.is_valid else make_valid_polygonal(boundary)


def _stats(n_features: int, zones: list, covered: float, district: float | None) -> dict:
    ratio = round(min(1.0, covered / district), 4) if district else None
    return {
        "features": n_features,
        "zones": len(zones),
        "district_area_m2": round_quantity(district, "m2") if district is not None else None,
        "covered_area_m2": round_quantity(covered, "m2"),
        "coverage_ratio": ratio,
    }


def validate_zones(
    read: ReadResult,
    *,
    school_field: str | None = None,
    schools: dict[str, Point | None],
    boundary: BaseGeometry | None = None,
    overlap_tolerance_m2: float = 100.0,
    gap_tolerance_m2: float = 1000.0,
    near_tolerance_m: float = 0.0,
    max_check_work: int | None = None,
) -> ValidationReport:
    """Check zones for geometry, naming, overlap, coverage and position problems.

    :param max_check_work: the most work checking the zones against each other may take (vertices
        of neighbouring pairs: ``coverage.neighbour_work``); beyond it the file is refused with
        ``too_complex`` before that check (a web upload must end well within the worker's timeout).
    """
    findings = list(read.findings)
    properties = [f.properties for f in read.features]
    field_name = detect_school_field(properties, school_field)
    if field_name is None:
        available = sorted({str(k) for p in properties for k in p})
        findings.append(error("missing_school_field", params={
            "field": school_field, "available": available, "tried": SCHOOL_FIELD_CANDIDATES}))
    lookup = {_name_key(name): name for name in schools}
    boundary = _clean_boundary(boundary)
    frame = MetricFrame([f.geometry for f in read.features] + [boundary])
    zones, refs, zone_findings = _collect(read, field_name, lookup, frame)
    findings.extend(zone_findings)
    geoms = np.array([z.geometry for z in zones], dtype=object)
    if max_check_work is not None:
        pairs, work = coverage.neighbour_work(geoms)
        if work > max_check_work:
            findings.append(error("too_complex", params={"pairs": pairs, "work": work, "limit": max_check_work}))
            return ValidationReport(zones, sort_findings(findings), field_name, _stats(len(read.features), zones, 0.0, None))
    flagged = coverage.mismatched(geoms)
    findings.extend(coverage.find_overlaps(refs, geoms, frame, overlap_tolerance_m2, flagged))
    union = district = overlay = None
    if boundary is not None:
        union = coverage.union_of(geoms, flagged)
        overlay = coverage.overlay_boundary(union, boundary, frame, min(gap_tolerance_m2, 1.0))
        findings.extend(coverage.find_outside(refs, geoms, boundary, frame, overlap_tolerance_m2, overlay))
        findings.extend(coverage.find_gaps(overlay.gaps, overlay.gap_areas, gap_tolerance_m2))
        district = float(frame.area(boundary))
        covered = max(0.0, district - overlay.uncovered_m2)
    elif flagged.any():
        covered = float(frame.area(coverage.union_of(geoms, flagged)))
    else:  # a valid coverage: no overlaps, so its area is the sum of the zones'
        covered = float(frame.area(geoms).sum()) if len(geoms) else 0.0
    findings.extend(coverage.find_schools_outside(refs, geoms, schools, frame, near_tolerance_m))
    if not read.gcj02_converted:
        suspicion = coverage.gcj02_suspicion(refs, geoms, union, boundary, schools, frame, overlay)
        if suspicion is not None:
            findings.append(suspicion)
    stats = _stats(len(read.features), zones, covered, district)
    if boundary is not None:
        stats["far"] = far_from_district(geoms, boundary)
    return ValidationReport(zones, sort_findings(findings), field_name, stats)


FAR_KM = 5.0  # zones this far outside the district are most likely in the wrong place altogether
GEOD = pyproj.Geod(ellps="WGS84")


def far_from_district(geoms: np.ndarray, boundary: BaseGeometry, min_km: float = FAR_KM) -> dict | None:
    """How many zones lie wholly outside the district, more than ``min_km`` from it, and their median
    geodesic distance from it in km: a wrong coordinate system or the wrong file (a zone a few
    metres outside is a drawing problem, reported as ``outside_district``). None when there are none.

    The nearest points are found in lon/lat, then measured on the WGS84 ellipsoid, which is
    exact where it matters (the distance, not which points are nearest, is what is reported).
    """
    if not len(geoms):
        return None
    shapely.prepare(boundary)
    apart = geoms[~shapely.intersects(boundary, geoms)]
    if not len(apart):
        return None
    lines = shapely.shortest_line(apart, boundary)
    starts, ends = shapely.get_point(lines, 0), shapely.get_point(lines, 1)
    _, _, metres = GEOD.inv(shapely.get_x(starts), shapely.get_y(starts), shapely.get_x(ends), shapely.get_y(ends))
    km = np.asarray(metres, dtype=float) / 1000.0
    far = km[km > min_km]
    if not len(far):
        return None
    return {"zones": len(far), "of": len(geoms), "distance_km": round(float(np.median(far)), 1)}
