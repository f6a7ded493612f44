"""The operators' CLI acts as a named user, prints JSON for machines and fails with a status."""
from __future__ import annotations

import json

from support import DEMO, PASSWORD

from enroll.review.models import AuditEvent


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input, catch_exceptions=False)


def test_zoning_import_submit_approve_by_cli(app, editor, reviewer, db):
    result = run(app, "zones", "import", str(DEMO / "zones_primary.zip"), "--district", "990101",
                 "--year", "2026", "--stage", "primary", "--as", "editor", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["status"] == "draft" and report["errors"] == 0 and report["zones"] > 20
    plan_id = str(report["id"])
    assert run(app, "zones", "submit", plan_id, "--as", "editor").exit_code == 0
    same_person = run(app, "zones", "approve", plan_id, "--as", "editor", "--json")
    assert same_person.exit_code == 1 and "error" in json.loads(same_person.output)
    approved = run(app, "zones", "approve", plan_id, "--as", "reviewer", "--json")
    assert json.loads(approved.output)["status"] == "published"
    channels = {e.channel for e in db.session.query(AuditEvent).filter(AuditEvent.action.like("content.%"))}
    assert channels == {"cli"}


def test_import_with_errors_exits_non_zero_and_lists_findings(app, editor, tmp_path):
    bad = tmp_path / "zones.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
                   '{"学校名称": "不存在的小学"}, "geometry": {"type": "Polygon", "coordinates": '
                   '[[[120.15, 30.2], [120.16, 30.2], [120.16, 30.21], [120.15, 30.2]]]}}]}', encoding="utf-8")
    result = run(app, "zones", "import", str(bad), "--district", "990101", "--year", "2026",
                 "--stage", "primary", "--as", "editor", "--json")
    assert result.exit_code == 1
    codes = {f["code"] for f in json.loads(result.output)["findings"]}
    assert "unknown_school" in codes
    finding = next(f for f in json.loads(result.output)["findings"] if f["code"] == "unknown_school")
    assert finding["feature"] == 1 and "不存在的小学" in finding["message"]
    assert json.loads(result.output)["id"] is None  # refused whole: no plan made
    text = run(app, "zones", "import", str(bad), "--district", "990101", "--year", "2026",
               "--stage", "primary", "--as", "editor")
    assert text.exit_code == 1 and text.output.startswith("refused, nothing saved: ") and "None" not in text.output


def test_reject_requires_reason_option(app, editor, reviewer):
    result = run(app, "zones", "reject", "1", "--as", "reviewer")
    assert result.exit_code != 0 and "--reason" in result.output


def test_bootstrap_user_then_district_and_schools(app):
    first = run(app, "users", "create", "root", "--role", "city_admin", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert first.exit_code == 0, first.output
    second = run(app, "users", "create", "x", "--role", "city_admin", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert second.exit_code == 1  # only the first user may be created without --as
    bad = run(app, "districts", "create", "--code", "12AB", "--name", "坏", "--as", "root")
    assert bad.exit_code == 1 and "6 位数字" in bad.output
    made = run(app, "districts", "create", "--code", "990101", "--name", "青溪区", "--boundary",
               str(DEMO / "boundary.geojson"), "--as", "root", "--json")
    assert json.loads(made.output)["boundary"] is True
    schools = run(app, "schools", "import", str(DEMO / "schools.csv"), "--district", "990101",
                  "--as", "root", "--json")
    assert json.loads(schools.output)["created"] >= 38


def test_school_import_reports_bad_lines_and_writes_nothing(app, admin, tmp_path):
    run(app, "districts", "create", "--code", "990101", "--name", "青溪区", "--as", "admin")
    csv = tmp_path / "schools.csv"
    csv.write_text("name,stage,kind,address,lon,lat\n甲小学,primary,public,,120.1,30.2\n"
                   "乙小学,college,public,,120.1,30.2\n丙小学,primary,public,,abc,30.2\n", encoding="gbk")
    result = run(app, "schools", "import", str(csv), "--district", "990101", "--as", "admin")
    assert result.exit_code == 1
    assert "line 3 [stage]" in result.output and "line 4 [lon]" in result.output  # the column named
    from enroll.schools.services import schools_of
    assert schools_of(1) == []


def test_audit_verify_reports_an_intact_chain(app, editor):
    result = run(app, "audit", "verify", "--json")
    assert result.exit_code == 0 and json.loads(result.output)["intact"] is True


def test_demo_load_publishes_both_stages(app, client):
    result = run(app, "demo", "load")
    assert result.exit_code == 0, result.output
    assert client.get("/d/990101/2026/primary/").status_code == 200
    assert client.get("/d/990101/2026/junior/").status_code == 200
    assert "already" in run(app, "demo", "load").output


def test_text_merge_draft_lookup_and_current_year_by_cli(app, editor, reviewer, tmp_path):
    rules = DEMO / "rules_primary.csv"
    result = run(app, "zones", "import-rules", str(rules), "--district", "990101", "--year", "2026",
                 "--as", "editor", "--json")
    [plan] = json.loads(result.output)["plans"]
    assert plan["texts"] == 28 and plan["zones"] == 0 and plan["updated"] == 28
    assert run(app, "zones", "submit", str(plan["id"]), "--as", "editor").exit_code == 0
    assert run(app, "zones", "approve", str(plan["id"]), "--as", "reviewer").exit_code == 0
    one = tmp_path / "one.csv"
    one.write_text("学校,学段,划片范围\n青溪区东湖小学,小学,学院路120-140号\n", encoding="utf-8")
    merged = json.loads(run(app, "zones", "import-rules", str(one), "--district", "990101", "--year", "2026",
                            "--as", "editor", "--json").output)["plans"][0]
    assert (merged["updated"], merged["removed"], merged["texts"]) == (1, 0, 28)  # 27 others kept
    both = json.loads(run(app, "lookup", "学院路130号", "--plan", str(merged["id"]), "--as", "editor", "--json").output)
    assert "青溪区东湖小学" in {m["school"]["name"] for m in both["plan"]["matches"]}
    assert "青溪区东湖小学" not in {m["school"]["name"] for m in both["published"]["matches"]}
    assert run(app, "lookup", "学院路130号", "--plan", str(merged["id"])).exit_code != 0  # --as is needed
    set_year = run(app, "zones", "current-year", "--district", "990101", "--year", "2027", "--as", "reviewer", "--json")
    assert json.loads(set_year.output)["current_year"] == 2027
    answer = json.loads(run(app, "lookup", "学院路130号", "--json").output)  # 2027 is not published yet
    assert answer["year"] == 2026 and answer["matches"] and answer["later"] == []
    assert [c["code"] for c in answer["caveats"]] == ["multi_school", "year_not_published"]  # 学院路130号: a shared zone
    assert run(app, "zones", "current-year", "--district", "990101", "--year", "2027", "--as", "editor").exit_code == 1


def test_withdraw_takes_off_only_the_plan_named_when_it_is_the_published_one(app, editor, reviewer):
    import zoning_steps as steps

    [first] = steps.import_rules(editor, "990101", 2026, DEMO / "rules_primary.csv")
    steps.publish(editor, reviewer, first.id)
    zones = run(app, "zones", "import", str(DEMO / "zones_primary.zip"), "--district", "990101", "--year", "2026",
                "--stage", "primary", "--as", "editor", "--json")
    newer = json.loads(zones.output)["id"]
    steps.publish(editor, reviewer, newer)
    older = run(app, "zones", "withdraw", str(first.id), "--reason", "旧版本", "--as", "reviewer", "--json")
    assert older.exit_code == 1 and "只有已发布的内容才能撤下" in older.output
    done = run(app, "zones", "withdraw", str(newer), "--reason", "暂停公布", "--as", "reviewer", "--json")
    assert json.loads(done.output)["status"] == "withdrawn"
