"""Policy pages: the public list, document, interpretation and version history; the bureau's editing."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from enroll.core.files import open_stored
from enroll.core.forms import options
from enroll.core.i18n import _n
from enroll.core.security import can
from enroll.core.errors import Conflict, Invalid
from enroll.core.web import request_context, show_beside_field
from enroll.districts.services import get_district
from enroll.policies import services
from enroll.policies.forms import CATEGORY_CHOICES, DocumentForm, InterpretationForm
from enroll.review import content
from enroll.review.forms import RepublishForm, WithdrawForm

public = Blueprint("policies", __name__)
bp = Blueprint("policies_bureau", __name__, url_prefix="/bureau")


# ------------------------------------------------------------------------------------- public


@public.get("/d/<code>/policies/")
def index(code: str):
    district = get_district(code)
    year = request.args.get("year", type=int)
    documents = services.published_documents(district.id, year)
    groups = [(label, [d for d in documents if d.category == key]) for key, label in CATEGORY_CHOICES]
    return render_template("public/policies.html", district=district, groups=[g for g in groups if g[1]],
                           year=year, years=sorted({d.year for d in documents if d.year}, reverse=True))


@public.get("/d/<code>/policies/<id:document_id>")
def document(code: str, document_id: int):
    doc = services.public_document(code, document_id)
    return render_template("public/policy.html", district=doc.district, doc=doc,
                           attachments=services.attachments_of(doc.attachments))


@public.get("/d/<code>/policies/<id:document_id>/interpretation", endpoint="interpretation")
def public_interpretation(code: str, document_id: int):
    item = services.public_interpretation(code, document_id)
    return render_template("public/interpretation.html", district=item.document.district, item=item,
                           doc=item.document)


@public.get("/d/<code>/policies/<id:document_id>/history")
def history(code: str, document_id: int):
    doc = services.public_document(code, document_id)
    return redirect(url_for("history.history", kind=services.POLICY.name, item_id=doc.id))


@public.get("/attachments/<id:attachment_id>/<path:filename>")
def attachment(attachment_id: int, filename: str):
    return _send(services.public_attachment(attachment_id), max_age=3600)


def _send(found, max_age: int):
    path = open_stored(_storage() / "attachments", found.sha256)
    response = send_file(path, mimetype="application/pdf", download_name=found.filename, as_attachment=False,
                         max_age=max_age)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _storage() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


# ------------------------------------------------------------------------------------- bureau


@bp.before_request
@login_required
def require_login():
    """Every bureau page needs a signed-in user."""


@bp.get("/revisions/<id:revision_id>/attachments/<id:attachment_id>", endpoint="attachment")
def draft_attachment(revision_id: int, attachment_id: int):
    """A PDF a revision lists, for the staff who review it before it is published."""
    found = services.revision_attachment(current_user, revision_id, attachment_id)
    response = _send(found, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/d/<code>/policies/")
def documents(code: str):
    district = get_district(code)
    docs = services.documents_of(current_user, code)
    rows = [(doc, content.open_revision(services.POLICY, doc.id)) for doc in docs]
    return render_template("bureau/policies.html", district=district, rows=rows,
                           may_edit=content.can_manage(current_user, services.POLICY, district.id))


def _current_data(kind, item) -> dict:
    """What the edit form starts from: the open draft, else what is published."""
    revision = content.current_revision(kind, item)
    return dict(revision.data) if revision is not None else {}


def _fill(form, data: dict) -> None:
    """Start an unsent form from a revision's data: a body written in Markdown shows its source, one
    written in HTML (before Markdown) its HTML, in that format."""
    if request.form:
        return
    for name, field in form._fields.items():
        if name in data and data[name] is not None:
            value = data[name]
            field.data = date.fromisoformat(value) if name in ("signed_on", "issued_on") else value
    markdown = "body_markdown" in data or not data.get("body")
    form.body_format.data = "markdown" if markdown else "html"
    form.body.data = data.get("body_markdown", data.get("body", "")) if markdown else data["body"]
    english = (data.get("translations") or {}).get("en", {})
    form.title_en.data = english.get("title", "")
    form.body_en.data = english.get("body_markdown", english.get("body", "")) if markdown else english.get("body", "")
    if "attachments" in form:
        form.attachments.data = [a["id"] for a in data.get("attachments") or []]


def _body_values(form) -> dict:
    """The body and its English translation as the services take them, in the format chosen."""
    key = "body_markdown" if form.body_format.data == "markdown" else "body"
    return {key: form.body.data or "",
            "translations": {"en": {"title": form.title_en.data or "", key: form.body_en.data or ""}}}


def _document_choices(form, district, document_id: int | None, data: dict) -> None:
    others = [d for d in services.documents_of(current_user, district.code)
              if d.id != document_id and d.status == "published"]  # only what the public can follow
    form.replaced_by.choices = options([(0, "—")] + [(d.id, d.title) for d in others])
    current = services.attachments_of(data.get("attachments") or [])
    form.attachments.choices = options((a.id, _n("%(file)s（%(num)d 页）", a.pages, file=a.filename)) for a in current)


@bp.route("/d/<code>/policies/new", methods=["GET", "POST"], defaults={"document_id": None})
@bp.route("/policies/<id:document_id>/edit", methods=["GET", "POST"], endpoint="edit")
def new(code: str | None = None, document_id: int | None = None):
    doc = services.get_document(current_user, document_id) if document_id else None
    district = doc.district if doc else get_district(code)
    if not can(current_user, "policies.edit", district.id):
        abort(403)
    data = _current_data(services.POLICY, doc)
    form = DocumentForm()
    _document_choices(form, district, document_id, data)
    _fill(form, data)
    if form.validate_on_submit():
        upload = None
        if form.new_attachment.data:
            file = form.new_attachment.data
            upload = services.Upload(file.filename or "attachment.pdf", file.read(), _storage(),
                                     current_app.config["MAX_ATTACHMENT_BYTES"])
        values = {name: form[name].data for name in ("title", "doc_number", "issuer", "category", "normative",
                                                     "signed_on", "issued_on", "year", "validity")}
        values.update(_body_values(form), replaced_by=form.replaced_by.data or None,
                      attachments=[{"id": i} for i in form.attachments.data or []])
        try:
            revision = services.save_document(current_user, district.code, values, document_id=document_id,
                                              note=form.note.data or "", upload=upload, context=request_context())
            return redirect(url_for("review.revision", revision_id=revision.id))
        except (Invalid, Conflict) as exc:
            show_beside_field(form, exc, "body")
    return render_template("bureau/policy_form.html", district=district, doc=doc, form=form), \
        422 if form.errors else 200


@bp.route("/policies/<id:document_id>/interpretation", methods=["GET", "POST"], endpoint="interpretation")
def edit_interpretation(document_id: int):
    doc = services.get_document(current_user, document_id)
    if not can(current_user, "policies.edit", doc.district_id):
        abort(403)
    form = InterpretationForm()
    _fill(form, _current_data(services.INTERPRETATION, doc.interpretation))
    if form.validate_on_submit():
        values = {"title": form.title.data, "form": form.form.data, **_body_values(form)}
        try:
            revision = services.save_interpretation(current_user, document_id, values, note=form.note.data or "",
                                                    context=request_context())
            return redirect(url_for("review.revision", revision_id=revision.id))
        except (Invalid, Conflict) as exc:
            show_beside_field(form, exc, "body")
    return render_template("bureau/interpretation_form.html", doc=doc, form=form), 422 if form.errors else 200


@bp.get("/policies/<id:document_id>")
def manage(document_id: int):
    """A document's staff page: its versions, its interpretation, withdrawal."""
    doc = services.get_document(current_user, document_id)
    return render_template("bureau/policy.html", doc=doc,
                           revisions=content.revisions_of(services.POLICY, doc.id),
                           interpretation_revisions=content.revisions_of(services.INTERPRETATION, doc.interpretation.id)
                           if doc.interpretation else [],
                           withdraw_form=WithdrawForm(), republish_form=RepublishForm(),
                           may_review=can(current_user, "policies.review", doc.district_id),
                           may_edit=can(current_user, "policies.edit", doc.district_id))
