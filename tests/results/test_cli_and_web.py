"""``flask results import`` / ``purge-expired`` and the school's result form in the browser's place."""
from __future__ import annotations

import io
import json

from results_data import FILES
from enroll.results import services
from enroll.review import content


def run(app, *args):
    return app.test_cli_runner().invoke(args=[str(a) for a in args])


def test_cli_import_makes_a_draft_and_prints_json(app, school_editor, public_school, frozen):
    result = run(app, "results", "import", FILES / "routes_gbk.csv", "--school", public_school.id, "--year", 2026,
                 "--list", FILES / "list.csv", "--public-until", "2026-07-31", "--as", "wl", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["status"] == "draft" and data["list"] == 4
    assert [r["route"] for r in data["routes"]] == ["in_zone", "migrant", "priority", "coordinated"]
    assert content.get_revision(school_editor, data["revision"]).revision.data["list"][1]["name"] == "欧阳**"


def test_cli_refuses_a_bad_file_with_every_line_and_exit_status_1(app, school_editor, public_school, frozen,
                                                                  tmp_path):
    bad = tmp_path / "结果.csv"
    bad.write_text("途径,报名人数,计划数,录取人数\n片区内,10,10,12\n随迁子女,x,1,1\n", encoding="gbk")
    result = run(app, "results", "import", bad, "--school", public_school.id, "--year", 2026, "--as", "wl", "--json")
    assert result.exit_code == 1
    errors = json.loads(result.output)["error"]["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [(2, "录取人数"), (3, "报名人数")]
    assert services.result_of(public_school.id, 2026) is None  # nothing saved


def test_cli_purge_expired_is_safe_to_repeat(app, published, frozen):
    published()
    frozen.move_to("2026-08-02T00:00:00+08:00", tick=False)
    first = json.loads(run(app, "results", "purge-expired", "--json").output)
    second = json.loads(run(app, "results", "purge-expired", "--json").output)
    assert first["entries"] == 4 and len(first["results"]) == 1 and second["results"] == []


def _form(**extra):
    data = {"keep_list": "y", "list_public": "y", "notice_until": "2026-07-17", "public_until": "2026-07-31",
            "notes": "", "note": ""}
    for i, code in enumerate(("in_zone", "migrant", "priority", "coordinated", "direct", "lottery", "other")):
        data[f"routes-{i}-route"] = code
    data.update(extra)
    return data


def test_the_form_saves_a_draft_and_the_reviewer_sees_a_labelled_table(client, login, school_editor, public_school,
                                                                      reviewer, frozen):
    login(school_editor)
    data = _form(**{"routes-0-applicants": "120", "routes-0-places": "120", "routes-0-admitted": "118",
                    "list_file": (io.BytesIO((FILES / "list.csv").read_bytes()), "名单.csv")})
    data["routes-1-applicants"], data["routes-1-places"], data["routes-1-admitted"] = "40", "30", "30"
    response = client.post(f"/bureau/schools/{public_school.id}/results/2026", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "片区内户籍/房产" in page and "<th scope=\"col\">报名人数</th>" in page and "欧阳**" in page
    assert "2019-" not in page  # birth dates are never shown, not even to reviewers


def test_the_form_shows_every_bad_line_and_keeps_what_was_typed(client, login, school_editor, public_school, frozen):
    login(school_editor)
    data = _form(**{"routes-0-applicants": "10", "routes-0-places": "10", "routes-0-admitted": "12",
                    "list_file": (io.BytesIO("申请号,结果\nA1,录取\nA1,录取\n".encode("gbk")), "名单.csv")})
    response = client.post(f"/bureau/schools/{public_school.id}/results/2026", data=data,
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第 1 行 录取人数：录取人数（12）多于报名人数（10）。" in page and 'value="12"' in page
    assert services.result_of(public_school.id, 2026) is None
