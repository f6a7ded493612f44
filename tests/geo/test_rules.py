"""The catchment-text grammar: every published form, line numbers, unparsed parts, serialisation."""

from __future__ import annotations

import json
import logging
import random
import re
from importlib.resources import files

import pytest
from lark import Lark

from enroll.geo.address import (
    ESTATE_SUFFIXES,
    LANDMARK_SUFFIXES,
    PLACE_SUFFIXES,
    ROAD_SUFFIXES,
)
from enroll.geo.rules import (
    OPEN_END,
    Clause,
    NumberRange,
    grammar_text,
    parse_clause,
    parse_rules,
)


def rng(start, end=None, parity="all", unit="号", suffix=None):
    return NumberRange(start, start if end is None else end, parity, unit, suffix)


ODD_1_99 = [rng(1, 99, "odd")]

# (text, expected attributes of the single clause it parses to)
FORMS = [
    # road + range with parity
    ("文澜路1-99号（单号）", {"kind": "road", "road": "文澜路", "ranges": ODD_1_99}),
    ("文澜路2-100号(双号)", {"ranges": [rng(2, 100, "even")]}),
    ("文澜路单号1-99号", {"ranges": ODD_1_99}),
    ("文澜路1-99号单号", {"ranges": ODD_1_99}),
    ("文澜路1号至99号（单）", {"ranges": ODD_1_99}),
    ("文澜路1号到99号(单)", {"ranges": ODD_1_99}),
    ("文澜路奇数1-99号", {"ranges": ODD_1_99}),
    ("文澜路单数1-99号", {"ranges": ODD_1_99}),
    ("文澜路偶数号2-50号", {"ranges": [rng(2, 50, "even")]}),
    ("文澜路2-50号（偶数）", {"ranges": [rng(2, 50, "even")]}),
    ("文澜路双2-50号", {"ranges": [rng(2, 50, "even")]}),
    ("文澜路1～99号", {"ranges": [rng(1, 99)]}),
    ("文澜路1~99号", {"ranges": [rng(1, 99)]}),
    ("文澜路1—99号", {"ranges": [rng(1, 99)]}),
    ("文澜路1-99号", {"ranges": [rng(1, 99)], "ambiguous": None, "side": None}),
    ("文澜路单号", {"ranges": [rng(1, OPEN_END, "odd")]}),
    ("文澜路双号全段", {"ranges": [rng(1, OPEN_END, "even")]}),
    # several ranges on one road
    ("文澜路1-99号（单号）、2-88号（双号）", {"ranges": [rng(1, 99, "odd"), rng(2, 88, "even")]}),
    ("文澜路1-99号（单号），2-88号（双号）", {"ranges": [rng(1, 99, "odd"), rng(2, 88, "even")]}),
    ("文澜路1-99号（单号）、双号2-88号", {"ranges": [rng(1, 99, "odd"), rng(2, 88, "even")]}),
    ("文澜路1、3、5号", {"ranges": [rng(1), rng(3), rng(5)]}),
    ("文澜路1-9、21-29号（单号）", {"ranges": [rng(1, 9, "odd"), rng(21, 29, "odd")]}),
    # units 号 and 弄, mixed
    ("文澜路811弄-827号", {"kind": "road", "ranges": [rng(811, 827, unit="mixed")]}),
    ("文澜路811弄至827号", {"ranges": [rng(811, 827, unit="mixed")]}),
    ("文澜路100-120弄", {"kind": "road", "ranges": [rng(100, 120, unit="弄")]}),
    ("文澜路100弄-120弄", {"kind": "road", "ranges": [rng(100, 120, unit="弄")]}),
    # in-lane ranges
    ("文澜路100弄1-11号", {"kind": "lane", "road": "文澜路", "lane": 100, "ranges": [rng(1, 11)]}),
    ("文澜路100弄1-11号（单号）", {"kind": "lane", "lane": 100, "ranges": [rng(1, 11, "odd")]}),
    ("文澜路100弄全部", {"kind": "lane", "lane": 100, "ranges": []}),
    ("文澜路100弄", {"kind": "lane", "lane": 100, "ranges": []}),
    ("文澜路100弄1-11号、13号", {"kind": "lane", "lane": 100, "ranges": [rng(1, 11), rng(13)]}),
    # single numbers and suffixes
    ("文澜路128号", {"kind": "road", "ranges": [rng(128)]}),
    ("文澜路128号附1", {"ranges": [rng(128, suffix="附1")]}),
    ("文澜路128甲号", {"ranges": [rng(128, suffix="甲")]}),
    ("文澜路128号乙", {"ranges": [rng(128, suffix="乙")]}),
    ("文澜路128-1号", {"ranges": [rng(128, suffix="-1")]}),
    ("文澜路128号、130号", {"ranges": [rng(128), rng(130)]}),
    ("文澜路1-1号", {"ranges": [rng(1)]}),
    # whole roads
    ("文澜路全段", {"kind": "road", "road": "文澜路", "ranges": [], "ambiguous": None}),
    ("文澜路全部", {"ranges": []}),
    ("文澜路全线", {"ranges": []}),
    ("文澜路全路", {"ranges": []}),
    ("文澜路", {"ranges": []}),
    ("中山一路", {"road": "中山一路", "ranges": []}),
    ("青溪大道", {"road": "青溪大道"}),
    ("崇文街全段", {"road": "崇文街"}),
    ("学院巷", {"road": "学院巷"}),
    ("青溪区文澜路全段", {"road": "文澜路"}),
    # one side / stretch
    ("文澜路东侧", {"side": "east", "ambiguous": "side", "ranges": []}),
    ("文澜路西侧全段", {"side": "west", "ambiguous": "side"}),
    ("文澜路南侧", {"side": "south", "ambiguous": "side"}),
    ("文澜路北侧", {"side": "north", "ambiguous": "side"}),
    ("文澜路东侧1-99号", {"side": "east", "ambiguous": None, "ranges": [rng(1, 99)]}),
    ("文澜路（青溪大道至建设路段）", {"stretch": ("青溪大道", "建设路"), "ambiguous": "stretch"}),
    ("文澜路(青溪大道-建设路)", {"stretch": ("青溪大道", "建设路"), "ambiguous": "stretch"}),
    ("文澜路青溪大道至建设路段", {"road": "文澜路", "stretch": ("青溪大道", "建设路"), "ambiguous": "stretch"}),
    ("文澜路青溪大道到建设路", {"road": "文澜路", "stretch": ("青溪大道", "建设路")}),
    # estates, whole or by building
    ("幸福小区", {"kind": "estate", "estate": "幸福小区", "buildings": []}),
    ("幸福小区全部", {"kind": "estate", "estate": "幸福小区", "buildings": []}),
    ("东湖新村1-12幢", {"estate": "东湖新村", "buildings": [(1, 12)]}),
    ("东湖新村1-12栋", {"estate": "东湖新村", "buildings": [(1, 12)]}),
    ("东湖新村1栋至12栋", {"estate": "东湖新村", "buildings": [(1, 12)]}),
    ("文澜花园3、5、7幢", {"estate": "文澜花园", "buildings": [(3, 3), (5, 5), (7, 7)]}),
    ("金桂苑（1-5号楼）", {"estate": "金桂苑", "buildings": [(1, 5)]}),
    ("金桂苑1#-5#", {"estate": "金桂苑", "buildings": [(1, 5)]}),
    ("江景公寓全部", {"estate": "江景公寓"}),
    ("青溪社区", {"estate": "青溪社区"}),
    ("阳光家园", {"estate": "阳光家园"}),
    ("东方名城", {"estate": "东方名城"}),
    ("绿城", {"estate": "绿城"}),
    ("名城花园", {"estate": "名城花园"}),
    ("新华路双桥新村3幢", {"estate": "新华路双桥新村", "buildings": [(3, 3)]}),
    ("幸福小区3幢、5幢", {"estate": "幸福小区", "buildings": [(3, 3), (5, 5)]}),
    # villages and groups
    ("东湖村", {"kind": "village", "village": "东湖村", "groups": []}),
    ("东湖村全村", {"village": "东湖村", "groups": []}),
    ("东湖村1-5组", {"village": "东湖村", "groups": [(1, 5)]}),
    ("东湖村1、3、5组", {"groups": [(1, 1), (3, 3), (5, 5)]}),
    ("东湖村一至五组", {"groups": [(1, 5)]}),
    ("东湖村一、三、五组", {"groups": [(1, 1), (3, 3), (5, 5)]}),
    ("东湖村十二组", {"groups": [(12, 12)]}),
    ("青溪镇东湖村3组", {"village": "东湖村", "groups": [(3, 3)]}),
    # Chinese numerals, traditional and fullwidth input
    ("文澜路一至九十九号（单号）", {"ranges": ODD_1_99}),
    ("文澜路一号至九十九号（单号）", {"ranges": ODD_1_99}),
    ("文澜路一百零五号", {"ranges": [rng(105)]}),
    ("文瀾路1-99號（單號）", {"road": "文澜路", "ranges": ODD_1_99}),
    ("文澜路１－９９号（单号）", {"road": "文澜路", "ranges": ODD_1_99}),
    ("ＸＸ路１号", {"road": "XX路", "ranges": [rng(1)]}),
    ("東湖新村1-12棟", {"estate": "东湖新村", "buildings": [(1, 12)]}),
    ("文澜路 1 - 99 号 （ 单号 ）", {"ranges": ODD_1_99}),
]


@pytest.mark.parametrize("text,expected", FORMS)
def test_clause_forms(text, expected):
    clauses = parse_rules(text)
    assert len(clauses) == 1, [c.to_dict() for c in clauses]
    clause = clauses[0]
    assert clause.error is None and clause.kind != "unparsed"
    assert clause.line == 1 and clause.text == text.strip()
    for name, value in expected.items():
        assert getattr(clause, name) == value, name
    assert clause.exclusions == []


# (text, attributes of the clause, [attributes of each exclusion])
EXCLUSIONS = [
    ("文澜路1-99号（单号）（除55号外）", {"ranges": ODD_1_99},
     [{"kind": "road", "road": "文澜路", "ranges": [rng(55)]}]),
    ("文澜路1-99号（除55号）", {"ranges": [rng(1, 99)]}, [{"ranges": [rng(55)], "text": "55号"}]),
    ("文澜路1-99号除55号、57号外", {"ranges": [rng(1, 99)]}, [{"ranges": [rng(55)]}, {"ranges": [rng(57)]}]),
    ("文澜路1-99号除55号以外", {"ranges": [rng(1, 99)]}, [{"ranges": [rng(55)]}]),
    ("文澜路1-99号（除55、57号外）", {"ranges": [rng(1, 99)]}, [{"ranges": [rng(55), rng(57)]}]),
    ("文澜路1-99号不含55号", {"ranges": [rng(1, 99)]}, [{"ranges": [rng(55)]}]),
    ("幸福小区（不含8幢）", {"kind": "estate", "buildings": []},
     [{"kind": "estate", "estate": "幸福小区", "buildings": [(8, 8)]}]),
    ("幸福小区(不含8、9幢)", {"kind": "estate"}, [{"buildings": [(8, 8), (9, 9)]}]),
    ("幸福小区不含8幢", {"kind": "estate"}, [{"buildings": [(8, 8)]}]),
    ("东湖村（不包括3组）", {"kind": "village"}, [{"kind": "village", "village": "东湖村", "groups": [(3, 3)]}]),
    ("东湖村（不包含三组）", {"kind": "village"}, [{"groups": [(3, 3)]}]),
    ("文澜路全段（除100弄外）", {"ranges": []}, [{"kind": "lane", "road": "文澜路", "lane": 100, "ranges": []}]),
    ("文澜路100弄（除5号外）", {"kind": "lane", "lane": 100}, [{"kind": "lane", "lane": 100, "ranges": [rng(5)]}]),
    ("文澜路全段（除幸福小区外）", {"kind": "road"}, [{"kind": "estate", "estate": "幸福小区", "text": "幸福小区"}]),
    ("东湖村（除东湖新村外）", {"kind": "village"}, [{"kind": "estate", "estate": "东湖新村"}]),
]  # fmt: skip


@pytest.mark.parametrize("text,expected,excluded", EXCLUSIONS)
def test_exclusions(text, expected, excluded):
    (clause,) = parse_rules(text)
    assert clause.kind != "unparsed", clause.error
    assert clause.text == text
    for name, value in expected.items():
        assert getattr(clause, name) == value, name
    assert len(clause.exclusions) == len(excluded)
    for exclusion, attributes in zip(clause.exclusions, excluded, strict=True):
        assert exclusion.line == 1 and exclusion.exclusions == []
        for name, value in attributes.items():
            assert getattr(exclusion, name) == value, name


# --- separators, lines, numbering -----------------------------------------------------------------


def summary(text):
    return [(c.line, c.kind, c.text) for c in parse_rules(text)]


@pytest.mark.parametrize("separator", ["、", "，", ",", "；", ";", "。", "\n"])
def test_separators(separator):
    text = separator.join(["文澜路全段", "幸福小区", "东湖村1-5组"])
    lines = [1, 1, 1] if separator != "\n" else [1, 2, 3]
    assert summary(text) == [
        (lines[0], "road", "文澜路全段"),
        (lines[1], "estate", "幸福小区"),
        (lines[2], "village", "东湖村1-5组"),
    ]


@pytest.mark.parametrize(
    "prefix", ["1.", "1、", "1．", "１．", "(1)", "（1）", "一、", "①", "⑴", "1)", "12.", " 1. ", "（一）"]
)
def test_line_numbering_is_ignored(prefix):
    assert summary(prefix + "文澜路1-99号（单号）") == [(1, "road", "文澜路1-99号（单号）")]


def test_numbering_within_a_line_and_trailing_full_stop():
    text = "1.文澜路全段；2.幸福小区；3.东湖村。"
    assert summary(text) == [(1, "road", "文澜路全段"), (1, "estate", "幸福小区"), (1, "village", "东湖村")]


def test_multi_line_text_keeps_line_numbers_and_skips_blank_lines():
    text = "一、文澜路1-99号（单号）、2-88号（双号）\n\n二、幸福小区、金桂苑（1-5号楼）；\n   \n三、东湖村一至五组。\n"
    assert summary(text) == [
        (1, "road", "文澜路1-99号（单号）、2-88号（双号）"),
        (3, "estate", "幸福小区"),
        (3, "estate", "金桂苑（1-5号楼）"),
        (5, "village", "东湖村一至五组"),
    ]


def test_a_number_list_is_not_mistaken_for_numbering():
    (clause,) = parse_rules("东湖村2组、1、3组")
    assert clause.groups == [(2, 2), (1, 1), (3, 3)]


@pytest.mark.parametrize("text", ["", "\n\n", "。", "、，；", "1.", "  \n ①"])
def test_empty_text_gives_no_clauses(text):
    assert parse_rules(text) == []


# --- continuation: a bare range continues the place before it --------------------------------------


def test_bare_range_on_the_next_line_continues_the_road_as_a_new_clause():
    first, second = parse_rules("文澜路1-99号（单号）\n2-88号（双号）")
    assert (first.line, first.ranges) == (1, ODD_1_99)
    assert (second.line, second.kind, second.road, second.ranges) == (2, "road", "文澜路", [rng(2, 88, "even")])
    assert second.text == "2-88号（双号）"


def test_bare_lane_after_a_lane_starts_a_new_lane_on_the_same_road():
    assert [(c.kind, c.road, c.lane, c.text) for c in parse_rules("文澜路100弄、102弄")] == [
        ("lane", "文澜路", 100, "文澜路100弄"),
        ("lane", "文澜路", 102, "102弄"),
    ]


def test_bare_range_after_a_whole_road_is_its_own_clause():
    whole, numbers = parse_rules("文澜路全段、2-88号")
    assert whole.ranges == [] and numbers.ranges == [rng(2, 88)] and numbers.road == "文澜路"


def test_bare_range_without_a_place_before_it_is_unparsed():
    (clause,) = parse_rules("2-88号（双号）")
    assert clause.kind == "unparsed" and "before them" in clause.error and clause.text == "2-88号（双号）"


def test_bare_range_after_an_unparsed_clause_is_unparsed():
    clauses = parse_rules("文澜路@1号、3号")
    assert [c.kind for c in clauses] == ["unparsed", "unparsed"]


def test_continuation_exclusion_applies_to_the_merged_clause():
    (clause,) = parse_rules("文澜路1-99号（单号）、2-88号（双号）（除56号外）")
    assert clause.ranges == [rng(1, 99, "odd"), rng(2, 88, "even")]
    assert [x.ranges for x in clause.exclusions] == [[rng(56)]]


# --- malformed input: unparsed, with line, text and column -----------------------------------------

MALFORMED = [
    ("文澜路1-99号@", "unexpected character '@' at column 9"),
    ("文澜路@1-99号", "unexpected character '@' at column 4"),
    ("文澜路1-", "clause ends too early"),  # 文澜路1-99 (no unit) is a 号 range now, marked ambiguous
    ("文澜路1-号", "unexpected '号' at column 6"),
    ("文澜路（1-99号", "clause ends too early"),
    ("某某单位宿舍区甲", "unexpected character"),  # 某某单位宿舍区 is a place now
    ("文澜路99-1弄", "ends before it starts"),
    ("文澜路5幢", "幢 numbers cannot follow a road at column 4"),
    ("幸福小区1-12弄", "弄 numbers cannot follow an estate"),  # 1-12号 are door numbers now (仙霞新村1-30号)
    ("东湖村3幢", "幢 numbers cannot follow a village"),
    ("幸福小区单号", "parity cannot follow an estate"),
    ("东湖村东侧", "side cannot follow a village"),
    ("文澜路1-99号附1", "a suffix needs a single number"),
    ("文澜路100弄101弄", "only 号 numbers can follow a lane"),
    ("文澜路单号双号1-9号", "two parities in a row"),
    ("文澜路1号至99弄至3号", "unexpected"),
    ("文澜路(东门)", "unexpected"),
    ("以上范围内的住户", "unexpected '以上' at column 1"),  # 以上 is a word of the grammar now (100号以上)
]


@pytest.mark.parametrize("text,error", MALFORMED)
def test_malformed_clauses_are_unparsed_with_a_reason(text, error):
    clauses = parse_rules("幸福小区\n" + text)
    assert [c.kind for c in clauses] == ["estate", "unparsed"]
    bad = clauses[1]
    assert (bad.line, bad.text) == (2, text)
    assert error in bad.error
    assert re.search(r"column \d+", bad.error)


def test_unparsed_part_does_not_hide_the_rest_of_the_line():
    clauses = parse_rules("2. 文澜路1-99号（单号）、文澜路＠＠、幸福小区（不含8幢）")
    assert [(c.kind, c.text) for c in clauses] == [
        ("road", "文澜路1-99号（单号）"),
        ("unparsed", "文澜路＠＠"),
        ("estate", "幸福小区（不含8幢）"),
    ]
    assert clauses[1].error == "unexpected character '＠' at column 20"


def test_adjacent_broken_pieces_form_one_unparsed_clause():
    clauses = parse_rules("文澜花园3、5、@幢、东湖村")
    assert [(c.kind, c.text) for c in clauses] == [("unparsed", "文澜花园3、5、@幢"), ("village", "东湖村")]
    # The first thing that cannot go on: 文澜花园3 with no unit before the list separator (the
    # lexer tells a list of numbers, 3、5幢, from separate clauses by the unit ahead).
    assert clauses[0].error == "unexpected '、' at column 6"


NEVER_DROPPED = [
    "文澜路1-99号（单号）、2-88号（双号）；幸福小区（不含8幢），东湖村一至五组。",
    "文澜路@@、幸福小区、##、东湖村3幢、金桂苑（1-5号楼）",
    "文瀾路１－９９號（單號）、東湖新村1-12棟",
    "文澜路全段（除100弄外）、文澜路100弄1-11号、13号、2-88号（双号）",
    "乱七八糟、、文澜路（青溪大道至建设路段）、？",
]


@pytest.mark.parametrize("text", NEVER_DROPPED)
def test_nothing_is_silently_dropped(text):
    """Clause texts, in order, hold every character written except separators and spaces."""

    def significant(s):
        return [ch for ch in s if ch not in "、，,；;。" and not ch.isspace()]

    assert significant("".join(c.text for c in parse_rules(text))) == significant(text)


# --- parse_clause, serialisation, grammar ------------------------------------------------------------


def test_parse_clause_parses_one_clause_with_its_line():
    clause = parse_clause("文澜路1-99号（单号）（除55号外）", line=7)
    assert (clause.line, clause.kind, clause.ranges) == (7, "road", ODD_1_99)
    assert clause.exclusions[0].line == 7


@pytest.mark.parametrize("text,error", [("文澜路、幸福小区", "2 clauses"), ("", "empty"), ("。", "empty")])
def test_parse_clause_rejects_anything_but_one_clause(text, error):
    clause = parse_clause(text, line=3)
    assert clause.kind == "unparsed" and clause.line == 3 and error in clause.error


def test_parse_clause_reports_an_unparsed_clause_as_is():
    clause = parse_clause("文澜路@", line=4)
    assert (clause.kind, clause.line, clause.text) == ("unparsed", 4, "文澜路@")


def test_to_dict_is_json_and_round_trips():
    clauses = parse_rules(
        "文澜路1-99号（单号）（除55号外）、文澜路128号附1\n幸福小区（不含8幢）\n文澜路（青溪大道至建设路段）\n文澜路@"
    )
    for clause in clauses:
        data = json.loads(json.dumps(clause.to_dict(), ensure_ascii=False))
        assert Clause.from_dict(data) == clause
    first = clauses[0].to_dict()
    assert first["ranges"] == [{"start": 1, "end": 99, "parity": "odd", "unit": "号", "suffix": None}]
    assert first["exclusions"][0]["text"] == "55号"
    assert clauses[-1].to_dict()["error"].startswith("unexpected character")


def test_grammar_has_no_lalr_conflicts(caplog):
    grammar = files("enroll.geo").joinpath("rules.lark").read_text(encoding="utf-8")
    with caplog.at_level(logging.DEBUG, logger="lark"):
        Lark(grammar, parser="lalr", debug=True)
    assert not [r for r in caplog.records if "conflict" in r.getMessage().lower()]


@pytest.mark.parametrize("suffix", ROAD_SUFFIXES)
def test_every_road_suffix_is_a_road(suffix):
    clause = parse_clause(f"青溪{suffix}1-9号")
    assert (clause.kind, clause.road) == ("road", f"青溪{suffix}")


@pytest.mark.parametrize("suffix", ESTATE_SUFFIXES)
def test_every_estate_suffix_is_an_estate(suffix):
    clause = parse_clause(f"青溪{suffix}3幢")
    assert (clause.kind, clause.estate, clause.buildings) == ("estate", f"青溪{suffix}", [(3, 3)])


def test_grammar_with_its_word_lists_has_no_lalr_conflicts(caplog):
    """The grammar as parsed: rules.lark with the word lists of address.py filled in."""
    with caplog.at_level(logging.DEBUG, logger="lark"):
        Lark(grammar_text(), parser="lalr", debug=True)
    assert not [r for r in caplog.records if "conflict" in r.getMessage().lower()]


def _grammar_words(terminal: str) -> set[str]:
    grammar = files("enroll.geo").joinpath("rules.lark").read_text(encoding="utf-8")
    body = re.search(rf"^{terminal}:(.*?)(?=^\S)", grammar, re.DOTALL | re.MULTILINE).group(1)
    return set(re.findall(r'"([^"]+)"', body))


@pytest.mark.parametrize(
    "terminal,words",
    [("_ROAD_SUFFIX", ROAD_SUFFIXES), ("_ESTATE_SUFFIX", ESTATE_SUFFIXES),
     ("_PLACE_SUFFIX", PLACE_SUFFIXES), ("_LANDMARK_SUFFIX", LANDMARK_SUFFIXES)],
)  # fmt: skip
def test_grammar_spells_the_suffix_lists_of_address(terminal, words):
    assert _grammar_words(terminal) == set(words)


# --- forms of real district announcements --------------------------------------------------------

# (text, attributes of the single clause it parses to)
ANNOUNCEMENT_FORMS = [
    # 1. numbers without a unit: 号, ambiguous
    ("安顺路134-358（双号）", {"road": "安顺路", "ranges": [rng(134, 358, "even")], "ambiguous": "no_unit"}),
    ("安顺路134-358号", {"ranges": [rng(134, 358)], "ambiguous": None}),
    ("安顺路1-99", {"ranges": [rng(1, 99)], "ambiguous": "no_unit"}),
    ("安顺路134至358", {"ranges": [rng(134, 358)], "ambiguous": "no_unit"}),
    ("安顺路134到358（单）", {"ranges": [rng(134, 358, "odd")], "ambiguous": "no_unit"}),
    ("安顺路单号1-99", {"ranges": [rng(1, 99, "odd")], "ambiguous": "no_unit"}),
    ("安顺路1-99号、101-199", {"ranges": [rng(1, 99), rng(101, 199)], "ambiguous": "no_unit"}),
    ("安顺路1882", {"ranges": [rng(1882)], "ambiguous": "no_unit"}),
    ("安顺路100弄1-20", {"kind": "lane", "lane": 100, "ranges": [rng(1, 20)], "ambiguous": "no_unit"}),
    # 2. mixed units
    ("长宁路811弄-827号", {"ranges": [rng(811, 827, unit="mixed")], "ambiguous": "mixed_unit"}),
    ("长宁路811弄至827号（单号）", {"ranges": [rng(811, 827, "odd", "mixed")], "ambiguous": "mixed_unit"}),
    # 3. villages and groups
    ("红星村", {"kind": "village", "village": "红星村", "groups": []}),
    ("红星村3组、5组", {"village": "红星村", "groups": [(3, 3), (5, 5)]}),
    ("红星村1-5组", {"groups": [(1, 5)]}),
    ("红星村（1、3、5组）", {"groups": [(1, 1), (3, 3), (5, 5)]}),
    ("红星村一组至五组", {"groups": [(1, 5)]}),
    ("红星村第一至第五组", {"groups": [(1, 5)]}),
    ("红星村第三村民小组", {"groups": [(3, 3)]}),
    ("红星村3小组", {"groups": [(3, 3)]}),
    ("红星村3队、5队", {"groups": [(3, 3), (5, 5)]}),
    ("XX镇红星村", {"village": "红星村", "groups": []}),
    ("红星村委会", {"kind": "village", "village": "红星村"}),
    ("红星村村委会辖区", {"kind": "village", "village": "红星村"}),
    ("红星村民委员会", {"kind": "village", "village": "红星村"}),
    ("红星村全村", {"village": "红星村"}),
    ("红星村：1-5组", {"village": "红星村", "groups": [(1, 5)]}),
    ("新泾六村15-30号", {"kind": "village", "village": "新泾六村", "ranges": [rng(15, 30)]}),
    # 4. places
    ("电缆厂", {"kind": "place", "place": "电缆厂", "ambiguous": None}),
    ("市一医院家属区", {"kind": "place", "place": "市一医院家属区"}),
    ("市一医院", {"kind": "place", "place": "市一医院"}),
    ("XX单位住宅", {"kind": "place", "place": "XX单位住宅"}),
    ("粮食局家属院", {"kind": "place", "place": "粮食局家属院"}),
    ("县粮食局家属院", {"kind": "place", "place": "县粮食局家属院"}),
    ("江城大学", {"kind": "place", "place": "江城大学"}),
    ("农贸市场", {"kind": "place", "place": "农贸市场"}),
    ("电缆厂生活区1-5栋", {"kind": "place", "place": "电缆厂生活区", "buildings": [(1, 5)]}),
    ("青溪区第一医院", {"kind": "place", "place": "第一医院"}),
    ("白沙乡全乡", {"kind": "place", "place": "白沙乡", "ambiguous": "area"}),
    ("崇文街道辖区", {"kind": "place", "place": "崇文街道", "ambiguous": "area"}),
    ("仙霞居委", {"kind": "place", "place": "仙霞居委", "ambiguous": "area"}),
    ("红星社区居委会", {"kind": "estate", "estate": "红星社区"}),
    ("纺大教工宿舍", {"kind": "estate", "estate": "纺大教工宿舍"}),  # 宿舍 ends estates
    ("XX公司宿舍", {"kind": "estate", "estate": "XX公司宿舍"}),
    ("电缆厂宿舍3幢", {"kind": "estate", "estate": "电缆厂宿舍", "buildings": [(3, 3)]}),
    ("电缆厂路", {"kind": "road", "road": "电缆厂路"}),
    ("仙霞新村1-30号（单号）", {"kind": "estate", "estate": "仙霞新村", "ranges": [rng(1, 30, "odd")]}),
    # 6. carve-outs (exclusions are checked below)
    ("雁城路（1-70号除外）", {"road": "雁城路", "ranges": []}),
    ("雁城路（除1-70号外）", {"road": "雁城路", "ranges": []}),
    ("雁城路除1-70号以外的门牌", {"road": "雁城路", "ranges": []}),
    ("雁城路（不含1-70号）", {"road": "雁城路", "ranges": []}),
    ("雁城路全段（1-70号除外）", {"road": "雁城路", "ranges": []}),
    ("雁城路1-70号除外", {"road": "雁城路", "ranges": []}),
    ("学院路（幸福小区除外）", {"road": "学院路", "ranges": []}),
    # 7. sides with a stretch
    ("和平西路南侧（A路至B路）", {"road": "和平西路", "side": "south", "stretch": ("A路", "B路"), "ambiguous": "stretch"}),
    ("和平西路南侧A路至B路段", {"side": "south", "stretch": ("A路", "B路"), "ambiguous": "stretch"}),
    ("和平西路（A路—B路）南侧", {"side": "south", "stretch": ("A路", "B路"), "ambiguous": "stretch"}),
    ("和平西路以南", {"side": "south", "stretch": None, "ambiguous": "side"}),
    ("和平西路南面", {"side": "south", "ambiguous": "side"}),
    ("解放路（东起青溪大道，西至建设路）", {"road": "解放路", "stretch": ("青溪大道", "建设路"), "ambiguous": "stretch"}),
    ("文澜路（青溪大道至建设路）两侧", {"stretch": ("青溪大道", "建设路"), "side": None}),
    ("文澜路（电缆厂至青溪河段）", {"stretch": ("电缆厂", "青溪河")}),
    ("文澜路青溪大道口至建设路口", {"stretch": ("青溪大道", "建设路")}),
    ("文澜路（青溪大道与建设路之间）", {"stretch": ("青溪大道", "建设路")}),
    # 10. noise
    ("文澜路等", {"road": "文澜路", "ranges": []}),
    ("文澜路一带", {"road": "文澜路"}),
    ("文澜路周边", {"road": "文澜路"}),
    ("文澜路范围内", {"road": "文澜路"}),
    ("文澜路辖区", {"road": "文澜路"}),
    ("文澜路所有门牌", {"road": "文澜路"}),
    ("文澜路全部门牌", {"road": "文澜路"}),
    ("文澜路两侧", {"road": "文澜路", "side": None, "ambiguous": None}),
    ("文澜路片区", {"road": "文澜路"}),
    ("包括文澜路", {"road": "文澜路"}),
    ("文澜路1-99号等", {"ranges": [rng(1, 99)]}),
    ("文澜路100弄内所有门牌", {"kind": "lane", "lane": 100}),
    ("幸福小区全部门牌", {"kind": "estate", "estate": "幸福小区"}),
    ("铁路以南的学院路", {"road": "学院路", "side": None}),
    ("井儿巷以南、盐桥街以东的新华坊", {"kind": "estate", "estate": "新华坊"}),
    # Shanghai
    ("XX路123弄", {"kind": "lane", "lane": 123}),
    ("XX路1-99弄（单号）", {"kind": "road", "ranges": [rng(1, 99, "odd", "弄")]}),
    ("XX路123弄1-20号", {"kind": "lane", "lane": 123, "ranges": [rng(1, 20)]}),
    ("XX新村", {"kind": "estate", "estate": "XX新村"}),
    ("XX坊", {"kind": "estate", "estate": "XX坊"}),
    ("新华路双桥新村", {"kind": "estate", "estate": "新华路双桥新村"}),
    ("愚园路1088弄全弄", {"kind": "lane", "lane": 1088, "ranges": []}),
    # more spellings of real texts
    ("文化路5号院", {"road": "文化路", "ranges": [rng(5)]}),
    ("文化路5-9号院", {"ranges": [rng(5, 9)]}),
    ("阳光花园二期", {"kind": "estate", "estate": "阳光花园2期"}),
    ("阳光花园二期3-5栋", {"estate": "阳光花园2期", "buildings": [(3, 5)]}),
    ("文澜路100号以上（双号）", {"ranges": [rng(100, OPEN_END, "even")]}),
    ("文澜路100号以后", {"ranges": [rng(100, OPEN_END)]}),
    ("文澜路100号及以下", {"ranges": [rng(1, 100)]}),
    ("人民路北段1-99号", {"road": "人民路北段", "ranges": [rng(1, 99)]}),
    ("人民南路三段", {"road": "人民南路三段"}),
    ("文澜路1-99号（其中55号除外）", {"ranges": [rng(1, 99)]}),
    ("文澜路 1-99号", {"road": "文澜路", "ranges": [rng(1, 99)]}),
    ("XX镇 红星村", {"village": "红星村"}),
    ("文澜路 东侧", {"side": "east"}),
    ("红星村 1-5组", {"groups": [(1, 5)]}),
    ("小木桥路251弄5-8支弄", {"kind": "lane", "lane": 251, "ranges": [rng(5, 8)]}),
    ("新塘社区1-6居民小组", {"kind": "estate", "estate": "新塘社区", "groups": [(1, 6)]}),
    ("青溪社区（文澜路以东部分）", {"estate": "青溪社区", "ambiguous": "area"}),
    ("文澜路（学院路以东部分）", {"road": "文澜路", "ranges": [], "ambiguous": "stretch"}),
    ("五一大道（芙蓉路至黄兴路）北侧（单号）",
     {"side": "north", "stretch": ("芙蓉路", "黄兴路"), "ranges": [rng(1, OPEN_END, "odd")], "ambiguous": "stretch"}),
]


@pytest.mark.parametrize("text,expected", ANNOUNCEMENT_FORMS)
def test_announcement_forms(text, expected):
    clauses = parse_rules(text)
    assert len(clauses) == 1, [c.to_dict() for c in clauses]
    clause = clauses[0]
    assert clause.error is None and clause.kind != "unparsed"
    assert clause.line == 1 and clause.text == text
    for name, value in expected.items():
        assert getattr(clause, name) == value, name


CARVE_OUTS = [
    ("雁城路（1-70号除外）", [{"kind": "road", "road": "雁城路", "ranges": [rng(1, 70)], "text": "1-70号"}]),
    ("雁城路（除1-70号外）", [{"ranges": [rng(1, 70)]}]),
    ("雁城路除1-70号以外的门牌", [{"ranges": [rng(1, 70)]}]),
    ("雁城路（不含1-70号）", [{"ranges": [rng(1, 70)]}]),
    ("雁城路全段（1-70号除外）", [{"ranges": [rng(1, 70)]}]),
    ("雁城路1-70号除外", [{"ranges": [rng(1, 70)], "text": "雁城路1-70号除外"}]),
    ("雁城路（1-70号、单号除外）", [{"ranges": [rng(1, 70)]}, {"ranges": [rng(1, OPEN_END, "odd")]}]),
    ("学院路（幸福小区除外）", [{"kind": "estate", "estate": "幸福小区", "text": "幸福小区"}]),
    ("学院路（幸福小区、100-200号除外）", [{"kind": "estate"}, {"kind": "road", "road": "学院路", "ranges": [rng(100, 200)]}]),
    ("红星村（不含3组）", [{"kind": "village", "village": "红星村", "groups": [(3, 3)]}]),
    ("新泾六村（除15号外）", [{"kind": "village", "village": "新泾六村", "ranges": [rng(15)]}]),
    ("白沙乡全乡（除石桥村外）", [{"kind": "village", "village": "石桥村"}]),
    ("电缆厂（除3幢外）", [{"kind": "place", "place": "电缆厂", "buildings": [(3, 3)]}]),
]  # fmt: skip


@pytest.mark.parametrize("text,excluded", CARVE_OUTS)
def test_carve_outs(text, excluded):
    (clause,) = parse_rules(text)
    assert clause.kind != "unparsed", clause.error
    assert len(clause.exclusions) == len(excluded)
    for exclusion, attributes in zip(clause.exclusions, excluded, strict=True):
        for name, value in attributes.items():
            assert getattr(exclusion, name) == value, name


def test_continued_carve_out_applies_to_the_clause_before():
    (clause,) = parse_rules("雁城路全段、1-70号除外")
    assert (clause.road, clause.ranges, clause.text) == ("雁城路", [], "雁城路全段、1-70号除外")
    assert [x.ranges for x in clause.exclusions] == [[rng(1, 70)]]


def test_mixed_unit_continuation_is_marked():
    lane, mixed = parse_rules("长宁路1027弄、811弄-827号")
    assert (lane.kind, lane.lane, lane.ambiguous) == ("lane", 1027, None)
    assert (mixed.road, mixed.ranges, mixed.ambiguous, mixed.text) == (
        "长宁路", [rng(811, 827, unit="mixed")], "mixed_unit", "811弄-827号")


def test_unit_less_continuation_marks_the_merged_clause():
    (clause,) = parse_rules("安顺路1-99号（单号）、2-88（双号）")
    assert clause.ranges == [rng(1, 99, "odd"), rng(2, 88, "even")] and clause.ambiguous == "no_unit"


def test_groups_continue_across_separators_and_lines():
    first, second = parse_rules("红星村3组、5组、7-9组\n11组")
    assert first.groups == [(3, 3), (5, 5), (7, 9)] and first.text == "红星村3组、5组、7-9组"
    assert (second.village, second.groups, second.line) == ("红星村", [(11, 11)], 2)


def test_villages_with_their_groups_in_a_list():
    clauses = parse_rules("胜利村1-5组、东风村2、4、6组、前进村（一组至三组），光明村")
    assert [(c.village, c.groups) for c in clauses] == [
        ("胜利村", [(1, 5)]), ("东风村", [(2, 2), (4, 4), (6, 6)]), ("前进村", [(1, 3)]), ("光明村", [])]


def test_place_with_its_addresses_in_parentheses():
    place, road, lane = parse_rules("XX宿舍（延安西路1882号、杨宅路181弄）")
    assert (place.kind, place.estate, place.text) == ("estate", "XX宿舍", "XX宿舍（延安西路1882号、杨宅路181弄）")
    assert (road.kind, road.road, road.ranges, road.text) == ("road", "延安西路", [rng(1882)], "延安西路1882号")
    assert (lane.kind, lane.road, lane.lane, lane.text) == ("lane", "杨宅路", 181, "杨宅路181弄")
    assert {c.line for c in (place, road, lane)} == {1}


def test_unit_place_with_its_addresses_and_bare_numbers_continuing_them():
    place, first, second = parse_rules("电缆厂（文澜路88号、90-96号（双号），幸福小区3幢）")
    assert (place.kind, place.place) == ("place", "电缆厂")
    assert (first.road, first.ranges, first.text) == ("文澜路", [rng(88), rng(90, 96, "even")], "文澜路88号、90-96号（双号）")
    assert (second.kind, second.estate, second.buildings) == ("estate", "幸福小区", [(3, 3)])


def test_included_places_are_clauses_of_their_own():
    road, estate = parse_rules("文澜路1-99号（含幸福小区）")
    assert (road.ranges, road.text) == ([rng(1, 99)], "文澜路1-99号（含幸福小区）")
    assert (estate.estate, estate.text) == ("幸福小区", "幸福小区")
    (lane,) = parse_rules("文澜路100弄（含）")
    assert lane.lane == 100


@pytest.mark.parametrize(
    "text,bounds",
    [
        ("东至A路，西至B路，南至C路，北至D路", {"east": "A路", "west": "B路", "south": "C路", "north": "D路"}),
        ("北至D路、南至C路、东至A路", {"north": "D路", "south": "C路", "east": "A路"}),
        ("东起A路，西到B路", {"east": "A路", "west": "B路"}),
        ("东到A路、南临C路", {"east": "A路", "south": "C路"}),
        ("东以A路为界，西以B路为界，北以铁路为界", {"east": "A路", "west": "B路", "north": "铁路"}),
        ("东至湘江，南至电缆厂围墙，北至铁路，西至A路中心线", {"east": "湘江", "south": "电缆厂围墙", "north": "铁路", "west": "A路"}),
        ("东至青溪河，西至幸福小区", {"east": "青溪河", "west": "幸福小区"}),
        ("A路以东、B路以西、C路以南、D路以北区域", {"west": "A路", "east": "B路", "north": "C路", "south": "D路"}),
        ("A路以东，青溪河以西的区域", {"west": "A路", "east": "青溪河"}),
        ("青溪河以东、解放路以北", {"west": "青溪河", "south": "解放路"}),
        ("东至A路，西至B路所围区域", {"east": "A路", "west": "B路"}),
        ("四至：东至A路，西至B路", {"east": "A路", "west": "B路"}),
    ],
)  # fmt: skip
def test_four_bounds_are_one_clause(text, bounds):
    clauses = parse_rules(text)
    area = clauses[-1]
    assert [c.kind for c in clauses] in (["bounded"], ["heading", "bounded"])
    assert (area.bounds, area.ambiguous, area.ranges, area.road) == (bounds, "bounded", [], None)
    assert text.endswith(area.text)


@pytest.mark.parametrize(
    "text,names",
    [("A路、B路、C路、D路围合区域", ["A路", "B路", "C路", "D路"]),
     ("由A路、B路、湘江、D路围合的区域", ["A路", "B路", "湘江", "D路"]),
     ("文澜路、幸福小区所围区域", ["文澜路", "幸福小区"])],
)  # fmt: skip
def test_roads_enclosing_an_area_are_one_clause(text, names):
    (area,) = parse_rules(text)
    assert (area.kind, area.ambiguous, area.text) == ("bounded", "bounded", text)
    assert area.bounds == {f"around{i}": name for i, name in enumerate(names, start=1)}


def test_an_enclosure_takes_only_the_bare_names_just_before_it():
    numbers, area = parse_rules("文澜路1-99号、学院路、建设路所围区域")
    assert (numbers.kind, numbers.ranges) == ("road", [rng(1, 99)])
    assert area.bounds == {"around1": "学院路", "around2": "建设路"}
    whole, area = parse_rules("文澜路\n学院路、建设路围合区域")
    assert (whole.kind, whole.line, area.line) == ("road", 1, 2)


def test_four_bounds_over_several_lines_are_one_clause():
    (area,) = parse_rules("东至A路，\n西至B路；\n南至C路。")
    assert area.bounds == {"east": "A路", "west": "B路", "south": "C路"}
    assert (area.line, area.text) == (1, "东至A路\n西至B路\n南至C路")


def test_four_bounds_with_a_carve_out_on_a_boundary_road():
    (area,) = parse_rules("东至雁城路（1-70号除外），西至先锋路")
    assert area.bounds == {"east": "雁城路", "west": "先锋路"}
    assert [(x.kind, x.road, x.ranges) for x in area.exclusions] == [("road", "雁城路", [rng(1, 70)])]


def test_a_repeated_direction_starts_a_new_area():
    first, second = parse_rules("东至A路，西至B路；东至C路，西至D路")
    assert first.bounds == {"east": "A路", "west": "B路"} and second.bounds == {"east": "C路", "west": "D路"}


def test_a_side_then_its_stretch_is_one_clause():
    (clause,) = parse_rules("和平西路以南、A路至B路段")
    assert (clause.road, clause.side, clause.stretch, clause.ambiguous) == ("和平西路", "south", ("A路", "B路"), "stretch")
    assert clause.text == "和平西路以南、A路至B路段"


def test_sides_of_different_roads_stay_road_clauses():
    east, west = parse_rules("文澜路东侧、学院路西侧")
    assert (east.kind, east.side, west.kind, west.side) == ("road", "east", "road", "west")


def test_a_former_name_is_a_clause_of_its_own():
    estate, village = parse_rules("新塘社区（原新塘村）")
    assert (estate.estate, village.village, village.text) == ("新塘社区", "新塘村", "新塘村")


def test_carve_out_introduced_by_of_which():
    (clause,) = parse_rules("文澜路1-99号（其中55号除外）")
    assert [x.ranges for x in clause.exclusions] == [[rng(55)]]
    (clause,) = parse_rules("文澜路1-99号（其中除55号外）")
    assert [x.ranges for x in clause.exclusions] == [[rng(55)]]


@pytest.mark.parametrize(
    "text,names",
    [("文澜路 学院路 建设路", ["文澜路", "学院路", "建设路"]),
     ("愚园路1088弄 1136弄 1208弄", [1088, 1136, 1208]),
     ("幸福小区 金桂苑  东湖村", ["幸福小区", "金桂苑", "东湖村"]),
     ("文澜路1-99号 学院路", ["文澜路", "学院路"])],
)  # fmt: skip
def test_spaces_separate_items_copied_from_tables(text, names):
    clauses = parse_rules(text)
    assert [c.lane or c.road or c.estate or c.village for c in clauses] == names


@pytest.mark.parametrize("label", ["招生范围：", "划片范围：", "施教区范围为：", "对口地段：", "四至：", "文澜小学："])
def test_labels_before_the_text_are_headings(label):
    heading, road = parse_rules(label + "文澜路")
    assert (heading.kind, heading.text, road.road) == ("heading", label, "文澜路")


def test_heading_names_the_area_and_matches_nothing():
    heading, red, light = parse_rules("XX镇：红星村、光明村")
    assert (heading.kind, heading.place, heading.text) == ("heading", None, "XX镇：")  # names nothing to match
    assert (red.village, light.village) == ("红星村", "光明村")
    assert [c.kind for c in parse_rules("一、华阳居委：愚园路1088弄")] == ["heading", "lane"]


@pytest.mark.parametrize(
    "text",
    ["1.文澜路；2.学院路", "①文澜路②学院路", "1.文澜路 2.学院路", "文澜路2.学院路", "（1）文澜路（2）学院路",
     "(1)文澜路;(2)学院路", "一、文澜路 二、学院路", "文澜路及学院路", "文澜路和学院路", "文澜路与学院路",
     "文澜路以及学院路", "文澜路、\n学院路"],
)  # fmt: skip
def test_lists_and_numbering(text):
    assert [c.road for c in parse_rules(text)] == ["文澜路", "学院路"]


def test_and_does_not_split_a_road_named_with_it():
    assert [c.road for c in parse_rules("和平路、文澜路和平路至建设路段")] == ["和平路", "文澜路"]
    assert parse_rules("文澜路和平路至建设路段")[0].stretch == ("和平路", "建设路")


def strip_separators(text: str) -> str:
    return re.sub("[、，,；;。]", "", text)


ANNOUNCEMENT_MALFORMED = [
    ("东至", "clause ends too early"),
    ("东至（", "unexpected"),
    ("文澜路（1-70号除外", "clause ends too early"),
    ("文澜路除1-70号", "clause ends too early"),
    ("A路至B路段", "a stretch without its road"),
    ("文澜路1-99号、A路至B路段", "a stretch without its road"),
    ("青溪河", "a landmark needs a direction"),
    ("东至湘江（1-5号除外）", "only a road or a named place can have numbers left out"),
    ("文澜路（东起A路）", "a stretch needs two ends"),
    ("文澜路（除A路至B路段外）", "an excluded side or stretch needs door numbers"),
    ("红星村3幢", "幢 numbers cannot follow a village"),
    ("红星村1-5", "clause ends too early"),
    ("电缆厂东侧", "side cannot follow a place"),
    ("幸福小区单号", "parity cannot follow an estate"),
    ("的幸福小区", "unexpected '的'"),
    ("文澜路（幸福小区（3幢）", "clause ends too early"),
    ("安顺路134-", "clause ends too early"),
    ("安顺路-358", "unexpected"),
    ("东至A路，1-99号", "numbers without a road"),
    ("文澜路1-99号以上", "以上 / 以下 needs a single number"),
    ("幸福小区3幢以上", "open cannot follow an estate"),
]


@pytest.mark.parametrize("text,error", ANNOUNCEMENT_MALFORMED)
def test_malformed_announcement_forms_are_unparsed_with_a_column(text, error):
    clauses = parse_rules("幸福小区\n" + text)
    assert clauses[0].kind == "estate"
    bad = [c for c in clauses[1:] if c.kind == "unparsed"]
    assert bad and all(c.line == 2 for c in clauses[1:])
    assert any(error in c.error for c in bad), [c.error for c in bad]
    assert all(re.search(r"column \d+", c.error) for c in bad)
    assert strip_separators("".join(c.text for c in clauses[1:])) == strip_separators(text)


def test_new_fields_round_trip_through_json():
    text = "东至雁城路（1-70号除外），西至先锋路\n电缆厂（除3幢外）\n和平西路以南、A路至B路段\n仙霞新村1-30号（单号）\nXX镇：红星村"
    clauses = parse_rules(text)
    assert {c.kind for c in clauses} == {"bounded", "place", "road", "estate", "heading", "village"}
    for clause in clauses:
        data = json.loads(json.dumps(clause.to_dict(), ensure_ascii=False))
        assert Clause.from_dict(data) == clause
    area = clauses[0].to_dict()
    assert area["bounds"] == {"east": "雁城路", "west": "先锋路"} and area["place"] is None
    assert clauses[1].to_dict()["place"] == "电缆厂"


def test_clauses_stored_before_places_and_bounds_still_load():
    old = {"line": 1, "text": "文澜路", "kind": "road", "road": "文澜路", "ranges": [], "lane": None, "side": None,
           "stretch": None, "estate": None, "buildings": [], "village": None, "groups": [], "exclusions": [],
           "ambiguous": None, "error": None}
    clause = Clause.from_dict(old)
    assert (clause.place, clause.bounds) == (None, {})


FUZZ_WORDS = [
    "文澜路", "幸福小区", "红星村", "电缆厂", "湘江", "1-99号", "（单号）", "、", "，", "；", "东至", "西至", "以南",
    "南侧", "至", "段", "（", "）", "除", "外", "不含", "3组", "5幢", "100弄", "811弄-827号", "全段", "等", "的", "：",
    "XX镇", "1.", " ", "以上", "二期", "号院", "之间", "与", "口", "除外", "（含", "原", "其中", "@", "\n", "134-358",
    "居委会", "村委会", "片区", "部分", "支弄", "第", "以东", "东起", "为界", "中心线", "1", "号",
]  # fmt: skip


def test_random_text_never_raises_and_is_quoted_in_full():
    """Any mixture of the grammar's words and junk: clauses come back, unparsed ones with a column,
    and every character written is quoted by some clause (numbering and 及/与/的 aside)."""
    rng = random.Random(20260)
    for _ in range(1500):
        text = "".join(rng.choice(FUZZ_WORDS) for _ in range(rng.randint(1, 12)))
        clauses = parse_rules(text)
        assert all(re.search(r"column \d+", c.error) for c in clauses if c.kind == "unparsed"), text
        quoted = "".join(c.text for c in clauses)
        missing = {ch for ch in text if ch not in quoted and ch not in "、，,；;。:： \n"}
        assert missing <= set("1.与的（）()"), (text, missing)
