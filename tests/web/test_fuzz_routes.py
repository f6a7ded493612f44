"""Every route of the app, asked with plausible and hostile values by anyone and by a signed-in
city admin, answers without a server error (no 5xx)."""
from __future__ import annotations

import re

import pytest

from support import demo_app

PASSWORD = "fuzz-demo-password"

# a plausible value for each URL argument of the demo district (a new route's argument must be added)
PLAUSIBLE = {"code": "990101", "year": "2026", "stage": "primary", "school_id": "1", "plan_id": "1",
             "revision_id": "1", "document_id": "1", "attachment_id": "1", "lottery_id": "1", "item_id": "1",
             "kind": "policy", "action": "submit", "filename": "x.pdf", "user_id": "2", "consultation_id": "1",
             "comment_id": "1", "token": "MQ.forged",
             "collection_id": "zones-990101-2026-primary", "feature_id": "1",
             "name": "zones-primary.gpkg", "request_id": "1", "file_id": "1"}
HOSTILE_PATH = {"id": ["0", "2147483648"], None: ["%00", "x" * 3000, "..%2F..%2Fetc", "%FF%FE", "1999"]}
# arguments no form knows, which url_for would take for its own (_scheme, _external, _anchor, _method)
HOSTILE_QUERIES = [
    "year=1999&_scheme=https&_external=1&_anchor=x&_method=POST&lang=xx&text=huge&stage=senior&district=%25"
    "&page=-1&detail=9&bbox=1,2,3&next=//evil.example/&lon=181&lat=nan&q=" + "学" * 3000 + "&address=" + "x" * 5000,
    # invalid UTF-8 escapes, repeated keys
    "q=%FF%FE&q=b&address=%C0%AF&year=%E0%A4%A&year=2026&stage=%FF&bbox=%FF,1,2,3&bbox=1,2,3,4&lang=%FF&page=1&page=2"
    "&lon=120&lon=%FF&lat=30",
]
VALUES = ["", "x" * 3000, "-1", "99999999999999999999", "1999", "2019-02-30", "学院路130号", "<script>", "nan",
          "２０２６", " ", "0", "true"]


def path_of(rule, values: dict[str, str]) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: values[m[1]], rule.rule)


def urls_of(rule) -> tuple[str, list[str]]:
    """The rule's plausible path, and the paths with one argument made hostile."""
    assert set(rule.arguments) <= set(PLAUSIBLE), f"add a plausible value for {rule.rule}"
    plausible = path_of(rule, PLAUSIBLE)
    hostile = []
    for name, converter in rule._converters.items():
        kind = "id" if converter.__class__.__name__ == "IdConverter" else None
        hostile += [path_of(rule, {**PLAUSIBLE, name: value}) for value in HOSTILE_PATH[kind]]
    return plausible, hostile


FIELD = re.compile(r'<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"[^>]*>', re.I)


# a CSV upload with a header and hostile cells: formulas, a number too large, an impossible date
CSV = "学校,学段,划片范围,申请号,姓名,出生日期,路径,报名人数\r\n=1+1,小学,\"a\nb\",S1,张*,2019-02-30,x,99999999999999999999\r\n".encode()


def bodies(fields: set[str], files: set[str]) -> list[dict]:
    """Hostile bodies for a form with ``fields`` (and file fields ``files``): keyword arguments of the client's post."""
    values = {name: VALUES[i % len(VALUES)] for i, name in enumerate(sorted(fields))}
    shifted = {name: VALUES[(i + 5) % len(VALUES)] for i, name in enumerate(sorted(fields))}
    nameless = b"--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B\r\nContent-Disposition: form-data; " \
               b'filename="a.csv"\r\n\r\n\xff\xfe\r\n'
    multipart = nameless + b"".join(
        f'--B\r\nContent-Disposition: form-data; name="{name}"; filename="a.csv"\r\n\r\n'.encode()
        + (b"\xff\xfe,\"\x00\r\n" if i % 2 else CSV) for i, name in enumerate(sorted(files))) + b"".join(
        f'--B\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in values.items()) + b"--B--\r\n"
    return [
        {"data": values},
        {"data": shifted},
        {"data": multipart, "content_type": "multipart/form-data; boundary=B"},
        {"data": b'{"year": ', "content_type": "application/json"},
        {"data": b"year=%FF%FE&q=\xff\xfe&" + "&".join(f"{n}=1&{n}=2" for n in fields).encode(),
         "content_type": "application/x-www-form-urlencoded"},
        {"data": b"\x00\x01binary", "content_type": "text/plain"},
        {"data": b"--B\r\nno headers at all", "content_type": "multipart/form-data; boundary=B"},
        {"data": {"x": "y" * 200_000}},  # over the limit of whoever sends it (413)
    ]


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, sqlite_template):
    """The demo district with its users (password known to the test)."""
    return demo_app(tmp_path_factory.mktemp("fuzz"), sqlite_template, PASSWORD)


# pages that compute for seconds (the cross-check of a plan's text and polygons): asked once, not per query
ASKED_ONCE = {"bureau.plan_cross_check"}


class Sweep:
    """Asks routes with a client and collects what answered with a server error."""

    def __init__(self, app, client):
        self.app, self.client, self.errors = app, client, []
        self.fields, self.files = set(), set()

    def ask(self, method: str, url: str, **kwargs):
        try:
            response = getattr(self.client, method)(url, **kwargs)
        except Exception as exc:  # noqa: BLE001 - an escaped exception is a 500 too
            self.errors.append(f"{method.upper()} {url[:120]} {kwargs.get('content_type', '')}: {exc!r}")
            return None
        if response.status_code >= 500:
            self.errors.append(f"{method.upper()} {url[:120]} {kwargs.get('content_type', '')}: {response.status_code}")
        return response

    def gets(self, queries_under: tuple[str, ...] = ("/",)) -> None:
        """Every GET route: plausible, with each URL argument made hostile, and with hostile queries
        where its path starts with one of ``queries_under``; the names of the form fields on the pages
        are kept for :meth:`posts`."""
        for rule in self.app.url_map.iter_rules():
            if "GET" not in rule.methods:
                continue
            plausible, hostile = urls_of(rule)
            page = self.ask("get", plausible)
            if page is not None and page.mimetype == "text/html":
                html = page.get_data(as_text=True)
                self.fields |= set(FIELD.findall(html)) - {"csrf_token"}
                self.files |= set(re.findall(r'<input\b[^>]*type="file"[^>]*name="([^"]+)"', html))
            for url in hostile:
                self.ask("get", url)
            asked = rule.endpoint not in ASKED_ONCE and rule.rule.startswith(queries_under)
            for query in HOSTILE_QUERIES if asked else []:
                self.ask("get", f"{plausible}?{query}")

    def posts(self, multipart_only: bool = False) -> None:
        """Every POST route with hostile bodies (signing out last)."""
        rules = sorted((r for r in self.app.url_map.iter_rules() if "POST" in r.methods),
                       key=lambda r: r.endpoint == "accounts.logout")
        for rule in rules:
            for body in bodies(self.fields, self.files):
                if not multipart_only or body.get("content_type", "").startswith("multipart/"):
                    self.ask("post", urls_of(rule)[0], **body)


@pytest.fixture
def fuzzed(fuzz_app):
    """The demo app with a staff body limit small enough to reach."""
    saved = {k: fuzz_app.config[k] for k in ("WTF_CSRF_ENABLED", "MAX_CONTENT_LENGTH")}
    fuzz_app.config["MAX_CONTENT_LENGTH"] = 100_000
    with fuzz_app.app_context():
        yield fuzz_app
    fuzz_app.config.update(saved)


def sweep(app, client, queries_under: tuple[str, ...] = ("/",)) -> list[str]:
    """GET every route, then POST to every route with the CSRF check off (forms are read and acted
    on) and on (it reads every part of a form first: multipart bodies)."""
    sweep = Sweep(app, client)
    sweep.gets(queries_under)
    for csrf in (False, True):
        app.config["WTF_CSRF_ENABLED"] = csrf
        sweep.posts(multipart_only=csrf)
    return sweep.errors


def test_no_route_answers_anyone_with_a_server_error(fuzzed):
    assert sweep(fuzzed, fuzzed.test_client()) == []


def test_no_route_answers_a_signed_in_admin_with_a_server_error(fuzzed):
    client = fuzzed.test_client()
    fuzzed.config["WTF_CSRF_ENABLED"] = False
    assert client.post("/login", data={"username": "admin", "password": PASSWORD}).status_code == 302
    # public pages with hostile queries are the anonymous sweep's: the same views
    assert sweep(fuzzed, client, queries_under=("/bureau", "/account", "/login")) == []
