"""GCJ-02 against a published reference pair (Tiananmen), and the inverse back to within 1 m."""
import pytest
from pyproj import Geod

from enroll.geo.crs import gcj02_to_wgs84, wgs84_to_gcj02

# WGS84 (lat 39.915, lon 116.404) → GCJ-02, as asserted by independent public implementations
WGS = (116.404, 39.915)
GCJ = (116.41024449916938, 39.91640428150164)


def test_forward_transform_matches_the_reference_pair():
    lon, lat = wgs84_to_gcj02(*WGS)
    assert lon == pytest.approx(GCJ[0], abs=1e-6) and lat == pytest.approx(GCJ[1], abs=1e-6)


def test_inverse_lands_within_a_metre_of_the_reference():
    lon, lat = gcj02_to_wgs84(*GCJ)
    _, _, metres = Geod(ellps="WGS84").inv(lon, lat, *WGS)
    assert metres < 1.0
