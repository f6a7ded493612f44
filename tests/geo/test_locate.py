"""STRtreeLocator: the zones containing a point, and whether it is within 50 m of an edge."""
import pytest

from enroll.geo.locate import STRtreeLocator
from locator_cases import CASES, ZONES, metres


@pytest.fixture(scope="module")
def locator():
    return STRtreeLocator(list(ZONES.items()))


@pytest.mark.parametrize("east, north, keys, near", CASES)
def test_locate(locator, east, north, keys, near):
    located = locator.locate(*metres(east, north))
    assert set(located.keys) == set(keys) and located.near_boundary is near


def test_empty_locator_finds_nothing():
    located = STRtreeLocator([]).locate(120.2, 30.2)
    assert located.keys == () and not located.near_boundary


def test_grid_answers_as_the_tree_does_everywhere(locator):
    """Random points, points on zone edges and on grid lines: the grid gives the tree's exact answer."""
    import numpy as np

    rng = np.random.default_rng(5)
    pts = [metres(e, n) for e, n in rng.uniform(-200, 2200, (5000, 2))]
    pts += [metres(1000, n) for n in range(-100, 1100, 7)]  # the A|B edge
    pts += [metres(e, 0) for e in range(-100, 2100, 7)]     # the southern edge of all three
    pts += [(locator.x0 + i * locator.dx / locator.scale, locator.y0 + j * locator.dy)
            for i in range(0, locator.cols + 1, 3) for j in range(0, locator.rows + 1, 5)]  # grid lines
    for lon, lat in pts:
        assert locator.locate(lon, lat) == locator.locate_exactly(lon, lat), (lon, lat)


def test_most_points_need_no_geometry_test(locator):
    assert (locator.cell_answer >= 0).mean() > 0.5  # the answer kept: no geometry at all


def test_realistic_zones_answer_exactly_and_build_fast():
    """Wiggly zones sharing their edges (about 1,000 vertices each, as real ones): the grid gives the
    exact answer on random points and along the edges, and building takes no buffer of any zone."""
    import time

    import numpy as np
    import shapely

    from support import wiggly_zones

    zones = wiggly_zones(30)
    start = time.process_time()
    locator = STRtreeLocator(list(enumerate(zones)))
    assert time.process_time() - start < 1.0
    rng = np.random.default_rng(11)
    minx, miny, maxx, maxy = shapely.total_bounds(zones)
    pts = np.column_stack([rng.uniform(minx, maxx, 3000), rng.uniform(miny, maxy, 3000)]).tolist()
    edge = shapely.get_coordinates(shapely.segmentize(zones[0].exterior, 0.0002))  # on, and beside, an edge
    pts += [(x + dx, y) for x, y in edge.tolist() for dx in (0.0, 0.00045, -0.00045, 0.0006)]
    near = 0
    for lon, lat in pts:
        located = locator.locate(lon, lat)
        assert located == locator.locate_exactly(lon, lat), (lon, lat)
        near += located.near_boundary
    assert 0.1 < near / len(pts) < 0.9  # both answers are exercised
