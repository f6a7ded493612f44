"""A zoning plan's report: what its polygons' validation found, what its text's clauses need, and
the public schools it leaves with neither text nor zone."""
from __future__ import annotations

from enroll.geo.findings import ERROR, WARNING, warning
from enroll.schools.services import schools_of
from enroll.zoning.models import ZoneRule, ZoningPlan


def rule_findings(rules: list[ZoneRule]) -> list[dict]:
    """Warnings for clauses the grammar could not parse, or that cannot be applied exactly."""
    findings = []
    for rule in rules:
        params = {"row": rule.source_row, "line": rule.line, "text": rule.text}
        if rule.kind == "unparsed":
            findings.append(warning("unparsed_clause", school=rule.school.name,
                                    params=dict(params, error=rule.clause.get("error") or "")).to_dict())
        elif rule.clause.get("ambiguous"):
            findings.append(warning("ambiguous_clause", school=rule.school.name,
                                    params=dict(params, reason=rule.clause["ambiguous"])).to_dict())
    return findings


def refresh_report(plan: ZoningPlan) -> None:
    """The plan's report: the polygons' findings, the text's, and public schools left with neither."""
    findings = list((plan.zone_report or {}).get("findings", [])) + rule_findings(plan.rules)
    if plan.texts or plan.zones:
        covered = {t.school_id for t in plan.texts} | {s.id for z in plan.zones for s in z.schools}
        for school in schools_of(plan.district_id, plan.stage):
            if school.kind == "public" and school.id not in covered:
                findings.append(warning("school_without_zone", school=school.name).to_dict())
    plan.report = {"findings": findings, "stats": dict((plan.zone_report or {}).get("stats", {}),
                                                       texts=len(plan.texts), rules=len(plan.rules))}
    plan.error_count = sum(f["severity"] == ERROR for f in findings)
    plan.warning_count = sum(f["severity"] == WARNING for f in findings)
