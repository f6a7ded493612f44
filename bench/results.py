"""Admission results benchmarks (one command: ``make bench`` or ``python bench/results.py``).

Every figure is printed with its ratio against a baseline measured in the same run (medians of
interleaved runs):

1. Reading a 20,000-row list of children (the largest accepted): ``tables.list_from_csv`` (decode,
   personal-data scan of every cell, line-level checks, masking, birth-date digests) against a bare
   ``csv.reader`` pass over the same bytes; and ``save_result`` (the same plus the draft revision
   and audit event written to SQLite) against the same baseline.
2. The lottery draw of 20,000 applications: ``lottery.draw`` (HMAC-SHA256 key per application) and
   ``lottery.verify`` (hash, commitment, re-draw) against sorting the same numbers by plain SHA-256.
3. Public pages through the app (Flask test client, no network): a school's results page with a
   2,000-child public list, the district table, and the own-result check (rate limit rows written
   and committed on every attempt), against ``/api/v1/ping``.
"""
from __future__ import annotations

import csv
import hashlib
import io
import random
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import interleaved  # noqa: E402
from enroll import create_app  # noqa: E402
from enroll.extensions import db  # noqa: E402

LIST_ROWS = 20_000
PAGE_ROWS = 2_000
ROUNDS = 5
DEMO = ROOT / "gis_data" / "demo"
KEY = b"bench-results-key"


def list_csv(rows: int, seed: int = 5) -> bytes:
    """A list of ``rows`` children on the migrant route: numbers, full names, outcomes, birth dates."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["申请号", "姓名", "途径", "结果", "序号", "出生日期"])
    for i in range(rows):
        born = date(2019, 9, 1) + timedelta(days=rng.randint(0, 364))
        name = rng.choice("王李张刘陈杨黄赵吴周") + "".join(rng.choice("子涵一诺浩然欣怡梓萱") for _ in range(rng.randint(1, 2)))
        writer.writerow([f"B2026{i:06d}", name, "随迁子女", "录取" if i < rows // 2 else "候补", i + 1, born.isoformat()])
    return out.getvalue().encode("utf-8")


def routes(rows: int) -> list[tuple[int, dict]]:
    return [(2, {"route": "随迁子女", "applicants": str(rows), "places": str(rows // 2), "admitted": str(rows // 2),
                 "note": ""})]


def bench_list(tmp: Path) -> None:
    from enroll.results import services, tables

    raw = list_csv(LIST_ROWS)
    parsed = tables.check_routes(routes(LIST_ROWS))
    app = make_app(tmp / "list.sqlite3")
    with app.app_context():
        editor, school = district(app)

        def save():
            services.save_result(editor, school.id, 2026, {"routes": routes(LIST_ROWS), "notes": "", "list_public": True,
                                                           "public_until": services.local_today().isoformat()},
                                 check_key=KEY, list_file=services.Upload(raw, "list.csv"))
        t = interleaved({
            "bare": lambda: list(csv.reader(io.StringIO(raw.decode("utf-8")))),
            "read": lambda: tables.list_from_csv(raw, "list.csv", parsed, KEY),
            "save": save,
        }, rounds=ROUNDS)
    print(f"## 1. A {LIST_ROWS:,}-row list of children ({len(raw) / 1024:.0f} KB CSV)")
    print(f"baseline  bare csv.reader pass              {t['bare'] * 1000:8.1f} ms")
    print(f"enroll    list_from_csv (scan, check, mask)  {t['read'] * 1000:8.1f} ms   {t['read'] / t['bare']:6.1f}x baseline")
    print(f"enroll    save_result (+ revision, SQLite)   {t['save'] * 1000:8.1f} ms   {t['save'] / t['bare']:6.1f}x baseline")


def bench_lottery() -> None:
    from enroll.results import lottery

    numbers = [f"Y2026{i:06d}" for i in range(LIST_ROWS)]
    seed = lottery.new_seed()
    order = lottery.draw(numbers, seed)
    digest = lottery.list_hash(numbers)
    commitment = lottery.commitment(seed)
    t = interleaved({
        "bare": lambda: sorted(numbers, key=lambda n: hashlib.sha256((seed + n).encode()).hexdigest()),
        "draw": lambda: lottery.draw(numbers, seed),
        "verify": lambda: lottery.verify(numbers, seed, digest, commitment, order),
    }, rounds=ROUNDS)
    assert lottery.verify(numbers, seed, digest, commitment, order).ok
    print(f"\n## 2. Lottery of {LIST_ROWS:,} applications")
    print(f"baseline  sort by plain SHA-256             {t['bare'] * 1000:8.1f} ms")
    print(f"enroll    draw (HMAC-SHA256 keys)           {t['draw'] * 1000:8.1f} ms   {t['draw'] / t['bare']:6.1f}x baseline")
    print(f"enroll    verify (hash, commitment, redraw) {t['verify'] * 1000:8.1f} ms   {t['verify'] / t['bare']:6.1f}x baseline")


def bench_pages(tmp: Path) -> None:
    from enroll.results import services
    from enroll.review import content

    app = make_app(tmp / "pages.sqlite3")
    with app.app_context():
        editor, school = district(app)
        reviewer = _user("rv", "district_reviewer")
        revision = services.save_result(
            editor, school.id, 2026, {"routes": routes(PAGE_ROWS), "notes": "", "list_public": True,
                                      "public_until": (services.local_today() + timedelta(days=30)).isoformat()},
            check_key=KEY, list_file=services.Upload(list_csv(PAGE_ROWS), "list.csv"))
        content.submit_revision(editor, revision.id)
        content.approve_revision(reviewer, revision.id)
        school_id = school.id
    client = app.test_client()
    page = f"/schools/{school_id}/results/2026"
    born = list(csv.reader(io.StringIO(list_csv(PAGE_ROWS).decode())))[1][5]
    requests = 50
    counter = iter(range(10**9))

    def many(fn):
        return lambda: [fn() for _ in range(requests)]

    def check():  # a new client address each time, so the limit never answers instead of the check
        n = next(counter)
        response = client.post(page + "/check", data={"application_no": "B2026000000", "birth_date": born},
                               environ_base={"REMOTE_ADDR": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"})
        assert response.status_code == 200, response.status_code

    for url in (page, "/d/990101/2026/results", "/api/v1/ping"):
        assert client.get(url).status_code == 200, url
    t = interleaved({
        "ping": many(lambda: client.get("/api/v1/ping")),
        "school": many(lambda: client.get(page)),
        "district": many(lambda: client.get("/d/990101/2026/results")),
        "check": many(check),
    }, rounds=ROUNDS)
    size = len(client.get(page).get_data())
    print(f"\n## 3. Pages through the app (Flask test client, {requests} requests each)")
    for name, label in (("ping", "baseline  /api/v1/ping"), ("school", f"enroll    school page, {PAGE_ROWS:,}-child list"),
                        ("district", "enroll    district table (40 schools)"),
                        ("check", "enroll    own-result check (POST)")):
        per = t[name] / requests
        ratio = "" if name == "ping" else f"   {per / (t['ping'] / requests):6.1f}x baseline"
        print(f"{label:42s} {per * 1000:8.2f} ms/request{ratio}")
    print(f"          school page: {size / 1024:.0f} KB of HTML")


def make_app(path: Path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "MAP_TILES": "none",
                      "WTF_CSRF_ENABLED": False, "RESULTS_KEY": KEY.decode()})
    with app.app_context():
        db.create_all()
    return app


def _user(name: str, role: str):
    from enroll.accounts.models import User
    from enroll.accounts.services import create_user

    admin = db.session.scalar(db.select(User).where(User.username == "admin"))
    return create_user(admin, name, role, "bench-password", district_code="990101")


def district(app):
    """The demo district's boundary and schools, an admin and a district editor; returns (editor, school)."""
    from enroll.accounts.services import create_user
    from enroll.districts.services import create_district, get_district
    from enroll.schools.services import import_schools, schools_of

    admin = create_user(None, "admin", "city_admin", "bench-password")
    create_district(admin, "990101", "青溪区", boundary_path=DEMO / "boundary.geojson")
    import_schools(admin, "990101", DEMO / "schools.csv")
    editor = _user("ed", "district_editor")
    return editor, schools_of(get_district("990101").id)[0]


def main() -> None:
    print(f"(run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")
    with tempfile.TemporaryDirectory() as tmp:
        bench_list(Path(tmp))
        bench_lottery()
        bench_pages(Path(tmp))


if __name__ == "__main__":
    main()
