"""GCJ-02 conversion, legacy datum detection and CGCS2000 handling."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import Polygon

from enroll.geo.crs import (
    approximate_where_exact,
    gcj02_to_wgs84,
    gcj02_to_wgs84_geometry,
    is_legacy_datum,
    out_of_china,
    to_wgs84_transformer,
    wgs84_to_gcj02,
    wgs84_to_gcj02_geometry,
)

GEOD = pyproj.Geod(ellps="WGS84")
CHINA_POINTS = [
    (116.3975, 39.9087),  # Beijing
    (121.4737, 31.2304),  # Shanghai
    (113.2644, 23.1291),  # Guangzhou
    (104.0665, 30.5723),  # Chengdu
    (87.6168, 43.8256),  # Urumqi
    (126.6424, 45.7560),  # Harbin
    (110.3312, 20.0311),  # Haikou
]


def dist_m(a, b) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


@pytest.mark.parametrize("lon,lat", CHINA_POINTS)
def test_round_trip_within_one_metre(lon, lat):
    there = wgs84_to_gcj02(lon, lat)
    back = gcj02_to_wgs84(*there)
    assert dist_m((lon, lat), back) < 1.0
    # The inverse is iterated to 1e-7 degree, i.e. about a centimetre.
    assert dist_m((lon, lat), back) < 0.05


@pytest.mark.parametrize("lon,lat", [(116.3975, 39.9087), (121.4737, 31.2304)])
def test_offset_magnitude_in_beijing_and_shanghai(lon, lat):
    offset = dist_m((lon, lat), wgs84_to_gcj02(lon, lat))
    assert 100.0 < offset < 700.0


@pytest.mark.parametrize("lon,lat", [(-122.33, 47.61), (2.35, 48.86), (139.69, 35.69), (151.2, -33.87)])
def test_points_outside_china_unchanged(lon, lat):
    assert out_of_china(lon, lat)
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)


def test_geometry_conversion_matches_scalar_conversion():
    ring = [(120.15, 30.27), (120.16, 30.27), (120.16, 30.28), (120.15, 30.28), (120.15, 30.27)]
    poly = Polygon(ring)
    shifted = wgs84_to_gcj02_geometry(poly)
    expected = [wgs84_to_gcj02(x, y) for x, y in ring]
    np.testing.assert_allclose(np.asarray(shifted.exterior.coords), expected, atol=1e-12)
    back = gcj02_to_wgs84_geometry(shifted)
    assert back.is_valid
    assert all(dist_m(a, b) < 0.05 for a, b in zip(back.exterior.coords, ring))


def test_geometry_conversion_is_vectorised_over_arrays():
    pts = shapely.points(np.column_stack([np.linspace(100, 120, 50), np.linspace(22, 40, 50)]))
    out = gcj02_to_wgs84_geometry(wgs84_to_gcj02_geometry(pts))
    assert out.shape == (50,)
    assert max(dist_m((a.x, a.y), (b.x, b.y)) for a, b in zip(pts, out)) < 0.05


@pytest.mark.parametrize("code", [2437, 2436, 2385, 2384, 4214, 4610])
def test_legacy_datums_detected(code):
    name = is_legacy_datum(f"EPSG:{code}")
    assert name == pyproj.CRS.from_epsg(code).name
    assert "Beijing 1954" in name or "Xian 1980" in name


def test_legacy_datum_detected_from_esri_wkt():
    esri = pyproj.CRS.from_epsg(2437).to_wkt("WKT1_ESRI")
    assert is_legacy_datum(esri) is not None


@pytest.mark.parametrize("value", ["EPSG:4326", "EPSG:4490", "EPSG:4549", "EPSG:32650", None, "not a crs"])
def test_modern_or_invalid_crs_not_legacy(value):
    assert is_legacy_datum(value) is None


def test_cgcs2000_geographic_is_taken_as_wgs84():
    assert to_wgs84_transformer(pyproj.CRS.from_epsg(4490)) is None
    assert to_wgs84_transformer(pyproj.CRS.from_user_input("OGC:CRS84")) is None


@pytest.mark.parametrize("code,lon", [(4513, 75.0), (4527, 117.0), (4549, 120.0), (4554, 135.0)])
def test_cgcs2000_gauss_kruger_zones_reproject(code, lon):
    crs = pyproj.CRS.from_epsg(code)
    fwd = pyproj.Transformer.from_crs("EPSG:4490", crs, always_xy=True)
    x, y = fwd.transform(lon + 0.3, 31.0)
    back = to_wgs84_transformer(crs).transform(x, y)
    assert dist_m(back, (lon + 0.3, 31.0)) < 0.01


@pytest.mark.parametrize("code", [4549, 4527, 32650])
def test_fast_transverse_mercator_where_it_agrees_with_the_exact_one(code):
    crs = pyproj.CRS.from_epsg(code)
    exact = to_wgs84_transformer(crs)
    x0 = 500_000 if code != 4527 else 39_500_000  # 4527 writes the zone number before the easting
    near = (x0 - 80_000, 3_300_000, x0 + 80_000, 3_400_000)  # a city around the zone's meridian
    fast = approximate_where_exact(exact, near)
    assert "approx" in fast.definition and "approx" not in exact.definition
    xs, ys = np.linspace(near[0], near[2], 50), np.linspace(near[1], near[3], 50)
    assert np.allclose(np.array(fast.transform(xs, ys)), np.array(exact.transform(xs, ys)), rtol=0, atol=1e-9)
    far = (x0 - 1_500_000, 3_300_000, x0 + 1_500_000, 3_400_000)  # 13 degrees from the meridian
    assert "approx" not in approximate_where_exact(exact, far).definition
