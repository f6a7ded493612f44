"""Staff sign-in: throttling, session timeouts, logout that ends the session, TOTP, CSRF."""
from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
import time_machine

from support import PASSWORD, make_app


def post_login(client, username, password=PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


def test_wrong_password_is_refused_with_the_same_message_as_an_unknown_user(client, editor):
    wrong = post_login(client, "editor", "not-the-password")
    unknown = post_login(client, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码错误" in wrong.get_data(as_text=True) and "用户名或密码错误" in unknown.get_data(as_text=True)


def test_five_failures_lock_the_account_even_for_the_right_password(client, editor):
    with time_machine.travel("2026-06-01 09:00 +0800", tick=False) as traveller:
        for _ in range(5):
            assert post_login(client, "editor", "guess-guess-guess").status_code == 401
        locked = post_login(client, "editor")
        assert locked.status_code == 401 and "账户已暂时锁定" in locked.get_data(as_text=True)
        traveller.shift(timedelta(minutes=16))
        assert post_login(client, "editor").status_code == 302


def test_failures_and_locks_are_audited(client, editor):
    from enroll.review.services import recent_events

    for _ in range(5):
        post_login(client, "editor", "guess-guess-guess")
    actions = [e.action for e in recent_events(20) if e.object_type == "user"]
    assert actions.count("login.failed") == 5 and "login.locked" in actions


def test_a_success_resets_the_failure_count(client, editor):
    for _ in range(4):
        post_login(client, "editor", "guess-guess-guess")
    assert post_login(client, "editor").status_code == 302
    client.post("/logout")
    for _ in range(4):
        post_login(client, "editor", "guess-guess-guess")
    assert post_login(client, "editor").status_code == 302  # four more failures do not lock


def test_idle_session_expires(client, editor):
    with time_machine.travel("2026-06-01 09:00 +0800", tick=False) as traveller:
        post_login(client, "editor")
        assert client.get("/bureau/").status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get("/bureau/").status_code == 200  # activity keeps it alive
        traveller.shift(timedelta(minutes=31))
        expired = client.get("/bureau/")
        assert expired.status_code == 302 and "/login" in expired.headers["Location"]


def test_session_has_an_absolute_lifetime(client, editor):
    with time_machine.travel("2026-06-01 09:00 +0800", tick=False) as traveller:
        post_login(client, "editor")
        for _ in range(12 * 3 + 1):  # busy all day, a request every 20 minutes
            traveller.shift(timedelta(minutes=20))
            response = client.get("/bureau/")
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_ends_the_session_even_for_a_copied_cookie(app, client, editor):
    post_login(client, "editor")
    stolen = client.get_cookie("session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/bureau/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _enable_totp(client) -> str:
    page = client.get("/account/totp").get_data(as_text=True)
    secret = re.search(r'<code id="secret">([A-Z2-7]+)</code>', page).group(1)
    assert "<svg" in page  # the QR code, drawn on the server
    response = client.post("/account/totp", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    return secret


def test_totp_is_asked_after_the_password_once_enabled(client, editor):
    with time_machine.travel("2026-06-01 09:00 +0800", tick=False) as traveller:
        post_login(client, "editor")
        secret = _enable_totp(client)
        client.post("/logout")
        traveller.shift(timedelta(seconds=60))
        first = post_login(client, "editor")
        assert first.status_code == 302 and first.headers["Location"].endswith("/login/code")
        assert client.get("/bureau/").status_code == 302  # the password alone does not sign in
        assert client.post("/login/code", data={"code": "000000"}).status_code == 401
        code = pyotp.TOTP(secret).now()
        assert client.post("/login/code", data={"code": code}).status_code == 302
        assert client.get("/bureau/").status_code == 200
        client.post("/logout")
        post_login(client, "editor")
        replay = client.post("/login/code", data={"code": code})
        assert replay.status_code == 401 and "已使用过" in replay.get_data(as_text=True)


def test_required_totp_makes_every_user_set_it_up_before_signing_in(tmp_path, sqlite_template):
    import shutil

    from enroll.accounts.services import create_user

    path = tmp_path / "db.sqlite3"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}", TOTP="required")
    with app.app_context():
        create_user(None, "admin", "city_admin", PASSWORD)
        client = app.test_client()
        response = post_login(client, "admin")
        assert response.headers["Location"].endswith("/account/totp")
        assert client.get("/bureau/").status_code == 302
        _enable_totp(client)
        assert client.get("/bureau/").status_code == 200


def test_forms_without_the_csrf_token_are_refused(tmp_path, sqlite_template):
    import shutil

    from enroll.accounts.services import create_user

    path = tmp_path / "db.sqlite3"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}", WTF_CSRF_ENABLED=True)
    with app.app_context():
        create_user(None, "admin", "city_admin", PASSWORD)
        client = app.test_client()
        assert post_login(client, "admin").status_code == 400
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        ok = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
        assert ok.status_code == 302
        assert client.post("/logout").status_code == 400  # signed in, still no token: refused


@pytest.mark.parametrize("role", ["district_editor", "school_editor", "auditor"])
def test_school_editor_is_bound_to_one_school(role, make_user, district):
    user = make_user("u", role)
    if role == "school_editor":
        assert user.school is not None and user.district_id == user.school.district_id
    else:
        assert user.school_id is None


def test_the_password_alone_cannot_replace_someone_elses_second_factor(client, editor):
    """An attacker with the password goes to the setup page instead of entering the code: refused."""
    with time_machine.travel("2026-06-01 09:00 +0800", tick=False) as traveller:
        post_login(client, "editor")
        secret = _enable_totp(client)
        client.post("/logout")
        traveller.shift(timedelta(seconds=60))
        post_login(client, "editor")  # the attacker knows the password
        setup = client.get("/account/totp")
        assert setup.status_code == 302 and setup.headers["Location"].endswith("/login/code")
        attacker = pyotp.random_base32()
        client.post("/account/totp", data={"code": pyotp.TOTP(attacker).now()})
        assert client.get("/bureau/").status_code == 302  # still not signed in
    from enroll.accounts.services import get_user

    assert get_user("editor").totp_secret == secret


def test_turning_the_second_factor_off_needs_a_current_code(client, editor):
    with time_machine.travel("2026-06-01 09:00 +0800", tick=False) as traveller:
        post_login(client, "editor")
        secret = _enable_totp(client)
        client.post("/account/totp/disable", data={"code": "000000"})
        from enroll.accounts.services import get_user

        assert get_user("editor").totp_secret == secret  # a stolen session cannot turn it off
        traveller.shift(timedelta(seconds=60))
        client.post("/account/totp/disable", data={"code": pyotp.TOTP(secret).now()})
        assert get_user("editor").totp_secret is None
