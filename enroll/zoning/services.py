"""Zoning plans: import, validation report, review and publication, public queries."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import shapely
import shapely.geometry
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from enroll.core.context import Context
from enroll.core.errors import Conflict, Invalid, NotFound
from enroll.core.i18n import _l, _n
from enroll.core.security import authorize, can
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.geo.compare import SchoolChange, compare_zonings
from enroll.geo.display import color_indices, simplify_for_display
from enroll.geo.findings import ERROR, WARNING
from enroll.geo.io import ReadError, read_zoning_file
from enroll.geo.validate import validate_zones
from enroll.review import states
from enroll.review.models import AuditEvent
from enroll.review.services import record, require, transition
from enroll.schools.services import schools_of
from enroll.zoning.models import Zone, ZoneRule, ZoningPlan, zone_schools

ZONING_STAGES = ("primary", "junior")
PUBLIC_STATUSES = (states.PUBLISHED,)


def check_scope(year: int, stage: str) -> None:
    if stage not in ZONING_STAGES:
        raise Invalid(_l("学段必须是 primary（小学）或 junior（初中），而不是“%(stage)s”。", stage=stage))
    if not 2000 <= int(year) <= 2100:
        raise Invalid(_l("招生年度“%(year)s”无效。", year=year))


def latest_plan(district_id: int, year: int, stage: str) -> ZoningPlan | None:
    """The plan new versions start from: the published one, else the newest of the scope."""
    scope = (ZoningPlan.district_id == district_id, ZoningPlan.year == year, ZoningPlan.stage == stage)
    published = db.session.scalar(select(ZoningPlan).where(*scope, ZoningPlan.status == states.PUBLISHED))
    return published or db.session.scalar(select(ZoningPlan).where(*scope).order_by(ZoningPlan.id.desc()).limit(1))


def copy_zones(source: ZoningPlan | None, target: ZoningPlan) -> None:
    for zone in source.zones if source else []:
        target.zones.append(Zone(feature_index=zone.feature_index, kind=zone.kind, label=zone.label,
                                 geometry=zone.geometry, schools=list(zone.schools)))


def copy_rules(source: ZoningPlan | None, target: ZoningPlan) -> None:
    for rule in source.rules if source else []:
        target.rules.append(ZoneRule(school=rule.school, line=rule.line, source_row=rule.source_row,
                                     text=rule.text, kind=rule.kind, clause=rule.clause))


def import_plan(actor, district_code: str, year: int, stage: str, path, *, filename: str | None = None,
                crs: str | None = None, gcj02: bool = False, school_field: str | None = None,
                context: Context = Context()) -> ZoningPlan:
    """Read and validate a zoning file into a new **draft** plan with its validation report.

    Whatever the file holds, nothing published changes. A draft whose report has errors cannot be
    submitted; it stays for the uploader to read and discard.
    """
    district = get_district(district_code)
    authorize(actor, "zoning.import", district.id)
    check_scope(year, stage)
    filename = (filename or Path(path).name)[:255]
    schools = {s.name: s for s in schools_of(district.id, stage)}
    plan = ZoningPlan(district=district, year=int(year), stage=stage, status=states.DRAFT,
                      source_filename=filename, created_by=actor)
    try:
        read = read_zoning_file(path, filename=filename, crs=crs, gcj02=gcj02)
    except ReadError as exc:
        findings, stats, zones = exc.findings, {}, []
    else:
        report = validate_zones(read, school_field=school_field,
                                schools={n: s.point for n, s in schools.items()},
                                boundary=district.boundary)
        findings, stats, zones = report.findings, report.stats, report.zones
        plan.source_format, plan.source_crs = read.format, read.source_crs or ""
        plan.school_field = report.school_field or ""
        stats = dict(stats, encoding=read.encoding, gcj02=gcj02)
    plan.report = {"findings": [f.to_dict() for f in findings], "stats": stats}
    plan.error_count = sum(f.severity == ERROR for f in findings)
    plan.warning_count = sum(f.severity == WARNING for f in findings)
    for candidate in zones:
        named = [schools[n] for n in candidate.school_names if n in schools]
        plan.zones.append(Zone(feature_index=candidate.index, kind=candidate.kind, geometry=candidate.geometry,
                               label="、".join(candidate.school_names), schools=named))
    copy_rules(latest_plan(district.id, plan.year, stage), plan)  # the 划片 text stays with the new polygons
    plan.version = 1 + (db.session.scalar(
        select(func.max(ZoningPlan.version)).where(
            ZoningPlan.district_id == district.id, ZoningPlan.year == plan.year, ZoningPlan.stage == stage)
    ) or 0)
    db.session.add(plan)
    db.session.flush()
    record(actor, "zoning.import", "zoning_plan", plan.id, context=context,
           detail={"file": filename, "errors": plan.error_count, "warnings": plan.warning_count,
                   "zones": len(plan.zones), "version": plan.version})
    db.session.commit()
    return plan


def get_plan(actor, plan_id: int) -> ZoningPlan:
    """A plan the actor may see: published to everyone, other states to the district's staff.

    :raises NotFound: also for drafts the actor may not see, so their existence does not leak.
    """
    plan = db.session.get(ZoningPlan, plan_id)
    if plan is None or (plan.status not in PUBLIC_STATUSES
                        and not can(actor, "zoning.view_drafts", plan.district_id)):
        raise NotFound(_l("划片方案不存在或尚未发布。"))
    return plan


def _locked(actor, plan_id: int, action: str) -> ZoningPlan:
    """The plan, row-locked until commit (PostgreSQL) and re-read, after checking ``action`` is allowed.

    The lock serialises concurrent transitions of one plan: the second waits, then sees the new status.

    :raises NotFound, Forbidden, Conflict:
    """
    plan = db.session.get(ZoningPlan, plan_id, with_for_update=True, populate_existing=True)
    if plan is None:
        raise NotFound(_l("划片方案不存在或尚未发布。"))
    authorize(actor, f"zoning.{action}", plan.district_id)
    require(plan, action)
    return plan


def _act(actor, plan: ZoningPlan, action: str, context: Context, **detail) -> None:
    """Move the plan through ``action`` and audit it, without committing."""
    before = plan.status
    transition(plan, action)
    record(actor, f"zoning.{action}", "zoning_plan", plan.id, context=context,
           detail={"from": before, "to": plan.status, **detail})


def _commit_publication() -> None:
    """Commit; a concurrent publication of the same scope loses with a conflict, not a 500."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_l("同一区县、年度和学段的另一版本刚刚发布，请刷新后重试。")) from None


def submit_plan(actor, plan_id: int, *, context: Context = Context()) -> ZoningPlan:
    """draft → in_review. :raises Conflict: when the report has errors or there are no zones."""
    plan = _locked(actor, plan_id, "submit")
    if plan.error_count:
        raise Conflict(_n("该方案的校验报告有 %(num)d 个错误，不能提交审核。", plan.error_count))
    if not plan.zones:
        raise Conflict(_l("该方案还没有片区（请先上传划片文件），不能提交审核。"))
    _act(actor, plan, "submit", context)
    plan.submitted_by = actor
    plan.submitted_at = datetime.now(UTC)
    plan.reject_reason = ""
    db.session.commit()
    return plan


def _took_part(actor, plan: ZoningPlan) -> bool:
    """Whether ``actor`` ever uploaded or submitted this plan (any round of review)."""
    if actor.id in (plan.created_by_id, plan.submitted_by_id):
        return True
    return db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.object_type == "zoning_plan", AuditEvent.object_id == str(plan.id),
        AuditEvent.actor_id == actor.id, AuditEvent.action.in_(("zoning.import", "zoning.submit"))
    ).limit(1)) is not None


def approve_plan(actor, plan_id: int, *, context: Context = Context()) -> ZoningPlan:
    """in_review → published, replacing the scope's previous published version in one transaction.

    :raises Conflict: when the reviewer ever uploaded or submitted the plan (先审后发 needs a second
        person), or another version of the scope was published concurrently.
    """
    plan = _locked(actor, plan_id, "approve")
    if _took_part(actor, plan):
        raise Conflict(_l("审核人不能是上传或提交该方案的人。"))
    previous = published_plan(plan.district_id, plan.year, plan.stage, lock=True)
    if previous is not None:
        _act(actor, previous, "supersede", context, by=plan.id)
        db.session.flush()  # the old row first, so the one-published-per-scope index holds
    _act(actor, plan, "approve", context, replaces=previous.id if previous else None)
    plan.reviewed_by = actor
    plan.published_at = datetime.now(UTC)
    _commit_publication()
    return plan


def reject_plan(actor, plan_id: int, reason: str, *, context: Context = Context()) -> ZoningPlan:
    """in_review → draft with a reason for the author. :raises Invalid: without a reason."""
    plan = _locked(actor, plan_id, "reject")
    if not (reason or "").strip():
        raise Invalid(_l("退回时必须填写理由。"))
    _act(actor, plan, "reject", context, reason=reason.strip())
    plan.reject_reason = reason.strip()
    plan.reviewed_by = actor
    db.session.commit()
    return plan


def withdraw_plan(actor, plan_id: int, *, context: Context = Context()) -> ZoningPlan:
    """Take a plan back: in_review → draft (its author's recall) or published → withdrawn."""
    plan = db.session.get(ZoningPlan, plan_id)
    action = "recall" if plan is not None and plan.status == states.IN_REVIEW else "withdraw"
    plan = _locked(actor, plan_id, action)
    _act(actor, plan, action, context)
    db.session.commit()
    return plan


def discard_plan(actor, plan_id: int, *, context: Context = Context()) -> None:
    """Delete a draft (an abandoned import). :raises Conflict: for anything but a draft."""
    plan = _locked(actor, plan_id, "discard")
    record(actor, "zoning.discard", "zoning_plan", plan.id, context=context,
           detail={"file": plan.source_filename, "version": plan.version})
    db.session.delete(plan)
    db.session.commit()


def published_plan(district_id: int, year: int, stage: str, *, lock: bool = False) -> ZoningPlan | None:
    """The published plan of a scope; ``lock`` row-locks it until commit (PostgreSQL)."""
    query = select(ZoningPlan).where(
        ZoningPlan.district_id == district_id, ZoningPlan.year == year, ZoningPlan.stage == stage,
        ZoningPlan.status == states.PUBLISHED)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def all_published_plans() -> list[ZoningPlan]:
    """Every published plan of every district, newest year first."""
    return list(db.session.scalars(select(ZoningPlan).where(ZoningPlan.status == states.PUBLISHED)
                                   .order_by(ZoningPlan.year.desc(), ZoningPlan.stage)))


def published_plans(district_id: int) -> list[ZoningPlan]:
    """Every published plan of a district (one per year and stage), newest year first, in one query."""
    return list(db.session.scalars(select(ZoningPlan).where(
        ZoningPlan.district_id == district_id, ZoningPlan.status == states.PUBLISHED
    ).order_by(ZoningPlan.year.desc(), ZoningPlan.stage)))


def published_scopes(district_id: int) -> list[tuple[int, str]]:
    """(year, stage) pairs with a published plan, newest year first."""
    rows = db.session.execute(select(ZoningPlan.year, ZoningPlan.stage).where(
        ZoningPlan.district_id == district_id, ZoningPlan.status == states.PUBLISHED
    ).order_by(ZoningPlan.year.desc(), ZoningPlan.stage)).all()
    return [(r.year, r.stage) for r in rows]


def plans_of(actor, district_code: str) -> list[ZoningPlan]:
    """Every plan of a district, for its staff (newest first)."""
    district = get_district(district_code)
    authorize(actor, "zoning.view_drafts", district.id)
    return list(db.session.scalars(select(ZoningPlan).where(ZoningPlan.district_id == district.id)
                                   .order_by(ZoningPlan.year.desc(), ZoningPlan.id.desc())))


def zones_of_school(school_id: int) -> list[Zone]:
    """Published zones naming the school, newest year first."""
    query = (select(Zone).join(ZoningPlan).join(zone_schools, zone_schools.c.zone_id == Zone.id)
             .where(zone_schools.c.school_id == school_id, ZoningPlan.status == states.PUBLISHED)
             .order_by(ZoningPlan.year.desc()))
    return list(db.session.scalars(query))


_derived: dict[tuple, object] = {}


def plan_identity(plan: ZoningPlan) -> tuple:
    """Identifies a plan's content across databases too (ids alone repeat after a reset)."""
    return plan.id, plan.created_at.isoformat()


def memo(key: tuple, compute):
    """Values derived from plans, which never change once imported; bounded, per process."""
    if key not in _derived:
        if len(_derived) >= 256:
            _derived.clear()
        _derived[key] = compute()
    return _derived[key]


DISPLAY_TOLERANCE_DEG = 0.00003  # about 3 m: invisible at district zoom, shrinks the payload


def plan_geojson(plan: ZoningPlan) -> dict:
    """The plan's zones as a GeoJSON FeatureCollection for the map.

    Geometries are simplified as a coverage, so neighbours keep shared edges; each feature carries
    a colour index that differs from its neighbours', its label and its schools.
    """
    return memo(("geojson", plan_identity(plan)), lambda: _plan_geojson(plan))


def _plan_geojson(plan: ZoningPlan) -> dict:
    zones = list(plan.zones)
    geoms = simplify_for_display([z.geometry for z in zones], DISPLAY_TOLERANCE_DEG)
    colors = color_indices(geoms) if geoms else []
    features = []
    for zone, geom, color in zip(zones, geoms, colors):
        features.append({
            "type": "Feature",
            "id": zone.id,
            "geometry": shapely.geometry.mapping(shapely.set_precision(geom, 1e-6)),
            "properties": {
                "zone": zone.id, "feature": zone.feature_index, "kind": zone.kind, "label": zone.label,
                "color": color, "label_point": _label_point(geom),
                "schools": [{"id": s.id, "name": s.name} for s in zone.schools],
            },
        })
    return {"type": "FeatureCollection", "features": features}


def _label_point(geom) -> list[float]:
    """[lat, lon] of a point inside the zone (never in a hole or outside a bend), where the map
    writes the zone's number: the same number as in the text list, so colour is never the only cue."""
    point = shapely.point_on_surface(geom)
    return [round(point.y, 6), round(point.x, 6)]


def plan_bounds(plan: ZoningPlan) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of a plan's zones."""
    return shapely.union_all([z.geometry for z in plan.zones]).bounds


def _zone_pairs(plan: ZoningPlan) -> list[tuple[list[str], object]]:
    return [([s.name for s in z.schools] or [z.label], z.geometry) for z in plan.zones]


def plan_changes(plan: ZoningPlan) -> tuple[ZoningPlan | None, list[SchoolChange]]:
    """What a plan changes, school by school.

    Compared with the published plan it would replace (same district, year and stage) or, for the
    published plan itself, with the latest earlier year's published plan.

    :returns: (the plan compared with or None, the schools whose area changed).
    """
    base = published_plan(plan.district_id, plan.year, plan.stage)
    if base is None or base.id == plan.id:
        base = db.session.scalar(select(ZoningPlan).where(
            ZoningPlan.district_id == plan.district_id, ZoningPlan.stage == plan.stage,
            ZoningPlan.status == states.PUBLISHED, ZoningPlan.year < plan.year,
        ).order_by(ZoningPlan.year.desc()).limit(1))
    if base is None or not plan.zones:
        return base, []
    changes = memo(("changes", plan_identity(base), plan_identity(plan)),
                    lambda: compare_zonings(_zone_pairs(base), _zone_pairs(plan)))
    return base, [c for c in changes if c.changed]


@dataclass
class ZoningPage:
    """Everything the public page of one published plan shows."""

    district: object
    plan: ZoningPlan
    schools: list
    scopes: list[tuple[int, str]]
    base: ZoningPlan | None
    changes: list[SchoolChange]


def public_zoning_page(district_code: str, year: int, stage: str) -> ZoningPage:
    """The published plan of a district, year and stage with its schools and changes.

    :raises NotFound: when nothing is published there (drafts never show).
    """
    if stage not in ZONING_STAGES:
        raise NotFound(_l("划片方案不存在或尚未发布。"))
    district = get_district(district_code)
    plan = published_plan(district.id, year, stage)
    if plan is None:
        raise NotFound(_l("划片方案不存在或尚未发布。"))
    base, changes = plan_changes(plan)
    return ZoningPage(district, plan, schools_of(district.id, stage), published_scopes(district.id), base, changes)
