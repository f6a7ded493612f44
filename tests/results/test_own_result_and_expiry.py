"""A parent checks their own child's result (number + birth date, rate-limited, never cached), and
lists expire: purge-expired unpublishes them and deletes their personal fields (time frozen)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from results_data import TODAY
from support import both_databases
from enroll.results import expiry, services
from enroll.results.models import AdmissionEntry
from enroll.review import content
from enroll.review.models import AuditEvent


def check(client, school, number="Q2026-0003", born="2019-11-30", ip="203.0.113.5"):
    return client.post(f"/schools/{school.id}/results/2026/check", data={
        "application_no": number, "birth_date": born}, environ_base={"REMOTE_ADDR": ip})


def test_a_parent_sees_their_childs_outcome_on_the_page_and_nothing_is_cached(client, published, public_school):
    published()
    response = check(client, public_school)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "申请号 Q2026-0003：候补" in page and "序号：1" in page
    assert "/check" in page and "Q2026-0003" not in response.request.url  # nothing personal in any URL


@pytest.mark.parametrize("number, born", [("Q2026-0003", "2019-11-29"), ("Q2026-9999", "2019-11-30")])
def test_a_wrong_number_or_birth_date_gets_the_same_answer(client, published, public_school, number, born):
    published()
    response = check(client, public_school, number, born)
    assert response.status_code == 404 and "没有找到与申请号和出生日期都相符的记录" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("born", ["2019-11-30", "２０１９－１１－３０", "2019/11/30", "2019.11.30", "2019年11月30日",
                                  "20191130", " 2019 - 11 - 30 ", "２０１９年１１月３０日"])
def test_the_birth_date_may_be_typed_as_parents_write_it(client, published, public_school, born):
    published()
    assert "申请号 Q2026-0003：候补" in check(client, public_school, born=born).get_data(as_text=True)


def test_unpadded_month_and_day_are_read(client, published, public_school):
    published()
    assert "申请号 Q2026-0001：录取" in check(client, public_school, "Q2026-0001", "2019-3-5").get_data(as_text=True)


@pytest.mark.parametrize("born, message", [
    ("2019-02-30", "2019 年 2 月没有 30 日。"), ("2019年13月1日", "月份 13 不存在"),
    ("2027-01-01", "日期 2027-01-01 晚于今天。"), ("30/11/2019", "请把年份写在前面"), ("十一月", "无法识别日期“十一月”")])
def test_an_impossible_date_is_told_beside_its_field(client, published, public_school, frozen, born, message):
    published()
    response = check(client, public_school, born=born)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert 'id="birth_date-error"' in page and 'aria-invalid="true"' in page
    assert f'value="{born}"' in page  # what was typed stays in the field to be corrected


def test_impossible_dates_are_not_counted_as_attempts(client, published, public_school, frozen):
    """Ten impossible dates, more than the number's limit, then the right one: still answered."""
    published()
    for day in range(30, 40):
        assert check(client, public_school, born=f"2019-02-{day}", ip="198.51.100.1").status_code == 422
    for month in range(13, 23):  # and more than the address's limit of 20 in all
        assert check(client, public_school, born=f"2019-{month}-01", ip="198.51.100.1").status_code == 422
    assert check(client, public_school, ip="198.51.100.1").status_code == 200


def test_a_missing_birth_date_is_named(client, published, public_school):
    published()
    response = check(client, public_school, born="")
    assert response.status_code == 422 and "请填写孩子的出生日期。" in response.get_data(as_text=True)


def test_the_form_posts_to_its_answer_which_the_page_focuses(client, published, public_school):
    published()
    form_page = client.get(f"/schools/{public_school.id}/results/2026").get_data(as_text=True)
    assert '/results/2026/check#answer"' in form_page and 'id="answer"' not in form_page
    assert "pattern=" not in form_page and "js/answer.js" in form_page  # full-width digits reach the server
    answer = check(client, public_school).get_data(as_text=True)
    assert '<div id="answer" class="answer" tabindex="-1" data-focus-on-load>' in answer


def test_guessing_a_birth_date_locks_the_number_after_ten_tries_whatever_the_address(client, published,
                                                                                    public_school, frozen):
    published()
    for day in range(1, 11):
        assert check(client, public_school, born=f"2019-10-{day:02d}", ip=f"198.51.100.{day}").status_code == 404
    frozen.move_to(TODAY + timedelta(days=3), tick=False)  # the lock does not wear off
    response = check(client, public_school, ip="198.51.100.99")  # right date, but too late
    assert response.status_code == 429 and "Retry-After" not in response.headers
    assert "已停止在线查询" in response.get_data(as_text=True) and "申请号 Q2026-0003" not in response.get_data(as_text=True)


def test_a_right_answer_starts_the_count_again(client, published, public_school):
    published()
    for _round in range(3):
        for day in range(1, 8):
            check(client, public_school, born=f"2019-10-{day:02d}", ip=f"198.51.100.{day}")
        assert check(client, public_school, ip="198.51.100.50").status_code == 200


def test_the_number_is_matched_whatever_its_case_or_width(client, published, public_school):
    published()
    assert "申请号 Q2026-0003：候补" in check(client, public_school, number="ｑ2026-0003").get_data(as_text=True)


def test_ipv6_clients_are_counted_by_their_64_network(client, published, public_school):
    published()
    for n in range(20):
        check(client, public_school, number=f"X{n}", ip=f"2001:db8:0:1::{n + 1:x}")
    assert check(client, public_school, ip="2001:db8:0:1:ffff::9").status_code == 429
    assert check(client, public_school, ip="2001:db8:0:2::1").status_code == 200


@both_databases
def test_parallel_guesses_cannot_slip_past_the_limit(app, published, public_school, key):
    """Thirty guesses at once, each on its own connection: exactly ten are looked at."""
    from concurrent.futures import ThreadPoolExecutor

    from enroll.core.errors import NotFound, TooManyRequests
    from enroll.extensions import db
    from enroll.results import checks

    published()
    school_id = public_school.id
    db.session.commit()

    def guess(day: int) -> str:
        with app.app_context():
            try:
                checks.check_own_result(school_id, 2026, "Q2026-0003", f"2019-09-{day:02d}", ip=f"192.0.2.{day}",
                                        check_key=key)
            except NotFound:
                return "checked"
            except TooManyRequests:
                return "refused"
            finally:
                db.session.remove()
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(guess, range(1, 31)))
    assert answers.count("checked") == 10 and answers.count("refused") == 20


def test_one_address_is_limited_across_numbers(client, published, public_school):
    published()
    for n in range(20):
        check(client, public_school, number=f"X{n}")
    assert check(client, public_school).status_code == 429


def test_the_limit_lifts_after_its_window(client, published, public_school, frozen):
    published()
    for n in range(20):
        check(client, public_school, number=f"X{n}")
    assert check(client, public_school).status_code == 429
    frozen.move_to(TODAY + timedelta(minutes=16), tick=False)
    assert check(client, public_school).status_code == 200


@both_databases
def test_purge_expired_unpublishes_the_list_and_deletes_its_personal_fields(client, published, public_school, db,
                                                                           frozen):
    revision = published()
    result = services.result_of(public_school.id, 2026)
    assert expiry.purge_expired().results == []  # nothing has expired yet
    frozen.move_to("2026-07-31T15:59:59+00:00", tick=False)  # 23:59:59 on the last public day in Shanghai
    assert "Q2026-0001" in client.get(f"/schools/{public_school.id}/results/2026").get_data(as_text=True)
    frozen.move_to("2026-07-31T16:00:00+00:00", tick=False)
    # the list disappears at once, even before cron runs
    assert "Q2026-0001" not in client.get(f"/schools/{public_school.id}/results/2026").get_data(as_text=True)
    purged = expiry.purge_expired()
    assert purged.results == [result.id] and purged.entries == 4 and purged.revisions == 1
    assert db.session.scalar(select(func.count(AdmissionEntry.id))) == 0
    db.session.expire_all()
    assert content.published_revision(services.RESULT, result.id).data["list"] == []
    assert "Q2026" not in str(db.session.get(type(revision), revision.id).data)
    page = client.get(f"/schools/{public_school.id}/results/2026").get_data(as_text=True)
    assert "随迁子女" in page and "已删除" in page  # the aggregates stay
    assert check(client, public_school).status_code == 404
    assert expiry.purge_expired().results == []  # safe to run again
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "results.purge")) == 1


def test_an_unpublished_drafts_list_expires_too(save, db, frozen):
    revision = save()
    frozen.move_to("2026-08-01T00:00:00+08:00", tick=False)
    assert expiry.purge_expired().revisions == 1
    db.session.expire_all()
    assert db.session.get(type(revision), revision.id).data["list"] == []


def test_a_withdrawn_result_takes_its_list_with_it(client, published, public_school, reviewer):
    published()
    result = services.result_of(public_school.id, 2026)
    content.withdraw_item(reviewer, services.RESULT, result.id, "数据有误")
    assert client.get(f"/schools/{public_school.id}/results/2026").status_code == 404
    assert check(client, public_school).status_code == 404


def test_attempts_refused_for_their_address_do_not_lock_a_number(client, published, public_school):
    published()
    for n in range(20):
        check(client, public_school, number=f"X{n}", ip="198.51.100.7")
    for _ in range(15):  # refused by the address limit: the child's number is not touched
        assert check(client, public_school, born="2019-01-01", ip="198.51.100.7").status_code == 429
    assert check(client, public_school, ip="198.51.100.8").status_code == 200


def _token(page: str) -> str:
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


def _alone(app, send):
    """A request in an application context of its own, as a server runs it (the tests' shared one
    would keep the first token Flask-WTF made in its ``g``)."""
    with app.app_context():
        return send()


@pytest.mark.parametrize("how", ["token expired", "session lost"])
def test_a_stale_form_comes_back_with_what_was_typed_and_a_fresh_token(app, client, published, public_school, frozen,
                                                                       how):
    """The phone slept for two hours (the token expired), or lost its session cookie: not a bare
    400 page but the form again, filled in, asking to submit once more; nothing was counted."""
    published()
    app.config["WTF_CSRF_ENABLED"] = True
    url = f"/schools/{public_school.id}/results/2026"
    token = _token(_alone(app, lambda: client.get(url)).get_data(as_text=True))
    if how == "token expired":
        frozen.move_to(TODAY + timedelta(hours=2), tick=False)
    else:
        client = app.test_client()
    data = {"application_no": "Q2026-0003", "birth_date": "２０１９年１１月３０日", "csrf_token": token}
    response = _alone(app, lambda: client.post(f"{url}/check", data=data))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "安全验证已过期。您填写的内容已保留，请再点一次“查询”。" in page
    assert 'value="Q2026-0003"' in page and 'value="２０１９年１１月３０日"' in page
    assert "Location" not in response.headers and "2019" not in response.request.url
    assert response.headers["Cache-Control"] == "no-store"
    assert _token(page) != token
    again = _alone(app, lambda: client.post(f"{url}/check", data=dict(data, csrf_token=_token(page))))
    assert again.status_code == 200 and "申请号 Q2026-0003：候补" in again.get_data(as_text=True)


def test_a_post_without_any_token_is_still_refused(app, client, published, public_school):
    published()
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/schools/{public_school.id}/results/2026/check",
                           data={"application_no": "Q2026-0003", "birth_date": "2019-11-30"})
    assert response.status_code == 400 and "申请号 Q2026-0003：候补" not in response.get_data(as_text=True)
