"""The public disclosure catalogue and negative list (负面清单); the bureau's negative-list editing,
the city admin's working-day calendar and city-wide view."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from enroll.core.errors import Invalid
from enroll.core.i18n import _, _n
from enroll.core.security import can
from enroll.core.web import localized, problem_lines, request_context, show_beside_field, today
from enroll.disclosure import negative_list, overview, services
from enroll.disclosure.forms import CalendarForm, NegativeListForm
from enroll.districts.services import get_district

public = Blueprint("disclosure", __name__)
bp = Blueprint("calendar_bureau", __name__, url_prefix="/bureau")


@public.app_template_global("negative_reason")
def negative_reason(entry: dict) -> str:
    """A negative-list entry's reason as the reader reads it: the withheld sub-reason with its
    article of the 条例, then the bureau's own words (in the reader's language where translated)."""
    basis = localized(entry, "basis") or ""
    found = negative_list.reason_of(entry)
    if found is None:
        return basis
    reason = _("%(reason)s（%(article)s）", reason=found[0], article=found[1])
    return _("%(reason)s：%(basis)s", reason=reason, basis=basis) if basis else reason


@public.get("/d/<code>/<id:year>/disclosure")
def catalogue(code: str, year: int):
    district, items = services.catalogue(code, year)
    return render_template("public/disclosure.html", district=district, year=year, items=items,
                           late_after=services.LATE_AFTER_WORKING_DAYS)


@public.get("/d/<code>/negative-list", endpoint="negative_list")
def negative_list_page(code: str):
    district, published = negative_list.public_negative_list(code)
    return render_template("public/negative_list.html", district=district, negative=published,
                           attributes=negative_list.ATTRIBUTES)


@bp.route("/d/<code>/negative-list", methods=["GET", "POST"], endpoint="negative_list")
@login_required
def negative_list_edit(code: str):
    district = get_district(code)
    data = negative_list.current_data(current_user, code)
    form = NegativeListForm()
    if not request.form:
        form.fill(data)
    problems = []
    if form.validate_on_submit():
        try:
            revision = negative_list.save_negative_list(current_user, code, form.to_data(),
                                                        note=form.note.data or "", context=request_context())
        except Invalid as exc:  # every bad line named above the text, so nothing typed is lost
            if exc.detail.get("errors"):
                problems = problem_lines(exc)
            else:  # a field's problem (personal data in the introduction, say) beside that field
                show_beside_field(form, exc, "intro_en" if exc.detail.get("field") == "translations" else "entries")
        else:
            return redirect(url_for("review.revision", revision_id=revision.id))
    return render_template("bureau/negative_list.html", district=district, form=form, problems=problems,
                           reasons=negative_list.WITHHELD_REASONS), 422 if form.errors or problems else 200


@bp.get("/disclosure", endpoint="overview")
@login_required
def overview_page():
    """Every district's catalogue completeness and overdue requests (the city admin)."""
    lines = overview.city_overview(current_user, today=today(), season_start=current_app.config["SEASON_START"])
    return render_template("bureau/disclosure_overview.html", lines=lines)


@bp.route("/calendar", methods=["GET", "POST"])
@login_required
def calendar():
    if not can(current_user, "calendar.edit"):
        abort(403)
    form = CalendarForm()
    if not request.form:
        form.text.data = services.calendar_csv()
    problems = []
    if form.validate_on_submit():
        try:
            count = services.import_calendar(current_user, form.text.data, context=request_context())
        except Invalid as exc:
            problems = problem_lines(exc)
        else:
            flash(str(_n("已保存 %(num)d 个日期。", count)), "info")
            return redirect(url_for("calendar_bureau.calendar"))
    return render_template("bureau/calendar.html", form=form, problems=problems), 422 if problems else 200
