"""Side of a road, stretch and 四至 decided from gazetteer points (synthetic, realistic layouts).

Roads are laid out in metres around a point in Hangzhou; addresses stand every 20 m on both
sides, 12-18 m from the centre line, with a little jitter, as in a real gazetteer.
"""

from __future__ import annotations

import math
import random

import pytest

from enroll.geo.road_sides import on_side, within_bounds, within_stretch

LON0, LAT0 = 120.15, 30.25
KX = 111_320 * math.cos(math.radians(LAT0))


def ll(x: float, y: float) -> tuple[float, float]:
    """(lon, lat) of a point x metres east and y metres north of the origin."""
    return LON0 + x / KX, LAT0 + y / 111_320


def houses(centre, length: float, step: float = 20.0, seed: int = 1, sides=(1, -1)):
    """Address points along a centre line ``centre(s) -> (x, y)`` for s in [0, length]."""
    rng = random.Random(seed)
    out = []
    s = 0.0
    while s <= length:
        (x0, y0), (x1, y1) = centre(s), centre(s + 0.5)
        norm = math.hypot(x1 - x0, y1 - y0)
        nx, ny = -(y1 - y0) / norm, (x1 - x0) / norm  # left of the direction of travel
        for side in sides:
            off = side * rng.uniform(12, 18)
            out.append(ll(x0 + nx * off + rng.uniform(-3, 3), y0 + ny * off + rng.uniform(-3, 3)))
        s += step
    return out


def east_west(y=0.0, x0=0.0):
    return lambda s: (x0 + s, y)


def north_south(x=0.0, y0=0.0):
    return lambda s: (x, y0 + s)


def diagonal(s):
    return s / math.sqrt(2), s / math.sqrt(2)


def curve(s):
    """A road winding gently east: 150 m either side of a straight line over 2 km."""
    return s, 150 * math.sin(s / 500)


EW = houses(east_west(), 1500)
NS = houses(north_south(), 1500, seed=2)
DIAGONAL = houses(diagonal, 1200, seed=3)
CURVE = houses(curve, 2000, seed=4)


# --- sides ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "point,side,expected",
    [
        ((700, -40), "south", True),
        ((700, -40), "north", False),
        ((700, 40), "south", False),
        ((700, 40), "north", True),
        ((700, -15), "south", True),  # an address on the road itself
        ((5, 20), "north", True),  # near the first address
        ((1495, -20), "south", True),  # near the last one
        ((700, -40), "east", None),  # an east-west road has no east side
        ((700, 1), "south", None),  # on the centre line
        ((1700, -40), "south", None),  # beyond the last address
        ((-200, -40), "south", None),  # before the first
    ],
)
def test_east_west_road(point, side, expected):
    assert on_side(ll(*point), EW, side) is expected


@pytest.mark.parametrize(
    "point,side,expected",
    [((30, 500), "east", True), ((30, 500), "west", False), ((-30, 900), "west", True),
     ((30, 500), "south", None), ((30, 1800), "east", None)],
)  # fmt: skip
def test_north_south_road(point, side, expected):
    assert on_side(ll(*point), NS, side) is expected


def test_diagonal_road_has_all_four_sides():
    s = 600 / math.sqrt(2)
    south_east = ll(s + 20 / math.sqrt(2), s - 20 / math.sqrt(2))
    north_west = ll(s - 20 / math.sqrt(2), s + 20 / math.sqrt(2))
    assert on_side(south_east, DIAGONAL, "south") is True
    assert on_side(south_east, DIAGONAL, "east") is True
    assert on_side(south_east, DIAGONAL, "north") is False
    assert on_side(north_west, DIAGONAL, "west") is True
    assert on_side(north_west, DIAGONAL, "south") is False


@pytest.mark.parametrize("s", [100, 400, 785, 1000, 1300, 1571, 1900])
def test_gently_curving_road(s):
    (x0, y0), (x1, y1) = curve(s), curve(s + 0.5)
    norm = math.hypot(x1 - x0, y1 - y0)
    left = (-(y1 - y0) / norm, (x1 - x0) / norm)  # north-ish, the road runs east
    north = ll(x0 + left[0] * 30, y0 + left[1] * 30)
    south = ll(x0 - left[0] * 30, y0 - left[1] * 30)
    assert on_side(north, CURVE, "north") is True
    assert on_side(north, CURVE, "south") is False
    assert on_side(south, CURVE, "south") is True
    assert on_side(south, CURVE, "north") is False


def test_too_few_points_or_no_line_cannot_decide():
    assert on_side(ll(0, -30), [ll(0, 0), ll(100, 0)], "south") is None
    assert on_side(ll(0, -30), [], "south") is None
    blob = [ll(random.Random(i).uniform(-20, 20), random.Random(i + 99).uniform(-20, 20)) for i in range(20)]
    assert on_side(ll(0, -30), blob, "south") is None


def test_one_sided_addresses_still_tell_far_points():
    """Only the odd side is in the gazetteer: its own line is offset, but far points are clear."""
    odd = houses(east_west(), 1000, sides=(1,))
    assert on_side(ll(500, -80), odd, "south") is True
    assert on_side(ll(500, 90), odd, "north") is True


def test_unknown_side_is_an_error():
    with pytest.raises(ValueError):
        on_side(ll(0, 0), EW, "up")


# --- stretches -----------------------------------------------------------------------------------

LONG = houses(east_west(), 2000, seed=5)
A_ROAD = houses(north_south(x=500, y0=-600), 1200, seed=6)  # crosses at x=500
B_ROAD = houses(north_south(x=1500, y0=-600), 1200, seed=7)  # crosses at x=1500


@pytest.mark.parametrize(
    "point,expected",
    [((1000, -30), True), ((520, -30), True), ((1480, -30), True), ((300, -30), False),
     ((1700, -30), False), ((1000, 30), False)],
)  # fmt: skip
def test_side_within_a_stretch(point, expected):
    assert on_side(ll(*point), LONG, "south", (A_ROAD, B_ROAD)) is expected
    assert on_side(ll(*point), LONG, "south", (B_ROAD, A_ROAD)) is expected  # ends in any order


def test_stretch_end_known_only_far_from_the_road():
    """A T-junction whose gazetteer starts 200 m away: its own line is extended to the road."""
    far = houses(north_south(x=500, y0=200), 400, seed=8)
    assert within_stretch(ll(800, -30), LONG, (far, B_ROAD)) is True
    assert within_stretch(ll(400, -30), LONG, (far, B_ROAD)) is False


def test_stretch_end_with_a_single_point_uses_its_projection():
    corner = [ll(505, 20)]
    assert within_stretch(ll(800, -30), LONG, (corner, B_ROAD)) is True
    assert within_stretch(ll(450, -30), LONG, (corner, B_ROAD)) is False


def test_stretch_on_a_curving_road():
    a_end = houses(north_south(x=600, y0=-400), 800, seed=9)
    b_end = houses(north_south(x=1400, y0=-400), 800, seed=10)
    inside, outside = curve(1000), curve(300)
    assert within_stretch(ll(inside[0], inside[1] - 30), CURVE, (a_end, b_end)) is True
    assert within_stretch(ll(outside[0], outside[1] - 30), CURVE, (a_end, b_end)) is False
    assert on_side(ll(inside[0], inside[1] - 30), CURVE, "south", (a_end, b_end)) is True


def test_outside_the_stretch_is_enough_when_the_side_cannot_be_told():
    assert on_side(ll(300, 1), LONG, "south", (A_ROAD, B_ROAD)) is False  # on the centre line, before A路
    assert on_side(ll(1000, 1), LONG, "south", (A_ROAD, B_ROAD)) is None


def test_stretch_end_without_points_cannot_decide():
    assert on_side(ll(1000, -30), LONG, "south", (A_ROAD, [])) is None
    assert within_stretch(ll(1000, -30), LONG, ([], B_ROAD)) is None


# --- 四至 -----------------------------------------------------------------------------------------

WEST = houses(north_south(x=0), 1000, seed=11)
EAST = houses(north_south(x=1000), 1000, seed=12)
SOUTH = houses(east_west(y=0), 1000, seed=13)
NORTH = houses(east_west(y=1000), 1000, seed=14)
SQUARE = {"west": WEST, "east": EAST, "south": SOUTH, "north": NORTH}


@pytest.mark.parametrize(
    "point,expected",
    [((500, 500), True), ((100, 900), True), ((1200, 500), False), ((-150, 500), False),
     ((500, -100), False), ((500, 1150), False), ((1300, 1300), False)],
)  # fmt: skip
def test_within_four_bounds(point, expected):
    assert within_bounds(ll(*point), SQUARE) is expected


def test_two_or_three_bounds_are_enough():
    two = {"west": WEST, "east": EAST}
    assert within_bounds(ll(500, 5000), two) is True  # nothing bounds it north or south
    assert within_bounds(ll(1500, 500), two) is False
    three = {"west": WEST, "east": EAST, "north": NORTH}
    assert within_bounds(ll(500, -300), three) is True
    assert within_bounds(ll(500, 1300), three) is False


def test_a_boundary_goes_on_beyond_its_known_addresses():
    short_east = houses(north_south(x=1000, y0=400), 200, seed=15)  # only 400-600 m known
    bounds = {"west": WEST, "east": short_east, "south": SOUTH, "north": NORTH}
    assert within_bounds(ll(500, 900), bounds) is True
    assert within_bounds(ll(1100, 100), bounds) is False


def test_a_bound_without_points_cannot_decide():
    assert within_bounds(ll(500, 500), {"west": WEST, "east": []}) is None
    assert within_bounds(ll(500, 500), {}) is None


def test_a_boundary_running_the_wrong_way_cannot_decide():
    assert within_bounds(ll(500, 500), {"east": SOUTH}) is None


def test_enclosure_without_directions_is_inside_all_its_roads():
    """A路、B路、C路、D路围合区域: inside the ring the four roads make where they cross, also when
    the roads go on beyond it."""
    long_west = houses(north_south(x=0, y0=-2000), 5000, seed=16)
    long_south = houses(east_west(y=0, x0=-2000), 5000, seed=17)
    ring = {"around1": long_west, "around2": NORTH, "around3": EAST, "around4": long_south}
    assert within_bounds(ll(500, 500), ring) is True
    assert within_bounds(ll(950, 60), ring) is True
    assert within_bounds(ll(1300, 500), ring) is False
    assert within_bounds(ll(500, -200), ring) is False
    assert within_bounds(ll(-1500, 500), ring) is False  # beside the long west road, outside the ring
    assert within_bounds(ll(500, 500), {**ring, "around4": []}) is None
    assert within_bounds(ll(500, 500), {"around1": WEST, "around2": EAST}) is None  # two roads enclose nothing
    triangle = {"around1": long_west, "around2": long_south, "around3": houses(diagonal_down, 1400, seed=18)}
    assert within_bounds(ll(200, 200), triangle) is True
    assert within_bounds(ll(800, 800), triangle) is False


def diagonal_down(s):
    """From (0, 1000) down to (1000, 0)."""
    return s / math.sqrt(2), 1000 - s / math.sqrt(2)
