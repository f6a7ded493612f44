"""Regenerate the geo test fixtures in this folder.

Run from the repository root:  .venv/bin/python tests/data/geo/make_fixtures.py

The synthetic district lies in Hangzhou (about 120.15E 30.27N). Zones are 500 m
cells of a 3 x 2 grid laid out in EPSG:4549 (CGCS2000 / 3-degree Gauss-Kruger
CM 120E); ``district.json`` holds the district boundary and the school points
(lon/lat) the tests validate against. Output is deterministic except for the
dates GDAL stamps into .dbf headers and GeoPackage metadata.
"""

from __future__ import annotations

import io
import json
import random
import struct
import tempfile
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from shapely.geometry import Point, Polygon, box, mapping

HERE = Path(__file__).resolve().parent
X0, Y0, CELL = 514400.0, 3350000.0, 500.0
FIXED_TIME = (2024, 5, 1, 12, 0, 0)
SCHOOLS = ["西湖区第一小学", "西湖区第二小学", "西湖区第三小学", "西湖区第四小学", "西湖区第五小学", "西湖区第六小学", "西湖区第七小学"]
TO_LONLAT = pyproj.Transformer.from_crs(4549, 4326, always_xy=True)


def cell(col: int, row: int, grow: tuple[float, float, float, float] = (0, 0, 0, 0)) -> Polygon:
    """Grid cell in EPSG:4549; ``grow`` extends (west, south, east, north) edges in metres."""
    w, s, e, n = grow
    x, y = X0 + col * CELL, Y0 + row * CELL
    return box(x - w, y - s, x + CELL + e, y + CELL + n)


def lonlat(geom):
    """EPSG:4549 geometry -> lon/lat EPSG:4326 (CGCS2000 taken as WGS84)."""
    return shapely.transform(geom, lambda c: np.column_stack(TO_LONLAT.transform(c[:, 0], c[:, 1])))


def clean_rows() -> list[tuple[str, Polygon]]:
    """The clean partition: five single-school cells and one two-school cell."""
    return [
        (SCHOOLS[0], cell(0, 0)), (SCHOOLS[1], cell(1, 0)), (SCHOOLS[2], cell(2, 0)),
        (SCHOOLS[3], cell(0, 1)), (SCHOOLS[4], cell(1, 1)), (f"{SCHOOLS[5]}、{SCHOOLS[6]}", cell(2, 1)),
    ]


def write_zip(path: Path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> None:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = compression
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)


def shapefile_members(gdf: gpd.GeoDataFrame, encoding: str, stem: str = "划片") -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        gdf.to_file(Path(tmp) / "layer.shp", encoding=encoding)
        return {f"{stem}{p.suffix}": p.read_bytes() for p in sorted(Path(tmp).iterdir())}


def make_district() -> None:
    boundary = lonlat(box(X0, Y0, X0 + 3 * CELL, Y0 + 2 * CELL))
    points = {}
    for i, name in enumerate(SCHOOLS[:5]):
        c = lonlat(cell(i % 3, i // 3).centroid)
        points[name] = [round(c.x, 7), round(c.y, 7)]
    for name, dx in ((SCHOOLS[5], -100), (SCHOOLS[6], 100)):
        c = lonlat(Point(X0 + 2.5 * CELL + dx, Y0 + 1.5 * CELL))
        points[name] = [round(c.x, 7), round(c.y, 7)]
    data = {"boundary": mapping(boundary), "schools": points}
    (HERE / "district.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def make_shapefiles() -> None:
    rows = clean_rows()
    clean = gpd.GeoDataFrame({"学校名称": [r[0] for r in rows]}, geometry=[r[1] for r in rows], crs=4549)
    members = shapefile_members(clean, "GBK")
    write_zip(HERE / "clean_gbk_nocpg.zip", {k: v for k, v in members.items() if not k.endswith(".cpg")})
    problems = [
        (SCHOOLS[0], cell(0, 0)),
        (SCHOOLS[1], cell(1, 0, (0, 0, 50, 0))),  # overlaps feature 3 by 50 m x 500 m
        (SCHOOLS[2], cell(2, 0)),
        (SCHOOLS[0], cell(0, 1, (-100, 0, 0, 0))),  # duplicate of feature 1; leaves a 100 m gap
        ("不存在的小学", cell(1, 1)),  # unknown school
        ("", cell(2, 1, (0, 0, 200, 0))),  # blank school; 200 m outside the district
    ]
    gdf = gpd.GeoDataFrame(
        {"学校名称": [r[0] for r in problems], "学段": ["小学"] * 6}, geometry=[r[1] for r in problems], crs=4549
    )
    write_zip(HERE / "problems_gbk_cpg.zip", shapefile_members(gdf, "GBK"))
    legacy = gpd.GeoDataFrame({"学校": [r[0] for r in rows]}, geometry=[r[1] for r in rows], crs=2437)
    write_zip(HERE / "beijing54_utf8.zip", shapefile_members(legacy, "UTF-8", stem="zones"))
    write_zip(HERE / "noprj.zip", {k: v for k, v in members.items() if not k.endswith(".prj")})
    write_zip(HERE / "missing_dbf.zip", {k: v for k, v in members.items() if not k.endswith(".dbf")})
    two = dict(members)
    two.update({k.replace("划片", "second"): v for k, v in members.items()})
    write_zip(HERE / "two_shapefiles.zip", two)


def loop_defect() -> Polygon:
    """A cell whose top edge crosses itself once, making a small twisted loop."""
    x, y = X0 + CELL, Y0
    ring = [(x, y), (x + 500, y), (x + 500, y + 500), (x + 240, y + 500), (x + 250, y + 510),
            (x + 260, y + 490), (x, y + 500), (x, y)]
    return Polygon(ring)


def feature(props: dict, geom) -> dict:
    return {"type": "Feature", "properties": props, "geometry": None if geom is None else mapping(geom)}


def write_geojson(path: Path, features: list[dict], extra: dict | None = None) -> None:
    data = {"type": "FeatureCollection", **(extra or {}), "features": features}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def make_geojson() -> None:
    lon, lat = TO_LONLAT.transform(X0, Y0 + 600)
    collapsed = Polygon([(lon, lat), (lon + 0.002, lat), (lon + 0.004, lat), (lon, lat)])  # lon/lat already
    feats = [
        feature({"school": SCHOOLS[0]}, lonlat(cell(0, 0))),
        feature({"school": SCHOOLS[1]}, lonlat(loop_defect())),  # repairable self-intersection
        feature({"school": SCHOOLS[2]}, collapsed),  # collapses to a line: unrepairable
        feature({"school": SCHOOLS[3]}, lonlat(Point(X0 + 250, Y0 + 750))),  # not polygonal
        feature({"school": SCHOOLS[4]}, None),  # missing geometry
        feature({"school": SCHOOLS[5]}, lonlat(cell(2, 0))),  # school 6 stands in cell (2, 1)
    ]
    write_geojson(HERE / "geometry_problems.geojson", feats)
    write_geojson(HERE / "no_school_field.geojson", [feature({"编号": i + 1}, lonlat(cell(i, 0))) for i in range(2)])
    clean = [feature({"学校": name}, lonlat(geom)) for name, geom in clean_rows()]
    write_geojson(HERE / "clean.geojson", clean)
    from enroll.geo.crs import wgs84_to_gcj02_geometry

    shifted = [feature({"学校": name}, wgs84_to_gcj02_geometry(lonlat(geom))) for name, geom in clean_rows()]
    write_geojson(HERE / "clean_gcj02.geojson", shifted)
    projected = [feature({"学校": name}, geom) for name, geom in clean_rows()]
    legacy_crs = {"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4549"}}}
    write_geojson(HERE / "clean_epsg4549.geojson", projected, legacy_crs)
    write_zip(HERE / "geojson_inside.zip", {"data/zones.geojson": (HERE / "clean.geojson").read_bytes()})


def kml_coords(ring) -> str:
    return " ".join(f"{x:.7f},{y:.7f},0" for x, y in ring.coords)


def kml_polygon(poly: Polygon) -> str:
    inner = "".join(
        f"<innerBoundaryIs><LinearRing><coordinates>{kml_coords(r)}</coordinates></LinearRing></innerBoundaryIs>"
        for r in poly.interiors
    )
    return (f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{kml_coords(poly.exterior)}"
            f"</coordinates></LinearRing></outerBoundaryIs>{inner}</Polygon>")


def make_kml() -> None:
    placemarks = []
    for i, (name, geom) in enumerate(clean_rows()):
        if i == 0:  # a 100 m x 100 m hole: a gap in the district
            hole = box(X0 + 200, Y0 + 200, X0 + 300, Y0 + 300)
            body = kml_polygon(lonlat(Polygon(geom.exterior.coords, [hole.exterior.coords[::-1]])))
        elif i == 5:  # a two-school zone drawn as two halves in a MultiGeometry
            halves = [cell(2, 1, (0, 0, -250, 0)), cell(2, 1, (-250, 0, 0, 0))]
            body = "<MultiGeometry>" + "".join(kml_polygon(lonlat(h)) for h in halves) + "</MultiGeometry>"
        else:
            body = kml_polygon(lonlat(geom))
        if i == 1:
            ext = f'<ExtendedData><SchemaData schemaUrl="#s"><SimpleData name="学校名称">{name}</SimpleData></SchemaData></ExtendedData>'
        else:
            ext = f'<ExtendedData><Data name="学校名称"><value>{name}</value></Data></ExtendedData>'
        placemarks.append(f"<Placemark><name>第{i + 1}学区</name>{ext}{body}</Placemark>")
    doc = ('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
           + "".join(placemarks) + "</Document></kml>\n")
    (HERE / "zones.kml").write_text(doc, encoding="utf-8")
    lol = "".join(f'<!ENTITY lol{i} "{"&lol%d;" % (i - 1) * 10}">' for i in range(1, 10))
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE kml [<!ENTITY lol0 "lol">' + lol + ']>\n'
            '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>&lol9;</name>'
            '</Placemark></Document></kml>\n')
    (HERE / "billion_laughs.kml").write_text(bomb, encoding="utf-8")


def make_gpkg() -> None:
    path = HERE / "clean_cgcs2000.gpkg"
    path.unlink(missing_ok=True)
    rows = clean_rows()
    points = gpd.GeoDataFrame({"学校": SCHOOLS[:2]}, geometry=[cell(0, 0).centroid, cell(1, 0).centroid], crs=4549)
    points.to_crs(4490).to_file(path, layer="schools", driver="GPKG", SPATIAL_INDEX="NO")
    zones = gpd.GeoDataFrame({"学校": [r[0] for r in rows]}, geometry=[r[1] for r in rows], crs=4549)
    zones.to_crs(4490).to_file(path, layer="zones", driver="GPKG", SPATIAL_INDEX="NO")
    nocrs = HERE / "no_crs.gpkg"
    nocrs.unlink(missing_ok=True)
    no_crs = gpd.GeoDataFrame({"学校": [r[0] for r in rows]}, geometry=[r[1] for r in rows], crs=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "crs was not provided" is the point here
        no_crs.to_file(nocrs, driver="GPKG", SPATIAL_INDEX="NO")


def patch_central_flags(data: bytes, flag: int) -> bytes:
    """Set general-purpose flag bits in every central directory entry."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    while pos != -1:
        (flags,) = struct.unpack_from("<H", out, pos + 8)
        struct.pack_into("<H", out, pos + 8, flags | flag)
        pos = out.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


def make_unsafe_archives() -> None:
    write_zip(HERE / "bomb.zip", {"layer.shp": b"\x00" * (8 * 1024 * 1024)})
    write_zip(HERE / "traversal.zip", {"../../etc/evil.shp": b"x", "ok.txt": b"x"})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("layer.shp", FIXED_TIME)
        info.create_system = 3
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, "/etc/passwd")
    (HERE / "symlink.zip").write_bytes(buf.getvalue())
    write_zip(HERE / "many_members.zip", {f"part{i:03d}.txt": b"" for i in range(60)})
    write_zip(HERE / "encrypted_tmp.zip", {"layer.shp": b"secret"})
    data = patch_central_flags((HERE / "encrypted_tmp.zip").read_bytes(), 0x1)
    (HERE / "encrypted.zip").write_bytes(data)
    (HERE / "encrypted_tmp.zip").unlink()


def make_garbage() -> None:
    rng = random.Random(20240501)
    noise = bytes(rng.randrange(256) for _ in range(2048))
    (HERE / "garbage.zip").write_bytes(noise)
    (HERE / "garbage.bin").write_bytes(noise)
    (HERE / "broken.geojson").write_text('{"type": "FeatureCollection", "features": [{"type": "Feat', encoding="utf-8")
    clean = (HERE / "clean_gbk_nocpg.zip").read_bytes()
    (HERE / "truncated.zip").write_bytes(clean[: len(clean) // 2])


def main() -> None:
    make_district()
    make_shapefiles()
    make_geojson()
    make_kml()
    make_gpkg()
    make_unsafe_archives()
    make_garbage()


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(HERE.parents[2]))
    main()
