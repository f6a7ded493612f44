"""Every form parents send survives a stale security token (the phone slept, the session cookie was
lost): the page comes back with what was typed, a fresh token and the reason, not a bare 400, and
nothing is done until it is sent again. (The own-result check and the request form have their own tests.)"""
from __future__ import annotations

import re

import pytest
from support import make_app

from enroll.extensions import db as _db
from enroll.follow.models import Follow

STALE = "页面打开太久，安全验证已过期。您填写的内容已保留，请再提交一次。"


def token_of(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]


@pytest.fixture
def strict(demo_template, tmp_path):
    """The demo with CSRF checks on, each request in an application context of its own."""
    import shutil

    path = tmp_path / "demo.sqlite3"
    shutil.copy(demo_template, path)
    return make_app(f"sqlite:///{path}", WTF_CSRF_ENABLED=True)


def send(app, method, url, **kwargs):
    with app.app_context():
        return app.test_client().open(url, method=method, **kwargs)


@pytest.mark.parametrize(("url", "data", "kept"), [
    ("/d/990101/follow", {"email": "parent@example.com", "address": "学院路130号"}, 'value="学院路130号"'),
    ("/d/990101/2026/migrant/primary", {"has_permit": "yes", "insurance_months": "14", "housing": "owned",
                                        "address": "学院路130号"}, 'value="14"'),
])
def test_a_stale_token_shows_the_form_again_with_what_was_typed(strict, url, data, kept):
    forged = token_of(send(strict, "GET", url).get_data(as_text=True)) + "x"  # another session's, or expired
    response = send(strict, "POST", url, data={**data, "csrf_token": forged})
    page = response.get_data(as_text=True)
    assert response.status_code in (400, 422) and STALE in page and kept in page
    assert 'name="csrf_token"' in page
    with strict.app_context():
        assert _db.session.query(Follow).count() == 0
