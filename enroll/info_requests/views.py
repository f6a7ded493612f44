"""Requests for information: the public form and the requester's status page (a signed link, no
account), and the staff pages that enter, handle and answer requests."""
from __future__ import annotations

import io
from datetime import time
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import force_locale
from flask_login import current_user, login_required

from enroll.core.errors import Conflict, Invalid
from enroll.core.i18n import _
from enroll.core.security import can
from enroll.core.web import request_context, show_beside_field, today
from enroll.districts.services import get_district
from enroll.extensions import csrf
from enroll.info_requests import codes, handling, services
from enroll.info_requests.forms import (
    DecisionForm,
    EnterForm,
    ExtensionForm,
    NoteForm,
    RequestForm,
)

public = Blueprint("info_requests", __name__)
bureau = Blueprint("info_requests_bureau", __name__, url_prefix="/bureau")


def storage() -> services.Storage:
    from enroll.info_requests import files  # cryptography loads when a file is handled

    config = current_app.config
    return services.Storage(Path(config["REQUEST_FILES_DIR"]),
                            files.file_keys(config["SECRET_KEY"], config["REQUEST_FILES_KEY"]),
                            config["MAX_REQUEST_FILE_BYTES"])


def _closes() -> time:
    return time.fromisoformat(current_app.config["OFFICE_CLOSES"])


def _status_url(found, external: bool = False) -> str:
    return url_for("info_requests.status", token=services.status_token(found, current_app.config["SECRET_KEY"]),
                   _external=external)


# ------------------------------------------------------------------------------ public


@public.route("/d/<code>/requests/new", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so a stale one shows the form again with what was typed
def new(code: str):
    """The request form (政府信息公开申请表). A refused request comes back with everything typed and
    the reason beside its field; an accepted one goes to its status page, which shows the tracking
    number and the link to keep."""
    district = get_district(code)
    form, problem = RequestForm(), None
    if request.method == "POST":
        if form.validate_on_submit():
            upload = form.id_document.data
            try:
                found = services.submit_request(
                    code, form.data, services.Upload(upload.read(), upload.filename) if upload else None,
                    storage(), closes=_closes(), context=request_context())
            except Invalid as exc:
                show_beside_field(form, exc, "id_document" if exc.detail.get("file") else "description")
            else:
                return redirect(_status_url(found) + "?new=1")
        elif form.stale:
            problem = _("页面打开太久，安全验证已过期。您填写的内容已保留，请再点一次“提交申请”。")
    status = 422 if request.method == "POST" else 200
    return render_template("public/request_form.html", district=district, form=form, problem=problem,
                           status_labels=services.STATUSES), status


@public.get("/requests/<token>")
def status(token: str):
    """The requester's page: the tracking number, when the request was received, where it stands,
    the day it must be answered by, and the reply letter once decided. A bad signature shows nothing."""
    found = services.request_for_token(token, current_app.config["SECRET_KEY"])
    response = make_response(render_template(
        "public/request_status.html", found=found, token=token, clock=services.clock_of(found),
        new=request.args.get("new") == "1", codes=codes, statuses=services.STATUSES, event_labels=services.EVENT_LABELS))
    response.headers["Cache-Control"] = "private, no-store"  # one requester's page, never kept by a proxy
    return response


@public.get("/requests/<token>/letter.pdf")
def letter(token: str):
    found = services.request_for_token(token, current_app.config["SECRET_KEY"])
    return _pdf(found)


def _pdf(found) -> Response:
    if found.decision is None or found.purged_at is not None:
        abort(404)
    with force_locale("zh_Hans"):  # an official letter, in Chinese whatever the reader's language
        data = services.reply_letter(found, current_app.config["PDF_FONT"])
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{found.number}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ------------------------------------------------------------------------------ staff


@bureau.before_request
@login_required
def require_login():
    """Every bureau page needs a signed-in user."""


@bureau.get("/d/<code>/requests")
def index(code: str):
    district, found = services.requests_of(current_user, code, request.args.get("status") or None)
    cal = services.work_calendar()
    rows = [(r, services.clock_of(r, cal)) for r in found]
    return render_template("bureau/requests.html", district=district, rows=rows, today=today(), calendar=cal,
                           statuses=services.STATUSES, codes=codes, shown=request.args.get("status") or "")


@bureau.route("/d/<code>/requests/new", methods=["GET", "POST"])
def enter(code: str):
    district = get_district(code)
    if not can(current_user, "requests.handle", district.id):
        abort(403)
    form = EnterForm()
    if form.validate_on_submit():
        try:
            found = services.enter_request(current_user, code, form.data, form.received.data, form.channel.data,
                                           context=request_context())
        except Invalid as exc:
            show_beside_field(form, exc, "description")
        else:
            flash(_("已登记申请 %(number)s。", number=found.number), "info")
            return redirect(url_for(".detail", request_id=found.id))
    return render_template("bureau/request_enter.html", district=district, form=form), 422 if form.errors else 200


@bureau.get("/requests/<id:request_id>")
def detail(request_id: int, forms: dict | None = None, status: int = 200):
    found = services.get_request(current_user, request_id, *services.SEE)
    forms = {"correction": NoteForm(prefix="correction"), "corrected": NoteForm(prefix="corrected"),
             "consult": NoteForm(prefix="consult"), "consulted": NoteForm(prefix="consulted"),
             "extension": ExtensionForm(prefix="extension"), "decide": DecisionForm(prefix="decide"),
             "approval": NoteForm(prefix="approval"), **(forms or {})}
    calendar = services.work_calendar()
    return render_template("bureau/request.html", found=found, clock=services.clock_of(found, calendar), forms=forms,
                           codes=codes, statuses=services.STATUSES, today=today(),
                           event_labels=services.STAFF_EVENT_LABELS, calendar=calendar,
                           may_approve=can(current_user, "requests.approve", found.district_id),
                           may_handle=can(current_user, "requests.handle", found.district_id),
                           status_url=_status_url(found, external=True)), status


# action name -> (form prefix and class, the handling call with the form's values)
ACTIONS = {
    "correction": (NoteForm, lambda rid, f, ctx: handling.ask_correction(
        current_user, rid, f.note.data or "", today=today(), context=ctx)),
    "corrected": (NoteForm, lambda rid, f, ctx: handling.record_correction(
        current_user, rid, f.day.data, f.note.data or "", today=today(), context=ctx)),
    "consult": (NoteForm, lambda rid, f, ctx: handling.start_consultation(
        current_user, rid, f.day.data, f.note.data or "", today=today(), context=ctx)),
    "consulted": (NoteForm, lambda rid, f, ctx: handling.end_consultation(
        current_user, rid, f.day.data, f.note.data or "", today=today(), context=ctx)),
    "extension": (ExtensionForm, lambda rid, f, ctx: handling.ask_extension(
        current_user, rid, f.days.data, f.reason.data, today=today(), context=ctx)),
    "decide": (DecisionForm, lambda rid, f, ctx: handling.decide(
        current_user, rid, f.decision.data, f.reason.data, f.reply.data, f.fee.data, f.day.data,
        today=today(), context=ctx)),
}


@bureau.post("/requests/<id:request_id>/<action>")
def act(request_id: int, action: str):
    """One step of handling; a refused step shows the page again with the reason beside its form."""
    if action in ("approve_extension", "refuse_extension"):
        handle = NoteForm(prefix="approval")
        if not handle.validate_on_submit():
            abort(400)
        try:
            handling.approve_extension(current_user, request_id, approve=action == "approve_extension",
                                       today=today(), context=request_context())
        except Conflict as exc:
            flash(str(exc.message), "error")
        return redirect(url_for(".detail", request_id=request_id))
    if action not in ACTIONS:
        abort(404)
    form_class, call = ACTIONS[action]
    form = form_class(prefix=action)
    if form.validate_on_submit():
        try:
            call(request_id, form, request_context())
        except Invalid as exc:
            show_beside_field(form, exc, "reply" if "reply" in form else "reason" if "reason" in form else "note")
        except Conflict as exc:
            form.form_errors.append(str(exc.message))
        else:
            return redirect(url_for(".detail", request_id=request_id))
    return detail(request_id, forms={action: form}, status=422 if not form.form_errors else 409)


@bureau.get("/requests/<id:request_id>/letter.pdf")
def staff_letter(request_id: int):
    return _pdf(services.get_request(current_user, request_id))


@bureau.get("/requests/<id:request_id>/files/<id:file_id>")
def document(request_id: int, file_id: int):
    name, content_type, data = services.read_file(current_user, request_id, file_id, storage(),
                                                  context=request_context())
    response = send_file(io.BytesIO(data), mimetype=content_type, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

