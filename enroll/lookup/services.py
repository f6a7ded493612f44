"""The address → school lookup: which school serves this address or point, and why, for which year; and
the staff's tools beside it (cross-check text and map, test an address against a draft)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from enroll.core.errors import BadRequest
from enroll.core.i18n import _l
from enroll.districts.services import get_district, list_districts
from enroll.extensions import db
from enroll.geo.address import normalize, parse_address
from enroll.geo.road_sides import on_side, within_bounds, within_stretch
from enroll.geo.rules import clause_matches, name_key
from enroll.lookup import gazetteer, guidance
from enroll.lookup.answers import Caveat, LookupResult, Match
from enroll.lookup.index import DistrictInfo, LookupIndex, PlanIndex, current, plan_index
from enroll.lookup.models import Address
from enroll.zoning.models import ZoningPlan
from enroll.zoning.rules import PlanInfo
from enroll.zoning.services import ZONING_STAGES, get_plan, plans_with_zones, published_plan, published_plans
from enroll.zoning.years import DEFAULT_SEASON_START, current_year

MAX_QUERY = 200


def districts_for(cat: LookupIndex, district_code: str | None) -> list[DistrictInfo]:
    """:raises NotFound: for an unknown code."""
    districts = cat.districts
    if district_code is None:
        return list(districts)
    found = [d for d in districts if d.code == district_code]
    if not found:
        get_district(district_code)  # raises the NotFound with its message
    return found


def check_scope_args(year: str | None, stage: str | None) -> tuple[int | None, str | None]:
    """``year`` and ``stage`` as typed in a query string. :raises BadRequest: malformed ones."""
    if year and not (year.isascii() and year.isdigit() and len(year) == 4):
        raise BadRequest(_l("year 必须是四位数字年份。"))
    if stage and stage not in ZONING_STAGES:
        raise BadRequest(_l("stage 必须是 primary 或 junior。"))
    return (int(year) if year else None), (stage or None)


def check_query(text: str | None) -> str:
    """:raises BadRequest: empty or overlong queries."""
    text = (text or "").strip()
    if not text:
        raise BadRequest(_l("请输入要查询的地址。"))
    if len(text) > MAX_QUERY:
        raise BadRequest(_l("地址过长（最多 %(n)d 个字）。", n=MAX_QUERY))
    if not normalize(text):
        raise BadRequest(_l("无法识别这个地址，请输入路名和门牌号、小区名或村名。"))
    return text


def _years(cat: LookupIndex, district, stage: str | None = None) -> list[int]:
    """The years with a published plan (of ``stage``, if given), oldest first."""
    return sorted({p.year for p in cat.plans.get(district.id, ()) if stage is None or p.stage == stage})


def _plans(cat: LookupIndex, district, year: int | None, stage: str | None) -> list[PlanInfo]:
    """The published plans of one year a lookup answers from, one per stage."""
    return [p for p in cat.plans.get(district.id, ()) if p.year == year and (stage is None or p.stage == stage)]


@dataclass(frozen=True)
class Query:
    """What a lookup asks, the same in every district it tries: an address (``parts``, parsed per
    district) or a point, for a year (None: the district's current year) and stage."""

    year: int | None
    stage: str | None
    locator: str
    season_start: str
    today: object  # a date, or None for today in China


def _district_answer(cat: LookupIndex, district, parts, point, query: Query) -> LookupResult:
    """The answer in one district for the year asked (else its current year) and, beside it, of
    every later published year that has one.

    A year with nothing published (the bureau set next year as current before publishing it, or
    ``year=`` names one) is answered from the latest earlier published year, saying so.
    """
    def resolve(year: int | None) -> LookupResult:
        answer = LookupResult(district=district, point=point, normalized=parts.normalized if parts else None,
                              year=year)
        for plan in _plans(cat, district, year, query.stage):
            _resolve_plan(answer, cat.of(plan), parts, point, query.locator)
        return answer

    year = query.year
    if year is None:
        year = current_year(_years(cat, district), override=district.current_year, today=query.today,
                            month_day=query.season_start)
    years = _years(cat, district, query.stage)
    shown = year
    if year is not None and year not in years and any(y < year for y in years):
        shown = max(y for y in years if y < year)
    result = resolve(shown)
    if shown != year:
        result.caveats.append(Caveat("year_not_published", _l(
            "%(year)s 年的划片尚未发布，以下是 %(shown)s 年的划片。", year=year, shown=shown)))
    for later in years:
        if shown is not None and later > shown:
            answer = resolve(later)
            if answer.matches:
                result.later.append(answer)
    if not result.matches and result.later:
        result.caveats.append(Caveat("not_this_year", _l(
            "%(year)s 年的划片中没有这个地址；以后年度的划片见下。", year=shown)))
    return result


def _specificity(clause) -> int:
    """How precisely a clause names what it covers: numbers (a range, a lane, buildings, groups) beat
    a whole road, estate, village or place, which beats a 四至 area. Of several schools whose clauses
    cover an address the most specific answer (雁城路 in one school's text, 雁城路1-70号 in another's)."""
    if clause.kind == "bounded":
        return 0
    return 2 if clause.ranges or clause.lane is not None or clause.buildings or clause.groups else 1


def _covers(clause, parts, point, district_id) -> tuple[bool, bool]:
    """Whether a clause covers the address, and whether that stays uncertain (ambiguous).

    A 四至 clause, and a side-of-road or stretch clause of the address's road, are decided from the
    address's gazetteer point and the district's gazetteer points of the roads they name; one that
    cannot be decided (no point, too few points) covers the road with a caveat, a 四至 clause covers
    nothing.
    """
    if clause.kind == "bounded":
        if point is None:
            return False, False
        inside = within_bounds(point, {side: road_points(district_id, name) for side, name in clause.bounds.items()})
        return inside is True and not any(clause_matches(x, parts) for x in clause.exclusions), False
    if not clause_matches(clause, parts):
        return False, False
    if clause.ambiguous in ("side", "stretch") and point is not None:
        road = road_points(district_id, clause.road)
        if road:
            ends = tuple(road_points(district_id, name) for name in clause.stretch) if clause.stretch else None
            decided = on_side(point, road, clause.side, ends) if clause.side else within_stretch(point, road, ends)
            if decided is not None:
                return decided, False
    return True, bool(clause.ambiguous)


def _rule_matches(plan: PlanIndex, parts, point=None, district_id: int | None = None) -> tuple[list[Match], bool]:
    """Schools whose clauses cover the address (the most specific, see ``_specificity``), and
    whether any of those clauses leaves it uncertain.

    :param point: the address's gazetteer point, and ``district_id`` its district's gazetteer, for
        clauses decided by position.
    """
    index = plan.rules
    entries = [e for name in (parts.road, parts.estate, parts.village) if name
               for e in index.by_name.get(name_key(name), ())]
    for key, found in index.places:
        if key in parts.normalized:
            entries += found
    if point is not None and index.bounded:
        entries += index.bounded
    best, kept = 0, {}  # school → (uncertain, entry), of the most specific level seen
    for entry in entries:
        covered, uncertain = _covers(entry.clause, parts, point, district_id)
        if not covered:
            continue
        level = _specificity(entry.clause)
        if level > best:
            best, kept = level, {}
        if level == best and entry.school_id not in kept:
            kept[entry.school_id] = (uncertain, entry)
    matches = [Match(e.school_id, e.school_name, plan.info.stage, "rule", e.clause.text, plan.info, e.clause.line)
               for _u, e in kept.values()]
    return matches, any(uncertain for uncertain, _e in kept.values())


def _zone_matches(plan: PlanIndex, lon: float, lat: float, locator_kind: str = "memory") -> tuple[list[Match], bool]:
    if not plan.info.has_zones:  # a plan of text only answers from its text; it borrows no polygons
        return [], False
    located, zones = plan.locator(locator_kind).locate(lon, lat), plan.zones
    matches = [Match(school_id, name, plan.info.stage, "zone", zones[key].label, plan.info)
               for key in located.keys for school_id, name in zones[key].schools]
    return matches, located.near_boundary


def school_ids_of(plan: PlanIndex, parts, point: tuple[float, float], district_id: int) -> tuple[int, ...]:
    """The schools (ids, sorted) one plan gives a gazetteer address, as a lookup decides: its text
    first, then its zones."""
    hits = _rule_matches(plan, parts, point, district_id)[0] or _zone_matches(plan, *point)[0]
    return tuple(sorted({m.school_id for m in hits}))


def _unparsed_about(plan: PlanIndex, name: str | None) -> bool:
    return bool(name) and any(name in text for text in plan.rules.unparsed)


def road_points(district_id: int, name: str | None) -> tuple[tuple[float, float], ...]:
    """The district's gazetteer points on a road, for clauses decided by position (read once per
    road and gazetteer: only such clauses ask, off the common path)."""
    return gazetteer.points_on(district_id, name_key(name), current().version) if name else ()


def _resolve_plan(result: LookupResult, plan: PlanIndex, parts, point, locator_kind: str) -> None:
    """Text rules first (the official text wins), then the gazetteer point in the zone polygons."""
    rule_hits, ambiguous = _rule_matches(plan, parts, point, result.district.id) if parts is not None else ([], False)
    zone_hits, near = _zone_matches(plan, *point, locator_kind) if point is not None else ([], False)
    result.matches += rule_hits or zone_hits
    if len({m.school_id for m in rule_hits or zone_hits}) > 1:
        guidance.several_schools(result, plan.info.stage, rule_hits or zone_hits)
    if rule_hits and zone_hits and {m.school_id for m in rule_hits} != {m.school_id for m in zone_hits}:
        result.add_caveat("rule_zone_mismatch", _l(
            "划片文字与地图片区不一致：文字对应 %(rule)s，地图对应 %(zone)s。以划片文字为准，如有疑问请咨询教育局。",
            rule="、".join(m.school_name for m in rule_hits), zone="、".join(m.school_name for m in zone_hits)))
    if near and zone_hits:
        result.add_caveat("near_boundary", _l("该地址距片区边界不到 50 米，请以划片文字和教育局答复为准。"))
    name = parts.road or parts.estate or parts.village if parts is not None else None
    if ambiguous or (not rule_hits and _unparsed_about(plan, name)):
        result.add_caveat("ambiguous_rule", _l("相关划片条款表述不够明确（如只写了道路一侧或路段），请向教育局确认。"))


def lookup_address(text: str, *, district_code: str | None = None, year: int | None = None,
                   stage: str | None = None, locator: str = "memory", season_start: str = DEFAULT_SEASON_START,
                   today=None) -> LookupResult:
    """Which school(s) serve an address typed by a parent, with the basis of each and caveats.

    Answers for ``year``, else the district's current year (``enroll.zoning.years``: its season
    opens on ``season_start``, MM-DD; ``today`` defaults to today in China), with the answers of
    later published years beside.

    :param locator: how zones are located, ``memory`` or ``postgis`` (``lookup.index.PlanIndex.locator``).
    :raises BadRequest: empty, overlong or unintelligible queries.
    """
    text = check_query(text)
    query = Query(year, stage, locator, season_start, today)
    tried, cat = [], current()
    for district in _districts_to_try(cat, text, district_code):
        if (result := _answer_in(cat, district, text, query)).matches or result.later:
            return result
        tried.append(result)
    if district_code is not None:  # an address of another district on this site: answered there, said so
        for district in _districts_to_try(cat, text, None):
            if district.code != district_code and ((result := _answer_in(cat, district, text, query)).matches
                                                    or result.later):
                result.add_caveat("other_district", _l("该地址属于%(district)s，不属于%(asked)s；以下是%(district)s的划片。",
                                                       district=district.name, asked=tried[0].district.name))
                return result
    return guidance.outside_site(cat, text) or guidance.not_found(cat, tried, text)


def _answer_in(cat: LookupIndex, district, text: str, query: Query) -> LookupResult:
    parts = parse_address(text, gazetteer.district_prefixes(district))
    return _district_answer(cat, district, parts, cat.find_point(district, parts), query)


def _districts_to_try(cat: LookupIndex, text: str, district_code: str | None) -> list[DistrictInfo]:
    """Where an address is looked for: a query that starts with a district's name (青溪区学院路1号,
    also after a city's: 某某市青溪区…) in that district alone; otherwise first the districts whose clauses name its road, estate or village, then the
    others (their gazetteer may still place it in a zone), each in code order."""
    districts = districts_for(cat, district_code)
    if len(districts) < 2:
        return districts
    written = normalize(text)
    named = [d for d in districts if written.startswith(d.name) or f"市{d.name}" in written]
    if named:
        return named
    parts = parse_address(text)
    keys = {name_key(n) for n in (parts.road, parts.estate, parts.village) if n}
    first = [d for d in districts if keys & cat.names.get(d.id, frozenset())]
    return first + [d for d in districts if d not in first]


def parse_point(lon, lat) -> tuple[float, float]:
    """(lon, lat) as numbers. :raises BadRequest: not numbers, or outside valid ranges."""
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise BadRequest(_l("经纬度必须是数字。")) from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise BadRequest(_l("经纬度超出有效范围（经度 -180～180，纬度 -90～90）。"))
    return lon, lat


def lookup_point(lon, lat, *, district_code: str | None = None, year: int | None = None,
                 stage: str | None = None, locator: str = "memory", season_start: str = DEFAULT_SEASON_START,
                 today=None) -> LookupResult:
    """Which school(s) serve a point (map click or geolocation).

    :raises BadRequest: coordinates that are not numbers or outside valid ranges.
    """
    lon, lat = parse_point(lon, lat)
    query, cat = Query(year, stage, locator, season_start, today), current()
    for district in districts_for(cat, district_code):
        if not cat.may_reach(district.id, lon, lat):
            continue  # no zone of this district anywhere near
        result = _district_answer(cat, district, None, (lon, lat), query)
        if result.matches or result.later:
            return result
    result = LookupResult(district=get_district(district_code) if district_code else None, point=(lon, lat))
    result.caveats.append(Caveat("outside_district", _l("该位置不在本区任何学校的划片范围内。")))
    return result


@dataclass
class CrossCheck:
    """Gazetteer addresses on which a plan's text and polygons disagree, or that neither covers."""

    checked: int = 0
    mismatches: list[dict] = field(default_factory=list)  # {address, rule: [names], zone: [names]}
    uncovered: list[dict] = field(default_factory=list)   # {address}
    text_only: int = 0  # covered by a clause but by no zone
    map_only: int = 0   # in a zone but named by no clause


def cross_check(actor, plan_id: int, limit: int = 500) -> CrossCheck:
    """Compare, for every gazetteer address, the school(s) of the text with those of the polygons.

    :param limit: at most this many examples of each kind are kept (all are counted in ``checked``).
    """
    orm_plan = get_plan(actor, plan_id)
    district_id, plan = orm_plan.district_id, plan_index(orm_plan)
    index = plan.rules
    has_rules, has_zones = bool(index.by_name or index.places or index.bounded), plan.info.has_zones
    report = CrossCheck()
    addresses = db.session.execute(select(Address.address, Address.normalized, Address.point)
                                   .where(Address.district_id == district_id)).all()
    for address, normalized, point in addresses:
        report.checked += 1
        rule_hits, _ = _rule_matches(plan, parse_address(normalized), (point.x, point.y), district_id)
        zone_hits, _ = _zone_matches(plan, point.x, point.y)
        rule_names = sorted({m.school_name for m in rule_hits})
        zone_names = sorted({m.school_name for m in zone_hits})
        if not rule_names and not zone_names:
            if len(report.uncovered) < limit:
                report.uncovered.append({"address": address})
        elif not zone_names:
            report.text_only += has_zones
        elif not rule_names:
            report.map_only += has_rules
        elif has_rules and has_zones and rule_names != zone_names and len(report.mismatches) < limit:
            report.mismatches.append({"address": address, "rule": rule_names, "zone": zone_names})
    return report


@dataclass
class DraftAnswer:
    """An address looked up in a plan under review beside the answer the public gets today."""

    plan: ZoningPlan
    draft: LookupResult
    published: LookupResult | None  # None: nothing of that year and stage is published


def lookup_in_plan(actor, plan_id: int, text: str) -> DraftAnswer:
    """What a plan (a draft, one in review, any version its staff may see) would answer for an
    address, beside what the published plan of its year and stage answers now, each with its basis.

    :raises NotFound: a plan the actor may not see. :raises BadRequest: see :func:`check_query`.
    """
    orm_plan = get_plan(actor, plan_id)
    return answer_beside(orm_plan, published_plan(orm_plan.district_id, orm_plan.year, orm_plan.stage), text=text)


def answer_beside(orm_plan: ZoningPlan, compared: ZoningPlan | None, *, text: str | None = None,
                  point: tuple[float, float] | None = None) -> DraftAnswer:
    """What ``orm_plan`` answers for an address (``text``) or a map point, beside what the plan
    ``compared`` answers (None: nothing beside), each with its basis. The caller has checked that
    the plans may be shown. :raises BadRequest: see :func:`check_query`."""
    district, parts = orm_plan.district, None
    if text is not None:
        parts = parse_address(check_query(text), gazetteer.district_prefixes(district))
        point = gazetteer.find_point(district, parts)
    normalized = parts.normalized if parts is not None else None

    def answer(plan) -> LookupResult:
        result = LookupResult(district=district, point=point, normalized=normalized, year=plan.info.year)
        _resolve_plan(result, plan, parts, point, "memory")
        return result

    return DraftAnswer(orm_plan, answer(plan_index(orm_plan)),
                       answer(plan_index(compared)) if compared is not None else None)


def map_plan(season_start: str = DEFAULT_SEASON_START) -> ZoningPlan | None:
    """The plan the lookup page's map shows: the first district's published primary plan of its
    current year (else its newest one) that has zones to click on."""
    for district in list_districts():
        primary = [p for p in published_plans(district.id) if p.stage == "primary"]  # newest first
        zoned = plans_with_zones([p.id for p in primary])
        plans = [p for p in primary if p.id in zoned]
        year = current_year([p.year for p in plans], override=district.current_year, month_day=season_start)
        chosen = next((p for p in plans if p.year == year), plans[0] if plans else None)
        if chosen is not None:
            return chosen
    return None
