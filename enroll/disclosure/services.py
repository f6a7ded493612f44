"""The disclosure catalogue of a district and year, and the working-day calendar it counts with.

Every item the district must publish for compulsory-education enrollment is listed, marked
published (with its date), partly published or missing; an item published more than
``LATE_AFTER_WORKING_DAYS`` working days after it was formed is flagged (working days from the
editable calendar of holidays and make-up working days).
"""
from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import delete, extract, select

from enroll.core.context import Context
from enroll.core.errors import Invalid
from enroll.core.i18n import _l, _n
from enroll.core.security import authorize
from enroll.core.text import decode_upload
from enroll.core.workdays import CalendarErrors, WorkCalendar, parse_calendar_csv
from enroll.disclosure import items as items_of
from enroll.disclosure.items import Item
from enroll.disclosure.models import CalendarDay
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.review.services import record
from enroll.schools.services import schools_of

LATE_AFTER_WORKING_DAYS = 20


# ------------------------------------------------------------------------------ the calendar


def work_calendar() -> WorkCalendar:
    return WorkCalendar((d.day, d.kind) for d in db.session.scalars(select(CalendarDay)))


def calendar_days(year: int | None = None) -> list[CalendarDay]:
    query = select(CalendarDay).order_by(CalendarDay.day)
    if year is not None:
        query = query.where(extract("year", CalendarDay.day) == year)
    return list(db.session.scalars(query))


def calendar_csv(year: int | None = None) -> str:
    out = io.StringIO()
    out.write("date,kind,name\n")
    for d in calendar_days(year):
        out.write(f"{d.day.isoformat()},{d.kind},{d.name}\n")
    return out.getvalue()


def import_calendar(actor, text: str, *, context: Context = Context()) -> int:
    """Replace the overrides of every year the CSV covers (``date,kind,name``). Commits.

    :returns: the number of days written. :raises Invalid: with every bad line; nothing changes then.
    """
    authorize(actor, "calendar.edit")
    try:
        days = parse_calendar_csv(text)
    except CalendarErrors as exc:
        raise Invalid(_n("日历有 %(num)d 行有误，未保存。", len(exc.errors)),
                      errors=[(e.line, e.field, e.message) for e in exc.errors]) from None
    if not days:
        raise Invalid(_l("日历中没有任何日期。"), errors=[(2, "date", _l("请至少填写一行。"))])
    years = sorted({d.year for d, _, _ in days})
    for year in years:
        db.session.execute(delete(CalendarDay).where(extract("year", CalendarDay.day) == year))
    db.session.add_all(CalendarDay(day=d, kind=kind, name=name[:100]) for d, kind, name in days)
    record(actor, "calendar.import", "calendar", ",".join(map(str, years)), context=context,
           detail={"years": years, "days": len(days)})
    db.session.commit()
    return len(days)


def import_calendar_file(actor, path, *, context: Context = Context()) -> int:
    return import_calendar(actor, decode_upload(Path(path).read_bytes()), context=context)


# ------------------------------------------------------------------------------ the catalogue


def _evaluate(item: Item, needed: int, cal: WorkCalendar) -> Item:
    done = [p for p in item.parts if p.published is not None]
    if not done:
        return item
    item.status = "published" if len(done) >= needed else "partial"
    item.published = max(p.published for p in done)
    formed = [p.formed for p in done if p.formed is not None]
    item.formed = min(formed) if formed else None
    delays = [cal.working_days_between(p.formed, p.published) for p in done if p.formed is not None]
    if delays:
        item.working_days = max(delays)
        item.late = item.working_days > LATE_AFTER_WORKING_DAYS
    return item


def catalogue(district_code: str, year: int) -> tuple[object, list[Item]]:
    """The district and the items of its disclosure catalogue for ``year``, in the order to show them.

    An item counts only content that is published and not empty (see :mod:`enroll.disclosure.items`).
    """
    district = get_district(district_code)
    every = schools_of(district.id)
    public = [s for s in every if s.kind == "public"]
    private = [s for s in every if s.kind == "private"]
    items = [*items_of.policy_items(district, year), items_of.procedure_item(district, year),
             items_of.enrollment_plan_item(public, year), *items_of.private_plan_item(private, year),
             items_of.zoning_item(district, year), *items_of.consultation_items(district, year),
             items_of.migrant_item(district, year), *items_of.profile_items(public),
             items_of.timeline_item(district, year), items_of.results_item(district, every, year),
             items_of.contact_item(district), items_of.requests_item(district),
             items_of.annual_report_item(district, year), *items_of.negative_list_items(district)]
    cal = work_calendar()
    return district, [_evaluate(item, needed, cal) for item, needed in items]
