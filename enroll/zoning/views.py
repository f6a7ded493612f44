"""Zoning pages: the public map with its text list; the bureau's upload, report and review."""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import escape

from enroll.core.i18n import _
from enroll.core.security import can
from enroll.core.web import request_context, today
from enroll.districts.services import get_district, list_districts
from enroll.lookup.services import cross_check
from enroll.maps import build_map
from enroll.schools.services import schools_of
from enroll.zoning import rules as zoning_rules
from enroll.zoning import services
from enroll.zoning.forms import ActionForm, RejectForm, RulesForm, UploadForm
from enroll.zoning.messages import annotate

public = Blueprint("zoning", __name__)
bp = Blueprint("bureau", __name__, url_prefix="/bureau")
UPLOAD_SUFFIXES = (".zip", ".kmz", ".geojson", ".json", ".kml", ".gpkg")


def map_parts(district, plan, geojson_url: str):
    """The folium map of a plan, with every school of its stage as a marker."""
    schools = [s for s in schools_of(district.id, plan.stage) if s.point is not None]
    markers = [{"lat": s.point.y, "lon": s.point.x, "name": s.name,
                "popup_html": f'<a href="{escape(url_for("public.school", school_id=s.id))}">{escape(s.name)}</a>'
                              f"<br>{escape(s.address)}"} for s in schools]
    bounds = district.boundary.bounds if district.boundary is not None else services.plan_bounds(plan)
    cfg = current_app.config
    return build_map(bounds=bounds, geojson_url=geojson_url, markers=markers, tiles=cfg["MAP_TILES"],
                     static_url=lambda f: url_for("static", filename=f), tianditu_key=cfg["TIANDITU_KEY"],
                     approval=cfg["TIANDITU_APPROVAL"])


@public.get("/d/<code>/<id:year>/<stage>/")
def zoning_map(code: str, year: int, stage: str):
    page = services.public_zoning_page(code, year, stage)
    # the plan id in the URL: a cached copy never outlives the version it belongs to
    url = url_for("zoning.zoning_geojson", code=code, year=year, stage=stage, plan=page.plan.id)
    return render_template("public/zoning.html", page=page, district=page.district, plan=page.plan,
                           map=map_parts(page.district, page.plan, url))


@public.get("/d/<code>/<id:year>/<stage>/zones.geojson")
def zoning_geojson(code: str, year: int, stage: str):
    page = services.public_zoning_page(code, year, stage)
    response = jsonify(services.plan_geojson(page.plan))
    response.mimetype = "application/geo+json"
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@bp.before_request
@login_required
def require_login():
    """Every bureau page needs a signed-in user."""


@bp.get("/")
def dashboard():
    districts = [d for d in list_districts() if can(current_user, "zoning.view_drafts", d.id)]
    plans = {d.code: services.plans_of(current_user, d.code) for d in districts}
    now = today()
    return render_template("bureau/dashboard.html", districts=districts, plans=plans,
                           current_year=now.year + (now.month >= 9))  # the admission year being prepared


@bp.route("/d/<code>/upload", methods=["GET", "POST"])
def upload(code: str):
    district = get_district(code)
    if not can(current_user, "zoning.import", district.id):
        abort(403)
    form = UploadForm()
    if form.validate_on_submit():
        original = "".join(ch for ch in form.file.data.filename or "upload" if ch.isprintable())[:200]
        suffix = Path(original).suffix.lower()
        with tempfile.TemporaryDirectory(prefix="enroll-upload-") as tmp:
            # a known suffix helps format detection; anything else is sniffed from the content
            path = Path(tmp) / f"upload{suffix if suffix in UPLOAD_SUFFIXES else ''}"
            form.file.data.save(path)
            plan = services.import_plan(
                current_user, code, form.year.data, form.stage.data, path, filename=original,
                crs=form.crs.data or None, gcj02=form.gcj02.data, school_field=form.school_field.data or None,
                context=request_context())
        return redirect(url_for("bureau.plan", plan_id=plan.id))
    return render_template("bureau/upload.html", district=district, form=form), 200 if not form.errors else 422


@bp.route("/d/<code>/rules", methods=["GET", "POST"])
def rules(code: str):
    """Paste the official 划片 text (the same CSV as ``flask zones import-rules``)."""
    district = get_district(code)
    if not can(current_user, "zoning.import", district.id):
        abort(403)
    form = RulesForm()
    if form.validate_on_submit():
        with tempfile.TemporaryDirectory(prefix="enroll-rules-") as tmp:
            path = Path(tmp) / "划片文字.csv"
            path.write_text(form.text.data, encoding="utf-8")
            plans = zoning_rules.import_rules(current_user, code, form.year.data, path, context=request_context())
        return redirect(url_for("bureau.plan", plan_id=plans[0].id))
    return render_template("bureau/rules.html", district=district, form=form), 200 if not form.errors else 422


@bp.get("/plans/<id:plan_id>/cross-check")
def plan_cross_check(plan_id: int):
    plan = services.get_plan(current_user, plan_id)
    return render_template("bureau/cross_check.html", plan=plan, report=cross_check(current_user, plan_id))


@bp.get("/plans/<id:plan_id>")
def plan(plan_id: int):
    plan = services.get_plan(current_user, plan_id)
    parts = None
    if plan.zones:
        parts = map_parts(plan.district, plan, url_for("bureau.plan_geojson", plan_id=plan.id))
    findings = annotate(plan.report.get("findings", []))
    base, changes = services.plan_changes(plan)
    return render_template("bureau/plan.html", plan=plan, findings=findings, map=parts, base=base, changes=changes,
                           action_form=ActionForm(), reject_form=RejectForm(),
                           may=lambda action: can(current_user, f"zoning.{action}", plan.district_id))


@bp.get("/plans/<id:plan_id>/report.json")
def plan_report(plan_id: int):
    plan = services.get_plan(current_user, plan_id)
    findings = annotate(plan.report.get("findings", []))
    return jsonify({"plan": plan.id, "status": plan.status, "errors": plan.error_count,
                    "warnings": plan.warning_count, "stats": plan.report.get("stats", {}), "findings": findings})


@bp.get("/plans/<id:plan_id>/zones.geojson")
def plan_geojson(plan_id: int):
    response = jsonify(services.plan_geojson(services.get_plan(current_user, plan_id)))
    response.mimetype = "application/geo+json"
    return response


ACTIONS = {
    "submit": (services.submit_plan, lambda: _("已提交审核。")),
    "approve": (services.approve_plan, lambda: _("已审核通过并发布。")),
    "withdraw": (services.withdraw_plan, lambda: _("已撤回。")),
}


@bp.post("/plans/<id:plan_id>/<action>")
def act(plan_id: int, action: str):
    if action not in ACTIONS and action not in ("reject", "discard"):
        abort(404)
    form = RejectForm() if action == "reject" else ActionForm()
    if not form.validate_on_submit():
        flash(_("请填写退回理由。") if action == "reject" else _("表单已过期，请重试。"), "error")
        return redirect(url_for("bureau.plan", plan_id=plan_id))
    if action == "reject":
        services.reject_plan(current_user, plan_id, form.reason.data, context=request_context())
        flash(_("已退回修改。"), "info")
    elif action == "discard":
        services.discard_plan(current_user, plan_id, context=request_context())
        flash(_("草稿已删除。"), "info")
        return redirect(url_for("bureau.dashboard"))
    else:
        service, message = ACTIONS[action]
        service(current_user, plan_id, context=request_context())
        flash(message(), "info")
    return redirect(url_for("bureau.plan", plan_id=plan_id))
