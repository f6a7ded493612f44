"""Transport and browser hardening as a browser receives it: cookie attributes and HSTS with and
without HTTPS (ENROLL_HTTPS=1, or https at the one trusted proxy), the Permissions-Policy, and a
content-security policy under which no page runs an inline script but the response's own nonce."""
from __future__ import annotations

import re
import shutil

import pytest

from enroll.config import ConfigError
from support import PASSWORD, demo_app, make_app
from test_html_validity import crawl

HSTS = "max-age=31536000; includeSubDomains"
DEMO_PASSWORD = "transport-demo-password"


def set_cookies(response) -> dict[str, dict[str, str]]:
    """{name: {attribute (lower case): value}} of the response's Set-Cookie headers."""
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        name_value, *attributes = header.split("; ")
        cookies[name_value.split("=", 1)[0]] = {
            a.split("=", 1)[0].lower(): (a.split("=", 1) + [""])[1] for a in attributes}
    return cookies


def sign_in(client, password=PASSWORD, **request):
    response = client.post("/login", data={"username": "admin", "password": password}, **request)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def preferences(client, **request):
    """The language and 大字版 switches: each answer sets a cookie."""
    return client.get("/?lang=en&text=large", **request)


def policy(response) -> dict[str, str]:
    return dict(part.split(" ", 1) for part in response.headers["Content-Security-Policy"].split("; "))


# -- cookies and HSTS ------------------------------------------------------------------------------

def test_over_plain_http_cookies_are_not_secure_and_there_is_no_hsts(app, client, admin):
    cookies = set_cookies(sign_in(client)) | set_cookies(preferences(client))
    assert set(cookies) == {"session", "enroll_lang", "enroll_text"}
    assert not [name for name, attributes in cookies.items() if "secure" in attributes]
    assert "Strict-Transport-Security" not in preferences(client).headers


def test_with_https_every_cookie_is_secure_and_the_session_cookie_host_only(app, client, admin):
    app.config["HTTPS"] = True
    cookies = set_cookies(sign_in(client)) | set_cookies(preferences(client))
    assert set(cookies) == {"__Host-session", "enroll_lang", "enroll_text"}
    assert all("secure" in attributes and "httponly" in attributes for attributes in cookies.values())
    session = cookies["__Host-session"]
    assert session["path"] == "/" and "domain" not in session and session["samesite"] == "Lax"


def test_with_https_the_session_cookie_keeps_the_user_signed_in(app, client, admin):
    app.config["HTTPS"] = True
    sign_in(client)
    assert client.get("/bureau/").status_code == 200
    client.post("/logout")
    assert client.get("/bureau/").status_code == 302


def test_with_https_every_answer_carries_hsts(app, client):
    app.config["HTTPS"] = True
    for url in ("/", "/lookup", "/api/v1/ping", "/no-such-page"):
        assert client.get(url).headers["Strict-Transport-Security"] == HSTS, url


@pytest.fixture
def proxied_app(sqlite_template, tmp_path):
    """An app behind one trusted reverse proxy, with a user to sign in."""
    from enroll.accounts.services import create_user

    shutil.copy(sqlite_template, tmp_path / "p.sqlite3")
    app = make_app(f"sqlite:///{tmp_path}/p.sqlite3", PROXY_COUNT=1)
    with app.app_context():
        create_user(None, "admin", "city_admin", PASSWORD)
    return app


def test_https_at_the_trusted_proxy_makes_cookies_secure_and_sends_hsts(proxied_app):
    client, https = proxied_app.test_client(), {"headers": {"X-Forwarded-Proto": "https"}}
    cookies = set_cookies(sign_in(client, **https)) | set_cookies(preferences(client, **https))
    assert set(cookies) == {"__Host-session", "enroll_lang", "enroll_text"}
    assert all("secure" in attributes for attributes in cookies.values())
    assert preferences(client, **https).headers["Strict-Transport-Security"] == HSTS


def test_plain_http_at_the_trusted_proxy_stays_plain(proxied_app):
    client, plain = proxied_app.test_client(), {"headers": {"X-Forwarded-Proto": "http"}}
    cookies = set_cookies(sign_in(client, **plain)) | set_cookies(preferences(client, **plain))
    assert "session" in cookies and not [name for name, attributes in cookies.items() if "secure" in attributes]
    assert "Strict-Transport-Security" not in preferences(client, **plain).headers


def test_without_a_trusted_proxy_a_forwarded_proto_is_ignored(app, client, admin):
    forged = {"headers": {"X-Forwarded-Proto": "https"}}
    assert "session" in set_cookies(sign_in(client, **forged))
    assert "Strict-Transport-Security" not in preferences(client, **forged).headers


def test_enroll_https_is_read_from_the_environment(monkeypatch):
    from enroll import create_app

    monkeypatch.setenv("ENROLL_HTTPS", "1")
    assert create_app({"TESTING": True}).config["HTTPS"] is True
    monkeypatch.setenv("ENROLL_HTTPS", "yes")  # a value that is not 1 or 0 stops the start
    with pytest.raises(ConfigError, match="ENROLL_HTTPS"):
        create_app({"TESTING": True})


# -- Permissions-Policy ----------------------------------------------------------------------------

def test_powerful_features_are_denied_but_geolocation_for_this_site(client):
    features = dict(part.split("=", 1) for part in client.get("/lookup").headers["Permissions-Policy"].split(", "))
    assert features["geolocation"] == "(self)"  # the lookup page's 使用我的位置
    denied = {"camera", "microphone", "payment", "usb", "serial", "hid", "display-capture", "midi"}
    assert {f for f, allowed in features.items() if allowed == "()"} >= denied


# -- content-security policy -----------------------------------------------------------------------

SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def inline_script_problems(response) -> list[str]:
    """What a browser would refuse under the page's policy, or run although it should not: an
    ``'unsafe-inline'`` script-src, inline scripts without this response's nonce, event-handler
    attributes and ``javascript:`` links."""
    sources = policy(response)["script-src"].split()
    nonce = next((s[len("'nonce-"):-1] for s in sources if s.startswith("'nonce-")), None)
    body = response.get_data(as_text=True)
    problems = ["'unsafe-inline' in script-src"] if "'unsafe-inline'" in sources else []
    for attributes in SCRIPT.findall(body):
        src = re.search(r'\ssrc="([^"]*)"', attributes)
        if src and not src.group(1).startswith("/static/"):
            problems.append(f"script from {src.group(1)}")
        elif not src and (nonce is None or f'nonce="{nonce}"' not in attributes):
            problems.append(f"inline script without the nonce: <script{attributes}>")
    problems += HANDLER.findall(body) + re.findall(r"javascript:[^\"']*", body, re.I)
    return problems


@pytest.fixture(scope="module")
def every_page(tmp_path_factory, sqlite_template) -> dict[str, object]:
    """{url: response} of every kind of page of the demo, public and staff, found by following links."""
    app = demo_app(tmp_path_factory.mktemp("pages"), sqlite_template, DEMO_PASSWORD)
    responses = {}

    class Recording:
        def __init__(self, client):
            self.client = client

        def get(self, url):
            responses[url] = self.client.get(url)
            return responses[url]

    with app.app_context():
        public = app.test_client()
        crawl(app, Recording(public), ["/", "/lookup?q=文澜路128号", "/lotteries/1", "/search?q=随迁子女"],
              lambda url: not url.startswith(("/bureau", "/account")))
        staff = app.test_client()
        sign_in(staff, password=DEMO_PASSWORD)
        crawl(app, Recording(staff), ["/bureau/", "/account/security"],
              lambda url: url.startswith(("/bureau", "/account")))
    return {url: r for url, r in responses.items() if r.status_code == 200 and r.mimetype == "text/html"}


def test_no_page_runs_an_inline_script_without_its_nonce(every_page):
    assert len(every_page) > 60
    maps = [url for url, r in every_page.items() if b"folium-map" in r.data]
    assert any(u.startswith("/lookup") for u in maps) and any(u.startswith("/d/") for u in maps) \
        and any(u.startswith("/bureau/plans/") for u in maps)  # the pages with folium's inline script
    assert {url: p for url, r in every_page.items() if (p := inline_script_problems(r))} == {}


def test_each_answer_has_a_nonce_of_its_own(demo):
    client = demo.test_client()
    first, second = (policy(client.get("/d/990101/2026/primary/"))["script-src"] for _ in range(2))
    assert first != second and first.startswith("'self' 'nonce-")
    assert policy(client.get("/api/v1/ping"))["script-src"] == "'self'"  # no page, no nonce
