"""Zoning benchmarks (one command: ``make bench`` or ``python bench/run.py``).

1. Import + validation of a synthetic 1,000-zone zipped Shapefile (EPSG:4549, GBK), against a bare
   ``pyogrio.read_dataframe`` of the same file measured in the same run.
2. Map page bytes transferred before tiles (gzip), for the demo district and a synthetic 200-zone
   district, against the same page with the zones' raw GeoJSON (unsimplified) as a baseline.
"""
from __future__ import annotations

import gzip
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pyogrio
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from enroll import create_app  # noqa: E402
from enroll.extensions import db  # noqa: E402

TARGET_PAGE_BYTES = 300 * 1024


def timed(fn, repeat: int = 3) -> float:
    """Median wall time of ``repeat`` runs, seconds."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def synthetic_city(n: int, seed: int = 7):
    """``n`` Voronoi zones partitioning a square around 120.2E 30.2N, with one school inside each."""
    import geopandas as gpd

    rng = np.random.default_rng(seed)
    side = 1200.0 * np.sqrt(n)  # ~1.4 km² per zone
    x0, y0 = 520_000.0, 3_340_000.0  # EPSG:4549 (CGCS2000 GK CM 120E), near 120.2E 30.2N
    pts = shapely.points(x0 + rng.random(n) * side, y0 + rng.random(n) * side)
    box = shapely.segmentize(shapely.box(x0, y0, x0 + side, y0 + side), 50.0)  # edges stay put in 4326
    cells = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=box)
    zones = [shapely.intersection(c, box) for c in shapely.get_parts(cells)]
    tree = shapely.STRtree(zones)
    owner = tree.query(pts, predicate="within")
    school_of_zone = {int(z): int(p) for p, z in zip(*owner)}
    names = [f"合成第{school_of_zone[i] + 1:04d}小学" for i in range(len(zones))]
    frame = gpd.GeoDataFrame({"学校名称": names}, geometry=zones, crs="EPSG:4549")
    schools = gpd.GeoSeries([pts[school_of_zone[i]] for i in range(len(zones))], crs="EPSG:4549").to_crs(4326)
    boundary = gpd.GeoSeries([box], crs="EPSG:4549").to_crs(4326).iloc[0]
    return frame, dict(zip(names, schools)), boundary


def write_zip(frame, folder: Path, stem: str) -> Path:
    shp = folder / f"{stem}.shp"
    pyogrio.write_dataframe(frame, shp, encoding="GBK")
    archive = folder / f"{stem}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for ext in ("shp", "shx", "dbf", "prj"):
            zf.write(folder / f"{stem}.{ext}", f"{stem}.{ext}")
    return archive


def bench_import(tmp: Path) -> None:
    from enroll.geo.io import read_zoning_file
    from enroll.geo.validate import validate_zones

    frame, schools, boundary = synthetic_city(1000)
    archive = write_zip(frame, tmp, "city1000")
    bare = timed(lambda: pyogrio.read_dataframe(f"/vsizip/{archive}/city1000.shp", encoding="GBK"))
    read = timed(lambda: read_zoning_file(archive))
    full = timed(lambda: validate_zones(read_zoning_file(archive), schools=schools, boundary=boundary))
    report = validate_zones(read_zoning_file(archive), schools=schools, boundary=boundary)
    app = bench_app(tmp)
    with app.app_context():
        from enroll.zoning.services import import_plan

        editor, _ = synthetic_district(tmp, schools, boundary)
        service = timed(lambda: import_plan(editor, "990199", 2026, "primary", archive))
    print("## 1. Import + validation, 1,000-zone zipped Shapefile (EPSG:4549, GBK)")
    print(f"baseline  bare pyogrio read              {bare * 1000:8.1f} ms")
    print(f"enroll    read (safe unzip, detect, 4326) {read * 1000:8.1f} ms   {read / bare:6.1f}x baseline")
    print(f"enroll    read + full validation          {full * 1000:8.1f} ms   {full / bare:6.1f}x baseline")
    print(f"enroll    import_plan (+ SQLite writes)    {service * 1000:8.1f} ms   {service / bare:6.1f}x baseline")
    print(f"          findings: {len(report.findings)} (errors: {sum(f.severity == 'error' for f in report.findings)})")


def bench_app(folder: Path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "MAP_TILES": "none", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.create_all()
    return app


def synthetic_district(folder: Path, schools: dict, boundary):
    """A district with its boundary, schools and an editor and a reviewer (inside an app context)."""
    from enroll.accounts.services import create_user
    from enroll.districts.services import create_district
    from enroll.schools.services import import_schools

    (folder / "b.geojson").write_text(shapely.to_geojson(boundary), encoding="utf-8")
    rows = ["name,stage,kind,address,lon,lat"] + [
        f"{name},primary,public,,{p.x:.6f},{p.y:.6f}" for name, p in schools.items()]
    (folder / "s.csv").write_text("\n".join(rows), encoding="utf-8")
    admin = create_user(None, "admin", "city_admin", "bench-password")
    create_district(admin, "990199", "合成区", boundary_path=folder / "b.geojson")
    import_schools(admin, "990199", folder / "s.csv")
    return (create_user(admin, "ed", "district_editor", "bench-password", district_code="990199"),
            create_user(admin, "rv", "district_reviewer", "bench-password", district_code="990199"))


def _setup_district(app, folder: Path, n: int | None) -> str:
    """Publish the demo district (n None) or a synthetic n-zone district; returns the page URL."""
    from enroll.demo import load_demo
    from enroll.review.content import approve_revision, submit_revision
    from enroll.zoning.services import import_plan

    with app.app_context():
        if n is None:
            load_demo()
            return "/d/990101/2026/primary/"
        frame, schools, boundary = synthetic_city(n)
        editor, reviewer = synthetic_district(folder, schools, boundary)
        plan = import_plan(editor, "990199", 2026, "primary", write_zip(frame, folder, f"z{n}"))
        submit_revision(editor, plan.revision_id)
        approve_revision(reviewer, plan.revision_id)
        return "/d/990199/2026/primary/"


def page_bytes(app, url: str) -> tuple[int, int, int]:
    """(gzip bytes of page + its local assets + zone GeoJSON, of which GeoJSON, raw GeoJSON gzip)."""
    import re

    from enroll.zoning.services import all_published_plans

    client = app.test_client()
    html = client.get(url).get_data()
    assets = re.findall(rb'(?:src|href)="(/static/[^"]+)"', html)
    total = len(gzip.compress(html, 6))
    for asset in set(assets):
        total += len(gzip.compress(client.get(asset.decode()).get_data(), 6))
    geojson = len(gzip.compress(client.get(url + "zones.geojson").get_data(), 6))
    with app.app_context():
        plan = max(all_published_plans(), key=lambda p: p.id)
        raw = shapely.to_geojson(shapely.GeometryCollection([z.geometry for z in plan.zones])).encode()
    return total + geojson, geojson, len(gzip.compress(raw, 6))


def bench_pages(tmp: Path) -> None:
    print("\n## 2. Map page bytes transferred before tiles (gzip -6: HTML + local JS/CSS + zone GeoJSON)")
    for label, n in (("demo district 青溪区 (27 zones)", None), ("synthetic district, 200 zones", 200)):
        folder = tmp / (label[:4] + "x")
        folder.mkdir()
        app = bench_app(folder)
        url = _setup_district(app, folder, n)
        total, geojson, raw = page_bytes(app, url)
        verdict = "meets" if total <= TARGET_PAGE_BYTES else "MISSES"
        print(f"{label:34s} total {total / 1024:7.1f} KB ({verdict} the 300 KB target); "
              f"zones {geojson / 1024:6.1f} KB vs raw unsimplified {raw / 1024:6.1f} KB "
              f"({geojson / raw:4.2f}x)")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bench_import(Path(tmp))
        bench_pages(Path(tmp))


if __name__ == "__main__":
    main()
