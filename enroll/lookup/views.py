"""The parents' lookup page: type an address, click the map, or use the phone's location."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from enroll.core.errors import BadRequest
from enroll.lookup import services

bp = Blueprint("lookup", __name__)


@bp.get("/lookup")
def page():
    query = request.args.get("q")
    result, error, year = None, None, None
    if query is not None:
        try:
            year, stage = services.check_scope_args(request.args.get("year"), request.args.get("stage"))
            result = services.lookup_address(query, district_code=request.args.get("district") or None, year=year,
                                             stage=stage, locator=current_app.config["ZONE_LOCATOR"],
                                             season_start=current_app.config["SEASON_START"])
        except BadRequest as exc:
            error = exc.message
    return render_template("public/lookup.html", q=query or "", result=result, error=error, map=_map(), year=year,
                           api_url=url_for("api.lookup")), 400 if error else 200


def _map():
    """A map of the zones to click on (an alternative to typing; the form works without it)."""
    from enroll.maps.folium_map import build_map  # folium on the first map, not at every start

    plan = services.map_plan(current_app.config["SEASON_START"])
    if plan is None:
        return None
    district, cfg = plan.district, current_app.config
    bounds = district.boundary.bounds if district.boundary is not None else None
    if bounds is None:
        return None
    url = url_for("zoning.zoning_geojson", code=district.code, year=plan.year, stage=plan.stage, plan=plan.id)
    return build_map(bounds=bounds, geojson_url=url, markers=[], tiles=cfg["MAP_TILES"],
                     static_url=lambda f: url_for("static", filename=f), tianditu_key=cfg["TIANDITU_KEY"],
                     approval=cfg["TIANDITU_APPROVAL"], height="360px",
                     click_lookup=(url_for("api.lookup"), "answer"))
