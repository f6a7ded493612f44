"""The disclosure catalogue of a district and year, and the working-day calendar it counts with.

Every item the district must publish for compulsory-education enrollment is listed, marked
published (with its date), partly published or missing; an item published more than
``LATE_AFTER_WORKING_DAYS`` working days after it was formed is flagged (working days from the
editable calendar of holidays and make-up working days).
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete, extract, select

from enroll.core.clock import (
    LOCAL,  # dates of formation and publication are local dates
)
from enroll.core.context import Context
from enroll.core.errors import Invalid
from enroll.core.i18n import _l, _n
from enroll.core.security import authorize
from enroll.core.text import decode_upload
from enroll.core.workdays import CalendarErrors, WorkCalendar, parse_calendar_csv
from enroll.disclosure.models import CalendarDay
from enroll.districts import contacts
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.migrant import services as migrant
from enroll.policies import services as policies
from enroll.results import services as results
from enroll.review.services import record
from enroll.schools import profiles
from enroll.schools.services import schools_of
from enroll.timeline import services as timeline
from enroll.zoning.consultations import public_consultations
from enroll.zoning.services import published_plans

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


def _local(moment: datetime | None) -> date | None:
    return moment.astimezone(LOCAL).date() if moment is not None else None


@dataclass
class Part:
    """One published piece of an item (a document, a stage's plan, a school's profile)."""

    formed: date | None
    published: date | None


@dataclass
class Item:
    key: str
    label: object
    status: str = "missing"          # published | partial | missing
    published: date | None = None    # when the last needed piece was published
    formed: date | None = None       # when the earliest piece was formed
    working_days: int | None = None  # the longest delay between formation and publication
    late: bool = False
    detail: object = ""
    parts: list[Part] = field(default_factory=list)


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


def _policy_items(district_id: int, year: int) -> tuple[Item, Item]:
    docs = [d for d in policies.published_documents(district_id, year) if d.category in ("policy", "rules", "measures")]
    policy = Item("policy", _l("招生政策（招生方案、实施细则、入学办法）"),
                  parts=[Part(d.signed_on or _local(d.created_at), _local(d.first_published_at)) for d in docs])
    interpreted = [d for d in docs if d.interpretation is not None and d.interpretation.status == "published"]
    interpretation = Item("interpretation", _l("政策解读"), parts=[
        Part(d.signed_on or _local(d.created_at), _local(d.interpretation.first_published_at)) for d in interpreted])
    return policy, interpretation


def catalogue(district_code: str, year: int) -> tuple[object, list[Item]]:
    """The district and the items of its disclosure catalogue for ``year``, in the order to show them."""
    district = get_district(district_code)
    cal = work_calendar()
    public = [s for s in schools_of(district.id) if s.kind == "public"]
    policy, interpretation = _policy_items(district.id, year)
    items = [(policy, 1), (interpretation, 1)]

    plans = [p for s in public for p in profiles.published_enrollment_plans(s.id) if p.year == year]
    items.append((Item("enrollment_plan", _l("招生计划"), detail=_n("%(n)d / %(num)d 所公办学校", len(public),
                                                                n=len(plans)),
                       parts=[Part(_local(p.created_at), _local(p.first_published_at)) for p in plans]), len(public)))
    zoning = [p for p in published_plans(district.id) if p.year == year]
    items.append((Item("zoning", _l("招生范围（划片）"), detail=_l("%(n)d / 2 个学段", n=len(zoning)),
                       parts=[Part(_local(p.created_at), _local(p.published_at)) for p in zoning]), 2))
    consulted = [c for c in public_consultations(district.id) if c.plan.year == year]
    if consulted:  # a plan put out for comment owes the public its adoption report (采纳情况)
        items.append((Item("consultation", _l("划片方案征求意见及意见采纳情况"),
                           detail=_l("%(n)d / %(num)d 份意见采纳情况", n=sum(c.report_published_at is not None
                                                                          for c in consulted), num=len(consulted)),
                           parts=[Part(_local(c.closes_at), _local(c.report_published_at)) for c in consulted]),
                      len(consulted)))
    stages = [r for stage in migrant.STAGES if (r := migrant.requirement_of(district.id, year, stage)) is not None
              and r.status == "published"]
    items.append((Item("migrant", _l("随迁子女入学条件和办法"), detail=_l("%(n)d / 2 个学段", n=len(stages)),
                       parts=[Part(_local(r.created_at), _local(r.first_published_at)) for r in stages]), 2))
    published_profiles = [p for s in public if (p := profiles.published_profile(s.id)) is not None]
    items.append((Item("school_profiles", _l("学校情况（学校概况）"),
                       detail=_n("%(n)d / %(num)d 所公办学校", len(public), n=len(published_profiles)),
                       parts=[Part(_local(p.created_at), _local(p.first_published_at)) for p in published_profiles]),
                  len(public)))
    schedule = timeline.timeline_of(district.id, year)
    items.append((Item("timeline", _l("招生日程"), parts=[Part(_local(schedule.created_at), _local(
        schedule.first_published_at))] if schedule is not None and schedule.status == "published" else []), 1))
    every = schools_of(district.id)
    posted = results.published_results(district.id, year)
    items.append((Item("results", _l("录取结果"), detail=_n("%(n)d / %(num)d 所学校", len(every), n=len(posted)),
                       parts=[Part(_local(r.created_at), _local(r.first_published_at)) for r in posted]), len(every)))
    published_contact = contacts.published_contact(district.id)
    contact = Item("contacts", _l("咨询方式"), detail=(published_contact or district).phone or "")
    if published_contact is not None:
        contact.parts = [Part(_local(published_contact.created_at), _local(published_contact.first_published_at))]
    elif district.phone and district.address:
        contact.parts = [Part(None, _local(district.created_at))]
    items.append((contact, 1))
    return district, [_evaluate(item, needed, cal) for item, needed in items]
