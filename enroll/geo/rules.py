"""Parse the official 划片范围 (catchment) text of one school into clauses.

Each line is canonicalised (enroll.geo.address.canonicalize) and parsed with the lark
grammar in rules.lark; this module turns the tree into ``Clause`` objects and checks
what a grammar cannot (a 幢 after a road, a range that ends before it starts ...).
Nothing is dropped: a part the grammar rejects becomes a clause of kind "unparsed"
carrying its line, its text as written and a short reason naming the column.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files
from typing import NamedTuple

from lark import (
    Lark,
    Token,
    Transformer,
    UnexpectedCharacters,
    UnexpectedInput,
    UnexpectedToken,
    v_args,
)

from .address import canonicalize_with_spans, strip_admin
from .rules_match import (
    OPEN_END,
    Clause,
    NumberRange,
    Part,
    RuleError,
    Spec,
    build,
    clause_matches,
    continued_place,
)

SEPARATORS = "、,;。"
_SIDES = {"东": "east", "西": "west", "南": "south", "北": "north"}
_ENUMERATION = re.compile(
    r"(?:^|(?<=[、，,；;。]))\s*(?:"
    r"[(（]\s*[0-9０-９一二三四五六七八九十]+\s*[)）]"
    r"|[0-9０-９]+\s*[.．、)）](?![0-9０-９])"
    r"|[一二三四五六七八九十]+\s*、(?![0-9０-９一二三四五六七八九十])"
    r"|[\u2460-\u249b\u2776-\u2793])"
)


class _Target(NamedTuple):
    """One excluded thing, as the grammar read it."""

    place: tuple[str, str] | None  # (kind, name) when the exclusion names its own place
    parts: list[Part]
    start: int
    end: int


class _Item(NamedTuple):
    """One clause as the grammar read it: place, parts, exclusions, canonical span."""

    kind: str  # road | estate | village | cont
    name: str | None
    parts: list[Part]
    exclusions: list[_Target]
    start: int
    end: int


@lru_cache(maxsize=1)
def _parser() -> Lark:
    """The LALR parser for one canonical line, built once."""
    grammar = files(__package__).joinpath("rules.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", propagate_positions=True)


class _ToItems(Transformer):
    """Parse tree -> list of _Item, positions shifted by ``offset`` into the canonical line."""

    def __init__(self, offset: int):
        super().__init__()
        self.offset = offset

    def _pos(self, token: Token) -> int:
        return self.offset + token.start_pos

    def start(self, items):
        return items

    def num(self, children):
        first, last = children
        return int(first), int(last) if last is not None else int(first)

    def nums(self, children):
        return tuple(children)

    @v_args(meta=True)
    def numspec(self, meta, children):
        """nums [SUFFIX] UNIT [- NUMBER UNIT] [SUFFIX] -> Part("spec", Spec)."""
        tokens = [c for c in children[1:] if isinstance(c, Token)]
        units = [str(t) for t in tokens if t.type == "UNIT"]
        to = next((int(t) for t in tokens if t.type == "NUMBER"), None)
        suffix = next((str(t) for t in tokens if t.type == "SUFFIX"), None)
        spec = Spec(children[0], units[0], (to, units[1]) if to is not None else None, suffix)
        return Part("spec", spec, self.offset + meta.start_pos)

    def parity(self, children):
        """单号 / (双) / 奇数 ... -> "odd" or "even"."""
        return Part("parity", "odd" if children[0].strip("(")[0] in "单奇" else "even", self._pos(children[0]))

    def side(self, children):
        return Part("side", _SIDES[children[0][0]], self._pos(children[0]))

    def whole(self, children):
        return Part("whole", None, self._pos(children[0]))

    def stretch(self, children):
        """(青溪大道至建设路段) -> the two named ends."""
        ends = [c for c in children if isinstance(c, Token)]
        return Part("stretch", (strip_admin(str(ends[0])), strip_admin(str(ends[1]))), self._pos(ends[0]))

    def paren(self, children):
        return list(children)

    @v_args(meta=True)
    def target(self, meta, children):
        """One excluded thing: its own place (除幸福小区外) or numbers of the owner's place."""
        place = children[0] if isinstance(children[0], Token) else None
        named = (place.type.lower(), strip_admin(str(place))) if place is not None else None
        parts = _flatten(children[1:] if place is not None else children)
        return _Target(named, parts, self.offset + meta.start_pos, self.offset + meta.end_pos)

    def targets(self, children):
        return list(children)

    def exclusion(self, children):
        """(除…外) / 除…外 / 不含… -> its targets."""
        found = [c for c in children if not isinstance(c, Token)]
        return _Exclusion(found[0] if isinstance(found[0], list) else found)

    def _item(self, kind, meta, children):
        """A road / estate / village / continuation item with its parts, exclusions and span."""
        name = strip_admin(str(children[0])) if kind != "cont" else None
        rest = children[1:] if kind != "cont" else children
        exclusions = [t for c in rest if isinstance(c, _Exclusion) for t in c.targets]
        parts = _flatten([c for c in rest if not isinstance(c, _Exclusion)])
        return _Item(kind, name, parts, exclusions, self.offset + meta.start_pos, self.offset + meta.end_pos)

    @v_args(meta=True)
    def road(self, meta, children):
        return self._item("road", meta, children)

    @v_args(meta=True)
    def estate(self, meta, children):
        return self._item("estate", meta, children)

    @v_args(meta=True)
    def village(self, meta, children):
        return self._item("village", meta, children)

    @v_args(meta=True)
    def cont(self, meta, children):
        return self._item("cont", meta, children)


class _Exclusion(NamedTuple):
    """The targets of one 除…外 / 不含 part (a class of its own, so items can tell them apart)."""

    targets: list[_Target]


def _flatten(parts: list) -> list[Part]:
    """Parts with parenthesised groups (金桂苑(1-5幢)) spliced in."""
    return [p for part in parts for p in (part if isinstance(part, list) else [part])]


class _Line:
    """One input line: its raw text, its canonical form and the mapping between them."""

    def __init__(self, raw: str, number: int):
        self.raw, self.number = raw, number
        blanked = _ENUMERATION.sub(lambda m: " " * len(m.group()), raw)
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


def _clause(item: _Item, line: _Line, context: Clause | None) -> Clause:
    """Build and check the clause of one item; raises RuleError."""
    if item.kind == "cont":
        if context is None:
            raise RuleError("numbers without a road, estate or village before them", item.start)
        kind, name, lane = continued_place(context, item.parts)
    else:
        kind, name, lane = item.kind, item.name, None
    clause = build(kind, name, item.parts, lane)
    clause.line, clause.text = line.number, line.quote(item.start, item.end)
    for target in item.exclusions:
        kind, name, lane = (*target.place, None) if target.place else continued_place(clause, target.parts)
        excluded = build(kind, name, target.parts, lane)
        excluded.line, excluded.text = line.number, line.quote(target.start, target.end)
        clause.exclusions.append(excluded)
    return clause


def _merge(previous: Clause, new: Clause) -> bool:
    """Fold a continuation into the clause before it when it only adds numbers to the same place."""
    same = ("kind", "road", "lane", "estate", "village", "side", "stretch")
    if any(getattr(previous, f) != getattr(new, f) for f in same) or previous.kind == "unparsed":
        return False
    if not (previous.ranges or previous.buildings or previous.groups):
        return False
    previous.ranges += new.ranges
    previous.buildings += new.buildings
    previous.groups += new.groups
    previous.exclusions += new.exclusions
    return True


# --- lines -----------------------------------------------------------------------------------


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


def _attempt(line: _Line, start: int, end: int) -> list[_Item] | _Failure:
    """Parse canonical positions start..end of the line as a sequence of items."""
    try:
        tree = _parser().parse(line.text[start:end])
    except UnexpectedInput as exc:
        return _Failure(start, end, _describe(exc, line, start, end))
    return _ToItems(start).transform(tree)


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


def _segments(line: _Line) -> list[list[_Item] | _Failure]:
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


def _parse_line(line: _Line, context: Clause | None) -> tuple[list[Clause], Clause | None]:
    """Clauses of one line; ``context`` is the clause that bare numbers would continue."""
    clauses: list[Clause] = []
    context_start = 0
    for segment in _segments(line):
        if isinstance(segment, _Failure):
            clauses.append(_unparsed(line, segment.start, segment.end, segment.error))
            context = None
            continue
        for item in segment:
            try:
                clause = _clause(item, line, context)
            except RuleError as exc:
                clauses.append(_unparsed(line, item.start, item.end, f"{exc} at column {line.column(exc.pos)}"))
                context = None
                continue
            if item.kind == "cont" and clauses and clauses[-1] is context and _merge(context, clause):
                context.text = line.quote(context_start, item.end)
                continue
            clauses.append(clause)
            context, context_start = clause, item.start
    return clauses, context


def parse_rules(text: str) -> list[Clause]:
    """All clauses of a school's catchment text, in order, each with its 1-based line.

    Clauses are separated by 、 , ; 。 (fullwidth or not) and newlines; line numbering
    ("1.", "1、", "(1)", "一、", "①") is ignored. Bare numbers continue the place before
    them: 文澜路1-99号(单号)、2-88号(双号) is one clause with two ranges. Input may be
    traditional Chinese or fullwidth; ``text`` of each clause is quoted as written.
    Anything not understood comes back as kind "unparsed" with ``error`` set.
    """
    clauses: list[Clause] = []
    context = None
    for number, raw in enumerate((text or "").splitlines(), start=1):
        found, context = _parse_line(_Line(raw, number), context)
        clauses += found
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


__all__ = ["OPEN_END", "Clause", "NumberRange", "RuleError", "clause_matches", "parse_clause", "parse_rules"]
