"""The site search page: an address goes to the lookup; anything else lists topic pages and hits."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale

from enroll.core.errors import BadRequest
from enroll.search import services

bp = Blueprint("search", __name__)


@bp.get("/search")
def page():
    query = request.args.get("q")
    answer, error = None, None
    if query is not None:
        try:
            answer = services.search(query, str(get_locale()))
        except BadRequest as exc:
            error = exc.message
    if answer is not None and answer.address:
        return redirect(url_for("lookup.page", q=answer.address, _anchor="answer"))
    return render_template("public/search.html", q=query or "", answer=answer, error=error), 400 if error else 200
