"""The diff of two plans (issue 17): the demo's 2027 rezoning (gis_data/make_rezoning.py) against 2026."""
from __future__ import annotations

import json
import os

import pytest
import shapely
from support import DEMO, both_databases
from zoning_steps import publish

from enroll.accounts.services import get_user
from enroll.core.errors import Invalid
from enroll.districts.services import get_district
from enroll.extensions import db as _db
from enroll.lookup.changes import diff_plans_full
from enroll.schools.models import School
from enroll.zoning import services as zoning
from enroll.zoning.models import ZoningPlan

CLOSED, SPLIT_TO = "青溪区第四小学", {"青溪区第二小学", "青溪区湖滨小学"}
SHRUNK, TAKER = "青溪区学院路小学", ("青溪区崇文小学", "青溪区文澜小学")


DEMO_PASSWORD = os.environ.get("ENROLL_DEMO_PASSWORD", "demo-lantern-river")


@pytest.fixture(scope="module")
def rezoned(demo_app):
    """The demo with the rezoning file published as its 2027 primary plan (plan ids: 2026, 2027)."""
    with demo_app.app_context():
        editor = get_user("editor")
        plan = zoning.import_plan(editor, "990101", 2027, "primary", DEMO / "zones_primary_2027.geojson")
        assert plan.error_count == 0, plan.report
        publish(editor, get_user("reviewer"), plan.id)
        old = zoning.published_plan(get_district("990101").id, 2026, "primary")
        ids = old.id, plan.id
        _db.session.remove()
    return demo_app, ids


def names(schools) -> tuple[str, ...]:
    return tuple(s.name for s in schools)


def test_changed_areas_are_the_rezoning_and_no_sliver(rezoned):
    app, (old_id, new_id) = rezoned
    with app.app_context():
        diff = diff_plans_full(_db.session.get(ZoningPlan, old_id), _db.session.get(ZoningPlan, new_id))
        moves = {(names(a.before), names(a.after)): a.area_m2 for a in diff.areas}
        # the closed school's zone went to its two neighbours, a block went to the multi-school zone;
        # every line was redrawn by up to 1.5 m, and none of those slivers is reported
        assert set(moves) == {((CLOSED,), (to,)) for to in SPLIT_TO} | {((SHRUNK,), TAKER)}
        assert sum(v for k, v in moves.items() if k[0] == (CLOSED,)) == pytest.approx(8.18e6, rel=0.01)
        assert moves[((SHRUNK,), TAKER)] == pytest.approx(0.292e6, rel=0.02)
        assert names(diff.closed) == (CLOSED,) and not diff.added


def test_addresses_changing_school_follow_the_areas(rezoned):
    app, (old_id, new_id) = rezoned
    with app.app_context():
        diff = diff_plans_full(_db.session.get(ZoningPlan, old_id), _db.session.get(ZoningPlan, new_id))
        assert diff.addresses_checked > 1000
        from_closed = [m for m in diff.moves if names(m.before) == (CLOSED,)]
        assert from_closed and {names(m.after) for m in from_closed} <= {(to,) for to in SPLIT_TO}
        # an address moving between two schools lies in an area changing between them (or within 50 m
        # of one: the 2026 text, not the map, decided some)
        areas = {(names(a.before), names(a.after)): a.geometry for a in diff.areas}
        from enroll.lookup.models import Address

        points = {a.address: a.point for a in _db.session.query(Address)}
        for move in diff.moves:
            area = areas.get((names(move.before), names(move.after)))
            inside = [shapely.dwithin(area, points[x], 50 / 111_000) for xs in move.places.values() for x in xs] \
                if area is not None else []
            assert sum(inside) >= 0.9 * move.count, (names(move.before), names(move.after), move.count)


def test_cli_diff_prints_json_of_the_documented_shape(rezoned):
    app, (old_id, new_id) = rezoned
    result = app.test_cli_runner().invoke(args=["zones", "diff", str(old_id), str(new_id), "--as", "editor", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    area = data["changed_areas"][0]
    assert set(area) >= {"from_school", "to_school", "area_km2", "geometry"}
    assert area["from_school"]["name"] == CLOSED and area["geometry"]["type"] == "Polygon"
    with app.app_context():
        closed_id = _db.session.query(School.id).filter_by(name=CLOSED).scalar()
    assert area["from_school"]["id"] == closed_id
    assert data["schools"]["closed"] == [{"id": closed_id, "name": CLOSED}]
    assert data["addresses"]["changed"] == sum(p["count"] for p in data["addresses"]["pairs"]) > 0
    text = app.test_cli_runner().invoke(args=["zones", "diff", str(old_id), str(new_id), "--as", "editor"])
    assert f"{CLOSED} -> " in text.output and "km²" in text.output


def test_a_draft_is_diffed_only_for_staff(rezoned):
    app, (old_id, _new_id) = rezoned
    with app.app_context():
        draft = zoning.import_plan(get_user("editor"), "990101", 2027, "primary", DEMO / "zones_primary.geojson").id
        _db.session.remove()
    public = app.test_cli_runner().invoke(args=["zones", "diff", str(old_id), str(draft), "--json"])
    assert public.exit_code == 1 and "尚未发布" in json.loads(public.output)["error"]["message"]
    staff = app.test_cli_runner().invoke(args=["zones", "diff", str(old_id), str(draft), "--as", "editor", "--json"])
    assert staff.exit_code == 0 and json.loads(staff.output)["changed_areas"] == []


def test_public_changelog_lists_and_maps_the_changes(rezoned):
    app, (_old_id, new_id) = rezoned
    client = app.test_client()
    zoning_page = client.get("/d/990101/2027/primary/").get_data(as_text=True)
    assert "/d/990101/2027/primary/changes" in zoning_page
    page = client.get("/d/990101/2027/primary/changes")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert CLOSED in html and "青溪区湖滨小学" in html and "data-print" in html
    assert "没有区域改变学校" not in html and "学校改变的门牌地址" in html
    features = client.get(f"/d/990101/2027/primary/changes.geojson?plan={new_id}").get_json()["features"]
    changed = [f for f in features if str(f["id"]).startswith("change-")]
    assert len(changed) == 3 and changed[0]["properties"]["label"].startswith(CLOSED + " → ")
    assert {f["properties"]["kind"] for f in features if str(f["id"]).startswith("old-")} == {"multi"}
    first = client.get("/d/990101/2026/primary/changes").get_data(as_text=True)
    assert "第一次发布" in first


def test_bureau_diff_page_for_staff_only(rezoned):
    app, (old_id, new_id) = rezoned
    client = app.test_client()
    assert client.get(f"/bureau/plans/{new_id}/diff").status_code in (302, 401)
    assert client.post("/login", data={"username": "editor", "password": DEMO_PASSWORD}).status_code == 302
    page = client.get(f"/bureau/plans/{new_id}/diff")
    assert page.status_code == 200 and CLOSED in page.get_data(as_text=True)
    document = client.get(f"/bureau/plans/{new_id}/diff?against={old_id}&format=json").get_json()
    assert document["old"]["id"] == old_id and document["schools"]["closed"][0]["name"] == CLOSED


def test_plans_of_other_stages_or_districts_are_refused(rezoned):
    app, (old_id, _new_id) = rezoned
    with app.app_context():
        old = _db.session.get(ZoningPlan, old_id)
        junior = zoning.published_plan(old.district_id, 2026, "junior")
        with pytest.raises(Invalid, match="同一学段"):
            diff_plans_full(old, junior)
        with pytest.raises(Invalid, match="两个不同"):
            diff_plans_full(old, old)


@both_databases
def test_the_same_zones_again_change_nothing(app, editor, reviewer, db):
    """Two plans of the same zones (a Shapefile in EPSG:4549 and its GeoJSON): nothing changes."""
    old = zoning.import_plan(editor, "990101", 2026, "primary", DEMO / "zones_primary.zip")
    publish(editor, reviewer, old.id)
    new = zoning.import_plan(editor, "990101", 2027, "primary", DEMO / "zones_primary.geojson")
    diff = diff_plans_full(db.session.get(ZoningPlan, old.id), db.session.get(ZoningPlan, new.id))
    assert diff.areas == [] and diff.moves == [] and not diff.closed and not diff.added


def test_a_web_page_leaves_a_large_gazetteer_to_the_cli(rezoned):
    app, (_old_id, _new_id) = rezoned
    app.config["DIFF_WEB_ADDRESSES"] = 1000  # the demo has more: checking them one by one is left to the CLI
    try:
        html = app.test_client().get("/d/990101/2027/primary/changes").get_data(as_text=True)
    finally:
        app.config["DIFF_WEB_ADDRESSES"] = 100000
    assert "flask zones diff" in html and CLOSED in html  # the areas are still there
