"""Report text staff read: areas in km² or 公顷 (one helper for every page), plain sentences for
every finding, with no library's words in them."""
from __future__ import annotations

import pytest

from enroll.core.text import format_area
from enroll.geo.findings import error, warning
from enroll.zoning.messages import about_km, describe
from enroll.zoning.report import report_view


@pytest.mark.parametrize(("square_metres", "shown"), [
    (15_559_644.5, "15.6 平方千米"),     # the area staff saw as "15559644.5 平方米"
    (1_000_000, "1 平方千米"),
    (1_234_000_000, "1,234 平方千米"),   # grouped
    (123_456_789, "123 平方千米"),
    (999_000, "99.9 公顷"),              # below 1 km²: hectares
    (35_000, "3.5 公顷"),
    (2_500, "0.25 公顷"),
    (150, "0.015 公顷"),                 # an overlap just over the 100 m² tolerance
    (0, "0 公顷"),
    (None, ""),
])
def test_areas_are_written_in_square_kilometres_or_hectares(app, square_metres, shown):
    with app.test_request_context("/"):
        assert format_area(square_metres) == shown


def test_the_numbers_follow_the_reader_s_locale(app):
    with app.test_request_context("/?lang=en"):
        assert format_area(1_234_000_000).startswith("1,234 ")


@pytest.mark.parametrize(("km", "shown"), [(11_732.4, "12,000"), (10_955, "11,000"), (123.4, "120"), (7.26, "7.3")])
def test_far_distances_are_rounded_to_two_digits(app, km, shown):
    with app.test_request_context("/"):
        assert about_km(km) == shown


@pytest.mark.parametrize(("finding", "expected"), [
    (error("overlap", feature=3, quantity=2_500.0, unit="m2", params={"other_feature": 1, "other_school": "甲小学"}),
     "与第 1 个要素（甲小学）重叠 0.25 公顷。"),
    (error("outside_district", feature=2, quantity=15_559_644.5, unit="m2"), "有 15.6 平方千米 在区界之外。"),
    (warning("gap", quantity=42_000.0, unit="m2"), "区内有 4.2 公顷 不属于任何片区。"),
    (warning("geometry_repaired", feature=4, quantity=120.0, unit="m2", params={"reason": "Self-intersection[120.1 30.2]"}),
     "边界自相交，已自动修复，面积变化 0.012 公顷。请核对。"),
    (error("invalid_geometry", feature=5, params={"reason": "not_polygonal", "geom_type": "LineString"}),
     "几何图形无效，无法自动修复：不是面（多边形），而是线。请在 GIS 软件中修复后重新上传。"),
    (error("empty_school", feature=6, params={"field": "学校名称"}), "学校字段“学校名称”为空，无法确定该片区的学校。"),
    (warning("school_without_zone", school="乙小学"), "公办学校“乙小学”既没有划片文字，也没有片区。"),
])
def test_every_finding_is_a_plain_sentence(app, finding, expected):
    with app.test_request_context("/"):
        assert describe(finding.to_dict()) == expected


@pytest.mark.parametrize("detail", [
    "UnicodeDecodeError ('gb18030' codec can't decode byte 0x82 in position 7: illegal multibyte sequence)",
    "invalid json (Expecting value: line 1 column 1 (char 0))",
    "not a valid zip archive (File is not a zip file)",
    "invalid xml (mismatched tag: line 3, column 2)",
])
def test_a_file_that_cannot_be_read_is_described_without_the_library_s_words(app, detail):
    from enroll.geo.findings import unreadable

    [finding] = unreadable("划片.zip", detail).findings
    with app.test_request_context("/"):
        message = describe(finding.to_dict())
    assert "划片.zip" in message and "(" not in message and "codec" not in message and "line" not in message


def test_a_report_view_counts_every_code_and_pages_each(app):
    findings = [error("outside_district", feature=i, quantity=1e6, unit="m2").to_dict() for i in range(1, 251)]
    findings += [warning("gap", quantity=5e4, unit="m2").to_dict()]
    with app.test_request_context("/"):
        view = report_view({"findings": findings, "stats": {}}, code="outside_district", page=3)
    assert (view.errors, view.warnings, view.far) == (250, 1, None)
    [outside, gap] = view.groups
    assert (outside.code, outside.count, outside.page, outside.pages, outside.first) == ("outside_district", 250, 3, 3, 201)
    assert [f["feature"] for f in outside.findings] == list(range(201, 251))
    assert (gap.count, gap.page, len(gap.findings)) == (1, 1, 1)
