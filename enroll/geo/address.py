"""One canonical form for Chinese addresses: the gazetteer, queries and zoning rules share it.

``normalize`` turns what a parent types (or a bureau publishes) into a compact key:
NFKC (fullwidth to ASCII), traditional to simplified Chinese, no whitespace or
punctuation, ASCII "-" for every dash, Arabic numerals before units (三号 -> 3号),
one building unit (3栋 / 3号楼 / 3座 / 3# -> 3幢) and no leading province.
``canonicalize`` applies the same character rules but keeps punctuation, so the
rule grammar (enroll.geo.rules) still sees separators and parentheses.
``parse_address`` splits a normalized address into road / number / lane / estate /
building / village / group parts; it never raises.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

PROVINCES = (
    "北京市", "天津市", "上海市", "重庆市",
    "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省", "浙江省", "安徽省",
    "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省",
    "四川省", "贵州省", "云南省", "陕西省", "甘肃省", "青海省", "台湾省",
    "内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区",
    "香港特别行政区", "澳门特别行政区",
)  # fmt: skip

# Name suffixes. The rule grammar (rules.lark) spells the same lists out; a test keeps them equal.
ROAD_SUFFIXES = (
    "大道", "大街", "公路", "弄堂", "胡同", "路", "街", "道", "巷", "线",
    # sections named as roads of their own: 人民路北段, 人民南路三段
    "东段", "西段", "南段", "北段", "中段", "一段", "二段", "三段", "四段", "五段",
)  # fmt: skip
ESTATE_SUFFIXES = (
    "小区", "新村", "花园", "家园", "公寓", "社区", "山庄", "大厦", "广场", "宿舍",
    "苑", "城", "里", "坊", "府", "庭", "园", "湾", "邸", "居", "阁", "院", "墅",
)  # fmt: skip
VILLAGE_SUFFIX = "村"  # but not 新村, which is an estate
# Units, factories, schools, hospitals, markets, dormitory areas and administrative areas: a
# clause naming one covers the addresses that name it. Tried before estates, so 市一医院 is a
# place although 院 ends estates; 电缆厂宿舍 stays an estate (no place suffix at its end).
PLACE_SUFFIXES = (
    "厂", "厂区", "公司", "集团", "医院", "卫生院", "卫生所", "卫生室", "学校", "小学",
    "中学", "大学", "学院", "幼儿园", "党校", "市场", "农场", "林场", "茶场", "渔场",
    "牧场", "矿", "矿区", "研究所", "研究院", "设计院", "法院", "检察院", "所", "站",
    "局", "队", "部队", "单位", "机关", "住宅", "住宅区", "宿舍区", "宿舍楼", "家属区",
    "家属楼", "家属院", "生活区", "营区", "基地", "银行", "仓库", "大院", "镇", "乡",
    "街道", "街道办事处", "办事处", "居委会", "居委", "居民委员会", "村委会", "村民委员会",
    "村委", "管委会", "开发区", "工业区", "园区", "片区", "校区", "中心", "宾馆", "酒店",
    "政府", "武装部", "安置点", "安置区",
)  # fmt: skip
# Administrative areas among the places: an address need not name them (ambiguous "area").
AREA_SUFFIXES = (
    "镇", "乡", "街道", "街道办事处", "办事处", "居委会", "居委", "居民委员会", "管委会", "开发区",
    "工业区", "园区", "片区",
)  # fmt: skip
# Rivers, walls, railways ...: only ever the boundary of a 四至 (东至青溪河) or a stretch end.
LANDMARK_SUFFIXES = (
    "河", "江", "湖", "溪", "渠", "港", "桥", "山", "岭", "坡", "墙", "围墙",
    "堤", "河堤", "大堤", "塘", "沟", "涌", "浜", "泾", "海", "水库", "高速", "高架",
    "隧道", "界", "边界", "红线", "围栏", "湿地", "码头", "机场", "立交", "河道",
)  # fmt: skip
# Words after a clause that add nothing to it: 文澜路一带, 红星村村委会辖区, 100弄内所有门牌.
NOISE_WORDS = (
    "及其周边", "及周边", "及附近", "等", "一带", "周边", "附近", "周围", "范围内", "范围",
    "辖区内", "辖区", "区域内", "区域", "围合区域", "所围区域", "合围区域", "围合", "所围", "合围",
    "围成", "以内", "在内", "内", "所有门牌号", "所有门牌", "所有", "门牌号", "门牌", "住户",
    "居民", "沿线", "沿街", "地段", "地块", "全部门牌", "片区", "部分",
)  # fmt: skip
MAX_NUMBER = 10**7  # larger "door numbers" are typing errors (and overflow 32-bit integer columns)

NAME_CHARS = "A-Za-z\u3400-\u4dbf\u4e00-\u9fff"
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_CN_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN = "[零〇一二两三四五六七八九十百千]+"
_NUMERAL_UNITS = "号楼|号|弄|栋|幢|单元|组|村民小组|村民组|居民小组|居民组|小组|生产队|队|室|楼|层|座|期"
# A Chinese numeral directly before a unit, or before a chain like 一至五组 / 一、三、五组.
_CN_BEFORE_UNIT = re.compile(rf"{_CN}(?=(?:[-至到、,]第?(?:{_CN}|\d+))*(?:{_NUMERAL_UNITS}))")
_DASHES = re.compile("[~\u2010-\u2015\u2212\u2e3a\u2e3b\u301c\ufe58\ufe63]")
_TO_BETWEEN_DIGITS = re.compile(r"(?<=\d)[至到](?=\d)")
_BUILDING = re.compile(r"(\d+)(?:号楼|栋|座|#楼?)")
# A village group: 3村民小组 / 3居民小组 / 3小组 / 3生产队 -> 3组, and 3队 after a village (红星村3队);
# 第3组 / 第1至第5组 -> 3组 / 1至5组.
_GROUP_WORDS = re.compile(r"(?<=\d)(?:村民小组|村民组|居民小组|居民组|小组|生产队|队)")
_ORDINAL_GROUP = re.compile(r"(?<!\d)第+(\d+)(?=(?:[-至到、,]第*\d+)*组)")  # 第 quoted with its number


def _group_word(m: re.Match) -> str:
    """组 for a group word; 队 stays 队 unless a village (村) was named before it."""
    return "组" if m.group() != "队" or "村" in m.string[: m.start()] else "队"


_PARENTHESISED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")
_PUNCTUATION = re.compile(r"[^\w\-#]|_")  # "#" goes only after _BUILDING has used it
_HASH = re.compile("#")
_LOWER = re.compile("[a-z]+")
_WHITESPACE = re.compile(r"\s+")

_converter = None


def to_simplified(text: str) -> str:
    """Traditional to simplified Chinese; the OpenCC converter is built once, on first use."""
    global _converter
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("t2s")
    return _converter.convert(text)


def _nfkc(text: str) -> str:
    """Unicode NFKC: fullwidth letters, digits and punctuation become ASCII."""
    return unicodedata.normalize("NFKC", text)


def chinese_numeral(text: str) -> int:
    """Value of a Chinese numeral: 十二 -> 12, 一百零五 -> 105, 一二八 -> 128 (digit by digit)."""
    if not any(ch in _CN_UNITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        else:
            current = _CN_DIGITS[ch]
    return total + current


class Tracked:
    """Text being rewritten that remembers, per character, the span of the original it came from.

    The rule parser needs this to quote each clause exactly as the bureau wrote it.
    """

    def __init__(self, text: str):
        self.text = text
        self.starts = list(range(len(text)))
        self.ends = list(range(1, len(text) + 1))

    def sub(self, pattern: re.Pattern, repl: str | Callable[[re.Match], str]) -> Tracked:
        """Replace every match; replacement characters map to the whole matched source span."""
        text, starts, ends, last = [], [], [], 0
        for m in pattern.finditer(self.text):
            if m.start() == m.end():
                continue
            text.append(self.text[last : m.start()])
            starts += self.starts[last : m.start()]
            ends += self.ends[last : m.start()]
            new = repl(m) if callable(repl) else m.expand(repl)
            text.append(new)
            starts += [self.starts[m.start()]] * len(new)
            ends += [self.ends[m.end() - 1]] * len(new)
            last = m.end()
        text.append(self.text[last:])
        self.text = "".join(text)
        self.starts = starts + self.starts[last:]
        self.ends = ends + self.ends[last:]
        return self

    def map_chars(self, fn: Callable[[str], str]) -> Tracked:
        """Rewrite character by character (for conversions that have no pattern)."""
        return self.sub(re.compile(".", re.DOTALL), lambda m: fn(m.group()))

    def convert(self, fn: Callable[[str], str]) -> Tracked:
        """Apply a whole-text conversion; fall back to per character if it changes the length."""
        converted = fn(self.text)
        if len(converted) == len(self.text):
            self.text = converted
            return self
        return self.map_chars(fn)


class Plain:
    """Tracked's interface without the spans: what normalize needs, about twice as fast."""

    def __init__(self, text: str):
        self.text = text

    def sub(self, pattern: re.Pattern, repl: str | Callable[[re.Match], str]) -> Plain:
        """As Tracked.sub: empty matches are left alone."""
        def replace(m: re.Match) -> str:
            if m.start() == m.end():
                return ""
            return repl(m) if callable(repl) else m.expand(repl)

        self.text = pattern.sub(replace, self.text)
        return self

    def convert(self, fn: Callable[[str], str]) -> Plain:
        """As Tracked.convert, to the character: per character when the whole text changes length."""
        converted = fn(self.text)
        self.text = converted if len(converted) == len(self.text) else "".join(map(fn, self.text))
        return self


def _canonical_chars(tracked: Tracked | Plain, keep_punctuation: bool) -> Tracked | Plain:
    """The character rules shared by normalize and canonicalize (see the module docstring)."""
    tracked.convert(_nfkc).convert(to_simplified)
    if not keep_punctuation:
        while _PARENTHESISED.search(tracked.text):
            tracked.sub(_PARENTHESISED, "")
    tracked.sub(_WHITESPACE, "").sub(_DASHES, "-")
    if not keep_punctuation:
        tracked.sub(_PUNCTUATION, "")
    tracked.sub(_CN_BEFORE_UNIT, lambda m: str(chinese_numeral(m.group())))
    if "组" in tracked.text or "队" in tracked.text:  # cheap test first: normalize is on the lookup path
        tracked.sub(_GROUP_WORDS, _group_word).sub(_ORDINAL_GROUP, r"\1")
    tracked.sub(_TO_BETWEEN_DIGITS, "-").sub(_BUILDING, r"\1幢")
    if not keep_punctuation:
        tracked.sub(_HASH, "")
    return tracked.sub(_LOWER, lambda m: m.group().upper())


def canonicalize(text: str) -> str:
    """normalize's character rules, keeping punctuation, parentheses and prefixes (for the rule parser)."""
    return _canonical_chars(Plain(text), keep_punctuation=True).text


def canonicalize_with_spans(text: str) -> Tracked:
    """canonicalize, remembering for every output character its span in ``text``."""
    return _canonical_chars(Tracked(text), keep_punctuation=True)


def normalize(text: str, strip_prefixes: tuple[str, ...] = ()) -> str:
    """The canonical key of an address; idempotent.

    Steps: NFKC; traditional -> simplified; drop parenthesised remarks ("128号(东门)" ->
    "128号"); drop whitespace and punctuation, keeping "-" (ranges and suffixes like
    128-1号); every dash, and 至/到 between two numbers, becomes "-"; Chinese numerals become
    Arabic only before 号 弄 栋 幢 单元 组 室 楼 号楼 层 座 期 (or in a chain like 一至五组), so
    中山一路 and 第一小学 stay; buildings 3栋 / 3号楼 / 3座 / 3# all become 3幢 ("#" is never
    kept); ASCII letters are upper-cased. Finally the given ``strip_prefixes`` (exact
    strings, e.g. a city and district) and a leading province name are removed, repeatedly,
    as long as something is left. Estate words such as 幸福小区 are never stripped.
    """
    result = _canonical_chars(Plain(text), keep_punctuation=False).text
    prefixes = _prefixes(tuple(strip_prefixes))
    while (m := prefixes.match(result)) and m.end() < len(result):
        result = result[m.end() :]
    return result


@lru_cache(maxsize=64)
def _prefixes(strip_prefixes: tuple[str, ...]) -> re.Pattern:
    """One pattern for the given prefixes, normalized like the text, and every province (longest
    first): a single match per step instead of a test per prefix, on the lookup's hot path."""
    given = (_canonical_chars(Plain(p), keep_punctuation=False).text for p in strip_prefixes)
    words = sorted({p for p in given if p} | set(PROVINCES), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


_BARE_SUFFIXES = frozenset(ROAD_SUFFIXES + ESTATE_SUFFIXES)
_ADMIN_PREFIX = re.compile(rf"[{NAME_CHARS}]{{2,8}}?(?:省|自治区|市|县|旗|镇|乡|街道|(?<![小社园景校厂矿片营])区)")


def strip_admin(name: str) -> str:
    """Drop leading administrative units from a place name: 江城市青溪区崇文街 -> 崇文街.

    Only used on a name already recognised by its suffix. A unit (省 市 区 县 镇 乡 街道 ...)
    needs a name of two or more characters (菜市桥路 stays) and is dropped only if a real
    name, not a bare suffix such as 大道, remains. 幸福小区 and 东湖社区 are kept.
    """
    while True:
        m = _ADMIN_PREFIX.match(name)
        rest = name[m.end() :] if m else ""
        if not m or len(rest) < 2 or rest in _BARE_SUFFIXES:
            return name
        name = rest


@dataclass(frozen=True)
class AddressParts:
    """The parts of one address; a part that is absent (or not understood) is None."""

    road: str | None
    number: int | None
    suffix: str | None
    lane: int | None
    lane_number: int | None
    estate: str | None
    building: int | None
    unit: int | None
    village: str | None
    group: int | None
    normalized: str


def _alternation(words: tuple[str, ...]) -> str:
    """Regex alternation, longest words first."""
    return "|".join(sorted(words, key=len, reverse=True))


_N = f"[{NAME_CHARS}]"
_ROAD_NAME = f"{_N}+?(?:{_alternation(ROAD_SUFFIXES)})"
_ESTATE_NAME = rf"{_N}+?(?:{_alternation(ESTATE_SUFFIXES)})(?:\d+期)?"  # 阳光花园2期
_VILLAGE_NAME = f"{_N}+?村(?<!新村)"
_FOLLOWED = rf"(?=\d|-|$|(?:{_ESTATE_NAME}|{_VILLAGE_NAME})(?:\d|$))"
_ROAD_RE = re.compile(f"(?P<name>{_ROAD_NAME})(?<!街(?=道))(?<!街道){_FOLLOWED}")  # 崇文街道: no road
_ESTATE_RE = re.compile(rf"(?P<name>{_ESTATE_NAME})(?=\d|-|$)")
_VILLAGE_RE = re.compile(rf"(?P<name>{_VILLAGE_NAME})(?=\d|-|$)")
_HOUSE_RE = re.compile(r"(?P<n>\d+)(?:(?P<pre>[甲乙丙丁])号|-(?P<dash>\d+)号?|号(?P<post>附\d+|之\d+|[甲乙丙丁])?)?")
_LANE_RE = re.compile(r"(?P<lane>\d+)弄")
_BUILDING_RE = re.compile(r"(?P<building>\d+)幢(?:(?P<unit>\d+)单元)?|(?P<unit_only>\d+)单元")
_GROUP_RE = re.compile(r"(?P<group>\d+)组")
_PLACE_BUILDING_RE = re.compile(
    rf"{_N}+?(?:{_alternation(PLACE_SUFFIXES)})(?P<building>\d+)幢(?:(?P<unit>\d+)单元)?"
)


def _house(text: str, pos: int, need_unit: bool = False) -> tuple[int | None, str | None, int]:
    """A house number with its optional suffix at ``pos``: (number, suffix, end).

    With ``need_unit`` the number must say 号 (after a building, 201 is a room, not a house).
    """
    m = _HOUSE_RE.match(text, pos)
    if not m or (need_unit and "号" not in m.group()):
        return None, None, pos
    suffix = m["pre"] or m["post"] or (f"-{m['dash']}" if m["dash"] else None)
    return int(m["n"]), suffix, m.end()


def _road_part(text: str, parts: dict) -> int:
    """Road, then a lane (弄) with its house, or a house number; returns where it stopped."""
    m = _ROAD_RE.search(text)
    if not m:
        return 0
    parts["road"], pos = strip_admin(m["name"]), m.end()
    lane = _LANE_RE.match(text, pos)
    if lane:
        parts["lane"] = int(lane["lane"])
        parts["lane_number"], parts["suffix"], pos = _house(text, lane.end())
        return pos
    parts["number"], parts["suffix"], pos = _house(text, pos)
    return pos


def _estate_part(text: str, pos: int, parts: dict) -> int:
    """Estate, then building (幢) and unit (单元) or group (组), then a house number if none was found yet."""
    m = _ESTATE_RE.search(text, pos)
    if not m:
        return pos
    parts["estate"], pos = strip_admin(m["name"]), m.end()
    b = _BUILDING_RE.match(text, pos)
    if b:
        parts["building"] = int(b["building"]) if b["building"] else None
        parts["unit"] = int(b["unit"] or b["unit_only"]) if (b["unit"] or b["unit_only"]) else None
        pos = b.end()
    g = _GROUP_RE.match(text, pos)
    if g:  # 新塘社区3组: residents' groups of a community
        parts["group"], pos = int(g["group"]), g.end()
    if parts.get("number") is None and parts.get("lane") is None:
        number, suffix, end = _house(text, pos, need_unit=True)
        if end > pos:
            parts["number"], parts["suffix"], pos = number, suffix, end
    return pos


def _village_part(text: str, pos: int, parts: dict) -> int:
    """Village, then group (组), then a house number if none was found yet."""
    m = _VILLAGE_RE.search(text, pos)
    if not m:
        return pos
    parts["village"], pos = strip_admin(m["name"]), m.end()
    g = _GROUP_RE.match(text, pos)
    if g:
        parts["group"], pos = int(g["group"]), g.end()
    if parts.get("number") is None and parts.get("lane") is None:
        number, suffix, end = _house(text, pos, need_unit=True)
        if end > pos:
            parts["number"], parts["suffix"], pos = number, suffix, end
    return pos


def _place_building(text: str, pos: int, parts: dict) -> None:
    """Building and unit after a place name that is no estate: 市一医院家属区5栋2单元."""
    m = _PLACE_BUILDING_RE.search(text, pos)
    if m:
        parts["building"] = int(m["building"])
        parts["unit"] = int(m["unit"]) if m["unit"] else None


def parse_address(text: str, strip_prefixes: tuple[str, ...] = ()) -> AddressParts:
    """Normalize ``text`` and split it into parts; never raises.

    Recognised shapes (in this order, each optional): road [lane弄] [number[suffix]号],
    estate [building幢] [unit单元], village [group组] [number号]; with no estate, a building
    after a place name (市一医院家属区5栋 -> building 5, the place itself is matched by the
    rule side in ``normalized``). Suffixes are kept as
    written after normalization: 128号附1 -> "附1", 128甲号 -> "甲", 128-1号 -> "-1".
    Leading administrative units are dropped from names (青溪区文澜路 -> 文澜路). Text
    with no recognisable road, estate or village gives all parts None.
    """
    normalized = normalize(text or "", strip_prefixes)
    parts: dict = {}
    pos = _road_part(normalized, parts)
    pos = _estate_part(normalized, pos, parts)
    pos = _village_part(normalized, pos, parts)
    if parts.get("estate") is None and "幢" in normalized:
        _place_building(normalized, pos, parts)
    fields = ("road", "number", "suffix", "lane", "lane_number", "estate", "building", "unit", "village", "group")
    for key in ("number", "lane", "lane_number", "building", "unit", "group"):
        if isinstance(parts.get(key), int) and parts[key] > MAX_NUMBER:
            parts[key] = None  # no door has such a number; it would not fit the gazetteer's columns either
    return AddressParts(**{f: parts.get(f) for f in fields}, normalized=normalized)
