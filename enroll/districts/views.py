"""Public pages: the district list, a district's home page, school pages."""
from __future__ import annotations

from flask import Blueprint, render_template

from enroll.districts.services import get_district, list_districts
from enroll.schools.services import get_school
from enroll.zoning.services import published_scopes, zones_of_school

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    return render_template("public/index.html", districts=list_districts())


@bp.get("/d/<code>/")
def district(code: str):
    district = get_district(code)
    return render_template("public/district.html", district=district, scopes=published_scopes(district.id))


@bp.get("/schools/<id:school_id>")
def school(school_id: int):
    school = get_school(school_id)
    return render_template("public/school.html", school=school, zones=zones_of_school(school.id))
