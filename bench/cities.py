"""Cities shaped like real ones, for the benchmarks: Voronoi zones whose shared edges wiggle.

Straight-edged Voronoi cells (a handful of vertices each) hide what real zoning costs: real zones
follow roads, rivers and estate walls, a few hundred to a few thousand vertices each, and share
every edge with a neighbour. A city here is a Voronoi partition whose edges are cut into short
segments and then moved by one smooth displacement field: a vertex shared by two zones is moved
identically for both (the field is a function of position), and the field's gradient stays well
below 1, so the map is a continuous bijection and the result is still a valid coverage (no gaps,
no overlaps), with edges that meander at several scales like streets and streams do.

Coordinates are EPSG:4549 (CGCS2000 Gauss-Kruger, central meridian 120E) metres near 120.2E 30.2N.
"""
from __future__ import annotations

import numpy as np
import shapely

X0, Y0 = 520_000.0, 3_340_000.0  # EPSG:4549, near 120.2E 30.2N
AREA_PER_ZONE = 1_440_000.0      # m², a 1.2 km square's worth, as for an urban primary school
CRS = "EPSG:4549"


def _field(rng, scale: float):
    """A smooth displacement field: sums of sines at three wavelengths around ``scale`` metres,
    each with an amplitude keeping the total gradient near 0.45 (a bijection: below 1)."""
    waves = []
    for wavelength in (scale * 0.9, scale * 0.33, scale * 0.11):
        amplitude = 0.15 * wavelength / (2 * np.pi)  # gradient of one wave: 0.15
        for _ in range(2):
            direction = rng.uniform(0, 2 * np.pi)
            waves.append((amplitude, 2 * np.pi / wavelength, np.cos(direction), np.sin(direction),
                          rng.uniform(0, 2 * np.pi), rng.uniform(0, 2 * np.pi)))

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = xy[:, 0], xy[:, 1]
        dx, dy = np.zeros_like(x), np.zeros_like(y)
        for amplitude, k, cx, cy, px, py in waves:
            along = k * (cx * x + cy * y)
            dx += amplitude / 2 * np.sin(along + px)  # two waves per wavelength, each half the amplitude
            dy += amplitude / 2 * np.sin(along + py)
        return np.column_stack([x + dx, y + dy])

    return move


def city(n: int, vertices: int = 1000, seed: int = 7):
    """``n`` zones partitioning a square (about ``vertices`` vertices each) and a point inside each.

    :returns: (zones as shapely polygons in EPSG:4549, their inner points, the city's square)
    """
    rng = np.random.default_rng(seed)
    side = np.sqrt(AREA_PER_ZONE * n)
    seeds = shapely.points(X0 + rng.random(n) * side, Y0 + rng.random(n) * side)
    square = shapely.box(X0, Y0, X0 + side, Y0 + side)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=square))
    cells = shapely.intersection(cells, square)
    # every zone's perimeter cut into segments of one length: about `vertices` vertices a zone
    step = float(np.mean(shapely.length(cells))) / vertices
    cells = shapely.segmentize(cells, step)
    # vertices shared by two zones were computed from either end of their edge: round them to one
    cells = shapely.transform(cells, lambda xy: np.round(xy, 3))
    move = _field(rng, scale=np.sqrt(AREA_PER_ZONE))
    zones = shapely.make_valid(shapely.transform(cells, move))
    inner = shapely.point_on_surface(zones)
    return list(zones), list(inner), shapely.transform(shapely.segmentize(square, step), move)


def lonlat(n: int, vertices: int = 1000, seed: int = 7) -> np.ndarray:
    """The city's zones in EPSG:4326 (longitude, latitude), as the service stores them."""
    from pyproj import Transformer

    to_4326 = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
    zones, _, _ = city(n, vertices, seed)
    return shapely.transform(np.array(zones, dtype=object), lambda xy: np.column_stack(to_4326.transform(xy[:, 0], xy[:, 1])))


def frame(n: int, vertices: int = 1000, seed: int = 7):
    """The city as a GeoDataFrame with a school name per zone (学校名称), and {name: school point in 4326}."""
    import geopandas as gpd

    zones, inner, square = city(n, vertices, seed)
    names = [f"合成第{i + 1:05d}小学" for i in range(len(zones))]
    data = gpd.GeoDataFrame({"学校名称": names}, geometry=zones, crs=CRS)
    schools = gpd.GeoSeries(inner, crs=CRS).to_crs(4326)
    boundary = gpd.GeoSeries([square], crs=CRS).to_crs(4326).iloc[0]
    return data, dict(zip(names, schools)), boundary


if __name__ == "__main__":  # a quick look: python bench/cities.py 100
    import sys
    import time

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    start = time.process_time()
    zs, _, _ = city(count)
    made = time.process_time() - start
    counts = shapely.get_num_coordinates(zs)
    valid = shapely.coverage_is_valid(np.array(zs, dtype=object))
    print(f"{count} zones in {made:.2f} s CPU; vertices a zone: median {int(np.median(counts))}, "
          f"min {counts.min()}, max {counts.max()}; valid coverage: {valid}")
