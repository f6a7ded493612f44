"""Personal lists expire: ``flask results purge-expired`` (run it from cron) calls :func:`purge_expired`.

Public pages already stop showing a list at its ``public_until``; the purge then deletes it: the
rows of result lists, the applicant lists and orders of lotteries (their hashes, commitment and seed
stay published), the lists inside every revision, and the own-result counters of those lists.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from enroll.core.context import Context
from enroll.extensions import db
from enroll.review.models import Revision
from enroll.review.services import record
from enroll.results.checks import application_bucket
from enroll.results.lotteries import LOTTERY
from enroll.results.models import AdmissionEntry, AdmissionResult, Lottery, RateLimit
from enroll.results.services import RESULT, list_ends


@dataclass
class Purged:
    results: list[int] = field(default_factory=list)
    entries: int = 0
    revisions: int = 0
    lotteries: list[int] = field(default_factory=list)
    counters: int = 0


def purge_expired(*, now: datetime | None = None, context: Context = Context(channel="cli")) -> Purged:
    """Unpublish every result list and lottery list past its ``public_until`` and delete their
    personal fields, in the published rows and in every revision. Safe to run any number of times;
    each purge is audited (actor "system"). Commits.
    """
    purged = Purged()
    now = now or datetime.now(UTC)
    _purge_results(now, purged, context)
    _purge_lotteries(now, purged, context)
    purged.counters += db.session.execute(delete(RateLimit).where(
        RateLimit.bucket.like("ip:%"), RateLimit.window_start < now - timedelta(days=1))).rowcount
    db.session.commit()
    return purged


def _expired_by(now: datetime):
    """Revision data → whether its list is past its public date (a draft without one has none to keep)."""
    def expired(data: dict) -> bool:
        ends = list_ends(data)
        return ends is None or ends <= now
    return expired


def _scrub_revisions(kind, keys: tuple[str, ...], expired) -> int:
    """Empty the personal ``keys`` of a kind's revisions whose list has expired. :returns: how many changed."""
    changed = 0
    for revision in db.session.scalars(select(Revision).where(Revision.object_type == kind.name)):
        if any(revision.data.get(k) for k in keys) and expired(revision.data):
            revision.data = dict(revision.data, **{k: [] for k in keys}, list_purged=True)
            changed += 1
    return changed


def _purge_results(now: datetime, purged: Purged, context: Context) -> None:
    for result in db.session.scalars(select(AdmissionResult).where(
            AdmissionResult.public_until <= now, AdmissionResult.list_purged_at.is_(None))):
        count = db.session.execute(delete(AdmissionEntry).where(AdmissionEntry.result_id == result.id)).rowcount
        purged.counters += db.session.execute(delete(RateLimit).where(RateLimit.bucket.like(
            application_bucket(result.school_id, result.year, "%")))).rowcount
        result.list_count, result.list_purged_at = 0, now
        purged.results.append(result.id)
        purged.entries += count
        record(None, "results.purge", "admission_result", result.id, context=context,
               detail={"entries": count, "public_until": result.public_until.isoformat()})
    purged.revisions += _scrub_revisions(RESULT, ("list",), _expired_by(now))


def _purge_lotteries(now: datetime, purged: Purged, context: Context) -> None:
    for item in db.session.scalars(select(Lottery).where(Lottery.public_until <= now,
                                                         Lottery.list_purged_at.is_(None))):
        count = len(item.applicants)
        item.applicants, item.draw_order, item.list_purged_at = [], [], now
        purged.lotteries.append(item.id)
        record(None, "lottery.purge", "lottery", item.id, context=context, detail={"applicants": count})
    purged.revisions += _scrub_revisions(LOTTERY, ("applicants", "order"), _expired_by(now))
