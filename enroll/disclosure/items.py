"""The items of the disclosure catalogue: what each one is made of, when it counts as published
(content published **and** not empty), and where the public reads it.

Every builder returns ``(item, needed)``: the item with one :class:`Part` per published, non-empty
piece of content, and how many pieces make it whole. Links are endpoints with arguments (no Flask
here); the page turns them into URLs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from enroll.core.clock import (
    LOCAL,  # dates of formation and publication are local dates
)
from enroll.core.i18n import _l, _n
from enroll.disclosure import negative_list
from enroll.districts import contacts
from enroll.info_requests import annual
from enroll.migrant import services as migrant
from enroll.policies import services as policies
from enroll.results import services as results
from enroll.review import states
from enroll.schools import profiles
from enroll.timeline import services as timeline
from enroll.zoning.consultations import public_consultations
from enroll.zoning.services import STAGE_LABELS, published_plans

ACTIVE = "active"  # 主动公开; 依申请公开 and 不予公开 are the negative list's entries
ATTRIBUTES = {ACTIVE: _l("主动公开"), **negative_list.ATTRIBUTES}
LISTED = "listed"  # the status of a negative-list entry: not published of the bureau's own motion
POLICY_CATEGORIES = ("policy", "rules", "measures")
# a sentence of a policy document that sets out how zones are drawn (划片工作程序)
PROCEDURE = re.compile(r"(划片|划分学区|学区划分|施教区|招生范围)[^。；;\n]{0,30}(程序|流程|步骤)"
                       r"|(程序|流程|步骤)[^。；;\n]{0,30}(划片|划分学区|学区划分|施教区|招生范围)")
# what a 学校概况 says about a school; contact fields (copied from the register) and the feeder alone do not
PROFILE_FIELDS = ("intro", "facilities")
PROFILE_NUMBERS = ("students", "classes", "teachers", "site_area")


def local_date(moment: datetime | None) -> date | None:
    return moment.astimezone(LOCAL).date() if moment is not None else None


@dataclass(frozen=True)
class Link:
    """Where the public reads a piece: ``endpoint`` with ``args``; its text is ``label``, or the
    localized ``field`` of ``obj`` (a school's name, a document's title)."""

    endpoint: str
    args: dict
    label: object = ""
    obj: object = None
    field: str = "name"


@dataclass
class Part:
    """One published piece of an item (a document, a stage's plan, a school's profile)."""

    formed: date | None
    published: date | None
    link: Link | None = None


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
    index: Link | None = None        # the page listing every piece, shown when there is one
    attribute: str = ACTIVE          # 公开属性
    entry: dict | None = None        # a negative-list entry (its item, reason, translations)

    @property
    def attribute_label(self):
        return ATTRIBUTES[self.attribute]

    @property
    def links(self) -> list[Link]:
        """The content's pages: the index page first, then each published piece's own page (none
        while nothing is published)."""
        if not self.parts:
            return []
        seen, out = set(), []
        for link in ([self.index] if self.index else []) + [p.link for p in self.parts if p.link]:
            key = (link.endpoint, tuple(sorted(link.args.items())))
            if key not in seen:
                seen.add(key)
                out.append(link)
        return out


# ------------------------------------------------------------------------------ emptiness


def profile_has_content(profile) -> bool:
    """A 学校概况 describes the school (introduction, facilities, size): an address and phone copied
    from the register, or a feeder alone (the 对口 item's), is not one."""
    return (any((getattr(profile, f) or "").strip() for f in PROFILE_FIELDS)
            or any(getattr(profile, f) is not None for f in PROFILE_NUMBERS))


def plan_has_content(plan) -> bool:
    return bool(plan.classes or plan.places or (plan.notes or "").strip())


def zoning_has_content(plan) -> bool:
    """Polygons, or the official text of at least one school (a text-only plan counts)."""
    return bool(plan.zones) or any((t.text or "").strip() for t in plan.texts)


def document_has_content(doc) -> bool:
    return bool((doc.body_text or "").strip() or doc.attachments)


def _filled(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, dict)):
        return any(_filled(v) for v in (value.values() if isinstance(value, dict) else value))
    return value is not None and value is not False


def _school(school) -> Link:
    return Link("public.school", {"school_id": school.id}, obj=school)


# ------------------------------------------------------------------------------ the items


def policy_items(district, year: int) -> list[tuple[Item, int]]:
    docs = [d for d in policies.published_documents(district.id, year)
            if d.category in POLICY_CATEGORIES and document_has_content(d)]
    index = Link("policies.index", {"code": district.code, "year": year}, _l("招生政策文件"))
    policy = Item("policy", _l("招生政策（招生方案、实施细则、入学办法）"), index=index, parts=[
        Part(d.signed_on or local_date(d.created_at), local_date(d.first_published_at),
             Link("policies.document", {"code": district.code, "document_id": d.id}, obj=d, field="title"))
        for d in docs])
    interpreted = [d for d in docs if d.interpretation is not None and d.interpretation.status == "published"
                   and ((d.interpretation.body_text or "").strip() or (d.interpretation.body or "").strip())]
    interpretation = Item("interpretation", _l("政策解读"), parts=[
        Part(d.signed_on or local_date(d.created_at), local_date(d.interpretation.first_published_at),
             Link("policies.interpretation", {"code": district.code, "document_id": d.id}, obj=d, field="title"))
        for d in interpreted])
    return [(policy, 1), (interpretation, 1)]


def procedure_item(district, year: int) -> tuple[Item, int]:
    """划片工作程序: there is no record of its own; it counts as published when a published policy
    document of the year sets out the procedure, and the item says so."""
    docs = [d for d in policies.published_documents(district.id, year) if PROCEDURE.search(d.body_text or "")]
    return Item("procedure", _l("划片工作程序"), detail=_l("以当年已公开的政策文件中写明划片工作程序（步骤、流程）为准。"),
                parts=[Part(d.signed_on or local_date(d.created_at), local_date(d.first_published_at),
                            Link("policies.document", {"code": district.code, "document_id": d.id}, obj=d,
                                 field="title")) for d in docs]), 1


def _plans_of(schools, year: int) -> list:
    """(school, its published, non-empty plan of ``year``), in the schools' order: one query for
    them all (the city view builds every district's catalogue)."""
    plans = profiles.published_plans_of([s.id for s in schools], year)
    return [(s, p) for s in schools for p in plans.get(s.id, []) if plan_has_content(p)]


def enrollment_plan_item(public, year: int) -> tuple[Item, int]:
    plans = _plans_of(public, year)
    return Item("enrollment_plan", _l("招生计划"), detail=_n("%(n)d / %(num)d 所公办学校", len(public), n=len(plans)),
                parts=[Part(local_date(p.created_at), local_date(p.first_published_at), _school(s))
                       for s, p in plans]), len(public)


def private_plan_item(private, year: int) -> list[tuple[Item, int]]:
    """民办招生计划与办法: a private school's plan of the year counts when it states its rules (notes)."""
    if not private:
        return []
    plans = [(s, p) for s, p in _plans_of(private, year) if (p.notes or "").strip()]
    return [(Item("private_plan", _l("民办学校招生计划与招生办法"),
                  detail=_n("%(n)d / %(num)d 所民办学校", len(private), n=len(plans)),
                  parts=[Part(local_date(p.created_at), local_date(p.first_published_at), _school(s))
                         for s, p in plans]), len(private))]


def zoning_item(district, year: int) -> tuple[Item, int]:
    zoning = [p for p in published_plans(district.id) if p.year == year and zoning_has_content(p)]
    return Item("zoning", _l("招生范围（划片）"), detail=_l("%(n)d / 2 个学段", n=len(zoning)), parts=[
        Part(local_date(p.created_at), local_date(p.published_at),
             Link("zoning.zoning_map", {"code": district.code, "year": year, "stage": p.stage},
                  _l("%(year)s 年%(stage)s划片", year=year, stage=STAGE_LABELS.get(p.stage, p.stage))))
        for p in zoning]), 2


def consultation_items(district, year: int) -> list[tuple[Item, int]]:
    """A plan put out for comment (征求意见) and the adoption report (采纳情况) it then owes the public."""
    consulted = [c for c in public_consultations(district.id) if c.plan.year == year]
    if not consulted:
        return []
    links = {c.id: Link("consultations.page", {"code": district.code, "consultation_id": c.id},
                        _l("%(year)s 年%(stage)s划片", year=year, stage=STAGE_LABELS.get(c.plan.stage, c.plan.stage)))
             for c in consulted}
    index = Link("consultations.index", {"code": district.code}, _l("划片方案征求意见"))
    opened = Item("consultation_draft", _l("划片方案征求意见稿"), index=index, parts=[
        Part(local_date(c.plan.created_at), local_date(c.opens_at), links[c.id]) for c in consulted])
    reported = [c for c in consulted if c.report_published_at is not None and _filled(c.report)]
    report = Item("consultation", _l("划片方案征求意见及意见采纳情况"),
                  detail=_l("%(n)d / %(num)d 份意见采纳情况", n=len(reported), num=len(consulted)),
                  parts=[Part(local_date(c.closes_at), local_date(c.report_published_at), links[c.id])
                         for c in reported])
    return [(opened, len(consulted)), (report, len(consulted))]


def migrant_item(district, year: int) -> tuple[Item, int]:
    stages = [r for stage in migrant.STAGES if (r := migrant.requirement_of(district.id, year, stage)) is not None
              and r.status == "published" and _filled(r.rules)]
    return Item("migrant", _l("随迁子女入学条件和办法"), detail=_l("%(n)d / 2 个学段", n=len(stages)), parts=[
        Part(local_date(r.created_at), local_date(r.first_published_at),
             Link("migrant.page", {"code": district.code, "year": year, "stage": r.stage},
                  STAGE_LABELS.get(r.stage, r.stage))) for r in stages]), 2


def profile_items(public) -> list[tuple[Item, int]]:
    """学校概况 of every public school, and 对口 (feeder primaries → junior) set in those profiles."""
    found = profiles.published_profiles_of(s.id for s in public)
    published = [(s, found[s.id]) for s in public if s.id in found]
    shown = [(s, p) for s, p in published if profile_has_content(p)]
    school_profiles = Item("school_profiles", _l("学校情况（学校概况）"),
                           detail=_n("%(n)d / %(num)d 所公办学校", len(public), n=len(shown)),
                           parts=[Part(local_date(p.created_at), local_date(p.first_published_at), _school(s))
                                  for s, p in shown])
    feeding = [p for _, p in published if p.feeder_school_id is not None and p.feeder_school is not None]
    juniors = {p.feeder_school_id for p in feeding}
    feeders = Item("feeders", _l("对口入学（小学对口初中）"),
                   detail=_n("%(n)d 所小学对口 %(num)d 所初中", len(juniors), n=len(feeding)),
                   parts=[Part(local_date(p.created_at), local_date(p.first_published_at), _school(p.feeder_school))
                          for p in feeding])
    return [(school_profiles, len(public)), (feeders, 1)]


def timeline_item(district, year: int) -> tuple[Item, int]:
    schedule = timeline.timeline_of(district.id, year)
    item = Item("timeline", _l("招生日程"))
    if schedule is not None and schedule.status == "published" and schedule.steps:
        item.parts = [Part(local_date(schedule.created_at), local_date(schedule.first_published_at),
                           Link("timeline.page", {"code": district.code, "year": year}, _l("招生日程")))]
    return item, 1


def results_item(district, every, year: int) -> tuple[Item, int]:
    posted = [r for r in results.published_results(district.id, year) if _filled(r.routes) or (r.notes or "").strip()]
    return Item("results", _l("录取结果"), detail=_n("%(n)d / %(num)d 所学校", len(every), n=len(posted)),
                index=Link("results.district", {"code": district.code, "year": year}, _l("%(year)s 年各校录取结果",
                                                                                       year=year)) if posted else None,
                parts=[Part(local_date(r.created_at), local_date(r.first_published_at)) for r in posted]), len(every)


def contact_item(district) -> tuple[Item, int]:
    published = contacts.published_contact(district.id)
    contact = Item("contacts", _l("咨询方式"), detail=(published or district).phone or "")
    link = Link("public.district", {"code": district.code}, obj=district)
    if published is not None and ((published.phone or "").strip() or (published.address or "").strip()):
        contact.parts = [Part(local_date(published.created_at), local_date(published.first_published_at), link)]
    elif published is None and district.phone and district.address:
        contact.parts = [Part(None, local_date(district.created_at), link)]
    return contact, 1


def requests_item(district) -> tuple[Item, int]:
    """依申请公开: the public request form is the channel (申请渠道), there for every district."""
    return Item("requests", _l("依申请公开（政府信息公开申请）"), status="published",
                detail=_l("申请方式、受理机构和办理时限见申请页面。"),
                parts=[Part(None, None, Link("info_requests.new", {"code": district.code},
                                             _l("提出政府信息公开申请")))]), 1


def annual_report_item(district, year: int) -> tuple[Item, int]:
    """The yearly disclosure report of the year before: published when its report is."""
    report = annual.report_of(district.id, year - 1)
    item = Item("annual_report", _l("政府信息公开工作年度报告"), detail=_l("%(year)s 年度", year=year - 1))
    if report is not None and report.status == states.PUBLISHED:
        item.parts = [Part(local_date(report.created_at), local_date(report.first_published_at),
                           Link("reports.annual", {"code": district.code, "year": year - 1},
                                _l("%(year)s 年度政府信息公开工作年度报告", year=year - 1)))]
    return item, 1


def negative_list_items(district) -> list[tuple[Item, int]]:
    """The 负面清单 itself (主动公开), then each of its published entries with its 公开属性."""
    published = negative_list.published_negative_list(district.id)
    item = Item("negative_list", _l("负面清单（不主动公开的信息及理由）"))
    if published is None or not published.entries:
        return [(item, 1)]

    def link(anchor: str | None = None) -> Link:
        args = {"code": district.code, **({"_anchor": anchor} if anchor else {})}
        return Link("disclosure.negative_list", args, _l("负面清单"))

    item.parts = [Part(local_date(published.created_at), local_date(published.first_published_at), link())]
    entries = [Item(f"negative-{n}", entry["item"], status=LISTED, attribute=entry["attribute"], entry=entry,
                    parts=[Part(None, None, link(f"entry-{n}"))])
               for n, entry in enumerate(published.entries, start=1)]
    return [(item, 1), *((e, 1) for e in entries)]
