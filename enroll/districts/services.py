"""Districts: creation, editing (name, English name, phone, address, boundary) and look-up."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import shapely
from sqlalchemy import select

from enroll.core import fields
from enroll.core.context import Context
from enroll.core.errors import Invalid, NotFound
from enroll.core.i18n import _l
from enroll.core.security import authorize
from enroll.districts.models import District
from enroll.extensions import db
from enroll.review.services import record

CODE_RE = re.compile(r"^\d{6}$")


def get_district(code: str) -> District:
    """:raises NotFound: for an unknown code."""
    district = db.session.scalar(select(District).where(District.code == code))
    if district is None:
        raise NotFound(_l("区县代码“%(code)s”不存在。", code=code))
    return district


def list_districts() -> list[District]:
    return list(db.session.scalars(select(District).order_by(District.code)))


def district_summaries() -> list[tuple[int, str, str, str, int | None]]:
    """(id, code, name, phone, current year set by the bureau) of every district, without boundaries."""
    return [tuple(row) for row in db.session.execute(
        select(District.id, District.code, District.name, District.phone, District.current_year)
        .order_by(District.code))]


FIELDS = {"code": _l("区县代码"), "name": _l("区县名称"), "phone": _l("电话"), "address": _l("地址"),
          "name_en": _l("英文名称")}
BOUNDARY_FORMATS = _l("区界文件可以是 Shapefile 压缩包（.zip，含 .shp、.shx、.dbf 和 .prj）、GeoJSON、KML 或 GeoPackage。")


def read_boundary(path, *, filename: str | None = None, crs: str | None = None, gcj02: bool = False):
    """The union of every polygon in a boundary file, in EPSG:4326.

    :param filename: the name the user gave the file (messages name it), else the path's.
    :param crs: the file's coordinate system when it names none (e.g. "EPSG:4549").
    :param gcj02: the file was traced on a commercial map (GCJ-02), converted to WGS84.
    :raises Invalid: ``detail["field"] == "boundary"``, the message naming the file and the problem
        in plain words, ``detail["code"]`` the reader's finding code.
    """
    from enroll.geo.io import ReadError, read_zoning_file  # geo.io and pyproj only when a file is read
    from enroll.zoning.messages import describe  # the findings' words, as the zoning upload says them

    name = filename or Path(path).name
    try:
        result = read_zoning_file(path, filename=name, crs=crs, gcj02=gcj02)
    except ReadError as exc:
        first = exc.findings[0]
        hint = BOUNDARY_FORMATS if first.code in ("unreadable", "unsafe_archive") else ""
        raise Invalid(_l("区界文件未能使用，未保存任何修改。%(problem)s %(hint)s",
                         problem=describe(first.to_dict()), hint=hint), field="boundary", code=first.code) from None
    geoms = [f.geometry for f in result.features if f.geometry is not None]
    boundary = shapely.make_valid(shapely.union_all(geoms)) if geoms else None
    if boundary is None or boundary.is_empty or boundary.area == 0:
        raise Invalid(_l("区界文件 %(file)s 中没有面（多边形）要素，未保存任何修改。区界须是面，而不是点或线。", file=name),
                      field="boundary", code="no_polygon")
    return boundary


def boundary_area_km2(district: District) -> float | None:
    """The area of the district's boundary in square kilometres (None: no boundary)."""
    if district.boundary is None:
        return None
    from enroll.geo.coverage import MetricFrame

    return MetricFrame([district.boundary]).area(district.boundary) / 1e6


def _values(data: dict) -> dict:
    """The district's editable values from ``data``, checked. :raises Invalid: naming the field."""
    name_en = fields.text(data, "name_en", FIELDS["name_en"], limit=100)
    return {"name": fields.text(data, "name", FIELDS["name"], required=True, limit=100),
            "phone": fields.phone(data, "phone", FIELDS["phone"], limit=50),
            "address": fields.text(data, "address", FIELDS["address"], limit=200),
            "translations": {"en": {"name": name_en}} if name_en else {}}


def _check_code(code: str) -> None:
    if not CODE_RE.match(code or ""):
        raise Invalid(_l("区县代码必须是 6 位数字（行政区划代码），而不是“%(code)s”。", code=code), field="code")
    if db.session.scalar(select(District.id).where(District.code == code)) is not None:
        raise Invalid(_l("区县代码“%(code)s”已存在。", code=code), field="code")


def _boundary_digest(boundary) -> str | None:
    return None if boundary is None else hashlib.sha256(shapely.to_wkb(boundary)).hexdigest()


def create_district(actor, code: str, name: str, *, boundary_path=None, filename: str | None = None,
                    crs: str | None = None, gcj02: bool = False, phone: str = "", address: str = "",
                    name_en: str = "", context: Context = Context()) -> District:
    """Create a district (区县) with an optional boundary file. Audited; commits.

    :raises Invalid: malformed or duplicate code, empty name, bad phone, unreadable boundary, each
        naming its field (``detail["field"]``); nothing is written.
    """
    authorize(actor, "districts.create")
    _check_code(code)
    values = _values({"name": name, "phone": phone, "address": address, "name_en": name_en})
    boundary = read_boundary(boundary_path, filename=filename, crs=crs, gcj02=gcj02) if boundary_path else None
    district = District(code=code, boundary=boundary, **values)
    db.session.add(district)
    db.session.flush()
    record(actor, "district.create", "district", district.id, context=context,
           detail={"code": code, **values, "boundary": _boundary_digest(boundary), "file": filename})
    db.session.commit()
    return district


def update_district(actor, code: str, data: dict, *, boundary_path=None, filename: str | None = None,
                    crs: str | None = None, gcj02: bool = False, context: Context = Context()) -> District:
    """Change a district's name, English name, phone and address, and replace its boundary when a
    file is given. The code stays: it is in every published link. Audited (each changed field before
    and after; the boundary's SHA-256 before and after); commits.

    :param data: name, name_en, phone, address.
    :raises Invalid: naming the field; nothing is changed.
    """
    district = get_district(code)
    authorize(actor, "districts.create")
    values = _values(data)
    if boundary_path:
        values["boundary"] = read_boundary(boundary_path, filename=filename, crs=crs, gcj02=gcj02)
    shown = {"boundary": _boundary_digest}  # audited as its hash, not its coordinates
    changes = {}
    for key, value in values.items():
        before, after = (shown.get(key, lambda v: v)(v) for v in (getattr(district, key), value))
        if before != after:
            changes[key] = {"before": before, "after": after}
            setattr(district, key, value)
    if changes:
        record(actor, "district.update", "district", district.id, context=context,
               detail={"code": code, "changes": changes, "file": filename if boundary_path else None})
        db.session.commit()
    return district
