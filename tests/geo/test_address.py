"""Address normalization and parsing: one canonical form for the gazetteer and for queries."""

from __future__ import annotations

from pathlib import Path

import pytest

from enroll.geo.address import (
    PROVINCES,
    AddressParts,
    canonicalize,
    canonicalize_with_spans,
    chinese_numeral,
    normalize,
    parse_address,
    strip_admin,
)

# --- normalize ---------------------------------------------------------------------------------

NORMALIZED = [
    # fullwidth and whitespace
    ("ＸＸ路１２８号", "XX路128号"),
    ("文澜路 128 号", "文澜路128号"),
    ("文澜路\t128\u3000号\n", "文澜路128号"),
    ("xx路128号", "XX路128号"),
    # traditional -> simplified
    ("東湖新村12幢", "东湖新村12幢"),
    ("幸福小區3棟", "幸福小区3幢"),
    ("文瀾路128號", "文澜路128号"),
    # dashes and 至/到 between numbers
    ("文澜路1－99号", "文澜路1-99号"),
    ("文澜路1—99号", "文澜路1-99号"),
    ("文澜路1–99号", "文澜路1-99号"),
    ("文澜路1~99号", "文澜路1-99号"),
    ("文澜路1～99号", "文澜路1-99号"),
    ("文澜路1至99号", "文澜路1-99号"),
    ("文澜路1到99号", "文澜路1-99号"),
    ("至善路到达", "至善路到达"),
    # punctuation and parenthesised remarks
    ("文澜路128号(东门)", "文澜路128号"),
    ("文澜路128号（东门）", "文澜路128号"),
    ("文澜路128号【临街】", "文澜路128号"),
    ("文澜路，128号。", "文澜路128号"),
    ("“文澜路”128号；", "文澜路128号"),
    ("文澜路128-1号", "文澜路128-1号"),
    # Chinese numerals only before units
    ("文澜路三号", "文澜路3号"),
    ("文澜路十二弄", "文澜路12弄"),
    ("文澜路一百零五号", "文澜路105号"),
    ("幸福小区二十一幢", "幸福小区21幢"),
    ("东湖村五组", "东湖村5组"),
    ("幸福小区3幢二单元", "幸福小区3幢2单元"),
    ("幸福小区3幢五楼", "幸福小区3幢5楼"),
    ("幸福小区3幢二层", "幸福小区3幢2层"),
    ("幸福小区3幢一零一室", "幸福小区3幢101室"),
    ("东湖村一至五组", "东湖村1-5组"),
    ("红星村3村民小组", "红星村3组"),
    ("红星村三小组", "红星村3组"),
    ("红星村第3组", "红星村3组"),
    ("红星村第一至第五组", "红星村1-5组"),
    ("红星村3队、5队", "红星村3组5组"),
    ("红星村5生产队", "红星村5组"),
    ("消防3队", "消防3队"),
    ("第一小学3组", "第一小学3组"),
    ("中山一路", "中山一路"),
    ("中山一路3号", "中山一路3号"),
    ("第一小学", "第一小学"),
    ("一村", "一村"),
    ("三里亭路", "三里亭路"),
    # one building unit: 幢
    ("幸福小区3栋", "幸福小区3幢"),
    ("幸福小区3号楼", "幸福小区3幢"),
    ("幸福小区三号楼", "幸福小区3幢"),
    ("幸福小区3座", "幸福小区3幢"),
    ("幸福小区3#", "幸福小区3幢"),
    ("幸福小区3#楼", "幸福小区3幢"),
    ("幸福小区#", "幸福小区"),
    ("文澜路3号", "文澜路3号"),
    # provinces are stripped, estate words are not
    ("浙江省江城市青溪区崇文街31号", "江城市青溪区崇文街31号"),
    ("上海市文澜路1号", "文澜路1号"),
    ("广西壮族自治区南宁市民族大道100号", "南宁市民族大道100号"),
    ("廣西壯族自治區南寧市民族大道100號", "南宁市民族大道100号"),
    ("幸福小区3幢", "幸福小区3幢"),
    ("青溪社区", "青溪社区"),
    ("浙江省", "浙江省"),
    ("", ""),
]


@pytest.mark.parametrize("text,expected", NORMALIZED)
def test_normalize(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "text",
    [t for t, _ in NORMALIZED]
    + ["三、号", "一至5号", "一、三、五组", "(东门)3号", "3号楼楼", "1至至2号", "#3#", "十十号", "零号", "－３号",
       "第第3组", "第3第4组", "村3队队", "3队", "红星村第一至第五组", "第3村民小组组", "1至第3组"],
)
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once
    prefixes = ("浙江省", "江城市", "青溪区")
    once = normalize(text, prefixes)
    assert normalize(once, prefixes) == once


@pytest.mark.parametrize(
    "text,prefixes,expected",
    [
        ("浙江省江城市青溪区崇文街31号", ("江城市", "青溪区"), "崇文街31号"),
        ("江城市青溪区崇文街31号", ("江城市", "青溪区"), "崇文街31号"),
        ("青溪区江城市崇文街31号", ("江城市", "青溪区"), "崇文街31号"),
        ("浙江省江城市崇文街31号", ("浙江省", "江城市"), "崇文街31号"),
        ("江城市崇文街31号", ("江城市", "江城市"), "崇文街31号"),
        ("江城市", ("江城市",), "江城市"),  # never strips everything
        ("崇文街31号", ("江城市",), "崇文街31号"),
        ("幸福小区3幢", ("青溪区",), "幸福小区3幢"),
        ("江城市幸福小区3幢", ("江城市",), "幸福小区3幢"),
        ("江城市青溪區崇文街", ("江城市", "青溪区"), "崇文街"),  # prefixes compared after normalization
    ],
)
def test_normalize_strips_given_prefixes(text, prefixes, expected):
    assert normalize(text, prefixes) == expected


def test_all_34_provinces_are_stripped():
    assert len(PROVINCES) == 34 == len(set(PROVINCES))
    for province in PROVINCES:
        assert normalize(province + "崇文街31号") == "崇文街31号", province


@pytest.mark.parametrize(
    "text,value",
    [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十一", 21), ("九十九", 99), ("一百", 100),
     ("一百零五", 105), ("一百二十", 120), ("两千零一", 2001), ("一二八", 128), ("零", 0), ("两", 2)],
)  # fmt: skip
def test_chinese_numeral(text, value):
    assert chinese_numeral(text) == value


def test_fast_path_rewrites_exactly_as_the_tracked_one():
    """normalize skips span tracking; on every demo address and clause it must give the same text."""
    from enroll.geo.address import Plain, Tracked, _canonical_chars

    demo = Path(__file__).resolve().parents[2] / "gis_data" / "demo"
    texts = [line.split(",")[0] for line in (demo / "addresses.csv").read_text(encoding="utf-8-sig").splitlines()[1:]]
    texts += (demo / "rules_primary.csv").read_text(encoding="utf-8-sig").splitlines()
    texts += [text for text, _ in NORMALIZED] + ["㈠号", "Ａ座３棟", "文瀾路 一至九十九號（單號）、２－８８号", ""]
    for keep in (True, False):
        for text in texts:
            assert _canonical_chars(Plain(text), keep).text == _canonical_chars(Tracked(text), keep).text, text


def test_canonicalize_keeps_punctuation_and_maps_back_to_the_source():
    raw = "文瀾路 一至九十九號（單號）、２－８８号"
    assert canonicalize(raw) == "文澜路1-99号(单号)、2-88号"
    tracked = canonicalize_with_spans(raw)
    assert tracked.text == canonicalize(raw)
    assert len(tracked.starts) == len(tracked.ends) == len(tracked.text)
    assert tracked.starts == sorted(tracked.starts)
    assert raw[tracked.starts[0] : tracked.ends[2]] == "文瀾路"
    assert raw[tracked.starts[3] : tracked.ends[7]] == "一至九十九號"  # "1-99号"
    assert raw[tracked.starts[5] : tracked.ends[6]] == "九十九"  # "99"
    assert raw[tracked.starts[8] : tracked.ends[11]] == "（單號）"
    assert raw[tracked.starts[13] : tracked.ends[-1]] == "２－８８号"


@pytest.mark.parametrize(
    "name,expected",
    [
        ("江城市青溪区崇文街", "崇文街"),
        ("青溪区文澜路", "文澜路"),
        ("高新区文一路", "文一路"),
        ("青溪街道东湖村", "东湖村"),
        ("青溪镇东湖村", "东湖村"),
        ("幸福小区", "幸福小区"),
        ("东湖社区", "东湖社区"),
        ("城市大道", "城市大道"),
        ("开发区大道", "开发区大道"),
        ("市府路", "市府路"),
        ("菜市桥路", "菜市桥路"),  # a unit needs a name of two characters or more
        ("花市路", "花市路"),
        ("新区路", "新区路"),
        ("文澜路", "文澜路"),
    ],
)
def test_strip_admin(name, expected):
    assert strip_admin(name) == expected


# --- parse_address -----------------------------------------------------------------------------

PARSED = [
    ("文澜路128号", {"road": "文澜路", "number": 128}),
    ("文澜路128号附1", {"road": "文澜路", "number": 128, "suffix": "附1"}),
    ("文澜路128甲号", {"road": "文澜路", "number": 128, "suffix": "甲"}),
    ("文澜路128号乙", {"road": "文澜路", "number": 128, "suffix": "乙"}),
    ("文澜路128-1号", {"road": "文澜路", "number": 128, "suffix": "-1"}),
    ("文澜路100弄5号", {"road": "文澜路", "lane": 100, "lane_number": 5}),
    ("文澜路100弄5号附2", {"road": "文澜路", "lane": 100, "lane_number": 5, "suffix": "附2"}),
    ("青溪区文澜路811弄", {"road": "文澜路", "lane": 811}),
    ("浙江省江城市青溪区崇文街31号", {"road": "崇文街", "number": 31}),
    ("幸福小区3栋2单元", {"estate": "幸福小区", "building": 3, "unit": 2}),
    ("幸福小区三号楼", {"estate": "幸福小区", "building": 3}),
    ("幸福小区3号楼201室", {"estate": "幸福小区", "building": 3}),
    ("東湖新村12幢", {"estate": "东湖新村", "building": 12}),
    ("名城花园3幢", {"estate": "名城花园", "building": 3}),
    ("文澜花园", {"estate": "文澜花园"}),
    ("东湖村5组", {"village": "东湖村", "group": 5}),
    ("东湖村五组18号", {"village": "东湖村", "group": 5, "number": 18}),
    ("青溪镇东湖村5组", {"village": "东湖村", "group": 5}),
    ("中山一路3号", {"road": "中山一路", "number": 3}),
    ("ＸＸ路１２８号", {"road": "XX路", "number": 128}),
    ("文澜路 128 号", {"road": "文澜路", "number": 128}),
    ("文澜路128号(东门)", {"road": "文澜路", "number": 128}),
    ("文澜路128号幸福小区3幢", {"road": "文澜路", "number": 128, "estate": "幸福小区", "building": 3}),
    ("文澜路幸福小区3幢", {"road": "文澜路", "estate": "幸福小区", "building": 3}),
    ("幸福路小区3幢", {"estate": "幸福路小区", "building": 3}),
    ("文澜花园路12号", {"road": "文澜花园路", "number": 12}),
    ("青溪大道88号", {"road": "青溪大道", "number": 88}),
    ("学院巷7号", {"road": "学院巷", "number": 7}),
    ("文澜路", {"road": "文澜路"}),
    ("文澜路三号", {"road": "文澜路", "number": 3}),
    # what parents type in the districts of the announcement forms
    ("杨宅路181弄12号", {"road": "杨宅路", "lane": 181, "lane_number": 12}),
    ("延安西路1882号3楼", {"road": "延安西路", "number": 1882}),
    ("红星村3组12号", {"village": "红星村", "group": 3, "number": 12}),
    ("XX镇红星村五组", {"village": "红星村", "group": 5}),
    ("红星村第三村民小组8号", {"village": "红星村", "group": 3, "number": 8}),
    ("红星村3队", {"village": "红星村", "group": 3}),
    ("纺大教工宿舍5栋2单元301", {"estate": "纺大教工宿舍", "building": 5, "unit": 2}),
    ("电缆厂宿舍3幢", {"estate": "电缆厂宿舍", "building": 3}),
    ("安顺路150号附2", {"road": "安顺路", "number": 150, "suffix": "附2"}),
    ("市一医院家属区5栋2单元", {"building": 5, "unit": 2}),
    ("仙霞新村12号", {"estate": "仙霞新村", "number": 12}),
    ("新泾五村3号", {"village": "新泾五村", "number": 3}),
    ("崇文街道文澜路5号", {"road": "文澜路", "number": 5}),
    ("西河街道办事处宿舍2栋", {"estate": "办事处宿舍", "building": 2}),
    ("阳光花园二期3栋", {"estate": "阳光花园2期", "building": 3}),
    ("人民路北段12号", {"road": "人民路北段", "number": 12}),
    ("文化路5号院3号楼", {"road": "文化路", "number": 5}),
    ("新塘社区3居民小组12号", {"estate": "新塘社区", "group": 3, "number": 12}),
    ("小木桥路251弄6支弄3号", {"road": "小木桥路", "lane": 251, "lane_number": 6}),
]


@pytest.mark.parametrize("text,expected", PARSED)
def test_parse_address(text, expected):
    parts = parse_address(text)
    fields = {k: v for k, v in vars(parts).items() if v is not None and k != "normalized"}
    assert fields == expected
    assert parts.normalized == normalize(text)


def test_parse_address_strips_given_prefixes():
    parts = parse_address("江城市青溪區文瀾路１２８號", ("江城市", "青溪区"))
    assert (parts.road, parts.number, parts.normalized) == ("文澜路", 128, "文澜路128号")


@pytest.mark.parametrize("text", ["", "   ", "128号", "你好", "@@@", "第一小学", "(东门)", "hello world", "——"])
def test_unparseable_address_gives_all_none(text):
    parts = parse_address(text)
    assert isinstance(parts, AddressParts)
    assert all(v is None for k, v in vars(parts).items() if k != "normalized")
    assert parts.normalized == normalize(text)
