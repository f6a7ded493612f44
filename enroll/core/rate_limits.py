"""Per-client rate limits on the routes a crowd or an attacker hammers: sign-in, address lookup (page
and API), site search and a parent's own-result check.

They are counted with the ``limits`` library (Flask-Limiter's core: its storages and strategies, without
the extension's checks around every request) in fixed windows per client address (IPv6 by its /64; behind
``ENROLL_PROXY_COUNT`` proxies, the address ProxyFix took from ``X-Forwarded-For``). They are attached
here by endpoint name when the app is made (:data:`LIMITED`), so no view module carries them; each
limit is a config value (``RATE_LIMIT_*``, from ``ENROLL_RATELIMIT_*``). Endpoints naming the same
value share one count: a sign-in and its TOTP code, the lookup page and the lookup API.

The counts must hold across every gunicorn worker and app server, so they are kept

- in Redis when ``ENROLL_RATELIMIT_STORAGE_URI`` names one (``redis://host:6379/0``), else
- in the application database (:class:`DatabaseStorage`, table ``rate_limit_counters``; the
  ``limits`` library has no SQL storage): a worker counts a client's first tenth of a limit in
  memory, then with the other workers by one atomic upsert a request, on a connection of its own,
  so a count stands whatever the request's own transaction does. A family looking up a few
  addresses costs no write; a limit is exceeded by at most a tenth of it per worker.

A storage that fails (a database or Redis outage) is logged and lets the request through: the site
stays up. An exceeded limit answers 429 with ``Retry-After`` and a translated page or JSON error.
Off unless ``RATELIMIT_ENABLED`` (default on, off under ``TESTING``).
"""
from __future__ import annotations

import itertools
import math
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import Flask, make_response, request
from limits import parse_many
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import Integer, String, case, delete, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from enroll.core.db import UTCDateTime
from enroll.core.i18n import _n
from enroll.core.limits import address_key
from enroll.core.web import error_answer
from enroll.extensions import db

# endpoint -> (config key of its limit, the methods counted; None: all)
LIMITED = {
    "accounts.login": ("RATE_LIMIT_LOGIN", ["POST"]),
    "accounts.login_code": ("RATE_LIMIT_LOGIN", ["POST"]),
    "lookup.page": ("RATE_LIMIT_LOOKUP", None),
    "api.lookup": ("RATE_LIMIT_LOOKUP", None),
    "search.page": ("RATE_LIMIT_SEARCH", None),
    "results.check": ("RATE_LIMIT_OWN_RESULT", ["POST"]),
    "consultations.page": ("RATE_LIMIT_COMMENT", ["POST"]),
    "follow.page": ("RATE_LIMIT_COMMENT", ["POST"]),
    "info_requests.new": ("RATE_LIMIT_INFO_REQUEST", ["POST"]),
    "info_requests.letter": ("RATE_LIMIT_OWN_RESULT", None),  # about a second of CPU per reply letter
}
DATABASE_STORAGE = "enroll+database://"


class RateLimitCounter(db.Model):
    """One count of one limit for one client in its current window (see :class:`DatabaseStorage`)."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)  # the limits library's: client, scope, limit
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # the window's end


@dataclass
class _LocalCount:
    """What one worker counted for one key in its window: in all, sent to the database, and the
    database's count when last asked (and when)."""

    window_end: float
    count: int = 0
    sent: int = 0
    shared: int = 0
    synced: float = 0.0


def _limit_of(key: str) -> int:
    """The limit's amount, from the key ``limits`` builds: ``…/<amount>/<multiples>/<granularity>``."""
    try:
        return int(key.rsplit("/", 3)[-3])
    except (IndexError, ValueError):
        return 0  # unknown: count every request in the database


class DatabaseStorage(Storage):
    """A ``limits`` storage over ``rate_limit_counters`` in the app's database (SQLite or PostgreSQL):
    enough for the fixed-window strategy. Every worker and app server on the database shares it."""

    STORAGE_SCHEME = ["enroll+database"]
    PURGE_EVERY = 1000  # counts (per process) between deletions of ended windows
    SYNC_S = 0.5  # a client past its limit is counted in the database at most this often per worker

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._counted, self._written = itertools.count(1), itertools.count(1)
        self._lock = threading.Lock()
        self._local: dict[str, _LocalCount] = {}

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Count ``amount`` for ``key`` and return the count its window has reached.

        A worker counts a client's first tenth of the limit on its own, in memory: the families of
        the season ask a few times a minute each and never cost a database write, while a client
        past that is counted with every other worker in the database, exactly, on each request
        (past the limit, at most every ``SYNC_S``: refusing it must not cost a write a request).
        A limit is thus exceeded by at most a tenth of it per worker.
        """
        limit = _limit_of(key)
        now = time.time()
        with self._lock:
            if next(self._counted) % self.PURGE_EVERY == 0:  # clients whose window ended
                self._local = {k: e for k, e in self._local.items() if e.window_end > now}
            entry = self._local.get(key)
            if entry is None or entry.window_end <= now:
                entry = self._local[key] = _LocalCount(window_end=now + expiry)
            entry.count += amount
            if entry.count <= limit // 10:
                return entry.count
            if entry.shared > limit and now - entry.synced < self.SYNC_S:
                return entry.shared + entry.count - entry.sent
            send, entry.sent = entry.count - entry.sent, entry.count
        shared = self._shared_incr(key, expiry, send, now)
        with self._lock:
            entry.shared, entry.synced = shared, now
        return shared

    def _shared_incr(self, key: str, expiry: int, amount: int, now: float) -> int:
        """Add ``amount`` to ``key``'s count in the database, in a new window of ``expiry`` seconds if
        its window ended, atomically (``INSERT … ON CONFLICT DO UPDATE … RETURNING``); returns the count."""
        table = RateLimitCounter.__table__
        moment = datetime.fromtimestamp(now, UTC)
        ended = table.c.expires_at <= literal(moment, UTCDateTime())
        end = literal(moment + timedelta(seconds=expiry), UTCDateTime())
        engine = db.engine
        insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
        statement = insert(table).values(key=key, count=amount, expires_at=moment + timedelta(seconds=expiry))
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"count": case((ended, amount), else_=table.c.count + amount),
                  "expires_at": case((ended, end), else_=table.c.expires_at)},
        ).returning(table.c.count)
        with engine.begin() as connection:
            if next(self._written) % self.PURGE_EVERY == 0:  # clients that never came back
                connection.execute(delete(table).where(table.c.expires_at <= moment))
            return connection.execute(statement).scalar_one()

    def _unsent(self, key: str) -> _LocalCount | None:
        with self._lock:
            entry = self._local.get(key)
        return entry if entry is not None and entry.window_end > time.time() else None

    def get(self, key: str) -> int:
        """The count: the database's, and what this worker counted and did not send yet."""
        table = RateLimitCounter.__table__
        with db.engine.connect() as connection:
            count = connection.execute(select(table.c.count).where(
                table.c.key == key, table.c.expires_at > datetime.now(UTC))).scalar()
        entry = self._unsent(key)
        return (count or 0) + (entry.count - entry.sent if entry is not None else 0)

    def get_expiry(self, key: str) -> float:
        """When ``key``'s window ends (a Unix time); now when it has none."""
        table = RateLimitCounter.__table__
        with db.engine.connect() as connection:
            end = connection.execute(select(table.c.expires_at).where(table.c.key == key)).scalar()
        if end is not None:
            return end.timestamp()
        entry = self._unsent(key)
        return entry.window_end if entry is not None else time.time()

    def check(self) -> bool:
        try:
            with db.engine.connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self._lock:
            self._local.clear()
        with db.engine.begin() as connection:
            return connection.execute(delete(RateLimitCounter.__table__)).rowcount

    def clear(self, key: str) -> None:
        with self._lock:
            self._local.pop(key, None)
        table = RateLimitCounter.__table__
        with db.engine.begin() as connection:
            connection.execute(delete(table).where(table.c.key == key))


def client_address() -> str:
    """Whom a request is counted against: its client address, IPv6 by its /64 (``core.limits.address_key``)."""
    return address_key(request.remote_addr or "unknown")


def init_app(app: Flask) -> FixedWindowRateLimiter | None:
    """Count the requests of :data:`LIMITED` per client before they are handled (call after the
    blueprints are registered): one dictionary lookup for any other request.

    :returns: the app's limiter, None when rate limits are off.
    :raises KeyError: when an endpoint of :data:`LIMITED` no longer exists (renamed: update the table).
    """
    if not app.config.setdefault("RATELIMIT_ENABLED", not app.config.get("TESTING")):
        return None
    limiter = FixedWindowRateLimiter(storage_from_string(app.config["RATE_LIMIT_STORAGE_URI"] or DATABASE_STORAGE))
    limited = {}
    for endpoint, (key, methods) in LIMITED.items():
        app.view_functions[endpoint]  # noqa: B018 - a renamed endpoint must fail here, not go unlimited
        limited[endpoint] = (key.removeprefix("RATE_LIMIT_").lower(), parse_many(app.config[key]),
                             frozenset(methods or ()))

    @app.before_request
    def count_request():
        found = limited.get(request.endpoint)
        if found is None:
            return None
        scope, items, methods = found
        if methods and request.method not in methods:
            return None
        client = client_address()
        try:
            for item in items:
                if not limiter.hit(item, client, scope):
                    reset = limiter.get_window_stats(item, client, scope).reset_time
                    return too_many_requests(max(1, math.ceil(reset - time.time())))
        except Exception:  # noqa: BLE001 - a storage outage: serve the request, say so in the log
            app.logger.exception("rate limit storage failed; the request is served")
        return None

    return limiter


def too_many_requests(wait: int):
    """429, with ``Retry-After`` and a translated page or JSON error."""
    response = make_response(error_answer(429, str(_n("请求过于频繁，请 %(num)d 秒后再试。", wait))))
    response.headers["Retry-After"] = str(wait)
    return response
