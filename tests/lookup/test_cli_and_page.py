"""Rules and gazetteer imports from the CLI, the lookup CLI, and the lookup page's text path."""
from __future__ import annotations

import json

import zoning_steps as steps
from support import DEMO


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


def test_import_rules_reports_unparsed_clauses_with_their_lines_and_keeps_them(app, editor, tmp_path):
    csv = tmp_path / "rules.csv"
    csv.write_text("学校,学段,划片范围\n青溪区东湖小学,小学,\"1. 东湖路1-99号（单号）\n2. 东湖路@@乱码\"\n",
                   encoding="utf-8")
    result = run(app, "zones", "import-rules", str(csv), "--district", "990101", "--year", "2026",
                 "--as", "editor", "--json")
    assert result.exit_code == 0, result.output
    [plan] = json.loads(result.output)["plans"]
    unparsed = [f for f in plan["findings"] if f["code"] == "unparsed_clause"]
    assert len(unparsed) == 1 and unparsed[0]["params"]["line"] == 2 and unparsed[0]["params"]["row"] == 2
    assert "@@" in unparsed[0]["params"]["text"] and unparsed[0]["school"] == "青溪区东湖小学"
    assert plan["rules"] == 2  # the unparsed clause is stored as text, not dropped


def test_import_rules_refuses_unknown_schools_and_stages_by_line(app, editor, tmp_path):
    csv = tmp_path / "rules.csv"
    csv.write_text("学校,学段,划片范围\n不存在的小学,小学,东湖路全段\n青溪区东湖小学,高中,东湖路全段\n", encoding="gbk")
    result = run(app, "zones", "import-rules", str(csv), "--district", "990101", "--year", "2026",
                 "--as", "editor")
    assert result.exit_code == 1
    assert "line 2 [学校]" in result.output and "line 3 [学段]" in result.output


def test_gazetteer_import_refuses_bad_lines_and_writes_nothing(app, editor, tmp_path):
    csv = tmp_path / "a.csv"
    csv.write_text("address,lon,lat\n文澜路1号,120.17,30.24\n文澜路3号,abc,30.24\n文澜路5号,116.4,39.9\n",
                   encoding="utf-8")
    result = run(app, "addresses", "import", str(csv), "--district", "990101", "--as", "editor")
    assert result.exit_code == 1 and "line 3 [lon/lat]" in result.output and "line 4 [lon/lat]" in result.output
    assert "没有找到这个地址" in run(app, "lookup", "文澜路1号").output


def test_lookup_cli_and_page_answer_from_the_demo(demo):
    runner = demo.test_cli_runner()
    data = json.loads(runner.invoke(args=["lookup", "学院路130号", "--json"]).output)
    assert {m["school"]["name"] for m in data["matches"] if m["stage"] == "primary"} == {"青溪区文澜小学", "青溪区崇文小学"}
    page = demo.test_client().get("/lookup?q=学院路130号").get_data(as_text=True)
    assert "青溪区文澜小学" in page and "122-160号（双号）" in page
    bad = demo.test_client().get("/lookup?q=" + "路" * 201)
    assert bad.status_code == 400 and "地址过长" in bad.get_data(as_text=True)


def test_cross_check_of_the_demo_plan_finds_no_disagreement(demo):
    from enroll.accounts.services import get_user
    from enroll.lookup.services import cross_check
    from enroll.zoning.services import published_plan

    plan = published_plan(1, 2026, "primary")
    report = cross_check(get_user("editor"), plan.id)
    assert report.checked >= 20000 and report.mismatches == [] and report.uncovered == []
    assert report.text_only == 0 and report.map_only == 0


def test_cross_check_reports_text_that_contradicts_the_map(app, editor, reviewer, tmp_path):
    from enroll.lookup.gazetteer import import_addresses
    from enroll.lookup.services import cross_check
    from enroll.zoning import services as zoning

    polygons = zoning.import_plan(editor, "990101", 2026, "primary", DEMO / "zones_primary.zip")
    csv = tmp_path / "rules.csv"
    csv.write_text("学校,学段,划片范围\n青溪区东湖小学,小学,学院路全段\n", encoding="utf-8")
    [plan] = steps.import_rules(editor, "990101", 2026, csv)
    gazetteer = tmp_path / "a.csv"
    gazetteer.write_text("address,lon,lat\n学院路130号,120.1612,30.2417\n东湖路1号,120.2600,30.2000\n",
                         encoding="utf-8")
    import_addresses(editor, "990101", gazetteer)
    report = cross_check(editor, plan.id)
    assert report.checked == 2
    [mismatch] = report.mismatches
    assert mismatch["address"] == "学院路130号" and mismatch["rule"] == ["青溪区东湖小学"]
    assert "青溪区东湖小学" not in mismatch["zone"] and polygons.id == plan.id  # text and polygons: one draft
    assert report.map_only == 1  # 东湖路 is in a zone but in no clause of this text


def test_pasted_text_is_shown_back_clause_by_clause(login, editor):
    client = login(editor)
    text = "学校,学段,划片范围\n青溪区东湖小学,小学,\"1. 东湖路1-99号（单号）（除55号外）\n2. 东湖路@@\"\n"
    response = client.post("/bureau/d/990101/rules", data={"year": "2026", "text": text})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "东湖路1-99号（单号）（除55号外）" in page and "1-99号（单号）" in page and "55号" in page
    assert "无法解析" in page and "unparsed_clause" in page
    check = client.get(response.headers["Location"] + "/cross-check")
    assert check.status_code == 200 and "核对了 0 个门牌地址" in check.get_data(as_text=True)
