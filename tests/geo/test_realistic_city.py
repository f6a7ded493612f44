"""Validation of a realistic city: 300 zones with shared wiggly edges (bench/cities.py), ~1,000 vertices each.

Neighbours share every edge, so every neighbouring pair "intersects"; only a deliberate overlap and a
deliberate gap may be reported, and finding them must not cost much more than checking the coverage.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pyogrio
import pyproj
import pytest
import shapely
from support import wiggly_zones

from enroll.geo.io import ReadResult, SourceFeature
from enroll.geo.validate import validate_zones

GEOD = pyproj.Geod(ellps="WGS84")
BITE_M, HOLE_M = 20.0, 40.0  # radii: a bite of a neighbour (~630 m2 > 100) and a hole (~5,000 m2 > 1,000)


def geodesic_area(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0])


def disk(point, radius_m: float):
    """A disk of about ``radius_m`` around a lon/lat point (an ellipse in degrees)."""
    circle = shapely.buffer(shapely.Point(0, 0), 1.0, quad_segs=16)
    sx, sy = radius_m / (111_320 * np.cos(np.radians(point.y))), radius_m / 110_574
    return shapely.transform(circle, lambda xy: np.column_stack([point.x + xy[:, 0] * sx, point.y + xy[:, 1] * sy]))


@pytest.fixture(scope="module")
def city():
    """(zones, names, schools, district): a valid coverage; each school inside its zone; the district its union."""
    zones = np.array(wiggly_zones(300), dtype=object)
    names = [f"合成第{i + 1:03d}小学" for i in range(len(zones))]
    schools = dict(zip(names, shapely.point_on_surface(zones)))
    return zones, names, schools, shapely.coverage_union_all(zones)


@pytest.fixture(scope="module")
def broken(city):
    """The city with zone ``a`` biting into its neighbour ``b`` and a hole in zone ``c``.

    :returns: (zones, a, b, c, bite, hole)
    """
    zones, names, schools, district = city
    zones = zones.copy()
    centre = shapely.centroid(district)
    a = int(np.argmin(shapely.distance(zones, centre)))
    tree = shapely.STRtree(zones)
    neighbours = [int(j) for j in tree.query(zones[a], predicate="intersects") if j != a]
    shared = {j: shapely.intersection(zones[a].boundary, zones[j].boundary).length for j in neighbours}
    b = max(shared, key=shared.get)
    edge = shapely.line_merge(shapely.intersection(zones[a].boundary, zones[b].boundary))
    bite = shapely.intersection(zones[b], disk(shapely.line_interpolate_point(edge, 0.5, normalized=True), BITE_M))
    zones[a] = shapely.union(zones[a], bite)
    far = np.argsort(-shapely.distance(zones, zones[a]))  # a zone well away from a and b
    for c in map(int, far):
        hole = disk(shapely.centroid(zones[c]), HOLE_M)
        if zones[c].contains(hole) and not hole.intersects(schools[names[c]]):
            break
    zones[c] = shapely.difference(zones[c], hole)
    return zones, a, b, c, bite, hole


def read_of(zones, names) -> ReadResult:
    features = [SourceFeature(i + 1, geom, {"学校名称": name}) for i, (geom, name) in enumerate(zip(zones, names))]
    return ReadResult(features, "EPSG:4326", None, "gpkg", [])


def test_the_clean_city_has_no_findings(city):
    zones, names, schools, district = city
    assert shapely.coverage_is_valid(zones)
    report = validate_zones(read_of(zones, names), schools=schools, boundary=district)
    assert report.findings == []
    assert report.stats["coverage_ratio"] == 1.0


def test_one_overlap_and_one_gap_are_found_exactly(city, broken):
    _, names, schools, district = city
    zones, a, b, _, bite, hole = broken
    report = validate_zones(read_of(zones, names), schools=schools, boundary=district)
    assert [(f.code, f.severity) for f in report.findings] == [("overlap", "error"), ("gap", "warning")]
    overlap, gap = report.findings
    first, later = sorted((a, b))
    assert (overlap.feature, overlap.school) == (later + 1, names[later])
    assert overlap.params == {"other_feature": first + 1, "other_school": names[first]}
    assert overlap.quantity == pytest.approx(geodesic_area(bite), rel=0.005)
    assert bite.buffer(1e-9).contains(shapely.Point(overlap.location))
    assert gap.quantity == pytest.approx(geodesic_area(hole), rel=0.005)
    assert hole.contains(shapely.Point(gap.location))
    covered = report.stats["covered_area_m2"] / report.stats["district_area_m2"]
    assert covered == pytest.approx(1 - gap.quantity / report.stats["district_area_m2"], abs=1e-9)


def test_multi_school_zones_may_overlap(city, broken):
    """Two zones each served by several schools may share ground; a hole is still a gap."""
    _, names, schools, district = city
    zones, a, b, *_ = broken
    names = list(names)
    names[a], names[b] = f"{names[a]}、{names[b]}", f"{names[b]}、{names[a]}"
    report = validate_zones(read_of(zones, names), schools=schools, boundary=district)
    assert [f.code for f in report.findings] == ["gap"]


def test_tolerances_still_apply(city, broken):
    _, names, schools, district = city
    zones, *_ = broken
    report = validate_zones(read_of(zones, names), schools=schools, boundary=district,
                            overlap_tolerance_m2=1_000, gap_tolerance_m2=10_000)
    assert report.findings == []


def test_validation_costs_at_most_four_times_reading_and_coverage_check(city, broken, tmp_path):
    """Only zones whose edges do not match a neighbour's are intersected with their neighbours.

    All of validation costs about 2x reading the file and checking it is a valid coverage
    (``shapely.coverage_is_valid``); intersecting every neighbouring pair again makes it about 6x
    (validation before issue 15: 10x). CPU time of this process, median of three rounds side by side.
    """
    import geopandas as gpd

    _, names, schools, district = city
    zones, *_ = broken
    path = tmp_path / "city.gpkg"
    gpd.GeoDataFrame({"学校名称": names}, geometry=list(zones), crs="EPSG:4326").to_file(path)
    read = read_of(zones, names)

    def floor():
        shapely.coverage_is_valid(np.array(pyogrio.read_dataframe(path).geometry.values))

    def validate():
        validate_zones(read, schools=schools, boundary=district)

    runs: dict = {floor: [], validate: []}
    for _ in range(3):
        for fn, times in runs.items():
            start = time.process_time()
            fn()
            times.append(time.process_time() - start)
    ratio = statistics.median(runs[validate]) / statistics.median(runs[floor])
    assert ratio <= 4.0, f"validation costs {ratio:.1f}x reading the file and checking its coverage"
