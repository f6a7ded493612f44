"""Staff sign-in: throttling, session timeouts, logout that ends the session, TOTP, CSRF."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import time_machine

from support import PASSWORD, make_app


def post_login(client, username, password=PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


def _page(response, username: str) -> str:
    """The answer's page, the username typed (kept in the form) taken out."""
    return response.get_data(as_text=True).replace(f'value="{username}"', 'value=""')


def test_unknown_user_wrong_password_and_locked_account_get_the_same_answer(client, editor, make_user):
    make_user("locked", "district_editor")
    for _ in range(5):
        post_login(client, "locked", "guess-guess-guess")
    with time_machine.travel("2026-06-01 09:00 +0800", tick=False):  # the page shows the time it was made
        wrong = post_login(client, "editor", "not-the-password")
        unknown = post_login(client, "nobody", "not-the-password")
        locked = post_login(client, "locked")  # the right password, refused while locked
    assert wrong.status_code == unknown.status_code == locked.status_code == 401
    assert _page(wrong, "editor") == _page(unknown, "nobody") == _page(locked, "locked")
    assert "用户名或密码错误" in _page(wrong, "editor") and "锁定" in _page(wrong, "editor")


def test_unknown_and_locked_accounts_take_as_long_as_a_wrong_password(client, editor, make_user, monkeypatch):
    """Every refusal runs one Argon2 check, so timing cannot tell which usernames exist."""
    from enroll.accounts import services

    checks, hasher = [], services._hasher

    class Counting:
        def verify(self, *args):
            checks.append(1)
            return hasher.verify(*args)

        def __getattr__(self, name):
            return getattr(hasher, name)

    monkeypatch.setattr(services, "_hasher", Counting())
    make_user("locked", "district_editor")
    for _ in range(5):
        post_login(client, "locked", "guess-guess-guess")
    for username in ("editor", "nobody", "locked"):
        checks.clear()
        post_login(client, username, "not-the-password")
        assert len(checks) == 1, username


def test_five_failures_lock_the_account_even_for_the_right_password(client, editor):
    with time_machine.travel("2026-06-01 09:00 +0800", tick=False) as traveller:
        for _ in range(5):
            assert post_login(client, "editor", "guess-guess-guess").status_code == 401
        assert post_login(client, "editor").status_code == 401
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

def _signed_out_with_totp(client, traveller):
    """Enable a second factor for ``editor``, sign out, and give the password again a minute later:
    (the secret, the answer to the password)."""
    post_login(client, "editor")
    secret = _enable_totp(client)
    client.post("/logout")
    traveller.shift(timedelta(seconds=60))
    return secret, post_login(client, "editor")


def test_totp_is_asked_after_the_password_once_enabled(client, editor):
    with time_machine.travel("2026-06-01 09:00 +0800", tick=False) as traveller:
        secret, first = _signed_out_with_totp(client, traveller)
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
        secret, _ = _signed_out_with_totp(client, traveller)  # the attacker knows the password
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


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def test_a_code_typed_in_full_width_digits_signs_in(client, editor):
    with time_machine.travel("2026-06-01 09:00 +0800", tick=False) as traveller:
        secret, _ = _signed_out_with_totp(client, traveller)
        code = pyotp.TOTP(secret).now().translate(FULL_WIDTH)  # a Chinese input method's digits, e.g. "１２３４５６"
        response = client.post("/login/code", data={"code": f"{code[:3]}\u3000{code[3:]}"})  # and an ideographic space
        assert response.status_code == 302 and client.get("/bureau/").status_code == 200


def test_second_factor_setup_accepts_full_width_digits(client, editor):
    post_login(client, "editor")
    page = client.get("/account/totp").get_data(as_text=True)
    secret = re.search(r'<code id="secret">([A-Z2-7]+)</code>', page).group(1)
    response = client.post("/account/totp", data={"code": pyotp.TOTP(secret).now().translate(FULL_WIDTH)})
    assert response.status_code == 302


@pytest.mark.parametrize("code", ["abcdef", "１２３４５", "12345678", "١٢٣٤٥٦", "123-456", "", "💥💥💥💥💥💥"])
def test_a_code_that_is_not_six_digits_is_the_forms_error_everywhere(client, editor, code):
    with time_machine.travel("2026-06-01 09:00 +0800", tick=False) as traveller:
        post_login(client, "editor")
        secret = _enable_totp(client)
        disable = client.post("/account/totp/disable", data={"code": code})  # signed in
        assert disable.status_code == 422 and "请输入验证器应用显示的 6 位数字" in disable.get_data(as_text=True)
        client.post("/logout")
        traveller.shift(timedelta(seconds=60))
        post_login(client, "editor")
        answer = client.post("/login/code", data={"code": code})
        assert answer.status_code == 422 and "请输入验证器应用显示的 6 位数字" in answer.get_data(as_text=True)
        assert client.post("/login/code", data={"code": pyotp.TOTP(secret).now()}).status_code == 302


def test_the_services_read_any_digits_without_failing(app, editor):
    from enroll.accounts.services import _totp_step, normalize_code

    assert normalize_code("１２３ ４５６") == "123456"
    for code in ("١٢٣٤٥٦", "12345\u00b2", None, "x" * 10_000):  # other scripts' digits: not a code, no error
        assert _totp_step(pyotp.random_base32(), code, datetime.now(UTC)) is None
