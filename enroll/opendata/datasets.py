"""The datasets of a district's year, each built from what is published only: zones per stage (the
polygons of the published plans), the 划片 text, schools, enrollment plans (招生计划) and aggregate
admission results. Each ``Source`` knows its publication dates, a version token (what its files
are cached under) and how to render its files; ``services`` lists and serves them."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from enroll.core.i18n import _l
from enroll.core.text import to_csv
from enroll.extensions import db
from enroll.geo import export
from enroll.results import downloads as result_downloads
from enroll.results import services as results
from enroll.review import states
from enroll.review.models import AuditEvent
from enroll.schools.models import EnrollmentPlan
from enroll.schools.services import HEADINGS as SCHOOL_HEADINGS
from enroll.schools.services import KIND_WORDS, STAGE_WORDS, schools_of
from enroll.zoning import public as zoning_public
from enroll.zoning.models import ZoningPlan
from enroll.zoning.services import (
    STAGE_LABELS,
    plan_identity,
    published_plans,
    zoning_of,
)

SCHOOL_COLUMNS = ("name", "stage", "kind", "address", "phone", "website", "lon", "lat", "name_en", "address_en")
STAGE_NAMES = {code: word for word, code in STAGE_WORDS.items()}
KIND_NAMES = {code: word for word, code in KIND_WORDS.items()}
PLAN_HEADER = ["学校", "学段", "办学性质", "招生年度", "计划班数", "计划招生人数", "招生说明"]
ZONE_FORMATS = (  # (file name suffix, format label, media type)
    (".geojson", "GeoJSON", "application/geo+json"),
    (".gpkg", "GeoPackage", "application/geopackage+sqlite3"),
    (".shp.zip", "Shapefile (UTF-8)", "application/zip"),
    ("-gbk.shp.zip", "Shapefile (GBK)", "application/zip"),
    (".kml", "KML", "application/vnd.google-earth.kml+xml"),
)
TABLE_FORMATS = ((".csv", "CSV", "text/csv"), (".json", "JSON", "application/json"))


@dataclass
class Source:
    """One dataset of a district's year before its files are made."""

    key: str                 # the file name stem: zones-primary, texts, schools, plans, results
    title: object            # lazy text
    issued: datetime | None  # first published
    modified: datetime | None  # this version published
    token: tuple             # changes whenever the content may have
    formats: tuple
    render: Callable[[], dict]  # {suffix: bytes}, and for ".json" the records (services add the envelope)


def _table(header: list[str], rows: list[list], records: list[dict]) -> dict:
    return {".csv": to_csv(header, rows), ".json": records}


def _dates(items) -> tuple[datetime | None, datetime | None]:
    firsts = [i.first_published_at for i in items if i.first_published_at]
    lasts = [i.published_at for i in items if i.published_at]
    return min(firsts, default=None), max(lasts, default=None)


# --- zones ------------------------------------------------------------------------------------------


def zone_features(plan: ZoningPlan) -> list[export.Feature]:
    """The plan's zones as features: number, schools (joined by 、 as an upload writes them), kind."""
    return [export.Feature(zone.geometry, {"zone_no": zone.feature_index, "school": "、".join(
        s.name for s in zone.schools) or zone.label, "kind": zone.kind}) for zone in plan.zones]


def _zone_files(district, plan: ZoningPlan, when: datetime | None) -> dict[str, bytes]:
    features, name = zone_features(plan), f"{district.code}_{plan.year}_{plan.stage}_zones"
    return {".geojson": export.to_geojson(features, timestamp=when),
            ".gpkg": export.to_gpkg(features, name, timestamp=when),
            ".shp.zip": export.to_shapefile_zip(features, name, timestamp=when),
            "-gbk.shp.zip": export.to_shapefile_zip(features, name, encoding="GBK", timestamp=when),
            ".kml": export.to_kml(features, "school", timestamp=when)}


def _zones(district, plan: ZoningPlan) -> Source:
    issued, modified = _dates([zoning_of(district, plan.year, plan.stage)])
    return Source(f"zones-{plan.stage}", _l("%(stage)s划片范围（多边形）", stage=STAGE_LABELS[plan.stage]),
                  issued, modified, ("zones", plan_identity(plan)), ZONE_FORMATS,
                  lambda: _zone_files(district, plan, modified))


# --- the 划片 text ---------------------------------------------------------------------------------------


def _texts(district, year: int, plans: list[ZoningPlan]) -> Source:
    def render() -> dict:
        rows = []
        for plan in plans:  # the page's own CSV of each stage (the import format), one header
            rows += zoning_public.texts_csv(district.code, year, plan.stage)[1][1:]
        records = [{"school": school, "stage": stage, "text": text} for school, stage, text in rows]
        return _table(["学校", "学段", "划片范围"], rows, records)

    issued, modified = _dates([zoning_of(district, year, p.stage) for p in plans])
    return Source("texts", _l("划片范围文字"), issued, modified, ("texts",) + tuple(plan_identity(p) for p in plans),
                  TABLE_FORMATS, render)


# --- schools -----------------------------------------------------------------------------------------


def _school_values(school) -> dict:
    english = (school.translations or {}).get("en") or {}
    point = school.point
    return {"name": school.name, "stage": STAGE_NAMES.get(school.stage, school.stage),
            "kind": KIND_NAMES.get(school.kind, school.kind), "address": school.address, "phone": school.phone,
            "website": school.website, "lon": "" if point is None else repr(point.x),
            "lat": "" if point is None else repr(point.y), "name_en": english.get("name", ""),
            "address_en": english.get("address", "")}


def _schools_changed(district, schools) -> datetime | None:
    """The last time the district's school list changed (its audit log), else the latest school's creation."""
    ids = [str(s.id) for s in schools]
    last = db.session.scalar(select(func.max(AuditEvent.at)).where(or_(
        (AuditEvent.object_type == "district") & (AuditEvent.object_id == str(district.id))
        & (AuditEvent.action == "schools.import"),
        (AuditEvent.object_type == "school") & AuditEvent.object_id.in_(ids)
        & AuditEvent.action.in_(("school.create", "school.update")))))
    return last or max((s.created_at for s in schools), default=None)


def _schools(district, year: int) -> Source | None:
    schools = schools_of(district.id)
    if not schools:
        return None
    values = [_school_values(s) for s in schools]
    rows = [[v[k] for k in SCHOOL_COLUMNS] for v in values]

    def render() -> dict:
        return _table([SCHOOL_HEADINGS[k] for k in SCHOOL_COLUMNS], rows,
                      [{**v, "stage": s.stage, "kind": s.kind} for v, s in zip(values, schools)])

    return Source("schools", _l("学校名录"), min(s.created_at for s in schools), _schools_changed(district, schools),
                  ("schools",) + tuple(map(tuple, rows)), TABLE_FORMATS, render)


# --- enrollment plans (招生计划) -----------------------------------------------------------------------


def _plans(district, year: int) -> Source | None:
    plans = list(db.session.scalars(select(EnrollmentPlan).where(
        EnrollmentPlan.district_id == district.id, EnrollmentPlan.year == year,
        EnrollmentPlan.status == states.PUBLISHED).order_by(EnrollmentPlan.school_id)))
    if not plans:
        return None

    def render() -> dict:
        rows = [[p.school.name, STAGE_NAMES.get(p.school.stage, p.school.stage), KIND_NAMES.get(p.school.kind, ""),
                 p.year, p.classes, p.places, p.notes] for p in plans]
        records = [{"school": p.school.name, "stage": p.school.stage, "kind": p.school.kind, "year": p.year,
                    "classes": p.classes, "places": p.places, "notes": p.notes} for p in plans]
        return _table(PLAN_HEADER, rows, records)

    issued, modified = _dates(plans)
    return Source("plans", _l("招生计划"), issued, modified,
                  ("plans",) + tuple((p.id, p.version, p.published_at) for p in plans), TABLE_FORMATS, render)


# --- aggregate admission results ---------------------------------------------------------------------


def _results(district, year: int) -> Source | None:
    published = results.published_results(district.id, year)
    if not published:
        return None

    def render() -> dict:
        rows = [r for r in results.district_table(district.id, year) if r.totals is not None]
        records = [{"school": r.school.name, "stage": r.school.stage, "kind": r.school.kind,
                    "applicants": r.totals.applicants, "places": r.totals.places, "admitted": r.totals.admitted,
                    "ratio": r.totals.ratio,
                    "routes": [{k: route.get(k) for k in ("route", "applicants", "places", "admitted")}
                               for route in r.result.routes]} for r in rows]
        return {".csv": result_downloads.district_csv(rows), ".json": records}

    issued, modified = _dates(published)
    return Source("results", _l("录取结果（汇总）"), issued, modified,
                  ("results",) + tuple((r.id, r.version, r.published_at) for r in published), TABLE_FORMATS, render)


# --- a district's years ------------------------------------------------------------------------------


def published_years(district) -> list[int]:
    """Years with anything published of zoning, enrollment plans or results, newest first."""
    years = {p.year for p in published_plans(district.id)} | set(results.published_years(district.id))
    years |= set(db.session.scalars(select(EnrollmentPlan.year).where(
        EnrollmentPlan.district_id == district.id, EnrollmentPlan.status == states.PUBLISHED).distinct()))
    return sorted(years, reverse=True)


def sources(district, year: int) -> list[Source]:
    """Every dataset of the district's year (none when nothing of the year is published)."""
    plans = [p for p in published_plans(district.id) if p.year == year]
    if year not in published_years(district):
        return []
    found = [_zones(district, p) for p in plans if p.zones]
    if any(p.texts for p in plans):
        found.append(_texts(district, year, [p for p in plans if p.texts]))
    found += [_schools(district, year), _plans(district, year), _results(district, year)]
    return [s for s in found if s is not None]
