"""The catchment-text grammar: every published form, line numbers, unparsed parts, serialisation."""

from __future__ import annotations

import json
import logging
import re
from importlib.resources import files

import pytest
from lark import Lark

from enroll.geo.address import ESTATE_SUFFIXES, ROAD_SUFFIXES
from enroll.geo.rules import OPEN_END, Clause, NumberRange, parse_clause, parse_rules


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
    ("以上范围内的住户", "unexpected character"),
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
