"""The gazetteer (门牌地址库): importing it, re-parsing it, and finding an address's point in it.

Every address is parsed with the same function as a parent's query, so both meet on one key.
"""
from __future__ import annotations

import csv
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from itertools import islice
from pathlib import Path

import numpy as np
import shapely
from sqlalchemy import delete, event, select, union_all, update
from sqlalchemy.pool import StaticPool

from enroll.core.context import Context
from enroll.core.db import Geometry, point_xy
from enroll.core.errors import Invalid
from enroll.core.i18n import _l, _n
from enroll.core.security import authorize
from enroll.core.text import open_upload
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.geo.address import parse_address
from enroll.lookup.models import Address
from enroll.review.services import record

BATCH_ROWS = 5000      # rows validated, parsed and inserted together: memory stays a batch's, whatever the file
MAX_LISTED_ERRORS = 1000  # bad lines listed in the error (all are counted in its message)
_PARSED = ("normalized", "road", "number", "lane_number", "estate", "building", "village", "group_no")
_COLUMNS = ("district_id", "address", *_PARSED, "point")


def district_prefixes(district) -> tuple[str, ...]:
    return (district.name,)


def _parsed_values(text: str, prefixes: tuple[str, ...]) -> tuple:
    """The gazetteer columns an address is found by (``_PARSED``), as the lookup parses a query."""
    parts = parse_address(text, prefixes)
    return (parts.normalized[:200], parts.road, parts.lane if parts.lane is not None else parts.number,
            parts.lane_number, parts.estate, parts.building, parts.village, parts.group)


def _parsed(text: str, district) -> dict:
    return dict(zip(_PARSED, _parsed_values(text, district_prefixes(district))))


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


class _Errors:
    """Bad lines: all counted, the first ``MAX_LISTED_ERRORS`` kept (a file of bad lines stays small)."""

    def __init__(self):
        self.count, self.listed = 0, []

    def add(self, found: list) -> None:
        self.count += len(found)
        self.listed += sorted(found)[:MAX_LISTED_ERRORS - len(self.listed)]


def _csv_rows(text) -> Iterator[tuple[int, str, str, str]]:
    """(line, address, lon, lat) of each row after the header, read lazily; ``line`` is the file line the
    row starts on. Blank lines are skipped; a missing cell is empty."""
    reader = csv.reader(text)
    where = {name: i for i, name in enumerate(next(reader, []))}  # a repeated name: the last, as DictReader
    a, x, y = wanted = [where.get(name) for name in ("address", "lon", "lat")]
    width = max(wanted) + 1 if None not in wanted else None
    previous = reader.line_num
    for row in reader:
        if row:
            if width is not None and len(row) >= width:
                yield previous + 1, row[a], row[x], row[y]
            else:
                yield previous + 1, *(row[i] if i is not None and i < len(row) else "" for i in wanted)
        previous = reader.line_num


def _checked(batch: list, boundary, errors: _Errors) -> list[tuple[int, str, float, float]]:
    """The batch's good rows as (line, address, lon, lat); each bad line is one error, in line order."""
    good, found = [], []
    for line, text, lon, lat in batch:
        text = text.strip()
        if not text:
            found.append((line, "address", _l("地址为空。")))
            continue
        try:
            x, y = float(lon), float(lat)
        except ValueError:
            found.append((line, "lon/lat", _l("经纬度不是数字。")))
            continue
        if not (-180 <= x <= 180 and -90 <= y <= 90):
            found.append((line, "lon/lat", _l("经纬度超出有效范围。")))
            continue
        good.append((line, text, x, y))
    if boundary is not None and good:
        inside = shapely.contains_xy(boundary, *np.array([row[2:] for row in good]).T)
        if not inside.all():
            found += [(row[0], "lon/lat", _l("该点不在本区范围内。")) for row, ok in zip(good, inside) if not ok]
            good = [row for row, ok in zip(good, inside) if ok]
    if found:
        errors.add(found)
    return good


def _insert_rows(good: list, district_id: int, prefixes: tuple[str, ...], dialect) -> list[tuple]:
    """``_COLUMNS`` of the good rows, the points already as the database stores them (written for the
    whole batch at once, as ``core.db.Geometry`` writes one)."""
    points = Geometry().process_bind_param(shapely.points(np.array([row[2:] for row in good])), dialect)
    return [(district_id, text[:200], *_parsed_values(text, prefixes), point)
            for (_, text, _, _), point in zip(good, points.tolist())]


def import_addresses(actor, district_code: str, path, *, context: Context = Context()) -> int:
    """Replace a district's gazetteer with a CSV (address, lon, lat; road, number, estate optional).

    Every address is normalized with the same function as queries. Nothing changes when any line
    has an error. The file is read as a stream and written in batches of ``BATCH_ROWS`` inside one
    transaction, rolled back if any line is bad, so memory does not grow with the file.

    :returns: the number of addresses imported.
    :raises Invalid: with ``errors`` (line, field, message) for the first ``MAX_LISTED_ERRORS`` bad
        lines (the message counts all); a file that is not CSV text in UTF-8 or GBK.
    """
    district = get_district(district_code)
    authorize(actor, "zoning.edit", district.id)
    path = Path(path)
    errors = _Errors()
    try:
        connection = db.session.connection()
        with open_upload(path, path.name) as text, _page_cache(connection):
            count = _write_rows(connection, district, _csv_rows(text), errors)
        if errors.count or not count:
            raise Invalid(_n("文件 %(file)s 有 %(num)d 处错误，未导入任何地址。", max(errors.count, 1), file=path.name),
                          errors=errors.listed or [(1, "", _l("文件中没有地址。"))])
        record(actor, "addresses.import", "district", district.id, context=context,
               detail={"file": path.name, "addresses": count})
        db.session.commit()
    except csv.Error as exc:
        db.session.rollback()
        raise Invalid(_l("文件 %(file)s 不是有效的 CSV：%(detail)s", file=path.name, detail=str(exc)[:200])) from None
    except BaseException:
        db.session.rollback()
        raise
    return count


def _write_rows(connection, district, rows: Iterator, errors: _Errors) -> int:
    """Check, parse and insert the rows batch by batch, in place of the district's gazetteer; after a
    bad line only check the rest. :returns: how many rows were inserted."""
    boundary = district.boundary
    if boundary is not None:
        shapely.prepare(boundary)
    prefixes, sql, count = district_prefixes(district), _insert_sql(connection.dialect), 0
    while batch := list(islice(rows, BATCH_ROWS)):
        good = _checked(batch, boundary, errors)
        if errors.count or not good:
            continue
        if not count:  # the old gazetteer goes once the first batch is known to be good
            connection.execute(delete(Address.__table__).where(Address.__table__.c.district_id == district.id))
        connection.exec_driver_sql(sql, _insert_rows(good, district.id, prefixes, connection.dialect))
        count += len(good)
    return count


def _insert_sql(dialect) -> str:
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    return f"INSERT INTO addresses ({', '.join(_COLUMNS)}) VALUES ({', '.join([marker] * len(_COLUMNS))})"


@contextmanager
def _page_cache(connection, kib: int = 65536):
    """A bounded, larger SQLite page cache for the import's transaction (restored after it): replacing a
    million addresses touches the pages of five b-trees again and again, and with SQLite's default 2 MB
    most of that time went to reading them back from the operating system."""
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(previous)}")


class _Reader(threading.local):
    """Each thread's own DBAPI connection for the lookup's reads, kept open between requests.

    Checking a pooled connection out per read costs PostgreSQL three round trips (the pool's
    pre-ping, the read, the rollback on return): this one is taken from the pool once, detached
    and switched to autocommit, so a read is one round trip and leaves no transaction open. It is
    closed when its engine is disposed, and reopened once if a read finds it broken (a restarted
    server). A single-connection pool (SQLite in memory) is used as is, per read.
    """

    engine = None
    connection = None

    def connect(self, engine):
        self.close()
        fairy = engine.raw_connection()
        fairy.rollback()
        connection = fairy.detach() or fairy.dbapi_connection
        if engine.dialect.name == "postgresql":
            connection.autocommit = True
        self.engine, self.connection = engine, connection
        if not event.contains(engine, "engine_disposed", _forget_reader):
            event.listen(engine, "engine_disposed", _forget_reader)
        return connection

    def close(self):
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # noqa: BLE001 - closing a broken connection may fail too
                pass
        self.engine = self.connection = None


_reader = _Reader()


def _forget_reader(engine) -> None:
    if _reader.engine is engine:
        _reader.close()


def read_scalar(sql: str, *params):
    """One value of a plain read on this thread's reader connection (``_Reader``), outside the ORM
    session: no SQL compilation, no session to open and tear down, one round trip."""
    engine = db.engine
    sql = sql.replace("?", "?" if engine.dialect.paramstyle == "qmark" else "%s")
    if isinstance(engine.pool, StaticPool):
        connection = engine.raw_connection()
        try:
            return _fetch_one(connection, sql, params)
        finally:
            connection.close()
    for attempt in (1, 2):
        connection = _reader.connection if _reader.engine is engine else _reader.connect(engine)
        try:
            return _fetch_one(connection, sql, params)
        except engine.dialect.loaded_dbapi.OperationalError:
            _reader.close()
            if attempt == 2:
                raise


def _fetch_one(connection, sql: str, params: tuple):
    cursor = connection.cursor()
    try:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    finally:
        cursor.close()
    return row[0] if row is not None else None


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
    """Known door numbers on a road closest to ``number``, ascending (for "address not found"); of two
    as close, the lower; without a number, the lowest.

    Two walks of the (district, road, number) index in one statement, ``limit`` distinct numbers each:
    up from ``number`` and down from below it. The closest ``limit`` of all are among them.
    """
    known = select(Address.number).where(Address.district_id == district.id, Address.road == road,
                                         Address.number.is_not(None)).distinct()
    if number is None:
        return list(db.session.scalars(known.order_by(Address.number).limit(limit)))
    up = known.where(Address.number >= number).order_by(Address.number).limit(limit).subquery()
    down = known.where(Address.number < number).order_by(Address.number.desc()).limit(limit).subquery()
    near = db.session.scalars(union_all(select(up.c.number), select(down.c.number))).all()
    return sorted(sorted(near, key=lambda n: (abs(n - number), n))[:limit])


@lru_cache(maxsize=2048)
def points_on(district_id: int, road: str, version: int | None) -> tuple[tuple[float, float], ...]:
    """The gazetteer points on a road (normalized name), for clauses decided by position; ``version``
    (the lookup catalogue's, which every import changes) makes a new gazetteer read anew."""
    rows = db.session.scalars(select(Address.point).where(Address.district_id == district_id, Address.road == road))
    return tuple((p.x, p.y) for p in rows)
