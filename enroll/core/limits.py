"""Attempt counters for rate limits, shared by every limit kept in the database.

A limit's table has the columns ``bucket`` (primary key), ``window_start`` and ``count``. Each
attempt is counted with one atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING``, so parallel
requests (other workers, other app servers) cannot slip past a limit, on SQLite or PostgreSQL.
"""
from __future__ import annotations

import functools
import ipaddress
from datetime import datetime, timedelta

from sqlalchemy import Table, case, false, literal, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from enroll.core.db import UTCDateTime
from enroll.extensions import db


@functools.lru_cache(maxsize=4096)  # asked on every limited request; parsing an address is not free
def address_key(ip: str) -> str:
    """The client an attempt is counted against: IPv4 as it is, IPv6 by its /64 network (one
    subscriber gets a whole /64, so counting single IPv6 addresses would count nothing)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip[:64]
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def hit(table: Table, bucket: str, now: datetime, window: timedelta | None) -> int:
    """Count one attempt in ``bucket`` of ``table`` and return the count, atomically. A window older
    than ``window`` starts again at 1; ``window`` None never resets. Does not commit."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    moment = literal(now, UTCDateTime())
    expired = table.c.window_start <= literal(now - window, UTCDateTime()) if window is not None else false()
    statement = insert(table).values(bucket=bucket, window_start=now, count=1).on_conflict_do_update(
        index_elements=[table.c.bucket],
        set_={"count": case((expired, 1), else_=table.c.count + 1),
              "window_start": case((expired, moment), else_=table.c.window_start)},
    ).returning(table.c.count)
    return db.session.execute(statement).scalar_one()


def take_back(table: Table, bucket: str) -> None:
    """Uncount one attempt of ``bucket`` (an attempt that turned out not to count). Does not commit."""
    db.session.execute(update(table).where(table.c.bucket == bucket, table.c.count > 0)
                       .values(count=table.c.count - 1))
