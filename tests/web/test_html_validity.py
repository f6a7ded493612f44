"""Every kind of page is valid HTML by the Nu Html Checker (vnu, the W3C's validator), in each
language, for the public and for staff: pages are found by following links from the home page
(and from the staff dashboard), as a visitor would, so a new page is checked without being listed."""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from collections import defaultdict
from urllib.parse import urljoin, urlsplit

import pytest

from support import DEMO, ROOT

VNU = os.environ.get("ENROLL_VNU_JAR") or str(ROOT / ".cache" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar")
NOT_PAGES = re.compile(r"^/(static|api|logout)|\.(csv|ics|json|geojson|pdf)(\?|$)|[?&](lang|text)=")
PER_ENDPOINT = 3  # pages of each route: they share one template, so a few of each cover it


@pytest.fixture(scope="module")
def vnu():
    missing = [what for what, ok in (("java", shutil.which("java")), (VNU, os.path.exists(VNU))) if not ok]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"missing {', '.join(missing)}: .ci/run installs Java and `make test` the checker")
        pytest.skip(f"missing {', '.join(missing)} (`make test` installs the checker where npm is available)")
    return VNU


def crawl(app, client, start: list[str], allowed) -> dict[str, str]:
    """{url: html} of the pages reached from ``start`` through links, a few per route."""
    adapter = app.url_map.bind("localhost")
    per_endpoint, seen, queue, pages = defaultdict(int), set(start), list(start), {}
    while queue:
        url = queue.pop(0)
        endpoint = adapter.match(urlsplit(url).path, method="GET")[0]
        if per_endpoint[endpoint] >= PER_ENDPOINT:
            continue
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        per_endpoint[endpoint] += 1
        pages[url] = response.get_data(as_text=True)
        for href in re.findall(r'href="([^"#]*)', pages[url]):
            link = urlsplit(urljoin(url, html.unescape(href)))
            target = link.path + (f"?{link.query}" if link.query else "")
            if not link.netloc and target.startswith("/") and target not in seen and not NOT_PAGES.search(target) \
                    and allowed(target):
                seen.add(target)
                queue.append(target)
    return pages


def validation_errors(vnu_jar: str, pages: dict[str, str], tmp_path) -> list[str]:
    files = {}
    for i, (url, body) in enumerate(pages.items()):
        path = tmp_path / f"page{i}.html"
        path.write_text(body, encoding="utf-8")
        files[path.as_uri()] = url
    run = subprocess.run(["java", "-jar", vnu_jar, "--format", "json", "--errors-only", *map(str, tmp_path.glob("*.html"))],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr)["messages"]
    assert all(m.get("url") for m in messages), messages  # a message about no page would be the checker failing
    return [f"{files[m['url'].replace('file:/', 'file:///', 1)]} line {m.get('lastLine')}: {m['message']}"
            for m in messages]


@pytest.mark.parametrize("lang", ["zh_Hans", "zh_Hant", "en"])
def test_public_pages_are_valid_html(demo, vnu, tmp_path, lang):
    client = demo.test_client()
    client.get(f"/?lang={lang}")  # the language is kept in a cookie while the visitor follows links
    # the home page, and the answers to forms a visitor fills in (links never lead there)
    start = ["/", "/search?q=随迁子女", "/lookup?q=文澜路128号", "/lookup?q=不存在路5号", "/lotteries/1"]
    pages = crawl(demo, client, start, lambda url: not url.startswith(("/bureau", "/account")))
    # and to the two forms parents send by POST
    own = client.post("/schools/1/results/2026/check", data={
        "application_no": "S20260001", "birth_date": "2019-12-28"})
    migrant = client.post("/d/990101/2026/migrant/primary", data={
        "has_permit": "yes", "insurance_months": "12", "housing": "own", "address": "文澜路128号"})
    assert own.status_code == migrant.status_code == 200
    pages["own result"], pages["migrant self-check"] = own.get_data(as_text=True), migrant.get_data(as_text=True)
    endpoints = {demo.url_map.bind("localhost").match(urlsplit(u).path)[0] for u in pages if u.startswith("/")}
    assert {"public.index", "public.district", "zoning.zoning_map", "lookup.page", "public.school",
            "policies.document", "results.district", "results.school", "results.lottery", "migrant.page",
            "timeline.page", "disclosure.catalogue", "search.page", "history.history", "audit.heads"} <= endpoints
    assert validation_errors(vnu, pages, tmp_path) == []


def test_staff_pages_are_valid_html(demo, vnu, tmp_path):
    client = demo.test_client()
    client.post("/login", data={"username": "admin", "password": os.environ.get("ENROLL_DEMO_PASSWORD", "demo-lantern-river")})
    pages = crawl(demo, client, ["/bureau/", "/account/security"],
                  lambda url: url.startswith(("/bureau", "/account")))
    assert len(pages) > 30  # the dashboard, review queue, forms of every kind of content, the audit log …
    assert validation_errors(vnu, pages, tmp_path) == []


def test_consultation_and_rezoning_pages_are_valid_html(demo, vnu, tmp_path):
    """A draft out for comment with a comment answered: the public page (with an impact check), the
    staff's consultation, plan and diff pages. Last in this module: it adds a draft to the demo."""
    from enroll.accounts.services import get_user
    from enroll.review import content
    from enroll.zoning import consultations
    from enroll.zoning import services as zoning

    editor = get_user("editor")
    plan = zoning.import_plan(editor, "990101", 2027, "primary", DEMO / "zones_primary_2027.geojson")
    item = consultations.propose_consultation(editor, plan.id)
    content.approve_revision(get_user("reviewer"), content.open_revision(consultations.CONSULTATION, item.id).id)
    comment = consultations.add_comment(item.id, "address", "建议保留原学校", "学院路130号")
    consultations.moderate_comment(editor, comment.id, True)
    consultations.answer_comment(editor, comment.id, "partly", "部分路段已调整。")
    client = demo.test_client()
    urls = [f"/d/990101/consultations/{item.id}?address=学院路130号", "/d/990101/consultations/"]
    pages = {url: client.get(url).get_data(as_text=True) for url in urls}
    client.post("/login", data={"username": "editor", "password": os.environ.get("ENROLL_DEMO_PASSWORD", "demo-lantern-river")})
    for url in (f"/bureau/consultations/{item.id}", f"/bureau/plans/{plan.id}", f"/bureau/plans/{plan.id}/diff"):
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.get_data(as_text=True)
    assert validation_errors(vnu, pages, tmp_path) == []
