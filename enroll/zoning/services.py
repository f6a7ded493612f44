"""Zoning plans on the one review workflow: drafts from uploads and text, review hooks, public queries.

The zoning of a district, year and stage (``Zoning``) is one more content kind of
``enroll.review.content``: the same lock, "took part" rule, approve path and review queue as every
other kind. Each revision owns a ``ZoningPlan``; a draft's plan is edited in place (polygons from a
file, 划片 text from a paste, in any order), starting as a copy of what is published.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import shapely
import shapely.geometry
from cachetools import LRUCache
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from enroll.core.context import Context
from enroll.core.db import utcnow
from enroll.core.errors import Conflict, Forbidden, Invalid, NotFound
from enroll.core.i18n import _l, _n
from enroll.core.security import authorize
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.geo.display import color_indices, simplify_for_display
from enroll.geo.findings import ERROR
from enroll.review import content, states
from enroll.review.publishable import personal_data_in, where_in
from enroll.review.services import record
from enroll.schools.services import schools_of
from enroll.zoning.models import (
    Consultation,
    Zone,
    ZoneRule,
    ZoneText,
    Zoning,
    ZoningPlan,
    zone_schools,
)
from enroll.zoning.report import refresh_report, report_summary

if TYPE_CHECKING:
    from enroll.geo.compare import SchoolChange

ZONING_STAGES = ("primary", "junior")
STAGE_LABELS = {"primary": _l("小学"), "junior": _l("初中")}


def check_scope(year: int, stage: str) -> None:
    if stage not in ZONING_STAGES:
        raise Invalid(_l("学段必须是 primary（小学）或 junior（初中），而不是“%(stage)s”。", stage=stage))
    if not 2000 <= int(year) <= 2100:
        raise Invalid(_l("招生年度“%(year)s”无效。", year=year))


# --- the content kind ----------------------------------------------------------------------------


def _title(item: Zoning, data: dict) -> str:
    return str(_l("%(district)s %(year)s 年%(stage)s划片", district=item.district.name, year=item.year,
                  stage=STAGE_LABELS.get(item.stage, item.stage)))


def _apply(item: Zoning, data: dict) -> None:
    item.plan_id = data["plan"]


def _plan_of_revision(revision) -> ZoningPlan | None:
    return db.session.scalar(select(ZoningPlan).where(ZoningPlan.revision_id == revision.id))


def _before_submit(actor, item: Zoning, revision, context: Context) -> None:
    plan = _plan_of_revision(revision)
    if plan is None or not (plan.texts or plan.zones):
        raise Conflict(_l("该方案既没有划片文字也没有片区地图，不能提交审核。"))
    if plan.error_count:
        raise Conflict(_n("该方案的校验报告有 %(num)d 个错误，不能提交审核。", plan.error_count))


def _consultation(plan: ZoningPlan | None) -> Consultation | None:
    return db.session.scalar(select(Consultation).where(Consultation.plan_id == plan.id)) if plan is not None else None


def _consulting(consultation: Consultation | None) -> bool:
    """Whether the public reads the draft as it is now: its consultation is in review to open, or open."""
    if consultation is None:
        return False
    if consultation.opens_at is not None:
        return utcnow() < consultation.closes_at
    proposal = content.open_revision(content.KINDS["consultation"], consultation.id)
    return proposal is not None and proposal.status == states.IN_REVIEW


def _before_publish(actor, item: Zoning, revision, context: Context) -> None:
    """The 划片 text is published too: no school's may hold personal data, whenever it was saved. A
    draft put out for comment is final only once the adoption report is published."""
    plan = _plan_of_revision(revision)
    consultation = _consultation(plan)
    if (consultation is not None and consultation.report_published_at is None
            and (consultation.opens_at is not None or _consulting(consultation))):  # a proposal turned down binds nothing
        raise Conflict(_l("这个草案公开征求了意见：征求意见期结束、意见采纳情况经审核公布后，才能批准为正式方案。"))
    for text in plan.texts if plan is not None else ():
        found = personal_data_in(text.text)
        if found is not None:
            raise Conflict(_l("%(school)s：%(where)s公开的内容中不得出现身份证号、手机号或个人电子邮件，不能发布：请退回修改。",
                              school=text.school.name, where=where_in(_l("划片范围"), found)))


def _before_discard(item: Zoning, revision) -> None:
    plan = _plan_of_revision(revision)
    if _consultation(plan) is not None:
        raise Conflict(_l("这个草案已公开征求意见，不能删除。"))
    if plan is not None:
        db.session.delete(plan)
        db.session.flush()


def _redraft(actor, item: Zoning, revision, note: str, context: Context):
    """Republishing a withdrawn version: a draft with a copy of its plan (each revision owns its plan)."""
    return save_plan(actor, item, draft_plan(actor, item), "republish", note, context, source=revision.number)


ZONING = content.register(content.ContentKind(
    name="zoning", model=Zoning, permission="zoning", label=_l("招生范围（划片）"),
    fields={"texts": _l("有划片文字的学校数"), "zones": _l("片区数"), "digest": _l("划片内容")},
    apply=_apply, title=_title, html_fields=(), private_fields=("digest",), computed_fields=("digest",),
    before_submit=_before_submit, before_discard=_before_discard, before_publish=_before_publish, redraft=_redraft,
    edit_endpoint="bureau.rules", edit_args=lambda item: {"code": item.district.code},
    public_endpoint="zoning.zoning_map",
    public_args=lambda item: {"code": item.district.code, "year": item.year, "stage": item.stage},
    review_endpoint="bureau.revision_plan", history_endpoint="zoning.zoning_history"))


# --- drafts ----------------------------------------------------------------------------------------


def zoning_of(district, year: int, stage: str, *, create: bool = False) -> Zoning | None:
    """The zoning item of a scope; ``create`` adds it (unpublished) when there is none."""
    item = db.session.scalar(select(Zoning).where(
        Zoning.district_id == district.id, Zoning.year == int(year), Zoning.stage == stage))
    if item is None and create:
        item = Zoning(district=district, district_id=district.id, year=int(year), stage=stage)
        db.session.add(item)
        db.session.flush()
    return item


def copy_plan(source: ZoningPlan | None, target: ZoningPlan, *, zones: bool = True) -> None:
    """Copy a plan's zones (unless ``zones`` is false), texts, rules and the polygons' report into an empty plan."""
    if source is None:
        return
    for zone in source.zones if zones else ():
        target.zones.append(Zone(feature_index=zone.feature_index, kind=zone.kind, label=zone.label,
                                 geometry=zone.geometry, schools=list(zone.schools)))
    for text in source.texts:
        target.texts.append(ZoneText(school_id=text.school_id, school=text.school, position=text.position,
                                     text=text.text, source_row=text.source_row))
    for rule in source.rules:
        target.rules.append(ZoneRule(school_id=rule.school_id, school=rule.school, line=rule.line,
                                     source_row=rule.source_row, text=rule.text, kind=rule.kind, clause=rule.clause))
    target.zone_report = dict(source.zone_report or {})
    target.source_filename, target.source_format = source.source_filename, source.source_format
    target.source_crs, target.school_field = source.source_crs, source.school_field


def draft_plan(actor, item: Zoning, *, copy_zones: bool = True) -> ZoningPlan:
    """The plan of the item's open draft to edit in place; else a new one copied from the last
    published version (also when it was withdrawn; the new draft's revision is made when it is saved).
    ``copy_zones`` false leaves a new draft's zones empty, for a caller about to replace them all.

    :raises Conflict: while a version is in review (it must be recalled or rejected first).
    """
    authorize(actor, "zoning.edit", item.district_id)
    revision = content.open_revision(ZONING, item.id) if item.id else None
    if revision is not None and revision.status != states.DRAFT:
        raise Conflict(_l("该划片方案有一个版本正在审核中，请先撤回或等审核结束再修改。"))
    plan = _plan_of_revision(revision) if revision is not None else None
    if _consulting(_consultation(plan)):
        raise Conflict(_l("这个草案正在征求意见（或等待审核开始征求意见），期间不能修改。"))
    if plan is None:
        plan = ZoningPlan(district_id=item.district_id, district=item.district, year=item.year, stage=item.stage,
                          created_by=actor)
        copy_plan(item.plan, plan, zones=copy_zones)
        db.session.add(plan)
    return plan


def plan_digest(plan: ZoningPlan) -> str:
    """SHA-256 of what a plan says: every school's text and every zone (shape and schools)."""
    digest = hashlib.sha256()
    for text in sorted(plan.texts, key=lambda t: t.school_id):
        digest.update(f"T{text.school_id}\x00{text.text}\x00".encode())
    for zone in sorted(plan.zones, key=lambda z: z.feature_index):
        schools = ",".join(str(s.id) for s in sorted(zone.schools, key=lambda s: s.id))
        digest.update(f"Z{zone.feature_index}\x00{zone.kind}\x00{schools}\x00".encode())
        digest.update(shapely.to_wkb(zone.geometry))
    return digest.hexdigest()


def save_plan(actor, item: Zoning, plan: ZoningPlan, action: str, note: str, context: Context, **detail):
    """Write the edited draft plan into the item's draft revision and audit it. Does not commit."""
    refresh_report(plan)
    db.session.flush()
    revision = content.save_draft(actor, ZONING, item, {
        "plan": plan.id, "texts": len(plan.texts), "zones": len(plan.zones), "digest": plan_digest(plan)},
        note, context=context)
    plan.revision = revision
    record(actor, f"zoning.{action}", "zoning_plan", plan.id, context=context,
           detail={"revision": revision.id, "errors": plan.error_count, "warnings": plan.warning_count, **detail})
    return revision


def import_plan(actor, district_code: str, year: int, stage: str, path, *, filename: str | None = None,
                crs: str | None = None, gcj02: bool = False, school_field: str | None = None,
                note: str = "", max_file_bytes: int | None = None, max_check_work: int | None = None,
                context: Context = Context()) -> ZoningPlan:
    """Read and validate a zoning file. Commits.

    :param max_file_bytes: the largest file read (ENROLL_MAX_ZONING_FILE_MB; None: the reader's default).
    :param max_check_work: the most work checking zones against each other may take (web uploads:
        ENROLL_MAX_ZONING_CHECK_MILLIONS; None: no limit, as for the CLI); see ``validate_zones``.
    :returns: the scope's draft plan; or, for a file with errors, a plan that is never saved (``id``
        None, status ``invalid``) carrying the report to show.
    :raises Conflict: while a version is in review or out for comment (see ``draft_plan``).

    A file without errors becomes the polygons of the scope's draft (started from what is
    published when there is none): the draft's 划片 text stays as it was. A file with errors
    leaves no trace but its audit event (``zoning.import_refused``, with the counts per finding
    code): no plan, no draft, no revision, no version number; nothing published changes.
    """
    district = get_district(district_code)
    authorize(actor, "zoning.edit", district.id)
    check_scope(year, stage)
    filename = (filename or Path(path).name)[:255]
    schools = {s.name: s for s in schools_of(district.id, stage)}
    read, zone_report, candidates = _read_and_validate(path, filename, district, schools, crs=crs, gcj02=gcj02,
                                                       school_field=school_field, max_file_bytes=max_file_bytes,
                                                       max_check_work=max_check_work)
    zones = [Zone(feature_index=c.index, kind=c.kind, geometry=c.geometry, label="、".join(c.school_names),
                  schools=[schools[n] for n in c.school_names if n in schools]) for c in candidates]
    if any(f["severity"] == ERROR for f in zone_report["findings"]):
        return _refuse_upload(actor, district, year, stage, zones, zone_report, read, filename, school_field, context)

    def write() -> ZoningPlan:
        item = zoning_of(district, year, stage, create=True)
        plan = draft_plan(actor, item, copy_zones=False)  # the file's zones replace them all
        plan.zones, plan.zone_report = zones, zone_report
        _set_source(plan, read, filename, school_field)
        save_plan(actor, item, plan, "import", note, context, file=filename, zones=len(zones))
        return plan

    return content.commit_or_conflict(write)  # a race with another editor's edit of the scope: 409, not 500


def _read_and_validate(path, filename: str, district, schools: dict, *, crs, gcj02, school_field, max_file_bytes,
                       max_check_work):
    """(what was read or None, the polygons' report, the zone candidates) of a zoning file."""
    from enroll.geo.io import ReadError, read_zoning_file  # pyproj, GDAL: imported for an upload only
    from enroll.geo.validate import validate_zones

    try:
        limit = {} if max_file_bytes is None else {"max_file_bytes": max_file_bytes}
        read = read_zoning_file(path, filename=filename, crs=crs, gcj02=gcj02, **limit)
    except ReadError as exc:
        return None, {"findings": [f.to_dict() for f in exc.findings], "stats": {}}, []
    report = validate_zones(read, school_field=school_field, max_check_work=max_check_work,
                            schools={n: s.point for n, s in schools.items()}, boundary=district.boundary)
    stats = dict(report.stats, encoding=read.encoding, gcj02=gcj02)
    return read, {"findings": [f.to_dict() for f in report.findings], "stats": stats}, report.zones


def _refuse_upload(actor, district, year: int, stage: str, zones: list[Zone], zone_report: dict, read,
                   filename: str, school_field: str | None, context: Context) -> ZoningPlan:
    """Audit a file refused for its errors (commits) and return its report in a plan never saved."""
    plan = ZoningPlan(district=district, district_id=district.id, year=int(year), stage=stage,
                      created_by=actor, zones=zones, zone_report=zone_report)
    _set_source(plan, read, filename, school_field)
    refresh_report(plan)
    record(actor, "zoning.import_refused", "zoning_scope", f"{district.code}/{int(year)}/{stage}", context=context,
           detail={"file": filename, "format": plan.source_format, **report_summary(plan.report)})
    db.session.commit()
    return plan


def _set_source(plan: ZoningPlan, read, filename: str, school_field: str | None) -> None:
    plan.source_filename = filename
    plan.source_format = read.format if read is not None else ""
    plan.source_crs = (read.source_crs or "") if read is not None else ""
    plan.school_field = school_field or ""


def discard_upload(actor, plan_id: int, *, context: Context = Context()) -> None:
    """Delete an upload that failed validation, kept by an earlier version of ``import_plan`` (drafts
    are discarded through the review workflow)."""
    plan = get_plan(actor, plan_id)
    authorize(actor, "zoning.edit", plan.district_id)
    if plan.revision_id is not None:
        raise Conflict(_l("只有校验未通过的上传可以这样删除；草稿请在审核页面删除。"))
    record(actor, "zoning.discard", "zoning_plan", plan.id, context=context, detail={"file": plan.source_filename})
    db.session.delete(plan)
    db.session.commit()


def revision_of_plan(actor, plan_id: int) -> int:
    """The revision a plan belongs to (what the review steps act on). :raises NotFound, Conflict:"""
    plan = get_plan(actor, plan_id)
    if plan.revision_id is None:
        raise Conflict(_l("校验未通过的上传不能提交审核，请修改文件后重新上传。"))
    return plan.revision_id


def zoning_of_published_plan(actor, plan_id: int) -> Zoning:
    """The zoning item whose published version is this plan (what withdrawing it takes off).

    :raises Conflict: for a plan that is not the published version (a draft, an older version).
    """
    plan = get_plan(actor, plan_id)
    if plan.status != states.PUBLISHED:
        raise Conflict(_l("只有已发布的内容才能撤下。"))
    return db.session.get(Zoning, plan.revision.object_id)


def plan_of_revision(actor, revision_id: int) -> ZoningPlan:
    """The plan of a zoning revision, for its editors and reviewers. :raises NotFound:"""
    found = content.get_revision(actor, revision_id)
    plan = _plan_of_revision(found.revision) if found.kind is ZONING else None
    if plan is None:
        raise NotFound(_l("划片方案不存在或尚未发布。"))
    return plan


def get_plan(actor, plan_id: int) -> ZoningPlan:
    """A plan the actor may see: published ones to everyone, others to the district's staff.

    :raises NotFound: also for drafts the actor may not see, so their existence does not leak.
    """
    plan = db.session.get(ZoningPlan, plan_id)
    if plan is None or (plan.status != states.PUBLISHED and not can_see_drafts(actor, plan.district_id)):
        raise NotFound(_l("划片方案不存在或尚未发布。"))
    return plan


def can_see_drafts(actor, district_id: int) -> bool:
    return content.can_manage(actor, ZONING, district_id)


def plans_of(actor, district_code: str) -> list[ZoningPlan]:
    """Every plan of a district, for its staff (newest first)."""
    district = get_district(district_code)
    if not can_see_drafts(actor, district.id):
        raise Forbidden(_l("您没有执行此操作的权限。"))
    return list(db.session.scalars(select(ZoningPlan).options(joinedload(ZoningPlan.revision))
                                   .where(ZoningPlan.district_id == district.id)
                                   .order_by(ZoningPlan.year.desc(), ZoningPlan.id.desc())))


# --- what is published -----------------------------------------------------------------------------


def _published():
    """Plans now published: the plan of every published zoning item."""
    return (select(ZoningPlan).join(Zoning, Zoning.plan_id == ZoningPlan.id)
            .where(Zoning.status == states.PUBLISHED).options(joinedload(ZoningPlan.revision)))


def published_plan(district_id: int, year: int, stage: str) -> ZoningPlan | None:
    """The published plan of a scope."""
    return db.session.scalar(_published().where(
        ZoningPlan.district_id == district_id, ZoningPlan.year == year, ZoningPlan.stage == stage))


def all_published_plans() -> list[ZoningPlan]:
    """Every published plan of every district, newest year first."""
    return list(db.session.scalars(_published().order_by(ZoningPlan.year.desc(), ZoningPlan.stage)))


def published_plans(district_id: int) -> list[ZoningPlan]:
    """Every published plan of a district (one per year and stage), newest year first, in one query."""
    return list(db.session.scalars(_published().where(ZoningPlan.district_id == district_id)
                                   .order_by(ZoningPlan.year.desc(), ZoningPlan.stage)))


def published_scopes(district_id: int) -> list[tuple[int, str]]:
    """(year, stage) pairs with a published plan, newest year first."""
    rows = db.session.execute(select(Zoning.year, Zoning.stage).where(
        Zoning.district_id == district_id, Zoning.status == states.PUBLISHED
    ).order_by(Zoning.year.desc(), Zoning.stage)).all()
    return [(r.year, r.stage) for r in rows]


def zones_of_school(school_id: int) -> list[Zone]:
    """Published zones naming the school, newest year first."""
    query = (select(Zone).join(ZoningPlan).join(Zoning, Zoning.plan_id == ZoningPlan.id)
             .join(zone_schools, zone_schools.c.zone_id == Zone.id)
             .where(zone_schools.c.school_id == school_id, Zoning.status == states.PUBLISHED)
             .order_by(ZoningPlan.year.desc()))
    return list(db.session.scalars(query))


def texts_of_school(school_id: int) -> list[ZoneText]:
    """The school's published 划片 texts, newest year first."""
    query = (select(ZoneText).join(ZoningPlan).join(Zoning, Zoning.plan_id == ZoningPlan.id)
             .where(ZoneText.school_id == school_id, Zoning.status == states.PUBLISHED)
             .order_by(ZoningPlan.year.desc(), ZoningPlan.stage))
    return list(db.session.scalars(query))


_derived: LRUCache = LRUCache(maxsize=256)  # what pages derive from a plan (its map, its changes)


def plan_identity(plan: ZoningPlan) -> tuple:
    """The key of everything derived from a plan's content: its id and creation time (ids alone
    repeat after a database reset) and the digest of its content as last saved, so a draft edited
    in place (also after a rejection or recall) is never answered from what it said before."""
    digest = plan.revision.data.get("digest", "") if plan.revision is not None else ""
    return plan.id, plan.created_at.isoformat(), digest


def memo(key: tuple, compute):
    """Values derived from a plan's content (keyed by ``plan_identity``); the 256 latest, per process."""
    found = _derived.get(key)
    if found is None:
        found = _derived[key] = compute()
    return found


METRES_PER_DEGREE = 111_320.0
OVERVIEW_TOLERANCE_M = (3.0, 48.0)  # the whole plan's map: simplified by 3 m, coarser until it fits ...
OVERVIEW_VERTICES = 40_000          # ... this many vertices (about 200 KB of gzipped GeoJSON)
OVERVIEW_GRID_DEG = 1e-5            # its coordinates on a 1 m grid
DETAIL_TOLERANCE_M = 1.0            # zones seen up close (``detail``): 1 m, on a 0.1 m grid
DETAIL_GRID_DEG = 1e-6


def plan_geojson(plan: ZoningPlan, *, detail: bool = False, bbox: tuple[float, float, float, float] | None = None) -> dict:
    """The plan's zones as a GeoJSON FeatureCollection for the map.

    The overview (the default) is the whole plan simplified as a coverage (neighbours keep their
    shared edges: no gap or overlap opens between them) by at least ``OVERVIEW_TOLERANCE_M``,
    more for a plan too detailed to fit ``OVERVIEW_VERTICES``; ``detail`` is the same coverage
    simplified by only ``DETAIL_TOLERANCE_M``, for the zones within ``bbox`` (lon/lat) when given:
    the map asks for it where a parent zooms in. Each feature carries a colour index that differs
    from its neighbours', its number, label and schools.
    """
    collection = memo(("geojson", detail, plan_identity(plan)), lambda: _plan_geojson(plan, detail))
    if bbox is None:
        return {"type": "FeatureCollection", "features": [f for f, _ in collection]}
    minx, miny, maxx, maxy = bbox
    return {"type": "FeatureCollection", "features": [
        f for f, (x0, y0, x1, y1) in collection if x0 <= maxx and x1 >= minx and y0 <= maxy and y1 >= miny]}


def display_geometries(geoms: list, detail: bool) -> list:
    """The zones simplified as a coverage and snapped to a grid (shared vertices snap alike)."""
    if detail:
        tolerance, grid = DETAIL_TOLERANCE_M, DETAIL_GRID_DEG
    else:
        tolerance, grid = OVERVIEW_TOLERANCE_M[0], OVERVIEW_GRID_DEG
    while True:
        simple = simplify_for_display(geoms, tolerance / METRES_PER_DEGREE)
        if detail or tolerance >= OVERVIEW_TOLERANCE_M[1] or \
                int(shapely.get_num_coordinates(simple).sum()) <= OVERVIEW_VERTICES:
            return list(shapely.set_precision(simple, grid))
        tolerance *= 2


def _plan_geojson(plan: ZoningPlan, detail: bool) -> list[tuple[dict, tuple]]:
    """[(feature, its bounds)] of every zone."""
    zones = list(plan.zones)
    geoms = display_geometries([z.geometry for z in zones], detail) if zones else []
    colors = color_indices([z.geometry for z in zones]) if zones else []  # the same at every detail
    features = []
    for zone, geom, color in zip(zones, geoms, colors):
        features.append(({
            "type": "Feature",
            "id": zone.id,
            "geometry": shapely.geometry.mapping(geom),
            "properties": {
                "zone": zone.id, "feature": zone.feature_index, "kind": zone.kind, "label": zone.label,
                "color": color, "label_point": _label_point(geom),
                "schools": [{"id": s.id, "name": s.name} for s in zone.schools],
            },
        }, shapely.bounds(zone.geometry).tolist()))
    return features


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


def base_plan(plan: ZoningPlan) -> ZoningPlan | None:
    """What a plan is compared with: the published plan it would replace (same district, year and
    stage) or, for the published plan itself, the latest earlier year's published plan."""
    base = published_plan(plan.district_id, plan.year, plan.stage)
    if base is None or base.id == plan.id:
        base = db.session.scalar(_published().where(
            ZoningPlan.district_id == plan.district_id, ZoningPlan.stage == plan.stage, ZoningPlan.year < plan.year,
        ).order_by(ZoningPlan.year.desc()).limit(1))
    return base


def zone_changes(base: ZoningPlan | None, plan: ZoningPlan) -> list[SchoolChange]:
    """The schools whose zone area differs between two plans (none when either has no zones)."""
    from enroll.geo.compare import compare_zonings  # pyproj: on the pages that compare only

    if base is None or not plan.zones or not base.zones:
        return []
    changes = memo(("changes", plan_identity(base), plan_identity(plan)),
                   lambda: compare_zonings(_zone_pairs(base), _zone_pairs(plan)))
    return [c for c in changes if c.changed]


def plans_with_zones(plan_ids: list[int]) -> set[int]:
    """Which of these plans have zones (without loading any geometry)."""
    if not plan_ids:
        return set()
    return set(db.session.scalars(select(Zone.plan_id).where(Zone.plan_id.in_(plan_ids)).distinct()))
