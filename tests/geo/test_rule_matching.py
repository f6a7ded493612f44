"""Which addresses a catchment clause covers: clause_matches over parsed clauses and addresses."""

from __future__ import annotations

import json

import pytest

from enroll.geo.address import parse_address
from enroll.geo.rules import (
    Clause,
    clause_matches,
    index_keys,
    parse_clause,
    parse_rules,
)

# (clause text, address text, expected)
TABLE = [
    # parity edges: 1 and 99 included, 100 excluded, wrong parity excluded
    ("文澜路1-99号（单号）", "文澜路1号", True),
    ("文澜路1-99号（单号）", "文澜路99号", True),
    ("文澜路1-99号（单号）", "文澜路55号", True),
    ("文澜路1-99号（单号）", "文澜路2号", False),
    ("文澜路1-99号（单号）", "文澜路100号", False),
    ("文澜路1-99号（单号）", "文澜路101号", False),
    ("文澜路1-99号（单号）", "建设路1号", False),
    ("文澜路1-99号（单号）", "文澜路", False),
    ("文澜路2-100号(双号)", "文澜路2号", True),
    ("文澜路2-100号(双号)", "文澜路100号", True),
    ("文澜路2-100号(双号)", "文澜路1号", False),
    ("文澜路2-100号(双号)", "文澜路102号", False),
    ("文澜路单号1-99号", "文澜路97号", True),
    ("文澜路1号至99号（单）", "文澜路98号", False),
    ("文澜路偶数号2-50号", "文澜路50号", True),
    ("文澜路1～99号", "文澜路98号", True),
    ("文澜路1-99号", "文澜路0号", False),
    ("文澜路单号", "文澜路12345号", True),
    ("文澜路单号", "文澜路12号", False),
    # several ranges on one road
    ("文澜路1-99号（单号）、2-88号（双号）", "文澜路88号", True),
    ("文澜路1-99号（单号）、2-88号（双号）", "文澜路90号", False),
    ("文澜路1-99号（单号）、2-88号（双号）", "文澜路99号", True),
    # lanes vs numbers: door number = lane if the address has one
    ("文澜路811弄-827号", "文澜路811弄", True),
    ("文澜路811弄-827号", "文澜路820号", True),
    ("文澜路811弄-827号", "文澜路827弄3号", True),
    ("文澜路811弄-827号", "文澜路828号", False),
    ("文澜路100-120弄", "文澜路110弄5号", True),
    ("文澜路100-120弄", "文澜路110号", False),
    ("文澜路100-120弄", "文澜路121弄", False),
    ("文澜路1-200号", "文澜路150弄3号", True),
    ("文澜路1-99号（单号）", "文澜路51弄2号", True),
    ("文澜路1-99号（单号）", "文澜路52弄3号", False),
    ("文澜路100弄1-11号", "文澜路100弄1号", True),
    ("文澜路100弄1-11号", "文澜路100弄11号", True),
    ("文澜路100弄1-11号", "文澜路100弄12号", False),
    ("文澜路100弄1-11号", "文澜路102弄5号", False),
    ("文澜路100弄1-11号", "文澜路5号", False),
    ("文澜路100弄1-11号", "文澜路100弄", False),
    ("文澜路100弄1-11号（单号）", "文澜路100弄4号", False),
    ("文澜路100弄全部", "文澜路100弄37号", True),
    ("文澜路100弄", "文澜路100弄", True),
    ("文澜路100弄", "文澜路100号", False),
    ("文澜路100弄", "文澜路101弄2号", False),
    # suffixes
    ("文澜路128号", "文澜路128号", True),
    ("文澜路128号", "文澜路128号附1", True),
    ("文澜路128号", "文澜路128-1号", True),
    ("文澜路128号", "文澜路129号", False),
    ("文澜路128号附1", "文澜路128号附1", True),
    ("文澜路128号附1", "文澜路128号", False),
    ("文澜路128号附1", "文澜路128号附2", False),
    ("文澜路128甲号", "文澜路128甲号", True),
    ("文澜路128甲号", "文澜路128乙号", False),
    ("文澜路128-1号", "文澜路128-1号", True),
    ("文澜路128-1号", "文澜路128-2号", False),
    ("文澜路128-1号", "文澜路1号", False),
    ("文澜路1-200号", "文澜路128号附1", True),
    ("文澜路128号、130号", "文澜路130号", True),
    ("文澜路128号、130号", "文澜路129号", False),
    # whole roads, sides, stretches
    ("文澜路全段", "文澜路5号", True),
    ("文澜路全段", "文澜路100弄5号", True),
    ("文澜路全段", "文澜路", True),
    ("文澜路全段", "建设路5号", False),
    ("文澜路", "文澜路999号", True),
    ("中山一路全段", "中山一路3号", True),
    ("中山一路全段", "中山二路3号", False),
    ("文澜路东侧", "文澜路12号", True),
    ("文澜路西侧全段", "文澜路13号", True),
    ("文澜路（青溪大道至建设路段）", "文澜路12号", True),
    ("文澜路（青溪大道至建设路段）", "青溪大道12号", False),
    ("青溪区文澜路全段", "江城市青溪区文澜路5号", True),
    # estates
    ("幸福小区", "幸福小区3栋2单元", True),
    ("幸福小区", "幸福小区", True),
    ("幸福小区全部", "幸福小区三号楼", True),
    ("幸福小区", "幸福家园3幢", False),
    ("东湖新村1-12幢", "東湖新村12幢", True),
    ("东湖新村1-12幢", "东湖新村1栋", True),
    ("东湖新村1-12幢", "东湖新村13幢", False),
    ("东湖新村1-12幢", "东湖新村", False),
    ("文澜花园3、5、7幢", "文澜花园5号楼", True),
    ("文澜花园3、5、7幢", "文澜花园4幢", False),
    ("金桂苑（1-5号楼）", "金桂苑5栋", True),
    ("金桂苑（1-5号楼）", "金桂苑6座", False),
    ("江景公寓全部", "江景公寓8幢1单元", True),
    # villages
    ("东湖村", "东湖村5组", True),
    ("东湖村全村", "东湖村", True),
    ("东湖村1-5组", "东湖村五组18号", True),
    ("东湖村1-5组", "东湖村6组", False),
    ("东湖村1-5组", "东湖村", False),
    ("东湖村1、3、5组", "东湖村3组", True),
    ("东湖村1、3、5组", "东湖村4组", False),
    ("东湖村一至五组", "东湖村2组", True),
    ("东湖村", "西湖村5组", False),
    ("东湖村", "东湖新村5幢", False),
    # exclusions
    ("文澜路1-99号（单号）（除55号外）", "文澜路55号", False),
    ("文澜路1-99号（单号）（除55号外）", "文澜路53号", True),
    ("文澜路1-99号除55号、57号外", "文澜路57号", False),
    ("文澜路1-99号除55号、57号外", "文澜路56号", True),
    ("文澜路1-99号除55号、57号外", "文澜路59号", True),
    ("幸福小区（不含8幢）", "幸福小区8栋", False),
    ("幸福小区（不含8幢）", "幸福小区7栋", True),
    ("幸福小区（不含8幢）", "幸福小区", True),
    ("东湖村（不包括3组）", "东湖村3组", False),
    ("东湖村（不包括3组）", "东湖村4组", True),
    ("文澜路全段（除100弄外）", "文澜路100弄5号", False),
    ("文澜路全段（除100弄外）", "文澜路100号", True),
    ("文澜路全段（除100弄外）", "文澜路102弄5号", True),
    ("文澜路100弄（除5号外）", "文澜路100弄5号", False),
    ("文澜路100弄（除5号外）", "文澜路100弄6号", True),
    ("文澜路全段（除幸福小区外）", "文澜路幸福小区3幢", False),
    ("文澜路全段（除幸福小区外）", "文澜路8号", True),
    # Chinese numerals, traditional and fullwidth on either side
    ("文澜路一至九十九号（单号）", "文澜路99号", True),
    ("文澜路一至九十九号（单号）", "文澜路九十八号", False),
    ("文瀾路1-99號（單號）", "文澜路3号", True),
    ("文澜路1-99号（单号）", "文瀾路３號", True),
    ("文澜路１－９９号（单号）", "文澜路 97 号", True),
    ("ＸＸ路１－９号", "xx路5号", True),
    ("東湖新村1-12棟", "东湖新村3幢", True),
    # unparsed clauses match nothing
    ("文澜路@1-99号", "文澜路5号", False),
    ("幸福小区1-12弄", "幸福小区5幢", False),
]


@pytest.mark.parametrize("clause_text,address_text,expected", TABLE)
def test_clause_matches(clause_text, address_text, expected):
    clause = parse_clause(clause_text)
    assert clause_matches(clause, parse_address(address_text)) is expected


def test_table_covers_enough_cases():
    assert len(TABLE) >= 60
    assert {parse_clause(text).kind for text, _, _ in TABLE} == {"road", "lane", "estate", "village", "unparsed"}


def test_ambiguous_clauses_match_the_whole_road_and_say_so():
    side, stretch = parse_rules("文澜路东侧\n文澜路青溪大道至建设路段")
    assert (side.ambiguous, stretch.ambiguous) == ("side", "stretch")
    for number in (1, 2, 500):
        address = parse_address(f"文澜路{number}号")
        assert clause_matches(side, address) and clause_matches(stretch, address)


def test_a_school_catchment_end_to_end():
    text = """划片范围：
1. 文澜路1-99号（单号）（除55号外）、2-88号（双号）；
2. 文澜路100弄全部；
3. 幸福小区（不含8幢）、金桂苑1-5号楼；
4. 东湖村一至五组。"""
    clauses = parse_rules(text)
    # The label 划片范围： is a heading now (it used to be unparsed): it names the text, matches nothing.
    assert clauses[0].kind == "heading" and clauses[0].line == 1 and clauses[0].text == "划片范围："

    def covered(address):
        parts = parse_address(address, ("浙江省", "江城市", "青溪区"))
        return [c.line for c in clauses if clause_matches(c, parts)]

    assert covered("浙江省江城市青溪区文澜路3号") == [2]
    assert covered("文澜路55号") == []
    assert covered("文澜路100弄8号") == [3]  # door number 100 is outside 2-88 (双号)
    assert covered("文澜路88弄1号") == [2]  # ...but lane 88 is inside it
    assert covered("幸福小区8幢") == []
    assert covered("金桂苑3号楼") == [4]
    assert covered("东湖村三组7号") == [5]


def test_stored_clauses_match_like_parsed_ones():
    for text, address, expected in TABLE:
        stored = Clause.from_dict(json.loads(json.dumps(parse_clause(text).to_dict())))
        assert clause_matches(stored, parse_address(address)) is expected, (text, address)


# --- forms of real district announcements: an address under each and one just outside ---------------

ANNOUNCEMENT_TABLE = [
    # numbers without a unit are 号 (also a lane's door number, like any 号 range)
    ("安顺路134-358（双号）", "安顺路150号", True),
    ("安顺路134-358（双号）", "安顺路358号", True),
    ("安顺路134-358（双号）", "安顺路151号", False),
    ("安顺路134-358（双号）", "安顺路360号", False),
    ("安顺路134-358（双号）", "安顺路150弄2号", True),
    ("安顺路1-99", "安顺路99号", True),
    ("安顺路1-99", "安顺路100号", False),
    ("安顺路134至358", "安顺路200号", True),
    ("安顺路134至358", "安顺路133号", False),
    # mixed units
    ("长宁路811弄-827号", "长宁路811弄", True),
    ("长宁路811弄-827号", "长宁路828号", False),
    # villages and groups
    ("红星村", "红星村7组", True),
    ("红星村", "红星新村3幢", False),
    ("红星村3组、5组", "红星村3组", True),
    ("红星村3组、5组", "红星村5组12号", True),
    ("红星村3组、5组", "XX镇红星村五组", True),
    ("红星村3组、5组", "红星村4组", False),
    ("红星村3组、5组", "红星村", False),
    ("红星村1-5组", "红星村第五村民小组", True),
    ("红星村1-5组", "红星村6组", False),
    ("红星村（1、3、5组）", "红星村2组", False),
    ("红星村一组至五组", "红星村3队", True),
    ("XX镇红星村", "红星村3组", True),
    ("XX镇红星村", "光明村3组", False),
    ("红星村委会", "红星村8组", True),
    ("红星村村委会辖区", "红星村8组", True),
    ("红星村村委会辖区", "红星社区8栋", False),
    ("红星社区居委会", "红星社区5栋", True),
    # places: the address names them, not as a road named after them
    ("电缆厂", "电缆厂宿舍3幢", True),
    ("电缆厂", "电缆厂", True),
    ("电缆厂", "江城市电缆厂家属区2栋", True),
    ("电缆厂", "电缆厂路18号", False),
    ("电缆厂", "电缆厂路电缆厂宿舍2幢", True),
    ("电缆厂", "电线厂宿舍3幢", False),
    ("市一医院", "市一医院家属区5栋", True),
    ("市一医院家属区", "市一医院家属区5栋2单元", True),
    ("市一医院家属区", "市一医院3号楼", False),
    ("县粮食局家属院", "县粮食局家属院2栋", True),
    ("电缆厂生活区1-5栋", "电缆厂生活区3栋", True),
    ("电缆厂生活区1-5栋", "电缆厂生活区6栋", False),
    ("电缆厂生活区1-5栋", "电缆厂生活区", False),
    ("白沙乡全乡（除石桥村外）", "白沙乡白沙村9组", True),
    ("白沙乡全乡（除石桥村外）", "白沙乡石桥村3组", False),
    ("白沙乡全乡（除石桥村外）", "白沙村9组", False),
    ("纺大教工宿舍", "纺大教工宿舍5栋2单元301", True),
    ("纺大教工宿舍", "纺大宿舍5栋", False),
    # carve-outs
    ("雁城路（1-70号除外）", "雁城路71号", True),
    ("雁城路（1-70号除外）", "雁城路70号", False),
    ("雁城路（1-70号除外）", "雁城路50弄3号", False),
    ("雁城路（1-70号除外）", "雁城路", True),
    ("雁城路（除1-70号外）", "雁城路1号", False),
    ("雁城路除1-70号以外的门牌", "雁城路200号", True),
    ("雁城路除1-70号以外的门牌", "雁城路7号", False),
    ("雁城路（不含1-70号）", "雁城路69号", False),
    ("雁城路全段（1-70号除外）", "雁城路100号", True),
    ("雁城路1-70号除外", "雁城路30号", False),
    ("雁城路1-70号除外", "雁城路300号", True),
    ("学院路（幸福小区除外）", "学院路幸福小区3幢", False),
    ("学院路（幸福小区除外）", "学院路5号", True),
    ("学院路（幸福小区、100-200号除外）", "学院路150号", False),
    ("学院路（幸福小区、100-200号除外）", "学院路250号", True),
    # sides and stretches match the whole road by words (ambiguous; points decide)
    ("和平西路南侧（A路至B路）", "和平西路12号", True),
    ("和平西路南侧（A路至B路）", "A路5号", False),
    ("和平西路以南、A路至B路段", "和平西路13号", True),
    # 四至 and headings never match by words
    ("东至A路，西至B路，南至C路，北至D路", "A路5号", False),
    ("XX镇：", "XX镇红星村", False),
    # Shanghai
    ("XX路123弄内所有门牌", "XX路123弄5号", True),
    ("XX路123弄内所有门牌", "XX路125弄", False),
    ("XX路1-99弄（单号）", "XX路99弄2号", True),
    ("XX路1-99弄（单号）", "XX路99号", False),
    ("仙霞新村1-30号（单号）", "仙霞新村13号", True),
    ("仙霞新村1-30号（单号）", "仙霞新村14号", False),
    ("仙霞新村1-30号（单号）", "仙霞新村", False),
    ("新泾六村（除15号外）", "新泾六村16号", True),
    ("新泾六村（除15号外）", "新泾六村15号", False),
    ("新华路双桥新村", "新华路双桥新村5号", True),
    ("新华路双桥新村", "延安路双桥新村5号", False),
    ("井儿巷以南、盐桥街以东的新华坊", "新华坊3号", True),
    ("井儿巷以南、盐桥街以东的新华坊", "井儿巷3号", False),
    ("天山新村", "天山新村18号", True),
    ("文化路5号院", "文化路5号院3号楼", True),
    ("文化路5号院", "文化路7号", False),
    ("阳光花园", "阳光花园二期3栋", True),
    ("阳光花园二期", "阳光花园2期3栋", True),
    ("阳光花园二期", "阳光花园一期3栋", False),
    ("阳光花园二期", "阳光花园3栋", False),
    ("文澜路100号以上（双号）", "文澜路1000号", True),
    ("文澜路100号以上（双号）", "文澜路98号", False),
    ("文澜路100号以上（双号）", "文澜路101号", False),
    ("文澜路100号以下", "文澜路100号", True),
    ("文澜路100号以下", "文澜路102号", False),
    ("人民路北段1-99号", "人民路北段5号", True),
    ("人民路北段1-99号", "人民路5号", False),
    ("文澜路1-99号（其中55号除外）", "文澜路55号", False),
    ("文澜路1-99号（其中55号除外）", "文澜路57号", True),
    ("小木桥路251弄5-8支弄", "小木桥路251弄6支弄3号", True),
    ("小木桥路251弄5-8支弄", "小木桥路251弄9支弄3号", False),
    ("新塘社区1-6居民小组", "新塘社区3组", True),
    ("新塘社区1-6居民小组", "新塘社区第七居民小组", False),
    ("青溪社区（文澜路以东部分）", "青溪社区5栋", True),
    ("红星村3组、5组（除5组12号外）", "红星村5组12号", False),
    ("红星村3组、5组（除5组12号外）", "红星村5组14号", True),
    ("红星村3组、5组（除5组12号外）", "红星村3组12号", True),
]


@pytest.mark.parametrize("clause_text,address_text,expected", ANNOUNCEMENT_TABLE)
def test_announcement_clause_matches(clause_text, address_text, expected):
    clause = parse_clause(clause_text)
    assert clause.kind != "unparsed", clause.error
    assert clause_matches(clause, parse_address(address_text)) is expected
    stored = Clause.from_dict(json.loads(json.dumps(clause.to_dict())))
    assert clause_matches(stored, parse_address(address_text)) is expected


def test_a_carve_out_and_the_numbers_it_carves_out_never_answer_together():
    whole, carved = parse_clause("雁城路（1-70号除外）"), parse_clause("雁城路1-70号")
    for number in range(1, 150):
        address = parse_address(f"雁城路{number}号")
        assert clause_matches(whole, address) != clause_matches(carved, address), number


def test_a_place_with_its_addresses_answers_for_each_of_them():
    clauses = parse_rules("XX宿舍（延安西路1882号、杨宅路181弄）")
    for address in ("XX宿舍3幢", "延安西路1882号3楼", "杨宅路181弄12号"):
        assert any(clause_matches(c, parse_address(address)) for c in clauses), address
    for address in ("延安西路1880号", "杨宅路183弄2号"):
        assert not any(clause_matches(c, parse_address(address)) for c in clauses), address


@pytest.mark.parametrize(
    "text,keys",
    [("文澜路1-99号", ("文澜路",)), ("文澜路100弄", ("文澜路",)), ("文瀾路全段", ("文澜路",)),
     ("幸福小区3幢", ("幸福小区",)), ("青溪镇红星村3组", ("红星村",)), ("电缆厂", ("电缆厂",)),
     ("青溪区第一医院", ("第一医院",)), ("红星村委会", ("红星村",)), ("东至A路，西至B路", ()),
     ("XX镇：", ()), ("文澜路@", ())],
)  # fmt: skip
def test_index_keys(text, keys):
    assert index_keys(parse_clause(text)) == keys
