"""The bureau's review pages for every kind of content: the queue, a revision with its changes, actions."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from enroll.core.errors import Conflict, Invalid
from enroll.core.i18n import _
from enroll.core.security import can
from enroll.core.web import request_context, wants_json
from enroll.review import audit, content, states, withdrawal
from enroll.review.forms import ActionForm, ReasonForm, RepublishForm, WithdrawForm

bp = Blueprint("review", __name__, url_prefix="/bureau")
public = Blueprint("history", __name__)
heads_bp = Blueprint("audit", __name__, url_prefix="/audit")


@public.get("/history/<kind>/<id:item_id>")
def history(kind: str, item_id: int):
    """The public version history of any published item: every version, when, and what it changed."""
    found = content.public_history(kind, item_id)
    if found.kind.history_endpoint:  # a kind with a history page of its own (zoning: the clause diffs)
        return redirect(url_for(found.kind.history_endpoint, **found.kind.public_args(found.item)))
    return render_template("public/history.html", title=found.title, back_url=url_for(
        found.kind.public_endpoint, **found.kind.public_args(found.item)), entries=found.entries)


@heads_bp.get("/heads")
def heads():
    """The audit log's daily heads, for anyone to keep a copy of: a later copy that lacks or changes
    one of them shows the log was cut short or rewritten (``flask audit verify --anchor``)."""
    return render_template("public/audit_heads.html", heads=audit.daily_heads())


@heads_bp.get("/heads.json")
def heads_json():
    """The daily heads as JSON; each item of ``heads`` is also a line ``flask audit verify --anchor`` reads."""
    return jsonify({"heads": [dict(h.head.to_dict(), day=h.day.isoformat(), complete=h.complete)
                              for h in audit.daily_heads()]})


@bp.before_request
@login_required
def require_login():
    """Every review page needs a signed-in user."""


@bp.get("/review/")
def queue():
    return render_template("bureau/review_queue.html",
                           in_review=content.pending(current_user, (states.IN_REVIEW,)),
                           drafts=content.pending(current_user, (states.DRAFT,)))


@bp.get("/revisions/<id:revision_id>")
def revision(revision_id: int):
    found = content.get_revision(current_user, revision_id)
    if found.kind.review_endpoint:  # a kind with a review page of its own (a zoning plan: map, report, diff)
        return redirect(url_for(found.kind.review_endpoint, revision_id=revision_id))
    return _revision_page(found)


def _revision_page(found: content.Found, *, reason_form: ReasonForm | None = None, problem: str | None = None,
                   status: int = 200):
    """A revision with its changes and the actions the user may take; after a refused action, its
    message and what the user typed (``reason_form``), answered with the refusal's status."""
    revision_id = found.revision.id
    published = content.published_revision(found.kind, found.item.id)
    changes = content.changes(found.kind, published.data if published else None, found.revision.data)
    district_id, school_id = content.scope(found.item)
    withdrawn = content.withdrawn_revision(found.kind, found.item.id)
    return render_template("bureau/revision.html", found=found, changes=changes, published=published,
                           action_form=ActionForm(), reason_form=reason_form or ReasonForm(formdata=None),
                           withdraw_form=WithdrawForm(formdata=None), republish_form=RepublishForm(formdata=None),
                           problem=problem, republishable=found.item.status == states.WITHDRAWN
                           and withdrawn is not None and withdrawn.id == revision_id,
                           attachment_url=(lambda attachment_id: url_for(
                               found.kind.attachment_endpoint, revision_id=revision_id, attachment_id=attachment_id))
                           if found.kind.attachment_endpoint else None,
                           may=lambda verb: can(current_user, f"{found.kind.permission}.{verb}", district_id,
                                                school_id)), status


ACTIONS = {
    "submit": (content.submit_revision, lambda: _("已提交审核。")),
    "recall": (content.recall_revision, lambda: _("已撤回修改。")),
    "approve": (content.approve_revision, lambda: _("已审核通过并发布。")),
    "discard": (content.discard_revision, lambda: _("草稿已删除。")),
}


@bp.post("/revisions/<id:revision_id>/<action>")
def act(revision_id: int, action: str):
    """One step of the workflow. A refused step (a stale page, someone else was quicker, no reason)
    answers with the revision page again, its message and the typed reason, as 409 or 422."""
    if action not in ACTIONS and action != "reject":
        abort(404)
    form = ReasonForm() if action == "reject" else ActionForm()
    version = request.form.get("version", type=int)  # the revision as the page showed it
    try:
        if not form.validate_on_submit():
            raise Invalid(_("请填写退回理由。") if action == "reject" else _("表单已过期，请重试。"), field="reason")
        if action == "reject":
            content.reject_revision(current_user, revision_id, form.reason.data, context=request_context(),
                                    version=version)
            flash(_("已退回修改。"), "info")
        else:
            service, message = ACTIONS[action]
            service(current_user, revision_id, context=request_context(), version=version)
            flash(message(), "info")
    except (Conflict, Invalid) as exc:
        if wants_json():
            raise
        if action == "reject" and exc.detail.get("field") == "reason":
            form.reason.errors = [exc.message]
        return _revision_page(content.get_revision(current_user, revision_id),
                              reason_form=form if action == "reject" else None, problem=str(exc.message),
                              status=exc.status)
    if action == "discard":
        return redirect(url_for("review.queue"))
    return redirect(url_for("review.revision", revision_id=revision_id))


@bp.route("/content/<kind>/<id:item_id>/withdraw", methods=["GET", "POST"])
def withdraw(kind: str, item_id: int):
    """Withdraw a published item in two steps that work without JavaScript: the reason (on the item's
    page or here), then this page, naming what leaves the public pages, and its confirm button
    (``confirmed``). A missing reason or a refusal shows this page again with the message (422/409)."""
    kind = _kind(kind)
    form = WithdrawForm()
    leaving = withdrawal.withdrawal_of(current_user, kind, item_id)
    problem, status = None, 422 if form.is_submitted() and not form.validate() else 200
    if "csrf_token" in form.errors:
        problem = _("表单已过期，请重试。")
    if status == 200 and form.is_submitted() and request.form.get("confirmed"):
        try:
            content.withdraw_item(current_user, kind, item_id, form.reason.data, context=request_context(),
                                  version=request.form.get("version", type=int))
        except (Conflict, Invalid) as exc:
            problem, status = str(exc.message), exc.status
            leaving = withdrawal.withdrawal_of(current_user, kind, item_id)
        else:
            flash(_("已撤下，公众不再能看到该内容。需要时可以“重新发布”，经第二人审核后再次公开。"), "info")
            return redirect(url_for("review.revision", revision_id=leaving[0].revision.id))
    return render_template("bureau/withdraw_confirm.html", leaving=leaving, form=form, problem=problem,
                           public_url=_public_url, back_url=url_for("review.revision",
                                                                    revision_id=leaving[0].revision.id)), status


@bp.post("/content/<kind>/<id:item_id>/republish")
def republish(kind: str, item_id: int):
    """重新发布: a new draft from the withdrawn version, opened for its author to submit for review."""
    kind = _kind(kind)
    form = RepublishForm()
    withdrawn = content.withdrawn_revision(kind, item_id)
    try:
        if not form.validate_on_submit():
            raise Invalid(_("表单已过期，请重试。"))
        revision = withdrawal.republish_item(current_user, kind, item_id, form.note.data or "",
                                             context=request_context())
    except (Conflict, Invalid) as exc:
        if withdrawn is None:
            raise
        flash(str(exc.message), "error")
        return redirect(url_for("review.revision", revision_id=withdrawn.id))
    flash(_("已根据撤下的第 %(n)d 版创建草稿：请核对后提交审核，经另一位审核人通过后重新公开。", n=withdrawn.number), "info")
    return redirect(url_for("review.revision", revision_id=revision.id))


def _kind(name: str) -> content.ContentKind:
    if name not in content.KINDS:
        abort(404)
    return content.KINDS[name]


def _public_url(leaving: withdrawal.Leaving) -> str | None:
    kind = leaving.kind
    return url_for(kind.public_endpoint, **kind.public_args(leaving.item)) if kind.public_endpoint else None
