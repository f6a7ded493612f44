"""Real zoning of a real city (Seattle Public Schools, CC0) through import, review and publication."""
from __future__ import annotations

import json

import shapely
import zoning_steps as steps
from shapely.geometry import shape
from support import DATA

from enroll.districts.services import create_district
from enroll.schools.services import import_schools
from enroll.zoning import services as zoning

SEATTLE = DATA / "seattle"
YEARS = {2015: SEATTLE / "sps_ES_2015_2016.geojson", 2017: SEATTLE / "sps_ES_2017_2018.geojson"}


def zone_names(path) -> set[str]:
    return {f["properties"]["ES_ZONE"] for f in json.loads(path.read_text())["features"]}


def seattle(admin, make_user, tmp_path):
    create_district(admin, "990201", "Seattle (test)", boundary_path=YEARS[2015])
    names = sorted(zone_names(YEARS[2015]) | zone_names(YEARS[2017]))
    csv = tmp_path / "schools.csv"
    csv.write_text("name,stage\n" + "".join(f"{n},primary\n" for n in names), encoding="utf-8")
    import_schools(admin, "990201", csv)
    return make_user("sea_editor", "district_editor", "990201"), make_user("sea_reviewer", "district_reviewer", "990201")


def test_two_years_of_real_zoning_are_published_and_both_stay_browsable(client, admin, make_user, tmp_path):
    editor, reviewer = seattle(admin, make_user, tmp_path)
    plans = {}
    for year, path in YEARS.items():
        plan = zoning.import_plan(editor, "990201", year, "primary", path, school_field="ES_ZONE")
        assert plan.error_count == 0, plan.report["findings"][:3]
        assert not [f for f in plan.report["findings"] if f["code"] in ("overlap", "gap")]
        steps.submit_plan(editor, plan.id)
        plans[year] = steps.approve_plan(reviewer, plan.id)
        assert len(plans[year].zones) == 57
    for year in YEARS:
        assert client.get(f"/d/990201/{year}/primary/").status_code == 200
    base = zoning.base_plan(plans[2017])
    changes = zoning.zone_changes(base, plans[2017])
    assert base.id == plans[2015].id
    roxhill = next(c for c in changes if c.school == "Roxhill")
    assert roxhill.gained_m2 > 100_000 and roxhill.after_m2 > roxhill.before_m2
    assert "Roxhill" in client.get("/d/990201/2017/primary/").get_data(as_text=True)
    # about 2 % of the city changed school between the two years (a real rezoning)
    changed = total = 0.0
    for zone in plans[2017].zones:
        total += zone.geometry.area
        same = [old.geometry for old in plans[2015].zones if old.label == zone.label]
        kept = shapely.intersection(zone.geometry, same[0]).area if same else 0.0
        changed += zone.geometry.area - kept
    assert 0.005 < changed / total < 0.06


def test_shifted_real_zones_are_reported_as_overlaps_with_their_area(admin, make_user, tmp_path):
    editor, _ = seattle(admin, make_user, tmp_path)
    data = json.loads(YEARS[2015].read_text())
    first = data["features"][0]
    moved = shapely.affinity.translate(shape(first["geometry"]), xoff=0.003)
    first["geometry"] = shapely.geometry.mapping(moved)
    path = tmp_path / "shifted.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    plan = zoning.import_plan(editor, "990201", 2015, "primary", path, school_field="ES_ZONE")
    overlaps = [f for f in plan.report["findings"] if f["code"] == "overlap"]
    assert overlaps and all(f["quantity"] > 100 and f["unit"] == "m2" for f in overlaps)
    assert any(f["feature"] == 1 or f["params"].get("other_feature") == 1 for f in overlaps)
    assert plan.error_count > 0
