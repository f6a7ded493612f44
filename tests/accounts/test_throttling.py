"""Sign-in throttling by client address: one guess each over many usernames (password spraying) is
stopped too, and only for the address that sprays."""
from __future__ import annotations

import re
from datetime import timedelta

import time_machine

from support import PASSWORD, both_databases, make_app

SPRAYER = {"REMOTE_ADDR": "198.51.100.7"}
OTHER = {"REMOTE_ADDR": "192.0.2.20"}


def post_login(client, username, password=PASSWORD, address=SPRAYER, **kwargs):
    return client.post("/login", data={"username": username, "password": password}, environ_base=address, **kwargs)


def spray(client, count: int, address=SPRAYER, password="Winter2026!"):
    """One guess at each of ``count`` usernames (most of them unknown), as the attacker did."""
    return [post_login(client, f"staff{i:02d}", password, address) for i in range(count)]


@both_databases
def test_spraying_one_guess_over_many_usernames_is_throttled_for_that_address_only(app, client, editor):
    with time_machine.travel("2026-06-01 09:00 +0800", tick=False):
        answers = spray(client, 40)
        assert [r.status_code for r in answers[:10]] == [401] * 10
        assert {r.status_code for r in answers[10:]} == {429}
        page = answers[-1].get_data(as_text=True)
        assert "此网络地址登录失败次数过多，请 15 分钟后再试。" in page
        assert answers[-1].headers["Retry-After"] == "900"
        # the right password from the spraying address is refused too, without being looked at
        assert post_login(client, "editor").status_code == 429
        # another address signs in as usual
        assert post_login(app.test_client(), "editor", address=OTHER).status_code == 302


def test_the_throttle_says_why_in_the_readers_language(client):
    spray(client, 10)
    refused = post_login(client, "staff99", "Winter2026!", query_string={"lang": "en"})
    assert refused.status_code == 429
    assert "Too many failed sign-ins from this network address" in refused.get_data(as_text=True)


def test_the_address_may_try_again_when_the_window_has_passed(client, editor):
    with time_machine.travel("2026-06-01 09:00 +0800", tick=False) as traveller:
        spray(client, 11)
        assert post_login(client, "editor").status_code == 429
        traveller.shift(timedelta(minutes=16))
        assert post_login(client, "editor").status_code == 302


def test_right_passwords_do_not_count_against_an_office_behind_one_address(client, editor):
    """Forty colleagues signing in from the bureau's one address are not throttled."""
    for _ in range(40):
        assert post_login(client, "editor").status_code == 302
        client.post("/logout")
    spray(client, 10)  # the ten failures still count in full
    assert post_login(client, "editor").status_code == 429


def test_the_throttle_is_audited_once_with_the_address(client, editor):
    from enroll.review.services import recent_events

    spray(client, 15)
    throttled = [e for e in recent_events(50) if e.action == "login.throttled"]
    assert len(throttled) == 1 and throttled[0].object_id == "198.51.100.7" and throttled[0].ip == "198.51.100.7"


def test_the_client_address_is_the_one_behind_the_trusted_proxy(tmp_path, sqlite_template):
    """Behind ENROLL_PROXY_COUNT proxies the address counted is the client's (X-Forwarded-For), as in
    the audit log: the proxy's own address is everyone's and is not throttled."""
    import shutil

    from enroll.accounts.services import create_user

    shutil.copy(sqlite_template, tmp_path / "p.sqlite3")
    app = make_app(f"sqlite:///{tmp_path}/p.sqlite3", PROXY_COUNT=1)
    with app.app_context():
        create_user(None, "admin", "city_admin", PASSWORD)
        client = app.test_client()
        proxy = {"REMOTE_ADDR": "127.0.0.1"}
        for i in range(12):
            client.post("/login", data={"username": f"staff{i}", "password": "Winter2026!"}, environ_base=proxy,
                        headers={"X-Forwarded-For": "203.0.113.9"})
        refused = client.post("/login", data={"username": "admin", "password": PASSWORD}, environ_base=proxy,
                              headers={"X-Forwarded-For": "203.0.113.9"})
        signed_in = app.test_client().post("/login", data={"username": "admin", "password": PASSWORD},
                                           environ_base=proxy, headers={"X-Forwarded-For": "203.0.113.10"})
        assert refused.status_code == 429 and signed_in.status_code == 302


def test_ipv6_addresses_count_by_their_64_network(client, editor):
    for i in range(10):  # one subscriber's /64 holds 2^64 addresses: each guess from a new one
        post_login(client, f"staff{i}", "Winter2026!", {"REMOTE_ADDR": f"2001:db8:1:2::{i + 1:x}"})
    assert post_login(client, "editor", address={"REMOTE_ADDR": "2001:db8:1:2::ffff"}).status_code == 429
    assert post_login(client, "editor", address={"REMOTE_ADDR": "2001:db8:1:3::1"}).status_code == 302


def test_the_limit_is_configurable(tmp_path, sqlite_template):
    import shutil

    from enroll.accounts.services import create_user

    shutil.copy(sqlite_template, tmp_path / "l.sqlite3")
    app = make_app(f"sqlite:///{tmp_path}/l.sqlite3", LOGIN_ADDRESS_LIMIT=3, LOGIN_LOCK_MINUTES=5)
    with app.app_context():
        create_user(None, "admin", "city_admin", PASSWORD)
        client = app.test_client()
        codes = [r.status_code for r in spray(client, 4)]
        assert codes == [401, 401, 401, 429]
        assert re.search(r"请 5 分钟后再试", spray(client, 1)[0].get_data(as_text=True))
