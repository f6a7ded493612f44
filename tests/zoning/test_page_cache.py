"""The zoning page as anonymous visitors see it is kept until the next publication (core.page_cache):
a view then costs about what a lookup costs, never shows what was withdrawn, and each response
still carries its own script nonce."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
import zoning_steps as steps
from support import DEMO, both_databases

from enroll.zoning import services as zoning

URL = "/d/990101/2026/primary/"


@pytest.fixture
def published(editor, reviewer):
    plan = zoning.import_plan(editor, "990101", 2026, "primary", DEMO / "zones_primary.zip")
    [with_text] = steps.import_rules(editor, "990101", 2026, DEMO / "rules_primary.csv")
    steps.publish(editor, reviewer, with_text.id)
    assert with_text.id == plan.id
    return with_text


def statements_of(db, view) -> int:
    count = [0]

    def counted(*_):
        count[0] += 1

    sa.event.listen(db.engine, "before_cursor_execute", counted)
    try:
        view()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counted)
    return count[0]


@both_databases
def test_a_kept_page_is_served_without_the_database_until_a_withdrawal(client, db, published, reviewer):
    first = client.get(URL)
    assert first.status_code == 200 and "学院路" in first.get_data(as_text=True)
    assert statements_of(db, lambda: client.get(URL)) <= 1  # at most the check for a newer publication
    again = client.get(URL)
    assert again.get_data(as_text=True).count("学院路") == first.get_data(as_text=True).count("学院路")

    steps.withdraw_plan(reviewer, published.id)
    after = client.get(URL)
    assert after.status_code == 404 and "学院路1-117号" not in after.get_data(as_text=True)


def test_every_view_has_a_nonce_of_its_own_named_by_its_policy(client, published):
    nonces = []
    for _ in range(2):
        response = client.get(URL)
        [nonce] = set(re.findall(r'<script nonce="([^"]+)"', response.get_data(as_text=True)))
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1] and "Placeholder" not in nonces[0]


def test_staff_see_their_own_page_and_visitors_never_see_it(client, app, published, editor, login):
    login(editor)
    staff = client.get(URL).get_data(as_text=True)
    assert "editor" in staff
    visitor = app.test_client().get(URL).get_data(as_text=True)
    assert "editor" not in visitor and "学院路" in visitor


def test_a_kept_page_is_in_the_readers_characters(client, published):
    for _ in range(2):
        hant = client.get(URL, query_string={"lang": "zh_Hant"}).get_data(as_text=True)
        assert "劃片" in hant and "划片" not in hant
    hans = client.get(URL, query_string={"lang": "zh_Hans"}).get_data(as_text=True)
    assert "划片" in hans
