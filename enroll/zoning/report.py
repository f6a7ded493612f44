"""A zoning plan's report: what its polygons' validation found, what its text's clauses need, and
the public schools it leaves with neither text nor zone; and how staff read it (a summary first, then
each kind of finding a page at a time)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from enroll.geo.findings import ERROR, WARNING, warning
from enroll.schools.services import schools_of
from enroll.zoning.messages import annotate, far_sentence, title
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


PER_PAGE = 100  # findings of one code listed per page: a report of thousands stays a small page


@dataclass
class FindingGroup:
    """The findings of one code: how many, and the page of them to list."""

    code: str
    title: str
    severity: str
    count: int
    findings: list[dict]  # annotated (``messages.annotate``), this page only
    page: int
    pages: int
    first: int  # the number of this page's first finding among the code's (from 1)


@dataclass
class ReportView:
    """A report as staff read it: counts per code and a far-away warning first, then each code's
    findings a page at a time (``code`` and ``page`` choose the page of one code; others show their first)."""

    errors: int
    warnings: int
    far: str | None
    groups: list[FindingGroup] = field(default_factory=list)


def report_view(report: dict, *, code: str | None = None, page: int = 1, per_page: int = PER_PAGE) -> ReportView:
    """The summary and the pages to show of a plan's (or a refused upload's) ``report``."""
    by_code: dict[str, list[dict]] = {}
    for finding in report.get("findings", []):
        by_code.setdefault(finding["code"], []).append(finding)
    groups = []
    for found_code, found in sorted(by_code.items(), key=lambda kv: (kv[1][0]["severity"] != ERROR, -len(kv[1]))):
        pages = max(1, math.ceil(len(found) / per_page))
        shown = min(max(1, page), pages) if found_code == code else 1
        start = (shown - 1) * per_page
        groups.append(FindingGroup(found_code, title(found_code), found[0]["severity"], len(found),
                                   annotate(found[start:start + per_page]), shown, pages, start + 1))
    return ReportView(sum(g.count for g in groups if g.severity == ERROR),
                      sum(g.count for g in groups if g.severity == WARNING),
                      far_sentence(report.get("stats", {}).get("far")), groups)


def report_summary(report: dict) -> dict:
    """What the audit log keeps of a report: the counts, per code too, and how far from the district."""
    counts: dict[str, int] = {}
    for finding in report.get("findings", []):
        counts[finding["code"]] = counts.get(finding["code"], 0) + 1
    return {"errors": sum(f["severity"] == ERROR for f in report.get("findings", [])),
            "warnings": sum(f["severity"] == WARNING for f in report.get("findings", [])),
            "codes": dict(sorted(counts.items())), "far": report.get("stats", {}).get("far")}
