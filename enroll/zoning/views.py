"""Zoning pages: the public plan with its full text, map, CSV and history; the bureau's upload,
paste, plan page (report, clause diff, test an address) — its review steps are the one workflow's."""
from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import escape

from enroll.core.errors import BadRequest, Conflict, Invalid, NotFound
from enroll.core.i18n import _
from enroll.core.page_cache import cached_page
from enroll.core.security import can
from enroll.core.text import to_csv
from enroll.core.web import problem_lines, request_context, today
from enroll.districts.services import get_district, list_districts
from enroll.info_requests import services as info_requests
from enroll.lookup import changes
from enroll.lookup.index import published_version
from enroll.lookup.services import cross_check, lookup_in_plan
from enroll.review.forms import ActionForm, ReasonForm
from enroll.schools.services import schools_of
from enroll.zoning import consultations, services, texts, years
from enroll.zoning import public as zoning_public
from enroll.zoning.forms import ConsultationForm, RulesForm, UploadForm, YearForm
from enroll.zoning.messages import annotate
from enroll.zoning.report import report_view

public = Blueprint("zoning", __name__)
bp = Blueprint("bureau", __name__, url_prefix="/bureau")
UPLOAD_SUFFIXES = (".zip", ".kmz", ".geojson", ".json", ".kml", ".gpkg")


def map_parts(district, plan, geojson_url: str, click_visit: tuple[str, str] | None = None):
    """The folium map of a plan, with every school of its stage as a marker (``click_visit``: see
    ``maps.folium_map.ClickVisit``)."""
    from enroll.maps.folium_map import build_map  # folium on the first map, not at every start

    schools = [s for s in schools_of(district.id, plan.stage) if s.point is not None]
    markers = [{"lat": s.point.y, "lon": s.point.x, "name": s.name,
                "popup_html": f'<a href="{escape(url_for("public.school", school_id=s.id))}">{escape(s.name)}</a>'
                              f"<br>{escape(s.address)}"} for s in schools]
    bounds = district.boundary.bounds if district.boundary is not None else services.plan_bounds(plan)
    cfg = current_app.config
    return build_map(bounds=bounds, geojson_url=geojson_url, markers=markers, tiles=cfg["MAP_TILES"],
                     static_url=lambda f: url_for("static", filename=f), tianditu_key=cfg["TIANDITU_KEY"],
                     approval=cfg["TIANDITU_APPROVAL"], click_visit=click_visit)


def _not_published_page(exc: NotFound, code: str):
    """A 404 that links to the latest published plan, when there is one."""
    link = None
    if exc.detail.get("latest_year"):
        year, stage = exc.detail["latest_year"], exc.detail["latest_stage"]
        link = (url_for("zoning.zoning_map", code=code, year=year, stage=stage),
                _("查看最近发布的 %(year)s 年%(stage)s划片", year=year, stage=services.STAGE_LABELS[stage]))
    return render_template("errors/error.html", status=404, message=exc.message, link=link), 404


@public.get("/d/<code>/<id:year>/<stage>/")
def zoning_map(code: str, year: int, stage: str):
    """The zoning page, kept for anonymous visitors until the next publication (``core.page_cache``)."""
    return cached_page(lambda: _zoning_map(code, year, stage), version=published_version)


def _zoning_map(code: str, year: int, stage: str):
    try:
        page = zoning_public.zoning_page(code, year, stage)
    except NotFound as exc:
        return _not_published_page(exc, code)
    parts = None
    if page.plan.zones:  # the plan id in the URL: a cached copy never outlives the version it belongs to
        url = url_for("zoning.zoning_geojson", code=code, year=year, stage=stage, plan=page.plan.id)
        parts = map_parts(page.district, page.plan, url)
    return render_template("public/zoning.html", page=page, district=page.district, plan=page.plan, map=parts)


def _geojson_response(plan) -> Response:
    """The plan's zones for the map: the overview, or with ``detail=1`` the finer zones within
    ``bbox=minlon,minlat,maxlon,maxlat`` (what the map asks for where a parent zooms in)."""
    bbox = None
    if request.args.get("bbox"):
        try:
            bbox = tuple(float(v) for v in request.args["bbox"].split(","))
        except ValueError:
            bbox = ()
        if len(bbox) != 4:
            raise BadRequest(_("bbox 必须是四个数字：最小经度,最小纬度,最大经度,最大纬度。"))
    response = jsonify(services.plan_geojson(plan, detail=request.args.get("detail") == "1", bbox=bbox))
    response.mimetype = "application/geo+json"
    return response


@public.get("/d/<code>/<id:year>/<stage>/zones.geojson")
def zoning_geojson(code: str, year: int, stage: str):
    response = _geojson_response(zoning_public.zoning_page(code, year, stage).plan)
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


def _address_limit() -> int:
    return current_app.config["DIFF_WEB_ADDRESSES"]


def diff_map_parts(diff, geojson_url: str, click_visit: tuple[str, str] | None = None):
    return map_parts(diff.new.district, diff.new, geojson_url, click_visit) if diff.old.zones or diff.new.zones else None


def diff_geojson_response(diff) -> Response:
    response = jsonify(changes.diff_geojson(diff))
    response.mimetype = "application/geo+json"
    return response


@public.get("/d/<code>/<id:year>/<stage>/changes")
def zoning_changes(code: str, year: int, stage: str):
    """The published plan's changelog: what changed from the plan it replaced (printable)."""
    try:
        plan, diff = changes.published_changes(code, year, stage, address_limit=_address_limit())
    except NotFound as exc:
        return _not_published_page(exc, code)
    parts = None
    if diff is not None:
        parts = diff_map_parts(diff, url_for("zoning.zoning_changes_geojson", code=code, year=year, stage=stage,
                                        plan=plan.id))
    return render_template("public/zoning_changes.html", plan=plan, district=plan.district, diff=diff, map=parts)


@public.get("/d/<code>/<id:year>/<stage>/changes.geojson")
def zoning_changes_geojson(code: str, year: int, stage: str):
    _plan, diff = changes.published_changes(code, year, stage, address_limit=_address_limit())
    if diff is None:
        raise NotFound(_("这是第一次发布的划片方案，没有变化可显示。"))
    return diff_geojson_response(diff)


@public.get("/d/<code>/<id:year>/<stage>/texts.csv")
def zoning_csv(code: str, year: int, stage: str):
    """The published 划片 text as 学校,学段,划片范围 (UTF-8 with BOM, opens in Excel; the import format)."""
    filename, rows = zoning_public.texts_csv(code, year, stage)
    response = Response(to_csv(rows[0], rows[1:]), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@public.get("/d/<code>/<id:year>/<stage>/history")
def zoning_history(code: str, year: int, stage: str):
    try:
        item, versions = zoning_public.zoning_history(code, year, stage)
    except NotFound as exc:
        return _not_published_page(exc, code)
    return render_template("public/zoning_history.html", item=item, district=item.district, versions=versions)


@bp.before_request
@login_required
def require_login():
    """Every bureau page needs a signed-in user."""


@bp.get("/")
def dashboard():
    districts = [d for d in list_districts() if services.can_see_drafts(current_user, d.id)]
    plans = {d.code: services.plans_of(current_user, d.code) for d in districts}
    now = today()
    handled = [d.id for d in districts if can(current_user, "requests.handle", d.id)
               or can(current_user, "requests.approve", d.id)]
    requests_due: dict[int, list] = {}
    for urgent in info_requests.due_soon(handled, now) if handled else ():
        requests_due.setdefault(urgent[0].district_id, []).append(urgent)
    return render_template("bureau/dashboard.html", districts=districts, plans=plans, requests_due=requests_due,
                           today=now,
                           current_year=now.year + (now.month >= 9))  # the admission year being prepared


@bp.route("/d/<code>/upload", methods=["GET", "POST"])
def upload(code: str):
    """Upload a zoning file: without errors it becomes the draft's polygons (to the plan page); with
    errors, or refused (a version in review: 409), the form comes back with what was typed and the
    report, summary first (nothing is kept of such a file but its audit event)."""
    district = get_district(code)
    if not can(current_user, "zoning.edit", district.id):
        abort(403)
    form, refused, problem = UploadForm(), None, None
    if form.validate_on_submit():
        try:
            plan = _import_upload(form, code)
        except (Conflict, Invalid) as exc:
            problem, status = exc.message, exc.status
        else:
            if not plan.error_count:
                return redirect(url_for("bureau.plan", plan_id=plan.id))
            refused, status = plan, 422
    else:
        status = 422 if form.errors else 200
    report = report_view(refused.report) if refused is not None else None
    return render_template("bureau/upload.html", district=district, form=form, refused=refused, report=report,
                           problem=problem), status


def _import_upload(form: UploadForm, code: str):
    """The uploaded file, saved to a private folder, read and validated (``services.import_plan``)."""
    original = "".join(ch for ch in form.file.data.filename or "upload" if ch.isprintable())[:200]
    suffix = Path(original).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="enroll-upload-") as tmp:
        # a known suffix helps format detection; anything else is sniffed from the content
        path = Path(tmp) / f"upload{suffix if suffix in UPLOAD_SUFFIXES else ''}"
        form.file.data.save(path)
        cfg = current_app.config
        return services.import_plan(
            current_user, code, form.year.data, form.stage.data, path, filename=original,
            crs=form.crs.data or None, gcj02=form.gcj02.data, school_field=form.school_field.data or None,
            note=form.note.data or "", max_file_bytes=cfg["MAX_ZONING_FILE_BYTES"],  # the request's own: BODY_LIMITS
            max_check_work=cfg["MAX_ZONING_CHECK_WORK"], context=request_context())


@bp.route("/d/<code>/rules", methods=["GET", "POST"])
def rules(code: str):
    """Paste the official 划片 text (the same CSV as ``flask zones import-rules``) into the drafts.
    A refusal (422: the text names a problem; 409: a version in review, or another editor's change)
    brings the form back with the pasted text and the reason."""
    district = get_district(code)
    if not can(current_user, "zoning.edit", district.id):
        abort(403)
    form, problems, status = RulesForm(), [], 200
    if form.validate_on_submit():
        try:
            done = texts.import_texts(current_user, code, form.year.data, form.text.data.encode("utf-8"),
                                      filename=_("粘贴的划片文字"), replace_all=form.replace_all.data,
                                      note=form.note.data or "", context=request_context())
        except (Invalid, Conflict) as exc:  # the paste stays in the form, with every problem named
            problems, status = problem_lines(exc), exc.status
        else:
            for result in done:
                flash(_("%(stage)s：%(updated)d 所学校的文字已更新，%(unchanged)d 所未变，%(removed)d 所学校失去了划片文字。",
                        stage=services.STAGE_LABELS[result.plan.stage], updated=result.updated,
                        unchanged=result.unchanged, removed=result.removed), "warning" if result.removed else "info")
            return redirect(url_for("bureau.plan", plan_id=done[0].plan.id))
    elif form.errors:
        status = 422
    return render_template("bureau/rules.html", district=district, form=form, problems=problems), status


@bp.get("/plans/<id:plan_id>/cross-check")
def plan_cross_check(plan_id: int):
    plan = services.get_plan(current_user, plan_id)
    return render_template("bureau/cross_check.html", plan=plan, report=cross_check(current_user, plan_id))


@bp.get("/zoning-revisions/<id:revision_id>")
def revision_plan(revision_id: int):
    """A zoning revision is reviewed on its plan's page."""
    return redirect(url_for("bureau.plan", plan_id=services.plan_of_revision(current_user, revision_id).id))


@bp.get("/plans/<id:plan_id>")
def plan(plan_id: int):
    review = zoning_public.plan_review(current_user, plan_id)
    plan = review.plan
    parts = None
    if plan.zones:
        parts = map_parts(plan.district, plan, url_for("bureau.plan_geojson", plan_id=plan.id))
    answer, problem, address = None, None, (request.args.get("address") or "").strip()
    if address:  # the draft's answer beside the published one
        try:
            answer = lookup_in_plan(current_user, plan.id, address)
        except BadRequest as exc:
            problem = exc.message
    report = report_view(plan.report, code=request.args.get("code"), page=request.args.get("page", 1, type=int))
    return render_template(
        "bureau/plan.html", plan=plan, review=review, report=report,
        map=parts, revision=plan.revision, address=address, answer=answer, problem=problem,
        action_form=ActionForm(), reason_form=ReasonForm(), consultation_form=ConsultationForm(),
        consultation=consultations.consultation_of_plan(plan.id),
        may=lambda verb: can(current_user, f"zoning.{verb}", plan.district_id))


@bp.get("/plans/<id:plan_id>/diff")
def plan_diff(plan_id: int):
    """What the plan changes from ``against`` (default: the published plan it would replace), with a map;
    ``format=json`` gives the document of ``flask zones diff --json``."""
    against = request.args.get("against", type=int)
    diff = changes.plan_changes(current_user, plan_id, against, address_limit=_address_limit())
    if request.args.get("format") == "json":
        return jsonify(diff.to_json())
    parts = diff_map_parts(diff, url_for("bureau.plan_diff_geojson", plan_id=plan_id, against=diff.old.id))
    return render_template("bureau/plan_diff.html", diff=diff, map=parts)


@bp.get("/plans/<id:plan_id>/diff.geojson")
def plan_diff_geojson(plan_id: int):
    return diff_geojson_response(changes.plan_changes(current_user, plan_id, request.args.get("against", type=int),
                                                      address_limit=_address_limit()))


@bp.get("/plans/<id:plan_id>/report.json")
def plan_report(plan_id: int):
    plan = services.get_plan(current_user, plan_id)
    findings = annotate(plan.report.get("findings", []))
    return jsonify({"plan": plan.id, "status": plan.status, "errors": plan.error_count,
                    "warnings": plan.warning_count, "stats": plan.report.get("stats", {}), "findings": findings})


@bp.get("/plans/<id:plan_id>/zones.geojson")
def plan_geojson(plan_id: int):
    return _geojson_response(services.get_plan(current_user, plan_id))


@bp.post("/plans/<id:plan_id>/discard")
def discard_upload(plan_id: int):
    """Delete an upload that failed validation."""
    if not ActionForm().validate_on_submit():
        flash(_("表单已过期，请重试。"), "error")
        return redirect(url_for("bureau.plan", plan_id=plan_id))
    services.discard_upload(current_user, plan_id, context=request_context())
    flash(_("已删除。"), "info")
    return redirect(url_for("bureau.dashboard"))


@bp.route("/d/<code>/year", methods=["GET", "POST"])
def current_year(code: str):
    """The district's current enrollment year: what public lookups answer for by default."""
    district = get_district(code)
    if not can(current_user, "zoning.review", district.id):
        abort(403)
    form = YearForm(year=district.current_year)
    if form.validate_on_submit():
        years.set_current_year(current_user, code, form.year.data, context=request_context())
        flash(_("已保存。"), "info")
        return redirect(url_for("bureau.current_year", code=code))
    scopes = services.published_scopes(district.id)
    derived = years.current_year([y for y, _s in scopes], month_day=current_app.config["SEASON_START"])
    return render_template("bureau/current_year.html", district=district, form=form, derived=derived,
                           scopes=scopes), 200 if not form.errors else 422

