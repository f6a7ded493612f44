"""Timeline pages: the public schedule and its iCalendar file; the bureau's editing."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required

from enroll.core.errors import Invalid
from enroll.core.web import problem_lines, request_context
from enroll.districts.services import get_district
from enroll.timeline import services
from enroll.timeline.forms import TimelineForm

public = Blueprint("timeline", __name__)
bp = Blueprint("timeline_bureau", __name__, url_prefix="/bureau")


@public.get("/d/<code>/<id:year>/timeline")
def page(code: str, year: int):
    timeline = services.published_timeline(code, year)
    return render_template("public/timeline.html", district=timeline.district, timeline=timeline)


@public.get("/d/<code>/<id:year>/timeline.ics")
def calendar(code: str, year: int):
    timeline = services.published_timeline(code, year)
    locale = str(get_locale())  # ?lang= on the file's link: a calendar program sends no cookie
    body = services.ics(timeline, url_for("timeline.page", code=code, year=year, _external=True), locale)
    response = current_app.response_class(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="timeline-{code}-{year}.ics"'
    return response


@bp.before_request
@login_required
def require_login():
    """Every bureau page needs a signed-in user."""


@bp.route("/d/<code>/timeline/<id:year>", methods=["GET", "POST"])
def edit(code: str, year: int):
    district = get_district(code)
    form = TimelineForm()
    if not request.form:
        form.text.data = services.current_text(current_user, code, year)
    problems = []
    if form.validate_on_submit():
        try:
            revision = services.save_timeline(current_user, code, year, form.text.data, note=form.note.data or "",
                                              context=request_context())
        except Invalid as exc:  # shown beside the text, line by line, so nothing typed is lost
            problems = problem_lines(exc)
        else:
            return redirect(url_for("review.revision", revision_id=revision.id))
    return render_template("bureau/timeline.html", district=district, year=year, form=form, problems=problems), \
        422 if form.errors or problems else 200
