"""Schools: import from CSV or GeoJSON, created and edited one at a time, look-up."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from shapely.geometry import Point, shape
from sqlalchemy import select

from enroll.core import fields
from enroll.core.context import Context
from enroll.core.errors import Invalid, NotFound
from enroll.core.i18n import _l, _n
from enroll.core.security import authorize
from enroll.core.text import read_csv
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.review.services import record
from enroll.schools.models import KINDS, STAGES, School

# the columns of a school file (and the fields of the school form), as people name them
COLUMNS = {"name": _l("学校名称"), "stage": _l("学段"), "kind": _l("办学性质"), "address": _l("地址"),
           "phone": _l("电话"), "website": _l("网站"), "lon": _l("经度"), "lat": _l("纬度"),
           "name_en": _l("英文名称"), "address_en": _l("英文地址")}
# other headings for them found in bureaus' spreadsheets
ALIASES = {"学校": "name", "学校名称": "name", "名称": "name", "学段": "stage", "办学性质": "kind", "性质": "kind",
           "地址": "address", "学校地址": "address", "电话": "phone", "联系电话": "phone", "网站": "website",
           "网址": "website", "经度": "lon", "纬度": "lat", "lng": "lon", "longitude": "lon", "latitude": "lat",
           "英文名称": "name_en", "英文名": "name_en", "英文地址": "address_en"}
# the Chinese heading of each column that a file may use (shown as it must be written, whatever the page's language)
HEADINGS = {key: next(alias for alias, k in ALIASES.items() if k == key and not alias.isascii()) for key in COLUMNS}
REQUIRED = ("name", "stage")
STAGE_WORDS = {"小学": "primary", "初中": "junior", "九年一贯制": "nine_year"}
KIND_WORDS = {"公办": "public", "民办": "private"}
ENGLISH = {"name_en": "name", "address_en": "address"}  # column -> key of translations["en"]


@dataclass
class SchoolImport:
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)  # [(line, column as the file names it, lazy message)]


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


def _canonical(heading) -> str:
    key = str(heading or "").strip().lstrip("\ufeff")
    return ALIASES.get(key, key.lower())


def _csv_rows(raw: bytes, filename: str) -> tuple[list[str], list[tuple[int, dict]]]:
    """The headings and the (line, row) pairs of a CSV (UTF-8, GBK/GB18030 or UTF-16 with a BOM)."""
    table = read_csv(raw, filename)
    keys = [_canonical(h) for h in table.header]
    return table.header, [(line, {k: v for k, v in zip(keys, row) if k}) for line, row in table.numbered()]


def _geojson_rows(raw: bytes, filename: str) -> tuple[list[str], list[tuple[int, dict]]]:
    """The property names and the (feature number, properties with lon/lat of a point) pairs."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Invalid(_l("文件 %(file)s 不是有效的 GeoJSON：%(detail)s", file=filename, detail=str(exc)[:200])) from None
    rows, headings = [], {}
    for number, feature in enumerate(data.get("features", []) if isinstance(data, dict) else [], start=1):
        props = {_canonical(k): v for k, v in dict(feature.get("properties") or {}).items()}
        headings.update(dict.fromkeys(feature.get("properties") or {}))
        geom = feature.get("geometry")
        if geom and geom.get("type") == "Point":
            point = shape(geom)
            props["lon"], props["lat"] = point.x, point.y
        rows.append((number, props))
    return list(headings), rows


def _choice(row: dict, key: str, words: dict, allowed: tuple, default: str | None) -> str:
    value = str(row.get(key) or "").strip()
    value = words.get(value, value.lower()) or default
    if value not in allowed:
        shown = "、".join(f"{word}（{code}）" for word, code in words.items())
        raise Invalid(_l("“%(field)s”应为 %(allowed)s 之一，而不是“%(value)s”。", field=COLUMNS[key], allowed=shown,
                         value=row.get(key) or ""), field=key)
    return value


def _point(row: dict) -> Point | None:
    """The school's location from lon/lat (decimal degrees, EPSG:4326); None when both are empty."""
    if str(row.get("lon") or "").strip() == "" and str(row.get("lat") or "").strip() == "":
        return None
    coords = {}
    for key, limit in (("lon", 180), ("lat", 90)):
        try:
            coords[key] = float(str(row.get(key) or "").strip())
        except ValueError:
            raise Invalid(_l("“%(field)s”应为数字（十进制度，如 120.1551）。", field=COLUMNS[key]), field=key) from None
        if not -limit <= coords[key] <= limit:
            raise Invalid(_l("“%(field)s”应在 -%(limit)d 到 %(limit)d 之间。", field=COLUMNS[key], limit=limit),
                          field=key)
    return Point(coords["lon"], coords["lat"])


def school_values(row: dict) -> dict:
    """A school's values from a file's row or the form (keys as in ``COLUMNS``), checked. Optional
    columns the row does not have are left out (an import keeps what the school had).

    :raises Invalid: naming the field (``detail["field"]``).
    """
    values = {"name": fields.text(row, "name", COLUMNS["name"], required=True, limit=100),
              "stage": _choice(row, "stage", STAGE_WORDS, STAGES, None)}
    if "kind" in row:
        values["kind"] = _choice(row, "kind", KIND_WORDS, KINDS, "public")
    if "address" in row:
        values["address"] = fields.text(row, "address", COLUMNS["address"], limit=200)
    if "phone" in row:
        values["phone"] = fields.phone(row, "phone", COLUMNS["phone"], limit=50)
    if "website" in row:
        values["website"] = fields.web_address(row, "website", COLUMNS["website"])
    if "lon" in row or "lat" in row:
        values["point"] = _point(row)
    english = {key: fields.text(row, column, COLUMNS[column], limit=200)
               for column, key in ENGLISH.items() if column in row}
    if english:
        values["english"] = english
    return values


def _apply(school: School, values: dict) -> dict:
    """Set the values on the school. :returns: {field: {before, after}} of what changed (for the audit)."""
    changes = {}
    values = dict(values)
    english = values.pop("english", None)
    if english is not None:
        given = {**((school.translations or {}).get("en") or {}), **english}
        given = {k: v for k, v in given.items() if v}
        values["translations"] = {**(school.translations or {}), "en": given} if given else {
            k: v for k, v in (school.translations or {}).items() if k != "en"}
    for key, value in values.items():
        before = getattr(school, key)
        if key == "point":
            before, shown = (None if g is None else [g.x, g.y] for g in (before, value))
        else:
            shown = value
        if before != shown:
            changes[key] = {"before": before, "after": shown}
            setattr(school, key, value)
    return changes


def _checked_rows(raw: bytes, filename: str) -> list[dict]:
    """Every row of a school file, checked (CSV; GeoJSON points by the suffix of ``filename``).

    :raises Invalid: the file cannot be read; or ``errors`` lists (line, column as the file names
        it, message) for every bad row, and a name given twice.
    """
    geojson = Path(filename).suffix.lower() in (".geojson", ".json")
    headings, rows = (_geojson_rows if geojson else _csv_rows)(raw, filename)
    named = {_canonical(h): str(h).strip() for h in headings}  # our key -> the heading as written
    missing = [key for key in REQUIRED if key not in named]
    if missing:
        columns = "、".join(f"“{COLUMNS[key]}”（{key}）" for key in missing)
        raise Invalid(_l("文件 %(file)s 的第一行（表头）缺少 %(columns)s 列，未导入任何学校。文件中的列：%(found)s。",
                         file=filename, columns=columns, found="、".join(map(str, headings)) or "—"),
                      errors=[(1, "", _l("缺少 %(columns)s 列。", columns=columns))])
    parsed, errors, first_line = [], [], {}
    for line, row in rows:
        try:
            values = school_values(row)
        except Invalid as exc:
            key = exc.detail.get("field", "")
            errors.append((line, named.get(key, key), exc.message))
            continue
        if values["name"] in first_line:
            errors.append((line, named["name"], _l("与第 %(line)d 行的学校同名：一个区里学校名称不能重复。",
                                                   line=first_line[values["name"]])))
            continue
        first_line[values["name"]] = line
        parsed.append(values)
    if errors or not parsed:
        errors = errors or [(1, "", _l("文件中没有学校。"))]
        raise Invalid(_n("文件 %(file)s 有 %(num)d 处错误，未导入任何学校。", len(errors), file=filename),
                      errors=errors)
    return parsed


def import_schools(actor, district_code: str, path, *, context: Context = Context()) -> SchoolImport:
    """Create or update (by name) the schools of a district from a file: see :func:`import_school_file`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise Invalid(_l("文件 %(file)s 无法读取：%(detail)s", file=path.name, detail=exc.strerror or "")) from None
    return import_school_file(actor, district_code, raw, path.name, context=context)


def import_school_file(actor, district_code: str, raw: bytes, filename: str, *,
                       context: Context = Context()) -> SchoolImport:
    """Create or update (by name) the schools of a district from a CSV (UTF-8, GBK/GB18030 or UTF-16;
    columns in ``COLUMNS``, by their key or a heading in ``ALIASES``) or GeoJSON points. A column
    the file does not have leaves that field of an existing school as it was.

    Nothing is written when any row has an error. Audited; commits.

    :raises Invalid: with ``errors`` listing (line, column, message) for every bad row.
    """
    district = get_district(district_code)
    authorize(actor, "schools.import", district.id)
    parsed = _checked_rows(raw, filename)
    result = SchoolImport()
    existing = {s.name: s for s in schools_of(district.id)}
    for values in parsed:
        school = existing.get(values["name"])
        if school is None:
            school = existing[values["name"]] = School(district_id=district.id)
            db.session.add(school)
            result.created += 1
        else:
            result.updated += 1
        _apply(school, values)
    db.session.flush()
    record(actor, "schools.import", "district", district.id, context=context,
           detail={"file": filename, "created": result.created, "updated": result.updated})
    db.session.commit()
    return result


def _check_name_free(district_id: int, name: str, school_id: int | None) -> None:
    other = db.session.scalar(select(School.id).where(School.district_id == district_id, School.name == name))
    if other is not None and other != school_id:
        raise Invalid(_l("本区已有名为“%(name)s”的学校。", name=name), field="name")


def create_school(actor, district_code: str, data: dict, *, context: Context = Context()) -> School:
    """Add one school to a district (the form's fields: ``COLUMNS``). Audited; commits.

    :raises Invalid: naming the field; nothing is written.
    """
    district = get_district(district_code)
    authorize(actor, "schools.import", district.id)
    values = school_values(data)
    _check_name_free(district.id, values["name"], None)
    school = School(district_id=district.id)
    db.session.add(school)
    changes = _apply(school, values)
    db.session.flush()
    record(actor, "school.create", "school", school.id, context=context,
           detail={"district": district.code, **{key: change["after"] for key, change in changes.items()}})
    db.session.commit()
    return school


def update_school(actor, school_id: int, data: dict, *, context: Context = Context()) -> School:
    """Change a school's name, stage, kind, address, phone, website, location and English name and
    address. Audited (each changed field before and after); commits.

    :raises Invalid: naming the field; nothing is changed.
    """
    school = get_school(school_id)
    authorize(actor, "schools.import", school.district_id)
    values = school_values(data)
    _check_name_free(school.district_id, values["name"], school.id)
    changes = _apply(school, values)
    if changes:
        record(actor, "school.update", "school", school.id, context=context, detail={"changes": changes})
        db.session.commit()
    return school
