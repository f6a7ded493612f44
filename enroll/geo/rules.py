"""Parse the official 划片范围 (catchment) text of one school into clauses.

Each line is canonicalised (enroll.geo.address.canonicalize) and parsed with the lark
grammar in rules.lark; this module turns the tree into ``Clause`` objects and checks
what a grammar cannot (a 幢 after a road, a range that ends before it starts ...).
Items that only make sense together become one clause: the sides of a 四至 (东至A路，西至B路),
a road side followed by its stretch (和平西路以南、A路至B路段), sides or a road before 的 and the
place after it (井儿巷以南、盐桥街以东的新华坊 is 新华坊). Places named in parentheses become
clauses of their own (XX宿舍(延安西路1882号、杨宅路181弄)). Nothing is dropped: a part the
grammar rejects becomes a clause of kind "unparsed" carrying its line, its text as written
and a short reason naming the column; a heading (XX镇：, 招生范围：) is a clause of kind
"heading" that matches nothing.

Layout: the grammar and its parse tree -> items are in enroll.geo.rules_tree; here items ->
clauses (_clause, _bound, _stretch, _qualified), lines (_Line, _segments, _parse_line), then the
public functions.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from lark import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from .address import AREA_SUFFIXES, canonicalize_with_spans
from .rules_match import (
    OPEN_END,
    Clause,
    NumberRange,
    Part,
    RuleError,
    build,
    clause_matches,
    continued_place,
    index_keys,
    name_key,
)
from .rules_tree import Item, Target, ToItems, grammar_text, parser

SEPARATORS = "、,;。"
_OPPOSITE = {"east": "west", "west": "east", "south": "north", "north": "south"}
# Line numbering: at the start, after a separator or a space ("1." "(1)" "一、"), anywhere when
# circled (①), or glued between a name and the next one (文澜路2.学院路).
_ENUMERATION = re.compile(
    r"(?:^|(?<=[、，,；;。:：\s]))\s*(?:"
    r"[(（]\s*[0-9０-９一二三四五六七八九十]+\s*[)）]"
    r"|[0-9０-９]+\s*[.．)）](?![0-9０-９])"
    r"|(?<!、)[0-9０-９]+\s*、(?![0-9０-９])"
    r"|[一二三四五六七八九十]+\s*、(?![0-9０-９一二三四五六七八九十])"
    r")"
    r"|[\u2460-\u249b\u2776-\u2793]"
    r"|(?<=[\u4e00-\u9fff)）])[0-9０-９]{1,2}[.．](?=[A-Za-z\u3400-\u4dbf\u4e00-\u9fff])"
    r"|(?<=[\u4e00-\u9fff])[(（][0-9０-９]{1,2}[)）](?=[\u4e00-\u9fff])"
)


def _check(parts: list[Part]) -> None:
    """Raise the RuleError a parenthesis left for later (transformers cannot raise it)."""
    for part in parts:
        if part.tag in ("error", "bound"):
            raise RuleError(part.value if part.tag == "error" else "a 四至 side inside a clause", part.pos)


def _excluded(owner: Clause, target: Target, line: _Line) -> Clause:
    """The clause of one excluded target: its own place, or numbers of the owner's place."""
    _check(target.parts)
    if target.place:
        kind, name, lane = *target.place, None
    else:
        kind, name, lane = continued_place(owner, target.parts, target.start)
    if kind == "landmark":
        raise RuleError("a landmark cannot be excluded", target.start)
    excluded = build(kind, name, target.parts, lane)
    if excluded.ambiguous in ("side", "stretch"):
        raise RuleError("an excluded side or stretch needs door numbers", target.start)
    excluded.line, excluded.text = line.number, line.quote(target.start, target.end)
    return excluded


def _extra_clauses(owner: Clause, targets: list[Target], line: _Line) -> list[Clause]:
    """Clauses of the places named in the owner's parentheses; bare numbers continue the one before."""
    out: list[Clause] = []
    start = 0
    for target in targets:
        _check(target.parts)
        if target.place:
            kind, name, lane = *target.place, None
        else:
            kind, name, lane = continued_place(out[-1] if out else owner, target.parts, target.start)
        if kind == "landmark":
            raise RuleError("a landmark is not an address", target.start)
        clause = build(kind, name, target.parts, lane)
        clause.line, clause.text = line.number, line.quote(target.start, target.end)
        if not target.place and out and _merge(out[-1], clause):
            out[-1].text = line.quote(start, target.end)
            continue
        out.append(clause)
        start = target.start
    return out


def _clause(item: Item, line: _Line, context: Clause | None) -> list[Clause]:
    """Build and check the clause of one item, then those of the places in its parentheses; raises RuleError."""
    _check(item.parts)
    if item.kind == "cont":
        if context is None:
            raise RuleError("numbers without a road, estate or village before them", item.start)
        kind, name, lane = continued_place(context, item.parts, item.start)
    else:
        kind, name, lane = item.kind, item.name, None
    if kind == "landmark":
        raise RuleError("a landmark needs a direction (以东) to bound an area", item.start)
    parts, tail = (item.parts, None) if not item.except_tail else ([], [p for p in item.parts if p.tag != "whole"])
    clause = build(kind, name, parts, lane)
    clause.line, clause.text = line.number, line.quote(item.start, item.end)
    if kind == "place" and name.endswith(AREA_SUFFIXES):
        clause.ambiguous = "area"
    targets = list(item.exclusions)
    if tail:
        targets.append(Target(None, tail, item.start, item.end))
    for target in targets:
        excluded = _excluded(clause, target, line)
        if tail and target.parts is tail:
            excluded.text = clause.text
        clause.exclusions.append(excluded)
    return [clause, *_extra_clauses(clause, item.extras, line)]


def _merge(previous: Clause, new: Clause) -> bool:
    """Fold a continuation into the clause before it when it only adds numbers to the same place."""
    same = ("kind", "road", "lane", "estate", "village", "place", "side", "stretch")
    if any(getattr(previous, f) != getattr(new, f) for f in same) or previous.kind == "unparsed":
        return False
    if not (previous.ranges or previous.buildings or previous.groups):
        return False
    previous.ranges += new.ranges
    previous.buildings += new.buildings
    previous.groups += new.groups
    previous.exclusions += new.exclusions
    previous.ambiguous = previous.ambiguous or new.ambiguous
    return True


def _area_of(item: Item) -> tuple[str, str] | None:
    """(side of the area bounded, boundary name) of 东至A路 / A路以西 items; None for others."""
    if item.kind == "bound":
        return item.parts[0].value[:2]
    if item.kind not in ("road", "estate", "village", "place", "landmark") or item.exclusions or item.extras:
        return None
    parts = [p for p in item.parts if p.tag != "whole"]
    if item.except_tail or len(parts) != 1 or parts[0].tag != "area":
        return None
    return _OPPOSITE[parts[0].value], item.name  # A路以西: the area west of A路, whose east side is A路


# --- lines -----------------------------------------------------------------------------------


# Spaces that separate items in text copied from tables or PDFs (文澜路 学院路, 1088弄 1136弄): after
# a number's unit or a name's last character, before a digit (after a unit) or a new name - not
# before words that continue an item (全段, 东侧, 以南, 至, 除 ...) and not after 镇/区/市 (XX镇 红星村).
_SPACE_SEPARATOR = re.compile(
    r"(?:(?<=[号弄幢组)）])\s+(?=[0-9０-９\u4e00-\u9fff])"
    r"|(?:(?<=[路街巷道线村园苑里坊院厦庄寓城湾府阁墅场厂])|(?<=小区)|(?<=社区))\s+(?=[\u4e00-\u9fff]))"
    r"(?!全|整|单|双|奇数|偶数|[东西南北](?:侧|面|边)|以[东西南北]|两侧|除|不含|不包|至|到|及|和|与|等|一带|周边"
    r"|附近|范围|辖区|所有|门牌|内|段|之间|以外|外|的|口|以上|以下|以后|以前|[0-9０-９]+[-－—~～至到]?[0-9０-９]*[幢栋组期]"
    r"|[一二三四五六七八九十]+期)"
)


class _Line:
    """One input line: its raw text, its canonical form and the mapping between them."""

    def __init__(self, raw: str, number: int):
        self.raw, self.number = raw, number
        # Numbering and separating spaces become separators of the same length, so positions in
        # raw stay valid.
        blanked = _ENUMERATION.sub(lambda m: "；" + " " * (len(m.group()) - 1), raw)
        blanked = _SPACE_SEPARATOR.sub(lambda m: "、" + m.group()[1:], blanked)
        self.tracked = canonicalize_with_spans(blanked)
        self.text = self.tracked.text

    def quote(self, start: int, end: int) -> str:
        """The raw text behind canonical positions start..end, stripped."""
        if start >= end:
            return ""
        return self.raw[self.tracked.starts[start] : self.tracked.ends[end - 1]].strip()

    def column(self, pos: int) -> int:
        """1-based column in the raw line of canonical position ``pos`` (past the end: after it)."""
        if pos < len(self.text):
            return self.tracked.starts[pos] + 1
        return len(self.raw.rstrip()) + 1


class _Failure(NamedTuple):
    """Canonical span of the line that did not parse, and why."""

    start: int
    end: int
    error: str


def _describe(exc: UnexpectedInput, line: _Line, start: int, end: int) -> str:
    """A short reason for a parse error, naming the column in the raw line."""
    if isinstance(exc, UnexpectedCharacters):
        pos = start + exc.pos_in_stream
        return f"unexpected character {line.raw[line.tracked.starts[pos]]!r} at column {line.column(pos)}"
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        pos = start + exc.token.start_pos
        return f"unexpected {line.quote(pos, pos + len(exc.token))!r} at column {line.column(pos)}"
    return f"clause ends too early at column {line.column(end)}"


def _attempt(line: _Line, start: int, end: int) -> list[Item] | _Failure:
    """Parse canonical positions start..end of the line as a sequence of items."""
    try:
        tree = parser().parse(line.text[start:end])
    except UnexpectedInput as exc:
        return _Failure(start, end, _describe(exc, line, start, end))
    return ToItems(start).transform(tree)


def _pieces(text: str) -> list[tuple[int, int]]:
    """Spans between separators outside parentheses."""
    spans, depth, begin = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "()":
            depth = depth + 1 if ch == "(" else max(0, depth - 1)
        elif depth == 0 and ch in SEPARATORS:
            spans.append((begin, i))
            begin = i + 1
    spans.append((begin, len(text)))
    return [(s, e) for s, e in spans if e > s]


def _segments(line: _Line) -> list[list[Item] | _Failure]:
    """The whole line if it parses; else the longest runs of pieces that parse, in order,
    with each run of pieces that does not parse reported as one failure."""
    if not line.text.strip(SEPARATORS):
        return []
    whole = _attempt(line, 0, len(line.text))
    if not isinstance(whole, _Failure):
        return [whole]
    pieces, out, failed, i = _pieces(line.text), [], None, 0
    while i < len(pieces):
        for j in range(len(pieces), i, -1):
            items = _attempt(line, pieces[i][0], pieces[j - 1][1])
            if not isinstance(items, _Failure):
                break
        else:
            failed = (failed[0] if failed else pieces[i][0], pieces[i][1])
            i += 1
            continue
        if failed:
            out.append(_attempt(line, *failed))
            failed = None
        out.append(items)
        i = j
    if failed:
        out.append(_attempt(line, *failed))
    return out


def _unparsed(line: _Line, start: int, end: int, error: str) -> Clause:
    """The clause for text that could not be understood, quoted as written."""
    return Clause(line.number, line.quote(start, end), "unparsed", error=error)


class _State:
    """What the next item may join, carried from item to item and line to line.

    ``context``: the clause bare numbers continue (same line: merged into it). ``open``: a
    四至 being collected, or a road side from 以南 that a second side turns into a 四至 and a
    stretch (A路至B路段) completes; its text so far is ``prefix`` plus the line from ``start``.
    """

    def __init__(self):
        self.context: Clause | None = None
        self.context_start = 0
        self.open: Clause | None = None
        self.prefix, self.start = "", None
        self.qualifier: tuple[Clause, str, int] | None = None  # what came before 的, its prefix and start
        self.run: list[tuple[Clause, int, str]] = []  # bare names in a row on this line (A路、B路、湘江…)

    def new_line(self) -> None:
        self.context_start, self.run = 0, []
        if self.open is not None:
            self.prefix, self.start = self.open.text + "\n", None

    def close(self) -> None:
        self.context = self.open = self.qualifier = None
        self.run = []

    def keep_open(self, clause: Clause, start: int) -> None:
        self.open, self.prefix, self.start = clause, "", start

    def extend(self, line: _Line, item: Item) -> None:
        """The open clause now also quotes ``item``."""
        if self.start is None:
            self.start = item.start
        self.open.text = self.prefix + line.quote(self.start, item.end)


def _boundary_exclusions(item: Item, line: _Line) -> list[Clause]:
    """Numbers of a boundary road left out of the area: 东至雁城路(1-70号除外)."""
    if not item.exclusions:
        return []
    kind = item.parts[0].value[2] if item.kind == "bound" else item.kind
    if kind not in ("road", "estate", "village", "place"):
        raise RuleError("only a road or a named place can have numbers left out", item.start)
    owner = Clause(line.number, "", kind, **{kind: item.name})
    return [_excluded(owner, target, line) for target in item.exclusions]


def _bound(item: Item, side: str, name: str, line: _Line, state: _State) -> Clause | None:
    """Add one side of a 四至 to the open one, or start one; returns a new clause to emit, if any."""
    area = state.open
    if area is not None and area.kind == "road" and area.side and _OPPOSITE[area.side] != side:
        first = _OPPOSITE[area.side], area.road  # A路以南 became a road side: now the area's north side
        area.kind, area.road, area.side, area.stretch, area.ranges = "bounded", None, None, None, []
        area.bounds, area.ambiguous = dict([first]), "bounded"
    if area is not None and area.kind == "bounded" and side not in area.bounds:
        area.bounds[side] = name
        area.exclusions += _boundary_exclusions(item, line)
        state.extend(line, item)
        return None
    if item.kind == "road":  # a lone A路以南 is the south side of A路 until a second side follows
        (clause,) = _clause(item, line, None)
    else:
        clause = Clause(line.number, line.quote(item.start, item.end), "bounded", bounds={side: name},
                        ambiguous="bounded", exclusions=_boundary_exclusions(item, line))
    state.close()
    state.keep_open(clause, item.start)
    return clause


def _stretch(item: Item, line: _Line, state: _State) -> None:
    """A路至B路段 after a road side (or a whole road) is the stretch of that road."""
    road = state.open if state.open is not None else state.context
    if road is None or road.kind != "road" or road.stretch or road.ranges:
        raise RuleError("a stretch without its road before it", item.start)
    road.stretch = item.parts[0].value
    road.ambiguous = "stretch"
    if state.open is None:
        state.keep_open(road, state.context_start)
        state.prefix = "" if road.line == line.number else road.text + "\n"
        state.start = state.context_start if road.line == line.number else None
    state.extend(line, item)
    state.open, state.context = None, None


def _plain(item: Item) -> bool:
    """A bare name (文澜路, 幸福小区, 湘江): what a list enclosing an area is made of."""
    named = item.kind in ("road", "estate", "village", "place", "landmark")
    return named and not item.exclusions and not item.extras and all(p.tag == "whole" for p in item.parts)


def _enclosure(item: Item, line: _Line, state: _State, clauses: list[Clause]) -> bool:
    """A路、B路、湘江、D路围合区域: the names in a row before and with ``item`` bound one area."""
    run = state.run
    if not run or not _plain(item) or any(a is not b for a, (b, _, _) in zip(clauses[-len(run) :], run, strict=False)):
        return False
    names = [name for _, _, name in run] + [item.name]
    del clauses[-len(run) :]
    clauses.append(Clause(line.number, line.quote(run[0][1], item.end), "bounded", ambiguous="bounded",
                          bounds={f"around{i}": name for i, name in enumerate(names, start=1)}))
    state.close()
    return True


def _add(item: Item, line: _Line, state: _State, clauses: list[Clause]) -> None:
    """Turn one item into clauses (or into part of an open one); raises RuleError."""
    if item.encloses and _enclosure(item, line, state, clauses):
        return
    if item.kind == "landmark" and _plain(item):  # 湘江 alone: only as part of an enclosing list
        clause = _unparsed(line, item.start, item.end, "a landmark needs a direction (以东) to bound an area at "
                           f"column {line.column(item.start)}")
        clauses.append(clause)
        run = state.run
        state.close()
        state.run = [*run, (clause, item.start, item.name)]
        return
    run = state.run
    state.run = []
    area = _area_of(item)
    if item.kind == "of":
        before = state.open or state.context
        if before is None or not clauses or clauses[-1] is not before:
            raise RuleError("的 without a road, side or 四至 before it", item.start)
        if before is state.open:
            prefix, start = state.prefix, item.start if state.start is None else state.start
        elif before.line == line.number:
            prefix, start = "", state.context_start
        else:
            prefix, start = before.text + "\n", item.start
        state.qualifier = (before, prefix, start)
    elif state.qualifier is not None:
        _qualified(item, line, state, clauses)
    elif item.kind == "heading":
        state.close()
        clauses.append(Clause(line.number, line.quote(item.start, item.end), "heading"))
    elif area is not None:
        new = _bound(item, *area, line, state)
        if new is not None:
            clauses.append(new)
    elif item.kind == "stretch":
        _stretch(item, line, state)
    elif item.kind == "cont" and item.except_tail:
        owner = state.context
        if owner is None:
            raise RuleError("numbers without a road, estate or village before them", item.start)
        owner.exclusions.append(_excluded(owner, Target(None, item.parts, item.start, item.end), line))
        state.open = None
        if clauses and clauses[-1] is owner and owner.line == line.number:
            owner.text = line.quote(state.context_start, item.end)
    else:
        built = _clause(item, line, state.context)
        state.open = None
        previous = state.context
        same_line = clauses and clauses[-1] is previous and previous.line == line.number
        if item.kind == "cont" and same_line and _merge(previous, built[0]):
            previous.text = line.quote(state.context_start, item.end)
            clauses += built[1:]
            return
        clauses += built
        state.context, state.context_start = built[0], item.start
        if _plain(item) and len(built) == 1:
            state.run = [*run, (built[0], item.start, item.name)]


def _qualified(item: Item, line: _Line, state: _State, clauses: list[Clause]) -> None:
    """The place after 的, quoted with the sides or road before it (they only say where it is)."""
    (before, prefix, start), state.qualifier = state.qualifier, None
    if item.kind in ("cont", "stretch", "bound", "landmark", "heading", "of"):
        raise RuleError("的 must be followed by a road, estate, village or place", item.start)
    built = _clause(item, line, None)
    built[0].text = prefix + line.quote(start, item.end)
    if clauses and clauses[-1] is before:
        clauses.pop()
    clauses += built
    state.open, state.context, state.context_start = None, built[0], item.start


def _parse_line(line: _Line, state: _State, clauses: list[Clause]) -> None:
    """Add the clauses of one line to ``clauses``, given what the lines before left open in ``state``."""
    state.new_line()
    for segment in _segments(line):
        if isinstance(segment, _Failure):
            clauses.append(_unparsed(line, segment.start, segment.end, segment.error))
            state.close()
            continue
        for item in segment:
            try:
                _add(item, line, state, clauses)
            except RuleError as exc:
                clauses.append(_unparsed(line, item.start, item.end, f"{exc} at column {line.column(exc.pos)}"))
                state.close()


def parse_rules(text: str) -> list[Clause]:
    """All clauses of a school's catchment text, in order, each with its 1-based line.

    Clauses are separated by 、 , ; 。 (fullwidth or not), 及/和/与 and newlines; line
    numbering ("1.", "1、", "(1)", "一、", "①", also in mid line) is ignored. Bare numbers
    continue the place before them: 文澜路1-99号(单号)、2-88号(双号) is one clause with two
    ranges. The sides of a 四至 (东至A路，西至B路 / A路以东、B路以西), also over several lines,
    are one "bounded" clause. Input may be traditional Chinese or fullwidth; ``text`` of each
    clause is quoted as written (a clause over several lines joins its lines with "\n").
    Anything not understood comes back as kind "unparsed" with ``error`` set.
    """
    clauses: list[Clause] = []
    state = _State()
    for number, raw in enumerate((text or "").splitlines(), start=1):
        _parse_line(_Line(raw, number), state, clauses)
    return clauses


def parse_clause(text: str, line: int = 1) -> Clause:
    """Parse text that should hold exactly one clause; anything else is kind "unparsed"."""
    clauses = parse_rules(text)
    if len(clauses) == 1:
        clause = clauses[0]
        clause.line += line - 1
        for excluded in clause.exclusions:
            excluded.line += line - 1
        return clause
    reason = "empty clause" if not clauses else f"{len(clauses)} clauses where one was expected"
    return Clause(line, (text or "").strip(), "unparsed", error=reason)


__all__ = [
    "OPEN_END", "Clause", "NumberRange", "RuleError", "clause_matches", "grammar_text", "index_keys",
    "name_key", "parse_clause", "parse_rules",
]  # fmt: skip
