"""Lookup benchmarks (one command: ``make bench`` or ``python bench/lookup.py``).

Every figure is printed with its ratio against a baseline measured in the same run:

1. Point lookup: ``STRtreeLocator.locate`` against a bare shapely STRtree ``intersects`` query loop over
   the same zones, for the demo district's published primary zones and a synthetic 10,000-zone city
   (median of 5 interleaved runs each). Target: at most 2x the baseline.
2. Text lookups per second over a 1,000,000-address gazetteer (the demo's real addresses plus synthetic
   numbers on the demo roads, imported with ``import_addresses``): ``lookup_address`` against the bare
   gazetteer SELECT by normalized text, for the same 2,000 queries drawn from the real demo addresses.
3. HTTP lookups per second with gunicorn (2 sync workers on 127.0.0.1) under a bounded closed-loop load
   from wrk (8 connections, a separate process; Debian package ``wrk``): point and text lookups
   against the constant ``/api/v1/ping`` ceiling, the three endpoints interleaved over 3 rounds of
   5 s each (medians). Targets: point >= 0.7x ping, text >= 0.5x ping; every response must be 200
   and name a school.
"""
from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import interleaved
from enroll import create_app
from enroll.extensions import db

POINTS = 20_000
CITY_ZONES = 10_000
GAZETTEER_ROWS = 1_000_000
SYNTHETIC_FIRST_NUMBER = 10_001  # the demo's highest door number is 1014
TEXT_QUERIES = 2_000
HTTP_PATHS = 4_000        # distinct request paths per lookup endpoint
HTTP_CLIENTS = 8
HTTP_SECONDS = 5.0
HTTP_ROUNDS = 3
POINT_TARGET = 2.0        # locate <= 2x the bare STRtree query
HTTP_POINT_TARGET = 0.7   # point lookups >= 0.7x ping requests/s
HTTP_TEXT_TARGET = 0.5    # text lookups >= 0.5x ping requests/s
DEMO_CODE = "990101"


def points_inside(polygon, n: int, seed: int) -> np.ndarray:
    """``n`` uniform random (lon, lat) inside ``polygon``, rounded to 6 decimals (as the API gets them)."""
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = polygon.bounds
    found: list[np.ndarray] = []
    total = 0
    while total < n:
        xy = np.round(np.column_stack([rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)]), 6)
        xy = xy[shapely.contains_xy(polygon, xy[:, 0], xy[:, 1])]
        found.append(xy)
        total += len(xy)
    return np.concatenate(found)[:n]


def verdict(ok: bool) -> str:
    return "target met" if ok else "TARGET MISSED"


# ---------------------------------------------------------------------------------------------- 1


def compare_locate(label: str, zones: list, keys: list, locator, pts: np.ndarray) -> None:
    """Time ``locator.locate`` against a bare STRtree over ``zones``; check they agree away from edges."""
    tree = shapely.STRtree(zones)
    coords = pts.tolist()
    Point = shapely.Point

    def bare():
        for x, y in coords:
            tree.query(Point(x, y), predicate="intersects")

    def locate():
        for x, y in coords:
            locator.locate(x, y)

    times = interleaved({"bare": bare, "locate": locate}, rounds=5)
    disagree = near = 0
    for x, y in coords:
        got = locator.locate(x, y)
        if got.near_boundary:
            near += 1
        elif set(got.keys) != {keys[i] for i in tree.query(Point(x, y), predicate="intersects")}:
            disagree += 1
    ratio = times["locate"] / times["bare"]
    n = len(coords)
    print(f"{label}")
    print(f"  baseline  bare STRtree query loop   {times['bare'] / n * 1e6:7.2f} µs/point "
          f"({n / times['bare']:9,.0f} points/s)")
    print(f"  enroll    STRtreeLocator.locate     {times['locate'] / n * 1e6:7.2f} µs/point "
          f"({n / times['locate']:9,.0f} points/s)   {ratio:5.2f}x baseline ({verdict(ratio <= POINT_TARGET)}: "
          f"<= {POINT_TARGET:.0f}x)")
    print(f"  check: {near:,} of {n:,} points within 50 m of an edge; {disagree} disagreements elsewhere")


def bench_points() -> None:
    from enroll.districts.services import get_district
    from enroll.zoning.rules import PlanInfo, zone_locator
    from enroll.zoning.services import published_plans

    print(f"## 1. Point lookup vs a bare shapely STRtree query loop ({POINTS:,} random points, "
          "median of 5 interleaved runs)")
    district = get_district(DEMO_CODE)
    plan = next(p for p in published_plans(district.id) if p.stage == "primary")
    locator, _ = zone_locator(PlanInfo.of(plan, True))  # the locator the service uses (memoised per plan)
    zones = list(plan.zones)
    compare_locate(f"demo district 青溪区, published primary plan ({len(zones)} zones, "
                   f"{len(locator.keys)} locator pieces)",
                   [z.geometry for z in zones], [z.id for z in zones], locator,
                   points_inside(district.boundary, POINTS, seed=11))

    from run import synthetic_city

    from enroll.geo.locate import STRtreeLocator

    start = time.perf_counter()
    frame, _, boundary = synthetic_city(CITY_ZONES)
    cells = list(frame.to_crs(4326).geometry)
    made = time.perf_counter() - start
    start = time.perf_counter()
    locator = STRtreeLocator(list(enumerate(cells)))
    built = time.perf_counter() - start
    compare_locate(f"synthetic city, {len(cells):,} Voronoi zones in lon/lat ({len(locator.keys):,} locator "
                   f"pieces; generated in {made:.1f} s, STRtreeLocator built in {built:.1f} s)",
                   cells, list(range(len(cells))), locator, points_inside(boundary, POINTS, seed=12))


# ---------------------------------------------------------------------------------------------- 2


def write_gazetteer(path: Path, district) -> tuple[int, list[str]]:
    """The demo's real addresses plus synthetic doors on the demo roads, ``GAZETTEER_ROWS`` in all.

    Synthetic doors are numbered from ``SYNTHETIC_FIRST_NUMBER`` up on each road in turn, at random
    points inside the district. Returns (rows written, the real demo addresses).
    """
    from enroll.demo import DEMO

    lines = (DEMO / "addresses.csv").read_text(encoding="utf-8-sig").splitlines()
    header, real = lines[0], lines[1:]
    roads = sorted({line.split(",")[3] for line in real if line.split(",")[3]})
    extra = GAZETTEER_ROWS - len(real)
    pts = points_inside(district.boundary, extra, seed=21)
    with path.open("w", encoding="utf-8") as out:
        out.write("\n".join([header, *real]) + "\n")
        out.writelines(f"{roads[i % len(roads)]}{SYNTHETIC_FIRST_NUMBER + i // len(roads)}号,{x:.6f},{y:.6f},,,\n"
                       for i, (x, y) in enumerate(pts.tolist()))
    return len(real) + extra, [line.split(",")[0] for line in real]


def bench_text(tmp: Path) -> list[str]:
    from sqlalchemy import func, select

    from enroll.accounts.models import User
    from enroll.districts.services import get_district
    from enroll.geo.address import normalize
    from enroll.lookup.models import Address
    from enroll.lookup.gazetteer import district_prefixes, import_addresses
    from enroll.lookup.services import lookup_address

    print(f"\n## 2. Text lookups over a {GAZETTEER_ROWS:,}-address gazetteer ({TEXT_QUERIES:,} queries from "
          "the real demo addresses, median of 3 interleaved runs)")
    district = get_district(DEMO_CODE)
    csv_path = tmp / "gazetteer.csv"
    rows, real = write_gazetteer(csv_path, district)
    editor = db.session.scalar(select(User).where(User.username == "editor"))
    start = time.perf_counter()
    imported = import_addresses(editor, DEMO_CODE, csv_path)
    took = time.perf_counter() - start
    csv_path.unlink()
    stored = db.session.scalar(select(func.count()).select_from(Address).where(Address.district_id == district.id))
    print(f"gazetteer: {imported:,} rows ({len(real):,} real demo addresses + {rows - len(real):,} synthetic "
          f"doors numbered from {SYNTHETIC_FIRST_NUMBER} on the demo roads), imported with import_addresses "
          f"in {took:.1f} s ({imported / took:,.0f} rows/s); {stored:,} rows stored")

    rng = np.random.default_rng(31)
    queries = [real[i] for i in rng.choice(len(real), TEXT_QUERIES, replace=False)]
    district_id = district.id
    normalized = [normalize(q, district_prefixes(district)) for q in queries]  # outside the timing

    def bare():  # one indexed SELECT per query on a raw DBAPI connection: the floor of any text lookup
        connection = db.engine.raw_connection()
        cursor = connection.cursor()
        for text in normalized:
            cursor.execute("SELECT point FROM addresses WHERE district_id = ? AND normalized = ? LIMIT 1",
                           (district_id, text))
            cursor.fetchone()
        connection.close()

    def lookup():
        for text in queries:
            lookup_address(text)

    times = interleaved({"bare": bare, "lookup": lookup}, rounds=3, before=db.session.remove)
    db.session.remove()
    found = sum(db.session.scalar(select(Address.id).where(Address.district_id == district_id,
                                                           Address.normalized == t).limit(1)) is not None
                for t in normalized)
    bases: Counter = Counter()
    caveats: Counter = Counter()
    for text in queries:
        result = lookup_address(text)
        bases.update({m.basis for m in result.matches} or {"none"})
        caveats.update(c.code for c in result.caveats)
    n = len(queries)
    print(f"baseline  bare gazetteer SELECT by normalized text (DBAPI)  {n / times['bare']:8,.0f} lookups/s "
          f"({times['bare'] / n * 1e3:6.3f} ms each)")
    print(f"enroll    lookup_address (no district given, as the API)  {n / times['lookup']:8,.0f} lookups/s "
          f"({times['lookup'] / n * 1e3:6.3f} ms each)   {times['bare'] / times['lookup']:5.3f}x baseline "
          f"throughput ({times['lookup'] / times['bare']:.1f}x the time)")
    print(f"          gazetteer hits {found}/{n}; answered by rule in {bases['rule']}, by zone only in "
          f"{bases['zone']}, unanswered {bases['none']}; caveats: "
          + (", ".join(f"{code} {count}" for code, count in caveats.most_common()) or "none"))
    return queries


# ---------------------------------------------------------------------------------------------- 3


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, timeout: float = 30.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def worker_pids(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of the given processes (Linux /proc), seconds; 0 where unavailable."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


def wrk(port: int, paths_file: Path, seconds: float, check: bool) -> dict:
    """A closed loop of ``HTTP_CLIENTS`` connections from wrk (one thread, a separate process)."""
    out = subprocess.run(["wrk", "-t1", f"-c{HTTP_CLIENTS}", f"-d{seconds:g}s", "--timeout", "10s",
                          "-s", str(ROOT / "bench" / "wrk_paths.lua"), f"http://127.0.0.1:{port}", "--",
                          str(paths_file), "check" if check else ""],
                         capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("ENROLL-WRK "))
    requests, micros, non200, empty, errors, p99 = (float(v) for v in line.split()[1:])
    return {"done": int(requests), "seconds": micros / 1e6, "non200": int(non200), "empty": int(empty),
            "errors": int(errors), "p99_ms": p99 / 1e3}


def start_gunicorn(db_path: Path, tmp: Path):
    port = free_port()
    env = dict(os.environ, ENROLL_DATABASE_URL=f"sqlite:///{db_path}", ENROLL_SECRET_KEY="bench",
               ENROLL_MAP_TILES="none")
    env.pop("ENROLL_ENV", None)
    log = tmp / "gunicorn.log"
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n" + log.read_text(errors="replace"))
        try:
            if get(port, "/api/v1/ping", timeout=2)[0] == 200:
                return server, port
        except (OSError, http.client.HTTPException):
            pass
        if time.monotonic() > deadline:
            server.kill()
            raise RuntimeError("gunicorn did not answer /api/v1/ping within 60 s")
        time.sleep(0.2)


def stop(server) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def bench_http(db_path: Path, queries: list[str], tmp: Path) -> None:
    print(f"\n## 3. HTTP lookups per second: gunicorn -w 2 on 127.0.0.1, wrk closed loop ({HTTP_CLIENTS} "
          f"connections), {HTTP_SECONDS:g} s per endpoint, endpoints interleaved over {HTTP_ROUNDS} rounds "
          "(median), gazetteer of section 2")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "MAP_TILES": "none"})
    with app.app_context():
        from enroll.districts.services import get_district

        district_boundary = get_district(DEMO_CODE).boundary
        db.session.remove()
        db.engine.dispose()
    rng = np.random.default_rng(41)
    pts = points_inside(district_boundary, HTTP_PATHS, seed=42)
    endpoints = {
        "ping": ["/api/v1/ping"],
        "point": [f"/api/v1/lookup?lon={x:.6f}&lat={y:.6f}" for x, y in pts.tolist()],
        "text": ["/api/v1/lookup?address=" + quote(queries[i]) for i in rng.integers(0, len(queries), HTTP_PATHS)],
    }
    files = {}
    for name, paths in endpoints.items():
        files[name] = tmp / f"{name}.paths"
        files[name].write_text("\n".join(paths) + "\n")
    server, port = start_gunicorn(db_path, tmp)
    runs: dict[str, list[dict]] = {name: [] for name in endpoints}
    try:
        for name in endpoints:  # both workers build their memoised locators and indexes
            wrk(port, files[name], 2, check=False)
        workers = worker_pids(server.pid)
        for _ in range(HTTP_ROUNDS):
            for name in endpoints:
                cpu = cpu_seconds(workers)
                run = wrk(port, files[name], HTTP_SECONDS, check=name != "ping")
                run["cpu"] = cpu_seconds(workers) - cpu
                runs[name].append(run)
    finally:
        stop(server)

    def rate(run: dict) -> float:
        return run["done"] / run["seconds"]

    ceiling = statistics.median(rate(r) for r in runs["ping"])
    cpu_ping = sum(r["cpu"] for r in runs["ping"]) / sum(r["done"] for r in runs["ping"])
    labels = {"ping": "ceiling  /api/v1/ping (constant JSON)", "point": "enroll   /api/v1/lookup?lon=&lat=",
              "text": "enroll   /api/v1/lookup?address="}
    targets = {"point": HTTP_POINT_TARGET, "text": HTTP_TEXT_TARGET}
    for name, rs in runs.items():
        median = statistics.median(rate(r) for r in rs)
        done = sum(r["done"] for r in rs)
        failed = sum(r["non200"] + r["errors"] for r in rs)
        line = f"{labels[name]:38s} {median:8,.0f} requests/s (rounds: {', '.join(f'{rate(r):,.0f}' for r in rs)})"
        if name in targets:
            ratio = median / ceiling
            line += f"   {ratio:5.2f}x ping ({verdict(ratio >= targets[name] and not failed)}: >= {targets[name]})"
        print(line)
        cpu = sum(r["cpu"] for r in rs) / done if done else 0.0
        cpu_text = f"{cpu * 1e3:5.2f} ms/request" + (f" ({cpu / cpu_ping:.1f}x ping's)" if name != "ping" and cpu_ping else "")
        print(f"         {done:,} requests; non-200 or socket errors: {failed}; worker CPU {cpu_text}; "
              f"p99 latency {statistics.median(r['p99_ms'] for r in rs):.1f} ms"
              + ("" if name == "ping" else f"; answers without a school: {sum(r['empty'] for r in rs)}"))
    print(f"         (wrk: 1 thread in its own process on the same {os.cpu_count()} CPUs as the 2 workers)")


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("bench/lookup.py needs wrk, the HTTP load generator (Debian: apt install wrk)")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="enroll-bench-") as name:
        tmp = Path(name)
        db_path = tmp / "lookup.sqlite3"
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}", "MAP_TILES": "none"})
        with app.app_context():
            from enroll.demo import load_demo

            db.create_all()
            load_demo()
            bench_points()
            queries = bench_text(tmp)
            db.session.remove()
            db.engine.dispose()
        bench_http(db_path, queries, tmp)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
