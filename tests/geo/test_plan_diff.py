"""Areas that change school between two zonings, on zones shaped like real ones (shared wiggly edges)."""
from __future__ import annotations

import numpy as np
import pytest
import shapely
from support import wiggly_zones

from enroll.geo.plan_diff import changed_areas

M2_PER_DEG2 = 111_320.0 ** 2 * np.cos(np.radians(30.2))  # near the cities' latitude


@pytest.fixture(scope="module")
def city():
    zones = wiggly_zones(60, vertices=400)
    return [((f"school {i}",), z) for i, z in enumerate(zones)]


def redrawn(zones, metres: float):
    """Every vertex moved by up to ``metres`` (the same move for a vertex neighbours share)."""
    step = metres / 111_320.0

    def move(xy):
        return xy + step * np.column_stack([np.sin(xy[:, 1] * 4000), np.cos(xy[:, 0] * 3000)])
    return [(keys, shapely.transform(z, move)) for keys, z in zones]


def pairs(found):
    return {(c.before, c.after) for c in found}


def test_identical_zonings_have_no_change(city):
    assert changed_areas(city, list(city)) == []


def test_a_zone_given_to_another_school_is_one_change_of_its_area(city):
    after = list(city)
    after[7] = (("school 8",), city[7][1])
    [change] = changed_areas(city, after)
    assert (change.before, change.after) == (("school 7",), ("school 8",))
    assert change.area_m2 == pytest.approx(shapely.area(city[7][1]) * M2_PER_DEG2, rel=0.01)
    assert shapely.equals_exact(shapely.normalize(change.geometry), shapely.normalize(city[7][1]), 1e-9)


def test_slivers_of_a_redrawn_line_are_no_change_but_a_real_move_is(city):
    after = redrawn(city, 3.0)
    after[3] = (("school 4",), after[3][1])
    assert pairs(changed_areas(city, after)) == {(("school 3",), ("school 4",))}
    # without the width tolerance the slivers between the two drawings would be changes
    assert len(changed_areas(city, after, min_width_m=0)) > 20


def test_a_closed_school_splits_between_neighbours_and_new_area_comes_from_no_zone(city):
    after = [z for z in city if z[0] != ("school 5",)]
    closed = city[5][1]
    neighbours = [i for i, (_k, z) in enumerate(after) if shapely.intersects(z, closed)][:2]
    xmin, ymin, xmax, ymax = shapely.bounds(closed)
    west = shapely.box(xmin, ymin, (xmin + xmax) / 2, ymax)
    for i, part in zip(neighbours, (shapely.intersection(closed, west), shapely.difference(closed, west))):
        after[i] = (after[i][0], shapely.union(after[i][1], part))
    east = shapely.total_bounds([z for _k, z in city])[2]
    after.append((("new school",), shapely.box(east, ymin, east + 0.01, ymax)))  # land the city did not cover
    found = changed_areas(city, after)
    assert {c.before for c in found} >= {("school 5",), ()}
    assert any(c.before == () and c.after == ("new school",) for c in found)  # beyond the old zones
    lost = sum(c.area_m2 for c in found if c.before == ("school 5",))
    assert lost == pytest.approx(shapely.area(closed) * M2_PER_DEG2, rel=0.01)
