"""A file that only pretends to be a shapefile or GeoPackage never reaches another GDAL reader."""
import io
import sqlite3
import zipfile

import pytest

from enroll.geo.io import ReadError, read_zoning_file


def vrt_pointing_at(secret_db) -> bytes:
    return (f'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>{secret_db}</SrcDataSource>'
            '<SrcSQL>SELECT secret AS school FROM t</SrcSQL></OGRVRTLayer></OGRVRTDataSource>').encode()


@pytest.fixture
def secret_db(tmp_path):
    path = tmp_path / "secret.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (secret TEXT)")
        conn.execute("INSERT INTO t VALUES ('argon2-hash-of-the-admin')")
    return path


def refused(path) -> str:
    with pytest.raises(ReadError) as info:
        read_zoning_file(path)
    finding = info.value.findings[0]
    assert finding.code == "unreadable"
    assert "argon2" not in str(finding.to_dict())
    return finding.params["detail"]


def test_vrt_disguised_as_geopackage(tmp_path, secret_db):
    path = tmp_path / "zones.gpkg"
    path.write_bytes(vrt_pointing_at(secret_db))
    assert "GeoPackage" in refused(path)


def test_vrt_disguised_as_shapefile_in_a_zip(tmp_path, secret_db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for ext in ("shp", "shx", "dbf"):
            archive.writestr(f"a.{ext}", vrt_pointing_at(secret_db))
    path = tmp_path / "zones.zip"
    path.write_bytes(buffer.getvalue())
    assert "shapefile" in refused(path)


def test_plain_sqlite_database_is_not_a_geopackage(tmp_path, secret_db):
    path = tmp_path / "zones.gpkg"
    path.write_bytes(secret_db.read_bytes())
    assert "GeoPackage" in refused(path)
