"""Real data: Seattle Public Schools 2015-16 elementary attendance zones (CC0, see README)."""

from __future__ import annotations

import json

import pytest
import shapely
from shapely.geometry import mapping, shape

from enroll.geo.io import read_zoning_file
from enroll.geo.validate import validate_zones

# Site names (PROPERTY_L) differ from zone names (ES_ZONE) only for two schools that were
# housed at interim sites in 2015-16; everything else matches exactly.
SITE_TO_ZONE = {
    "Arbor Heights (interim at Boren)": "Arbor Heights",
    "Olympic Hills (interim at Cedar Park)": "Olympic Hills",
}


@pytest.fixture(scope="module")
def elementary_sites(seattle_dir):
    data = json.loads((seattle_dir / "sps_school_site_2015_2016.geojson").read_text(encoding="utf-8"))
    return {
        SITE_TO_ZONE.get(f["properties"]["PROPERTY_L"], f["properties"]["PROPERTY_L"]): shape(f["geometry"])
        for f in data["features"]
        if f["properties"]["Status"] == "ELEM"
    }


@pytest.fixture(scope="module")
def zones_path(seattle_dir):
    return seattle_dir / "sps_ES_2015_2016.geojson"


def test_real_partition_has_no_overlaps(zones_path, elementary_sites):
    read = read_zoning_file(zones_path)
    report = validate_zones(read, school_field="ES_ZONE", schools=elementary_sites)
    assert report.stats["zones"] == 57
    assert not report.has_errors
    assert {f.code for f in report.findings} == {"school_outside_zone"}


def test_real_schools_outside_their_zone(zones_path, elementary_sites):
    report = validate_zones(read_zoning_file(zones_path), school_field="ES_ZONE", schools=elementary_sites)
    outside = {f.school: f.quantity for f in report.findings if f.code == "school_outside_zone"}
    assert set(outside) == {"Arbor Heights", "Olympic Hills"}
    assert outside["Arbor Heights"] == pytest.approx(2360, abs=20)
    assert outside["Olympic Hills"] == pytest.approx(68, abs=5)


def test_shifted_zone_overlaps_its_neighbours(zones_path, elementary_sites, tmp_path):
    data = json.loads(zones_path.read_text(encoding="utf-8"))
    names = [f["properties"]["ES_ZONE"] for f in data["features"]]
    moved = names.index("Adams")
    geom = shape(data["features"][moved]["geometry"])
    data["features"][moved]["geometry"] = mapping(shapely.affinity.translate(geom, xoff=0.004))  # ~300 m east
    path = tmp_path / "shifted.geojson"
    path.write_text(json.dumps(data))
    report = validate_zones(read_zoning_file(path), school_field="ES_ZONE", schools=elementary_sites)
    overlaps = [f for f in report.findings if f.code == "overlap"]
    assert overlaps and report.has_errors
    involved = {f.school for f in overlaps} | {f.params["other_school"] for f in overlaps}
    assert "Adams" in involved
    assert all(f.quantity > 100 for f in overlaps)


def test_no_gcj02_suspicion_outside_china(zones_path, elementary_sites):
    report = validate_zones(read_zoning_file(zones_path), school_field="ES_ZONE", schools=elementary_sites)
    assert not [f for f in report.findings if f.code == "gcj02_suspected"]
