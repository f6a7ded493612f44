"""Real OGC API – Features clients against the running service: GDAL's OAPIF driver and OWSLib."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
from ogc_helpers import PRIMARY, published_zones
from shapely.geometry import shape

GDAL_ENV = {"GDAL_HTTP_TIMEOUT": "30", "CPL_VSIL_CURL_CACHE_SIZE": "0", "GDAL_DISABLE_READDIR_ON_OPEN": "YES"}


@pytest.fixture(scope="module")
def gdal():
    if shutil.which("ogrinfo") is None:  # like every outside tool: skipped here, a failure in CI
        reason = "ogrinfo missing: .ci/run installs gdal-bin"
        pytest.fail(reason) if os.environ.get("CI") else pytest.skip(reason)


def run(*args: str) -> str:
    done = subprocess.run(args, check=False, capture_output=True, text=True, timeout=120, env={**os.environ, **GDAL_ENV})
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_ogrinfo_reports_the_exact_feature_count(gdal, ogc_server):
    url, app = ogc_server
    out = run("ogrinfo", "-ro", "-so", f"OAPIF:{url}/ogcapi", PRIMARY)
    assert re.search(r"^Feature Count: (\d+)$", out, re.MULTILINE).group(1) == str(len(published_zones(app)))
    assert "Geometry: Polygon" in out or "Geometry: Multi Polygon" in out


def test_ogrinfo_lists_the_published_collections_only(gdal, ogc_server):
    url, _ = ogc_server
    out = run("ogrinfo", "-ro", "-q", f"OAPIF:{url}/ogcapi")
    layers = set(re.findall(r"^\d+: (\S+)", out, re.MULTILINE))
    assert layers == {PRIMARY, "zones-990101-2026-junior", "schools", "districts"}


def test_ogr2ogr_pages_through_every_feature(gdal, ogc_server, tmp_path):
    url, app = ogc_server
    target = tmp_path / "zones.geojson"
    run("ogr2ogr", "-f", "GeoJSON", str(target), f"OAPIF:{url}/ogcapi", PRIMARY, "-oo", "PAGE_SIZE=2")
    features = json.loads(target.read_text())["features"]
    zones = published_zones(app)
    assert sorted(f["properties"]["zone"] for f in features) == \
        sorted(zone_id for zone_id, _ in zones)
    by_id = dict(zones)
    assert all(shape(f["geometry"]).equals_exact(by_id[f["properties"]["zone"]], 1e-9) for f in features)


def test_owslib_lists_collections_and_fetches_with_bbox(ogc_server):
    from owslib.ogcapi.features import Features

    url, app = ogc_server
    api = Features(f"{url}/ogcapi")
    ids = {c["id"] for c in api.collections()["collections"]}
    assert ids == {PRIMARY, "zones-990101-2026-junior", "schools", "districts"}
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in api.conformance()["conformsTo"]
    found = api.collection_items("schools", bbox=[120.1746, 30.2398, 120.1747, 30.2399])
    assert [f["properties"]["name"] for f in found["features"]] == ["青溪区文澜小学"]
    page = api.collection_items(PRIMARY, limit=5)
    assert page["numberMatched"] == len(published_zones(app)) and page["numberReturned"] == 5
