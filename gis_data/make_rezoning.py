"""A made-up rezoning of the demo district for 2027: gis_data/demo/zones_primary_2027.geojson.

From the 2026 primary zones (zones_primary.geojson, written by make_demo.py):

1. 青溪区第四小学 closes: its zone is split between the two neighbours it shares the longest edges
   with, along the perpendicular bisector of their centroids.
2. A block of 青溪区学院路小学's zone (a disc of 450 m radius about the middle of its edge with a
   neighbour, and any neck thinner than 10 m it leaves) moves to that neighbour.
3. Every line is redrawn, as a bureau redraws its map from one year to the next: each edge gets a
   vertex every 40 m and every vertex moves by up to 1.5 m (a smooth displacement, the same for a
   vertex two zones share, so the zones still fit together) and is cut back to the district's
   boundary; no home changes school by that.

The result is deterministic (no randomness) and written like make_demo.py's GeoJSON (lon/lat, 7
decimals). Run from the project root: ``.venv/bin/python gis_data/make_rezoning.py``.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer

OUT = Path(__file__).resolve().parent / "demo"
CLOSED = "青溪区第四小学"
SHRUNK = "青溪区学院路小学"
TO_M = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True)
TO_LONLAT = Transformer.from_crs("EPSG:4549", "EPSG:4326", always_xy=True)


def to_metres(geom):
    return shapely.transform(geom, lambda xy: np.column_stack(TO_M.transform(xy[:, 0], xy[:, 1])))


def to_lonlat(geom):
    return shapely.transform(geom, lambda xy: np.column_stack(TO_LONLAT.transform(xy[:, 0], xy[:, 1])))


def redraw(xy: np.ndarray) -> np.ndarray:
    """Up to 1.5 m of smooth displacement, a function of position alone, snapped to a millimetre grid."""
    x, y = xy[:, 0], xy[:, 1]
    dx = 1.0 * np.sin(x / 53.0 + 0.3) + 0.5 * np.sin(y / 19.0)
    dy = 1.0 * np.sin(y / 47.0 + 1.1) + 0.5 * np.sin(x / 23.0)
    return np.round(np.column_stack([x + dx, y + dy]), 3)


def longest_neighbours(zones: dict, name: str, count: int) -> list[str]:
    edge = {other: shapely.length(shapely.intersection(zones[name].boundary, geom.boundary))
            for other, geom in zones.items() if other != name}
    return sorted((o for o in edge if edge[o] > 0), key=lambda o: -edge[o])[:count]


def single(geom):
    geom = shapely.make_valid(geom)
    assert geom.geom_type == "Polygon", geom.geom_type
    return geom


def main() -> None:
    source = json.loads((OUT / "zones_primary.geojson").read_text(encoding="utf-8"))
    features = source["features"]
    zones = {f["properties"]["学校名称"]: to_metres(shapely.geometry.shape(f["geometry"])) for f in features}

    # 1. a school closes: its zone goes to its two main neighbours, split between their centroids
    first, second = longest_neighbours(zones, CLOSED, 2)
    a, b = (np.array(zones[n].centroid.coords[0]) for n in (first, second))
    mid, normal = (a + b) / 2, (a - b) / np.linalg.norm(a - b)
    big = 1e5
    along = np.array([-normal[1], normal[0]])
    half = shapely.Polygon([mid + along * big, mid + along * big + normal * big,
                            mid - along * big + normal * big, mid - along * big])
    closed = zones.pop(CLOSED)
    zones[first] = single(shapely.union(zones[first], shapely.intersection(closed, half)))
    zones[second] = single(shapely.union(zones[second], shapely.difference(closed, half)))

    # 2. a block moves from one school to a neighbour
    taker = longest_neighbours(zones, SHRUNK, 1)[0]
    shared = shapely.intersection(zones[SHRUNK].boundary, zones[taker].boundary)
    disc = shapely.line_interpolate_point(shared, 0.5, normalized=True).buffer(450)
    # what the school keeps, without necks thinner than 10 m that the redrawing would pinch
    kept = shapely.difference(zones[SHRUNK], disc).buffer(-5, join_style="mitre").buffer(5, join_style="mitre")
    kept = single(shapely.intersection(zones[SHRUNK], max(shapely.get_parts(kept), key=shapely.area)))
    block = shapely.difference(zones[SHRUNK], kept)
    zones[SHRUNK] = kept
    zones[taker] = single(shapely.union(zones[taker], block))

    # 3. every line redrawn, kept within the district (a redrawn outline may leave slivers uncovered)
    boundary = to_metres(shapely.geometry.shape(
        json.loads((OUT / "boundary.geojson").read_text(encoding="utf-8"))["features"][0]["geometry"]))
    out = []
    for feature in features:
        name = feature["properties"]["学校名称"]
        if name not in zones:
            continue
        geom = shapely.intersection(shapely.transform(shapely.segmentize(zones[name], 40.0), redraw), boundary)
        geom = shapely.orient_polygons(to_lonlat(max(shapely.get_parts(geom), key=shapely.area)))
        assert geom.geom_type == "Polygon" and geom.is_valid, name
        rings = [geom.exterior, *geom.interiors]
        out.append({"type": "Feature", "properties": dict(feature["properties"]),
                    "geometry": {"type": "Polygon",
                                 "coordinates": [[[round(x, 7), round(y, 7)] for x, y in r.coords] for r in rings]}})
    (OUT / "zones_primary_2027.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": out}, ensure_ascii=False, separators=(",", ":")) + "\n",
        encoding="utf-8")
    print(f"zones_primary_2027.geojson: {len(out)} zones; {CLOSED} closed (to {first}, {second}); "
          f"{shapely.area(block) / 1e6:.3f} km² of {SHRUNK} to {taker}")


if __name__ == "__main__":
    main()
