#!/usr/bin/env python3
"""Generate a synthetic gazetteer and 划片 (school zoning) text for the demo
district 青溪区 (code 990101, fictional).

Reads the files written by make_demo.py (they are not changed):

    boundary.geojson, schools.csv, zones_primary.zip, zones_junior.zip

and writes, in gis_data/demo/:

    roads.geojson       synthetic named street network, EPSG:4326 LineStrings
    addresses.csv       house numbers, lanes (弄), suffixed numbers (附1/甲),
                        estate buildings (幢) and village groups (组), UTF-8
    rules_primary.csv   one row per public primary: the official 划片范围 text
    rules_junior.csv    one row per public junior: the official 划片范围 text

The 划片范围 texts are derived from the zone polygons, so for every address the
school whose text matches it is the school whose polygon contains it.  The
script ends by checking exactly that with its own small matcher for the clause
forms it writes.  Deterministic (fixed seed), offline, a few seconds:

    .venv/bin/python gis_data/make_gazetteer.py

See the section "Gazetteer and 划片 text (issue 3)" of gis_data/README.md.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import defaultdict
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon

# ---------------------------------------------------------------------------
# constants
# ---------------------------------------------------------------------------

SEED = 20260315
HERE = Path(__file__).resolve().parent
DEMO = HERE / "demo"

WGS84 = "EPSG:4326"
PROJ = "EPSG:4549"  # CGCS2000 / 3-degree Gauss-Kruger CM 120E, metres
TO_PROJ = Transformer.from_crs(WGS84, PROJ, always_xy=True)
TO_WGS = Transformer.from_crs(PROJ, WGS84, always_xy=True)

SHP_PRIMARY = "qingxi_primary_2026"
SHP_JUNIOR = "qingxi_junior_2026"

EDGE_CLEAR = 16.0   # m: every address point is this far from every zone edge
                    # (the promise is 15 m; 1 m margin for the 6-decimal rounding)
ROAD_CLEAR = 12.0   # m: no address point on another road's carriageway
MIN_ROWS = 20_000
ROAD_LEN_TARGET = 400_000.0  # m of road in total (about 2 x 400 km / 30 m doors)
MAX_ROADS = 68

ROAD_SUFFIXES = ("大道", "路", "街", "巷")
ESTATE_SUFFIXES = ("小区", "新村", "花园", "苑", "公寓", "家园")

# Extra road names (the school addresses give the others).  None of them is in
# schools.csv; names are generic and not taken from a real district.
OLD_STREET_POOL = ["鼓楼街", "南门街", "仓前街", "盐桥街", "后市街", "新民街",
                   "东门街", "书院街", "县前街", "米市街", "横街"]
LANE_POOL = ["梧桐巷", "石板巷", "杨柳巷", "井儿巷", "竹竿巷", "灯芯巷",
             "水亭巷", "孝义巷", "花牌巷", "小河巷"]
OUTER_ROAD_POOL = ["兴业路", "启明路", "育才路", "明德路", "光明路", "金桥路",
                   "创业路", "工农路", "团结路", "胜利路", "朝阳路", "振兴路",
                   "花园路", "环城南路", "环城东路", "友谊路", "民主路", "复兴路",
                   "长江路", "丰收路", "春晓路", "石桥路", "农科路", "龙井路",
                   "茶园路", "新塘路"]
AVENUE_POOL = ["科技大道", "滨湖大道", "振华大道", "青云大道"]

ESTATE_NAMES = [
    "幸福小区", "阳光小区", "东湖新村", "文澜花园", "金桂苑", "江景公寓",
    "和谐家园", "翠竹苑", "丽水花园", "嘉禾家园", "梅园新村", "学院新村",
    "南塘新村", "春江花园", "锦绣家园", "桂花苑", "碧水苑", "紫荆花园",
    "天和公寓", "华府公寓", "明月小区", "青溪花园", "工人新村", "红星新村",
    "建设小区", "朝晖小区", "景芳小区", "绿洲花园", "枫林苑", "水岸家园",
    "康乐小区", "安居家园", "望江公寓", "香樟苑", "金色家园", "新华小区",
    "和平新村", "云栖花园", "柳岸家园", "白鹭公寓",
]
VILLAGE_NAMES = ["东湖村", "石桥村", "杨家村", "黄泥岗村", "蒋家村", "白沙村",
                 "上塘村", "新安村", "联丰村", "茶山村"]
N_SPLIT_VILLAGES = 3  # villages deliberately placed across a zone edge

N_LANE_ROADS = 6
N_SPLIT_LANES = 3     # lanes deliberately crossing a zone edge
N_SUFFIX = 70
N_SETBACK = 5         # doors set back from the road into the neighbouring zone
N_CROSS_SUFFIX = 6    # suffixed numbers deliberately in the neighbouring zone


# ---------------------------------------------------------------------------
# input
# ---------------------------------------------------------------------------

def read_zones(zip_name, stem):
    gdf = pyogrio.read_dataframe(f"/vsizip/{DEMO / zip_name}/{stem}.shp", encoding="GBK")
    assert gdf.crs.to_epsg() == 4549
    return [(str(n).split("、"), g) for n, g in zip(gdf["学校名称"], gdf.geometry)]


def load():
    with open(DEMO / "schools.csv", encoding="utf-8", newline="") as f:
        schools = list(csv.DictReader(f))
    for s in schools:
        s["x"], s["y"] = TO_PROJ.transform(float(s["lon"]), float(s["lat"]))
    pz = read_zones("zones_primary.zip", SHP_PRIMARY)
    jz = read_zones("zones_junior.zip", SHP_JUNIOR)
    district = shapely.coverage_union_all([g for _, g in pz])
    assert district.geom_type == "Polygon"
    return schools, pz, jz, district


class Space:
    """Spatial look-ups in projected metres."""

    def __init__(self, district, pz, jz):
        self.district = district
        shapely.prepare(district)
        self.pz = [g for _, g in pz]
        self.jz = [g for _, g in jz]
        self.ptree = shapely.STRtree(self.pz)
        self.jtree = shapely.STRtree(self.jz)
        edges = [g.exterior for g in self.pz] + [g.exterior for g in self.jz]
        self.edge_tree = shapely.STRtree(edges)
        self.edges = edges
        self.road_tree = None

    def set_roads(self, lines):
        self.road_lines = lines
        self.road_tree = shapely.STRtree(lines)

    def zone_of(self, pts, which="p"):
        tree = self.ptree if which == "p" else self.jtree
        out = np.full(len(pts), -1)
        if len(pts) == 0:
            return out
        ip, iz = tree.query(pts, predicate="within")
        out[ip] = iz
        return out

    def near_edge(self, pts, dist=EDGE_CLEAR):
        bad = np.zeros(len(pts), bool)
        if len(pts):
            ip, _ = self.edge_tree.query(pts, predicate="dwithin", distance=dist)
            bad[ip] = True
        return bad

    def near_road(self, pts, dist=ROAD_CLEAR):
        bad = np.zeros(len(pts), bool)
        if len(pts):
            ip, _ = self.road_tree.query(pts, predicate="dwithin", distance=dist)
            bad[ip] = True
        return bad

    def ok(self, pts):
        """Inside the district, clear of zone edges (and of roads if known)."""
        pts = np.asarray(pts, dtype=object)
        good = shapely.contains(self.district, pts) & ~self.near_edge(pts)
        if self.road_tree is not None:
            good &= ~self.near_road(pts)
        return good


# ---------------------------------------------------------------------------
# roads
# ---------------------------------------------------------------------------

def unit(a):
    a = np.asarray(a, float)
    return a / np.hypot(*a)


def rot(v, deg):
    r = math.radians(deg)
    c, s = math.cos(r), math.sin(r)
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1]])


def polyline(rng, c, d, t0, t1, amp, pins=()):
    """A gently bending road along direction d through c, t in [t0, t1].

    The lateral offset is a sum of three long sine waves; `pins` are values
    of t where the offset is forced to 0 (the road passes through c + t*d).
    """
    d = unit(d)
    n = np.array([-d[1], d[0]])
    t = np.linspace(t0, t1, max(3, int((t1 - t0) / 220)) + 1)
    t = np.unique(np.concatenate([t, np.asarray(pins, float)]))
    off = np.zeros_like(t)
    for _ in range(3):
        lam = rng.uniform(1500, 7000)
        off += amp * rng.uniform(0.3, 1.0) * np.sin(2 * np.pi * t / lam + rng.uniform(0, 2 * np.pi))
    if len(pins) == 1:
        off -= np.interp(pins[0], t, off)
    elif len(pins) == 2:
        a, b = pins
        oa, ob = np.interp(a, t, off), np.interp(b, t, off)
        off -= oa + (t - a) * (ob - oa) / (b - a)
    pts = np.asarray(c, float) + np.outer(t, d) + np.outer(off, n)
    return LineString(pts)


def clip(line, inner, anchors=None):
    g = shapely.line_merge(line.intersection(inner))
    parts = [p for p in getattr(g, "geoms", [g])
             if p.geom_type == "LineString" and not p.is_empty and p.length > 1]
    if not parts:
        return None
    if anchors:
        return min(parts, key=lambda p: (round(sum(p.distance(a) for a in anchors), 1), -p.length))
    return max(parts, key=lambda p: p.length)


def line_samples(line, step=40.0):
    L = line.length
    s = np.arange(step / 2, L, step)
    if len(s) == 0:
        s = np.array([L / 2])
    p0 = shapely.get_coordinates(shapely.line_interpolate_point(line, np.clip(s - 5, 0, L)))
    p1 = shapely.get_coordinates(shapely.line_interpolate_point(line, np.clip(s + 5, 0, L)))
    xy = shapely.get_coordinates(shapely.line_interpolate_point(line, s))
    d = p1 - p0
    d /= np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-9)[:, None]
    return xy, d


class Network:
    def __init__(self):
        self.roads = []  # dicts: name, line, cls
        self.xy = np.empty((0, 2))
        self.dir = np.empty((0, 2))
        self.tree = None

    def add(self, name, line, cls):
        self.roads.append({"name": name, "line": line, "cls": cls})
        xy, d = line_samples(line, 20.0)
        self.xy = np.vstack([self.xy, xy])
        self.dir = np.vstack([self.dir, d])
        self.tree = shapely.STRtree(shapely.points(self.xy))

    def conflict(self, line, radius):
        """Share of the line running near-parallel within `radius` of a road."""
        if self.tree is None:
            return 0.0
        xy, d = line_samples(line, 40.0)
        ic, ie = self.tree.query(shapely.points(xy), predicate="dwithin", distance=radius)
        cos = np.abs((d[ic] * self.dir[ie]).sum(axis=1))
        bad = np.zeros(len(xy), bool)
        bad[ic[cos > 0.8]] = True
        return float(bad.mean())

    def total_length(self):
        return sum(r["line"].length for r in self.roads)


def road_class(name):
    for suf, cls in (("大道", "avenue"), ("巷", "lane"), ("街", "street")):
        if name.endswith(suf):
            return cls
    return "road"


def build_roads(rng, space, schools, centre):
    district = space.district
    inner = district.buffer(-30)
    theta = rng.uniform(-12, 12)
    U = rot(np.array([1.0, 0.0]), theta)   # "east-west"
    V = rot(np.array([0.0, 1.0]), theta)   # "north-south"
    net = Network()
    used = set()

    # 1. roads named in school addresses pass beside their schools
    anchors = {}
    for s in schools:
        m = re.match(r"^青溪区(.+?(?:大道|路|街|巷))\d+", s["address"])
        assert m, s["address"]
        anchors.setdefault(m.group(1), []).append(np.array([s["x"], s["y"]]))
    order = sorted(anchors, key=lambda k: (-len(anchors[k]), road_class(k) != "avenue"))
    for name in order:
        pts = anchors[name]
        cls = road_class(name)
        old = min(np.hypot(*(p - centre)) for p in pts) < 3000
        radius = 200 if old and cls != "avenue" else 450
        cands = []
        for rep in range(4):
            side = 1 if rep % 2 == 0 else -1
            lat = side * rng.uniform(30, 60)
            if len(pts) >= 2:
                a, b = pts[0], pts[1]
                d = unit(b - a)
                n = np.array([-d[1], d[0]])
                D = float(np.hypot(*(b - a)))
                c = a - lat * n
                t0, t1 = -rng.uniform(900, 2600), D + rng.uniform(900, 2600)
                amp = 30 if old else 70
                line = polyline(rng, c, d, t0, t1, amp, pins=(0.0, D))
                dirs = [d]
            else:
                dirs = [U, V]
                p = pts[0]
                if name.startswith("环城"):
                    dirs = [U] if name[2] in "北南" else [V]
                for d0 in dirs:
                    d = rot(d0, rng.uniform(-5, 5))
                    n = np.array([-d[1], d[0]])
                    c = p - lat * n
                    if cls == "avenue":
                        L, amp = 30000.0, 160
                    elif cls == "street":
                        L, amp = rng.uniform(2200, 3800), 20
                    elif old:
                        L, amp = rng.uniform(3200, 5600), 30
                    else:
                        L, amp = rng.uniform(5500, 10000), 90
                    f = rng.uniform(0.3, 0.7)
                    line = polyline(rng, c, d, -f * L, (1 - f) * L, amp, pins=(0.0,))
                    cl = clip(line, inner, [Point(q) for q in pts])
                    if cl is not None:
                        cands.append((net.conflict(cl, radius) + (cl.length < 1500), len(cands), cl))
                continue
            cl = clip(line, inner, [Point(q) for q in pts])
            if cl is not None:
                cands.append((net.conflict(cl, radius), len(cands), cl))
        best = min(cands, key=lambda t: (t[0], t[1]))
        net.add(name, best[2], cls)
        used.add(name)

    # 2. old-town fill: streets and short 巷
    def fill(pool, n_target, sample_c, Lrange, amp, radius, max_conf, min_len, cls_of, tries=400):
        """Add up to n_target roads named from `pool` (old-town grid)."""
        added = 0
        for _ in range(tries):
            if added >= n_target or not pool or len(net.roads) >= MAX_ROADS:
                break
            c = sample_c()
            if not inner.contains(Point(c)):
                continue
            d = rot(U if rng.random() < 0.5 else V, rng.uniform(-4, 4))
            L = rng.uniform(*Lrange)
            f = rng.uniform(0.3, 0.7)
            cl = clip(polyline(rng, c, d, -f * L, (1 - f) * L, amp), inner, [Point(c)])
            if cl is None or cl.length < min_len:
                continue
            if net.conflict(cl, radius) > max_conf:
                continue
            name = pool.pop(0)
            net.add(name, cl, cls_of(cl))
            used.add(name)
            added += 1
        return added

    streets = [n for n in OLD_STREET_POOL if n not in used]
    lanes = [n for n in LANE_POOL if n not in used]
    fill(streets, 8, lambda: rng.normal(centre, 1400), (2000, 4000), 20, 190, 0.03, 1500,
         lambda cl: "street")
    fill(lanes, 7, lambda: rng.normal(centre, 1100), (450, 1000), 6, 110, 0.02, 400,
         lambda cl: "lane")

    # 3. outer roads until the network is long enough
    roads_pool = [n for n in OUTER_ROAD_POOL if n not in used]
    avenues = [n for n in AVENUE_POOL if n not in used]
    minx, miny, maxx, maxy = district.bounds
    for _ in range(3000):
        if net.total_length() >= ROAD_LEN_TARGET or len(net.roads) >= MAX_ROADS:
            break
        c = np.array([rng.uniform(minx, maxx), rng.uniform(miny, maxy)])
        if not inner.contains(Point(c)):
            continue
        d = rot(U if rng.random() < 0.5 else V, rng.uniform(-15, 15))
        L = rng.uniform(6000, 15000)
        f = rng.uniform(0.3, 0.7)
        cl = clip(polyline(rng, c, d, -f * L, (1 - f) * L, 110), inner, [Point(c)])
        if cl is None or cl.length < 3000 or net.conflict(cl, 550) > 0.05:
            continue
        if cl.length > 11000 and avenues:
            name, cls = avenues.pop(0), "avenue"
        else:
            name, cls = roads_pool.pop(0), "road"
        net.add(name, cl, cls)

    # numbering starts at the end nearer the old town
    for r in net.roads:
        a, b = r["line"].coords[0], r["line"].coords[-1]
        if np.hypot(*(np.array(b) - centre)) < np.hypot(*(np.array(a) - centre)):
            r["line"] = r["line"].reverse()
    names = [r["name"] for r in net.roads]
    assert len(set(names)) == len(names)
    return net.roads, theta


# ---------------------------------------------------------------------------
# addresses
# ---------------------------------------------------------------------------

class Book:
    """All address points, in insertion order."""

    def __init__(self):
        self.rows = []

    def add(self, **kw):
        kw.setdefault("road", "")
        kw.setdefault("number", "")
        kw.setdefault("estate", "")
        self.rows.append(kw)
        return len(self.rows) - 1


def make_doors(rng, space, roads):
    """House-number positions along both sides of every road.

    Returns {road: {1: [door...], 0: [door...]}}; a door is a dict with n,
    xy (point), nrm (unit vector pointing away from the road), s.
    """
    cand = []  # (road index, parity, s, xy, nrm)
    for ri, r in enumerate(roads):
        line = r["line"]
        L = line.length
        for side, parity in ((1, 1), (-1, 0)):  # odd numbers left, even right
            s = []
            pos = rng.uniform(4, 18)
            while pos < L - 4:
                s.append(pos)
                pos += rng.uniform(20, 40)
            s = np.array(s)
            if len(s) == 0:
                continue
            p0 = shapely.get_coordinates(shapely.line_interpolate_point(line, np.clip(s - 4, 0, L)))
            p1 = shapely.get_coordinates(shapely.line_interpolate_point(line, np.clip(s + 4, 0, L)))
            base = shapely.get_coordinates(shapely.line_interpolate_point(line, s))
            t = p1 - p0
            t /= np.hypot(t[:, 0], t[:, 1])[:, None]
            nrm = side * np.column_stack([-t[:, 1], t[:, 0]])
            off = rng.uniform(15, 25, len(s))
            xy = base + nrm * off[:, None]
            for k in range(len(s)):
                cand.append((ri, parity, s[k], xy[k], nrm[k]))
    pts = shapely.points(np.array([c[3] for c in cand]))
    good = space.ok(pts)
    # drop a candidate within 6 m of an earlier kept candidate of another road
    tree = shapely.STRtree(pts)
    ia, ib = tree.query(pts, predicate="dwithin", distance=6.0)
    close = defaultdict(list)
    for a, b in zip(ia, ib):
        if a > b and cand[a][0] != cand[b][0]:
            close[int(a)].append(int(b))
    for a in range(len(cand)):
        if good[a] and any(good[b] for b in close.get(a, ())):
            good[a] = False
    doors = {r["name"]: {1: [], 0: []} for r in roads}
    for k, c in enumerate(cand):
        if not good[k]:
            continue
        ri, parity, s, xy, nrm = c
        lst = doors[roads[ri]["name"]][parity]
        n = 2 * len(lst) + (1 if parity == 1 else 2)
        lst.append({"road": roads[ri]["name"], "parity": parity, "n": n, "s": s,
                    "xy": xy, "nrm": nrm, "lane": False, "items": []})
    return doors


def lane_house_points(rng, door, k, angle):
    d = rot(door["nrm"], angle)
    perp = np.array([-d[1], d[0]])
    out = []
    for h in range(k):
        a = 10 + 9 * h
        lat = 7.0 if h % 2 == 0 else -7.0
        out.append(door["xy"] + a * d + lat * perp)
    return out


def place_lane(rng, space, door, door_tree, door_pts, k):
    """Inner houses of a lane (弄) off `door`; None if fewer than 3 fit."""
    pts = lane_house_points(rng, door, k, rng.uniform(-12, 12))
    kept = []
    for p in pts:
        P = Point(p)
        if not space.district.contains(P) or space.near_road([P])[0]:
            break  # the lane ends here
        near = door_tree.query(P, predicate="dwithin", distance=9.0)
        if any(door_pts[j] is not door for j in near):
            break
        if space.near_edge([P])[0]:
            continue  # not in the gazetteer: too close to a zone edge
        kept.append(p)
    return kept if len(kept) >= 3 else None


def make_lanes(rng, space, roads, doors, centre):
    """Turn some old-town doors into lanes 弄 with inner houses."""
    all_doors = [d for r in roads for par in (1, 0) for d in doors[r["name"]][par]]
    door_tree = shapely.STRtree([Point(d["xy"]) for d in all_doors])
    lane_roads = []
    for r in roads:
        if r["cls"] == "lane":
            continue
        ds = [d for par in (1, 0) for d in doors[r["name"]][par]
              if np.hypot(*(d["xy"] - centre)) < 2500]
        if len(ds) >= 40:
            lane_roads.append((r["name"], ds))
    lane_roads.sort(key=lambda t: -len(t[1]))
    lane_roads = lane_roads[:N_LANE_ROADS]
    assert len(lane_roads) >= 3, "too few old-town roads for lanes"
    made = []

    def taken(d):
        lst = doors[d["road"]][d["parity"]]
        i = lst.index(d)
        return any(x["lane"] for x in lst[max(0, i - 3): i + 4])

    # lanes that cross a primary zone edge (lane split between zones)
    split_cands = []
    for name, ds in lane_roads:
        for d in ds:
            ray = LineString([d["xy"], d["xy"] + 120 * d["nrm"]])
            ip = space.edge_tree.query(ray, predicate="intersects")
            if len(ip) == 0:
                continue
            hit = min(Point(d["xy"]).distance(ray.intersection(space.edges[j])) for j in ip)
            if 40 <= hit <= 100:
                split_cands.append(d)
    n_split = 0
    for j in rng.permutation(len(split_cands)):
        if n_split >= N_SPLIT_LANES:
            break
        d = split_cands[j]
        if taken(d):
            continue
        houses = place_lane(rng, space, d, door_tree, all_doors, 14)
        if houses is None:
            continue
        z = set(space.zone_of(shapely.points(np.array(houses))).tolist())
        if len(z) < 2:
            continue
        d["lane"], d["houses"] = True, houses
        made.append(d)
        n_split += 1
    assert n_split >= 1, "no lane could be split between zones"
    for name, ds in lane_roads:
        want = int(rng.integers(3, 6))
        have = sum(1 for d in made if d["road"] == name)
        for j in rng.permutation(len(ds)):
            if have >= want:
                break
            d = ds[j]
            if taken(d):
                continue
            houses = place_lane(rng, space, d, door_tree, all_doors, int(rng.integers(5, 13)))
            if houses is None:
                continue
            d["lane"], d["houses"] = True, houses
            made.append(d)
            have += 1
    return made


def make_setbacks(rng, space, roads, doors, n_want):
    """Set a few doors back from the road, across a zone edge behind the row.

    The door keeps its number (the odd/even sequence is unchanged) but lies in
    the neighbouring primary zone while both its neighbours stay in the first
    zone: the rules then read like `文澜路1-99号（单号）（除55号外）` plus
    `文澜路55号` for the other school.
    """
    flat = [d for r in roads for p in (1, 0) for d in doors[r["name"]][p]]
    pts = shapely.points(np.array([d["xy"] for d in flat]))
    zone = dict(zip(map(id, flat), space.zone_of(pts)))
    tree = shapely.STRtree(pts)
    near = space.near_edge(pts, 70.0)
    cands = []
    for k, d in enumerate(flat):
        if not near[k] or d["lane"]:
            continue
        lst = doors[d["road"]][d["parity"]]
        i = lst.index(d)
        if i == 0 or i == len(lst) - 1:
            continue
        a, b = lst[i - 1], lst[i + 1]
        za = zone[id(d)]
        if a["lane"] or b["lane"] or zone[id(a)] != za or zone[id(b)] != za:
            continue
        for extra in (18, 26, 34, 42, 50):
            q = d["xy"] + extra * d["nrm"]
            Q = Point(q)
            if not space.ok([Q])[0]:
                continue
            zq = space.zone_of([Q])[0]
            if zq < 0 or zq == za:
                continue
            if any(flat[j] is not d for j in tree.query(Q, predicate="dwithin", distance=10)):
                continue
            cands.append((d, q))
            break
    made, roads_used = [], []
    for j in rng.permutation(len(cands)):
        d, q = cands[j]
        if len(made) >= n_want:
            break
        if d["road"] in roads_used:
            continue
        d["xy"], d["setback"] = q, True
        made.append(d)
        roads_used.append(d["road"])
    return made


def rect(c, w, h, ang):
    d = rot(np.array([1.0, 0.0]), ang)
    n = np.array([-d[1], d[0]])
    pts = [c + sx * w / 2 * d + sy * h / 2 * n for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
    return Polygon(pts), d, n


def make_estates(rng, space, theta, centre, taken_pts):
    """~40 estates: small rectangles wholly inside one primary zone."""
    tree = shapely.STRtree(taken_pts)
    estates = []
    minx, miny, maxx, maxy = space.district.bounds
    names = list(ESTATE_NAMES)
    for i, name in enumerate(names):
        for _ in range(2000):
            if i < 28:
                c = rng.normal(centre, 2600)
            else:
                c = np.array([rng.uniform(minx, maxx), rng.uniform(miny, maxy)])
                if np.hypot(*(c - centre)) > 7000:
                    continue
            w, h = rng.uniform(110, 240), rng.uniform(80, 170)
            ang = theta + (0 if rng.random() < 0.5 else 90) + rng.uniform(-6, 6)
            poly, d, n = rect(c, w, h, ang)
            zi = space.zone_of([Point(c)])[0]
            if zi < 0 or not space.pz[zi].contains(poly.buffer(EDGE_CLEAR + 4)):
                continue
            if len(space.road_tree.query(poly, predicate="dwithin", distance=45)):
                continue
            if len(tree.query(poly, predicate="dwithin", distance=20)):
                continue
            if any(poly.distance(e["poly"]) < 40 for e in estates):
                continue
            N = int(rng.integers(6, 31))
            cols = max(1, math.ceil(math.sqrt(N * w / h)))
            rows = math.ceil(N / cols)
            if (w - 30) / cols < 14 or (h - 30) / rows < 10:
                continue
            bld = []
            for k in range(N):
                r_, c_ = divmod(k, cols)
                u = -w / 2 + 15 + (c_ + 0.5) * (w - 30) / cols
                v = h / 2 - 15 - (r_ + 0.5) * (h - 30) / rows
                bld.append(c + u * d + v * n + rng.normal(0, 1.5, 2))
            estates.append({"name": name, "poly": poly, "zone": int(zi), "buildings": bld})
            break
        else:
            raise RuntimeError(f"could not place estate {name}")
    return estates


def make_suffixes(rng, space, doors_flat, estates, taken_tree):
    """附1 / 附2 / 甲 numbers behind some plain doors.

    A few are deliberately put across a zone edge from their base number so
    that the rules need a suffix clause and an exclusion.
    """
    est_tree = shapely.STRtree([e["poly"] for e in estates])
    plain = [d for d in doors_flat if not d["lane"] and not d.get("setback")]

    def free(P):
        return (space.ok([P])[0]
                and len(est_tree.query(P, predicate="dwithin", distance=15)) == 0
                and len(taken_tree.query(P, predicate="dwithin", distance=7)) == 0)

    made = []
    base_zone = space.zone_of(shapely.points(np.array([d["xy"] for d in plain])))
    order = rng.permutation(len(plain))
    # deliberately across a zone edge
    for j in order:
        if sum(1 for d in made if d.get("cross")) >= N_CROSS_SUFFIX:
            break
        d = plain[j]
        if not space.near_edge([Point(d["xy"])], 45)[0]:
            continue
        done = False
        for dist in (22, 30, 38, 46, 55):
            for ang in (0, -30, 30):
                q = d["xy"] + dist * rot(d["nrm"], ang)
                Q = Point(q)
                if not free(Q):
                    continue
                zq = space.zone_of([Q])[0]
                if zq != base_zone[j] and zq >= 0:
                    d["suffix"] = [("附", 1, q)]
                    d["cross"] = True
                    made.append(d)
                    done = True
                    break
            if done:
                break
    # ordinary ones
    for j in order:
        if len(made) >= N_SUFFIX:
            break
        d = plain[j]
        if "suffix" in d:
            continue
        r = rng.random()
        kinds = [("附", 1)] if r < 0.65 else ([("附", 1), ("附", 2)] if r < 0.8 else [("甲", 0)])
        out = []
        for m, (kind, k) in enumerate(kinds):
            q = d["xy"] + (14 + 12 * m) * rot(d["nrm"], rng.uniform(-20, 20))
            Q = Point(q)
            if not free(Q) or space.zone_of([Q])[0] < 0:
                break
            out.append((kind, k, q))
        if len(out) == len(kinds):
            d["suffix"] = out
            made.append(d)
    return made


def make_villages(rng, space, centre, taken_pts, estates):
    tree = shapely.STRtree(taken_pts)
    est_tree = shapely.STRtree([e["poly"] for e in estates])
    inner = space.district.buffer(-700)
    interior_edges = shapely.union_all([g.exterior for g in space.pz]).difference(
        space.district.exterior.buffer(1))
    minx, miny, maxx, maxy = inner.bounds
    villages = []
    for vi, vname in enumerate(VILLAGE_NAMES):
        for _attempt in range(3000):
            c = np.array([rng.uniform(minx, maxx), rng.uniform(miny, maxy)])
            C = Point(c)
            if np.hypot(*(c - centre)) < 6000 or not inner.contains(C):
                continue
            if any(np.hypot(*(c - v["c"])) < 1800 for v in villages):
                continue
            near_edge = C.distance(interior_edges)
            if vi < N_SPLIT_VILLAGES and near_edge > 200:
                continue
            groups = []
            for _ in range(400):
                if len(groups) >= 12:
                    break
                g = c + rng.uniform(-550, 550, 2)
                G = Point(g)
                if np.hypot(*(g - c)) > 550 or not space.ok([G])[0]:
                    continue
                if space.near_road([G], 70)[0] or space.near_edge([G], 40)[0]:
                    continue
                if len(tree.query(G, predicate="dwithin", distance=80)):
                    continue
                if len(est_tree.query(G, predicate="dwithin", distance=80)):
                    continue
                if any(np.hypot(*(g - h["xy"])) < 130 for h in groups):
                    continue
                groups.append({"xy": g, "zone": int(space.zone_of([G])[0])})
            ng = int(rng.integers(5, 13))
            if len(groups) < 5:
                continue
            groups = groups[:ng]
            zones = {g["zone"] for g in groups}
            if vi < N_SPLIT_VILLAGES and len(zones) < 2:
                continue
            # number the groups clockwise from north around the village centre
            groups.sort(key=lambda g: math.atan2(g["xy"][0] - c[0], g["xy"][1] - c[1]) % (2 * math.pi))
            for g in groups:
                g["houses"] = []
                if rng.random() < 0.6:
                    k = int(rng.integers(3, 21))
                    for _ in range(200):
                        if len(g["houses"]) >= k:
                            break
                        q = g["xy"] + rng.uniform(-45, 45, 2)
                        r = np.hypot(*(q - g["xy"]))
                        if r > 45 or r < 10:
                            continue
                        if any(np.hypot(*(q - h)) < 8 for h in g["houses"]):
                            continue
                        Q = Point(q)
                        if not space.ok([Q])[0] or space.zone_of([Q])[0] != g["zone"]:
                            continue
                        g["houses"].append(q)
            villages.append({"name": vname, "c": c, "groups": groups})
            break
        else:
            raise RuntimeError(f"could not place village {vname}")
    return villages


# ---------------------------------------------------------------------------
# 划片 text
# ---------------------------------------------------------------------------

def door_label(d):
    return f"{d['n']}弄" if d["lane"] else f"{d['n']}号"


def range_label(a, b, parity):
    if not a["lane"] and not b["lane"]:
        core = f"{a['n']}-{b['n']}号"
    elif a["lane"] and not b["lane"]:
        core = f"{a['n']}弄-{b['n']}号"
    elif not a["lane"] and b["lane"]:
        core = f"{a['n']}号-{b['n']}弄"
    else:
        core = f"{a['n']}弄-{b['n']}弄"
    return core + ("（单号）" if parity == 1 else "（双号）")


def with_excl(text, excl):
    return text + ("（除" + "、".join(excl) + "外）" if excl else "")


def runs_of(values):
    """[(value, [indices])] for maximal runs of equal consecutive values."""
    out = []
    for i, v in enumerate(values):
        if out and out[-1][0] == v:
            out[-1][1].append(i)
        else:
            out.append((v, [i]))
    return out


def road_clauses(road, sides, rows, zkey):
    """{zone: [(sort key, item text)]} for one road and one stage."""
    items = defaultdict(list)
    segs = []  # dict: zone, parity, doors, excl(door list), single, extra(excl texts)
    exceptions = []  # (door, zone, text)

    def dzone(d):
        zs = [rows[i][zkey] for i in d["items"]]
        if not d["lane"]:
            return rows[d["items"][0]][zkey]
        return max(sorted(set(zs)), key=lambda z: (zs.count(z), -zs.index(z)))

    door_seg = {}
    for parity in (1, 0):
        ds = sides[parity]
        if not ds:
            continue
        zones = [dzone(d) for d in ds]
        runs = runs_of(zones)
        i = 0
        while i < len(runs):
            z, idx = runs[i]
            seg = {"zone": z, "parity": parity, "doors": [ds[k] for k in idx],
                   "excl": [], "extra": []}
            # merge "A, at most 2 doors of B, A" into one A range with exclusions
            while i + 2 < len(runs) and len(runs[i + 1][1]) <= 2 and runs[i + 2][0] == z:
                mid = [ds[k] for k in runs[i + 1][1]]
                seg["excl"] += mid
                seg["doors"] += mid + [ds[k] for k in runs[i + 2][1]]
                for d in mid:
                    single = {"zone": dzone(d), "parity": parity, "doors": [d],
                              "excl": [], "extra": [], "inside": True}
                    segs.append(single)
                    door_seg[id(d)] = single
                i += 2
            segs.append(seg)
            for d in seg["doors"]:
                door_seg.setdefault(id(d), seg)
            i += 1
        # items of a door that lie in another zone than the door
        for d in ds:
            z = dzone(d)
            if d["lane"]:
                hz = [(rows[i]["house"], rows[i][zkey]) for i in d["items"]]
                for zz, idx in runs_of([q for _, q in hz]):
                    if zz == z:
                        continue
                    a, b = hz[idx[0]][0], hz[idx[-1]][0]
                    txt = f"{d['n']}弄{a}号" if a == b else f"{d['n']}弄{a}-{b}号"
                    exceptions.append((d, zz, txt))
            else:
                for i in d["items"][1:]:
                    if rows[i][zkey] != z:
                        exceptions.append((d, rows[i][zkey], rows[i]["sub"]))
    for d, zz, txt in exceptions:
        door_seg[id(d)]["extra"].append((d["n"], txt))
        # lane parts go last: a bare number after "108弄9-10号" would read as inside the lane
        items[zz].append(((2 if "弄" in txt else 1 - d["parity"], d["n"], 1), txt))

    main = [s for s in segs if not s.get("inside")]
    zones_main = {s["zone"] for s in main}
    sides_present = sum(1 for p in (1, 0) if sides[p])
    if len(main) == sides_present and len(zones_main) == 1 and not any(s["excl"] for s in main):
        z = main[0]["zone"]
        extra = [t for s in segs for _, t in sorted(s["extra"])]
        items[z].insert(0, ((-1, 0, 0), with_excl("全段", extra)))
        return items
    for s in segs:
        ds = s["doors"]
        if len(ds) == 1 and ds[0]["lane"] and s["extra"]:
            # a lane split between zones: name this zone's houses
            d = ds[0]
            hz = [(rows[i]["house"], rows[i][zkey]) for i in d["items"]]
            parts = []
            for zz, idx in runs_of([q for _, q in hz]):
                if zz == s["zone"]:
                    a, b = hz[idx[0]][0], hz[idx[-1]][0]
                    parts.append(f"{d['n']}弄{a}号" if a == b else f"{d['n']}弄{a}-{b}号")
            items[s["zone"]].append(((2, d["n"], 0), "、".join(parts)))  # lane parts last, as above
            continue
        if len(ds) == 1:
            core = door_label(ds[0])
        else:
            core = range_label(ds[0], ds[-1], s["parity"])
        excl = [door_label(d) for d in s["excl"]] + [t for _, t in sorted(s["extra"])]
        items[s["zone"]].append(((1 - s["parity"], ds[0]["n"], 0), with_excl(core, excl)))
    return items


def build_rules(rows, roads, doors, estates, villages, zones, zkey):
    """{zone index: [clause text]} for one stage."""
    clauses = defaultdict(list)
    for r in roads:
        items = road_clauses(r["name"], doors[r["name"]], rows, zkey)
        for z in sorted(items):
            txts = [t for _, t in sorted(items[z], key=lambda q: q[0])]
            clauses[z].append(r["name"] + "、".join(txts))
    for k, e in enumerate(estates):
        zs = {rows[i][zkey] for i in e["items"]}
        assert len(zs) == 1, e["name"]
        N = len(e["items"])
        txt = f"{e['name']}1-{N}幢" if k % 4 == 1 else f"{e['name']}全部"
        clauses[zs.pop()].append(txt)
    for v in villages:
        gz = [rows[g["row"]][zkey] for g in v["groups"]]
        runs = runs_of(gz)
        if len(runs) == 1:
            clauses[gz[0]].append(f"{v['name']}全村")
            continue
        per = defaultdict(list)
        for z, idx in runs:
            a, b = idx[0] + 1, idx[-1] + 1
            per[z].append(f"{a}组" if a == b else f"{a}-{b}组")
        for z in sorted(per):
            clauses[z].append(v["name"] + "、".join(per[z]))
    return clauses


def rule_text(clauses):
    n = len(clauses)
    return "\n".join(f"{i + 1}. {c}{'；' if i < n - 1 else '。'}" for i, c in enumerate(clauses))


# ---------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------

def write_roads(roads, path):
    feats = []
    for r in roads:
        x, y = np.asarray(r["line"].coords).T
        lon, lat = TO_WGS.transform(x, y)
        feats.append({
            "type": "Feature",
            "properties": {"name": r["name"]},
            "geometry": {"type": "LineString",
                         "coordinates": [[round(a, 7), round(b, 7)] for a, b in zip(lon, lat)]},
        })
    fc = {"type": "FeatureCollection", "features": feats}
    path.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n",
                    encoding="utf-8")


def write_addresses(rows, path):
    xy = np.array([[r["x"], r["y"]] for r in rows])
    lon, lat = TO_WGS.transform(xy[:, 0], xy[:, 1])
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["address", "lon", "lat", "road", "number", "estate"])
        for r, a, b in zip(rows, lon, lat):
            w.writerow([r["address"], f"{a:.6f}", f"{b:.6f}", r["road"], r["number"], r["estate"]])


def write_rules(path, stage_label, zones, clauses, school_order):
    by_school = {}
    for zi, (names, _) in enumerate(zones):
        assert clauses.get(zi), f"zone {names} has no address"
        for n in names:
            by_school[n] = rule_text(clauses[zi])
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["学校", "学段", "划片范围"])
        for n in school_order:
            if n in by_school:
                w.writerow([n, stage_label, by_school[n]])
    return by_school


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------

def main():
    rng = np.random.default_rng(SEED)
    schools, pz, jz, district = load()
    space = Space(district, pz, jz)
    old = [s for s in schools if s["stage"] == "primary" and s["kind"] == "public"][:12]
    centre = np.array([np.mean([s["x"] for s in old]), np.mean([s["y"] for s in old])])

    # roads and house numbers
    roads, theta = build_roads(rng, space, schools, centre)
    space.set_roads([r["line"] for r in roads])
    doors = make_doors(rng, space, roads)
    lanes = make_lanes(rng, space, roads, doors, centre)
    setbacks = make_setbacks(rng, space, roads, doors, N_SETBACK)
    assert len(setbacks) >= 3, len(setbacks)
    doors_flat = [d for r in roads for p in (1, 0) for d in doors[r["name"]][p]]
    taken = [Point(d["xy"]) for d in doors_flat if not d["lane"]]
    taken += [Point(h) for d in lanes for h in d["houses"]]
    estates = make_estates(rng, space, theta, centre, taken)
    taken += [Point(b) for e in estates for b in e["buildings"]]
    suffixed = make_suffixes(rng, space, doors_flat, estates, shapely.STRtree(taken))
    taken += [Point(q) for d in suffixed for _, _, q in d["suffix"]]
    villages = make_villages(rng, space, centre, taken, estates)

    # address rows
    book = Book()
    for d in doors_flat:
        road, n = d["road"], d["n"]
        if d["lane"]:
            for h, p in enumerate(d["houses"], 1):
                d["items"].append(book.add(address=f"{road}{n}弄{h}号", x=p[0], y=p[1],
                                           road=road, number=n, kind="lane", house=h))
            continue
        d["items"].append(book.add(address=f"{road}{n}号", x=d["xy"][0], y=d["xy"][1],
                                   road=road, number=n, kind="number"))
        for kind, k, q in d.get("suffix", []):
            sub = f"{n}号附{k}" if kind == "附" else f"{n}甲号"
            d["items"].append(book.add(address=f"{road}{sub}", x=q[0], y=q[1], road=road,
                                       number=n, kind="suffix", sub=sub))
    for e in estates:
        e["items"] = [book.add(address=f"{e['name']}{b}幢", x=p[0], y=p[1], estate=e["name"],
                               kind="building")
                      for b, p in enumerate(e["buildings"], 1)]
    for v in villages:
        for gi, g in enumerate(v["groups"], 1):
            g["row"] = book.add(address=f"{v['name']}{gi}组", x=g["xy"][0], y=g["xy"][1],
                                kind="group")
            for h, q in enumerate(g["houses"], 1):
                book.add(address=f"{v['name']}{gi}组{h}号", x=q[0], y=q[1], kind="village_house")
    rows = book.rows
    pts = shapely.points(np.array([[r["x"], r["y"]] for r in rows]))
    zp = space.zone_of(pts, "p")
    zj = space.zone_of(pts, "j")
    assert (zp >= 0).all() and (zj >= 0).all()
    for r, a, b in zip(rows, zp, zj):
        r["zp"], r["zj"] = int(a), int(b)

    # 划片 text
    cl_p = build_rules(rows, roads, doors, estates, villages, pz, "zp")
    cl_j = build_rules(rows, roads, doors, estates, villages, jz, "zj")

    write_roads(roads, DEMO / "roads.geojson")
    write_addresses(rows, DEMO / "addresses.csv")
    prim_order = [s["name"] for s in schools if s["stage"] == "primary" and s["kind"] == "public"]
    jun_order = [s["name"] for s in schools if s["stage"] == "junior" and s["kind"] == "public"]
    write_rules(DEMO / "rules_primary.csv", "小学", pz, cl_p, prim_order)
    write_rules(DEMO / "rules_junior.csv", "初中", jz, cl_j, jun_order)

    check(space, pz, jz, schools)
    summary(rows, roads)


# ---------------------------------------------------------------------------
# verification: an independent reading of the written files
# ---------------------------------------------------------------------------

ADDR_ROAD = re.compile(r"^(?P<name>\D+?)(?P<n>\d+)(?:弄(?P<h>\d+)号|号附(?P<fu>\d+)|(?P<jia>甲)号|号)$")
ADDR_ESTATE = re.compile(r"^(?P<name>\D+?)(?P<b>\d+)幢$")
ADDR_VILLAGE = re.compile(r"^(?P<name>\D+?村)(?P<g>\d+)组(?:(?P<h>\d+)号)?$")


def parse_address(text):
    """-> (kind, name, details)"""
    m = ADDR_ESTATE.match(text)
    if m:
        return "estate", m["name"], {"b": int(m["b"])}
    m = ADDR_VILLAGE.match(text)
    if m:
        return "village", m["name"], {"g": int(m["g"]), "h": m["h"] and int(m["h"])}
    m = ADDR_ROAD.match(text)
    assert m, text
    assert m["name"].endswith(ROAD_SUFFIXES), text
    if m["h"]:
        sub = ("弄", int(m["h"]))
    elif m["fu"]:
        sub = ("附", int(m["fu"]))
    elif m["jia"]:
        sub = ("甲", 0)
    else:
        sub = None
    return "road", m["name"], {"n": int(m["n"]), "sub": sub}


def split_top(s, sep="、"):
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch == "（":
            depth += 1
        elif ch == "）":
            depth -= 1
        if ch == sep and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return out


RE_ITEM = re.compile(r"^(?P<core>.+?)(?:（(?P<par>[单双])号）)?(?:（除(?P<exc>.+)外）)?$")
RE_RANGE = re.compile(r"^(\d+)[号弄]?-(\d+)[号弄]$")
RE_LANE_PART = re.compile(r"^(\d+)弄(\d+)(?:-(\d+))?号$")
RE_FU = re.compile(r"^(\d+)号附(\d+)$")
RE_JIA = re.compile(r"^(\d+)甲号$")
RE_SINGLE = re.compile(r"^(\d+)[号弄]$")


def road_core(core):
    """A predicate on (n, sub) for one road clause core (no parity/exclusion)."""
    if core == "全段":
        return lambda n, sub: True
    m = RE_LANE_PART.match(core)
    if m:
        L, a = int(m[1]), int(m[2])
        b = int(m[3]) if m[3] else a
        return lambda n, sub: n == L and sub is not None and sub[0] == "弄" and a <= sub[1] <= b
    m = RE_RANGE.match(core)
    if m:
        a, b = int(m[1]), int(m[2])
        assert a < b, core
        return lambda n, sub: a <= n <= b
    m = RE_FU.match(core)
    if m:
        N, k = int(m[1]), int(m[2])
        return lambda n, sub: n == N and sub == ("附", k)
    m = RE_JIA.match(core)
    if m:
        N = int(m[1])
        return lambda n, sub: n == N and sub == ("甲", 0)
    m = RE_SINGLE.match(core)
    if m:
        N = int(m[1])
        return lambda n, sub: n == N  # the number with all its 附/甲/弄 addresses
    raise AssertionError(f"unknown clause form: {core!r}")


def road_item(text):
    m = RE_ITEM.match(text)
    assert m, text
    base = road_core(m["core"])
    par = {"单": 1, "双": 0, None: None}[m["par"]]
    if par is not None:
        assert RE_RANGE.match(m["core"]), text
    excl = [road_core(e) for e in split_top(m["exc"])] if m["exc"] else []
    assert all(not RE_RANGE.match(e) for e in (split_top(m["exc"]) if m["exc"] else [])), text

    def match(n, sub):
        if not base(n, sub):
            return False
        if par is not None and n % 2 != par:
            return False
        return not any(e(n, sub) for e in excl)
    return match


def parse_clause(cl):
    m = re.match(r"^(?P<name>[^\d（]+?)(?P<rest>全段.*|全部|全村|\d.*)$", cl)
    assert m, cl
    name, rest = m["name"], m["rest"]
    if rest == "全村" or rest.endswith("组"):
        assert name.endswith("村"), cl
        preds = []
        for it in split_top(rest):
            if it == "全村":
                preds.append(lambda d: True)
                continue
            mm = re.match(r"^(\d+)(?:-(\d+))?组$", it)
            assert mm, cl
            a = int(mm[1])
            b = int(mm[2]) if mm[2] else a
            preds.append(lambda d, a=a, b=b: a <= d["g"] <= b)
        return "village", name, preds
    if rest == "全部" or rest.endswith("幢"):
        assert name.endswith(ESTATE_SUFFIXES), cl
        if rest == "全部":
            return "estate", name, [lambda d: True]
        mm = re.match(r"^(\d+)-(\d+)幢$", rest)
        assert mm, cl
        a, b = int(mm[1]), int(mm[2])
        return "estate", name, [lambda d: a <= d["b"] <= b]
    assert name.endswith(ROAD_SUFFIXES), cl
    preds = [road_item(it) for it in split_top(rest)]
    return "road", name, [lambda d, p=p: p(d["n"], d["sub"]) for p in preds]


def parse_rule_text(text):
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines, 1):
        m = re.match(r"^(\d+)\. (.+)([；。])$", line)
        assert m and int(m[1]) == i, line
        assert (m[3] == "。") == (i == len(lines)), line
        for cl in m[2].split("；"):
            out.append(parse_clause(cl))
    return out


def read_rules(path, stage_label):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + "学校,学段,划片范围\n".encode()), path
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    index = defaultdict(list)  # (kind, name) -> [(school, predicate)]
    for r in rows:
        assert r["学段"] == stage_label
        for kind, name, preds in parse_rule_text(r["划片范围"]):
            for p in preds:
                index[(kind, name)].append((r["学校"], p))
    return rows, index


def check(space, pz, jz, schools):
    # roads
    g = gpd.read_file(DEMO / "roads.geojson")
    assert g.crs.to_epsg() == 4326
    names = list(g["name"])
    assert 40 <= len(names) <= 70, len(names)
    assert len(set(names)) == len(names)
    assert all(n.endswith(ROAD_SUFFIXES) for n in names)
    assert all(t == "LineString" for t in g.geometry.geom_type)
    bnd = gpd.read_file(DEMO / "boundary.geojson").geometry.iloc[0]
    assert all(bnd.contains(x) for x in g.geometry)
    school_roads = {re.match(r"^青溪区(.+?(?:大道|路|街|巷))\d+", s["address"])[1] for s in schools}
    assert school_roads <= set(names), school_roads - set(names)

    # addresses
    raw = (DEMO / "addresses.csv").read_bytes()
    assert raw.startswith(b"address,lon,lat,road,number,estate\n")
    with open(DEMO / "addresses.csv", encoding="utf-8", newline="") as f:
        addr = list(csv.DictReader(f))
    assert len(addr) >= MIN_ROWS, len(addr)
    texts = [a["address"] for a in addr]
    assert len(set(texts)) == len(texts), "duplicate address text"
    lon = np.array([float(a["lon"]) for a in addr])
    lat = np.array([float(a["lat"]) for a in addr])
    assert shapely.contains(bnd, shapely.points(lon, lat)).all(), "address outside boundary"
    x, y = TO_PROJ.transform(lon, lat)
    pts = shapely.points(x, y)
    assert not space.near_edge(pts, 15.0).any(), "address within 15 m of a zone edge"
    zp = space.zone_of(pts, "p")
    zj = space.zone_of(pts, "j")
    assert (zp >= 0).all() and (zj >= 0).all()
    parsed = [parse_address(t) for t in texts]
    road_set = set(names)
    for a, (kind, name, d) in zip(addr, parsed):
        if kind == "road":
            assert a["road"] == name and a["number"] == str(d["n"]) and a["estate"] == "", a
            assert name in road_set, name
        elif kind == "estate":
            assert a["estate"] == name and a["road"] == a["number"] == "", a
        else:
            assert a["road"] == a["number"] == a["estate"] == "", a
    # odd and even numbers increase along their road, on opposite sides
    lines = dict(zip(names, g.to_crs(PROJ).geometry))
    seq = defaultdict(list)
    doors_of = defaultdict(set)
    for i, (kind, name, d) in enumerate(parsed):
        if kind == "road":
            doors_of[(name, d["n"] % 2)].add(d["n"])
            if d["sub"] is None:
                seq[(name, d["n"] % 2)].append((d["n"], i))
    for (name, par), ns in doors_of.items():
        # numbers start at 1 and 2 and have no gaps (a lane 弄 takes one number)
        assert sorted(ns) == list(range(2 - par, 2 - par + 2 * len(ns), 2)), (name, par)
    for (name, par), lst in seq.items():
        lst.sort()
        line = lines[name]
        sp = shapely.line_locate_point(line, pts[[i for _, i in lst]])
        assert (np.diff(sp) > 0).all(), (name, par)
        side_ok = 0
        for s_, (_, i) in zip(sp, lst):
            p0 = np.array(line.interpolate(max(s_ - 3, 0)).coords[0])
            p1 = np.array(line.interpolate(min(s_ + 3, line.length)).coords[0])
            q = np.array([x[i], y[i]])
            cross = (p1 - p0)[0] * (q - p0)[1] - (p1 - p0)[1] * (q - p0)[0]
            side_ok += (cross > 0) == (par == 1)
        assert side_ok >= 0.98 * len(lst), (name, par, side_ok, len(lst))

    # rules: every address matched by exactly the school(s) of its polygon
    kinds = defaultdict(int)
    for stage_label, fname, zones, zidx, stage in (
        ("小学", "rules_primary.csv", pz, zp, "primary"),
        ("初中", "rules_junior.csv", jz, zj, "junior"),
    ):
        rows, index = read_rules(DEMO / fname, stage_label)
        public = [s["name"] for s in schools if s["stage"] == stage and s["kind"] == "public"]
        assert [r["学校"] for r in rows] == public, fname
        zoned = [n for names_, _ in zones for n in names_]
        assert sorted(zoned) == sorted(public)
        texts_by = {r["学校"]: r["划片范围"] for r in rows}
        for names_, _ in zones:
            assert len({texts_by[n] for n in names_}) == 1  # multi-school: same text
        for i, (kind, name, d) in enumerate(parsed):
            got = {s for s, p in index.get((kind, name), ()) if p(d)}
            want = set(zones[zidx[i]][0])
            assert got == want, (stage, texts[i], got, want)
        uniq = [texts_by[n[0]] for n, _ in zones]
        kinds[stage] = sum(t.count("（除") + t.count("（不含") for t in uniq)
    assert kinds["primary"] >= 5, kinds

    total = sum((DEMO / f).stat().st_size for f in
                ("roads.geojson", "addresses.csv", "rules_primary.csv", "rules_junior.csv"))
    assert total < 3_000_000, total


def summary(rows, roads):
    kinds = defaultdict(int)
    for r in rows:
        kinds[r["kind"]] += 1
    print("wrote", DEMO)
    for f in ("roads.geojson", "addresses.csv", "rules_primary.csv", "rules_junior.csv"):
        print(f"  {f:20s} {(DEMO / f).stat().st_size:9d} bytes")
    km = sum(r["line"].length for r in roads) / 1000
    print(f"  roads: {len(roads)} ({km:.0f} km)")
    print(f"  addresses: {len(rows)}  " + "  ".join(f"{k}={v}" for k, v in kinds.items()))
    for f in ("rules_primary.csv", "rules_junior.csv"):
        with open(DEMO / f, encoding="utf-8-sig", newline="") as fh:
            texts = list(dict.fromkeys(r["划片范围"] for r in csv.DictReader(fh)))
        n_cl = sum(t.count("\n") + 1 for t in texts)
        n_ex = sum(t.count("（除") for t in texts)
        print(f"  {f}: {len(texts)} distinct texts, {n_cl} clauses, {n_ex} exclusions")
    print("all checks passed")


if __name__ == "__main__":
    main()
