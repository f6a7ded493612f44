"""Sign in and out; the read-only audit log for auditors and city admins."""
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from enroll.accounts.forms import LoginForm
from enroll.accounts.services import authenticate
from enroll.core.i18n import _
from enroll.core.security import can
from enroll.review.services import recent_events, verify_chain

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("bureau.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            session.clear()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("用户名或密码错误。"), "error")
    return render_template("accounts/login.html", form=form), 200 if request.method == "GET" else 401


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("public.index"))


AUDIT_PAGE = 100


@bp.get("/bureau/audit/")
@login_required
def audit_log():
    if not can(current_user, "audit.read"):
        abort(403)
    page = min(max(request.args.get("page", 1, type=int), 1), 10**6)
    intact, bad_id, count = verify_chain()
    return render_template("bureau/audit.html", events=recent_events(AUDIT_PAGE, (page - 1) * AUDIT_PAGE),
                           page=page, intact=intact, bad_id=bad_id, count=count, more=count > page * AUDIT_PAGE)
