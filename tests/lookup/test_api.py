"""The lookup API's contract, on SQLite and PostGIS: shape, errors, and only published plans answer."""
from __future__ import annotations

import pytest
import zoning_steps as steps
from support import DEMO, both_databases

from enroll.zoning import services as zoning


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory):
    """A tenth of the demo gazetteer plus all of 学院路 (keeps these tests quick)."""
    lines = (DEMO / "addresses.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path_factory.mktemp("gaz") / "addresses.csv"
    path.write_text("\n".join([lines[0]] + [row for i, row in enumerate(lines[1:])
                                             if i % 10 == 0 or row.startswith("学院路")]), encoding="utf-8")
    return path


@pytest.fixture
def published(editor, reviewer, gazetteer):
    """The demo primary zoning with its text, published, and the gazetteer."""
    from enroll.lookup.gazetteer import import_addresses

    zoning.import_plan(editor, "990101", 2026, "primary", DEMO / "zones_primary.zip")
    [with_text] = steps.import_rules(editor, "990101", 2026, DEMO / "rules_primary.csv")  # the same draft
    steps.submit_plan(editor, with_text.id)
    steps.approve_plan(reviewer, with_text.id)
    import_addresses(editor, "990101", gazetteer)
    return with_text


def get(client, **params):
    response = client.get("/api/v1/lookup", query_string=params)
    return response.status_code, response.get_json()


@both_databases
def test_text_lookup_answers_with_school_stage_basis_and_plan(client, published):
    status, data = get(client, address="学院路130号")
    assert status == 200
    assert data["district"] == {"code": "990101", "name": "青溪区"}
    assert {m["school"]["name"] for m in data["matches"]} == {"青溪区文澜小学", "青溪区崇文小学"}
    match = data["matches"][0]
    assert set(match) == {"school", "stage", "basis"} and set(match["school"]) == {"id", "name"}
    assert match["stage"] == "primary" and match["basis"]["type"] == "rule"
    assert "122-160号（双号）" in match["basis"]["text"]
    assert match["basis"]["plan"] == {"id": published.id, "district": "990101", "year": 2026, "stage": "primary",
                                      "version": published.version}
    [shared] = data["caveats"]  # 多校划片: both schools named, and where to learn how a child is placed
    assert shared["code"] == "multi_school" and "青溪区文澜小学、青溪区崇文小学" in shared["message"]
    assert data["suggestions"] == []


@both_databases
def test_point_lookup_answers_from_the_zone_polygons(client, published):
    status, data = get(client, lon="120.1745", lat="30.2399")  # the multi-school zone's 文澜小学 site
    assert status == 200 and data["matches"]
    assert {m["basis"]["type"] for m in data["matches"]} == {"zone"}
    assert "青溪区文澜小学" in {m["school"]["name"] for m in data["matches"]}


@pytest.mark.parametrize("params, status", [
    ({"address": ""}, 400), ({"address": "路" * 201}, 400), ({"address": "？？？"}, 400),
    ({"lon": "abc", "lat": "30"}, 400), ({"lon": "200", "lat": "30"}, 400), ({"lon": "120.2"}, 400),
    ({"address": "学院路130号", "year": "20x6"}, 400), ({"address": "学院路130号", "stage": "senior"}, 400),
    ({"address": "学院路130号", "district": "000000"}, 404),
])
def test_bad_input_is_answered_as_json_never_500(client, published, params, status):
    code, data = get(client, **params)
    assert code == status and data["error"]["status"] == status and data["error"]["message"]


@both_databases
def test_unknown_address_and_points_outside(client, published):
    _, data = get(client, address="学院路99999号")
    assert data["matches"] == [] and [c["code"] for c in data["caveats"]] == ["address_not_found"]
    assert "学院路" in data["caveats"][0]["message"]  # nearest known numbers on that road
    _, data = get(client, lon="116.40", lat="39.90")  # Beijing
    assert data["matches"] == [] and [c["code"] for c in data["caveats"]] == ["outside_district"]


@pytest.mark.parametrize("app", [pytest.param("postgis", marks=pytest.mark.postgis)], indirect=True)
def test_the_postgis_locator_answers_as_the_in_process_one(app, client, published):
    """ENROLL_ZONE_LOCATOR=postgis: the same JSON for map clicks and addresses, point for point."""
    zone = published.zones[1]
    lon, lat = zone.geometry.exterior.coords[0]
    queries = [{"lon": "120.1745", "lat": "30.2399"}, {"lon": str(lon + 0.00005), "lat": str(lat)},
               {"lon": "116.40", "lat": "39.90"}, {"address": "学院路130号"}, {"address": "学院路99999号"}]
    answers = {}
    for kind in ("memory", "postgis"):
        app.config["ZONE_LOCATOR"] = kind
        answers[kind] = [get(client, **q) for q in queries]
    assert answers["postgis"] == answers["memory"]
    assert "near_boundary" in {c["code"] for c in answers["postgis"][1][1]["caveats"]}


def test_near_a_boundary_is_a_caveat(client, published):
    zone = published.zones[1]
    lon, lat = zone.geometry.exterior.coords[0]  # a vertex: on the boundary
    _, data = get(client, lon=str(lon + 0.00005), lat=str(lat))
    assert "near_boundary" in {c["code"] for c in data["caveats"]}


@both_databases
def test_drafts_never_answer(client, editor, reviewer, gazetteer):
    from enroll.lookup.gazetteer import import_addresses

    steps.import_rules(editor, "990101", 2026, DEMO / "rules_primary.csv")
    import_addresses(editor, "990101", gazetteer)
    _, data = get(client, address="学院路130号")
    assert data["matches"] == []


def test_rule_and_zone_disagreement_is_reported(client, editor, reviewer, gazetteer, tmp_path):
    """Publish text that gives 学院路 to another school than the polygons do."""
    from enroll.lookup.gazetteer import import_addresses

    polygons = zoning.import_plan(editor, "990101", 2026, "primary", DEMO / "zones_primary.zip")
    steps.submit_plan(editor, polygons.id)
    steps.approve_plan(reviewer, polygons.id)
    csv = tmp_path / "rules.csv"
    csv.write_text("学校,学段,划片范围\n青溪区东湖小学,小学,学院路全段\n", encoding="utf-8")
    [plan] = steps.import_rules(editor, "990101", 2026, csv)
    steps.submit_plan(editor, plan.id)
    steps.approve_plan(reviewer, plan.id)
    import_addresses(editor, "990101", gazetteer)
    _, data = get(client, address="学院路130号")
    assert [m["school"]["name"] for m in data["matches"]] == ["青溪区东湖小学"]  # the text wins
    assert "rule_zone_mismatch" in {c["code"] for c in data["caveats"]}


def test_own_withdrawal_is_seen_by_the_next_lookup(client, published, reviewer):
    assert get(client, address="学院路130号")[1]["matches"]
    steps.withdraw_plan(reviewer, published.id)
    assert get(client, address="学院路130号")[1]["matches"] == []


def test_another_workers_withdrawal_is_seen_within_a_second_without_a_build_in_any_request(
        client, published, reviewer, db):
    """Another process withdraws (its commit fires no event here): lookups keep being answered from
    the previous index while a background thread rebuilds it, and see the change within a second."""
    import time

    import sqlalchemy as sa

    from enroll.lookup import index

    assert get(client, address="学院路130号")[1]["matches"]
    seen = len(index.builds)
    other = sa.create_engine(db.engine.url)  # a separate connection, as another worker would have
    with other.begin() as conn:
        conn.execute(sa.text("UPDATE zonings SET status = 'withdrawn' WHERE plan_id = :id"), {"id": published.id})
        conn.execute(sa.text("INSERT INTO audit_events (at, actor_name, action, object_type, object_id, ip, channel,"
                             " detail, prev_hash, hash) VALUES (CURRENT_TIMESTAMP, 'other', 'zoning.withdraw',"
                             " 'zoning_plan', :id, '', 'web', '{}', '', '')"), {"id": str(published.id)})
    other.dispose()
    changed, answers = time.monotonic(), []
    while time.monotonic() - changed < 5:
        answers.append(bool(get(client, address="学院路130号")[1]["matches"]))
        if not answers[-1]:
            break
        time.sleep(0.02)
    assert answers[0] and not answers[-1]  # the old answer first, then the withdrawal
    assert time.monotonic() - changed < 1.0
    rebuilt = index.builds[seen:]
    assert rebuilt and all(build.in_request is None for build in rebuilt), rebuilt


@both_databases
def test_a_new_gazetteer_is_used_by_the_next_lookup(client, published, editor, tmp_path):
    """Gazetteer answers are remembered per lookup index: an import replaces them with the index."""
    from enroll.lookup.gazetteer import import_addresses

    header = (DEMO / "addresses.csv").read_text(encoding="utf-8").splitlines()[0]
    moved = tmp_path / "addresses.csv"
    for lon in ("120.1745", "120.1800"):
        moved.write_text(f"{header}\n" + ",".join(
            {"address": "学院路99999号", "lon": lon, "lat": "30.2399"}.get(column, "")
            for column in header.split(",")) + "\n", encoding="utf-8")
        import_addresses(editor, "990101", moved)
        for _ in range(2):  # the second answer is the remembered one
            _, data = get(client, address="学院路99999号")
            assert data["point"] == {"lon": float(lon), "lat": 30.2399}
