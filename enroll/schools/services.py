"""Schools: import from CSV or GeoJSON, look-up."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from shapely.geometry import Point, shape
from sqlalchemy import select

from enroll.core.context import Context
from enroll.core.errors import Invalid, NotFound
from enroll.core.i18n import _l, _n
from enroll.core.security import authorize
from enroll.core.text import decode_upload
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.review.services import record
from enroll.schools.models import KINDS, STAGES, School

REQUIRED = ("name", "stage")


@dataclass
class SchoolImport:
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)  # [(line, field, lazy message)]


def get_school(school_id: int) -> School:
    school = db.session.get(School, school_id)
    if school is None:
        raise NotFound(_l("学校不存在。"))
    return school


def editable_school(actor, school_id: int) -> School:
    """The school, if ``actor`` may edit it (its profile, plans, results and lottery).

    :raises NotFound: no such school. :raises Forbidden: not the actor's school or district.
    """
    school = get_school(school_id)
    authorize(actor, "schools.edit", school.district_id, school.id)
    return school


def schools_of(district_id: int, stage: str | None = None) -> list[School]:
    """Schools of a district, of one stage (nine-year schools count for both) or all."""
    query = select(School).where(School.district_id == district_id).order_by(School.name)
    schools = list(db.session.scalars(query))
    return [s for s in schools if stage is None or s.serves(stage)]


def _rows(path: Path) -> list[tuple[int, dict]]:
    """(line or feature number, row) pairs from a CSV (UTF-8 or GBK) or GeoJSON file."""
    raw = path.read_bytes()
    if path.suffix.lower() in (".geojson", ".json"):
        data = json.loads(raw.decode("utf-8-sig"))
        rows = []
        for number, feature in enumerate(data.get("features", []), start=1):
            props = dict(feature.get("properties") or {})
            geom = feature.get("geometry")
            if geom and geom.get("type") == "Point":
                point = shape(geom)
                props["lon"], props["lat"] = point.x, point.y
            rows.append((number, props))
        return rows
    reader = csv.DictReader(io.StringIO(decode_upload(raw)))
    return [(number, row) for number, row in enumerate(reader, start=2)]


def _parse_row(line: int, row: dict, errors: list) -> dict | None:
    clean = {k.strip().lower(): (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k}
    for name in REQUIRED:
        if not clean.get(name):
            errors.append((line, name, _l("缺少必填字段。")))
            return None
    if clean["stage"] not in STAGES:
        errors.append((line, "stage", _l("学段必须是 %(allowed)s 之一。", allowed=", ".join(STAGES))))
        return None
    kind = clean.get("kind") or "public"
    if kind not in KINDS:
        errors.append((line, "kind", _l("办学性质必须是 %(allowed)s 之一。", allowed=", ".join(KINDS))))
        return None
    point = None
    if clean.get("lon") not in (None, "") or clean.get("lat") not in (None, ""):
        try:
            lon, lat = float(clean["lon"]), float(clean["lat"])
        except (TypeError, ValueError, KeyError):
            errors.append((line, "lon/lat", _l("经纬度不是数字。")))
            return None
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            errors.append((line, "lon/lat", _l("经纬度超出有效范围。")))
            return None
        point = Point(lon, lat)
    return {"name": clean["name"], "stage": clean["stage"], "kind": kind, "point": point,
            "address": clean.get("address") or "", "phone": clean.get("phone") or ""}


def import_schools(actor, district_code: str, path, *, context: Context = Context()) -> SchoolImport:
    """Create or update (by name) the schools of a district from a file.

    Nothing is written when any row has an error.

    :raises Invalid: with ``errors`` listing (line, field, message) for every bad row.
    """
    district = get_district(district_code)
    authorize(actor, "schools.import", district.id)
    path = Path(path)
    result = SchoolImport()
    try:
        rows = _rows(path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise Invalid(_l("文件 %(file)s 无法读取：%(detail)s", file=path.name, detail=str(exc)[:200]))
    parsed = [p for line, row in rows if (p := _parse_row(line, row, result.errors))]
    if result.errors or not parsed:
        if not result.errors:
            result.errors.append((1, "", _l("文件中没有学校。")))
        raise Invalid(_n("文件 %(file)s 有 %(num)d 处错误，未导入任何学校。", len(result.errors),
                         file=path.name), errors=result.errors)
    existing = {s.name: s for s in schools_of(district.id)}
    for values in parsed:
        school = existing.get(values["name"])
        if school is None:
            school = School(district_id=district.id, **values)
            db.session.add(school)
            existing[school.name] = school
            result.created += 1
        else:
            for key, value in values.items():
                setattr(school, key, value)
            result.updated += 1
    db.session.flush()
    record(actor, "schools.import", "district", district.id, context=context,
           detail={"file": path.name, "created": result.created, "updated": result.updated})
    db.session.commit()
    return result
