"""The stable JSON shapes of published admission results (docs/api.md), for the API.

Children appear only through ``services.public_list``, which masks every name on the way out and
returns nothing once a list is private, withdrawn or past its ``public_until``.
"""
from __future__ import annotations

from enroll.results import services


def _school(school) -> dict:
    return {"id": school.id, "name": school.name, "stage": school.stage, "kind": school.kind}


def _totals(totals: services.Totals) -> dict:
    return {"applicants": totals.applicants, "places": totals.places, "admitted": totals.admitted,
            "ratio": round(totals.ratio, 4) if totals.ratio is not None else None}


def school_result_to_dict(result, lottery=None) -> dict:
    """One school's published result: routes with ratios, totals, and the list while it is public."""
    entries = services.public_list(result)
    return {
        "school": _school(result.school),
        "district": result.district.code,
        "year": result.year,
        "version": result.version,
        "published_at": result.published_at.isoformat() if result.published_at else None,
        "notice_until": result.notice_until.isoformat() if result.notice_until else None,
        "routes": [{"route": r["route"], "label": r["label"], "applicants": r["applicants"], "places": r["places"],
                    "admitted": r["admitted"], "ratio": round(r["ratio"], 4) if r["ratio"] is not None else None,
                    "note": r.get("note", "")} for r in services.route_rows(result)],
        "totals": _totals(services.totals(result.routes)),
        "list": {
            "public": bool(entries),
            "public_until": services.last_public_day(result.public_until).isoformat() if entries else None,
            "entries": [{k: e[k] for k in ("no", "name", "route", "outcome", "rank")} for e in entries],
        },
        "lottery": lottery.id if lottery is not None else None,
    }


def district_results_to_dict(district, year: int, rows: list) -> dict:
    """Every school of a district with its published result of ``year`` (``null`` where not yet published)."""
    return {
        "district": {"code": district.code, "name": district.name},
        "year": year,
        "schools": [{"school": _school(r.school), "totals": _totals(r.totals) if r.totals is not None else None}
                    for r in rows],
    }
