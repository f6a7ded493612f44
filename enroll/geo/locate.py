"""Point-in-zone lookup: which zones contain a point, and whether it lies close to a zone edge."""
from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

METRES_PER_DEGREE = 111_320.0  # along a meridian; good to 0.5 % everywhere


@dataclass(frozen=True)
class Located:
    """The answer for one point."""

    keys: tuple[Hashable, ...]  # keys of the zones containing the point
    near_boundary: bool         # within ``near_m`` of a zone edge (between zones or at the outer edge)


def _split(geom: BaseGeometry, parts: int) -> list[BaseGeometry]:
    """Cut a polygonal geometry by a ``parts`` × ``parts`` grid over its box (smaller boxes filter better)."""
    if geom.is_empty:
        return []
    if parts <= 1:
        return [geom]
    minx, miny, maxx, maxy = geom.bounds
    xs, ys = np.linspace(minx, maxx, parts + 1), np.linspace(miny, maxy, parts + 1)
    cells = [shapely.box(xs[i], ys[j], xs[i + 1], ys[j + 1]) for i in range(parts) for j in range(parts)]
    pieces = shapely.intersection(geom, cells)
    return [p for p in pieces if not p.is_empty and p.area > 0]


class STRtreeLocator:
    """The default in-process ``ZoneLocator``: one shapely STRtree query per point.

    Each zone is stored as its *core* (the zone shrunk by ``near_m``) and its *rim* (the rest), and
    the district's outside within ``near_m`` of any zone as a keyless rim; a point's answer is then a
    single ``intersects`` query: the zones are the keys of the pieces hit, and it is near a boundary
    when any of them is a rim. Longitudes are scaled by cos(latitude) at the data's centre so one
    distance in degrees is the same number of metres in every direction (to well under 1 % within a
    city); query points get the same scaling.
    """

    def __init__(self, items: Sequence[tuple[Hashable, BaseGeometry]], near_m: float = 50.0):
        geoms = np.array([geom for _, geom in items], dtype=object)
        miny, maxy = (shapely.total_bounds(geoms)[[1, 3]] if len(geoms) else (0.0, 0.0))
        self.scale = math.cos(math.radians((miny + maxy) / 2.0))
        scaled = shapely.transform(geoms, lambda xy: xy * (self.scale, 1.0)) if len(geoms) else geoms
        distance = near_m / METRES_PER_DEGREE
        pieces, keys, rims = [], [], []

        def add(geom, key, rim, parts):
            for piece in _split(geom, parts):
                pieces.append(piece)
                keys.append(key)
                rims.append(rim)

        for (key, _), zone in zip(items, scaled):
            core = shapely.buffer(zone, -distance)
            add(core, key, False, 1)
            add(shapely.difference(zone, core), key, True, 2)
        if len(scaled):
            union = shapely.union_all(scaled)
            outside = shapely.difference(shapely.buffer(union, distance), union)
            add(outside, None, True, max(2, int(math.sqrt(len(scaled)))))
        for piece in pieces:
            shapely.prepare(piece)
        self.keys, self.rims = keys, rims  # plain lists: cheaper to index from a few hits than arrays
        self.tree = shapely.STRtree(pieces)

    def locate(self, lon: float, lat: float) -> Located:
        hits = self.tree.query(shapely.Point(lon * self.scale, lat), predicate="intersects").tolist()
        keys, near = [], False
        for hit in hits:
            key = self.keys[hit]
            near = near or self.rims[hit]
            if key is not None and key not in keys:
                keys.append(key)
        return Located(tuple(keys), near)
