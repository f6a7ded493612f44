"""The yearly disclosure report (政府信息公开工作年度报告): its tables computed from a generated year of
requests across the year's boundaries, the arithmetic check, the CLI, and the reviewed publication."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime
from itertools import count

import pytest

from enroll.core.errors import Conflict, Forbidden
from enroll.review import content
from support import both_databases

YEAR = 2025
_numbers = count(1)


def add_request(district, kind: str, received: str, decided: str | None = None, decision: str | None = None,
                reason: str = "", fee: int = 0):
    from enroll.extensions import db
    from enroll.info_requests.models import InfoRequest

    request = InfoRequest(
        district_id=district.id, number=f"T{next(_numbers):06d}", channel="online", requester_kind=kind,
        delivery="email", received_on=date.fromisoformat(received), status="decided" if decided else "open",
        decided_on=date.fromisoformat(decided) if decided else None, decision=decision, decision_reason=reason,
        fee=fee)
    db.session.add(request)
    db.session.commit()
    return request


@pytest.fixture
def other_district(admin, district):
    from enroll.districts.services import create_district

    return create_district(admin, "990102", "另一区")


@pytest.fixture
def year_of_requests(district, other_district):
    """Requests of 2025 in 青溪区, and one of 另一区 (only the city's report counts it)."""
    add_request(district, "person", "2024-12-20", "2025-01-10", "disclosed", fee=3)   # carried over, decided
    add_request(district, "company", "2024-11-01", "2024-12-01", "disclosed")          # all in 2024
    add_request(district, "person", "2025-03-01", "2025-03-20", "partial", fee=10)
    add_request(district, "research", "2025-05-01", "2025-05-25", "withheld", "state_secret")
    add_request(district, "nonprofit", "2025-06-01", "2025-06-10", "unavailable", "not_held")
    add_request(district, "legal", "2025-07-01", "2025-07-05", "not_processed", "repeated")
    add_request(district, "other_org", "2025-08-01", "2025-08-02", "other", "withdrawn")  # withdrawn
    add_request(district, "person", "2025-12-28")                                       # open at year end
    add_request(district, "company", "2025-12-30", "2026-01-08", "disclosed", fee=5)     # decided next year
    add_request(district, "person", "2024-12-31")                                       # open across the year
    add_request(district, "person", "2026-01-05")                                       # next year's
    add_request(other_district, "person", "2025-02-01", "2025-02-10", "disclosed")


@both_databases
def test_a_generated_year_is_counted_across_its_boundaries(year_of_requests, district):
    from enroll.info_requests.report import annual_tables, check

    tables = annual_tables(district.id, YEAR)
    requests = tables["requests"]
    assert tables["year"] == YEAR and tables["district"] == {"code": "990101", "name": "青溪区"}
    assert {k: requests[k] for k in ("received", "carried_over", "decided", "carried_forward")} == \
        {"received": 7, "carried_over": 2, "decided": 6, "carried_forward": 3}
    assert requests["received"] + requests["carried_over"] == requests["decided"] + requests["carried_forward"]
    assert {code: row["total"] for code, row in requests["by_decision"].items()} == {
        "disclosed": 1, "partial": 1, "withheld": 1, "unavailable": 1, "not_processed": 1, "other": 1}
    assert requests["by_decision"]["withheld"]["reasons"]["state_secret"] == 1
    assert sum(requests["by_decision"]["withheld"]["reasons"].values()) == 1
    assert requests["by_decision"]["unavailable"]["reasons"]["not_held"] == 1
    assert requests["by_decision"]["not_processed"]["reasons"]["repeated"] == 1
    assert requests["by_decision"]["other"]["reasons"] == {"no_correction": 0, "fee_unpaid": 0, "withdrawn": 1}
    person, company = requests["by_requester"]["person"], requests["by_requester"]["company"]
    assert {k: person[k] for k in ("received", "carried_over", "decided", "carried_forward")} == \
        {"received": 2, "carried_over": 2, "decided": 2, "carried_forward": 2}
    assert {k: company[k] for k in ("received", "carried_over", "decided", "carried_forward")} == \
        {"received": 1, "carried_over": 0, "decided": 0, "carried_forward": 1}
    assert requests["by_requester"]["legal"]["by_decision"]["not_processed"]["total"] == 1
    assert tables["fees"] == 13  # the fees of the year's decisions, not of next year's
    assert check(tables) == []


def test_the_citys_report_counts_every_district(year_of_requests):
    from enroll.info_requests.report import annual_tables

    tables = annual_tables(None, YEAR)
    assert tables["district"] is None
    assert (tables["requests"]["received"], tables["requests"]["decided"]) == (8, 7)
    assert tables["requests"]["by_decision"]["disclosed"]["total"] == 2


def test_a_decision_dated_before_its_receipt_fails_the_check_naming_the_numbers(district):
    from enroll.info_requests.report import annual_tables, check

    add_request(district, "person", "2025-01-05", "2024-12-30", "disclosed")
    problems = [str(p) for p in check(annual_tables(district.id, YEAR))]
    assert "总计：本年新收 1 件 + 上年结转 0 件 = 1 件，不等于办理完结 0 件 + 结转下年度 0 件 = 0 件。" in problems
    assert any(p.startswith("自然人：") for p in problems)


@both_databases
def test_active_disclosure_counts_what_was_published_in_the_local_year(district, editor, reviewer, publish):
    from enroll.core.clock import local_today
    from enroll.extensions import db
    from enroll.info_requests.report import active_counts
    from enroll.review.models import Revision

    year = local_today().year
    first = publish()
    publish()
    assert active_counts(district.id, year)["policy"] == 2
    assert active_counts(district.id, year)["district_contact"] == 0  # every kind is listed, with 0
    assert active_counts(district.id, year - 1)["policy"] == 0
    # 31 December 17:00 UTC is already 1 January in China: the next year's
    revision = db.session.scalars(db.select(Revision).where(Revision.object_type == "policy",
                                                            Revision.object_id == first)).one()
    revision.published_at = datetime(year - 1, 12, 31, 17, 0, tzinfo=UTC)
    db.session.commit()
    assert active_counts(district.id, year)["policy"] == 2
    revision.published_at = datetime(year - 1, 12, 31, 15, 59, tzinfo=UTC)
    db.session.commit()
    assert (active_counts(district.id, year)["policy"], active_counts(district.id, year - 1)["policy"]) == (1, 1)
    assert active_counts(None, year - 1)["policy"] == 1


APPEALS = {"review_upheld": "1", "review_corrected": "1", "review_total": "2", "direct_pending": "1",
           "direct_total": "1"}
TEXTS = {"overview": "本年度依法做好政府信息公开工作。", "problems": "申请答复格式有待统一。", "other": "无其他事项。"}


def test_the_report_goes_through_review_by_a_second_person_then_shows_publicly(
        client, year_of_requests, admin, reviewer):
    from enroll.info_requests import annual

    assert client.get(f"/d/990101/reports/{YEAR}").status_code == 404
    revision = annual.draft_report(admin, "990101", YEAR, {**APPEALS, **TEXTS}, "首次发布")
    assert revision.data["tables"]["requests"]["received"] == 7
    assert revision.data["tables"]["appeals"]["review"] == {"upheld": 1, "corrected": 1, "other": 0, "pending": 0,
                                                            "total": 2}
    content.submit_revision(admin, revision.id)
    assert client.get(f"/d/990101/reports/{YEAR}").status_code == 404  # in review: not public
    with pytest.raises(Conflict, match="第二人"):
        content.approve_revision(admin, revision.id)  # the author cannot approve
    content.approve_revision(reviewer, revision.id)
    page = client.get(f"/d/990101/reports/{YEAR}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        assert f">{heading}</h2>" in html
    assert "本年度依法做好政府信息公开工作。" in html and "本年度收取信息处理费 13 元。" in html
    assert '<th scope="row" colspan="3">一、本年新收政府信息公开申请数量</th><td>2</td>' in html  # 自然人 first
    assert '<th scope="row" rowspan="8">（三）不予公开</th><th scope="row">1. 属于国家秘密</th>' in html
    assert html.count("<caption>") == 3


def test_the_author_cannot_approve_and_an_editor_does_not_review(year_of_requests, editor):
    from enroll.info_requests import annual

    revision = annual.submit_report(editor, "990101", YEAR, TEXTS)
    with pytest.raises(Forbidden):
        content.approve_revision(editor, revision.id)


def test_appeals_that_do_not_add_up_are_refused_at_submit_with_the_numbers(year_of_requests, editor):
    from enroll.info_requests import annual

    entered = {**APPEALS, "review_total": "3"}
    revision = annual.draft_report(editor, "990101", YEAR, entered)  # a draft may be unfinished
    with pytest.raises(Conflict, match="行政复议：结果维持、结果纠正、其他结果、尚未审结之和为 2 件，不等于填写的总计 3 件。"):
        content.submit_revision(editor, revision.id)
    assert content.open_revision(annual.ANNUAL, revision.object_id).status == "draft"


def test_the_bureau_page_refuses_the_submission_and_keeps_what_was_typed(year_of_requests, editor, login):
    client = login(editor)
    page = client.get(f"/bureau/d/990101/reports/{YEAR}").get_data(as_text=True)
    assert "核对无误：本年新收 7 件 + 上年结转 2 件 = 办理完结 6 件 + 结转下年度 3 件。" in page
    response = client.post(f"/bureau/d/990101/reports/{YEAR}",
                           data={**APPEALS, **TEXTS, "review_total": "3", "action": "submit"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "不等于填写的总计 3 件" in html and "不能提交审核" in html
    assert 'value="3"' in html and "申请答复格式有待统一。" in html


def test_a_bad_figure_is_named_and_the_form_kept(year_of_requests, editor, login):
    client = login(editor)
    response = client.post(f"/bureau/d/990101/reports/{YEAR}", data={**TEXTS, "direct_upheld": "两", "action": "save"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "“行政诉讼：未经复议直接起诉：结果维持”必须是 0 到 100000 之间的整数。" in html
    assert "本年度依法做好政府信息公开工作。" in html


def test_the_bureau_page_saves_then_submits(year_of_requests, editor, login):
    client = login(editor)
    response = client.post(f"/bureau/d/990101/reports/{YEAR}", data={**APPEALS, **TEXTS, "action": "save"})
    assert response.status_code == 302
    page = client.get(f"/bureau/d/990101/reports/{YEAR}").get_data(as_text=True)
    assert "第 1 版" in page and "申请答复格式有待统一。" in page
    response = client.post(f"/bureau/d/990101/reports/{YEAR}", data={**APPEALS, **TEXTS, "action": "submit"})
    assert response.status_code == 302 and "/bureau/revisions/" in response.headers["Location"]


def run_cli(app, *args):
    return app.test_cli_runner().invoke(args=["report", "annual", *args])


def test_the_cli_prints_the_tables_as_json(app, year_of_requests):
    result = run_cli(app, "--year", str(YEAR), "--district", "990101", "--json")
    assert result.exit_code == 0, result.output
    tables = json.loads(result.stdout)
    assert {k: tables["requests"][k] for k in ("received", "carried_over", "decided", "carried_forward")} == \
        {"received": 7, "carried_over": 2, "decided": 6, "carried_forward": 3}
    assert tables["fees"] == 13 and tables["requests"]["by_decision"]["withheld"]["reasons"]["state_secret"] == 1
    city = json.loads(run_cli(app, "--year", str(YEAR), "--json").stdout)
    assert city["requests"]["received"] == 8


def test_the_cli_prints_readable_text_and_fails_on_a_bad_check(app, district):
    add_request(district, "person", "2025-03-01", "2025-03-20", "partial")
    result = run_cli(app, "--year", str(YEAR), "--district", "990101")
    assert result.exit_code == 0
    assert "一、本年新收政府信息公开申请数量：1（自然人 1" in result.stdout
    add_request(district, "person", "2025-01-05", "2024-12-30", "disclosed")
    result = run_cli(app, "--year", str(YEAR), "--district", "990101", "--json")
    assert result.exit_code == 1
    assert "不等于办理完结" in result.stderr
    assert json.loads(result.stdout)["requests"]["received"] == 2


def test_the_reviewer_reads_the_main_figures_and_finds_the_full_tables(year_of_requests, editor, reviewer, login):
    from enroll.info_requests import annual

    revision = annual.submit_report(editor, "990101", YEAR, {**APPEALS, **TEXTS})
    html = login(reviewer).get(f"/bureau/revisions/{revision.id}").get_data(as_text=True)
    assert "<td>一、本年新收政府信息公开申请数量</td>" + "".join(f"<td>{n}</td>" for n in (2, 1, 1, 1, 1, 1, 7)) in html
    assert "<td>（三）不予公开 1. 属于国家秘密</td>" + "".join(f"<td>{n}</td>" for n in (0, 0, 1, 0, 0, 0, 1)) in html
    assert "<td>收取费用（元）</td>" + "<td></td>" * 6 + "<td>13</td>" in html
    assert "申请答复格式有待统一。" in html
    # the full tables on the report's page, which the reviewer reads but cannot change
    page = login(reviewer).get(f"/bureau/d/990101/reports/{YEAR}").get_data(as_text=True)
    assert "本年新收 7 件" in page and "<textarea" not in page and "申请答复格式有待统一。" in page
    assert login(reviewer).post(f"/bureau/d/990101/reports/{YEAR}", data={**TEXTS, "action": "save"}).status_code == 403


def test_a_draft_whose_counts_changed_since_it_was_saved_is_not_submitted(year_of_requests, district, editor):
    from enroll.info_requests import annual

    revision = annual.draft_report(editor, "990101", YEAR, TEXTS)
    add_request(district, "person", "2025-09-01", "2025-09-03", "disclosed")  # entered late
    with pytest.raises(Conflict, match="请在年度报告页面重新保存草稿"):
        content.submit_revision(editor, revision.id)
    revision = annual.submit_report(editor, "990101", YEAR, TEXTS)  # saving regenerates the tables
    assert revision.status == "in_review" and revision.data["tables"]["requests"]["received"] == 8
