"""point_xy reads stored points as both engines return them to a plain DBAPI query."""
import pytest
import shapely

from enroll.core.db import point_xy

POINT = shapely.Point(120.189463, 30.236608)


@pytest.mark.parametrize("value", [
    shapely.to_wkb(POINT),                                                        # SQLite: WKB bytes
    memoryview(shapely.to_wkb(POINT)),
    shapely.to_wkb(shapely.set_srid(POINT, 4326), hex=True, include_srid=True),   # PostGIS: hex EWKB
    shapely.to_wkb(POINT, byte_order=0),                                          # big-endian
])
def test_point_xy_reads_every_stored_form(value):
    assert point_xy(value) == (POINT.x, POINT.y)


def test_point_xy_refuses_other_geometries():
    with pytest.raises(ValueError):
        point_xy(shapely.to_wkb(shapely.box(0, 0, 1, 1)))
