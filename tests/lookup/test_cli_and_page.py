"""Rules and gazetteer imports from the CLI, the lookup CLI, and the lookup page's text path."""
from __future__ import annotations

import json

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
