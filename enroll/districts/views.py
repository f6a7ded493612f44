"""Public pages: the district list, a district's home page, school pages."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from enroll.core.errors import Invalid
from enroll.core.web import request_context, show_beside_field, today
from enroll.districts import contacts
from enroll.districts.forms import ContactForm
from enroll.districts.services import get_district, list_districts
from enroll.schools import profiles
from enroll.migrant import services as migrant
from enroll.results import lotteries
from enroll.results import services as results
from enroll.timeline import services as timeline
from enroll.schools.services import get_school
from enroll.zoning.services import published_scopes, texts_of_school, zones_of_school

bp = Blueprint("public", __name__)
bureau = Blueprint("districts_bureau", __name__, url_prefix="/bureau")


@bp.get("/")
def index():
    return render_template("public/index.html", districts=list_districts())


@bp.get("/d/<code>/")
def district(code: str):
    district = get_district(code)
    now = today()
    scopes, migrant_scopes = published_scopes(district.id), migrant.published_scopes(district.id)
    timeline_years = timeline.published_years(district.id)
    result_years = results.published_years(district.id)
    # the catalogue of the admission year being prepared, and of every year with something published
    years = sorted({now.year + (now.month >= 9), *(y for y, _ in scopes), *(y for y, _ in migrant_scopes),
                    *timeline_years, *result_years}, reverse=True)
    return render_template("public/district.html", district=district, scopes=scopes, migrant_scopes=migrant_scopes,
                           upcoming=timeline.upcoming(district.id, now), timeline_years=timeline_years,
                           catalogue_years=years, result_years=result_years,
                           lotteries=lotteries.published_lotteries_of_district(district.id),
                           contact=contacts.published_contact(district.id))


@bp.get("/schools/<id:school_id>")
def school(school_id: int):
    school = get_school(school_id)
    return render_template("public/school.html", school=school, zones=zones_of_school(school.id),
                           zone_texts=texts_of_school(school.id),
                           profile=profiles.published_profile(school.id),
                           plans=profiles.published_enrollment_plans(school.id),
                           feeders=profiles.feeder_primaries(school.id),
                           results=results.school_history(school.id)[::-1],
                           lotteries=lotteries.published_lotteries_of_school(school.id))


@bureau.before_request
@login_required
def require_login():
    """Every bureau page needs a signed-in user."""


@bureau.route("/d/<code>/contact", methods=["GET", "POST"])
def contact(code: str):
    district = get_district(code)
    data = contacts.current_data(current_user, code)
    form = ContactForm()
    if not request.form:
        form.fill(data)
    if form.validate_on_submit():
        try:
            revision = contacts.save_contact(current_user, code, form.to_data(), note=form.note.data or "",
                                             context=request_context())
        except Invalid as exc:
            show_beside_field(form, exc, "office")
        else:
            return redirect(url_for("review.revision", revision_id=revision.id))
    return render_template("bureau/contact.html", district=district, form=form), 422 if form.errors else 200
