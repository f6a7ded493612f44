"""Per-client rate limits on sign-in, lookup, search and own-result checks (enroll.core.rate_limits):
the request past a limit gets 429 with Retry-After and a translated message, whichever worker or
app server it reaches."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import pytest

from enroll.config import ConfigError
from enroll.core.rate_limits import DatabaseStorage
from support import both_databases, make_app

TOO_MANY = "请求过于频繁"


@pytest.fixture
def limited(app):
    """Apps with rate limits on, on the test's database (``app``'s): each call is another app server."""
    made = []

    def make(**config):
        made.append(make_app(app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True, **config))
        return made[-1]
    yield make
    for other in made:
        with other.app_context():
            from enroll.extensions import db

            db.engine.dispose()


def assert_refused(response, *, json: bool = False):
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    if json:
        assert response.get_json()["error"] == {"status": 429, "message": response.get_json()["error"]["message"],
                                                "detail": {}}
        assert TOO_MANY in response.get_json()["error"]["message"]
    else:
        assert TOO_MANY in response.get_data(as_text=True)


LIMITED = [
    ("RATE_LIMIT_LOGIN", "post", "/login", {"username": "nobody", "password": "wrong"}),
    ("RATE_LIMIT_LOOKUP", "get", "/lookup?q=学院路130号", None),
    ("RATE_LIMIT_LOOKUP", "get", "/api/v1/lookup?address=学院路130号", None),
    ("RATE_LIMIT_SEARCH", "get", "/search?q=随迁子女", None),
    ("RATE_LIMIT_OWN_RESULT", "post", "/schools/1/results/2026/check",
     {"application_no": "S20260001", "birth_date": "2019-12-28"}),
    ("RATE_LIMIT_COMMENT", "post", "/d/990101/consultations/1", {"category": "plan", "body": "意见"}),
    ("RATE_LIMIT_COMMENT", "post", "/d/990101/follow", {"email": "a@example.com", "address": "学院路130号"}),
]


@pytest.mark.parametrize("key, method, url, data", LIMITED, ids=[u.split("?")[0] for _k, _m, u, _d in LIMITED])
def test_the_request_past_the_limit_gets_429_with_retry_after(limited, key, method, url, data):
    client = limited(**{key: "2/minute"}).test_client()
    for _ in range(2):
        assert getattr(client, method)(url, data=data).status_code != 429
    assert_refused(getattr(client, method)(url, data=data), json=url.startswith("/api/"))


def test_sign_in_and_its_code_share_one_count_and_viewing_the_form_is_free(limited):
    client = limited(RATE_LIMIT_LOGIN="2/minute").test_client()
    for _ in range(5):
        assert client.get("/login").status_code == 200
    assert client.post("/login", data={"username": "nobody", "password": "wrong"}).status_code == 401
    assert client.post("/login/code", data={"code": "123456"}).status_code != 429
    assert_refused(client.post("/login", data={"username": "nobody", "password": "wrong"}))


def test_the_lookup_page_and_api_share_a_family_s_budget(limited):
    client = limited(RATE_LIMIT_LOOKUP="2/minute").test_client()
    assert client.get("/lookup?q=学院路130号").status_code == 200
    assert client.get("/api/v1/lookup?address=学院路130号").status_code == 200
    assert_refused(client.get("/lookup?q=学院路130号"))


def test_each_client_address_has_its_own_count(limited):
    client = limited(RATE_LIMIT_SEARCH="1/minute").test_client()
    assert client.get("/search?q=a", environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 200
    assert client.get("/search?q=a", environ_base={"REMOTE_ADDR": "198.51.100.8"}).status_code == 200
    assert_refused(client.get("/search?q=a", environ_base={"REMOTE_ADDR": "198.51.100.7"}))
    # one IPv6 subscriber holds a whole /64: changing the last bits is the same client
    assert client.get("/search?q=a", environ_base={"REMOTE_ADDR": "2001:db8:1:2::1"}).status_code == 200
    assert_refused(client.get("/search?q=a", environ_base={"REMOTE_ADDR": "2001:db8:1:2::ffff"}))


def test_behind_a_proxy_the_forwarded_client_address_counts(limited):
    client = limited(RATE_LIMIT_SEARCH="1/minute", PROXY_COUNT=1).test_client()
    assert client.get("/search?q=a", headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 200
    assert client.get("/search?q=a", headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 200  # same proxy
    assert_refused(client.get("/search?q=a", headers={"X-Forwarded-For": "203.0.113.1"}))


@both_databases
def test_limits_hold_across_app_servers_on_one_database(limited):
    first, second = limited(RATE_LIMIT_LOOKUP="3/minute"), limited(RATE_LIMIT_LOOKUP="3/minute")
    for server in (first, second, first):
        assert server.test_client().get("/api/v1/lookup?address=学院路130号").status_code == 200
    assert_refused(second.test_client().get("/api/v1/lookup?address=学院路130号"), json=True)
    assert_refused(first.test_client().get("/api/v1/lookup?address=学院路130号"), json=True)


@both_databases
def test_a_window_that_ended_starts_the_count_again(limited):
    """The counter's window ends after its period: a stored end in the past counts from 1 again."""
    import sqlalchemy as sa

    server = limited(RATE_LIMIT_SEARCH="1/minute")
    client = server.test_client()
    assert client.get("/search?q=a").status_code == 200
    assert_refused(client.get("/search?q=a"))
    with server.app_context():
        from enroll.extensions import db

        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE rate_limit_counters SET expires_at = :past"),
                               {"past": "2000-01-01 00:00:00+00:00"})
    time.sleep(DatabaseStorage.SYNC_S)  # a worker refusing a client past its limit asks again after this
    assert client.get("/search?q=a").status_code == 200


@both_databases
def test_a_familys_few_lookups_cost_no_database_write_and_a_crowd_of_one_is_counted_by_all(limited):
    """A worker counts a client's first tenth of a limit in memory; past it, in the database that
    every worker shares (each worker thus lets through at most a tenth of the limit more)."""
    import sqlalchemy as sa

    first, second = limited(RATE_LIMIT_LOOKUP="40/minute"), limited(RATE_LIMIT_LOOKUP="40/minute")

    def stored() -> int:
        with first.app_context():
            from enroll.extensions import db

            with db.engine.connect() as connection:
                return connection.execute(sa.text("SELECT coalesce(sum(count), 0) FROM rate_limit_counters")).scalar()

    ask = {"address": "学院路1号"}
    for _ in range(4):
        assert first.test_client().get("/api/v1/lookup", query_string=ask).status_code != 429
    assert stored() == 0
    answers = [server.test_client().get("/api/v1/lookup", query_string=ask).status_code
               for _ in range(30) for server in (first, second)]
    assert answers.count(429) > 0 and stored() >= 40
    assert answers.index(429) <= 2 * 40 // 10 + 40  # at most a tenth more per worker


def test_tests_run_without_limits_unless_they_turn_them_on(app):
    client = make_app(app.config["SQLALCHEMY_DATABASE_URI"], RATE_LIMIT_SEARCH="1/minute").test_client()
    assert [client.get("/search?q=a").status_code for _ in range(3)] == [200, 200, 200]


@pytest.mark.parametrize("variable", ["ENROLL_RATELIMIT_LOGIN", "ENROLL_RATELIMIT_LOOKUP"])
def test_an_unreadable_limit_stops_the_start(monkeypatch, variable):
    monkeypatch.setenv("ENROLL_SECRET_KEY", "s")
    monkeypatch.setenv("ENROLL_AUDIT_KEY", "a")
    monkeypatch.setenv(variable, "sixty a minute")
    from enroll import create_app

    with pytest.raises(ConfigError, match=variable):
        create_app()


@pytest.fixture
def redis_url(tmp_path):
    """A real Redis server on a free port of this machine, for the test's duration."""
    server = shutil.which("redis-server")
    if not server:
        reason = "redis-server is not installed"
        pytest.fail(reason) if os.environ.get("CI") else pytest.skip(reason)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_with_redis_the_limits_are_counted_there(limited, redis_url):
    first = limited(RATE_LIMIT_SEARCH="2/minute", RATE_LIMIT_STORAGE_URI=redis_url)
    second = limited(RATE_LIMIT_SEARCH="2/minute", RATE_LIMIT_STORAGE_URI=redis_url)
    assert first.test_client().get("/search?q=a").status_code == 200
    assert second.test_client().get("/search?q=a").status_code == 200
    assert_refused(first.test_client().get("/search?q=a"))
    with first.app_context():
        from enroll.extensions import db
        import sqlalchemy as sa

        assert db.session.scalar(sa.text("SELECT count(*) FROM rate_limit_counters")) == 0  # not in the database
