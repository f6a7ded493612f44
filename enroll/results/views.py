"""Admission results and lotteries: public pages, CSV downloads, own-result checks, verification;
the school's pages to post them."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_login import current_user, login_required

from enroll.core.errors import Invalid, NotFound, TooManyRequests
from enroll.core.i18n import _
from enroll.core.web import problem_lines, request_context, show_beside_field
from enroll.extensions import csrf
from enroll.results import charts, checks, downloads, lotteries, services, tables
from enroll.results.forms import CheckForm, LotteryForm, ResultForm, VerifyForm
from enroll.review import content
from enroll.review.forms import ActionForm
from enroll.schools.forms import YearForm
from enroll.schools.services import editable_school

public = Blueprint("results", __name__)
bp = Blueprint("results_bureau", __name__, url_prefix="/bureau")


def _check_key() -> bytes:
    return current_app.config["RESULTS_KEY"].encode()


def _no_store(response):
    """For answers holding children's data: no cache may keep them past their public date."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _csv(body: bytes, filename: str, *, private: bool = False):
    response = current_app.response_class(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _no_store(response) if private else response


def _series_chart(chart_id: str, title: str, history: list[tuple[int, services.Totals]]) -> str:
    """The year-over-year bar chart of ``history`` ([(year, totals)], oldest first)."""
    years, totals = [y for y, _t in history], [t for _y, t in history]
    return charts.bar_chart(chart_id, title, [str(y) for y in years], [
        (_("报名人数"), [t.applicants for t in totals]), (_("计划数"), [t.places for t in totals]),
        (_("录取人数"), [t.admitted for t in totals])], number=format_decimal)


# ------------------------------------------------------------------------------ public


@public.get("/d/<code>/<id:year>/results")
def district(code: str, year: int):
    district, rows = services.published_district_table(code, year)
    history = services.district_history(district.id)
    chart = _series_chart("district-chart", _("%(district)s 各年度报名、计划与录取人数", district=district.name),
                          history) if len(history) > 1 else None
    return render_template("public/results_district.html", district=district, year=year, rows=rows, history=history,
                           chart=chart, years=services.published_years(district.id))


@public.get("/d/<code>/<id:year>/results.csv")
def district_csv(code: str, year: int):
    _district, rows = services.published_district_table(code, year)
    return _csv(downloads.district_csv(rows), f"results-{code}-{year}.csv")


def _school_page(school_id: int, year: int, *, form=None, own=None, problem=None, status=200):
    result = services.published_result(school_id, year)
    history = [(r.year, services.totals(r.routes)) for r in services.school_history(school_id)]
    chart = _series_chart("school-chart", _("%(school)s 各年度报名、计划与录取人数", school=result.school.name),
                          history) if len(history) > 1 else None
    entries = services.public_list(result)
    lottery = lotteries.published_lottery_of(school_id, year)
    response = current_app.make_response((render_template(
        "public/results_school.html", result=result, school=result.school, routes=services.route_rows(result),
        totals=services.totals(result.routes), entries=entries, history=history, chart=chart, lottery=lottery,
        check_form=(form or CheckForm()) if services.can_check(result) else None, own=own, problem=problem,
        list_until=services.last_public_day(result.public_until)), status))
    return _no_store(response) if entries or own or form else response


@public.get("/schools/<id:school_id>/results/<id:year>")
def school(school_id: int, year: int):
    return _school_page(school_id, year)


@public.get("/schools/<id:school_id>/results/<id:year>.csv")
def school_csv(school_id: int, year: int):
    result = services.published_result(school_id, year)
    return _csv(downloads.school_csv(result), f"results-school{school_id}-{year}.csv")


@public.get("/schools/<id:school_id>/results/<id:year>/list.csv")
def list_csv(school_id: int, year: int):
    result = services.published_result(school_id, year)
    return _csv(downloads.list_csv(result), f"list-school{school_id}-{year}.csv", private=True)


@public.route("/schools/<id:school_id>/results/<id:year>/check", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so a stale one shows the form again, values kept (not a bare 400)
def check(school_id: int, year: int):
    """A parent's own result: answered on this page (no URL of its own), never cached. A GET (the
    language switcher on an answer) goes back to the results page: nothing typed is sent again.

    The answer, or what is wrong, is the page's ``#answer`` block, which the form posts to and
    static/js/answer.js focuses, so it is scrolled to and read out. A date that cannot exist is
    refused beside its field before any attempt is counted."""
    if request.method == "GET":
        # only the page's own switches: any other argument would be a URL parameter to url_for (?year=, ?_scheme=)
        keep = {k: request.args[k] for k in ("lang", "text") if request.args.get(k)}
        return redirect(url_for("results.school", school_id=school_id, year=year, **keep))
    form = CheckForm()
    if not form.validate_on_submit():
        if form.stale:  # the phone slept: the page again with what was typed and a fresh token
            return _school_page(school_id, year, form=form, status=400, problem=_(
                "页面打开太久，安全验证已过期。您填写的内容已保留，请再点一次“查询”。"))
        return _school_page(school_id, year, form=form, status=422)
    try:
        own = checks.check_own_result(school_id, year, form.application_no.data, form.born,
                                      ip=request.remote_addr or "", check_key=_check_key())
    except Invalid as exc:  # the date, read again by the service: beside its field, nothing counted
        show_beside_field(form, exc, "birth_date")
        return _school_page(school_id, year, form=form, status=exc.status)
    except (NotFound, TooManyRequests) as exc:  # shown beside the form, which keeps what was typed
        response = _school_page(school_id, year, form=form, problem=str(exc.message), status=exc.status)
        if isinstance(exc, TooManyRequests) and exc.detail.get("retry_after"):
            response.headers["Retry-After"] = str(exc.detail["retry_after"])
        return response
    return _school_page(school_id, year, form=form, own=own)


@public.get("/lotteries/<id:lottery_id>")
def lottery(lottery_id: int):
    item = lotteries.published_lottery(lottery_id)
    applicants = lotteries.public_applicants(item)
    order = item.draw_order if applicants else []
    response = current_app.make_response(render_template(
        "public/lottery.html", item=item, school=item.school, check=lotteries.verify_published(item),
        applicants=applicants, order=order, names={a["no"]: a["name"] for a in applicants},
        admitted=set(order[:item.places]), list_until=services.last_public_day(item.public_until)))
    return _no_store(response) if applicants else response


@public.get("/lotteries/<id:lottery_id>.json")
def lottery_json(lottery_id: int):
    item = lotteries.published_lottery(lottery_id)
    response = current_app.response_class(current_app.json.dumps(lotteries.document(item)),
                                          mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="lottery-{lottery_id}.json"'
    return _no_store(response)


@public.route("/lotteries/verify", methods=["GET", "POST"])
def verify():
    """Anyone re-runs a draw from what was published: list, seed, the two hashes and the order."""
    form = VerifyForm()
    check, problem = None, None
    if form.validate_on_submit():
        upload = _upload(form.document)
        try:
            check = lotteries.verify_document(lotteries.read_document(upload.raw, upload.filename) if upload else {
                "applications": form.applications.data.split(), "seed": form.seed.data.strip(),
                "list_hash": form.list_hash.data, "commitment": form.commitment.data,
                "order": form.order.data.split()})
        except Invalid as exc:
            problem = str(exc.message)
    return render_template("public/lottery_verify.html", form=form, check=check, problem=problem), \
        422 if form.errors or problem else 200


# ------------------------------------------------------------------------------ bureau


@bp.before_request
@login_required
def require_login():
    """Every bureau page needs a signed-in user."""


def _upload(field) -> services.Upload | None:
    data = field.data
    if data is None or not getattr(data, "filename", ""):
        return None
    return services.Upload(data.read(), data.filename)


def _route_rows(form: ResultForm) -> list[tuple[int, dict]]:
    """The table's filled rows as (row number, values) for ``tables.check_routes``."""
    rows = []
    for line, row in enumerate(form.routes, start=1):
        values = {k: row[k].data for k in ("route", "applicants", "places", "admitted", "note")}
        if any(values[k] is not None for k in ("applicants", "places", "admitted")):
            rows.append((line, values))
    return rows


@bp.route("/schools/<id:school_id>/results/<id:year>", methods=["GET", "POST"])
def edit(school_id: int, year: int):
    school = editable_school(current_user, school_id)
    current = services.current_data(current_user, school.id, year) or {}
    form = ResultForm()
    if not request.form:
        by_route = {r["route"]: r for r in current.get("routes", [])}
        for code in tables.ROUTES:
            form.routes.append_entry(dict(by_route.get(code, {}), route=code))
        form.notes.data = current.get("notes", "")
        form.list_public.data = current.get("list_public", True)
        for name in ("notice_until", "public_until"):
            if current.get(name):
                form[name].data = date.fromisoformat(current[name])
    problems = []
    if form.validate_on_submit():
        try:
            revision = services.save_result(
                current_user, school.id, year, {
                    "routes": _route_rows(form), "notes": form.notes.data, "list_public": form.list_public.data,
                    "keep_list": form.keep_list.data, "notice_until": form.notice_until.data,
                    "public_until": form.public_until.data},
                check_key=_check_key(), routes_file=_upload(form.routes_file), list_file=_upload(form.list_file),
                note=form.note.data or "", context=request_context())
        except Invalid as exc:  # shown beside the form, line by line, so nothing typed is lost
            problems = problem_lines(exc)
        else:
            return redirect(url_for("review.revision", revision_id=revision.id))
    return render_template("bureau/results.html", school=school, year=year, form=form, problems=problems,
                           labels=tables.ROUTES, list_count=len(current.get("list", []))), \
        422 if form.errors or problems else 200


@bp.route("/schools/<id:school_id>/lottery/<id:year>", methods=["GET", "POST"])
def edit_lottery(school_id: int, year: int):
    school = editable_school(current_user, school_id)
    item = lotteries.lottery_of(school.id, year)
    form = LotteryForm()
    problems = []
    if form.validate_on_submit():
        try:
            revision = lotteries.save_lottery(
                current_user, school.id, year, {"places": form.places.data, "draw_at": form.draw_at.data,
                                                "public_until": form.public_until.data},
                applicants_file=_upload(form.applicants_file), note=form.note.data or "",
                min_notice=timedelta(hours=current_app.config["LOTTERY_NOTICE_HOURS"]), context=request_context())
        except Invalid as exc:
            problems = problem_lines(exc)
        else:
            return redirect(url_for("review.revision", revision_id=revision.id))
    return render_template("bureau/lottery.html", school=school, year=year, form=form, item=item, problems=problems,
                           revisions=content.revisions_of(lotteries.LOTTERY, item.id) if item else [],
                           action_form=ActionForm()), 422 if form.errors or problems else 200


@bp.post("/lotteries/<id:lottery_id>/draw")
def draw(lottery_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    revision = lotteries.draw(current_user, lottery_id, context=request_context())
    return redirect(url_for("review.revision", revision_id=revision.id))


@bp.post("/schools/<id:school_id>/results/")
def choose_year(school_id: int):
    """The year form of the school page: on to that year's result (``what=results``) or lottery."""
    school = editable_school(current_user, school_id)
    form = YearForm()
    if not form.validate_on_submit():
        abort(400)
    endpoint = "results_bureau.edit_lottery" if request.form.get("what") == "lottery" else "results_bureau.edit"
    return redirect(url_for(endpoint, school_id=school.id, year=form.year.data))
