"""划片 text as one public, reviewed truth: text-only plans, merges that cannot destroy, the clause
diff, the full text in public, testing an address against a draft, the right year."""
from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
import zoning_steps as steps
from support import DEMO, both_databases

from enroll.core.errors import Invalid
from enroll.zoning import services as zoning
from enroll.zoning import texts

RULES = DEMO / "rules_primary.csv"


def paste(editor, text: str, **kwargs):
    return texts.import_texts(editor, "990101", 2026, text.encode("utf-8"), filename="paste.csv", **kwargs)


def published_text_plan(editor, reviewer):
    [plan] = steps.import_rules(editor, "990101", 2026, RULES)
    return steps.publish(editor, reviewer, plan.id)


def school_texts(plan) -> dict[str, str]:
    return {t.school.name: t.text for t in plan.texts}


@both_databases
def test_a_text_only_plan_is_published_and_answers_lookups_from_its_text(client, editor, reviewer):
    plan = published_text_plan(editor, reviewer)
    assert plan.status == "published" and not plan.zones and plan.contents == "text"
    answer = client.get("/api/v1/lookup", query_string={"address": "学院路130号"}).get_json()
    assert answer["matches"] and {m["basis"]["type"] for m in answer["matches"]} == {"rule"}
    assert answer["year"] == 2026
    page = client.get("/d/990101/2026/primary/").get_data(as_text=True)
    assert "本方案只有划片文字，没有片区地图。" in page and "学院路" in page


def test_a_one_school_paste_keeps_every_other_schools_text(editor, reviewer):
    before = school_texts(published_text_plan(editor, reviewer))
    assert len(before) == 28
    [result] = paste(editor, "学校,学段,划片范围\n青溪区东湖小学,小学,东湖路1-99号（单号）\n")
    after = school_texts(result.plan)
    assert (result.updated, result.removed) == (1, 0)
    assert after["青溪区东湖小学"] == "东湖路1-99号（单号）"
    assert {k: v for k, v in after.items() if k != "青溪区东湖小学"} == {
        k: v for k, v in before.items() if k != "青溪区东湖小学"}


def test_replace_all_says_how_many_schools_lose_their_text(editor, reviewer):
    published_text_plan(editor, reviewer)
    [result] = paste(editor, "学校,学段,划片范围\n青溪区东湖小学,小学,东湖路全段\n", replace_all=True)
    assert result.removed == 27 and list(school_texts(result.plan)) == ["青溪区东湖小学"]
    codes = [f["code"] for f in result.plan.report["findings"]]
    assert codes.count("school_without_zone") == 27


def test_the_draft_shows_a_clause_diff_and_no_change_only_when_nothing_changed(login, editor, reviewer):
    published_text_plan(editor, reviewer)
    client = login(editor)
    [changed] = paste(editor, "学校,学段,划片范围\n青溪区东湖小学,小学,东湖路1-99号\n")
    page = client.get(f"/bureau/plans/{changed.plan.id}").get_data(as_text=True)
    assert 'id="no-changes"' not in page and "<ins>东湖路1-99号</ins>" in page
    published = next(r for r in csv.DictReader(io.StringIO(RULES.read_text(encoding="utf-8-sig")))
                     if r["学校"] == "青溪区东湖小学")["划片范围"]
    [back] = paste(editor, f'学校,学段,划片范围\n青溪区东湖小学,小学,"{published}"\n')  # the draft, reverted
    assert back.plan.id == changed.plan.id
    assert 'id="no-changes"' in client.get(f"/bureau/plans/{back.plan.id}").get_data(as_text=True)


def test_a_broken_paste_is_refused_with_line_and_column_and_kept_in_the_form(login, editor):
    client = login(editor)
    pasted = "学校,学段,划片范围\n青溪区东湖小学,小学,东湖路全段\n不存在的小学,小学,文澜路\n"
    response = client.post("/bureau/d/990101/rules", data={"year": "2026", "text": pasted})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "第 3 行" in page and "不存在的小学" in page
    assert "青溪区东湖小学,小学,东湖路全段" in page  # what was pasted stays in the form
    assert zoning.plans_of(editor, "990101") == []   # nothing written
    response = client.post("/bureau/d/990101/rules", data={"year": "2026", "text": "名称,范围\n甲,乙\n"})
    assert response.status_code == 422 and "缺少列" in response.get_data(as_text=True)


def test_an_overlong_text_is_a_clear_error(editor):
    with pytest.raises(Invalid) as refused:
        paste(editor, "学校,学段,划片范围\n青溪区东湖小学,小学," + "东湖路" * 4000 + "\n")
    [(line, column, message)] = refused.value.detail["errors"]
    assert line == 2 and column == "划片范围" and "10000" in str(message)


def test_a_cell_past_the_csv_reader_s_limit_is_refused_naming_its_line(login, editor):
    """Python's csv reader stops at 131,072 characters in one cell: a clear error, not a 500."""
    pasted = "学校,学段,划片范围\n青溪区东湖小学,小学,东湖路全段\n青溪区实验小学,小学,\"" + "x" * 140_000 + "\"\n"
    response = login(editor).post("/bureau/d/990101/rules", data={"year": "2026", "text": pasted})
    assert response.status_code == 422
    assert "第 3 行有一个单元格超过 131072 个字符" in response.get_data(as_text=True)


def test_the_full_text_is_public_in_csv_history_and_on_the_school_page(client, editor, reviewer):
    plan = published_text_plan(editor, reviewer)
    csv_text = client.get("/d/990101/2026/primary/texts.csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeff学校,学段,划片范围")
    rows = list(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert {r["学校"]: r["划片范围"] for r in rows} == school_texts(plan)
    school = plan.texts[0]
    assert school.text.splitlines()[0] in client.get(f"/schools/{school.school_id}").get_data(as_text=True)
    history = client.get("/d/990101/2026/primary/history").get_data(as_text=True)
    assert "第 1 版" in history and "首次发布" in history


def test_a_year_with_nothing_published_links_to_the_latest(client, editor, reviewer):
    published_text_plan(editor, reviewer)
    response = client.get("/d/990101/2030/primary/")
    assert response.status_code == 404
    assert 'href="/d/990101/2026/primary/"' in response.get_data(as_text=True)


def test_staff_test_an_address_against_the_draft_beside_the_published_answer(login, editor, reviewer):
    published_text_plan(editor, reviewer)
    [draft] = paste(editor, "学校,学段,划片范围\n青溪区东湖小学,小学,学院路120-140号\n")
    page = login(editor).get(f"/bureau/plans/{draft.plan.id}", query_string={"address": "学院路130号"})
    text = page.get_data(as_text=True)
    plan_part, public_part = text.split('id="answer-public"')
    assert "青溪区东湖小学" in plan_part.split('id="answer-plan"')[1]
    assert "学院路" in public_part


def test_lookups_answer_for_the_current_year_and_show_the_next_beside(client, editor, reviewer, time_machine):
    published_text_plan(editor, reviewer)
    [next_year] = texts.import_texts(editor, "990101", 2027, RULES.read_bytes(), filename="r.csv")
    steps.publish(editor, reviewer, next_year.plan.id)
    time_machine.move_to(datetime(2027, 2, 28, 12))
    answer = client.get("/api/v1/lookup", query_string={"address": "学院路130号"}).get_json()
    assert answer["year"] == 2026 and [later["year"] for later in answer["later"]] == [2027]
    assert client.get("/api/v1/lookup", query_string={"address": "学院路130号", "year": "2027"}).get_json()["year"] == 2027
    time_machine.move_to(datetime(2027, 3, 2, 12))
    answer = client.get("/api/v1/lookup", query_string={"address": "学院路130号"}).get_json()
    assert answer["year"] == 2027 and answer["later"] == []
    page = client.get("/lookup", query_string={"q": "学院路130号", "year": "2026"}).get_data(as_text=True)
    assert "2026 年招生" in page and "2027 年起" in page


@both_databases
def test_two_reviewers_approving_at_once_exactly_one_succeeds(app, editor, reviewer, make_user):
    make_user("reviewer2", "district_reviewer")
    [plan] = steps.import_rules(editor, "990101", 2026, RULES)
    steps.submit_plan(editor, plan.id)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    from enroll.extensions import db
    db.session.remove()
    db.engine.dispose()
    assert steps.approve_in_two_processes(url, plan.revision_id, ("reviewer", "reviewer2")) == ["approved", "conflict"]
    assert zoning.get_plan(editor, plan.id).status == "published"


def test_the_history_shows_every_published_version_with_its_clause_diff(client, editor, reviewer):
    published_text_plan(editor, reviewer)
    [second] = paste(editor, "学校,学段,划片范围\n青溪区东湖小学,小学,东湖路1-99号（单号）\n", note="东湖路调整")
    steps.publish(editor, reviewer, second.plan.id)
    history = client.get("/d/990101/2026/primary/history").get_data(as_text=True)
    newest, first = history.split('id="version-2"')[1].split('id="version-1"')
    assert "东湖小学" in newest and "<ins>东湖路1-99号（单号）</ins>" in newest and "东湖路调整" in newest
    assert "已被新版本替代" in first and "首次发布" in first
    assert "审核记录编号" in newest
    generic = client.get(f"/history/zoning/{second.plan.revision.object_id}")  # one history, one rule
    assert generic.status_code == 302 and generic.headers["Location"].endswith("/d/990101/2026/primary/history")


def test_the_bureau_sets_the_current_year_and_the_queue_lists_zoning(app, login, editor, reviewer):
    published_text_plan(editor, reviewer)
    client = login(reviewer)
    assert 'id="derived-year">2026' in client.get("/bureau/d/990101/year").get_data(as_text=True)
    assert client.post("/bureau/d/990101/year", data={"year": "2027"}).status_code == 302
    answer = client.get("/api/v1/lookup", query_string={"address": "学院路130号"}).get_json()
    assert answer["year"] == 2026 and answer["matches"]  # 2027 is set but not published yet: said, not hidden
    assert [c["code"] for c in answer["caveats"]] == ["multi_school", "year_not_published"]  # 学院路130号: a shared zone
    client.post("/bureau/d/990101/year", data={"year": ""})
    assert client.get("/api/v1/lookup", query_string={"address": "学院路130号"}).get_json()["year"] == 2026
    paste(editor, "学校,学段,划片范围\n青溪区东湖小学,小学,东湖路全段\n")
    pending = app.test_cli_runner().invoke(args=["content", "pending", "--as", "editor"])
    assert "zoning" in pending.output and "青溪区 2026 年小学划片" in pending.output


def test_a_version_sent_back_and_changed_is_never_answered_from_what_it_said_before(client, login, editor,
                                                                                      reviewer):
    [first] = steps.import_rules(editor, "990101", 2026, RULES)
    steps.submit_plan(editor, first.id)
    login(reviewer).get(f"/bureau/plans/{first.id}", query_string={"address": "学院路130号"})  # indexes it
    steps.reject_plan(reviewer, first.id, "学院路划错了")
    [edited] = paste(editor, "学校,学段,划片范围\n青溪区东湖小学,小学,学院路全段\n", replace_all=True)
    assert edited.plan.id == first.id  # the same draft, edited in place
    steps.publish(editor, reviewer, first.id)
    answer = client.get("/api/v1/lookup", query_string={"address": "学院路130号"}).get_json()
    assert [m["school"]["name"] for m in answer["matches"]] == ["青溪区东湖小学"]


def test_a_change_of_words_that_leaves_the_clauses_alone_is_still_a_change(login, editor, reviewer):
    published_text_plan(editor, reviewer)
    [draft] = paste(editor, "学校,学段,划片范围\n青溪区东湖小学,小学,东湖路1-99号（单号）\n")
    steps.publish(editor, reviewer, draft.plan.id)
    [reworded] = paste(editor, "学校,学段,划片范围\n青溪区东湖小学,小学,1. 东湖路1-99号（单号）。\n")
    page = login(editor).get(f"/bureau/plans/{reworded.plan.id}").get_data(as_text=True)
    assert 'id="no-changes"' not in page and "原文的标点或编号有改动，条款不变" in page


def test_a_paste_that_changes_nothing_starts_no_draft(editor, reviewer):
    plan = published_text_plan(editor, reviewer)
    text = school_texts(plan)["青溪区东湖小学"]
    [result] = paste(editor, f'学校,学段,划片范围\n青溪区东湖小学,小学,"{text}"\n')
    assert (result.updated, result.unchanged, result.plan.id) == (0, 1, plan.id)
    assert [p.status for p in zoning.plans_of(editor, "990101")] == ["published"]
    with pytest.raises(Invalid):  # nothing published, nothing given
        texts.import_texts(editor, "990101", 2027, "学校,学段,划片范围\n青溪区东湖小学,小学,\n".encode(), filename="p.csv")
    assert zoning.zoning_of(zoning.get_plan(editor, plan.id).district, 2027, "primary") is None
