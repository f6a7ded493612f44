"""What a rezoning changes, and for whom: the diff of two zoning plans of one district and stage.

- Areas that change school, as polygons with the schools before and after (``enroll.geo.plan_diff``:
  slivers between two drawings of one line are not changes).
- Gazetteer addresses that change school, answered by each plan as a lookup would (its text first,
  then its zones), counted per pair of schools and grouped by road, estate or village.
- Schools added to the plan, gone from it (closed or merged), and left without a zone or without text.
- The clause diff of the 划片 text (``enroll.zoning.diff``).

Schools are matched across plans by id, never by name. ``PlanDiff.to_json`` is the document of
``flask zones diff --json`` and of the pages, described in docs/api.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import shapely
from sqlalchemy import func, select

from enroll.core.errors import Invalid, NotFound
from enroll.core.i18n import _l
from enroll.extensions import db
from enroll.geo.address import parse_address
from enroll.geo.plan_diff import MIN_AREA_M2, MIN_WIDTH_M, changed_areas
from enroll.lookup import gazetteer
from enroll.lookup.index import current, plan_index
from enroll.lookup.models import Address
from enroll.lookup.services import answer_beside, school_ids_of
from enroll.schools.models import School
from enroll.zoning.diff import SchoolDiff, diff_plans
from enroll.zoning.models import ZoningPlan
from enroll.zoning import public as zoning_public
from enroll.zoning.services import base_plan, get_plan, memo, plan_geojson, plan_identity

ADDRESS_BATCH = 5000


@dataclass(frozen=True)
class AreaChange:
    """A connected area whose schools change (``before`` or ``after`` empty: no zone there)."""

    before: tuple[School, ...]
    after: tuple[School, ...]
    area_m2: float
    geometry: object  # shapely, lon/lat


@dataclass
class AddressMove:
    """The gazetteer addresses moving from one set of schools to another, by road, estate or village."""

    before: tuple[School, ...]
    after: tuple[School, ...]
    places: dict[str, list[str]] = field(default_factory=dict)  # place → addresses as imported

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.places.values())


@dataclass
class PlanDiff:
    old: ZoningPlan
    new: ZoningPlan
    areas: list[AreaChange]
    moves: list[AddressMove]
    addresses_checked: int
    added: list[School]
    closed: list[School]
    without_zone: list[School]
    without_text: list[School]
    clauses: list[SchoolDiff]
    min_area_m2: float = MIN_AREA_M2
    min_width_m: float = MIN_WIDTH_M
    addresses_skipped: int = 0  # the gazetteer's size, when it was too large to check here (web pages)

    @property
    def empty(self) -> bool:
        return not (self.areas or self.moves or self.added or self.closed or self.without_zone
                    or self.without_text or self.clauses)

    def to_json(self) -> dict:
        """The diff as documented in docs/api.md (areas in km², geometry as GeoJSON in lon/lat)."""
        return {
            "district": {"code": self.new.district.code, "name": self.new.district.name},
            "stage": self.new.stage,
            "old": _plan_json(self.old), "new": _plan_json(self.new),
            "tolerances": {"min_area_m2": self.min_area_m2, "min_width_m": self.min_width_m},
            "changed_areas": [
                {**_pair_json(a.before, a.after), "area_km2": round(a.area_m2 / 1e6, 6),
                 "geometry": shapely.geometry.mapping(a.geometry)} for a in self.areas],
            "addresses": {
                "checked": self.addresses_checked, "changed": sum(m.count for m in self.moves),
                "not_checked": self.addresses_skipped,
                "pairs": [{**_pair_json(m.before, m.after), "count": m.count,
                           "places": [{"name": name, "count": len(found), "addresses": found}
                                      for name, found in m.places.items()]} for m in self.moves]},
            "schools": {key: [_school_json(s) for s in value] for key, value in (
                ("added", self.added), ("closed", self.closed), ("without_zone", self.without_zone),
                ("without_text", self.without_text))},
            "clauses": {"schools": [
                {"school": {"id": d.school_id, "name": d.school}, "added": d.added, "removed": d.removed,
                 "changed": [{"before": a, "after": b} for a, b in d.changed], "reworded": d.reworded}
                for d in self.clauses if d.added or d.removed or d.changed or d.reworded]},
        }


def _school_json(school: School) -> dict:
    return {"id": school.id, "name": school.name}


def _pair_json(before: tuple[School, ...], after: tuple[School, ...]) -> dict:
    return {"from_school": _school_json(before[0]) if before else None,
            "to_school": _school_json(after[0]) if after else None,
            "from_schools": [_school_json(s) for s in before], "to_schools": [_school_json(s) for s in after]}


def _plan_json(plan: ZoningPlan) -> dict:
    return {"id": plan.id, "year": plan.year, "version": plan.version, "status": plan.status}


def check_comparable(old: ZoningPlan, new: ZoningPlan) -> None:
    """:raises Invalid: plans of different districts or stages, or one plan twice."""
    if old.id == new.id:
        raise Invalid(_l("请选择两个不同的划片方案进行比较。"))
    if old.district_id != new.district_id:
        raise Invalid(_l("只能比较同一区县的划片方案（%(old)s 与 %(new)s）。",
                         old=old.district.name, new=new.district.name))
    if old.stage != new.stage:
        raise Invalid(_l("只能比较同一学段的划片方案（小学与初中不能相互比较）。"))


def diff_plans_full(old: ZoningPlan, new: ZoningPlan, *, min_area_m2: float = MIN_AREA_M2,
                    min_width_m: float = MIN_WIDTH_M, address_limit: int | None = None) -> PlanDiff:
    """The whole diff of two plans of one district and stage (remembered per plans' content and gazetteer).

    :param address_limit: check the gazetteer's addresses only if it holds at most this many (each
        costs about 50 µs: a web page leaves a large gazetteer to ``flask zones diff``); None: always.
    :raises Invalid: see :func:`check_comparable`.
    """
    check_comparable(old, new)
    version, size = current().version, 0
    if address_limit is not None:  # counted once per gazetteer (an import changes the version), not per page view
        size = memo(("gazetteer_size", new.district_id, version), lambda: db.session.scalar(
            select(func.count()).select_from(Address).where(Address.district_id == new.district_id)))
    skipped = size if address_limit is not None and size > address_limit else 0
    key = ("plan_diff", plan_identity(old), plan_identity(new), version, min_area_m2, min_width_m, skipped)
    return memo(key, lambda: _diff(old, new, min_area_m2, min_width_m, skipped))


def _diff(old: ZoningPlan, new: ZoningPlan, min_area_m2: float, min_width_m: float, skipped: int) -> PlanDiff:
    schools = {s.id: s for plan in (old, new) for z in plan.zones for s in z.schools}
    schools.update({t.school_id: t.school for plan in (old, new) for t in plan.texts})
    schools.update({r.school_id: r.school for plan in (old, new) for r in plan.rules})

    def refs(ids) -> tuple[School, ...]:
        return tuple(sorted((schools[i] for i in ids), key=lambda s: (s.name, s.id)))

    areas = [AreaChange(refs(c.before), refs(c.after), c.area_m2, c.geometry) for c in changed_areas(
        [([s.id for s in z.schools], z.geometry) for z in old.zones],
        [([s.id for s in z.schools], z.geometry) for z in new.zones],
        min_area_m2=min_area_m2, min_width_m=min_width_m)]
    checked, moved = _address_moves(old, new) if not skipped else (0, {})
    moves = [AddressMove(refs(a), refs(b), places) for (a, b), places in moved.items()]
    moves.sort(key=lambda m: (-m.count, [s.name for s in m.before], [s.name for s in m.after]))

    def present(plan) -> tuple[set[int], set[int]]:
        return ({s.id for z in plan.zones for s in z.schools},
                {t.school_id for t in plan.texts} | {r.school_id for r in plan.rules})

    (old_zoned, old_text), (new_zoned, new_text) = present(old), present(new)
    before, after = old_zoned | old_text, new_zoned | new_text
    without_zone = (old_zoned - new_zoned) & after if new.zones else set()
    without_text = (old_text - new_text) & after if (new.texts or new.rules) else set()
    return PlanDiff(old, new, areas, moves, checked, list(refs(after - before)), list(refs(before - after)),
                    list(refs(without_zone)), list(refs(without_text)), diff_plans(old, new),
                    min_area_m2, min_width_m, skipped)


def _address_moves(old: ZoningPlan, new: ZoningPlan) -> tuple[int, dict[tuple, dict[str, list[str]]]]:
    """(addresses checked, {(schools before, after): {place: addresses}}) over the district's gazetteer."""
    district = new.district
    plans = (plan_index(old), plan_index(new))
    prefixes = gazetteer.district_prefixes(district)
    moved: dict[tuple, dict[str, list[str]]] = {}
    checked = 0
    query = (select(Address.address, Address.normalized, Address.point, Address.road, Address.estate, Address.village)
             .where(Address.district_id == district.id).order_by(Address.id)
             .execution_options(yield_per=ADDRESS_BATCH))
    for row in db.session.execute(query):
        checked += 1
        point = (row.point.x, row.point.y)
        parts = parse_address(row.normalized, prefixes)
        answers = [school_ids_of(plan, parts, point, district.id) for plan in plans]
        if answers[0] != answers[1]:
            place = row.road or row.estate or row.village or ""
            moved.setdefault((answers[0], answers[1]), {}).setdefault(place, []).append(row.address)
    return checked, moved


def plan_changes(actor, plan_id: int, against_id: int | None = None, *, address_limit: int | None = None) -> PlanDiff:
    """A plan's diff from ``against_id``, by default from the published plan it would replace (or,
    for a published plan, the year before), for its staff. :raises NotFound: nothing to compare with."""
    plan = get_plan(actor, plan_id)
    old = get_plan(actor, against_id) if against_id is not None else base_plan(plan)
    if old is None:
        raise NotFound(_l("没有可以比较的已发布划片方案。"))
    return diff_plans_full(old, plan, address_limit=address_limit)


def published_changes(district_code: str, year: int, stage: str, *,
                      address_limit: int | None = None) -> tuple[ZoningPlan, PlanDiff | None]:
    """The changelog of a scope's published plan: its diff from the plan it replaced (None for a
    first plan). :raises NotFound: nothing published there."""
    plan = zoning_public.published_scope_plan(district_code, year, stage)
    old = zoning_public.replaced_plan(plan)
    return plan, (diff_plans_full(old, plan, address_limit=address_limit) if old is not None else None)


def diff_geojson(diff: PlanDiff) -> dict:
    """The diff for a map: the changed areas (numbered as in the text list, ``kind`` single, coloured
    per pair of schools), the old plan's zone outlines (``kind`` multi: dashed) and the new plan's."""
    features, colours = [], {}
    for number, area in enumerate(diff.areas, 1):
        pair = (tuple(s.id for s in area.before), tuple(s.id for s in area.after))
        colour = colours.setdefault(pair, len(colours) % 7)
        shape = shapely.simplify(area.geometry, 1e-5, preserve_topology=True)
        point = shapely.point_on_surface(shape)
        label = "{} → {}".format("、".join(s.name for s in area.before) or "—", "、".join(s.name for s in area.after) or "—")
        features.append({"type": "Feature", "id": f"change-{number}", "geometry": shapely.geometry.mapping(shape),
                         "properties": {"kind": "single", "color": colour, "feature": number, "label": label,
                                        "label_point": [round(point.y, 6), round(point.x, 6)]}})
    for which, plan in (("old", diff.old), ("new", diff.new)):
        for feature in plan_geojson(plan)["features"] if plan.zones else []:
            outline = shapely.boundary(shapely.geometry.shape(feature["geometry"]))
            features.append({"type": "Feature", "id": f"{which}-{feature['id']}",
                             "geometry": shapely.geometry.mapping(outline),
                             "properties": {"kind": "multi" if which == "old" else "single", "color": 7,
                                            "label": f"{plan.year} · {feature['properties']['label']}"}})
    return {"type": "FeatureCollection", "features": features}


@dataclass
class ConsultationPage:
    """What the public consultation page shows: the draft beside the plan it would replace, and the diff."""

    consultation: object
    draft: ZoningPlan
    current: ZoningPlan | None
    diff: PlanDiff | None


def consultation_page(consultation, *, address_limit: int | None = None) -> ConsultationPage:
    """The draft of an opened consultation beside the plan it would replace (None: the district's first)."""
    draft = consultation.plan
    current = base_plan(draft)
    return ConsultationPage(consultation, draft, current,
                            diff_plans_full(current, draft, address_limit=address_limit) if current else None)


def consultation_impact(page: ConsultationPage, *, text: str | None = None, point=None):
    """Current and proposed school of an address or map point, each with its basis (``DraftAnswer``:
    ``draft`` proposed, ``published`` current). :raises BadRequest: see ``lookup.services.check_query``."""
    return answer_beside(page.draft, page.current, text=text, point=point)
