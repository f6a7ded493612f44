"""The bureau's review pages for every kind of content: the queue, a revision with its changes, actions."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from enroll.core.i18n import _
from enroll.core.security import can
from enroll.core.web import request_context
from enroll.review import audit, content, states
from enroll.review.forms import ActionForm, ReasonForm

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
    published = content.published_revision(found.kind, found.item.id)
    changes = content.changes(found.kind, published.data if published else None, found.revision.data)
    district_id, school_id = content.scope(found.item)
    return render_template("bureau/revision.html", found=found, changes=changes, published=published,
                           action_form=ActionForm(), reason_form=ReasonForm(),
                           attachment_url=(lambda attachment_id: url_for(
                               found.kind.attachment_endpoint, revision_id=revision_id, attachment_id=attachment_id))
                           if found.kind.attachment_endpoint else None,
                           may=lambda verb: can(current_user, f"{found.kind.permission}.{verb}", district_id, school_id))


ACTIONS = {
    "submit": (content.submit_revision, lambda: _("已提交审核。")),
    "recall": (content.recall_revision, lambda: _("已撤回修改。")),
    "approve": (content.approve_revision, lambda: _("已审核通过并发布。")),
}


@bp.post("/revisions/<id:revision_id>/<action>")
def act(revision_id: int, action: str):
    if action not in ACTIONS and action not in ("reject", "discard"):
        abort(404)
    form = ReasonForm() if action == "reject" else ActionForm()
    if not form.validate_on_submit():
        flash(_("请填写理由。") if action == "reject" else _("表单已过期，请重试。"), "error")
        return redirect(url_for("review.revision", revision_id=revision_id))
    if action == "reject":
        content.reject_revision(current_user, revision_id, form.reason.data, context=request_context())
        flash(_("已退回修改。"), "info")
    elif action == "discard":
        content.discard_revision(current_user, revision_id, context=request_context())
        flash(_("草稿已删除。"), "info")
        return redirect(url_for("review.queue"))
    else:
        service, message = ACTIONS[action]
        service(current_user, revision_id, context=request_context())
        flash(message(), "info")
    return redirect(url_for("review.revision", revision_id=revision_id))


@bp.post("/content/<kind>/<id:item_id>/withdraw")
def withdraw(kind: str, item_id: int):
    if kind not in content.KINDS:
        abort(404)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("请填写理由。"), "error")
        return redirect(url_for("review.queue"))
    content.withdraw_item(current_user, content.KINDS[kind], item_id, form.reason.data, context=request_context())
    flash(_("已撤下，公众不再能看到该内容。"), "info")
    return redirect(url_for("review.queue"))
