"""Public pages: the district list, a district's home page, school pages; the bureau's pages for a
district: creating and editing it (with its boundary file) and its contact."""
from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from enroll.core.errors import Invalid
from enroll.core.i18n import _
from enroll.core.security import can
from enroll.core.web import request_context, show_beside_field, today
from enroll.districts import contacts
from enroll.districts.forms import ContactForm, DistrictForm
from enroll.districts.services import (
    BOUNDARY_FORMATS,
    boundary_area_km2,
    create_district,
    get_district,
    list_districts,
    update_district,
)
from enroll.info_requests import annual
from enroll.schools import profiles
from enroll.migrant import services as migrant
from enroll.results import lotteries
from enroll.results import services as results
from enroll.timeline import services as timeline
from enroll.schools.services import get_school
from enroll.zoning.services import published_scopes, texts_of_school, zones_of_school

bp = Blueprint("public", __name__)
bureau = Blueprint("districts_bureau", __name__, url_prefix="/bureau")
bureau.add_app_template_global(can, "can")  # which staff links a page offers, by the services' own check
BOUNDARY_SUFFIXES = (".zip", ".kmz", ".geojson", ".json", ".kml", ".gpkg")


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
                           report_years=annual.published_years(district.id),
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


@contextmanager
def _boundary_file(form: DistrictForm):
    """The uploaded boundary file as (path, name the user gave it) while the block runs; (None, None)
    without one. A known suffix helps the reader tell the format; anything else is sniffed."""
    upload = form.boundary.data
    if not upload or not upload.filename:
        yield None, None
        return
    original = "".join(ch for ch in upload.filename if ch.isprintable())[:200]
    suffix = Path(original).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="enroll-boundary-") as tmp:
        path = Path(tmp) / f"boundary{suffix if suffix in BOUNDARY_SUFFIXES else ''}"
        upload.save(path)
        yield path, original


def _save_district(form: DistrictForm, code: str | None):
    """Create (``code`` None) or update the district from the form. :returns: the district, or None
    when the service refused (its message put beside the field it names)."""
    options = {"crs": form.crs.data or None, "gcj02": form.gcj02.data, "context": request_context()}
    try:
        with _boundary_file(form) as (path, filename):
            if code is None:
                return create_district(current_user, (form.code.data or "").strip(), boundary_path=path,
                                       filename=filename, **form.to_data(), **options)
            return update_district(current_user, code, form.to_data(), boundary_path=path, filename=filename,
                                   **options)
    except Invalid as exc:
        show_beside_field(form, exc, "name")
        return None


@bureau.route("/districts/new", methods=["GET", "POST"])
def new_district():
    """Create a district (the city administrator, as ``flask districts create``)."""
    if not can(current_user, "districts.create"):
        abort(403)
    form = DistrictForm()
    if form.validate_on_submit() and (district := _save_district(form, None)) is not None:
        flash(_("已创建区县 %(name)s（%(code)s）。", name=district.name, code=district.code))
        return redirect(url_for("districts_bureau.edit_district", code=district.code))
    return render_template("bureau/district_form.html", form=form, district=None, area_km2=None,
                           formats=BOUNDARY_FORMATS), 422 if form.errors else 200


@bureau.route("/d/<code>/edit", methods=["GET", "POST"])
def edit_district(code: str):
    """A district's name, English name, phone, address and boundary (replaced only when a file is given)."""
    district = get_district(code)
    if not can(current_user, "districts.create"):
        abort(403)
    form = DistrictForm()
    if not request.form:
        form.fill(district)
    elif form.validate_on_submit() and _save_district(form, code) is not None:
        flash(_("已保存区县 %(name)s 的修改。", name=district.name))
        return redirect(url_for("districts_bureau.edit_district", code=code))
    return render_template("bureau/district_form.html", form=form, district=district,
                           area_km2=boundary_area_km2(district), formats=BOUNDARY_FORMATS), \
        422 if form.errors else 200
