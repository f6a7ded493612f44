"""A parent's own-result check: application number plus the child's birth date, rate-limited.

Birth dates are never stored; each list row keeps ``tables.check_digest`` (an HMAC with the
results key), which the typed date must reproduce. Two limits count every attempt before the answer
is looked at (a date that cannot exist is refused before: it is no guess), each with one atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (so parallel
requests cannot slip past them, on SQLite or PostgreSQL):

- per client address (IPv6 by its /64): ``per_address`` attempts per ``window``;
- per application number: ``per_application`` attempts in all, after which the number is locked
  until its list is purged; a correct answer starts the count again. The 365 possible birth dates
  of a school year therefore cannot be tried, whatever addresses are used.
"""
from __future__ import annotations

import hmac
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select, update

from enroll.core import limits
from enroll.core.clock import local_today
from enroll.core.errors import Invalid, NotFound, TooManyRequests
from enroll.core.i18n import _l, _n
from enroll.extensions import db
from enroll.results import tables
from enroll.results.dates import BadDate, parse_date
from enroll.results.models import AdmissionEntry, RateLimit
from enroll.results.services import can_check, public_entry, result_of


@dataclass(frozen=True)
class CheckLimits:
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)
    per_application: int = 10


@dataclass
class OwnResult:
    school: object
    year: int
    entry: dict


def client_bucket(ip: str) -> str:
    """The address an attempt is counted against: IPv4 as it is, IPv6 by its /64 network."""
    return f"ip:{limits.address_key(ip)}"


def application_bucket(school_id: int, year: int, number: str) -> str:
    return f"no:{school_id}:{year}:{number.upper()}"


def hit(bucket: str, now: datetime, window: timedelta | None) -> int:
    """Count one attempt in ``bucket`` and return the count, atomically; ``window`` None never resets."""
    return limits.hit(RateLimit.__table__, bucket, now, window)


def birth_date_of(value: str | date, now: datetime) -> date:
    """The typed birth date read as parents write it (:mod:`enroll.results.dates`).

    :raises Invalid: (``field="birth_date"``) a date that cannot be read, cannot exist or is after today.
    """
    if isinstance(value, date):
        return value
    try:
        return parse_date(value, today=local_today(now))
    except BadDate as exc:
        raise Invalid(exc.message, field="birth_date") from None


def check_own_result(school_id: int, year: int, application_no: str, birth_date: str | date, *, ip: str,
                     check_key: bytes, limits: CheckLimits = CheckLimits(), now: datetime | None = None) -> OwnResult:
    """A child's outcome, for whoever knows both the application number and the birth date.

    Wrong number and wrong date get the same answer. The number is matched whatever its letter
    case or width (``ｑ2026-0003`` finds ``Q2026-0003``). A date that cannot exist (2月30日, a
    13th month, after today) is refused first and counts against no limit: it is a typing slip,
    not a guess.

    :raises Invalid: the birth date (``field="birth_date"``), before anything is counted.
    :raises TooManyRequests: over a limit (``retry_after`` seconds, or None for a locked number).
    :raises NotFound: no match (or no list to check).
    """
    now = now or datetime.now(UTC)
    born = birth_date_of(birth_date, now).isoformat()
    number = unicodedata.normalize("NFKC", application_no or "").strip()[:32]
    by_address = hit(client_bucket(ip), now, limits.window)
    db.session.commit()  # every attempt counts, whatever comes next
    if by_address > limits.per_address:  # refused here, it does not count against any number
        minutes = int(limits.window.total_seconds() // 60)
        raise TooManyRequests(_n("查询过于频繁，请 %(num)d 分钟后再试。", minutes),
                              retry_after=int(limits.window.total_seconds()))
    not_found = NotFound(_l("没有找到与申请号和出生日期都相符的记录，请核对后再试。"))
    result = result_of(school_id, year)
    if result is None or not can_check(result, now) or not number:
        raise not_found  # nothing to guess at: no counter either
    by_number = hit(application_bucket(school_id, year, number), now, None)
    db.session.commit()
    if by_number > limits.per_application:
        raise TooManyRequests(_l("该申请号查询失败次数过多，已停止在线查询。请携带报名材料联系学校核实。"), retry_after=None)
    entry = db.session.scalar(select(AdmissionEntry).where(
        AdmissionEntry.result_id == result.id, func.upper(AdmissionEntry.application_no) == number.upper()))
    if entry is None or entry.check_digest is None or not hmac.compare_digest(
            entry.check_digest, tables.check_digest(check_key, entry.application_no, born)):
        raise not_found
    db.session.execute(update(RateLimit).where(RateLimit.bucket == application_bucket(school_id, year, number))
                       .values(count=0))
    db.session.commit()
    return OwnResult(result.school, result.year, public_entry(entry))
