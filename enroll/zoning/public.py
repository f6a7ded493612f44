"""What people read of zoning: for the public a scope's published plan with every school's full 划片
text, its CSV, the version history with the clause diff between versions, and site search over the
texts; for the staff a plan as they review it, with what it changes."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from enroll.core.db import contains
from enroll.core.errors import NotFound
from enroll.core.i18n import _l
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.geo.compare import SchoolChange
from enroll.review import content
from enroll.review.models import AuditEvent
from enroll.schools.services import schools_of
from enroll.zoning.diff import SchoolDiff, diff_plans
from enroll.zoning.models import Consultation, ZoneRule, ZoneText, Zoning, ZoningPlan
from enroll.zoning.services import (
    STAGE_LABELS,
    ZONING,
    ZONING_STAGES,
    base_plan,
    get_plan,
    published_plan,
    published_scopes,
    zone_changes,
    zoning_of,
)
from enroll.zoning.texts import CSV_STAGES


@dataclass
class SchoolText:
    """A school's 划片 text as published: the words, line by line (the words are the law), and the
    clauses parsed from them in source order (for the bureau's checks)."""

    text: ZoneText
    clauses: list[ZoneRule]

    @property
    def lines(self) -> list[tuple[int, str]]:
        """(line number, line) of every line with words, as written."""
        return [(n, line) for n, line in enumerate(self.text.text.splitlines(), 1) if line.strip()]


def school_texts(plan: ZoningPlan) -> list[SchoolText]:
    """Every school's text of a plan, in the plan's order, each with its clauses in source order."""
    clauses: dict[int, list[ZoneRule]] = {}
    for rule in sorted(plan.rules, key=lambda r: (r.line, r.id)):
        clauses.setdefault(rule.school_id, []).append(rule)
    return [SchoolText(t, clauses.get(t.school_id, [])) for t in plan.texts]


@dataclass
class ZoningPage:
    """Everything the public page of one published plan shows."""

    district: object
    plan: ZoningPlan
    schools: list
    scopes: list[tuple[int, str]]
    texts: list[SchoolText]
    base: ZoningPlan | None
    changes: list[SchoolChange]
    text_changes: list[SchoolDiff]
    consultation: Consultation | None = None  # the public consultation the plan went through, if any


def _not_published(district, year: int, stage: str) -> NotFound:
    """404 naming the latest published year of the stage (or any), so the reader can go there."""
    scopes = published_scopes(district.id)
    latest = next(((y, s) for y, s in scopes if s == stage), scopes[0] if scopes else None)
    if latest is None:
        return NotFound(_l("%(district)s还没有发布划片方案。", district=district.name))
    return NotFound(_l("%(district)s %(year)s 年%(stage)s划片尚未发布。", district=district.name, year=year,
                       stage=STAGE_LABELS.get(stage, stage)), latest_year=latest[0], latest_stage=latest[1])


def published_scope_plan(district_code: str, year: int, stage: str) -> ZoningPlan:
    """The published plan of a district, year and stage. :raises NotFound: see ``zoning_page``."""
    district = get_district(district_code)
    plan = published_plan(district.id, year, stage) if stage in ZONING_STAGES else None
    if plan is None:
        raise _not_published(district, year, stage if stage in ZONING_STAGES else "primary")
    return plan


def zoning_page(district_code: str, year: int, stage: str) -> ZoningPage:
    """The published plan of a district, year and stage with its full text and what changed.

    :raises NotFound: when nothing is published there (drafts never show); ``latest_year`` and
        ``latest_stage`` in its detail name the latest published plan, if any.
    """
    plan = published_scope_plan(district_code, year, stage)
    district, base = plan.district, base_plan(plan)
    return ZoningPage(district, plan, schools_of(district.id, stage), published_scopes(district.id),
                      school_texts(plan), base, zone_changes(base, plan), diff_plans(base, plan) if base else [],
                      db.session.scalar(select(Consultation).where(Consultation.plan_id == plan.id)))


def texts_csv(district_code: str, year: int, stage: str) -> tuple[str, list[list[str]]]:
    """(file name, rows) of the published text as 学校,学段,划片范围 — the import format. :raises NotFound:"""
    page = zoning_page(district_code, year, stage)
    rows = [["学校", "学段", "划片范围"]] + [[t.text.school.name, CSV_STAGES[stage], t.text.text] for t in page.texts]
    return f"{district_code}-{year}-{stage}-划片范围.csv", rows


@dataclass
class PublishedVersion:
    """One version of a scope's zoning as it was published, with what it changed in the text."""

    number: int
    status: str
    published_at: datetime
    approval: int | None  # the audit event of its approval
    note: str
    plan: ZoningPlan
    diff: list[SchoolDiff] = field(default_factory=list)


def zoning_history(district_code: str, year: int, stage: str) -> tuple[object, list[PublishedVersion]]:
    """Every version of a scope's zoning ever published, newest first, each with the clause diff
    from the version before. :raises NotFound: when none was ever published."""
    district = get_district(district_code)
    item = zoning_of(district, year, stage) if stage in ZONING_STAGES else None
    if item is None or item.first_published_at is None:
        raise _not_published(district, year, stage if stage in ZONING_STAGES else "primary")
    versions, previous = [], None
    for revision in content.revisions_of(ZONING, item.id):
        if revision.published_at is None:
            continue
        plan = db.session.scalar(select(ZoningPlan).where(ZoningPlan.revision_id == revision.id))
        approval = db.session.scalar(select(AuditEvent.id).where(
            AuditEvent.action == "content.approve", AuditEvent.object_type == "revision",
            AuditEvent.object_id == str(revision.id)).order_by(AuditEvent.id.desc()).limit(1))
        versions.append(PublishedVersion(revision.number, revision.status, revision.published_at, approval,
                                         revision.note, plan, diff_plans(previous, plan) if previous else []))
        previous = plan
    return item, versions[::-1]


def replaced_plan(plan: ZoningPlan) -> ZoningPlan | None:
    """The plan a published plan replaced: the version of its scope published before it, else the
    latest earlier year's published plan (a new year's zoning replaces the last)."""
    item = zoning_of(plan.district, plan.year, plan.stage)
    previous = None
    for revision in content.revisions_of(ZONING, item.id) if item is not None else []:
        if revision.id == plan.revision_id:
            break
        if revision.published_at is not None:
            previous = revision
    if previous is not None:
        return db.session.scalar(select(ZoningPlan).where(ZoningPlan.revision_id == previous.id))
    return base_plan(plan)


def search_texts(terms: list[str], limit: int = 50) -> list[ZoneText]:
    """Published 划片 texts naming every term (a road, an estate, a village), newest year first:
    site search finds the schools whose text names what a parent typed."""
    if not terms:
        return []
    query = (select(ZoneText).join(ZoningPlan, ZoneText.plan_id == ZoningPlan.id)
             .join(Zoning, Zoning.plan_id == ZoningPlan.id)
             .where(Zoning.status == "published", *(contains(ZoneText.text, t) for t in terms))
             .order_by(ZoningPlan.year.desc(), ZoningPlan.stage, ZoneText.position).limit(limit))
    return list(db.session.scalars(query))


@dataclass
class PlanReview:
    """A plan as its editors and reviewers see it: what it is compared with and what it changes."""

    plan: ZoningPlan
    compared: ZoningPlan | None
    texts: list[SchoolText]
    text_changes: list[SchoolDiff]
    zone_changes: list[SchoolChange]
    took_part: bool  # the actor wrote or submitted this version, so may not approve it


def plan_review(actor, plan_id: int) -> PlanReview:
    """A plan for its staff, compared with the published plan it would replace (or, for the
    published one, the year before); an upload that failed validation is no version and is compared
    with nothing. :raises NotFound: see ``get_plan``."""
    plan = get_plan(actor, plan_id)
    compared = base_plan(plan) if plan.revision_id is not None else None
    return PlanReview(plan, compared, school_texts(plan),
                      diff_plans(compared, plan) if plan.revision_id is not None else [],
                      zone_changes(compared, plan),
                      plan.revision is not None and content.took_part(actor, plan.revision))
