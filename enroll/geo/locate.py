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
GRID_SIDE = (64, 2048)  # cells a side of the locator's grid, at least and at most (see STRtreeLocator)
CELLS_PER_NEAR = 2  # grid cells across near_m: finer cells keep the band around the edges narrow
BOUNDARY_CHUNK = 2_000  # zones whose edges are rasterized at a time (bounds the temporary vertex arrays)


@dataclass(frozen=True)
class Located:
    """The answer for one point."""

    keys: tuple[Hashable, ...]  # keys of the zones containing the point
    near_boundary: bool         # within ``near_m`` of a zone edge (between zones or at the outer edge)


NOWHERE = Located((), False)


class ZoneLocator(Protocol):
    """Which zones contain a point, and whether it is near a zone edge (in-process or in PostGIS)."""

    def locate(self, lon: float, lat: float) -> Located: ...


def _dilate(mask: np.ndarray, reach_x: int, reach_y: int) -> np.ndarray:
    """``mask`` grown by ``reach_x`` cells along the first axis and ``reach_y`` along the second."""
    out = mask.copy()
    for shift in range(1, reach_x + 1):
        out[shift:, :] |= mask[:-shift, :]
        out[:-shift, :] |= mask[shift:, :]
    grown = out.copy()
    for shift in range(1, reach_y + 1):
        grown[:, shift:] |= out[:, :-shift]
        grown[:, :-shift] |= out[:, shift:]
    return grown


class STRtreeLocator:
    """The default in-process ``ZoneLocator``: a grid over the zones, then a test against a few zones.

    Longitudes are scaled by cos(latitude) at the data's centre so one distance in degrees is the
    same number of metres in every direction (to well under 1 % within a city); the locator keeps
    only this scaled copy of the zones, and query points get the same scaling.

    The grid's cells are ``near_m / CELLS_PER_NEAR`` wide. The zones' edges are rasterized into it:
    - a cell no edge crosses lies inside the same zones everywhere; cells of one column between
      two crossed cells form a run no edge crosses, and one point test per run decides it;
    - of those, a cell farther than ``near_m`` (plus a little) from every edge vertex's cell has
      one answer for all its points, kept as is: no geometry at all for most points;
    - nearer ones know their zones and ask only whether an edge of those lies within ``near_m``
      (outside every zone: of any zone whose bounding box, widened by ``near_m``, reaches the cell);
    - in a crossed cell a point is tested against the zones whose widened bounding box reaches it.
    Nothing is buffered and no GEOS index is prepared or kept (a prepared 1,000-vertex zone, or a
    tree of its edges, costs more memory than the zone): building costs a rasterization and a point
    test per run, and answers are the exact ones (``locate_exactly``).
    """

    def __init__(self, items: Sequence[tuple[Hashable, BaseGeometry]], near_m: float = 50.0):
        self.keys = [key for key, _ in items]
        geoms = np.array([geom for _, geom in items], dtype=object)
        self.bounds = tuple(shapely.total_bounds(geoms).tolist()) if len(geoms) else None  # lon/lat
        miny, maxy = self.bounds[1::2] if self.bounds else (0.0, 0.0)
        self.scale = math.cos(math.radians((miny + maxy) / 2.0))
        self.zones = shapely.transform(geoms, self._scaled) if len(geoms) else geoms  # the only copy kept
        self.near = near_m / METRES_PER_DEGREE
        self.tree = shapely.STRtree(self.zones)
        self.cols = self.rows = 0
        if len(self.zones):
            self._build_grid()

    def _scaled(self, xy: np.ndarray) -> np.ndarray:
        return xy * (self.scale, 1.0)

    def _build_grid(self) -> None:
        near = self.near
        minx, miny, maxx, maxy = shapely.total_bounds(self.zones)
        pad = near + 1e-9 * max(1.0, abs(minx), abs(maxx))  # points within near_m of the outermost edges fall inside
        minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
        self.cols = min(GRID_SIDE[1], max(GRID_SIDE[0], math.ceil(CELLS_PER_NEAR * (maxx - minx) / near)))
        self.rows = min(GRID_SIDE[1], max(GRID_SIDE[0], math.ceil(CELLS_PER_NEAR * (maxy - miny) / near)))
        self.x0, self.y0 = minx, miny
        self.dx, self.dy = (maxx - minx) / self.cols, (maxy - miny) / self.rows
        edges = self._edge_cells()
        crossed = _dilate(edges, 1, 1)  # an edge point lies within step / 2 of a vertex: same or next cell
        # a point within near_m of an edge point lies within near_m + step / 2 of a vertex, along each
        # axis: at most this many cells from the vertex's
        reach = self.near + self.step / 2
        band = _dilate(edges, int(reach / self.dx) + 1, int(reach / self.dy) + 1)
        sets = self._zone_sets(crossed)
        # per cell: >= 0 the index of its answer (far from every edge); -1 an edge crosses it (exact
        # test); <= -2 inside the zones of key set -2 - code, near an edge or not (edge tree)
        self.cell_answer = np.where(crossed.ravel(), -1, np.where(band.ravel(), -2 - sets, sets)).astype(np.int32)
        self._band_candidates(band)

    def _cell_of(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        i = np.clip(np.floor((x - self.x0) / self.dx).astype(np.int64), 0, self.cols - 1)
        j = np.clip(np.floor((y - self.y0) / self.dy).astype(np.int64), 0, self.rows - 1)
        return i, j

    def _edge_cells(self) -> np.ndarray:
        """The cells of the zones' edge vertices, the edges cut into segments of at most ``step``."""
        edges = np.zeros((self.cols, self.rows), dtype=bool)
        self.step = min(self.dx, self.dy) / 2  # consecutive edge vertices land in the same or adjacent cells
        for first in range(0, len(self.zones), BOUNDARY_CHUNK):
            rings = shapely.segmentize(shapely.boundary(self.zones[first:first + BOUNDARY_CHUNK]), self.step)
            xy = shapely.get_coordinates(rings)
            edges[self._cell_of(xy[:, 0], xy[:, 1])] = True
        return edges

    def _zone_sets(self, crossed: np.ndarray) -> np.ndarray:
        """Per cell no edge crosses, the index of the set of zones containing it (``self.far``,
        ``self.near_answers``); -1 for the others.

        Such cells of one column between crossed cells form a run no edge crosses: the zones
        containing the run's first cell's centre contain all of it.
        """
        flat = crossed.ravel()  # cell i * rows + j, as ``locate`` numbers them
        free = ~flat
        starts = free.copy()
        starts[1:] &= flat[:-1] | (np.arange(1, flat.size) % self.rows == 0)
        run_of_cell = np.cumsum(starts) - 1
        first = np.flatnonzero(starts)
        x = self.x0 + (first // self.rows + 0.5) * self.dx
        y = self.y0 + (first % self.rows + 0.5) * self.dy
        run, zone = self.tree.query(shapely.points(x, y))
        inside = shapely.intersects_xy(self.zones[zone], x[run], y[run])
        run, zone = run[inside], zone[inside]
        order = np.lexsort((zone, run))
        run, zone = run[order], zone[order]
        ids = np.zeros(len(first), dtype=np.int32)
        known: dict[tuple[int, ...], int] = {(): 0}
        self.key_sets, self.far, self.near_answers = [np.zeros(0, dtype=np.int64)], [NOWHERE], [Located((), True)]
        bounds = np.searchsorted(run, np.arange(len(first) + 1))
        for r, (lo, hi) in enumerate(zip(bounds[:-1].tolist(), bounds[1:].tolist())):
            if lo == hi:
                continue
            found = tuple(zone[lo:hi].tolist())
            index = known.get(found)
            if index is None:
                index = known[found] = len(self.far)
                keys = tuple(self.keys[k] for k in found)
                self.key_sets.append(np.array(found))
                self.far.append(Located(keys, False))
                self.near_answers.append(Located(keys, True))
            ids[r] = index
        sets = np.full(flat.size, -1, dtype=np.int32)
        sets[free] = ids[run_of_cell[free]]
        return sets

    def _band_candidates(self, band: np.ndarray) -> None:
        """Per band cell, the zones whose bounding box, widened by ``near_m``, reaches it (as CSR arrays)."""
        bounds = shapely.bounds(self.zones)
        lo_i, lo_j = self._cell_of(bounds[:, 0] - self.near, bounds[:, 1] - self.near)
        hi_i, hi_j = self._cell_of(bounds[:, 2] + self.near, bounds[:, 3] + self.near)
        cells, zones = [], []
        flat = band.ravel()
        for zone, (i0, j0, i1, j1) in enumerate(zip(lo_i.tolist(), lo_j.tolist(), hi_i.tolist(), hi_j.tolist())):
            block = (np.arange(i0, i1 + 1)[:, None] * self.rows + np.arange(j0, j1 + 1)[None, :]).ravel()
            block = block[flat[block]]
            cells.append(block)
            zones.append(np.full(len(block), zone, dtype=np.int32))
        cell = np.concatenate(cells) if cells else np.zeros(0, dtype=np.int64)
        zone = np.concatenate(zones) if zones else np.zeros(0, dtype=np.int32)
        order = np.argsort(cell, kind="stable")
        self.candidates = zone[order]
        self.offsets = np.concatenate([[0], np.cumsum(np.bincount(cell, minlength=self.cols * self.rows))]).astype(np.int32)

    def _near(self, x: float, y: float, found, candidates: np.ndarray) -> bool:
        """Whether the edge of a zone in ``found`` lies within ``near_m``; with none found, of any candidate."""
        zones = self.zones[found if len(found) else candidates]
        return bool(len(zones)) and bool(shapely.dwithin(shapely.boundary(zones), shapely.points((x, y)), self.near).any())

    def locate(self, lon: float, lat: float) -> Located:
        if not self.cols:
            return NOWHERE
        x = lon * self.scale
        i, j = math.floor((x - self.x0) / self.dx), math.floor((lat - self.y0) / self.dy)
        if not (0 <= i < self.cols and 0 <= j < self.rows):
            return NOWHERE  # the grid reaches near_m beyond every zone
        cell = i * self.rows + j
        code = int(self.cell_answer[cell])
        if code >= 0:
            return self.far[code]
        candidates = self.candidates[self.offsets[cell]:self.offsets[cell + 1]]
        if code == -1:
            found = candidates[shapely.intersects_xy(self.zones[candidates], x, lat)]
            return Located(tuple(self.keys[k] for k in found.tolist()), self._near(x, lat, found, candidates))
        code = -2 - code
        return (self.near_answers if self._near(x, lat, self.key_sets[code], candidates) else self.far)[code]

    def locate_exactly(self, lon: float, lat: float) -> Located:
        """The same answer as :meth:`locate`, from the zones' exact distances alone, without the grid
        or the edge pieces (the reference they are tested against; slow)."""
        point = shapely.points((lon * self.scale, lat))
        hits = np.sort(self.tree.query(point, predicate="intersects"))
        edges = shapely.boundary(self.zones[hits] if len(hits) else self.zones)
        near = bool(len(edges)) and bool(shapely.dwithin(edges, point, self.near).any())
        return Located(tuple(self.keys[k] for k in hits.tolist()), near)
