"""The stable JSON shape of a lookup answer (documented in docs/api.md), shared by API and CLI."""
from __future__ import annotations


def lookup_to_dict(result) -> dict:
    """The answer of its year, and (``later``) the answers of later published years, each with its year."""
    district = result.district
    return {
        "district": {"code": district.code, "name": district.name} if district is not None else None,
        "year": result.year,
        "normalized": result.normalized,
        "point": {"lon": result.point[0], "lat": result.point[1]} if result.point else None,
        "matches": [{
            "school": {"id": m.school_id, "name": m.school_name},
            "stage": m.stage,
            "basis": {"type": m.basis, "text": m.text, "line": m.line,
                      "plan": {"id": m.plan.id, "district": district.code, "year": m.plan.year,
                               "stage": m.plan.stage, "version": m.plan.version}},
        } for m in result.matches],
        "caveats": [{"code": c.code, "message": str(c.message)} for c in result.caveats],
        "suggestions": list(result.suggestions),
        "later": [lookup_to_dict(later) for later in result.later],
    }
