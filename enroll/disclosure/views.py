"""The public disclosure catalogue, and the city admin's working-day calendar."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from enroll.core.errors import Invalid
from enroll.core.i18n import _n
from enroll.core.security import can
from enroll.core.web import problem_lines, request_context
from enroll.disclosure import services
from enroll.disclosure.forms import CalendarForm

public = Blueprint("disclosure", __name__)
bp = Blueprint("calendar_bureau", __name__, url_prefix="/bureau")


@public.get("/d/<code>/<id:year>/disclosure")
def catalogue(code: str, year: int):
    district, items = services.catalogue(code, year)
    return render_template("public/disclosure.html", district=district, year=year, items=items,
                           late_after=services.LATE_AFTER_WORKING_DAYS)


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
