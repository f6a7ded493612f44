"""A live server on 127.0.0.1 with the demo district, and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from support import make_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class LiveServer(str):
    """The base URL (a str, so f"{live_server}/path" works) with the app beside it."""

    def __new__(cls, url: str, app):
        self = super().__new__(cls, url)
        self.app = app
        return self


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, demo_template):
    path = tmp_path_factory.mktemp("live") / "enroll.sqlite3"
    shutil.copy(demo_template, path)
    app = make_app(f"sqlite:///{path}", SERVER_NAME=None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def policy_refusals(page) -> list[str]:
    """What the site's policies refuse on this page, from now on, on every page the tab opens: the
    content-security policy's violations (Chromium's console message and the document's
    ``securitypolicyviolation`` event) and any complaint about the Permissions-Policy header."""
    refused = []
    page.on("console", lambda m: refused.append(m.text)
            if "Content Security Policy" in m.text or "Permissions-Policy" in m.text else None)
    page.expose_binding("enrollPolicyViolation", lambda source, text: refused.append(text))
    page.add_init_script("""document.addEventListener("securitypolicyviolation", function (e) {
        window.enrollPolicyViolation(e.effectiveDirective + " refused " + (e.blockedURI || "?") + " at "
                                     + e.sourceFile + ":" + e.lineNumber + " " + e.sample);
    });""")
    return refused


@pytest.fixture
def page(browser):
    """A desktop page; at the end, the test also fails if the content-security policy refused
    anything the page tried to load or run (the policy names what a page may use: see
    enroll.core.hardening)."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    refused = policy_refusals(page)
    yield page
    context.close()
    assert refused == [], refused
