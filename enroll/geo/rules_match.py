"""What a catchment clause means: the clause model, its construction, and the addresses it covers.

enroll.geo.rules parses the official 划片范围 text with the grammar and hands each
item's parts (``Spec`` / ``Part``) to ``build``, which checks them and returns a
``Clause``. ``clause_matches`` decides whether a parsed address
(enroll.geo.address.parse_address) falls under a clause.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import NamedTuple

from .address import AddressParts, normalize

OPEN_END = 99999  # end of a range that has none: 文澜路单号 is NumberRange(1, OPEN_END, "odd", "号")


@dataclass(frozen=True)
class NumberRange:
    """Door numbers start..end (inclusive) of one parity; ``unit`` 号, 弄 or "mixed" (811弄-827号)."""

    start: int
    end: int
    parity: str  # "all" | "odd" | "even"
    unit: str
    suffix: str | None = None  # only on a single number: 128号附1 -> start=end=128, suffix "附1"


@dataclass
class Clause:
    """One clause of a catchment text: a road (part), a lane, an estate or a village, minus exclusions."""

    line: int
    text: str
    kind: str  # "road" | "lane" | "estate" | "village" | "unparsed"
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
        return cls(**values)


class RuleError(ValueError):
    """A clause the grammar accepts but that makes no sense; ``pos`` is in the canonical line."""

    def __init__(self, message: str, pos: int):
        super().__init__(message)
        self.pos = pos


class Spec(NamedTuple):
    """Numbers with their unit as the grammar read them (rule ``numspec``)."""

    nums: tuple[tuple[int, int], ...]
    unit: str
    to: tuple[int, str] | None  # 1号至99号: nums ((1, 1),), unit 号, to (99, 号)
    suffix: str | None


class Part(NamedTuple):
    """One part of an item after its place name; ``pos`` is in the canonical line."""

    tag: str  # spec | parity | side | whole | stretch
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

    def finish(self) -> list[NumberRange]:
        """The ranges; a parity with no numbers means every number of that parity (文澜路单号)."""
        if self.pending:
            self.items.append(NumberRange(1, OPEN_END, self.pending, "号"))
        return self.items


def _is_lane_head(spec: Spec) -> bool:
    """A single 弄 number with nothing else: 文澜路100弄 (then maybe 1-11号 inside it)."""
    return spec.unit == "弄" and spec.to is None and len(spec.nums) == 1 and spec.nums[0][0] == spec.nums[0][1]


def _door_ranges(spec: Spec, pos: int) -> list[NumberRange]:
    """Ranges of 号/弄 numbers; 128-1号 (end before start, unit 号) is number 128 with suffix "-1"."""
    for unit in (spec.unit, spec.to[1] if spec.to else "号"):
        if unit not in ("号", "弄"):
            raise RuleError(f"{unit} numbers cannot follow a road", pos)
    if spec.to:
        (start, end), (to, to_unit) = spec.nums[0], spec.to
        if len(spec.nums) > 1 or start != end or to < start or spec.suffix:
            raise RuleError("malformed range", pos)
        return [NumberRange(start, to, "all", spec.unit if spec.unit == to_unit else "mixed")]
    if len(spec.nums) == 1 and spec.nums[0][1] < spec.nums[0][0] and spec.unit == "号" and not spec.suffix:
        return [NumberRange(spec.nums[0][0], spec.nums[0][0], "all", "号", f"-{spec.nums[0][1]}")]
    out = []
    for start, end in spec.nums:
        if end < start:
            raise RuleError(f"range {start}-{end} ends before it starts", pos)
        out.append(NumberRange(start, end, "all", spec.unit))
    if spec.suffix:
        if len(out) != 1 or out[0].start != out[0].end:
            raise RuleError("a suffix needs a single number", pos)
        out = [replace(out[0], suffix=spec.suffix)]
    return out


def _road_clause(road: str, parts: list[Part], lane: int | None = None) -> Clause:
    """A road clause, or a lane clause when it starts with a single 弄 number (or ``lane`` is given)."""
    clause = Clause(0, "", "road" if lane is None else "lane", road=road, lane=lane)
    ranges = _Ranges()
    for part in parts:
        if part.tag == "spec" and clause.lane is None and not ranges.items and _is_lane_head(part.value):
            clause.kind, clause.lane = "lane", part.value.nums[0][0]
        elif part.tag == "spec":
            new = _door_ranges(part.value, part.pos)
            if clause.lane is not None and any(r.unit != "号" for r in new):
                raise RuleError("only 号 numbers can follow a lane (弄)", part.pos)
            ranges.add(new)
        elif part.tag == "parity":
            ranges.parity(part.value, part.pos)
        else:
            ranges.other()
            if part.tag == "side":
                clause.side = part.value
            elif part.tag == "stretch":
                clause.stretch = part.value
    clause.ranges = ranges.finish()
    if clause.kind == "road" and not clause.ranges:
        clause.ambiguous = "stretch" if clause.stretch else "side" if clause.side else None
    return clause


def _numbered_clause(kind: str, name: str, parts: list[Part]) -> Clause:
    """An estate (buildings 幢) or village (groups 组) clause; no numbers means all of it."""
    unit, noun = ("幢", "an estate") if kind == "estate" else ("组", "a village")
    pairs: list[tuple[int, int]] = []
    for part in parts:
        if part.tag == "whole":
            continue
        spec = part.value
        if part.tag != "spec" or spec.unit != unit or spec.suffix or (spec.to and spec.to[1] != unit):
            what = f"{spec.unit} numbers" if part.tag == "spec" else part.tag
            raise RuleError(f"{what} cannot follow {noun} (expected {unit} numbers)", part.pos)
        if spec.to:
            (start, end), to = spec.nums[0], spec.to[0]
            if len(spec.nums) > 1 or start != end or to < start:
                raise RuleError("malformed range", part.pos)
            pairs.append((start, to))
            continue
        for start, end in spec.nums:
            if end < start:
                raise RuleError(f"range {start}-{end} ends before it starts", part.pos)
            pairs.append((start, end))
    clause = Clause(0, "", kind, **{kind: name})
    clause.buildings, clause.groups = (pairs, []) if kind == "estate" else ([], pairs)
    return clause


def continued_place(owner: Clause, parts: list[Part]) -> tuple[str, str, int | None]:
    """(kind, name, lane) that bare numbers continue: the place of ``owner``.

    After a lane clause, 号 numbers stay in that lane (文澜路100弄1-11号、13号) while 弄
    numbers start again on the road (文澜路100弄、102弄).
    """
    if owner.kind in ("road", "lane"):
        first = next((p.value for p in parts if p.tag == "spec"), None)
        stays = owner.lane is not None and first is not None and first.unit == "号" and not first.to
        return "road", owner.road, owner.lane if stays else None
    return owner.kind, getattr(owner, owner.kind), None


def build(kind: str, name: str, parts: list[Part], lane: int | None = None) -> Clause:
    """The clause for ``parts`` of a road (optionally inside ``lane``), estate or village; raises RuleError."""
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


def _covers(clause: Clause, address: AddressParts) -> bool:
    """The clause without its exclusions covers the address."""
    if clause.kind == "road":
        return _same(clause.road, address.road) and _road_numbers(clause.ranges, address)
    if clause.kind == "lane":
        if not _same(clause.road, address.road) or address.lane != clause.lane:
            return False
        return not clause.ranges or any(_in_range(r, address.lane_number, address.suffix) for r in clause.ranges)
    if clause.kind == "estate":
        return _same(clause.estate, address.estate) and _in_pairs(clause.buildings, address.building)
    if clause.kind == "village":
        return _same(clause.village, address.village) and _in_pairs(clause.groups, address.group)
    return False


def clause_matches(clause: Clause, address: AddressParts) -> bool:
    """Whether ``address`` falls under ``clause``. Names are compared after normalize().

    - road: same road, and the door number is in one of the ranges with its parity. The
      door number is the lane if the address has a 弄, else its 号 number. A range of unit
      弄 matches only lane addresses; 号 and "mixed" ranges match both. A single number
      with a suffix (128号附1) matches only that suffix; without one (128号) it matches
      128 with any suffix. No ranges (全段, bare road name) = every address on the road,
      also one without a number. Side (东侧) and stretch (青溪大道至建设路段) clauses without
      numbers match every address on the road: they carry ``ambiguous`` and the caller
      reports that.
    - lane: same road and lane, and the number inside the lane in the ranges (any if none).
    - estate: same estate, and the building in ``buildings``; no buildings = the whole
      estate, also an address without a building. village: likewise with ``groups``.
    - exclusions: an address matched by any exclusion is not matched.
    - unparsed clauses match nothing.
    """
    if clause.kind == "unparsed" or not _covers(clause, address):
        return False
    return not any(clause_matches(excluded, address) for excluded in clause.exclusions)
