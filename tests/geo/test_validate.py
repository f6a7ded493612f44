"""Validation of zones: geometry, school names, overlaps, coverage, GCJ-02 suspicion, speed."""

from __future__ import annotations

import json
import time

import numpy as np
import pyproj
import pytest
import shapely
import shapely.affinity
from shapely.geometry import Point, box, mapping

from enroll.geo.findings import Finding
from enroll.geo.io import ReadResult, SourceFeature, read_zoning_file
from enroll.geo.validate import detect_school_field, split_school_names, validate_zones


def by_code(report, code: str) -> list[Finding]:
    return [f for f in report.findings if f.code == code]


def synthetic(rows: list[tuple[str | None, object]], field: str = "学校名称") -> ReadResult:
    """An in-memory read result: (school value, lon/lat geometry) per feature."""
    features = [SourceFeature(i + 1, geom, {field: value}) for i, (value, geom) in enumerate(rows)]
    return ReadResult(features, "EPSG:4326", None, "geojson", [])


# --- helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,expected",
    [
        ("第一小学", ["第一小学"]),
        ("第一小学、第二小学", ["第一小学", "第二小学"]),
        (" 第一小学 ，第二小学;第三小学；第四小学/第五小学|第六小学, 第七小学 ", [f"第{c}小学" for c in "一二三四五六七"]),
        ("第一小学、、 、第一小学", ["第一小学"]),
        ("", []),
        ("  ", []),
        (None, []),
        (float("nan"), []),
        (12, ["12"]),
    ],
)
def test_split_school_names(value, expected):
    assert split_school_names(value) == expected


def test_detect_school_field():
    props = [{"编号": 1, "NAME": "a"}, {"编号": 2, "学校": "b"}]
    assert detect_school_field(props, None) == "学校"
    assert detect_school_field(props, "编号") == "编号"
    assert detect_school_field(props, "不存在") == "学校"
    assert detect_school_field([{"编号": 1}], None) is None
    assert detect_school_field([{"school": "x", "name": "y"}], None) == "school"


# --- clean data -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["clean_gbk_nocpg.zip", "clean.geojson", "clean_cgcs2000.gpkg", "clean_epsg4549.geojson"]
)
def test_clean_partition_has_no_findings(data_dir, district, name):
    boundary, schools = district
    report = validate_zones(read_zoning_file(data_dir / name), schools=schools, boundary=boundary)
    assert report.findings == []
    assert not report.has_errors
    assert report.stats["features"] == report.stats["zones"] == 6
    assert report.stats["coverage_ratio"] == 1.0
    assert report.stats["district_area_m2"] == pytest.approx(1_500_000, rel=1e-4)
    multi = report.zones[5]
    assert multi.kind == "multi" and multi.school_names == ["西湖区第六小学", "西湖区第七小学"]
    assert [z.kind for z in report.zones[:5]] == ["single"] * 5


def test_names_match_ignoring_width_and_spaces():
    cell = box(120.0, 30.0, 120.01, 30.01)
    schools = {"实验小学(本部)": None}
    report = validate_zones(synthetic([(" 实验小学 （本部） ", cell)]), schools=schools)
    assert by_code(report, "unknown_school") == []
    assert report.zones[0].school_names == ["实验小学(本部)"]  # the key of `schools`
    report = validate_zones(synthetic([("实验小学（分部）", cell)]), schools=schools)
    assert [(f.school, f.location is not None) for f in by_code(report, "unknown_school")] == [("实验小学（分部）", True)]


# --- problem fixtures ------------------------------------------------------------------------


def test_naming_overlap_outside_and_gap_problems(data_dir, district):
    boundary, schools = district
    report = validate_zones(read_zoning_file(data_dir / "problems_gbk_cpg.zip"), schools=schools, boundary=boundary)
    assert report.school_field == "学校名称" and report.has_errors
    [overlap] = by_code(report, "overlap")
    assert (overlap.feature, overlap.school, overlap.unit) == (3, "西湖区第三小学", "m2")
    assert overlap.params == {"other_feature": 2, "other_school": "西湖区第二小学"}
    assert overlap.quantity == pytest.approx(25_000, rel=0.01)
    assert boundary.contains(Point(overlap.location))
    [dup] = by_code(report, "duplicate_school")
    assert (dup.feature, dup.school, dup.params) == (4, "西湖区第一小学", {"first_feature": 1})
    [unknown] = by_code(report, "unknown_school")
    assert (unknown.feature, unknown.school) == (5, "不存在的小学")
    [empty] = by_code(report, "empty_school")
    assert empty.feature == 6
    [outside] = by_code(report, "outside_district")
    assert outside.feature == 6 and outside.quantity == pytest.approx(100_000, rel=0.01)
    assert not boundary.contains(Point(outside.location))
    [gap] = by_code(report, "gap")
    assert gap.severity == "warning" and gap.quantity == pytest.approx(50_000, rel=0.01)
    assert report.stats["coverage_ratio"] == pytest.approx(1 - 50_000 / 1_500_000, abs=1e-3)
    severities = [f.severity for f in report.findings]
    assert severities == sorted(severities)  # "error" < "warning": errors first
    errors = [f.feature for f in report.findings if f.severity == "error"]
    assert errors == sorted(errors)


def test_tolerances_silence_small_overlaps_and_gaps(data_dir, district):
    boundary, schools = district
    read = read_zoning_file(data_dir / "problems_gbk_cpg.zip")
    report = validate_zones(
        read, schools=schools, boundary=boundary, overlap_tolerance_m2=200_000, gap_tolerance_m2=60_000
    )
    assert by_code(report, "overlap") == by_code(report, "outside_district") == by_code(report, "gap") == []


def test_geometry_problems(data_dir, district):
    boundary, schools = district
    report = validate_zones(read_zoning_file(data_dir / "geometry_problems.geojson"), schools=schools)
    assert report.school_field == "school"
    invalid = {f.feature: f for f in by_code(report, "invalid_geometry")}
    assert sorted(invalid) == [3, 4, 5]
    assert invalid[3].params["reason"].startswith(("Self-intersection", "Too few points"))
    assert invalid[4].params == {"reason": "not_polygonal", "geom_type": "Point"}
    assert invalid[5].params == {"reason": "missing"}
    [repaired] = by_code(report, "geometry_repaired")
    assert repaired.feature == 2 and repaired.severity == "warning"
    assert repaired.params["reason"].startswith("Self-intersection")
    assert 0 < repaired.quantity < 500  # the twisted loop is about 150 m2
    assert [z.index for z in report.zones] == [1, 2, 6]
    assert all(z.geometry.is_valid for z in report.zones)
    [outside] = by_code(report, "school_outside_zone")
    assert (outside.feature, outside.school, outside.unit) == (6, "西湖区第六小学", "m")
    assert outside.quantity == pytest.approx(250, abs=2)
    assert outside.location == pytest.approx(tuple(schools["西湖区第六小学"].coords[0]), abs=1e-6)


def test_read_warnings_pass_through(data_dir, district):
    boundary, schools = district
    report = validate_zones(read_zoning_file(data_dir / "beijing54_utf8.zip"), schools=schools, boundary=boundary)
    [legacy] = by_code(report, "legacy_datum")
    assert legacy.params["crs"].startswith("Beijing 1954")
    assert report.school_field == "学校" and len(report.zones) == 6


def test_near_tolerance(data_dir, district):
    _, schools = district
    read = read_zoning_file(data_dir / "geometry_problems.geojson")
    assert by_code(validate_zones(read, schools=schools, near_tolerance_m=300), "school_outside_zone") == []


def test_missing_school_field(data_dir, district):
    boundary, schools = district
    report = validate_zones(read_zoning_file(data_dir / "no_school_field.geojson"), schools=schools)
    [missing] = by_code(report, "missing_school_field")
    assert missing.feature is None and missing.params["field"] is None and missing.params["available"] == ["编号"]
    assert missing.params["tried"][:2] == ["学校名称", "学校"]  # what was looked for, for the message
    assert by_code(report, "empty_school") == []  # reported once, not per feature
    assert report.school_field is None and report.findings[0] is missing


def test_kml_gap_hole_and_multigeometry(data_dir, district):
    boundary, schools = district
    report = validate_zones(read_zoning_file(data_dir / "zones.kml"), schools=schools, boundary=boundary)
    assert report.school_field == "学校名称"  # preferred over the Placemark <name>
    assert not report.has_errors
    [gap] = by_code(report, "gap")
    assert gap.quantity == pytest.approx(10_000, rel=0.01)
    [outside] = by_code(report, "school_outside_zone")  # school 1 stands in the hole
    assert outside.school == "西湖区第一小学" and outside.quantity == pytest.approx(50, abs=1)
    assert by_code(report, "geometry_repaired") == []  # touching MultiGeometry halves are merged
    assert report.zones[5].geometry.geom_type == "Polygon" and report.zones[5].kind == "multi"


def test_multi_zone_rules():
    """Multi-school zones may overlap each other and share schools with single zones."""
    a, b, c = box(120.0, 30.0, 120.01, 30.01), box(120.005, 30.0, 120.015, 30.01), box(120.0, 30.0, 120.004, 30.01)
    schools = {"甲小学": None, "乙小学": None, "丙小学": None}
    report = validate_zones(synthetic([("甲小学、乙小学", a), ("乙小学、丙小学", b)]), schools=schools)
    assert report.findings == []
    report = validate_zones(synthetic([("甲小学、乙小学", a), ("甲小学", c)]), schools=schools)
    assert by_code(report, "duplicate_school") == []
    [overlap] = by_code(report, "overlap")
    assert overlap.feature == 2 and overlap.params["other_feature"] == 1


# --- GCJ-02 --------------------------------------------------------------------------------


def test_gcj02_suspected_from_boundary(data_dir, district):
    boundary, _ = district
    report = validate_zones(read_zoning_file(data_dir / "clean_gcj02.geojson"), schools={}, boundary=boundary)
    [suspect] = by_code(report, "gcj02_suspected")
    assert suspect.severity == "warning" and 100 < suspect.params["offset_m"] < 700


def test_gcj02_suspected_from_schools(data_dir, district):
    _, schools = district
    report = validate_zones(read_zoning_file(data_dir / "clean_gcj02.geojson"), schools=schools)
    assert len(by_code(report, "gcj02_suspected")) == 1


def test_gcj02_not_suspected_when_converted_or_correct(data_dir, district):
    boundary, schools = district
    converted = read_zoning_file(data_dir / "clean_gcj02.geojson", gcj02=True)
    assert validate_zones(converted, schools=schools, boundary=boundary).findings == []
    correct = read_zoning_file(data_dir / "clean.geojson")
    assert by_code(validate_zones(correct, schools=schools, boundary=boundary), "gcj02_suspected") == []


# --- report serialisation ---------------------------------------------------------------------


def test_findings_round_trip_through_json(data_dir, district):
    boundary, schools = district
    report = validate_zones(read_zoning_file(data_dir / "problems_gbk_cpg.zip"), schools=schools, boundary=boundary)
    dumped = json.dumps([f.to_dict() for f in report.findings], ensure_ascii=False)
    assert [Finding.from_dict(d) for d in json.loads(dumped)] == report.findings
    assert json.dumps(report.stats)


# --- scale ---------------------------------------------------------------------------------------


def test_thousand_zone_partition_is_fast_and_clean(tmp_path):
    rng = np.random.default_rng(7)
    area = box(116.2, 39.8, 116.6, 40.1)
    seeds = shapely.points(rng.uniform(116.2, 116.6, 1000), rng.uniform(39.8, 40.1, 1000))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=area))
    cells = shapely.segmentize(shapely.intersection(cells, area), 0.0005)  # ~90 vertices per zone
    owner = shapely.STRtree(cells).query(seeds, predicate="within")
    features, schools = [], {}
    for seed_idx, cell_idx in zip(*owner):
        name = f"第{seed_idx + 1}小学"
        schools[name] = seeds[seed_idx]
        features.append({"type": "Feature", "properties": {"学校名称": name}, "geometry": mapping(cells[cell_idx])})
    path = tmp_path / "big.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False))
    assert len(features) == 1000

    start = time.perf_counter()
    report = validate_zones(read_zoning_file(path), schools=schools, boundary=area)
    elapsed = time.perf_counter() - start

    assert elapsed < 10.0
    assert report.findings == []
    assert report.stats["zones"] == 1000 and report.stats["coverage_ratio"] == pytest.approx(1.0, abs=1e-6)


def test_zones_far_from_the_district_are_measured_on_the_ellipsoid(district):
    """Zones in New York for a district in Hangzhou: how many and how far (geodesic, km); none for
    zones just over the boundary."""
    from enroll.geo.validate import far_from_district

    boundary, _schools = district
    far = np.array([shapely.box(-74.0 + i * 0.01, 40.7, -73.99 + i * 0.01, 40.71) for i in range(3)], dtype=object)
    near = shapely.affinity.translate(boundary, 0.001, 0.0)  # 100 m to the east: a drawing problem
    found = far_from_district(np.concatenate([far, [near]]), boundary)
    corner_x, corner_y = boundary.exterior.coords[0]
    direct = pyproj.Geod(ellps="WGS84").inv(-74.0, 40.7, corner_x, corner_y)[2] / 1000
    assert (found["zones"], found["of"]) == (3, 4) and abs(found["distance_km"] - direct) < 50
    assert far_from_district(np.array([near], dtype=object), boundary) is None
