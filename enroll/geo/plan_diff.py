"""Where a rezoning moves homes from one school to another: the areas whose schools differ between two zonings.

Each zoning is a list of (schools, lon/lat polygon). A point's schools are those of the zone holding it;
the areas where they differ between the two zonings are the changes, each with the schools before and
after (an empty tuple: no zone there). Two redrawings of the same line never coincide exactly, so the
thin slivers between them are not changes: a part is reported only if it is larger than ``min_area_m2``
and somewhere wider than ``min_width_m`` (its largest inscribed circle; see :data:`MIN_AREA_M2`,
:data:`MIN_WIDTH_M`).
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from .coverage import MetricFrame, polygonal_part

#: Smaller parts are digitising noise: about a house's footprint (the per-school area table uses the same).
MIN_AREA_M2 = 100.0
#: A part no wider than this anywhere is a sliver between two drawings of one line (roads are redrawn
#: metres apart from year to year); a block of homes is wider.
MIN_WIDTH_M = 10.0

Keys = tuple  # the schools of a place, sorted; () where no zone lies


@dataclass(frozen=True)
class ChangedArea:
    """A connected area whose schools differ: ``before`` → ``after`` (sorted keys; () for no zone)."""

    before: Keys
    after: Keys
    geometry: BaseGeometry  # lon/lat
    area_m2: float


def _dissolved(zones: Sequence[tuple[Sequence[Hashable], BaseGeometry]]) -> dict[Keys, BaseGeometry]:
    """One geometry per set of schools: the union of the zones naming exactly those schools."""
    groups: dict[Keys, list[BaseGeometry]] = {}
    for keys, geom in zones:
        if geom is not None and not geom.is_empty:
            groups.setdefault(tuple(sorted(set(keys))), []).append(geom)
    out = {}
    for keys, geoms in groups.items():
        union = polygonal_part(geoms[0] if len(geoms) == 1 else shapely.union_all(np.array(geoms, dtype=object)))
        if union is not None:
            out[keys] = union
    return out


def _unchanged(old: dict[Keys, BaseGeometry], new: dict[Keys, BaseGeometry]) -> set[Keys]:
    """Schools' areas drawn identically in both: no point of them changes (a neighbour's change would
    have to overlap them), so they are left out of the overlay, which is most of a typical rezoning."""
    same = list(old.keys() & new.keys())
    if not same:
        return set()
    a = shapely.normalize(np.array([old[k] for k in same], dtype=object))
    b = shapely.normalize(np.array([new[k] for k in same], dtype=object))
    return {k for k, equal in zip(same, shapely.equals_exact(a, b, tolerance=0.0)) if equal}


def _significant(geoms, frame: MetricFrame, min_area_m2: float, min_width_m: float) -> np.ndarray:
    """The polygons of ``geoms`` larger than ``min_area_m2`` and somewhere wider than ``min_width_m``."""
    geoms = [g for g in np.atleast_1d(geoms) if g is not None]
    parts = shapely.get_parts(np.array(geoms, dtype=object)) if geoms else np.array([], dtype=object)
    parts = parts[shapely.get_type_id(parts) == 3] if len(parts) else parts  # polygons only
    if not len(parts):
        return parts
    areas = frame.area(parts)
    parts, areas = parts[areas > min_area_m2], areas[areas > min_area_m2]
    return parts[_wider_than(parts, areas, frame, min_width_m)]


def _split(parts: np.ndarray, keys: list[Keys], geoms: np.ndarray, skip: Keys) -> list[tuple[Keys, BaseGeometry]]:
    """(keys, piece): each part cut by the zoning ``geoms`` it lies in (other than ``skip``'s), and
    what lies in none of them as ``()``."""
    out = []
    tree = shapely.STRtree(geoms) if len(geoms) else None
    for part in parts:
        near = tree.query(part, predicate="intersects").tolist() if tree is not None else []
        near = [j for j in near if keys[j] != skip]
        out += [(keys[j], piece) for j, piece in zip(near, shapely.intersection(part, geoms[near]))]
        rest = part if not near else shapely.difference(part, shapely.union_all(geoms[near]))
        out.append(((), rest))
    return out


def changed_areas(before: Sequence[tuple[Sequence[Hashable], BaseGeometry]],
                  after: Sequence[tuple[Sequence[Hashable], BaseGeometry]], *,
                  min_area_m2: float = MIN_AREA_M2, min_width_m: float = MIN_WIDTH_M) -> list[ChangedArea]:
    """The connected areas whose schools differ between two zonings, largest first.

    Per set of schools, what its area lost and gained (one overlay each, not one per pair of
    neighbours); the slivers of a redrawn line are dropped there, and only what is left is cut by
    the zones it went to (lost) or checked for having had no zone before (gained).

    :param before: (the schools' keys, lon/lat polygon) of each zone of the earlier zoning.
    :param after: the same for the later zoning.
    :param min_area_m2: smaller parts are not reported.
    :param min_width_m: parts nowhere wider than this (slivers between two drawings of a line) are not reported.
    """
    old, new = _dissolved(before), _dissolved(after)
    same = _unchanged(old, new)
    keys = sorted((old.keys() | new.keys()) - same)
    if not keys:
        return []
    frame = MetricFrame([*old.values(), *new.values()])
    empty = shapely.Polygon()
    a = np.array([old.get(k, empty) for k in keys], dtype=object)
    b = np.array([new.get(k, empty) for k in keys], dtype=object)
    lost, gained = shapely.difference(a, b), shapely.difference(b, a)
    old_keys, new_keys = list(old), list(new)
    old_geoms, new_geoms = np.array(list(old.values()), dtype=object), np.array(list(new.values()), dtype=object)
    moved: dict[tuple[Keys, Keys], list[BaseGeometry]] = {}
    for k, lost_k, gained_k in zip(keys, lost, gained):
        for to, piece in _split(_significant(lost_k, frame, min_area_m2, min_width_m), new_keys, new_geoms, k):
            moved.setdefault((k, to), []).append(piece)
        for was, piece in _split(_significant(gained_k, frame, min_area_m2, min_width_m), old_keys, old_geoms, k):
            if was == ():  # from another school's area: found above as that school's loss
                moved.setdefault(((), k), []).append(piece)
    found = []
    for (was, to), pieces in moved.items():
        union = pieces[0] if len(pieces) == 1 else shapely.union_all(np.array(pieces, dtype=object))
        parts = _significant(union, frame, min_area_m2, min_width_m)
        found += [ChangedArea(was, to, part, float(area)) for part, area in zip(parts, frame.area(parts))]
    return sorted(found, key=lambda c: (-c.area_m2, c.before, c.after))


def _wider_than(parts: np.ndarray, areas: np.ndarray, frame: MetricFrame, width_m: float) -> np.ndarray:
    """Which parts are somewhere wider than ``width_m``. A part's mean width (twice its area over its
    perimeter) is at most its largest inscribed circle's diameter, so only the parts whose mean width is
    below the tolerance need that circle (slivers and ragged shapes: few)."""
    if not len(parts) or width_m <= 0:
        return np.ones(len(parts), dtype=bool)
    metric = frame.to_metric(parts)
    mean_width = 2 * areas / np.maximum(shapely.length(metric), 1e-9)
    wide = mean_width >= width_m
    for k in np.flatnonzero(~wide):
        radius = shapely.length(shapely.maximum_inscribed_circle(metric[k], tolerance=width_m / 20))
        wide[k] = 2 * radius >= width_m
    return wide
