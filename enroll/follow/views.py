"""Follow an address by e-mail (double opt-in, one-click unsubscribe). The Atom feeds are in enroll.feeds."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from enroll.core.errors import Invalid
from enroll.core.forms import STALE
from enroll.core.i18n import _
from enroll.core.web import request_context
from enroll.districts.services import get_district
from enroll.extensions import csrf
from enroll.follow import services
from enroll.follow.forms import FollowForm

bp = Blueprint("follow", __name__)


def _links() -> services.Links:
    return services.Links(request.url_root, current_app.config["SECRET_KEY"])


@bp.route("/d/<code>/follow", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token: a stale one shows the form again, values kept
def page(code: str):
    district = get_district(code)
    form, status, done = FollowForm(address=request.args.get("address", "")), 200, False
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                services.follow_address(code, form.email.data, form.address.data, _links(), context=request_context())
            except Invalid as exc:
                form.email.errors = [*form.email.errors, exc.message]
            else:
                status, done = 200, True
        elif form.stale:
            form.form_errors.append(str(STALE))
    return render_template("public/follow.html", district=district, form=form, done=done), status


@bp.get("/follow/confirm/<token>")
def confirm(token: str):
    try:
        follow = services.confirm_follow(token, current_app.config["SECRET_KEY"], context=request_context())
    except Invalid as exc:
        return render_template("public/follow_done.html", message=exc.message), 400
    return render_template("public/follow_done.html", message=_(
        "已确认。%(district)s的划片可能改变 %(address)s 的对口学校时，我们会发邮件通知您。",
        district=follow.district.name, address=follow.address))


@bp.route("/follow/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the authority; mail programs post without a form (RFC 8058 one-click)
def unsubscribe(token: str):
    if request.method == "GET":
        return render_template("public/follow_done.html", unsubscribe=url_for("follow.unsubscribe", token=token),
                               message=_("确认不再接收划片变化的邮件通知？"))
    try:
        services.unsubscribe(token, current_app.config["SECRET_KEY"], context=request_context())
    except Invalid as exc:
        return render_template("public/follow_done.html", message=exc.message), 400
    return render_template("public/follow_done.html", message=_("已退订，您的邮箱和地址已删除。"))

