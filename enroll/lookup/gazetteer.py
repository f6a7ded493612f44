"""The gazetteer (门牌地址库): importing it, re-parsing it, and finding an address's point in it.

Every address is parsed with the same function as a parent's query, so both meet on one key.
"""
from __future__ import annotations

import csv
import io
from functools import lru_cache
from pathlib import Path

import shapely
from sqlalchemy import delete, func, insert, select, update

from enroll.core.context import Context
from enroll.core.db import point_xy
from enroll.core.errors import Invalid
from enroll.core.i18n import _l, _n
from enroll.core.security import authorize
from enroll.core.text import decode_upload
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.geo.address import parse_address
from enroll.lookup.models import Address
from enroll.review.services import record


def district_prefixes(district) -> tuple[str, ...]:
    return (district.name,)


def _read_rows(path: Path) -> list[tuple[int, dict]]:
    return list(enumerate(csv.DictReader(io.StringIO(decode_upload(path.read_bytes()))), start=2))


def _address_row(line: int, row: dict, district, boundary, errors: list) -> dict | None:
    text = (row.get("address") or "").strip()
    if not text:
        errors.append((line, "address", _l("地址为空。")))
        return None
    try:
        lon, lat = float(row.get("lon") or ""), float(row.get("lat") or "")
    except ValueError:
        errors.append((line, "lon/lat", _l("经纬度不是数字。")))
        return None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        errors.append((line, "lon/lat", _l("经纬度超出有效范围。")))
        return None
    if boundary is not None and not shapely.contains_xy(boundary, lon, lat):
        errors.append((line, "lon/lat", _l("该点不在本区范围内。")))
        return None
    return {"district_id": district.id, "address": text[:200], **_parsed(text, district),
            "point": shapely.Point(lon, lat)}


def _parsed(text: str, district) -> dict:
    """The gazetteer columns an address is found by, as the lookup parses a query."""
    parts = parse_address(text, district_prefixes(district))
    number = parts.lane if parts.lane is not None else parts.number
    return {"normalized": parts.normalized[:200], "road": parts.road, "number": number,
            "lane_number": parts.lane_number, "estate": parts.estate, "building": parts.building,
            "village": parts.village, "group_no": parts.group}


def renormalize_addresses(actor, district_code: str, *, context: Context = Context()) -> int:
    """Parse every gazetteer address of a district again, after an upgrade changed how addresses are
    normalized (the points stay). Audited; commits. :returns: how many rows changed."""
    district = get_district(district_code)
    authorize(actor, "zoning.edit", district.id)
    changed = []
    for row in db.session.execute(select(Address.id, Address.address, Address.normalized, Address.road,
                                         Address.number, Address.lane_number, Address.estate, Address.building,
                                         Address.village, Address.group_no)
                                  .where(Address.district_id == district.id)).mappings():
        columns = _parsed(row["address"], district)
        if any(row[k] != v for k, v in columns.items()):
            changed.append({"id": row["id"], **columns})
    if changed:
        db.session.execute(update(Address), changed)
    record(actor, "addresses.renormalize", "district", district.id, context=context,
           detail={"changed": len(changed)})
    db.session.commit()
    return len(changed)


def import_addresses(actor, district_code: str, path, *, context: Context = Context()) -> int:
    """Replace a district's gazetteer with a CSV (address, lon, lat; road, number, estate optional).

    Every address is normalized with the same function as queries. Nothing changes when any line
    has an error.

    :returns: the number of addresses imported.
    :raises Invalid: with ``errors`` (line, field, message) for every bad line.
    """
    district = get_district(district_code)
    authorize(actor, "zoning.edit", district.id)
    path = Path(path)
    errors: list = []
    boundary = district.boundary
    if boundary is not None:
        shapely.prepare(boundary)
    rows = [r for line, row in _read_rows(path) if (r := _address_row(line, row, district, boundary, errors))]
    if errors or not rows:
        raise Invalid(_n("文件 %(file)s 有 %(num)d 处错误，未导入任何地址。", max(len(errors), 1), file=path.name),
                      errors=errors or [(1, "", _l("文件中没有地址。"))])
    db.session.execute(delete(Address).where(Address.district_id == district.id))
    db.session.execute(insert(Address), rows)
    record(actor, "addresses.import", "district", district.id, context=context,
           detail={"file": path.name, "addresses": len(rows)})
    db.session.commit()
    return len(rows)


def read_scalar(sql: str, *params):
    """One value of a plain read on a pooled DBAPI connection, outside the ORM session.

    The lookup hot path uses it for its one or two small reads: no SQL compilation, no session
    to open and tear down per request.
    """
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        marker = "?" if db.engine.dialect.paramstyle == "qmark" else "%s"
        cursor.execute(sql.replace("?", marker), params)
        row = cursor.fetchone()
        cursor.close()
        return row[0] if row is not None else None
    finally:
        connection.close()


def _exact_point(district_id: int, normalized: str) -> tuple[float, float] | None:
    wkb = read_scalar("SELECT point FROM addresses WHERE district_id = ? AND normalized = ? LIMIT 1",
                       district_id, normalized)
    return point_xy(wkb) if wkb is not None else None


def find_point(district, parts) -> tuple[float, float] | None:
    """The gazetteer point of a parsed address: the same normalized text, else the same door."""
    exact = _exact_point(district.id, parts.normalized)
    if exact is not None:
        return exact
    base = select(Address.point).where(Address.district_id == district.id)
    number = parts.lane if parts.lane is not None else parts.number
    if parts.road and number is not None:
        query = base.where(Address.road == parts.road, Address.number == number)
    elif parts.estate:
        query = base.where(Address.estate == parts.estate,
                           Address.building == parts.building if parts.building else True)
    elif parts.village:
        query = base.where(Address.village == parts.village,
                           Address.group_no == parts.group if parts.group else True)
    else:
        return None
    point = db.session.scalar(query.order_by(Address.id).limit(1))
    return (point.x, point.y) if point is not None else None


def nearest_numbers(district, road: str, number: int | None, limit: int = 4) -> list[int]:
    """Known door numbers on a road closest to ``number`` (for "address not found")."""
    query = select(Address.number).where(Address.district_id == district.id, Address.road == road,
                                         Address.number.is_not(None)).group_by(Address.number)
    if number is not None:
        query = query.order_by(func.abs(Address.number - number))
    return sorted(db.session.scalars(query.limit(limit)))


@lru_cache(maxsize=2048)
def points_on(district_id: int, road: str, version: int | None) -> tuple[tuple[float, float], ...]:
    """The gazetteer points on a road (normalized name), for clauses decided by position; ``version``
    (the lookup catalogue's, which every import changes) makes a new gazetteer read anew."""
    rows = db.session.scalars(select(Address.point).where(Address.district_id == district_id, Address.road == road))
    return tuple((p.x, p.y) for p in rows)
