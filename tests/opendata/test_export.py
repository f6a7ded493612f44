"""enroll.geo.export, pure: reproducible bytes, .dbf field names a Shapefile can hold, and every
format read back by enroll.geo.io with the same features (any attribute names, any text)."""
from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest
import shapely

from enroll.geo import export
from enroll.geo.io import read_zoning_file

WHEN = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)
FEATURES = [
    export.Feature(shapely.box(120.0, 30.0, 120.01, 30.01), {"序号": 1, "学校名称（全称）": "文澜小学", "kind": "single"}),
    export.Feature(shapely.MultiPolygon([shapely.box(120.02, 30.0, 120.03, 30.01), shapely.box(120.04, 30.0, 120.05, 30.01)]),
                   {"序号": 2, "学校名称（全称）": "青溪实验小学、𠮷祥小学", "kind": "multi"}),  # 𠮷: beyond GBK
]
WRITERS = {
    "zones.geojson": lambda: export.to_geojson(FEATURES, timestamp=WHEN),
    "zones.gpkg": lambda: export.to_gpkg(FEATURES, "zones", timestamp=WHEN),
    "zones.zip": lambda: export.to_shapefile_zip(FEATURES, "zones", timestamp=WHEN),
    "zones-gbk.zip": lambda: export.to_shapefile_zip(FEATURES, "zones", encoding="GBK", timestamp=WHEN),
    "zones.kml": lambda: export.to_kml(FEATURES, "学校名称（全称）", timestamp=WHEN),
}


@pytest.mark.parametrize("name", WRITERS)
def test_the_same_features_give_the_same_bytes(name):
    assert WRITERS[name]() == WRITERS[name]()


@pytest.mark.parametrize("name", WRITERS)
def test_each_format_reads_back_with_every_feature_and_its_text(name, tmp_path):
    path = tmp_path / name
    path.write_bytes(WRITERS[name]())
    read = read_zoning_file(path)
    assert len(read.features) == 2
    texts = [" ".join(str(v) for v in f.properties.values()) for f in read.features]
    assert "青溪实验小学、𠮷祥小学" in texts[1] and "文澜小学" in texts[0]
    for feature, source in zip(read.features, FEATURES):
        assert shapely.hausdorff_distance(feature.geometry, source.geometry) < 1e-7


def test_dbf_field_names_fit_ten_bytes_and_stay_unique():
    names = export.dbf_field_names(["学校名称（全称）", "学校名称（简称）", "zone_number_long", "zone_number_short"], "UTF-8")
    assert all(len(n.encode("utf-8")) <= 10 for n in names)
    assert len({n.upper() for n in names}) == 4
    assert names[0] == "学校名"  # cut on a character boundary: three characters are 9 bytes


def test_the_shapefile_holds_its_members_and_the_cpg_names_the_encoding():
    for encoding, cpg in (("UTF-8", b"UTF-8"), ("GBK", b"936")):
        archive = zipfile.ZipFile(io.BytesIO(export.to_shapefile_zip(FEATURES, "zones", encoding=encoding,
                                                                     timestamp=WHEN)))
        assert sorted(archive.namelist()) == sorted(f"zones{ext}" for ext in export.SHAPEFILE_MEMBERS)
        assert archive.read("zones.cpg") == cpg
        assert all(info.date_time == (2026, 5, 1, 8, 30, 0) for info in archive.infolist())
