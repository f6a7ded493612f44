"""The site search page."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import get_locale

from enroll.core.errors import BadRequest
from enroll.search import services

bp = Blueprint("search", __name__)


@bp.get("/search")
def page():
    query = request.args.get("q")
    hits, error = [], None
    if query is not None:
        try:
            hits = services.search(query, str(get_locale()))
        except BadRequest as exc:
            error = exc.message
    return render_template("public/search.html", q=query or "", hits=hits, error=error), 400 if error else 200
