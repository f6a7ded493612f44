"""STRtreeLocator: the zones containing a point, and whether it is within 50 m of an edge."""
import pytest
import shapely

from enroll.geo.locate import METRES_PER_DEGREE, STRtreeLocator

LAT = 30.2
DEG_LAT = 1 / METRES_PER_DEGREE  # one metre north-south, in degrees


def metres(east: float, north: float) -> tuple[float, float]:
    """(lon, lat) of a point ``east``/``north`` metres from (120.2, LAT)."""
    import math
    return 120.2 + east * DEG_LAT / math.cos(math.radians(LAT)), LAT + north * DEG_LAT


def square(x0: float, y0: float, size: float = 1000.0):
    return shapely.Polygon([metres(x0, y0), metres(x0 + size, y0), metres(x0 + size, y0 + size), metres(x0, y0 + size)])


@pytest.fixture(scope="module")
def locator():
    # two zones side by side (A west, B east), and C overlapping the east half of B (a multi-school overlap)
    return STRtreeLocator([("A", square(0, 0)), ("B", square(1000, 0)), ("C", square(1500, 0, 500))])


@pytest.mark.parametrize("east, north, keys, near", [
    (500, 500, ("A",), False),        # middle of A
    (970, 500, ("A",), True),         # 30 m from the A|B edge
    (1030, 500, ("B",), True),        # 30 m on the other side
    (920, 500, ("A",), False),        # 80 m from any edge
    (500, 1030, (), True),            # outside, 30 m from A's outer edge
    (500, 1200, (), False),           # outside, far
    (1750, 250, ("B", "C"), False),   # inside both B and C, 250 m from every edge of C
])
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
    fixed = sum(answer is not None for answer in locator.answers)
    assert fixed / len(locator.answers) > 0.5
