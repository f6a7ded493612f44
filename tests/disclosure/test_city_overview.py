"""The city admin's view of every district's disclosure: catalogue completeness of its current
year, items published late, requests for information past their due day; nobody else sees it."""
from __future__ import annotations

import pytest
import time_machine

from policy_data import document
from enroll.core.errors import Forbidden
from enroll.disclosure import overview
from enroll.review import content

REQUEST = {"requester_name": "王某", "contact": "北京市某路1号", "description": "2026 年招生计划的编制依据",
           "delivery": "paper"}


@pytest.fixture
def other(admin, district):
    from enroll.districts.services import create_district

    return create_district(admin, "990102", "另一区")


def _row(page: str, code: str) -> str:
    start = page.index(f'id="district-{code}"')
    return page[start:page.index("</tr>", start)]


@time_machine.travel("2026-05-06 10:00 +0800", tick=False)
def test_the_city_admin_sees_each_districts_counts(client, login, admin, other, editor, reviewer):
    from enroll.policies import services as policies

    revision = policies.save_document(editor, "990101", document(signed_on="2026-03-02"))  # 46 working days
    content.submit_revision(editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    lines = {line.district.code: line for line in overview.city_overview(admin)}
    assert lines["990101"].year == 2026 and lines["990102"].year == 2026  # no plan yet: the year being prepared
    # 990101: the policy and the request form; its schools include private ones (民办 line)
    assert lines["990101"].counts == {"published": 2, "partial": 0, "missing": 13}
    assert [i.key for i in lines["990101"].late] == ["policy"]
    assert lines["990102"].counts == {"published": 1, "partial": 0, "missing": 13}  # no schools, no 民办 line
    login(admin)
    page = client.get("/bureau/disclosure").get_data(as_text=True)
    row = _row(page, "990101")
    assert '<td class="published">2</td>' in row and '<td class="missing">13</td>' in row
    assert "招生政策（招生方案、实施细则、入学办法）" in row  # named as published late
    assert 'href="/d/990101/2026/disclosure"' in row and 'href="/bureau/d/990101/negative-list"' in row
    assert '<td class="published">1</td>' in _row(page, "990102")
    assert "全市信息公开情况" in client.get("/bureau/").get_data(as_text=True)  # linked from the dashboard


def test_overdue_requests_are_counted_per_district(client, login, admin, other):
    from enroll.info_requests import services as requests

    with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
        requests.enter_request(admin, "990101", REQUEST, "2026-03-02", "mail")
    with time_machine.travel("2026-03-10 10:00 +0800", tick=False):
        assert {line.district.code: line.overdue for line in overview.city_overview(admin)} == \
            {"990101": 0, "990102": 0}
    with time_machine.travel("2026-05-06 10:00 +0800", tick=False):  # 20 working days long past
        assert {line.district.code: line.overdue for line in overview.city_overview(admin)} == \
            {"990101": 1, "990102": 0}
        login(admin)
        page = client.get("/bureau/disclosure").get_data(as_text=True)
    assert '<td class="overdue"><strong>1</strong></td>' in _row(page, "990101")
    assert '<td class="overdue">0</td>' in _row(page, "990102")


@pytest.mark.parametrize("role", ["district_editor", "district_reviewer"])
def test_district_staff_are_refused(client, login, district, make_user, role):
    user = make_user("someone", role)
    with pytest.raises(Forbidden):
        overview.city_overview(user)
    login(user)
    assert client.get("/bureau/disclosure").status_code == 403
    assert "全市信息公开情况" not in client.get("/bureau/").get_data(as_text=True)


def test_anonymous_readers_are_sent_to_sign_in(client, district):
    response = client.get("/bureau/disclosure")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
