"""OGC API – Features (Part 1 Core): the published data as feature collections, for GIS tools.

One collection per published zoning plan with zones (``zones-<district code>-<year>-<stage>``),
``schools`` (the schools with a location) and ``districts`` (the boundaries bureaus gave). Drafts
never appear: zones come only from ``enroll.zoning.services`` published plans. Features are
encoded here, each geometry by GEOS (``shapely.to_geojson``) and its properties by orjson, so a page
of a thousand detailed zones is written without building Python coordinate lists.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import orjson
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from enroll.core.errors import BadRequest, NotFound
from enroll.core.i18n import _l
from enroll.districts.models import District
from enroll.extensions import db
from enroll.schools.models import School
from enroll.zoning.models import Zone, ZoningPlan
from enroll.zoning.services import (
    STAGE_LABELS,
    all_published_plans,
    memo,
    plan_identity,
    plans_with_zones,
    published_plan,
)

DEFAULT_LIMIT = 10
MAX_LIMIT = 1_000
ZONES_PREFIX = "zones-"

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Collection:
    """A feature collection: its id, title, description, and WGS84 extent (None when empty)."""

    id: str
    title: str
    description: str
    bbox: BBox | None


@dataclass(frozen=True)
class Page:
    """One page of a collection's items: how many match in all, and the page's encoded features."""

    number_matched: int
    features: list[bytes]


# --- parameters ------------------------------------------------------------------------------------


def parse_bbox(value: str | None) -> BBox | None:
    """``minx,miny,maxx,maxy`` in WGS84 longitude/latitude.

    :raises BadRequest: for anything but four finite numbers within range with min <= max (a box
        crossing the antimeridian, min longitude > max longitude, is refused: not supported).
    """
    if value is None:
        return None
    try:
        numbers = tuple(float(v) for v in value.split(","))
    except ValueError:
        raise BadRequest(_l("bbox 必须是四个数字：最小经度,最小纬度,最大经度,最大纬度。")) from None
    if len(numbers) != 4:
        raise BadRequest(_l("bbox 必须是四个数字：最小经度,最小纬度,最大经度,最大纬度。"))
    if not all(math.isfinite(n) for n in numbers):
        raise BadRequest(_l("bbox 中不能有 NaN 或无穷大。"))
    minx, miny, maxx, maxy = numbers
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90):
        raise BadRequest(_l("bbox 超出范围：经度须在 -180 到 180 之间，纬度须在 -90 到 90 之间。"))
    if miny > maxy:
        raise BadRequest(_l("bbox 的最小纬度大于最大纬度。"))
    if minx > maxx:
        raise BadRequest(_l("bbox 的最小经度大于最大经度（跨越 180° 经线的范围不受支持）。"))
    return numbers


def _integer(value: str, name: str) -> int:
    if not (value.isascii() and value.strip().lstrip("-").isdigit()) or len(value) > 12:
        raise BadRequest(_l("%(name)s 必须是整数，而不是“%(value)s”。", name=name, value=value[:50]))
    return int(value)


def parse_limit(value: str | None) -> int:
    """The page size: ``DEFAULT_LIMIT`` when absent, capped at ``MAX_LIMIT``. :raises BadRequest:"""
    if value is None:
        return DEFAULT_LIMIT
    limit = _integer(value, "limit")
    if limit < 1:
        raise BadRequest(_l("limit 必须是正整数。"))
    return min(limit, MAX_LIMIT)


def parse_offset(value: str | None) -> int:
    """How many matching features to skip (0 when absent). :raises BadRequest:"""
    if value is None:
        return 0
    offset = _integer(value, "offset")
    if offset < 0:
        raise BadRequest(_l("offset 不能是负数。"))
    return offset


# --- collections -----------------------------------------------------------------------------------


def _zones_id(plan: ZoningPlan) -> str:
    return f"{ZONES_PREFIX}{plan.district.code}-{plan.year}-{plan.stage}"


def _bounds(geoms: list) -> BBox | None:
    geoms = [g for g in geoms if g is not None]
    return tuple(float(v) for v in shapely.total_bounds(geoms)) if geoms else None


def _zones_collection(plan: ZoningPlan) -> Collection:
    bbox = memo(("ogc-bounds", plan_identity(plan)), lambda: _bounds(
        list(db.session.scalars(select(Zone.geometry).where(Zone.plan_id == plan.id)))))
    title = _l("%(district)s %(year)s 年%(stage)s划片", district=plan.district.name, year=plan.year,
               stage=STAGE_LABELS.get(plan.stage, plan.stage))
    description = _l("已发布的划片方案第 %(version)s 版的片区（施教区）。", version=plan.version)
    return Collection(_zones_id(plan), str(title), str(description), bbox)


def _schools_collection() -> Collection:
    return Collection("schools", str(_l("学校")), str(_l("有位置的学校（点）。")),
                      _bounds(list(db.session.scalars(select(School.point).where(School.point.is_not(None))))))


def _districts_collection() -> Collection:
    boundaries = list(db.session.scalars(select(District.boundary).where(District.boundary.is_not(None))))
    return Collection("districts", str(_l("区县")), str(_l("区县教育局的行政边界。")), _bounds(boundaries))


def collections() -> list[Collection]:
    """Every collection: the published plans with zones (newest year first), schools, districts."""
    plans = all_published_plans()
    with_zones = plans_with_zones([p.id for p in plans])
    zones = sorted((p for p in plans if p.id in with_zones), key=lambda p: (-p.year, p.district.code, p.stage))
    return [*(_zones_collection(p) for p in zones), _schools_collection(), _districts_collection()]


def _zones_plan(collection_id: str) -> ZoningPlan | None:
    """The published plan a ``zones-<code>-<year>-<stage>`` id names, if any."""
    parts = collection_id[len(ZONES_PREFIX):].split("-")
    if not collection_id.startswith(ZONES_PREFIX) or len(parts) != 3 or not parts[1].isdigit() or len(parts[1]) != 4:
        return None
    district = db.session.scalar(select(District).where(District.code == parts[0]))
    plan = published_plan(district.id, int(parts[1]), parts[2]) if district is not None else None
    return plan if plan is not None and plans_with_zones([plan.id]) else None


def _unknown_collection(collection_id: str) -> NotFound:
    return NotFound(_l("没有名为“%(id)s”的要素集合。", id=collection_id[:100]))


def collection(collection_id: str) -> Collection:
    """One collection. :raises NotFound: for an unknown id or a plan that is not published."""
    if collection_id == "schools":
        return _schools_collection()
    if collection_id == "districts":
        return _districts_collection()
    plan = _zones_plan(collection_id)
    if plan is None:
        raise _unknown_collection(collection_id)
    return _zones_collection(plan)


# --- items -----------------------------------------------------------------------------------------

Row = tuple[object, object, dict]  # (feature id, shapely geometry, properties)


@dataclass(frozen=True)
class _Source:
    """Where a collection's features are: the id and geometry columns, the rows that belong to it (in
    their order), and how to load the rows of some ids."""

    key: object
    geometry: object
    where: tuple
    order: tuple
    load: Callable[[list], list[Row]]
    int_ids: bool = True


def _zone_rows(plan: ZoningPlan) -> Callable[[list], list[Row]]:
    common = {"district": plan.district.code, "year": plan.year, "stage": plan.stage, "version": plan.version}

    def load(ids: list) -> list[Row]:
        zones = {z.id: z for z in db.session.scalars(
            select(Zone).where(Zone.id.in_(ids)).options(selectinload(Zone.schools)))}
        return [(z.id, z.geometry, {
            "zone": z.id, "feature": z.feature_index, "kind": z.kind, "label": z.label,
            "school_ids": [s.id for s in z.schools], "school_names": [s.name for s in z.schools], **common,
        }) for z in (zones[i] for i in ids)]
    return load


def _school_rows(ids: list) -> list[Row]:
    schools = {s.id: s for s in db.session.scalars(select(School).where(School.id.in_(ids)).options(
        selectinload(School.district)))}
    return [(s.id, s.point, {"name": s.name, "stage": s.stage, "kind": s.kind, "address": s.address,
                             "district": s.district.code}) for s in (schools[i] for i in ids)]


def _district_rows(codes: list) -> list[Row]:
    districts = {d.code: d for d in db.session.scalars(select(District).where(District.code.in_(codes)))}
    return [(d.code, d.boundary, {"code": d.code, "name": d.name}) for d in (districts[c] for c in codes)]


def _source(collection_id: str) -> _Source:
    """:raises NotFound: for an unknown collection."""
    if collection_id == "schools":
        return _Source(School.id, School.point, (School.point.is_not(None),), (School.id,), _school_rows)
    if collection_id == "districts":
        return _Source(District.code, District.boundary, (District.boundary.is_not(None),), (District.code,),
                       _district_rows, int_ids=False)
    plan = _zones_plan(collection_id)
    if plan is None:
        raise _unknown_collection(collection_id)
    return _Source(Zone.id, Zone.geometry, (Zone.plan_id == plan.id,), (Zone.feature_index, Zone.id), _zone_rows(plan))


def _matching_ids(source: _Source, bbox: BBox | None) -> list:
    """The ids of the collection's features intersecting ``bbox`` (all without one), in order.

    PostGIS filters in the database (``&&`` on the GiST index, then ``ST_Intersects``); elsewhere the
    geometries are read and tested with shapely, vectorised.
    """
    query = select(source.key).where(*source.where).order_by(*source.order)
    if bbox is None:
        return list(db.session.scalars(query))
    if db.engine.dialect.name == "postgresql":
        envelope = func.ST_MakeEnvelope(*bbox, 4326)
        return list(db.session.scalars(query.where(source.geometry.op("&&")(envelope),
                                                   func.ST_Intersects(source.geometry, envelope))))
    rows = db.session.execute(select(source.key, source.geometry).where(*source.where).order_by(*source.order)).all()
    hits = shapely.intersects([r[1] for r in rows], shapely.box(*bbox)) if rows else []
    return [r[0] for r, hit in zip(rows, hits) if hit]


def encode_features(rows: list[Row]) -> list[bytes]:
    """Each row as a GeoJSON Feature (UTF-8 bytes): the geometry written by GEOS, the rest by orjson."""
    geometries = shapely.to_geojson([geometry for _, geometry, _ in rows]) if rows else []
    return [b'{"type":"Feature","id":%b,"geometry":%b,"properties":%b}'
            % (orjson.dumps(key), geometry.encode(), orjson.dumps(properties))
            for (key, _, properties), geometry in zip(rows, geometries)]


def items(collection_id: str, bbox: BBox | None, limit: int, offset: int) -> Page:
    """A page of a collection's features: ``limit`` of those intersecting ``bbox`` after ``offset``.

    :raises NotFound: for an unknown collection.
    """
    source = _source(collection_id)
    ids = _matching_ids(source, bbox)
    return Page(len(ids), encode_features(source.load(ids[offset:offset + limit])))


def item(collection_id: str, feature_id: str) -> bytes:
    """One feature, encoded. :raises NotFound: for an unknown collection or feature."""
    source = _source(collection_id)
    key: object = feature_id
    if source.int_ids:
        key = int(feature_id) if feature_id.isascii() and feature_id.isdigit() and len(feature_id) < 12 else None
    found = key is not None and db.session.scalar(
        select(source.key).where(*source.where, source.key == key)) is not None
    if not found:
        raise NotFound(_l("集合“%(collection)s”中没有编号为“%(id)s”的要素。", collection=collection_id[:100],
                          id=feature_id[:100]))
    return encode_features(source.load([key]))[0]
