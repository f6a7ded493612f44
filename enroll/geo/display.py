"""Preparing zones for display: gap-free simplification and neighbour-aware colouring."""
from __future__ import annotations

import shapely
from shapely.geometry.base import BaseGeometry


def simplify_for_display(geoms: list[BaseGeometry], tolerance_deg: float) -> list[BaseGeometry]:
    """Simplify a coverage so shared edges stay shared (no gaps or slivers open between zones).

    Falls back to per-geometry topology-preserving simplification when the input is not a valid
    coverage (e.g. zones that overlap), which keeps each zone valid.
    """
    if not geoms:
        return []
    if shapely.coverage_is_valid(geoms):
        return list(shapely.coverage_simplify(geoms, tolerance_deg, simplify_boundary=True))
    return [shapely.simplify(g, tolerance_deg, preserve_topology=True) for g in geoms]


def color_indices(geoms: list[BaseGeometry], palette_size: int = 8) -> list[int]:
    """Greedy colouring so that zones sharing a boundary get different colour indices.

    Zones are visited largest-degree first (Welsh–Powell); with ``palette_size`` ≥ 5 a planar map
    practically never needs to reuse a neighbour's colour, and if it must the least-used is taken.
    """
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    neighbours: list[set[int]] = [set() for _ in geoms]
    for a, b in zip(left.tolist(), right.tolist()):
        if a != b:
            neighbours[a].add(b)
            neighbours[b].add(a)
    colors = [-1] * len(geoms)
    for i in sorted(range(len(geoms)), key=lambda k: -len(neighbours[k])):
        used = {colors[n] for n in neighbours[i]}
        free = [c for c in range(palette_size) if c not in used]
        colors[i] = free[0] if free else min(range(palette_size), key=colors.count)
    return colors
