"""The audit log, read-only, for auditors and city admins."""
from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from enroll.accounts.services import can
from enroll.review.services import recent_events, verify_chain

bp = Blueprint("audit", __name__, url_prefix="/bureau/audit")
PAGE = 100


@bp.get("/")
@login_required
def log():
    if not can(current_user, "audit.read"):
        abort(403)
    page = max(request.args.get("page", 1, type=int), 1)
    intact, bad_id, count = verify_chain()
    return render_template("bureau/audit.html", events=recent_events(PAGE, (page - 1) * PAGE), page=page,
                           intact=intact, bad_id=bad_id, count=count, more=count > page * PAGE)
