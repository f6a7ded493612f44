"""Districts: creation and look-up."""
from __future__ import annotations

import re

import shapely
from sqlalchemy import select

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


def read_boundary(path, *, filename: str | None = None, crs: str | None = None):
    """The union of every polygon in a boundary file, in EPSG:4326.

    :raises Invalid: naming the file and the problem.
    """
    from enroll.geo.io import ReadError, read_zoning_file  # geo.io and pyproj only when a file is read

    try:
        result = read_zoning_file(path, filename=filename, crs=crs)
    except ReadError as exc:
        first = exc.findings[0]
        raise Invalid(_l("边界文件无法读取（%(code)s）：%(detail)s", code=first.code,
                         detail=first.params.get("detail") or first.params.get("reason", "")))
    geoms = [f.geometry for f in result.features if f.geometry is not None]
    boundary = shapely.make_valid(shapely.union_all(geoms)) if geoms else None
    if boundary is None or boundary.is_empty or boundary.area == 0:
        raise Invalid(_l("边界文件中没有面要素。"))
    return boundary


def create_district(actor, code: str, name: str, *, boundary_path=None, phone: str = "",
                    address: str = "", context: Context = Context()) -> District:
    """Create a district (区县) with an optional boundary file.

    :raises Invalid: malformed or duplicate code, empty name, unreadable boundary.
    """
    authorize(actor, "districts.create")
    if not CODE_RE.match(code or ""):
        raise Invalid(_l("区县代码必须是 6 位数字（行政区划代码），而不是“%(code)s”。", code=code))
    if not name.strip():
        raise Invalid(_l("区县名称不能为空。"))
    if db.session.scalar(select(District.id).where(District.code == code)) is not None:
        raise Invalid(_l("区县代码“%(code)s”已存在。", code=code))
    boundary = read_boundary(boundary_path) if boundary_path else None
    district = District(code=code, name=name.strip(), boundary=boundary, phone=phone, address=address)
    db.session.add(district)
    db.session.flush()
    record(actor, "district.create", "district", district.id, context=context,
           detail={"code": code, "name": name, "boundary": bool(boundary)})
    db.session.commit()
    return district
