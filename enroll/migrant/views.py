"""Migrant children's pages: requirements with the parents' self-check (nothing stored); the bureau's editing."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from enroll.core.errors import BadRequest, Invalid
from enroll.core.forms import STALE
from enroll.core.web import problem_lines, request_context
from enroll.districts.services import get_district
from enroll.extensions import csrf
from enroll.migrant import services
from enroll.migrant.forms import RequirementForm, SelfCheckForm

public = Blueprint("migrant", __name__)
bp = Blueprint("migrant_bureau", __name__, url_prefix="/bureau")


@public.route("/d/<code>/<id:year>/migrant/<stage>", methods=["GET", "POST"])
@csrf.exempt  # the self-check checks its own token: a stale one shows the answers again, kept
def page(code: str, year: int, stage: str):
    """The requirements, and on POST the self-check's answer (POST: answers never appear in URLs or logs)."""
    item = services.published_requirement(code, year, stage)
    form, result, problem = SelfCheckForm(), None, None
    if form.validate_on_submit():
        try:
            result = services.self_check(item, services.answers_from(request.form),
                                         locator=current_app.config["ZONE_LOCATOR"])
        except BadRequest as exc:
            problem = exc.message
    elif form.stale:
        problem = STALE
    response = current_app.make_response(render_template(
        "public/migrant.html", district=item.district, item=item, form=form, result=result, problem=problem))
    if request.method == "POST":
        response.status_code = 200 if result else 400
        response.headers["Cache-Control"] = "no-store"  # a personal answer: never kept by a cache
    return response


@bp.before_request
@login_required
def require_login():
    """Every bureau page needs a signed-in user."""


FIELDS = ("permit_required", "insurance_months", "housing", "documents", "alternatives", "steps", "office")
ENGLISH = {"en_alternatives": "alternatives", "en_office": "office"}  # form field → the rules' translated field


@bp.route("/d/<code>/migrant/<id:year>/<stage>", methods=["GET", "POST"])
def edit(code: str, year: int, stage: str):
    """The requirements with their English beside the Chinese (documents and steps line by line,
    the rest in fields of their own), saved as one draft for review."""
    district = get_district(code)
    form = RequirementForm()
    if not request.form:
        data = services.as_form_text(services.current_data(current_user, code, year, stage))
        english = (data.get("translations") or {}).get("en") or {}
        for name in FIELDS:
            form[name].data = data.get(name)
        for name, key in ENGLISH.items():
            form[name].data = english.get(key, "")
    problems = []
    if form.validate_on_submit():
        values = {name: form[name].data for name in FIELDS}
        values["translations"] = {"en": {key: form[name].data for name, key in ENGLISH.items()}}
        try:
            revision = services.save_requirement(current_user, code, year, stage, values, note=form.note.data or "",
                                                 context=request_context())
        except Invalid as exc:
            problems = problem_lines(exc)
        else:
            return redirect(url_for("review.revision", revision_id=revision.id))
    return render_template("bureau/migrant.html", district=district, year=year, stage=stage, form=form,
                           problems=problems), 422 if form.errors or problems else 200
