"""School pages for staff: the district's list of schools, adding and editing a school and importing
a CSV of them (district editors); a school's profile and enrollment plans, edited by the school,
reviewed by the district (the public school page is in ``enroll.districts.views``)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from enroll.core.errors import Invalid
from enroll.core.forms import options
from enroll.core.i18n import _
from enroll.core.security import can
from enroll.core.web import problem_lines, request_context, show_beside_field
from enroll.districts.services import get_district
from enroll.results import lotteries
from enroll.results import services as results
from enroll.review import content
from enroll.schools import profiles
from enroll.schools.forms import ImportForm, PlanForm, ProfileForm, SchoolForm, YearForm
from enroll.schools.services import (
    COLUMNS,
    HEADINGS,
    create_school,
    editable_school,
    get_school,
    import_school_file,
    schools_of,
    update_school,
)

bp = Blueprint("schools_bureau", __name__, url_prefix="/bureau")


@bp.before_request
@login_required
def require_login():
    """Every bureau page needs a signed-in user."""


@bp.get("/d/<code>/schools/")
def district_schools(code: str):
    district = get_district(code)
    if not content.can_manage(current_user, profiles.PROFILE, district.id):
        abort(403)
    rows = []
    for school in schools_of(district.id):
        profile = profiles.profile_of(school.id)
        rows.append((school, profile, profile and content.open_revision(profiles.PROFILE, profile.id)))
    return render_template("bureau/schools.html", district=district, rows=rows)


@bp.get("/schools/<id:school_id>")
def school(school_id: int):
    school = get_school(school_id)
    if not content.can_manage(current_user, profiles.PROFILE, school.district_id, school.id):
        abort(403)
    profile = profiles.profile_of(school.id)
    plans = list(profiles.enrollment_plans_of(school.id))
    return render_template("bureau/school.html", school=school, profile=profile, plans=plans,
                           profile_revisions=content.revisions_of(profiles.PROFILE, profile.id) if profile else [],
                           plan_revisions={p.id: content.revisions_of(profiles.PLAN, p.id) for p in plans},
                           year_form=YearForm(), results=results.results_of_school(school.id),
                           lotteries=lotteries.lotteries_of_school(school.id),
                           may_edit=can(current_user, "schools.edit", school.district_id, school.id))


@bp.route("/schools/<id:school_id>/profile", methods=["GET", "POST"])
def profile(school_id: int):
    school = editable_school(current_user, school_id)
    data = profiles.current_profile_data(current_user, school.id)
    form = ProfileForm()
    juniors = [s for s in schools_of(school.district_id, "junior") if s.stage in ("junior", "nine_year")]
    form.feeder.choices = options([(0, "—")] + [(s.id, s.name) for s in juniors])
    if not request.form:
        for name in ("intro", "address", "phone", "email", "website", "consult_hours", "students", "classes",
                     "teachers", "site_area", "facilities"):
            form[name].data = data.get(name)
        form.feeder.data = data.get("feeder") or 0
        form.intro_en.data = (data.get("translations") or {}).get("en", {}).get("intro", "")
    if form.validate_on_submit():
        values = {name: form[name].data for name in ("intro", "address", "phone", "email", "website",
                                                     "consult_hours", "students", "classes", "teachers",
                                                     "site_area", "facilities")}
        values.update(feeder=form.feeder.data or None, translations={"en": {"intro": form.intro_en.data or ""}})
        try:
            revision = profiles.save_profile(current_user, school.id, values, note=form.note.data or "",
                                             context=request_context())
        except Invalid as exc:
            show_beside_field(form, exc, "intro")
        else:
            return redirect(url_for("review.revision", revision_id=revision.id))
    return render_template("bureau/school_profile.html", school=school, form=form,
                           primary=school.stage == "primary"), 422 if form.errors else 200


@bp.route("/schools/<id:school_id>/plans/<id:year>", methods=["GET", "POST"])
def enrollment_plan(school_id: int, year: int):
    school = editable_school(current_user, school_id)
    form = PlanForm()
    plan = profiles.enrollment_plan_of(school.id, year)
    if plan is not None and not request.form:
        revision = content.current_revision(profiles.PLAN, plan)
        for name in ("classes", "places", "notes"):
            form[name].data = revision.data.get(name) if revision else None
    if form.validate_on_submit():
        revision = profiles.save_enrollment_plan(
            current_user, school.id, {"year": year, "classes": form.classes.data, "places": form.places.data,
                                      "notes": form.notes.data or ""},
            note=form.note.data or "", context=request_context())
        return redirect(url_for("review.revision", revision_id=revision.id))
    return render_template("bureau/enrollment_plan.html", school=school, year=year, form=form), \
        422 if form.errors else 200


@bp.post("/schools/<id:school_id>/plans/")
def new_enrollment_plan(school_id: int):
    school = editable_school(current_user, school_id)
    form = YearForm()
    if not form.validate_on_submit():
        abort(400)
    return redirect(url_for("schools_bureau.enrollment_plan", school_id=school.id, year=form.year.data))


SHOWN_PROBLEMS = 100  # a broken file's first problems; the count names the rest


def _may_import(district_id: int) -> None:
    if not can(current_user, "schools.import", district_id):
        abort(403)


@bp.route("/d/<code>/schools/new", methods=["GET", "POST"])
def new_school(code: str):
    district = get_district(code)
    _may_import(district.id)
    form = SchoolForm()
    if form.validate_on_submit():
        try:
            school = create_school(current_user, code, form.to_data(), context=request_context())
        except Invalid as exc:
            show_beside_field(form, exc, "name")
        else:
            flash(_("已添加学校 %(name)s。", name=school.name))
            return redirect(url_for("schools_bureau.district_schools", code=code))
    return render_template("bureau/school_form.html", district=district, school=None, form=form), \
        422 if form.errors else 200


@bp.route("/schools/<id:school_id>/edit", methods=["GET", "POST"])
def edit_school(school_id: int):
    school = get_school(school_id)
    _may_import(school.district_id)
    form = SchoolForm()
    if not request.form:
        form.fill(school)
    elif form.validate_on_submit():
        try:
            update_school(current_user, school.id, form.to_data(), context=request_context())
        except Invalid as exc:
            show_beside_field(form, exc, "name")
        else:
            flash(_("已保存学校 %(name)s 的修改。", name=school.name))
            return redirect(url_for("schools_bureau.district_schools", code=school.district.code))
    return render_template("bureau/school_form.html", district=school.district, school=school, form=form), \
        422 if form.errors else 200


@bp.route("/d/<code>/schools/import", methods=["GET", "POST"])
def import_file(code: str):
    """Upload a CSV of the district's schools (as ``flask schools import``): all rows or none."""
    district = get_district(code)
    _may_import(district.id)
    form, problems = ImportForm(), []
    if form.validate_on_submit():
        upload = form.file.data
        filename = "".join(ch for ch in upload.filename or "schools.csv" if ch.isprintable())[:200]
        try:
            result = import_school_file(current_user, code, upload.read(), filename, context=request_context())
        except Invalid as exc:
            problems = problem_lines(exc)
        else:
            flash(_("已导入 %(file)s：新增 %(created)d 所学校，更新 %(updated)d 所。", file=filename,
                    created=result.created, updated=result.updated))
            return redirect(url_for("schools_bureau.district_schools", code=code))
    return render_template("bureau/school_import.html", district=district, form=form, columns=COLUMNS, headings=HEADINGS,
                           problems=problems[:SHOWN_PROBLEMS + 1], hidden=max(0, len(problems) - SHOWN_PROBLEMS - 1)), \
        422 if problems or form.errors else 200
