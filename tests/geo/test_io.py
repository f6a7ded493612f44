"""Reading real files: formats, encodings, CRS handling, archive safety, corrupt input."""

from __future__ import annotations

import shutil
import struct
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pyproj
import pytest
import shapely

from enroll.geo.io import ArchiveLimits, ReadError, read_zoning_file

GEOD = pyproj.Geod(ellps="WGS84")
CLEAN_NAMES = ["西湖区第一小学", "西湖区第二小学", "西湖区第三小学", "西湖区第四小学", "西湖区第五小学", "西湖区第六小学、西湖区第七小学"]


def members_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name), data)
    return path


def read_error(path, **kwargs) -> list:
    with pytest.raises(ReadError) as info:
        read_zoning_file(path, **kwargs)
    assert info.value.findings and all(f.severity == "error" for f in info.value.findings)
    return info.value.findings


def max_vertex_distance_m(a, b) -> float:
    """Largest distance between corresponding vertices (ring order/orientation normalised)."""
    ca, cb = shapely.get_coordinates(shapely.normalize(a)), shapely.get_coordinates(shapely.normalize(b))
    assert ca.shape == cb.shape
    return max(GEOD.inv(p[0], p[1], q[0], q[1])[2] for p, q in zip(ca, cb))


@pytest.fixture(scope="module")
def reference(data_dir):
    """The clean partition as plain lon/lat GeoJSON, the reference for other formats."""
    return read_zoning_file(data_dir / "clean.geojson")


# --- formats ------------------------------------------------------------------------


def test_shapefile_gbk_without_cpg_is_detected(data_dir, reference):
    result = read_zoning_file(data_dir / "clean_gbk_nocpg.zip")
    assert (result.format, result.source_crs, result.encoding) == ("shapefile", "EPSG:4549", "GBK")
    assert [f.properties["学校名称"] for f in result.features] == CLEAN_NAMES
    assert [f.index for f in result.features] == [1, 2, 3, 4, 5, 6]
    assert result.findings == []
    for mine, ref in zip(result.features, reference.features):
        assert max_vertex_distance_m(mine.geometry, ref.geometry) < 0.01


def test_shapefile_with_cpg_uses_it(data_dir):
    result = read_zoning_file(data_dir / "problems_gbk_cpg.zip")
    assert result.encoding == "GBK"
    assert result.features[4].properties == {"学校名称": "不存在的小学", "学段": "小学"}


def test_cpg_codepage_number_is_understood(data_dir, tmp_path):
    members = members_of(data_dir / "clean_gbk_nocpg.zip")
    members["划片.cpg"] = b"936"
    result = read_zoning_file(write_zip(tmp_path / "cp936.zip", members))
    assert result.encoding == "GBK"
    assert result.features[0].properties["学校名称"] == "西湖区第一小学"


def test_cpg_wins_over_detection(data_dir, tmp_path):
    members = members_of(data_dir / "clean_gbk_nocpg.zip")
    members["划片.cpg"] = b"8859_1"
    result = read_zoning_file(write_zip(tmp_path / "latin.zip", members))
    assert result.encoding == "ISO-8859-1"
    assert result.features[0].properties["学校名称".encode("gbk").decode("latin-1")] == "西湖区第一小学".encode(
        "gbk"
    ).decode("latin-1")


def test_utf8_shapefile_without_cpg_is_detected(data_dir, tmp_path):
    members = {k: v for k, v in members_of(data_dir / "beijing54_utf8.zip").items() if not k.endswith(".cpg")}
    result = read_zoning_file(write_zip(tmp_path / "utf8.zip", members))
    assert result.encoding == "UTF-8"
    assert result.features[5].properties["学校"] == CLEAN_NAMES[5]


def test_a_gbk_table_whose_first_20000_records_are_ascii_is_still_read_as_gbk(tmp_path):
    """Detection reads the first 20,000 records; a GBK name after them made GDAL fail in UTF-8
    ("'utf-8' codec can't decode ..."): the whole table is looked at again, and read as GBK."""
    import geopandas as gpd

    count = 20_001
    names = ["school"] * (count - 1) + [CLEAN_NAMES[0]]
    frame = gpd.GeoDataFrame({"学校名称": names}, geometry=shapely.box(
        np.full(count, 120.15), np.full(count, 30.25), np.full(count, 120.16), np.full(count, 30.26)), crs=4326)
    frame.to_file(tmp_path / "划片.shp", encoding="GBK")
    (tmp_path / "划片.cpg").unlink()
    members = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    result = read_zoning_file(write_zip(tmp_path / "late.zip", members))
    assert result.encoding == "GBK" and result.features[-1].properties["学校名称"] == CLEAN_NAMES[0]


def test_a_table_not_in_its_cpg_encoding_is_refused_naming_member_cpg_and_likely_encoding(data_dir, tmp_path):
    members = members_of(data_dir / "clean_gbk_nocpg.zip")
    members["划片.cpg"] = b"UTF-8"
    [finding] = read_error(write_zip(tmp_path / "declared.zip", members))
    params = finding.params
    assert (finding.code, params["reason"], params["member"], params["cpg"]) == ("unreadable", "encoding", "划片.dbf", "划片.cpg")
    assert (params["tried"], params["likely"]) == (["UTF-8"], "GBK")


def test_a_geojson_in_no_known_encoding_names_the_encodings_tried(tmp_path):
    path = tmp_path / "zones.geojson"
    path.write_bytes('{"type": "FeatureCollection", "features": [], "name": "'.encode() + b"\x82\x20\xff" + b'"}')
    [finding] = read_error(path)
    assert finding.params["reason"] == "encoding" and finding.params["tried"] == ["UTF-8", "GBK/GB18030"]


def test_shp_given_directly_with_sidecars(data_dir, tmp_path):
    with zipfile.ZipFile(data_dir / "clean_gbk_nocpg.zip") as zf:
        zf.extractall(tmp_path)
    result = read_zoning_file(tmp_path / "划片.shp")
    assert result.format == "shapefile" and result.encoding == "GBK"
    assert result.features[1].properties["学校名称"] == CLEAN_NAMES[1]


def test_geojson_projected_legacy_crs_member(data_dir, reference):
    result = read_zoning_file(data_dir / "clean_epsg4549.geojson")
    assert result.source_crs == "EPSG:4549"
    for mine, ref in zip(result.features, reference.features):
        assert max_vertex_distance_m(mine.geometry, ref.geometry) < 0.01


def test_geojson_defaults_to_crs84(data_dir):
    result = read_zoning_file(data_dir / "clean.geojson")
    assert (result.format, result.source_crs, result.encoding) == ("geojson", "OGC:CRS84", "UTF-8")
    lon, lat = result.features[0].geometry.centroid.coords[0]
    assert 120.1 < lon < 120.2 and 30.2 < lat < 30.3  # lon/lat axis order


def test_geojson_in_gbk_is_decoded(data_dir, tmp_path):
    text = (data_dir / "clean.geojson").read_text(encoding="utf-8")
    path = tmp_path / "gbk.geojson"
    path.write_bytes(text.encode("gbk"))
    result = read_zoning_file(path)
    assert result.encoding == "GBK"
    assert result.features[0].properties["学校"] == CLEAN_NAMES[0]


def test_kml_placemarks_extended_data_and_rings(data_dir, reference):
    result = read_zoning_file(data_dir / "zones.kml")
    assert (result.format, result.source_crs) == ("kml", "EPSG:4326")
    props = [f.properties for f in result.features]
    assert [p["学校名称"] for p in props] == CLEAN_NAMES  # Data/value and SchemaData/SimpleData
    assert props[0]["name"] == "第1学区"
    assert len(result.features[0].geometry.interiors) == 1
    assert result.features[5].geometry.geom_type == "MultiPolygon"
    assert max_vertex_distance_m(result.features[2].geometry, reference.features[2].geometry) < 0.05


def test_kml_with_entities_is_refused(data_dir):
    findings = read_error(data_dir / "billion_laughs.kml")
    assert findings[0].code == "unreadable"
    assert findings[0].params == {"file": "billion_laughs.kml", "detail": "xml entities refused", "reason": "xml_entities"}


def test_kml_external_entity_is_refused(tmp_path):
    path = tmp_path / "xxe.kml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&x;</name></Placemark></kml>'
    )
    assert read_error(path)[0].params["detail"] == "xml entities refused"


def test_gpkg_picks_polygon_layer_and_cgcs2000(data_dir, reference):
    result = read_zoning_file(data_dir / "clean_cgcs2000.gpkg")
    assert (result.format, result.source_crs) == ("gpkg", "EPSG:4490")
    assert [f.properties["学校"] for f in result.features] == CLEAN_NAMES  # not the "schools" point layer
    assert max_vertex_distance_m(result.features[3].geometry, reference.features[3].geometry) < 0.01


def test_gpkg_without_crs(data_dir):
    findings = read_error(data_dir / "no_crs.gpkg")
    assert findings[0].code == "missing_crs" and findings[0].params["file"] == "no_crs.gpkg"
    result = read_zoning_file(data_dir / "no_crs.gpkg", crs="EPSG:4549")
    assert result.source_crs == "EPSG:4549" and len(result.features) == 6


def test_zip_containing_a_single_geojson(data_dir):
    result = read_zoning_file(data_dir / "geojson_inside.zip")
    assert result.format == "geojson" and len(result.features) == 6


def test_format_sniffed_when_extension_unknown(data_dir, tmp_path):
    shutil.copy(data_dir / "clean.geojson", tmp_path / "upload.dat")
    shutil.copy(data_dir / "clean_gbk_nocpg.zip", tmp_path / "upload")
    assert read_zoning_file(tmp_path / "upload.dat").format == "geojson"
    assert read_zoning_file(tmp_path / "upload").format == "shapefile"
    # The user's file name decides when given.
    assert read_zoning_file(tmp_path / "upload", filename="区划.zip").format == "shapefile"


# --- CRS ------------------------------------------------------------------------------


def test_missing_prj_needs_crs(data_dir, reference):
    findings = read_error(data_dir / "noprj.zip")
    assert [f.code for f in findings] == ["missing_crs"]
    result = read_zoning_file(data_dir / "noprj.zip", crs="EPSG:4549")
    assert max_vertex_distance_m(result.features[0].geometry, reference.features[0].geometry) < 0.01


def test_projected_coordinates_declared_as_lonlat(data_dir, tmp_path):
    text = (data_dir / "clean_epsg4549.geojson").read_text(encoding="utf-8")
    path = tmp_path / "nocrs.geojson"
    path.write_text(text.replace('"crs"', '"_crs"'), encoding="utf-8")
    findings = read_error(path)
    assert findings[0].code == "missing_crs"
    assert read_zoning_file(path, crs="EPSG:4549").source_crs == "EPSG:4549"


def test_unknown_crs_override(data_dir):
    assert read_error(data_dir / "clean.geojson", crs="EPSG:999999")[0].code == "missing_crs"


def test_legacy_datum_warning(data_dir):
    result = read_zoning_file(data_dir / "beijing54_utf8.zip")
    assert result.source_crs == "EPSG:2437" and result.encoding == "UTF-8"
    [finding] = result.findings
    assert (finding.code, finding.severity) == ("legacy_datum", "warning")
    assert finding.params["crs"] == "Beijing 1954 / 3-degree Gauss-Kruger CM 120E"


def test_gcj02_input_converted_back_within_a_metre(data_dir, reference):
    result = read_zoning_file(data_dir / "clean_gcj02.geojson", gcj02=True)
    assert result.gcj02_converted
    for mine, ref in zip(result.features, reference.features):
        assert max_vertex_distance_m(mine.geometry, ref.geometry) < 1.0
    unconverted = read_zoning_file(data_dir / "clean_gcj02.geojson")
    assert max_vertex_distance_m(unconverted.features[0].geometry, reference.features[0].geometry) > 100.0


# --- archive safety ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,reason,member",
    [
        ("bomb.zip", "ratio", "layer.shp"),
        ("traversal.zip", "path_traversal", "../../etc/evil.shp"),
        ("symlink.zip", "symlink", "layer.shp"),
        ("many_members.zip", "too_many_members", None),
        ("encrypted.zip", "encrypted", "layer.shp"),
    ],
)
def test_unsafe_archives(data_dir, name, reason, member):
    findings = read_error(data_dir / name)
    assert findings[0].code == "unsafe_archive"
    assert findings[0].params == {"file": name, "member": member, "reason": reason}


@pytest.mark.parametrize("member", ["..\\..\\evil.shp", "/etc/evil.shp", "C:/evil.shp", "a/../../evil.shp"])
def test_traversal_variants(tmp_path, member):
    path = write_zip(tmp_path / "t.zip", {member: b"x"})
    [finding] = read_error(path)
    assert finding.params["reason"] == "path_traversal" and finding.params["member"] == member


def test_archive_size_limits(data_dir):
    path = data_dir / "clean_gbk_nocpg.zip"
    small = read_error(path, limits=ArchiveLimits(max_archive_bytes=100))
    assert small[0].params["reason"] == "archive_too_large"
    total = read_error(path, limits=ArchiveLimits(max_total_uncompressed=500))
    assert total[0].params["reason"] == "too_large"


def test_lying_size_header_does_not_escape(tmp_path, data_dir):
    data = (data_dir / "clean_gbk_nocpg.zip").read_bytes()
    patched = bytearray(data)
    for sig, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        pos = patched.find(sig)
        while pos != -1:
            struct.pack_into("<I", patched, pos + offset, 10)  # declare 10 bytes uncompressed
            pos = patched.find(sig, pos + 4)
    path = tmp_path / "liar.zip"
    path.write_bytes(bytes(patched))
    assert read_error(path)[0].code in {"unreadable", "unsafe_archive"}


def test_temporary_files_are_removed(data_dir, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    read_zoning_file(data_dir / "clean_gbk_nocpg.zip")
    read_error(data_dir / "missing_dbf.zip")
    assert list(scratch.iterdir()) == []


# --- unreadable input --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,detail",
    [
        ("garbage.zip", "not a valid zip archive"),
        ("truncated.zip", "not a valid zip archive"),
        ("garbage.bin", "unknown file format"),
        ("broken.geojson", "invalid json"),
        ("missing_dbf.zip", "shapefile is missing .dbf"),
        ("two_shapefiles.zip", "several shapefiles in archive: second.shp, 划片.shp"),
    ],
)
def test_unreadable_files(data_dir, name, detail):
    [finding] = read_error(data_dir / name)
    assert finding.code == "unreadable" and finding.params["file"] == name
    assert finding.params["detail"].startswith(detail)


def test_garbage_with_known_extensions_never_leaks(data_dir, tmp_path):
    noise = (data_dir / "garbage.bin").read_bytes()
    for ext in (".gpkg", ".kml", ".shp", ".geojson"):
        path = tmp_path / f"noise{ext}"
        path.write_bytes(noise)
        assert read_error(path)[0].code == "unreadable"


def test_no_features(tmp_path):
    path = tmp_path / "empty.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    assert read_error(path)[0].params["detail"] == "no features"


def test_user_filename_used_in_findings(data_dir):
    [finding] = read_error(data_dir / "garbage.zip", filename="我的划片.zip")
    assert finding.params["file"] == "我的划片.zip"
