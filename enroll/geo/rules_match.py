"""What a catchment clause means: the clause model, its construction, and the addresses it covers.

enroll.geo.rules parses the official 划片范围 text with the grammar and hands each
item's parts (``Spec`` / ``Part``) to ``build``, which checks them and returns a
``Clause``. ``clause_matches`` decides whether a parsed address
(enroll.geo.address.parse_address) falls under a clause.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import NamedTuple

from .address import AddressParts, normalize, strip_admin

OPEN_END = 99999  # end of a range that has none: 文澜路单号 is NumberRange(1, OPEN_END, "odd", "号")


@dataclass(frozen=True)
class NumberRange:
    """Door numbers start..end (inclusive) of one parity; ``unit`` 号, 弄 or "mixed" (811弄-827号)."""

    start: int
    end: int
    parity: str  # "all" | "odd" | "even"
    unit: str
    suffix: str | None = None  # only on a single number: 128号附1 -> start=end=128, suffix "附1"


# Why a clause's meaning is uncertain (``Clause.ambiguous``); a lookup answered by such a clause
# carries a caveat. "side"/"stretch": a side of a road or a stretch without door numbers, all of
# the road matches; "no_unit": numbers written without 号/弄, read as 号; "mixed_unit": 811弄-827号;
# "bounded": a 四至 area, answerable only from points; "area": an administrative area (镇, 街道,
# 居委) whose addresses need not name it.
AMBIGUOUS_REASONS = ("side", "stretch", "no_unit", "mixed_unit", "bounded", "area")
DIRECTIONS = ("east", "west", "south", "north")


@dataclass
class Clause:
    """One clause of a catchment text, minus its exclusions.

    Kinds: "road" (part of a road), "lane" (弄), "estate" (小区, buildings 幢), "village" (村,
    groups 组), "place" (a unit, factory, school, hospital, market, dormitory area or
    administrative area, by name: ``place``), "bounded" (a 四至 area: ``bounds`` maps east /
    west / south / north to the road or landmark bounding that side, or around1..aroundN to
    the roads enclosing it: A路、B路、C路、D路围合区域), "heading" (XX镇：, 招生范围：; its
    ``text`` names the area of what follows, it matches nothing) and "unparsed" (``error``
    says why). Estates also take groups (新塘社区1-6居民小组) and, like villages and places,
    door numbers in ``ranges`` (仙霞新村1-30号).
    """

    line: int
    text: str
    kind: str  # "road" | "lane" | "estate" | "village" | "place" | "bounded" | "heading" | "unparsed"
    road: str | None = None
    ranges: list[NumberRange] = field(default_factory=list)
    lane: int | None = None
    side: str | None = None
    stretch: tuple[str, str] | None = None
    estate: str | None = None
    buildings: list[tuple[int, int]] = field(default_factory=list)
    village: str | None = None
    groups: list[tuple[int, int]] = field(default_factory=list)
    exclusions: list[Clause] = field(default_factory=list)
    ambiguous: str | None = None
    error: str | None = None
    place: str | None = None
    bounds: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """A JSON-serialisable copy (tuples become lists once dumped), for display and storage."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Clause:
        """Rebuild a clause stored with ``to_dict`` (after a JSON round trip)."""
        values = dict(data)
        values["ranges"] = [NumberRange(**r) for r in data.get("ranges", [])]
        values["buildings"] = [tuple(b) for b in data.get("buildings", [])]
        values["groups"] = [tuple(g) for g in data.get("groups", [])]
        values["stretch"] = tuple(data["stretch"]) if data.get("stretch") else None
        values["exclusions"] = [cls.from_dict(x) for x in data.get("exclusions", [])]
        values["bounds"] = dict(data.get("bounds") or {})
        return cls(**values)


class RuleError(ValueError):
    """A clause the grammar accepts but that makes no sense; ``pos`` is in the canonical line."""

    def __init__(self, message: str, pos: int):
        super().__init__(message)
        self.pos = pos


class Spec(NamedTuple):
    """Numbers with their unit as the grammar read them (rule ``numspec``, or ``bare``: unit None)."""

    nums: tuple[tuple[int, int], ...]
    unit: str | None  # None: written without a unit (安顺路134-358), read as 号
    to: tuple[int, str] | None  # 1号至99号: nums ((1, 1),), unit 号, to (99, 号)
    suffix: str | None


class Part(NamedTuple):
    """One part of an item after its place name; ``pos`` is in the canonical line."""

    tag: str  # spec | parity | side | area | whole | stretch
    value: object
    pos: int


# --- from parts to clauses -----------------------------------------------------------------


class _Ranges:
    """Collects door-number ranges and attaches 单号/双号 to the numbers before or after them."""

    def __init__(self):
        self.items: list[NumberRange] = []
        self.last: int | None = None  # index of the last spec's ranges while a parity may follow
        self.pending: str | None = None  # parity written before its numbers (单号1-99号)

    def add(self, new: list[NumberRange]) -> None:
        """Ranges of one number spec, taking a parity written before them."""
        if self.pending:
            new, self.pending, self.last = [replace(r, parity=self.pending) for r in new], None, None
        else:
            self.last = len(self.items)
        self.items += new

    def parity(self, value: str, pos: int) -> None:
        """单号/双号 right after numbers applies to them; otherwise to the numbers that follow."""
        if self.last is not None:
            self.items[self.last :] = [replace(r, parity=value) for r in self.items[self.last :]]
            self.last = None
        elif self.pending is None:
            self.pending = value
        else:
            raise RuleError("two parities in a row", pos)

    def other(self) -> None:
        """Something else came between numbers and a parity: they no longer belong together."""
        self.last = None

    def open(self, direction: str, pos: int) -> None:
        """100号以上 / 以后 (``up``): 100 and every number after it; 以下 / 以前 (``down``): 1 to 100."""
        if self.last is None or len(self.items) - self.last != 1 or self.items[-1].start != self.items[-1].end:
            raise RuleError("以上 / 以下 needs a single number before it", pos)
        r = self.items[-1]
        self.items[-1] = replace(r, end=OPEN_END, suffix=None) if direction == "up" else replace(r, start=1, suffix=None)

    def finish(self) -> list[NumberRange]:
        """The ranges; a parity with no numbers means every number of that parity (文澜路单号)."""
        if self.pending:
            self.items.append(NumberRange(1, OPEN_END, self.pending, "号"))
        return self.items


def _is_lane_head(spec: Spec) -> bool:
    """A single 弄 number with nothing else: 文澜路100弄 (then maybe 1-11号 inside it)."""
    return spec.unit == "弄" and spec.to is None and len(spec.nums) == 1 and spec.nums[0][0] == spec.nums[0][1]


def _door_ranges(spec: Spec, pos: int) -> list[NumberRange]:
    """Ranges of 号/弄 numbers; 128-1号 (end before start, unit 号) is number 128 with suffix "-1".

    Numbers without a unit are read as 号 (the caller marks the clause ambiguous).
    """
    unit = spec.unit or "号"
    for written in (unit, spec.to[1] if spec.to else "号"):
        if written not in ("号", "弄"):
            raise RuleError(f"{written} numbers cannot follow a road", pos)
    if spec.to:
        (start, end), (to, to_unit) = spec.nums[0], spec.to
        if len(spec.nums) > 1 or start != end or to < start or spec.suffix:
            raise RuleError("malformed range", pos)
        return [NumberRange(start, to, "all", unit if unit == to_unit else "mixed")]
    if len(spec.nums) == 1 and spec.nums[0][1] < spec.nums[0][0] and unit == "号" and not spec.suffix:
        return [NumberRange(spec.nums[0][0], spec.nums[0][0], "all", "号", f"-{spec.nums[0][1]}")]
    out = []
    for start, end in spec.nums:
        if end < start:
            raise RuleError(f"range {start}-{end} ends before it starts", pos)
        out.append(NumberRange(start, end, "all", unit))
    if spec.suffix:
        if len(out) != 1 or out[0].start != out[0].end:
            raise RuleError("a suffix needs a single number", pos)
        out = [replace(out[0], suffix=spec.suffix)]
    return out


def _road_clause(road: str, parts: list[Part], lane: int | None = None) -> Clause:
    """A road clause, or a lane clause when it starts with a single 弄 number (or ``lane`` is given)."""
    clause = Clause(0, "", "road" if lane is None else "lane", road=road, lane=lane)
    ranges, no_unit, partial = _Ranges(), False, False
    for part in parts:
        if part.tag == "spec" and clause.lane is None and not ranges.items and _is_lane_head(part.value):
            clause.kind, clause.lane = "lane", part.value.nums[0][0]
        elif part.tag == "spec":
            new = _door_ranges(part.value, part.pos)
            if clause.lane is not None and any(r.unit != "号" for r in new):
                raise RuleError("only 号 numbers can follow a lane (弄)", part.pos)
            no_unit = no_unit or part.value.unit is None
            ranges.add(new)
        elif part.tag == "parity":
            ranges.parity(part.value, part.pos)
        elif part.tag == "open":
            ranges.open(part.value, part.pos)
        else:
            ranges.other()
            if part.tag in ("side", "area"):
                clause.side = part.value
            elif part.tag == "stretch":
                clause.stretch = part.value
            partial = partial or part.tag == "partial"
    clause.ranges = ranges.finish()
    clause.ambiguous = _road_ambiguity(clause, no_unit, partial)
    return clause


def _road_ambiguity(clause: Clause, no_unit: bool, partial: bool) -> str | None:
    """Why a road or lane clause is uncertain: a side or stretch without numbers, then the units.

    A stretch with only a parity (五一大道(芙蓉路至黄兴路)北侧(单号)) is still only part of the
    road; a side with a parity is not uncertain (the odd side is the odd numbers).
    """
    only_parity = all(r.start == 1 and r.end == OPEN_END for r in clause.ranges)
    if clause.kind == "road" and (clause.stretch and only_parity or partial):
        return "stretch"
    if clause.kind == "road" and not clause.ranges and clause.side:
        return "side"
    if any(r.unit == "mixed" for r in clause.ranges):
        return "mixed_unit"
    return "no_unit" if no_unit else None


_NOUNS = {"estate": ("幢", "an estate"), "village": ("组", "a village"), "place": ("幢", "a place")}


def _is_door_spec(spec: Spec) -> bool:
    """号 numbers (仙霞新村1-30号, 新泾五村15号): door numbers inside an estate, village or place."""
    return spec.unit == "号" and (spec.to is None or spec.to[1] == "号")


def _numbered_clause(kind: str, name: str, parts: list[Part]) -> Clause:
    """An estate or place (buildings 幢) or village (groups 组) clause; no numbers means all of it.

    Door numbers 号 (Shanghai 新村 and numbered 村 are addressed by them) go to ``ranges``.
    """
    unit, noun = _NOUNS[kind]
    pairs: list[tuple[int, int]] = []
    groups: list[tuple[int, int]] = []  # of an estate: 新塘社区1-6居民小组
    doors = _Ranges()
    partial = False
    for part in parts:
        if part.tag in ("whole", "partial"):
            partial = partial or part.tag == "partial"
            continue
        if part.tag == "parity" and doors.last is not None:
            doors.parity(part.value, part.pos)
            continue
        spec = part.value
        if part.tag == "spec" and _is_door_spec(spec):
            doors.add(_door_ranges(spec, part.pos))
            continue
        doors.other()
        if kind == "estate" and part.tag == "spec" and spec.unit == "组" and (not spec.to or spec.to[1] == "组"):
            groups += _pairs(spec, part.pos)
            continue
        if part.tag != "spec" or spec.unit != unit or spec.suffix or (spec.to and spec.to[1] != unit):
            what = part.tag if part.tag != "spec" else f"{spec.unit} numbers" if spec.unit else "numbers without a unit"
            raise RuleError(f"{what} cannot follow {noun} (expected {unit} or 号 numbers)", part.pos)
        pairs += _pairs(spec, part.pos)
    clause = Clause(0, "", kind, **{kind: name})
    clause.ranges = doors.finish()
    if kind == "village":
        clause.groups = pairs
    else:
        clause.buildings, clause.groups = pairs, groups
    clause.ambiguous = "area" if partial else None
    return clause


def _pairs(spec: Spec, pos: int) -> list[tuple[int, int]]:
    """(first, last) of 幢 / 组 numbers: 1-5幢, 1、3、5组, 1组至5组."""
    if spec.to:
        (start, end), to = spec.nums[0], spec.to[0]
        if len(spec.nums) > 1 or start != end or to < start:
            raise RuleError("malformed range", pos)
        return [(start, to)]
    for start, end in spec.nums:
        if end < start:
            raise RuleError(f"range {start}-{end} ends before it starts", pos)
    return list(spec.nums)


def continued_place(owner: Clause, parts: list[Part], pos: int = 0) -> tuple[str, str, int | None]:
    """(kind, name, lane) that bare numbers continue: the place of ``owner``; raises RuleError.

    After a lane clause, 号 numbers stay in that lane (文澜路100弄1-11号、13号) while 弄
    numbers start again on the road (文澜路100弄、102弄).
    """
    if owner.kind in ("road", "lane"):
        first = next((p.value for p in parts if p.tag == "spec"), None)
        stays = owner.lane is not None and first is not None and first.unit in ("号", None) and not first.to
        return "road", owner.road, owner.lane if stays else None
    if owner.kind in ("estate", "village", "place"):
        return owner.kind, getattr(owner, owner.kind), None
    raise RuleError("numbers without a road, estate or village before them", pos)


def build(kind: str, name: str, parts: list[Part], lane: int | None = None) -> Clause:
    """The clause for ``parts`` of a road (optionally inside ``lane``), estate, village or place; raises RuleError."""
    if kind == "road":
        return _road_clause(name, parts, lane)
    return _numbered_clause(kind, name, parts)


# --- matching --------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _key(name: str) -> str:
    """normalize(), cached: the same few names are compared again and again."""
    return normalize(name)


def _same(a: str | None, b: str | None) -> bool:
    """Two place names are the same after normalize()."""
    return a is not None and b is not None and _key(a) == _key(b)


_PHASE = re.compile(r"\d+期")


def _same_estate(name: str | None, address: AddressParts) -> bool:
    """The address's estate, also one named with its road (新华路双桥新村 = 新华路 + 双桥新村) or a
    phase of it (阳光花园 covers 阳光花园2期, 阳光花园1期 does not cover 阳光花园2期)."""
    if address.estate is None or name is None:
        return False
    key, estate = _key(name), address.estate
    if key == estate:
        return True
    if estate.startswith(key) and _PHASE.fullmatch(estate, len(key)):
        return True  # 阳光花园 covers 阳光花园2期
    return address.road is not None and key.endswith(estate) and key == address.road + estate


def _in_range(r: NumberRange, number: int | None, suffix: str | None) -> bool:
    """``number`` (with its ``suffix``) is inside ``r`` and has its parity."""
    if number is None or not r.start <= number <= r.end:
        return False
    if r.parity != "all" and number % 2 != (1 if r.parity == "odd" else 0):
        return False
    return r.suffix is None or (number == r.start == r.end and suffix == r.suffix)


def _road_numbers(ranges: list[NumberRange], address: AddressParts) -> bool:
    """Door number on the road: the lane (弄) if the address has one, else its 号 number."""
    if not ranges:
        return True
    in_lane = address.lane is not None
    number, suffix = (address.lane, None) if in_lane else (address.number, address.suffix)
    return any((r.unit != "弄" or in_lane) and _in_range(r, number, suffix) for r in ranges)


def _in_pairs(pairs: list[tuple[int, int]], value: int | None) -> bool:
    """No pairs: everything (also an address without that number); else value in one of them."""
    return not pairs or (value is not None and any(lo <= value <= hi for lo, hi in pairs))


@lru_cache(maxsize=4096)
def _place_key(name: str) -> str:
    """The key a place is found by in an address: normalized, without 县/区/镇 before it."""
    return strip_admin(normalize(name))


def _names_place(address: AddressParts, place: str) -> bool:
    """The address names ``place`` other than as part of its road's name (see clause_matches)."""
    key = _place_key(place)
    text = address.normalized
    if not key or key not in text:
        return False
    if address.road and key in address.road:
        return key in text.replace(address.road, "", 1)
    return True


def _covers(clause: Clause, address: AddressParts) -> bool:
    """The clause without its exclusions covers the address."""
    if clause.kind == "road":
        return _same(clause.road, address.road) and _road_numbers(clause.ranges, address)
    if clause.kind == "lane":
        if not _same(clause.road, address.road) or address.lane != clause.lane:
            return False
        return not clause.ranges or any(_in_range(r, address.lane_number, address.suffix) for r in clause.ranges)
    if clause.kind == "estate":
        if clause.groups and not _in_pairs(clause.groups, address.group):
            return False
        return _same_estate(clause.estate, address) and _inside(clause, clause.buildings, address.building, address)
    if clause.kind == "village":
        return _same(clause.village, address.village) and _inside(clause, clause.groups, address.group, address)
    if clause.kind == "place":
        return clause.place is not None and _names_place(address, clause.place) and _inside(
            clause, clause.buildings, address.building, address)
    return False


def _inside(clause: Clause, pairs: list[tuple[int, int]], value: int | None, address: AddressParts) -> bool:
    """Within an estate, village or place: its building / group in ``pairs`` and its 号 in the ranges
    (红星村5组12号 is house 12 of group 5; either list empty: no condition)."""
    if not _in_pairs(pairs, value):
        return False
    return not clause.ranges or any(_in_range(r, address.number, address.suffix) for r in clause.ranges)


def clause_matches(clause: Clause, address: AddressParts) -> bool:
    """Whether ``address`` falls under ``clause``. Names are compared after normalize().

    - road: same road, and the door number is in one of the ranges with its parity. The
      door number is the lane if the address has a 弄, else its 号 number. A range of unit
      弄 matches only lane addresses; 号 and "mixed" ranges match both. A single number
      with a suffix (128号附1) matches only that suffix; without one (128号) it matches
      128 with any suffix. No ranges (全段, bare road name) = every address on the road,
      also one without a number. Side (东侧) and stretch (青溪大道至建设路段) clauses without
      numbers match every address on the road: they carry ``ambiguous`` and the caller
      reports that (enroll.geo.road_sides decides them from points).
    - lane: same road and lane, and the number inside the lane in the ranges (any if none).
    - estate: same estate, and the building in ``buildings``; no buildings = the whole
      estate, also an address without a building. village: likewise with ``groups``. Door
      numbers 号 of an estate or village (仙霞新村1-30号) are in ``ranges``: the address's 号
      number must be in one (and its building / group in the pairs, if both are given:
      红星村5组12号).
    - place: the address names the place (its normalized text contains the place's name,
      so 电缆厂宿舍3幢 is under 电缆厂), and the building is in ``buildings`` if any. A road
      named after a place is a road, not the place: 电缆厂路18号 is not under 电缆厂 (unless
      the place is named again elsewhere in the address, 电缆厂路电缆厂宿舍).
    - bounded (四至) and heading clauses match no address by its words: a bounded area is
      decided from points (enroll.geo.road_sides.within_bounds).
    - exclusions: an address matched by any exclusion is not matched.
    - unparsed clauses match nothing.
    """
    if clause.kind == "unparsed" or not _covers(clause, address):
        return False
    return not any(clause_matches(excluded, address) for excluded in clause.exclusions)


def name_key(name: str) -> str:
    """The key ``index_keys`` files a road, estate or village under, for an address's own names."""
    return _key(name)


def index_keys(clause: Clause) -> tuple[str, ...]:
    """The normalized names a lookup index files ``clause`` under; empty for bounded, heading, unparsed.

    An address can only match the clause if one of its names equals the key: its road (road,
    lane), estate or village. A place clause is the exception: an address matches it when its
    normalized text contains the key (clause_matches), so an index must test containment for
    place keys (e.g. ``key in parts.normalized``) rather than look the address's names up.
    """
    if clause.kind in ("road", "lane"):
        names = (clause.road,)
    elif clause.kind in ("estate", "village"):
        names = (getattr(clause, clause.kind),)
    elif clause.kind == "place":
        return (_place_key(clause.place),) if clause.place else ()
    else:
        return ()
    return tuple(_key(n) for n in names if n)
