"""iCalendar (.ics, RFC 5545) export of an enrollment timeline, so parents can subscribe to it.

Every event is an all-day event: enrollment steps (registration, review, results) are set in
days, not hours, and an all-day date means the same day in every calendar app whatever the
device's time zone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from icalendar import Event

TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class IcsEvent:
    """One all-day step of a timeline.

    :param uid: globally unique and stable across exports, so subscribed calendars update the
        event instead of duplicating it (e.g. ``"step-42@enroll.example.cn"``).
    :param end: last day, inclusive; None for a one-day event.
    :param updated: when the step last changed (timezone-aware); used as DTSTAMP and
        LAST-MODIFIED.
    """

    uid: str
    title: str
    start: date
    end: date | None = None
    description: str = ""
    location: str = ""
    url: str = ""
    updated: datetime | None = None


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime is refused rather than guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes must be timezone-aware")
    return moment.astimezone(UTC)


def _vevent(event: IcsEvent, stamp: datetime) -> Event:
    """The VEVENT of one step; DTEND is exclusive in iCalendar, hence last day + 1."""
    from icalendar import Event  # on use, as in timeline_ics

    if isinstance(event.start, datetime) or isinstance(event.end, datetime):
        raise ValueError(f"event {event.uid!r}: start and end must be dates, not datetimes")
    last = event.end if event.end is not None else event.start
    if last < event.start:
        raise ValueError(f"event {event.uid!r} ends before it starts")
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", _utc(event.updated) if event.updated is not None else stamp)
    if event.updated is not None:
        vevent.add("last-modified", _utc(event.updated))
    vevent.add("summary", event.title)
    vevent.add("dtstart", event.start)
    vevent.add("dtend", last + timedelta(days=1))
    vevent.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    for prop, value in (("description", event.description), ("location", event.location), ("url", event.url)):
        if value:
            vevent.add(prop, value)
    return vevent


def timeline_ics(
    name: str,
    events: list[IcsEvent],
    prodid: str = "-//enroll//timeline//ZH",
    *,
    stamp: datetime | None = None,
) -> bytes:
    """The timeline ``name`` as a UTF-8 .ics file of all-day events, lines folded per RFC 5545.

    The output depends only on the arguments: events without ``updated`` get ``stamp`` as
    DTSTAMP, which defaults to now (UTC); pass it to get reproducible bytes.

    :raises ValueError: on a duplicate UID, an event ending before it starts, datetimes instead
        of dates, or a naive ``stamp``/``updated``.
    """
    from icalendar import Calendar  # on use: icalendar takes a tenth of a second to import

    stamp = _utc(stamp) if stamp is not None else datetime.now(UTC).replace(microsecond=0)
    uids = [event.uid for event in events]
    if len(set(uids)) != len(uids):
        duplicates = sorted({uid for uid in uids if uids.count(uid) > 1})
        raise ValueError(f"duplicate event UIDs: {', '.join(duplicates)}")
    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TIMEZONE)
    for event in events:
        calendar.add_component(_vevent(event, stamp))
    return calendar.to_ical()
