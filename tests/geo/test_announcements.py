"""Whole announcements in four district styles: they parse, and addresses find exactly their schools.

The fixtures (tests/data/announcements, see its README) are small announcements written in
the styles real districts publish: Shanghai lanes 弄, a road-bounded city district with 四至
and landmarks, a county of villages and groups 组, a street list with shared zones. Each
comes with addresses and the schools that must answer them.

An address is answered the way a lookup should: by the words of each clause
(clause_matches); a side-of-road or stretch clause that matches by words is narrowed with
the address's point when it has one (road_sides.on_side / within_stretch); a 四至 clause is
answered from the point only (road_sides.within_bounds), minus its exclusions. Points and
the roads' gazetteer points come from LAYOUT, a plan of the city district in metres.
"""

from __future__ import annotations

import math
import random
from functools import cache
from pathlib import Path

import pytest

from enroll.geo.address import parse_address
from enroll.geo.road_sides import on_side, within_bounds, within_stretch
from enroll.geo.rules import Clause, clause_matches, index_keys, parse_rules

DATA = Path(__file__).resolve().parents[1] / "data" / "announcements"
DISTRICTS = ["shanghai_lanes", "city_bounded", "county_villages", "street_list"]

LON0, LAT0 = 112.60, 26.89
KX = 111_320 * math.cos(math.radians(LAT0))

# The city district in metres: (x0, y0) -> (x1, y1) of each road or landmark with addresses.
LAYOUT = {
    "和平西路": ((-500, 0), (3500, 0)),
    "解放路": ((-500, 1000), (3500, 1000)),
    "铁路": ((-500, 2000), (3500, 2000)),
    "先锋路": ((500, -1500), (500, 2500)),
    "雁城路": ((1500, -1500), (1500, 2500)),
    "湘江": ((2500, -1500), (2500, 2500)),
    "文化路": ((3000, -500), (3000, 2500)),
    "电缆厂围墙": ((0, -1000), (2000, -1000)),
    "西环路": ((-500, -500), (-500, 2500)),
}


def ll(x: float, y: float) -> tuple[float, float]:
    return LON0 + x / KX, LAT0 + y / 111_320


@cache
def gazetteer(name: str) -> tuple[tuple[float, float], ...]:
    """Points of the addresses along a road of LAYOUT (both sides, every 25 m); none if unknown."""
    if name not in LAYOUT:
        return ()
    (x0, y0), (x1, y1) = LAYOUT[name]
    length = math.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    rng = random.Random(name)
    points = []
    for i in range(int(length // 25) + 1):
        for side in (1, -1):
            off = side * rng.uniform(12, 18)
            points.append(ll(x0 + ux * 25 * i - uy * off, y0 + uy * 25 * i + ux * off))
    return tuple(points)


def read_plan(district: str) -> dict[str, str]:
    """School -> its catchment text, from the ``== school`` blocks of the fixture."""
    schools: dict[str, list[str]] = {}
    for line in (DATA / f"{district}.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if line.startswith("== "):
            current = schools.setdefault(line[3:].strip(), [])
        elif line.strip():
            current.append(line)
    return {school: "\n".join(lines) for school, lines in schools.items()}


def read_expected(district: str) -> list[tuple[str, set[str], tuple[float, float] | None]]:
    out = []
    for line in (DATA / f"{district}.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        address, schools, *point = line.split("\t")
        xy = tuple(float(v) for v in point[0].split(",")) if point else None
        out.append((address, set() if schools == "-" else set(schools.split("|")), ll(*xy) if xy else None))
    return out


@cache
def parsed(district: str) -> dict[str, list[Clause]]:
    return {school: parse_rules(text) for school, text in read_plan(district).items()}


def answers(clause: Clause, parts, point) -> bool:
    """Whether ``clause`` answers the address: by words, then by its point where words cannot tell."""
    if clause.kind == "bounded":
        if point is None:
            return False
        inside = within_bounds(point, {side: gazetteer(name) for side, name in clause.bounds.items()})
        return inside is True and not any(clause_matches(x, parts) for x in clause.exclusions)
    if not clause_matches(clause, parts):
        return False
    if clause.ambiguous in ("side", "stretch") and point is not None and gazetteer(clause.road):
        ends = tuple(gazetteer(name) for name in clause.stretch) if clause.stretch else None
        if clause.side:
            decided = on_side(point, gazetteer(clause.road), clause.side, ends)
        else:
            decided = within_stretch(point, gazetteer(clause.road), ends)
        return decided is not False
    return True


def schools_for(district: str, address: str, point) -> set[str]:
    parts = parse_address(address)
    return {school for school, clauses in parsed(district).items() if any(answers(c, parts, point) for c in clauses)}


@pytest.mark.parametrize("district", DISTRICTS)
def test_fixture_is_realistic_in_size(district):
    assert 8 <= len(read_plan(district)) <= 15
    assert len(read_expected(district)) >= 25


@pytest.mark.parametrize("district", DISTRICTS)
def test_almost_every_clause_parses(district):
    clauses = [c for cs in parsed(district).values() for c in cs]
    unparsed = [(c.text, c.error) for c in clauses if c.kind == "unparsed"]
    assert len(unparsed) <= 0.05 * len(clauses), unparsed


@pytest.mark.parametrize("district", DISTRICTS)
def test_nothing_of_a_school_text_is_dropped(district):
    def significant(s):
        return [ch for ch in s if ch not in "、，,；;。:：" and not ch.isspace()]

    for school, text in read_plan(district).items():
        quoted = "".join(c.text for c in parsed(district)[school])
        body = "".join(significant(text))
        # every written character is quoted; numbering (1. ① （1）) is the only thing left out
        assert set(significant(quoted)) <= set(body), school
        missing = [ch for ch in body if ch not in quoted]
        assert all(ch in "0123456789.()（）①②③④⑤⑥⑦⑧⑨" for ch in missing), (school, missing)


@pytest.mark.parametrize(
    "district,address,expected,point",
    [(d, a, e, p) for d in DISTRICTS for a, e, p in read_expected(d)],
    ids=[f"{d}-{a}-{i}" for d in DISTRICTS for i, (a, _, _) in enumerate(read_expected(d))],
)
def test_address_finds_exactly_its_schools(district, address, expected, point):
    assert schools_for(district, address, point) == expected


@pytest.mark.parametrize("district", DISTRICTS)
def test_index_keys_find_every_word_match(district):
    """A lookup index filing clauses under index_keys finds every clause that matches by words."""
    for address, _, _ in read_expected(district):
        parts = parse_address(address)
        names = {n for n in (parts.road, parts.estate, parts.village) if n}
        if parts.road and parts.estate:
            names.add(parts.road + parts.estate)
        for clauses in parsed(district).values():
            for clause in clauses:
                if not clause_matches(clause, parts):
                    continue
                keys = index_keys(clause)
                if clause.kind == "place":
                    assert all(k in parts.normalized for k in keys), (address, clause.text)
                else:
                    assert set(keys) & names, (address, clause.text, keys)
