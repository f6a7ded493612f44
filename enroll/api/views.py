"""Public JSON API, version 1 (docs/api.md)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for

from enroll.api.openapi import api_document
from enroll.extensions import csrf
from enroll.lookup import services
from enroll.lookup.schema import lookup_to_dict
from enroll.results import lotteries, schema
from enroll.results import services as results

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def _scope(args: dict) -> dict:
    year, stage = services.check_scope_args(args.get("year"), args.get("stage"))
    return {"district_code": args.get("district") or None, "year": year, "stage": stage,
            "locator": current_app.config["ZONE_LOCATOR"], "season_start": current_app.config["SEASON_START"]}


@bp.get("/lookup")
def lookup():
    """Which school serves an address (``?address=``) or a point (``?lon=&lat=``)."""
    args = request.args.to_dict()  # first value of each; a plain dict is cheaper to ask for absent keys
    if args.get("lon") is not None or args.get("lat") is not None:
        result = services.lookup_point(args.get("lon"), args.get("lat"), **_scope(args))
    else:
        result = services.lookup_address(args.get("address"), **_scope(args))
    response = jsonify(lookup_to_dict(result))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/districts/<code>/results/<id:year>")
def district_results(code: str, year: int):
    """Every school's published admission totals of a year, with oversubscription ratios."""
    district, rows = results.published_district_table(code, year)
    return jsonify(schema.district_results_to_dict(district, year, rows))


@bp.get("/schools/<id:school_id>/results/<id:year>")
def school_results(school_id: int, year: int):
    """One school's published result by route, and its list of children while that is public (masked)."""
    result = results.published_result(school_id, year)
    document = schema.school_result_to_dict(result, lotteries.published_lottery_of(school_id, year))
    response = jsonify(document)
    if document["list"]["entries"]:  # a list of children: no cache may keep it past its public date
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/lotteries/<id:lottery_id>")
def lottery(lottery_id: int):
    """A published lottery: list hash, seed commitment and, once drawn, the seed and the order."""
    response = jsonify(lotteries.document(lotteries.published_lottery(lottery_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/ping")
def ping():
    """A constant answer: the ceiling the lookup benchmark compares against."""
    return jsonify({"ok": True})


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.0 description of /api/v1 and /ogcapi."""
    response = jsonify(api_document(url_for("public.index", _external=True)))
    response.mimetype = "application/json"
    return response
