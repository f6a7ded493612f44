"""Point-in-zone lookup: which zones contain a point, and whether it lies close to a zone edge."""
from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

METRES_PER_DEGREE = 111_320.0  # along a meridian; good to 0.5 % everywhere
CELLS_PER_PIECE = 16  # grid cells per locator piece (see STRtreeLocator._build_grid) ...
GRID_SIDE = (256, 1024)  # ... with at least 256 and at most 1024 cells a side
GRID_CHUNK = 65_536  # cells tested at a time while building


@dataclass(frozen=True)
class Located:
    """The answer for one point."""

    keys: tuple[Hashable, ...]  # keys of the zones containing the point
    near_boundary: bool         # within ``near_m`` of a zone edge (between zones or at the outer edge)


NOWHERE = Located((), False)


class ZoneLocator(Protocol):
    """Which zones contain a point, and whether it is near a zone edge (in-process or in PostGIS)."""

    def locate(self, lon: float, lat: float) -> Located: ...


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

    The tree is queried once per cell of a regular grid when the locator is built; a point then
    finds its cell by arithmetic, and its answer is either the cell's (when every piece touching
    the cell covers it entirely, as for most cells) or an exact ``intersects`` test against the
    few pieces touching the cell. Answers are those of the plain tree query, point for point.
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
        self.pieces = pieces
        self.tree = shapely.STRtree(pieces)
        self._build_grid()

    def _answer(self, hits) -> Located:
        keys, near = [], False
        for hit in hits:
            key = self.keys[hit]
            near = near or self.rims[hit]
            if key is not None and key not in keys:
                keys.append(key)
        return Located(tuple(keys), near)

    def _build_grid(self) -> None:
        """A regular grid over the pieces, computed once (``CELLS_PER_PIECE``, ``GRID_SIDE``).

        A cell that every piece it touches covers entirely has one answer for all its points, kept
        as is; any other cell keeps the pieces it touches, for an exact point test. Most points then
        need no geometry operation at all, and the others a test against one or two pieces.
        """
        self.answers: list[Located | None] = []
        self.candidates: list[tuple[int, ...]] = []
        if not self.pieces:
            self.cols = self.rows = 0
            return
        minx, miny, maxx, maxy = shapely.total_bounds(np.array(self.pieces, dtype=object))
        pad = 1e-9 * max(1.0, abs(minx), abs(maxx))  # points on the outermost edges fall inside the grid
        minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
        side = min(GRID_SIDE[1], max(GRID_SIDE[0], math.ceil(math.sqrt(CELLS_PER_PIECE * len(self.pieces)))))
        self.cols = self.rows = side
        self.x0, self.y0 = minx, miny
        self.dx, self.dy = max(maxx - minx, 1e-12) / side, max(maxy - miny, 1e-12) / side
        xs = minx + self.dx * np.arange(side + 1)
        ys = miny + self.dy * np.arange(side + 1)
        pieces = np.array(self.pieces, dtype=object)
        known: dict[tuple[int, ...], Located] = {}  # one answer object per distinct set of pieces
        per_column = max(1, GRID_CHUNK // side)
        for first in range(0, side, per_column):  # a few columns at a time keep the temporary boxes few
            cols = range(first, min(side, first + per_column))
            boxes = shapely.box(np.repeat(xs[cols.start:cols.stop], side), np.tile(ys[:-1], len(cols)),
                                np.repeat(xs[cols.start + 1:cols.stop + 1], side), np.tile(ys[1:], len(cols)))
            cell, piece = self.tree.query(boxes)  # bounding boxes only; exact tests with the prepared pieces
            touches = shapely.intersects(pieces[piece], boxes[cell])
            cell, piece = cell[touches], piece[touches]
            covers = shapely.covers(pieces[piece], boxes[cell])
            n_touched = np.bincount(cell, minlength=len(boxes))
            constant = (n_touched == np.bincount(cell, weights=covers, minlength=len(boxes))).tolist()
            hits_by_cell = piece[np.argsort(cell, kind="stable")].tolist()
            ends = np.cumsum(n_touched).tolist()
            start = 0
            for end, fixed in zip(ends, constant):
                hits = tuple(hits_by_cell[start:end])
                start = end
                if fixed:
                    answer = known.get(hits)
                    if answer is None:
                        answer = known[hits] = self._answer(hits)
                self.answers.append(answer if fixed else None)
                self.candidates.append(() if fixed else hits)

    def locate(self, lon: float, lat: float) -> Located:
        if not self.cols:
            return NOWHERE
        x = lon * self.scale
        i, j = math.floor((x - self.x0) / self.dx), math.floor((lat - self.y0) / self.dy)
        if not (0 <= i < self.cols and 0 <= j < self.rows):
            return NOWHERE  # the grid covers every piece
        cell = i * self.rows + j
        answer = self.answers[cell]
        if answer is not None:
            return answer
        return self._answer([k for k in self.candidates[cell] if shapely.intersects_xy(self.pieces[k], x, lat)])

    def locate_exactly(self, lon: float, lat: float) -> Located:
        """The same answer as :meth:`locate`, from the STRtree alone (the reference the grid is tested against)."""
        return self._answer(self.tree.query(shapely.Point(lon * self.scale, lat), predicate="intersects").tolist())
