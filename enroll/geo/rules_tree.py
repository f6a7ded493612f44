"""The 划片 text grammar (rules.lark, its word lists filled in from enroll.geo.address) and its
parse tree turned into items: a place with its parts and exclusions, and where it stands in the
canonical line. enroll.geo.rules turns items into clauses."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files
from typing import NamedTuple

from lark import Lark, Token, Transformer, v_args

from .address import (
    ESTATE_SUFFIXES,
    LANDMARK_SUFFIXES,
    NAME_CHARS,
    NOISE_WORDS,
    PLACE_SUFFIXES,
    ROAD_SUFFIXES,
    VILLAGE_SUFFIX,
    strip_admin,
)
from .rules_match import Part, Spec

_SIDES = {"东": "east", "西": "west", "南": "south", "北": "north"}
# 文化路5号院 is 文化路5号; 251弄5-8支弄 are the sub-lanes 5-8 of lane 251, numbered like its doors.
_UNITS = {"号院": "号", "支弄": "号"}
_ENCLOSING = re.compile("围")
_VILLAGE_COMMITTEE = re.compile("(?:村民委员会|村委会|村委)$")
_RESIDENTS_COMMITTEE = re.compile("(?:居民委员会|居委会|居委)$")




def grammar_text() -> str:
    """rules.lark with its placeholders filled in from the word lists of enroll.geo.address."""

    def alternation(words) -> str:
        return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))

    suffixes = ROAD_SUFFIXES + ESTATE_SUFFIXES + PLACE_SUFFIXES + LANDMARK_SUFFIXES + (VILLAGE_SUFFIX,)
    text = files(__package__).joinpath("rules.lark").read_text(encoding="utf-8")
    return (
        text.replace("%NC%", NAME_CHARS)
        .replace("%SUFFIX%", alternation(suffixes))
        .replace("%NOISE%", alternation(NOISE_WORDS))
    )


@lru_cache(maxsize=1)
def parser() -> Lark:
    """The LALR parser for one canonical line, built once."""
    return Lark(grammar_text(), parser="lalr", propagate_positions=True)


# --- parse tree -> items ---------------------------------------------------------------------


class Target(NamedTuple):
    """One thing named inside parentheses or excluded, as the grammar read it."""

    place: tuple[str, str] | None  # (kind, name) when it names its own place
    parts: list[Part]
    start: int
    end: int


class Item(NamedTuple):
    """One item as the grammar read it: place, parts, exclusions, extra places, canonical span."""

    kind: str  # road | estate | village | place | cont | bound | landmark | stretch | heading | of
    name: str | None
    parts: list[Part]
    exclusions: list[Target]
    extras: list[Target]  # places named in parentheses: XX宿舍(延安西路1882号、杨宅路181弄)
    except_tail: bool  # 雁城路1-70号除外: the parts are excluded from the whole place
    start: int
    end: int
    encloses: bool = False  # ends with 围合区域 / 所围区域: the names before it enclose an area


class _Exclusion(NamedTuple):
    targets: list[Target]


class _Paren(NamedTuple):
    targets: list[Target]


class _ExceptTail(NamedTuple):
    pos: int


def _named(token: Token) -> tuple[str, str]:
    """(kind, name) of a name token; committees (红星村委会, 红星社区居委会) name their village or estate."""
    name = str(token)
    if token.type != "PLACE":
        return token.type.lower(), strip_admin(name)
    if name.endswith("片区") and name[:-2].endswith(ROAD_SUFFIXES):
        return "road", strip_admin(name[:-2])  # 文澜路片区: the road and round it
    village = _VILLAGE_COMMITTEE.search(name)
    if village and village.start() > 0:
        rest = name[: village.start()]
        return "village", strip_admin(rest if rest.endswith("村") else rest + "村")
    residents = _RESIDENTS_COMMITTEE.search(name)
    rest = name[: residents.start()] if residents else ""
    if rest.endswith(ESTATE_SUFFIXES):
        return "estate", strip_admin(rest)
    if rest.endswith("村") and not rest.endswith("新村"):
        return "village", strip_admin(rest)
    return "place", strip_admin(name)


def _encloses(children) -> bool:
    """The item ends with 围合区域 / 所围区域 / 围成的区域."""
    return any(isinstance(c, Part) and c.tag == "noise" and _ENCLOSING.search(c.value) for c in children)


def _resolve(paren: _Paren, pos: int) -> tuple[list[Part], list[Target]]:
    """Parts a parenthesis adds to its owner, and the places it names (each with its parts).

    (1-5幢) (单号) -> parts; (青溪大道至建设路段), (东起A路，西至B路) -> a stretch; (延安西路1882号、
    杨宅路181弄), (含幸福小区) -> places, bare numbers after a place continuing it.
    """
    targets = paren.targets
    bounds = [t.parts[0].value for t in targets if len(t.parts) == 1 and t.parts[0].tag == "bound"]
    if bounds and len(bounds) == len(targets):
        if len(bounds) != 2:
            return [Part("error", "a stretch needs two ends", pos)], []
        return [Part("stretch", (bounds[0][1], bounds[1][1]), pos)], []
    parts, extras = [], []
    for target in targets:
        if target.place is not None and target.parts and all(p.tag in ("area", "side") for p in target.parts):
            parts.append(Part("partial", target.place[1], target.start))  # (文澜路以东部分): only part of it
        elif target.place is not None or extras:
            extras.append(target)
        else:
            parts += target.parts
    return parts, extras


class ToItems(Transformer):
    """Parse tree -> list of Item, positions shifted by ``offset`` into the canonical line."""

    def __init__(self, offset: int):
        super().__init__()
        self.offset = offset

    def _pos(self, token: Token) -> int:
        return self.offset + token.start_pos

    def start(self, entries):
        """Items in order; 的 becomes an item "of" telling that what follows it is what is meant."""
        out = []
        for entry in entries:
            if isinstance(entry, Token):
                start = self._pos(entry)
                out.append(Item("of", None, [], [], [], False, start, start + 1))
            else:
                out += entry
        return out

    def entry(self, children):
        """[heading] [包括] item -> its items, a heading (XX镇：) as an item of its own; 包括 is quoted with its item."""
        out, lead = [], None
        for child in children:
            if isinstance(child, Token) and child.type == "INCLUDE":
                lead = self._pos(child)
            elif isinstance(child, Token):
                start = self._pos(child)
                out.append(Item("heading", str(child)[:-1], [], [], [], False, start, start + len(child)))
            else:
                out.append(child if lead is None else child._replace(start=lead))
        return out

    def num(self, children):
        first, last = children
        return int(first), int(last) if last is not None else int(first)

    def nums(self, children):
        return tuple(c for c in children if not isinstance(c, Token))

    @v_args(meta=True)
    def numspec(self, meta, children):
        """nums [SUFFIX] UNIT [- NUMBER UNIT] [SUFFIX] -> Part("spec", Spec)."""
        tokens = [c for c in children[1:] if isinstance(c, Token)]
        units = [_UNITS.get(str(t), str(t)) for t in tokens if t.type == "UNIT"]
        to = next((int(t) for t in tokens if t.type == "NUMBER"), None)
        suffix = next((str(t) for t in tokens if t.type == "SUFFIX"), None)
        spec = Spec(children[0], units[0], (to, units[1]) if to is not None else None, suffix)
        return Part("spec", spec, self.offset + meta.start_pos)

    @v_args(meta=True)
    def bare(self, meta, children):
        """Numbers without a unit: 安顺路134-358."""
        return Part("spec", Spec((children[0],), None, None, None), self.offset + meta.start_pos)

    @v_args(meta=True)
    def bare_range(self, meta, children):
        return Part("spec", Spec(((int(children[0]), int(children[1])),), None, None, None),
                    self.offset + meta.start_pos)

    def parity(self, children):
        """单号 / (双) / 奇数 ... -> "odd" or "even"."""
        return Part("parity", "odd" if children[0].strip("(")[0] in "单奇" else "even", self._pos(children[0]))

    def side(self, children):
        return Part("side", _SIDES[children[0][0]], self._pos(children[0]))

    def area(self, children):
        """以南: the area south of the name (for a road: its south side)."""
        return Part("area", _SIDES[children[0][1]], self._pos(children[0]))

    def whole(self, children):
        return Part("whole", None, self._pos(children[0]))

    def open_end(self, children):
        """以上 / 以后 -> "up", 以下 / 以前 -> "down"."""
        word = str(children[0])
        return Part("open", "down" if "下" in word or "前" in word else "up", self._pos(children[0]))

    def noise(self, children):
        return Part("noise", str(children[0]), self._pos(children[0]))

    def stretch(self, children):
        """青溪大道至建设路段, 青溪大道与建设路之间 -> the two named ends."""
        ends = [c for c in children if isinstance(c, Token) and c.type != "_AND"]
        return Part("stretch", (_named(ends[0])[1], _named(ends[1])[1]), self._pos(ends[0]))

    def paren(self, children):
        return _Paren(next((c for c in children if isinstance(c, list)), []))

    def targets(self, children):
        return list(children)

    @v_args(meta=True)
    def target(self, meta, children):
        """One thing in parentheses or excluded: its own place (除幸福小区外) or numbers of the owner's."""
        place = _named(children[0]) if isinstance(children[0], Token) else None
        parts, _ = self._parts(children[1:] if place is not None else children)
        return Target(place, parts, self.offset + meta.start_pos, self.offset + meta.end_pos)

    @v_args(meta=True)
    def stretch_target(self, meta, children):
        return Target(None, [self.stretch(children)], self.offset + meta.start_pos, self.offset + meta.end_pos)

    @v_args(meta=True)
    def bound_target(self, meta, children):
        head, name = children[0], _named(children[1])[1]
        part = Part("bound", (_SIDES[head[0]], name), self._pos(head))
        return Target(None, [part], self.offset + meta.start_pos, self.offset + meta.end_pos)

    def exclusion(self, children):
        """(除…外) / (…除外) / 除…以外 -> its targets."""
        return _Exclusion(next(c for c in children if isinstance(c, list)))

    def tail(self, children):
        """不含… at the end -> an exclusion; …除外 at the end -> the parts before it are excluded."""
        if isinstance(children[0], Token) and children[0].type == "EXCEPT_TAIL":
            return _ExceptTail(self._pos(children[0]))
        return _Exclusion([children[0]])

    def _parts(self, children) -> tuple[list[Part], list[Target]]:
        """Parts (noise dropped, parentheses resolved) and the places named in parentheses."""
        parts, extras = [], []
        for child in children:
            if isinstance(child, _Paren):
                more, named = _resolve(child, child.targets[0].start if child.targets else 0)
                parts, extras = parts + more, extras + named
            elif isinstance(child, Part) and child.tag != "noise":
                parts.append(child)
        return parts, extras

    def _item(self, kind, meta, children):
        """A road / estate / village / place / continuation item with its parts, exclusions and span."""
        name = None
        if kind != "cont":
            kind, name = _named(children[0])
            children = children[1:]
        parts, extras = self._parts(children)
        exclusions = [t for c in children if isinstance(c, _Exclusion) for t in c.targets]
        tail = any(isinstance(c, _ExceptTail) for c in children)
        return Item(kind, name, parts, exclusions, extras, tail,
                     self.offset + meta.start_pos, self.offset + meta.end_pos, _encloses(children))

    @v_args(meta=True)
    def road(self, meta, children):
        return self._item("road", meta, children)

    estate = village = place = road

    @v_args(meta=True)
    def cont(self, meta, children):
        return self._item("cont", meta, children)

    @v_args(meta=True)
    def bound(self, meta, children):
        """东至文澜路 -> the area's east side is 文澜路; 东至雁城路(1-70号除外) leaves those numbers out."""
        head, (kind, name) = children[0], _named(children[1])
        part = Part("bound", (_SIDES[head[0]], name, kind), self._pos(head))
        exclusions = [t for c in children if isinstance(c, _Exclusion) for t in c.targets]
        return Item("bound", name, [part], exclusions, [], False,
                     self.offset + meta.start_pos, self.offset + meta.end_pos)

    @v_args(meta=True)
    def landmark(self, meta, children):
        """青溪河以东 -> the area east of the river."""
        parts, _ = self._parts(children[1:])
        return Item("landmark", str(children[0]), parts, [], [], False,
                     self.offset + meta.start_pos, self.offset + meta.end_pos, _encloses(children))

    @v_args(meta=True)
    def stretch_item(self, meta, children):
        part = self.stretch(children)
        return Item("stretch", None, [part], [], [], False, self.offset + meta.start_pos, self.offset + meta.end_pos)


# --- items -> clauses ------------------------------------------------------------------------


