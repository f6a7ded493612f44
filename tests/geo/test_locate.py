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
    fixed = sum(answer is not None for answer in locator.answers)
    assert fixed / len(locator.answers) > 0.5
