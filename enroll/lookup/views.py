"""The parents' lookup page: type an address, click the map, or use the phone's location."""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from enroll.core.errors import BadRequest
from enroll.lookup import services

bp = Blueprint("lookup", __name__)


@bp.get("/lookup")
def page():
    query = request.args.get("q")
    result, error = None, None
    if query is not None:
        try:
            result = services.lookup_address(query, district_code=request.args.get("district") or None)
        except BadRequest as exc:
            error = exc.message
    return render_template("public/lookup.html", q=query or "", result=result, error=error,
                           api_url=url_for("api.lookup")), 400 if error else 200
