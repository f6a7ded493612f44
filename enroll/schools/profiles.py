"""School profiles, enrollment plans and the 对口 feeder relation, edited by schools and reviewed
by their district through the one review workflow (``enroll.review.content``)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from enroll.core import fields
from enroll.core.context import Context
from enroll.core.errors import Invalid, NotFound
from enroll.core.html import sanitize_html
from enroll.core.i18n import _l, _n
from enroll.core.security import authorize
from enroll.core.text import decode_upload
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.review import content, states
from enroll.schools.models import EnrollmentPlan, School, SchoolProfile
from enroll.schools.services import get_school, schools_of

PROFILE_FIELDS = {
    "intro": _l("学校简介"), "address": _l("地址"), "phone": _l("电话"), "email": _l("电子邮件"),
    "website": _l("网站"), "consult_hours": _l("咨询时间"), "students": _l("在校生人数"), "classes": _l("班级数"),
    "teachers": _l("教职工人数"), "site_area": _l("占地面积（平方米）"), "facilities": _l("设施设备"),
    "feeder": _l("对口初中"), "translations": _l("译文"),
}
PLAN_FIELDS = {"year": _l("招生年度"), "classes": _l("计划班数"), "places": _l("计划招生人数"), "notes": _l("招生说明")}


def profile_data(school: School, data: dict) -> dict:
    """A profile revision's data, checked and normalized. :raises Invalid: naming the field."""
    feeder = data.get("feeder") or None
    if feeder is not None:
        junior = db.session.get(School, int(feeder))
        if school.stage != "primary" or junior is None or junior.district_id != school.district_id \
                or junior.stage not in ("junior", "nine_year"):
            raise Invalid(_l("对口学校必须是本区县的初中，且只有小学填写对口初中。"), field="feeder")
        feeder = junior.id
    english = (data.get("translations") or {}).get("en") or {}
    translations = {"en": {"intro": sanitize_html(str(english.get("intro") or ""))}} if english.get("intro") else {}
    return {
        "intro": sanitize_html(fields.text(data, "intro", PROFILE_FIELDS["intro"], limit=20_000)),
        "address": fields.text(data, "address", PROFILE_FIELDS["address"]),
        "phone": fields.phone(data, "phone", PROFILE_FIELDS["phone"], limit=50),
        "email": fields.email(data, "email", PROFILE_FIELDS["email"]),
        "website": fields.web_address(data, "website", PROFILE_FIELDS["website"]),
        "consult_hours": fields.text(data, "consult_hours", PROFILE_FIELDS["consult_hours"], limit=100),
        "students": fields.count(data, "students", PROFILE_FIELDS["students"], limit=100_000),
        "classes": fields.count(data, "classes", PROFILE_FIELDS["classes"], limit=2_000),
        "teachers": fields.count(data, "teachers", PROFILE_FIELDS["teachers"], limit=20_000),
        "site_area": fields.count(data, "site_area", PROFILE_FIELDS["site_area"]),
        "facilities": fields.text(data, "facilities", PROFILE_FIELDS["facilities"], limit=5_000),
        "feeder": feeder,
        "translations": translations,
    }


def plan_data(data: dict) -> dict:
    """An enrollment plan revision's data. :raises Invalid: naming the field."""
    return {"year": fields.year(data, required=True),
            "classes": fields.count(data, "classes", PLAN_FIELDS["classes"], required=True, limit=200),
            "places": fields.count(data, "places", PLAN_FIELDS["places"], required=True, limit=20_000),
            "notes": fields.text(data, "notes", PLAN_FIELDS["notes"], limit=5_000)}


def _apply_profile(profile: SchoolProfile, data: dict) -> None:
    for key in ("intro", "address", "phone", "email", "website", "consult_hours", "students", "classes",
                "teachers", "site_area", "facilities", "translations"):
        setattr(profile, key, data[key])
    profile.feeder_school_id = data["feeder"]


def _apply_plan(plan: EnrollmentPlan, data: dict) -> None:
    plan.classes, plan.places, plan.notes = data["classes"], data["places"], data["notes"]


PROFILE = content.register(content.ContentKind(
    name="school_profile", model=SchoolProfile, permission="schools", label=_l("学校概况"), fields=PROFILE_FIELDS,
    apply=_apply_profile, title=lambda item, data: item.school.name, html_fields=("intro",),
    edit_endpoint="schools_bureau.profile", edit_args=lambda item: {"school_id": item.school_id},
    public_endpoint="public.school", public_args=lambda item: {"school_id": item.school_id},
    office_fields=("email",)))
PLAN = content.register(content.ContentKind(
    name="enrollment_plan", model=EnrollmentPlan, permission="schools", label=_l("招生计划"), fields=PLAN_FIELDS,
    apply=_apply_plan, title=lambda item, data: f"{item.school.name} {item.year}", html_fields=(),
    edit_endpoint="schools_bureau.enrollment_plan", edit_args=lambda item: {"school_id": item.school_id,
                                                                            "year": item.year},
    public_endpoint="public.school", public_args=lambda item: {"school_id": item.school_id}))


def _school_for(actor, school_id: int) -> School:
    school = get_school(school_id)
    authorize(actor, "schools.edit", school.district_id, school.id)
    return school


def profile_of(school_id: int) -> SchoolProfile | None:
    return db.session.scalar(select(SchoolProfile).where(SchoolProfile.school_id == school_id))


def save_profile(actor, school_id: int, data: dict, *, note: str = "", context: Context = Context()):
    """Write the school's profile draft (its school editor or the district). Commits. :returns: the revision."""
    revision = _draft_profile(actor, school_id, data, note, context)
    db.session.commit()
    return revision


def _draft_profile(actor, school_id: int, data: dict, note: str, context: Context):
    school = _school_for(actor, school_id)
    profile = profile_of(school.id)
    if profile is None:
        profile = SchoolProfile(district_id=school.district_id, school_id=school.id, school=school)
        db.session.add(profile)
    return content.save_draft(actor, PROFILE, profile, profile_data(school, data), note, context=context)


def enrollment_plan_of(school_id: int, year: int) -> EnrollmentPlan | None:
    return db.session.scalar(select(EnrollmentPlan).where(EnrollmentPlan.school_id == school_id,
                                                          EnrollmentPlan.year == year))


def enrollment_plans_of(school_id: int) -> list[EnrollmentPlan]:
    """Every plan of a school, whatever its status, newest year first (for its staff)."""
    return list(db.session.scalars(select(EnrollmentPlan).where(EnrollmentPlan.school_id == school_id)
                                   .order_by(EnrollmentPlan.year.desc())))


def save_enrollment_plan(actor, school_id: int, data: dict, *, note: str = "", context: Context = Context()):
    """Write the draft plan of one admission year. Commits. :returns: the revision."""
    revision = _draft_plan(actor, school_id, data, note, context)
    db.session.commit()
    return revision


def _draft_plan(actor, school_id: int, data: dict, note: str, context: Context):
    school = _school_for(actor, school_id)
    checked = plan_data(data)
    plan = enrollment_plan_of(school.id, checked["year"])
    if plan is None:
        plan = EnrollmentPlan(district_id=school.district_id, school_id=school.id, year=checked["year"], school=school)
        db.session.add(plan)
    return content.save_draft(actor, PLAN, plan, checked, note, context=context)


def _all_or_nothing(drafts) -> list:
    """Run every draft step, then commit once; on the first refusal roll everything back."""
    try:
        revisions = [step() for step in drafts]
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    return revisions


def _csv_rows(path) -> list[tuple[int, dict]]:
    return list(enumerate(csv.DictReader(io.StringIO(decode_upload(Path(path).read_bytes()))), start=2))


def _refuse(path, errors: list) -> Invalid:
    return Invalid(_n("文件 %(file)s 有 %(num)d 处错误，未导入。", len(errors), file=Path(path).name), errors=errors)


def import_feeders(actor, district_code: str, path, *, context: Context = Context()) -> list:
    """Profile drafts setting each primary school's 对口初中 from a CSV (primary, junior).

    :returns: the draft revisions. :raises Invalid: with every bad line; nothing is written then.
    """
    by_name = {s.name: s for s in schools_of(get_district(district_code).id)}
    errors, pairs = [], []
    for line, row in _csv_rows(path):
        primary, junior = by_name.get((row.get("primary") or "").strip()), by_name.get((row.get("junior") or "").strip())
        if primary is None or junior is None:
            errors.append((line, "primary" if primary is None else "junior", _l("学校不在本区县的名录中。")))
        else:
            pairs.append((primary, junior))
    if errors:
        raise _refuse(path, errors)
    return _all_or_nothing(lambda p=p, j=j: _draft_profile(actor, p.id, dict(_current_profile_data(p), feeder=j.id), "",
                                                            context) for p, j in pairs)


def import_enrollment_plans(actor, district_code: str, path, *, context: Context = Context()) -> list:
    """Enrollment plan drafts from a CSV (school, year, classes, places, notes).

    :returns: the draft revisions. :raises Invalid: with every bad line; nothing is written then.
    """
    by_name = {s.name: s for s in schools_of(get_district(district_code).id)}
    errors, plans = [], []
    for line, row in _csv_rows(path):
        school = by_name.get((row.get("school") or "").strip())
        if school is None:
            errors.append((line, "school", _l("学校不在本区县的名录中。")))
            continue
        try:
            plans.append((school, plan_data(row)))
        except Invalid as exc:
            errors.append((line, exc.detail.get("field", ""), exc.message))
    if errors:
        raise _refuse(path, errors)
    return _all_or_nothing(lambda s=school, d=data: _draft_plan(actor, s.id, d, "", context) for school, data in plans)


def _current_profile_data(school: School) -> dict:
    revision = content.current_revision(PROFILE, profile_of(school.id))
    return dict(revision.data) if revision else {"address": school.address, "phone": school.phone}


def current_profile_data(actor, school_id: int) -> dict:
    """What the profile form starts from: the open draft, else what is published, else the register."""
    return _current_profile_data(_school_for(actor, school_id))


# -------------------------------------------------------------------------------- public reads


def published_profile(school_id: int) -> SchoolProfile | None:
    profile = profile_of(school_id)
    return profile if profile is not None and profile.status == states.PUBLISHED else None


def published_enrollment_plans(school_id: int) -> list[EnrollmentPlan]:
    return list(db.session.scalars(select(EnrollmentPlan).where(
        EnrollmentPlan.school_id == school_id, EnrollmentPlan.status == states.PUBLISHED
    ).order_by(EnrollmentPlan.year.desc())))


def published_profiles_of(school_ids) -> dict[int, SchoolProfile]:
    """school id → its published profile (with the feeder junior loaded), in one query for them all."""
    return {p.school_id: p for p in db.session.scalars(select(SchoolProfile).where(
        SchoolProfile.school_id.in_(list(school_ids)), SchoolProfile.status == states.PUBLISHED)
        .options(selectinload(SchoolProfile.feeder_school)))}


def published_plans_of(school_ids, year: int) -> dict[int, list[EnrollmentPlan]]:
    """school id → its published enrollment plans of ``year``, in one query for them all."""
    plans: dict[int, list[EnrollmentPlan]] = {}
    for plan in db.session.scalars(select(EnrollmentPlan).where(
            EnrollmentPlan.school_id.in_(list(school_ids)), EnrollmentPlan.year == year,
            EnrollmentPlan.status == states.PUBLISHED)):
        plans.setdefault(plan.school_id, []).append(plan)
    return plans


def feeder_primaries(junior_id: int) -> list[School]:
    """Primary schools whose published profile names this junior school as their 对口初中."""
    return list(db.session.scalars(select(School).join(SchoolProfile, SchoolProfile.school_id == School.id).where(
        SchoolProfile.feeder_school_id == junior_id, SchoolProfile.status == states.PUBLISHED).order_by(School.name)))


def school_of_editor(actor) -> School:
    """The school a school editor works for. :raises NotFound:"""
    if actor is None or actor.school_id is None:
        raise NotFound(_l("学校不存在。"))
    return get_school(actor.school_id)
