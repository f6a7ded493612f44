"""Sign in (password, then the optional TOTP code) and out, session timeouts, the second factor's
setup, the city admin's user management, and the read-only audit log for auditors and city admins."""
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from markupsafe import Markup

from enroll.accounts import services as accounts
from enroll.accounts.forms import ActionForm, CodeForm, LockForm, LoginForm, NewPasswordForm
from enroll.accounts.passwords import PasswordPolicy
from enroll.accounts.services import (
    LoginPolicy,
    check_password,
    complete_login,
    disable_totp,
    enable_totp,
    end_sessions,
    new_totp_secret,
    totp_uri,
    user_for_session,
    verify_totp,
)
from enroll.core.errors import Conflict, Invalid, TooManyRequests, Unauthenticated
from enroll.core.i18n import _
from enroll.core.web import request_context, show_beside_field
from enroll.core.security import can
from enroll.review.services import recent_events, verify_chain

bp = Blueprint("accounts", __name__)
PENDING = "pending_login"    # session key: a user who passed the password step, for PENDING_SECONDS
PENDING_SECONDS = 300
SETUP = "totp_setup_secret"  # session key: the secret being set up, until a code confirms it


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("bureau.dashboard")


def _policy() -> LoginPolicy:
    return LoginPolicy.from_config(current_app.config)


def _start_session(user, next_url: str | None):
    """A fresh session for a user who passed every factor (no session fixation)."""
    complete_login(user, context=request_context())
    session.clear()
    login_user(user)
    session["auth_at"] = session["seen_at"] = time.time()
    return redirect(_safe_next(next_url))


def _pending_user():
    """The user who passed the password step in this session, if recently enough and still valid."""
    pending = session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return user_for_session(pending.get("id", ""))


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = check_password(form.username.data, form.password.data, policy=_policy(),
                                  context=request_context())
        except (Unauthenticated, TooManyRequests) as exc:  # one message for every refused account
            flash(str(exc.message), "error")
            response = current_app.make_response((render_template("accounts/login.html", form=form), exc.status))
            if exc.detail.get("retry_after"):
                response.headers["Retry-After"] = str(exc.detail["retry_after"])
            return response
        mode, next_url = current_app.config["TOTP"], request.args.get("next")
        if mode == "off" or (mode == "optional" and not user.totp_secret):
            return _start_session(user, next_url)
        session.clear()
        session[PENDING] = {"id": user.get_id(), "at": time.time(), "next": next_url}
        return redirect(url_for("accounts.login_code" if user.totp_secret else "accounts.totp_setup"))
    return render_template("accounts/login.html", form=form), 200 if request.method == "GET" else 401


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    user = _pending_user()
    if user is None or not user.totp_secret:
        return redirect(url_for("accounts.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            verify_totp(user, form.code.data, policy=_policy(), context=request_context())
        except Unauthenticated as exc:
            flash(str(exc.message), "error")
            return render_template("accounts/code.html", form=form), 401
        return _start_session(user, session.get(PENDING, {}).get("next"))
    return render_template("accounts/code.html", form=form), 422 if form.errors else 200


@bp.route("/account/totp", methods=["GET", "POST"])
def totp_setup():
    """Set up the second factor: while signed in, or right after the password when it is required."""
    import segno  # on the one page that draws a QR code

    user = current_user._get_current_object() if current_user.is_authenticated else _pending_user()
    if user is None:
        return redirect(url_for("accounts.login"))
    if user.totp_secret:  # replacing a second factor needs the current one: turn it off first (with a code)
        return redirect(url_for("accounts.security" if current_user.is_authenticated else "accounts.login_code"))
    form = CodeForm()
    secret = session.get(SETUP) or new_totp_secret()
    session[SETUP] = secret
    status = 422 if request.method == "POST" else 200  # a code that is not six digits
    if form.validate_on_submit():
        try:
            enable_totp(user, secret, form.code.data, policy=_policy(), context=request_context())
        except Unauthenticated as exc:
            flash(str(exc.message), "error")
            status = 401
        else:
            session.pop(SETUP, None)
            if not current_user.is_authenticated:
                return _start_session(user, session.get(PENDING, {}).get("next"))
            flash(_("动态验证码已启用。"), "info")
            return redirect(url_for("accounts.security"))
    uri = totp_uri(user, secret)
    qr = segno.make(uri, error="m").svg_inline(scale=4, title=_("用验证器应用扫描此二维码"))
    return render_template("accounts/totp_setup.html", form=form, secret=secret, qr=Markup(qr),
                           required=current_app.config["TOTP"] == "required"), status


@bp.get("/account/security")
@login_required
def security():
    return render_template("accounts/security.html", mode=current_app.config["TOTP"], form=CodeForm())


@bp.post("/account/totp/disable")
@login_required
def totp_disable():
    """Turning the second factor off needs a current code, so a stolen session cannot do it."""
    if current_app.config["TOTP"] == "required":
        abort(403)
    form = CodeForm()
    if not form.validate_on_submit():  # the page again, the form's error beside the code
        return render_template("accounts/security.html", mode=current_app.config["TOTP"], form=form), 422
    try:
        disable_totp(current_user._get_current_object(), form.code.data, policy=_policy(), context=request_context())
    except Unauthenticated as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("accounts.security"))
    flash(_("动态验证码已关闭。"), "info")
    return redirect(url_for("accounts.security"))


@bp.before_app_request
def session_timeouts():
    """End staff sessions idle for SESSION_IDLE_MINUTES or older than SESSION_MAX_HOURS."""
    if request.path.startswith("/api/") or request.endpoint in (None, "static") or "_user_id" not in session:
        return None
    now, cfg = time.time(), current_app.config
    auth_at, seen_at = session.get("auth_at", 0), session.get("seen_at", 0)
    if now - seen_at > cfg["SESSION_IDLE_MINUTES"] * 60 or now - auth_at > cfg["SESSION_MAX_HOURS"] * 3600:
        logout_user()
        session.clear()
        flash(_("登录已超时，请重新登录。"), "info")
        return redirect(url_for("accounts.login", next=request.full_path if request.method == "GET" else None))
    session["seen_at"] = now
    return None


@bp.post("/logout")
@login_required
def logout():
    end_sessions(current_user._get_current_object(), context=request_context())
    logout_user()
    session.clear()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("public.index"))


def _users_page(status: int = 200):
    return render_template("accounts/users.html", users=accounts.list_users(current_user._get_current_object()),
                           lock_form=LockForm(formdata=None), max_minutes=accounts.MAX_LOCK_MINUTES,
                           now=datetime.now(UTC)), status


def _change_user(service, user_id: int, *args, done):
    """Run one of the admin's account changes; back to the list with ``done(user)`` or the refusal."""
    try:
        user = service(current_user._get_current_object(), user_id, *args, context=request_context())
    except (Conflict, Invalid) as exc:
        flash(str(exc.message), "error")
        return _users_page(exc.status)
    flash(done(user), "info")
    return redirect(url_for("accounts.users"), 303)


@bp.get("/bureau/users/")
@login_required
def users():
    """Every account with its role, district, status, lock and last sign-in, and what the admin can do."""
    return _users_page()


@bp.post("/bureau/users/<id:user_id>/lock")
@login_required
def user_lock(user_id: int):
    form = LockForm()
    if not form.validate_on_submit():
        flash(_("锁定时长应在 1 到 %(max)d 分钟之间。", max=accounts.MAX_LOCK_MINUTES), "error")
        return _users_page(422)
    return _change_user(accounts.lock_user, user_id, form.minutes.data,
                        done=lambda user: _("已锁定用户“%(name)s”。", name=user.username))


def _button(service, user_id: int, done):
    """A POST that is only a button: its form carries nothing but the CSRF token."""
    if not ActionForm().validate_on_submit():
        abort(400)
    return _change_user(service, user_id, done=done)


@bp.post("/bureau/users/<id:user_id>/unlock")
@login_required
def user_unlock(user_id: int):
    return _button(accounts.unlock_user, user_id, lambda user: _("已解锁用户“%(name)s”。", name=user.username))


@bp.post("/bureau/users/<id:user_id>/deactivate")
@login_required
def user_deactivate(user_id: int):
    return _button(accounts.deactivate_user, user_id,
                   lambda user: _("已停用用户“%(name)s”，其所有登录已失效。", name=user.username))


@bp.post("/bureau/users/<id:user_id>/reactivate")
@login_required
def user_reactivate(user_id: int):
    return _button(accounts.reactivate_user, user_id, lambda user: _("已恢复用户“%(name)s”。", name=user.username))


@bp.route("/bureau/users/<id:user_id>/password", methods=["GET", "POST"])
@login_required
def user_password(user_id: int):
    """Set a user's new password (it must pass the policy); their sessions end."""
    actor = current_user._get_current_object()
    user = accounts.managed_user(actor, user_id)
    form, policy = NewPasswordForm(), PasswordPolicy.from_config(current_app.config)
    if form.validate_on_submit():
        try:
            accounts.set_password(actor, user_id, form.password.data, policy=policy, context=request_context())
        except Invalid as exc:
            show_beside_field(form, exc, "password")
        else:
            flash(_("已为用户“%(name)s”设置新密码，其所有登录已失效。", name=user.username), "info")
            return redirect(url_for("accounts.users"), 303)
    return render_template("accounts/user_password.html", form=form, user=user,
                           min_length=policy.min_length), 422 if form.errors else 200


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
