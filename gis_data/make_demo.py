#!/usr/bin/env python3
"""Generate the fictional demo district 青溪区 (Qingxi District, 江城市, code 990101).

Everything here is synthetic: the boundary is a smoothed random polygon, the
schools are random points, and the school zones are Voronoi cells of the public
school points.  The output is deterministic (fixed seeds, fixed file
timestamps), needs no network and runs in a few seconds:

    .venv/bin/python gis_data/make_demo.py

Outputs (in gis_data/demo/, see gis_data/README.md for the field reference):

    boundary.geojson       district boundary, EPSG:4326
    schools.csv            schools (UTF-8), lon/lat in EPSG:4326
    zones_primary.zip      zipped ESRI Shapefile, EPSG:4549, GBK .dbf, no .cpg
    zones_junior.zip       zipped ESRI Shapefile, EPSG:4549, GBK .dbf, no .cpg
    feeders.csv            primary -> junior (对口) relation (UTF-8)
    zones_primary.geojson  the primary zones in EPSG:4326 (UTF-8)

The script ends with a block of assertions that check counts, the exact
partition of the boundary by the zones, school-in-own-zone, the GBK encoding
of the .dbf files, the absence of .cpg files and the .prj contents.
"""

from __future__ import annotations

import csv
import json
import zipfile
from collections import defaultdict
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box
from shapely.ops import polygonize, unary_union

# ---------------------------------------------------------------------------
# constants
# ---------------------------------------------------------------------------

SEED = 20260301
HERE = Path(__file__).resolve().parent
OUT = HERE / "demo"

DISTRICT_CODE = "990101"  # fictional: no real 行政区划代码 starts with 99
DISTRICT_NAME = "青溪区"
CITY_NAME = "江城市"

# lon/lat box the boundary is fitted into (with a small margin)
LON_MIN, LON_MAX = 120.10, 120.30
LAT_MIN, LAT_MAX = 30.15, 30.32
AREA_RANGE_KM2 = (260.0, 340.0)

WGS84 = "EPSG:4326"
PROJ = "EPSG:4549"  # CGCS2000 / 3-degree Gauss-Kruger CM 120E
TO_PROJ = Transformer.from_crs(WGS84, PROJ, always_xy=True)
TO_WGS = Transformer.from_crs(PROJ, WGS84, always_xy=True)

SHP_PRIMARY = "qingxi_primary_2026"
SHP_JUNIOR = "qingxi_junior_2026"
FIXED_ZIP_TIME = (2026, 3, 1, 0, 0, 0)
FIXED_DBF_DATE = (2026 - 1900, 3, 1)  # dBASE "last update" header bytes

MULTI_NOTE = "多校划片，电脑派位"

# ---------------------------------------------------------------------------
# names
# ---------------------------------------------------------------------------

# Two old-town public primaries that share one zone (多校划片).  They are given
# to the closest pair of old-town primary points.
MULTI_PAIR = ("青溪区文澜小学", "青溪区崇文小学")

# Public primaries, old-town first (the old town gets OLD_TOWN_PRIMARY points).
PRIMARY_PUBLIC = [
    "青溪区实验小学", "青溪区第一小学", "青溪区第二小学", "青溪区第三小学",
    "青溪区第四小学", "青溪区解放路小学", "青溪区人民路小学", "青溪区学院路小学",
    "青溪区西河小学", "青溪区湖滨小学", "青溪区梅园小学", "青溪区第五小学",
    "江城师范大学附属青溪小学", "青溪区东湖小学", "青溪区南塘小学", "青溪区北山小学",
    "青溪区翠苑小学", "青溪区枫桥小学", "青溪区桃源小学", "青溪区柳岸小学",
    "青溪区云栖小学", "江城市青溪区长乐小学", "青溪区永宁小学", "青溪区沙河小学",
    "青溪区白鹭小学", "青溪区青石小学",
]
PRIMARY_PRIVATE = ["青溪区育才外国语小学（民办）", "青溪区明德双语小学（民办）"]
OLD_TOWN_PRIMARY = 12  # incl. the MULTI_PAIR schools

JUNIOR_PUBLIC = [
    "青溪区实验初级中学", "青溪区第一初级中学", "青溪区文澜中学",
    "青溪区第二初级中学", "青溪区东湖初级中学", "青溪区南塘初级中学",
    "青溪区北山初级中学", "青溪区云栖初级中学", "青溪区望江初级中学",
    "青溪区枫桥初级中学", "江城市青溪区长乐初级中学",
]
JUNIOR_PRIVATE = ["青溪区启明实验中学（民办）"]
OLD_TOWN_JUNIOR = 3

# Road for a school whose name contains a place name; others get a generic road.
PLACE_ROADS = {
    "文澜": "文澜路", "崇文": "崇文街", "解放路": "解放路", "人民路": "人民路",
    "学院路": "学院路", "西河": "西河街", "湖滨": "湖滨路", "梅园": "梅园路",
    "东湖": "东湖路", "南塘": "南塘路", "北山": "北山路", "翠苑": "翠苑街",
    "枫桥": "枫桥路", "桃源": "桃源路", "柳岸": "柳岸街", "云栖": "云栖路",
    "长乐": "长乐路", "永宁": "永宁街", "沙河": "沙河路", "白鹭": "白鹭路",
    "青石": "青石路", "望江": "望江路", "师范大学": "学院路",
}
GENERIC_ROADS = [
    "青溪大道", "建设路", "中山路", "和平街", "府前街", "新华路", "环城北路",
    "环城西路", "育英路", "文化路", "江城大道", "滨江路", "兴业路", "启明路",
    "育才路", "明德路", "光明路", "金桥路",
]


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

def proj_xy(lon, lat):
    return TO_PROJ.transform(lon, lat)


def transform_geom(geom, transformer):
    return shapely.transform(
        geom, lambda c: np.column_stack(transformer.transform(c[:, 0], c[:, 1]))
    )


def make_boundary(rng: np.random.Generator) -> Polygon:
    """Smoothed random blob fitted to the lon/lat box, plus a river notch.

    Returned in EPSG:4549 metres.
    """
    for _attempt in range(200):
        n = 360
        theta = np.linspace(0, 2 * np.pi, n, endpoint=False)
        r = np.ones(n)
        for k in range(2, 24):
            amp = (0.10 if k <= 5 else 0.22 / k ** 1.25) * rng.uniform(0.3, 1.0)
            r += amp * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
        r += rng.normal(0, 0.004, n)  # tiny vertex jitter -> survey-like edge
        u, v = r * np.cos(theta), r * np.sin(theta)
        blob = Polygon(np.column_stack([u, v]))
        if not blob.is_valid:
            continue
        # fit into the lon/lat box (margin 0.002 deg)
        minx, miny, maxx, maxy = blob.bounds
        m = 0.002
        lon = LON_MIN + m + (u - minx) / (maxx - minx) * (LON_MAX - LON_MIN - 2 * m)
        lat = LAT_MIN + m + (v - miny) / (maxy - miny) * (LAT_MAX - LAT_MIN - 2 * m)
        x, y = proj_xy(lon, lat)
        poly = Polygon(np.column_stack([x, y]))
        if not poly.is_valid:
            continue

        # river-like notch: a meandering buffered line entering from the east
        c = poly.centroid
        xmax = poly.bounds[2]
        ys = c.y - 1500 + rng.uniform(-800, 800)
        xs = np.linspace(xmax + 800, c.x + 3500, 40)
        t = np.linspace(0, 1, 40)
        yy = ys + 450 * np.sin(2.6 * np.pi * t + rng.uniform(0, 6)) + 250 * t
        river = LineString(np.column_stack([xs, yy]))
        width = np.interp(t, [0, 1], [340, 160])
        notch = unary_union([
            Point(p).buffer(w, quad_segs=8)
            for p, w in zip(np.column_stack([xs, yy]), width)
        ] + [river.buffer(160, quad_segs=8)])
        poly = poly.difference(notch)
        if poly.geom_type != "Polygon" or not poly.is_valid:
            continue
        poly = shapely.set_precision(poly, 0.001)  # mm grid, keeps files tidy
        area_km2 = poly.area / 1e6
        if AREA_RANGE_KM2[0] <= area_km2 <= AREA_RANGE_KM2[1]:
            return poly
    raise RuntimeError("could not generate a boundary in the area range")


def sample_points(rng, boundary, n, existing, *, centre=None, sigma=None,
                  min_dist, edge_margin, avoid=(), avoid_dist=0.0,
                  accept=None, max_tries=200000):
    """Rejection-sample n points inside `boundary` (projected metres)."""
    inner = boundary.buffer(-edge_margin)
    minx, miny, maxx, maxy = inner.bounds
    pts = []
    tries = 0
    while len(pts) < n:
        tries += 1
        if tries > max_tries:
            raise RuntimeError("point sampling did not converge")
        if centre is not None:
            x = rng.normal(centre[0], sigma)
            y = rng.normal(centre[1], sigma)
        else:
            x = rng.uniform(minx, maxx)
            y = rng.uniform(miny, maxy)
        p = Point(x, y)
        if not inner.contains(p):
            continue
        if any(p.distance(q) < min_dist for q in existing + pts):
            continue
        if any(p.distance(q) < avoid_dist for q in avoid):
            continue
        if accept is not None and not accept(p, pts):
            continue
        pts.append(p)
    return pts


def wiggle_edge(rng, a, b):
    """Turn a straight Voronoi edge a->b into a road-like polyline.

    Intermediate vertices every ~350 m, displaced perpendicular to the edge by
    at most min(70 m, 6 % of the edge length), tapered to 0 at both ends.
    """
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    d = b - a
    length = float(np.hypot(*d))
    k = int(length // 350)
    if k < 1:
        return [tuple(a), tuple(b)]
    normal = np.array([-d[1], d[0]]) / length
    amp = min(70.0, 0.06 * length)
    t = np.linspace(0, 1, k + 2)[1:-1]
    t = t + rng.uniform(-0.25, 0.25, k) / (k + 1)
    off = rng.uniform(-1, 1, k) * amp * np.sin(np.pi * t)
    mids = a + np.outer(t, d) + np.outer(off, normal)
    return [tuple(a)] + [tuple(p) for p in mids] + [tuple(b)]


def build_zones(rng, boundary, points):
    """Partition `boundary` into one region per point (Voronoi, wiggled edges).

    Returns a list of Polygons in the same order as `points`; shared edges
    carry identical vertices (built by noding + polygonize).
    """
    mp = MultiPoint(points)
    ext = box(*boundary.buffer(5000).bounds)
    cells = list(shapely.voronoi_polygons(mp, extend_to=ext, ordered=True).geoms)
    assert len(cells) == len(points)
    for p, c in zip(points, cells):
        assert c.contains(p)

    # canonical vertices (snap near-identical Voronoi vertices together)
    canon = {}

    def key(c):
        k = (round(c[0], 3), round(c[1], 3))
        return canon.setdefault(k, (float(c[0]), float(c[1])))

    edges = set()
    for c in cells:
        coords = list(c.exterior.coords)
        for p, q in zip(coords[:-1], coords[1:]):
            p, q = key(p), key(q)
            if p != q:
                edges.add((min(p, q), max(p, q)))
    inside_area = boundary.buffer(2000)
    lines = [LineString(boundary.exterior.coords)]
    for p, q in sorted(edges):
        seg = LineString([p, q])
        if not seg.intersects(inside_area):
            continue
        lines.append(LineString(wiggle_edge(rng, p, q)))

    noded = unary_union(lines)
    faces = [f for f in polygonize(noded.geoms if hasattr(noded, "geoms") else [noded])
             if boundary.contains(f.representative_point())]

    clipped = [c.intersection(boundary) for c in cells]
    owner = []
    tree = shapely.STRtree(clipped)
    for f in faces:
        cand = tree.query(f)
        best = max(cand, key=lambda i: f.intersection(clipped[i]).area)
        owner.append(int(best))

    # make every zone one connected polygon containing its own point:
    # detached faces are handed to the neighbour with the longest shared edge
    for _round in range(20):
        changed = False
        groups = defaultdict(list)
        for fi, o in enumerate(owner):
            groups[o].append(fi)
        for o, fis in groups.items():
            merged = shapely.coverage_union_all([faces[i] for i in fis])
            if merged.geom_type == "Polygon":
                continue
            for part in merged.geoms:
                if part.contains(points[o]):
                    continue
                for fi in fis:
                    if part.contains(faces[fi].representative_point()):
                        best, best_len = None, 0.0
                        for fj, oj in enumerate(owner):
                            if oj == o:
                                continue
                            sh = faces[fi].boundary.intersection(faces[fj].boundary).length
                            if sh > best_len:
                                best, best_len = oj, sh
                        if best is not None:
                            owner[fi] = best
                            changed = True
        if not changed:
            break

    zones = []
    for i in range(len(points)):
        fs = [faces[fi] for fi, o in enumerate(owner) if o == i]
        assert fs, f"point {i} got no face"
        z = shapely.coverage_union_all(fs)
        assert z.geom_type == "Polygon", z.geom_type
        zones.append(z)
    return zones


def name_juniors(points, p_names, p_pts):
    """Order junior points to match JUNIOR_PUBLIC.

    A junior named after a place (东湖, 南塘 ...) takes the free point nearest
    to the primary school of the same place; the rest keep sampling order
    (old-town points first).
    """
    free = list(range(len(points)))
    chosen = [None] * len(JUNIOR_PUBLIC)
    for ji, jname in enumerate(JUNIOR_PUBLIC):
        stem = jname.replace("江城市", "").replace("青溪区", "")
        stem = stem.replace("初级中学", "").replace("中学", "")
        match = [k for k, n in enumerate(p_names) if stem and stem in n
                 and not stem.startswith("第") and stem != "实验"]
        if match:
            ref = p_pts[match[0]]
            best = min(free, key=lambda k: points[k].distance(ref))
            chosen[ji] = best
            free.remove(best)
    for ji in range(len(JUNIOR_PUBLIC)):
        if chosen[ji] is None:
            chosen[ji] = free.pop(0)
    return [points[k] for k in chosen]


def road_for(name, rng, used_generic):
    for place, road in PLACE_ROADS.items():
        if place in name:
            return road
    road = GENERIC_ROADS[len(used_generic) % len(GENERIC_ROADS)]
    used_generic.append(road)
    return road


def write_zipped_shapefile(gdf, stem, zip_path):
    tmp = OUT / f"_{stem}_tmp"
    tmp.mkdir(exist_ok=True)
    for f in tmp.iterdir():
        f.unlink()
    shp = tmp / f"{stem}.shp"
    gdf.to_file(shp, driver="ESRI Shapefile", encoding="GBK", engine="pyogrio")
    cpg = tmp / f"{stem}.cpg"
    if cpg.exists():
        cpg.unlink()  # no .cpg on purpose: the importer has to detect GBK
    dbf = tmp / f"{stem}.dbf"
    raw = bytearray(dbf.read_bytes())
    raw[1:4] = bytes(FIXED_DBF_DATE)  # fixed "last update" -> reproducible bytes
    dbf.write_bytes(bytes(raw))
    with zipfile.ZipFile(zip_path, "w") as zf:
        for ext in ("shp", "shx", "dbf", "prj"):
            info = zipfile.ZipInfo(f"{stem}.{ext}", date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, (tmp / f"{stem}.{ext}").read_bytes())
    for f in tmp.iterdir():
        f.unlink()
    tmp.rmdir()


def geojson_coords(geom):
    """Polygon -> GeoJSON coordinate list, lon/lat rounded to 7 decimals."""
    geom = shapely.orient_polygons(geom)  # exterior CCW (RFC 7946)
    rings = [geom.exterior] + list(geom.interiors)
    return [[[round(x, 7), round(y, 7)] for x, y in r.coords] for r in rings]


def write_geojson(path, features):
    fc = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n",
                    encoding="utf-8")


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------

def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)

    # 1. boundary ----------------------------------------------------------
    boundary = make_boundary(rng)
    c = boundary.centroid
    old_town = (c.x - 2600, c.y + 900)
    assert boundary.buffer(-2500).contains(Point(old_town)), "old town near edge"

    # 2. schools -----------------------------------------------------------
    n_pub_p = len(PRIMARY_PUBLIC) + len(MULTI_PAIR)
    old_p = sample_points(rng, boundary, OLD_TOWN_PRIMARY, [], centre=old_town,
                          sigma=1500, min_dist=700, edge_margin=600)
    rest_p = sample_points(rng, boundary, n_pub_p - OLD_TOWN_PRIMARY, old_p,
                           min_dist=2100, edge_margin=700)
    pub_p_pts = old_p + rest_p

    # the closest old-town pair becomes the multi-school zone
    best = None
    for i in range(len(old_p)):
        for j in range(i + 1, len(old_p)):
            d = old_p[i].distance(old_p[j])
            if best is None or d < best[0]:
                best = (d, i, j)
    _, mi, mj = best
    others = [k for k in range(len(pub_p_pts)) if k not in (mi, mj)]
    pub_p_pts = [pub_p_pts[mi], pub_p_pts[mj]] + [pub_p_pts[k] for k in others]
    pub_p_names = list(MULTI_PAIR) + PRIMARY_PUBLIC

    # 3. primary zones -----------------------------------------------------
    cells = build_zones(rng, boundary, pub_p_pts)
    # merge the two multi-school cells
    multi_zone = shapely.coverage_union_all([cells[0], cells[1]])
    assert multi_zone.geom_type == "Polygon", "multi-school cells not adjacent"
    # zone list: (names, zone polygon, note)
    p_zones = [([pub_p_names[0], pub_p_names[1]], multi_zone, MULTI_NOTE)]
    for k in range(2, len(pub_p_pts)):
        p_zones.append(([pub_p_names[k]], cells[k], ""))
    p_zone_pts = [[pub_p_pts[0], pub_p_pts[1]]] + [[p] for p in pub_p_pts[2:]]
    # zones are numbered in school-list order (multi zone = QX-P-01)

    # junior schools: distinct primary zones, spaced out
    def in_fresh_zone(p, chosen):
        zi = next(i for i, (_, z, _n) in enumerate(p_zones) if z.contains(p))
        used = {next(i for i, (_, z, _n) in enumerate(p_zones) if z.contains(q))
                for q in chosen + jun_sofar}
        return zi not in used and p_zones[zi][1].buffer(-150).contains(p)

    jun_sofar = []
    old_j = sample_points(rng, boundary, OLD_TOWN_JUNIOR, [], centre=old_town,
                          sigma=1300, min_dist=1200, edge_margin=600,
                          avoid=pub_p_pts, avoid_dist=250, accept=in_fresh_zone)
    jun_sofar = list(old_j)
    rest_j = sample_points(rng, boundary, len(JUNIOR_PUBLIC) - OLD_TOWN_JUNIOR,
                           old_j, min_dist=3200, edge_margin=700,
                           avoid=pub_p_pts, avoid_dist=250, accept=in_fresh_zone)
    pub_j_pts = name_juniors(old_j + rest_j, pub_p_names, pub_p_pts)

    priv_p_pts = sample_points(rng, boundary, len(PRIMARY_PRIVATE), [],
                               centre=old_town, sigma=2500, min_dist=1500,
                               edge_margin=600, avoid=pub_p_pts + pub_j_pts,
                               avoid_dist=300)
    priv_j_pts = sample_points(rng, boundary, len(JUNIOR_PRIVATE), [],
                               centre=old_town, sigma=2500, min_dist=0,
                               edge_margin=600,
                               avoid=pub_p_pts + pub_j_pts + priv_p_pts,
                               avoid_dist=400)

    # 4. junior zones (unions of primary zones -> 对口 feeder relation) -------
    def zone_anchor(pts):
        return Point(np.mean([p.x for p in pts]), np.mean([p.y for p in pts]))

    assign = []
    for pts in p_zone_pts:
        a = zone_anchor(pts)
        assign.append(int(np.argmin([a.distance(j) for j in pub_j_pts])))
    # the primary zone holding a junior school always feeds that junior
    for ji, jp in enumerate(pub_j_pts):
        zi = next(i for i, (_, z, _n) in enumerate(p_zones) if z.contains(jp))
        assign[zi] = ji
    forced = {next(i for i, (_, z, _n) in enumerate(p_zones) if z.contains(jp))
              for jp in pub_j_pts}
    # keep every junior zone connected
    for _round in range(20):
        changed = False
        for ji in range(len(pub_j_pts)):
            idx = [i for i, a in enumerate(assign) if a == ji]
            u = shapely.coverage_union_all([p_zones[i][1] for i in idx])
            if u.geom_type == "Polygon":
                continue
            for part in u.geoms:
                if part.contains(pub_j_pts[ji]):
                    continue
                for i in idx:
                    if i in forced or not part.contains(p_zones[i][1].representative_point()):
                        continue
                    best_j, best_len = None, 0.0
                    for k, a in enumerate(assign):
                        if a == ji:
                            continue
                        sh = p_zones[i][1].boundary.intersection(p_zones[k][1].boundary).length
                        if sh > best_len:
                            best_j, best_len = a, sh
                    if best_j is not None:
                        assign[i] = best_j
                        changed = True
        if not changed:
            break
    j_zones = []
    for ji in range(len(pub_j_pts)):
        idx = [i for i, a in enumerate(assign) if a == ji]
        u = shapely.coverage_union_all([p_zones[i][1] for i in idx])
        assert u.geom_type == "Polygon", (JUNIOR_PUBLIC[ji], u.geom_type)
        j_zones.append(([JUNIOR_PUBLIC[ji]], u, ""))

    # 5. write files -------------------------------------------------------
    # boundary = union of the zones (identical vertices to the zone edges)
    district = shapely.coverage_union_all([z for _, z, _ in p_zones])
    assert district.geom_type == "Polygon"
    district_wgs = transform_geom(district, TO_WGS)
    write_geojson(OUT / "boundary.geojson", [{
        "type": "Feature",
        "properties": {"code": DISTRICT_CODE, "name": DISTRICT_NAME},
        "geometry": {"type": "Polygon", "coordinates": geojson_coords(district_wgs)},
    }])

    # schools.csv
    phones = set()

    def phone():
        while True:
            p = f"0000-8{rng.integers(0, 10**7):07d}"
            if p not in phones:
                phones.add(p)
                return p

    used_generic = []
    rows = []

    def add(name, stage, kind, pt):
        lon, lat = TO_WGS.transform(pt.x, pt.y)
        addr = f"{DISTRICT_NAME}{road_for(name, rng, used_generic)}{int(rng.integers(1, 400))}号"
        rows.append([name, stage, kind, addr, f"{lon:.6f}", f"{lat:.6f}", phone()])

    for n, p in zip(pub_p_names, pub_p_pts):
        add(n, "primary", "public", p)
    for n, p in zip(PRIMARY_PRIVATE, priv_p_pts):
        add(n, "primary", "private", p)
    for n, p in zip(JUNIOR_PUBLIC, pub_j_pts):
        add(n, "junior", "public", p)
    for n, p in zip(JUNIOR_PRIVATE, priv_j_pts):
        add(n, "junior", "private", p)
    # make addresses unique (same road + number is unlikely but possible)
    seen = set()
    for r in rows:
        while r[3] in seen:
            r[3] = r[3].replace("号", "") + "-1号"
        seen.add(r[3])
    with open(OUT / "schools.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "stage", "kind", "address", "lon", "lat", "phone"])
        w.writerows(rows)

    # zipped shapefiles
    def zones_gdf(zones, prefix):
        return gpd.GeoDataFrame(
            {
                "学校名称": ["、".join(n) for n, _, _ in zones],
                "片区编号": [f"{prefix}-{i + 1:02d}" for i in range(len(zones))],
                "备注": [note for _, _, note in zones],
            },
            geometry=[z for _, z, _ in zones],
            crs=PROJ,
        )

    gp = zones_gdf(p_zones, "QX-P")
    gj = zones_gdf(j_zones, "QX-J")
    write_zipped_shapefile(gp, SHP_PRIMARY, OUT / "zones_primary.zip")
    write_zipped_shapefile(gj, SHP_JUNIOR, OUT / "zones_junior.zip")

    # feeders.csv
    with open(OUT / "feeders.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["primary", "junior"])
        for (names, _, _), ji in zip(p_zones, assign):
            for n in names:
                w.writerow([n, JUNIOR_PUBLIC[ji]])

    # zones_primary.geojson (EPSG:4326)
    feats = []
    for (names, z, note), code in zip(p_zones, gp["片区编号"]):
        zw = transform_geom(z, TO_WGS)
        feats.append({
            "type": "Feature",
            "properties": {"学校名称": "、".join(names), "片区编号": code, "备注": note},
            "geometry": {"type": "Polygon", "coordinates": geojson_coords(zw)},
        })
    write_geojson(OUT / "zones_primary.geojson", feats)

    # 6. checks ------------------------------------------------------------
    check(district)
    summary(p_zones, j_zones)


# ---------------------------------------------------------------------------
# verification
# ---------------------------------------------------------------------------

def read_zip_member(zip_path, ext):
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        member = next(n for n in names if n.endswith("." + ext))
        return names, zf.read(member)


def check_partition(zones, boundary, label):
    zs = list(zones)
    for z in zs:
        assert z.is_valid, f"{label}: invalid zone"
        assert z.geom_type == "Polygon", f"{label}: {z.geom_type}"
    total = sum(z.area for z in zs)
    assert abs(total - boundary.area) / boundary.area < 1e-4, (label, total, boundary.area)
    tree = shapely.STRtree(zs)
    for i, j in zip(*tree.query(zs, predicate="intersects")):
        if i < j:
            ov = zs[i].intersection(zs[j]).area
            assert ov < 1.0, f"{label}: overlap {ov} m2 between {i} and {j}"
    assert shapely.coverage_is_valid(shapely.GeometryCollection(zs)), f"{label}: coverage"
    u = shapely.coverage_union_all(zs)
    assert u.symmetric_difference(boundary).area < 1.0, f"{label}: union != boundary"


def check(district):
    # boundary
    b = gpd.read_file(OUT / "boundary.geojson")
    assert len(b) == 1 and b.geometry.iloc[0].geom_type == "Polygon"
    assert b.crs.to_epsg() == 4326
    assert b["code"].iloc[0] == DISTRICT_CODE and b["name"].iloc[0] == DISTRICT_NAME
    bnd = b.to_crs(PROJ).geometry.iloc[0]
    area_km2 = bnd.area / 1e6
    assert AREA_RANGE_KM2[0] <= area_km2 <= AREA_RANGE_KM2[1], area_km2
    minx, miny, maxx, maxy = b.total_bounds
    assert LON_MIN <= minx and maxx <= LON_MAX and LAT_MIN <= miny and maxy <= LAT_MAX

    # schools
    with open(OUT / "schools.csv", encoding="utf-8", newline="") as f:
        assert f.readline().rstrip("\n") == "name,stage,kind,address,lon,lat,phone"
    with open(OUT / "schools.csv", encoding="utf-8", newline="") as f:
        schools = list(csv.DictReader(f))
    names = [s["name"] for s in schools]
    assert len(set(names)) == len(names) and all(len(n) <= 30 for n in names)
    prim = [s for s in schools if s["stage"] == "primary"]
    jun = [s for s in schools if s["stage"] == "junior"]
    assert len(prim) >= 27 and len(jun) >= 11, (len(prim), len(jun))
    assert sum(s["kind"] == "private" for s in prim) == 2
    assert sum(s["kind"] == "private" for s in jun) == 1
    assert all(s["phone"].startswith("0000-") for s in schools)
    bnd_wgs = b.geometry.iloc[0]
    spt = {}
    for s in schools:
        p = Point(float(s["lon"]), float(s["lat"]))
        assert bnd_wgs.contains(p), s["name"]
        spt[s["name"]] = Point(*TO_PROJ.transform(p.x, p.y))

    # shapefiles
    for label, zname, stem, stage in (
        ("primary", "zones_primary.zip", SHP_PRIMARY, prim),
        ("junior", "zones_junior.zip", SHP_JUNIOR, jun),
    ):
        zpath = OUT / zname
        with zipfile.ZipFile(zpath) as zf:
            members = sorted(zf.namelist())
        assert members == sorted(f"{stem}.{e}" for e in ("shp", "shx", "dbf", "prj")), members
        assert not any(m.lower().endswith(".cpg") for m in members)
        _, prj = read_zip_member(zpath, "prj")
        prj = prj.decode("ascii")
        assert "CGCS2000_3_Degree_GK_CM_120E" in prj and '"Central_Meridian",120.0' in prj, prj
        _, dbf = read_zip_member(zpath, "dbf")
        try:
            dbf.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            raise AssertionError(f"{zname}: .dbf decodes as UTF-8")
        assert dbf[29] == 0, "unexpected LDID byte"
        for field in ("学校名称", "片区编号", "备注"):
            assert field.encode("gbk") in dbf[:32 * 5], field
        assert "青溪区".encode("gbk") in dbf

        gdf = pyogrio.read_dataframe(f"/vsizip/{zpath}/{stem}.shp", encoding="GBK")
        assert list(gdf.columns) == ["学校名称", "片区编号", "备注", "geometry"]
        assert gdf.crs.to_epsg() == 4549
        check_partition(gdf.geometry, district, label)
        public = {s["name"] for s in stage if s["kind"] == "public"}
        covered = set()
        for _, row in gdf.iterrows():
            for n in row["学校名称"].split("、"):
                assert n in public, n
                assert row.geometry.contains(spt[n]), f"{n} outside its zone"
                assert row.geometry.buffer(-100).contains(spt[n]), f"{n} near edge"
                covered.add(n)
        assert covered == public, public - covered
        if label == "primary":
            multi = gdf[gdf["学校名称"].str.contains("、")]
            assert len(multi) == 1 and multi["备注"].iloc[0] == MULTI_NOTE
            assert len(gdf) == len(public) - 1
            pz = gdf
        else:
            assert len(gdf) == len(public)
            jz = gdf

    # feeders: each primary zone lies inside its junior's zone
    with open(OUT / "feeders.csv", encoding="utf-8", newline="") as f:
        feeders = list(csv.DictReader(f))
    pub_prim = {s["name"] for s in prim if s["kind"] == "public"}
    assert {r["primary"] for r in feeders} == pub_prim and len(feeders) == len(pub_prim)
    jz_by = {n: g for n, g in zip(jz["学校名称"], jz.geometry)}
    for _, row in pz.iterrows():
        first = row["学校名称"].split("、")[0]
        jname = next(r["junior"] for r in feeders if r["primary"] == first)
        assert jz_by[jname].buffer(0.01).contains(row.geometry), (first, jname)

    # geojson zones
    gz = gpd.read_file(OUT / "zones_primary.geojson")
    assert gz.crs.to_epsg() == 4326 and len(gz) == len(pz)
    assert list(gz["片区编号"]) == list(pz["片区编号"])
    assert all(gz.geometry.is_valid)
    assert shapely.coverage_is_valid(shapely.GeometryCollection(list(gz.geometry)))
    check_partition(list(gz.to_crs(PROJ).geometry), bnd, "primary-geojson")

    own = ("boundary.geojson", "schools.csv", "zones_primary.zip", "zones_junior.zip", "feeders.csv",
           "zones_primary.geojson")  # make_gazetteer.py writes the rest of the folder
    total = sum((OUT / name).stat().st_size for name in own)
    assert total < 1_000_000, total


def summary(p_zones, j_zones):
    print("wrote", OUT)
    for f in sorted(OUT.iterdir()):
        print(f"  {f.name:24s} {f.stat().st_size:8d} bytes")
    print(f"  primary zones: {len(p_zones)}  junior zones: {len(j_zones)}")
    print("  multi-school zone:", "、".join(p_zones[0][0]))
    print("all checks passed")


if __name__ == "__main__":
    main()
