"""Personal lists expire: ``flask results purge-expired`` (run it from cron) calls :func:`purge_expired`."""
from __future__ import annotations

from datetime import UTC, datetime

from enroll.core.context import Context
from enroll.extensions import db
from enroll.results.lotteries import purge_expired_lotteries
from enroll.results.services import Purged, purge_expired_results


def purge_expired(*, now: datetime | None = None, context: Context = Context(channel="cli")) -> Purged:
    """Unpublish every result list and lottery list past its ``public_until`` and delete their
    personal fields, in the published rows and in every revision. Safe to run any number of times;
    each purge is audited (actor "system"). Commits.
    """
    purged = Purged()
    now = now or datetime.now(UTC)
    purge_expired_results(now, purged, context)
    purge_expired_lotteries(now, purged, context)
    db.session.commit()
    return purged
