"""The demo zoning in every accepted format, through the whole import, gives the same clean plan."""
from __future__ import annotations

import zipfile

import geopandas as gpd
import pyogrio
import pytest
from support import DEMO

from enroll.geo.crs import wgs84_to_gcj02_geometry
from enroll.zoning import services as zoning

ZIP = DEMO / "zones_primary.zip"


@pytest.fixture
def demo_frame():
    return pyogrio.read_dataframe(f"/vsizip/{ZIP}/qingxi_primary_2026.shp", encoding="GBK")


def codes(plan) -> set[str]:
    return {f["code"] for f in plan.report["findings"]}


@pytest.mark.parametrize("suffix, driver", [("geojson", "GeoJSON"), ("kml", "KML"), ("gpkg", "GPKG")])
def test_each_format_imports_the_demo_cleanly(editor, demo_frame, tmp_path, suffix, driver):
    path = tmp_path / f"zones.{suffix}"
    frame = demo_frame.to_crs(4326) if driver == "KML" else demo_frame
    if driver == "KML":
        frame = frame.rename(columns={"学校名称": "Name"})[["Name", "geometry"]]
    pyogrio.write_dataframe(frame, path, driver=driver)
    plan = zoning.import_plan(editor, "990101", 2026, "primary", path,
                              school_field="Name" if driver == "KML" else None)
    assert plan.error_count == 0, plan.report["findings"][:3]
    assert len(plan.zones) == len(demo_frame) and plan.source_format == suffix


def test_shapefile_without_prj_needs_a_crs(editor, tmp_path):
    stripped = tmp_path / "noprj.zip"
    with zipfile.ZipFile(ZIP) as src, zipfile.ZipFile(stripped, "w") as dst:
        for info in src.infolist():
            if not info.filename.endswith(".prj"):
                dst.writestr(info, src.read(info))
    assert codes(zoning.import_plan(editor, "990101", 2026, "primary", stripped)) == {"missing_crs"}
    plan = zoning.import_plan(editor, "990101", 2026, "primary", stripped, crs="EPSG:4549")
    assert plan.error_count == 0 and len(plan.zones) == 27


def test_gcj02_traced_zones_are_suspected_and_converted_when_declared(editor, demo_frame, tmp_path):
    shifted = gpd.GeoDataFrame(demo_frame.drop(columns="geometry"),
                               geometry=[wgs84_to_gcj02_geometry(g) for g in demo_frame.to_crs(4326).geometry],
                               crs=4326)
    path = tmp_path / "gcj.geojson"
    pyogrio.write_dataframe(shifted, path, driver="GeoJSON")
    undeclared = zoning.import_plan(editor, "990101", 2026, "primary", path)
    assert "gcj02_suspected" in codes(undeclared)
    declared = zoning.import_plan(editor, "990101", 2026, "primary", path, gcj02=True)
    assert declared.error_count == 0 and "gcj02_suspected" not in codes(declared)
