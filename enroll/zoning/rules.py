"""划片 text rules: import from CSV into new draft plan versions, and the per-plan lookup indexes."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from enroll.core.context import Context
from enroll.core.errors import Invalid
from enroll.core.i18n import _l, _n
from enroll.core.security import authorize
from enroll.core.text import decode_upload
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.geo.findings import ERROR, WARNING, warning
from enroll.geo.locate import STRtreeLocator, ZoneLocator
from enroll.geo.rules import Clause, parse_rules
from enroll.review import states
from enroll.review.services import record
from enroll.schools.services import schools_of
from enroll.zoning.models import ZoneRule, ZoningPlan
from enroll.zoning.postgis import PostGISLocator
from enroll.zoning.services import (
    check_scope,
    copy_zones,
    latest_plan,
    memo,
    plan_identity,
)

STAGE_WORDS = {"小学": "primary", "初中": "junior", "primary": "primary", "junior": "junior"}
COLUMNS = ("学校", "学段", "划片范围")


@dataclass(frozen=True)
class RuleEntry:
    """A parsed clause with the school it serves and where it was written."""

    clause: Clause
    school_id: int
    school_name: str
    rule_id: int


def _rows(path: Path) -> list[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(decode_upload(path.read_bytes())))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise Invalid(_l("文件 %(file)s 缺少列：%(columns)s", file=path.name, columns="、".join(missing)))
    return list(enumerate(reader, start=2))


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


def _parse_rows(path: Path, district, year: int, errors: list) -> dict[str, list[ZoneRule]]:
    by_stage: dict[str, list[ZoneRule]] = defaultdict(list)
    for line, row in _rows(path):
        stage = STAGE_WORDS.get((row.get("学段") or "").strip())
        if stage is None:
            errors.append((line, "学段", _l("学段必须是“小学”或“初中”。")))
            continue
        name = (row.get("学校") or "").strip()
        school = next((s for s in schools_of(district.id, stage) if s.name == name), None)
        if school is None:
            errors.append((line, "学校", _l("“%(school)s”不在本区该学段的学校名录中。", school=name)))
            continue
        for clause in parse_rules(row.get("划片范围") or ""):
            by_stage[stage].append(ZoneRule(school=school, line=clause.line, source_row=line, text=clause.text,
                                            kind=clause.kind, clause=clause.to_dict()))
    return by_stage


def import_rules(actor, district_code: str, year: int, path, *, context: Context = Context()) -> list[ZoningPlan]:
    """New draft versions holding the official 划片 text, one per stage in the file.

    Each draft keeps the zones of the scope's current plan (published, else newest), so polygons
    and text are reviewed and published together. Unparsed clauses are kept as text and reported.

    :raises Invalid: with ``errors`` (line, column, message); nothing is written then.
    """
    district = get_district(district_code)
    authorize(actor, "zoning.import", district.id)
    path = Path(path)
    errors: list = []
    by_stage = _parse_rows(path, district, int(year), errors)
    if errors or not by_stage:
        raise Invalid(_n("文件 %(file)s 有 %(num)d 处错误，未导入任何划片文字。", max(len(errors), 1),
                         file=path.name), errors=errors or [(1, "", _l("文件中没有划片文字。"))])
    plans = []
    for stage, rules in by_stage.items():
        check_scope(year, stage)
        source = latest_plan(district.id, int(year), stage)
        version = 1 + (db.session.scalar(select(func.max(ZoningPlan.version)).where(
            ZoningPlan.district_id == district.id, ZoningPlan.year == int(year), ZoningPlan.stage == stage)) or 0)
        plan = ZoningPlan(district=district, year=int(year), stage=stage, status=states.DRAFT, version=version,
                          source_filename=path.name[:255], source_format="rules", created_by=actor,
                          source_crs=source.source_crs if source else "", school_field="")
        copy_zones(source, plan)
        plan.rules.extend(rules)
        findings = rule_findings(rules)
        plan.report = {"findings": findings, "stats": {"rules": len(rules), "based_on": source.id if source else None}}
        plan.error_count = sum(f["severity"] == ERROR for f in findings)
        plan.warning_count = sum(f["severity"] == WARNING for f in findings)
        db.session.add(plan)
        db.session.flush()
        record(actor, "zoning.import_rules", "zoning_plan", plan.id, context=context,
               detail={"file": path.name, "rules": len(rules), "based_on": source.id if source else None})
        plans.append(plan)
    db.session.commit()
    return plans


@dataclass(frozen=True)
class PlanInfo:
    """A published plan as lookups need it, detached from any database session."""

    id: int
    year: int
    stage: str
    version: int
    created: str  # creation time (ISO): with the id, identifies the plan's content

    @classmethod
    def of(cls, plan: ZoningPlan) -> PlanInfo:
        _, created = plan_identity(plan)
        return cls(plan.id, plan.year, plan.stage, plan.version, created)

    @property
    def identity(self) -> tuple:
        """The same key as ``plan_identity`` of the plan, so memoised values are shared."""
        return self.id, self.created


@dataclass(frozen=True)
class RuleIndex:
    by_name: dict[str, list[RuleEntry]]  # parsed clauses by road, estate or village name
    unparsed: tuple[str, ...]            # texts of the clauses the grammar could not parse


def _rule_index(plan: ZoningPlan) -> RuleIndex:
    index: dict[str, list[RuleEntry]] = defaultdict(list)
    for rule in plan.rules:
        if rule.kind != "unparsed":
            clause = Clause.from_dict(rule.clause)
            key = clause.road or clause.estate or clause.village
            index[key].append(RuleEntry(clause, rule.school_id, rule.school.name, rule.id))
    return RuleIndex(dict(index), tuple(r.text for r in plan.rules if r.kind == "unparsed"))


def rule_index(info: PlanInfo) -> RuleIndex:
    """The plan's clauses indexed for lookups (memoised per plan; the plan is read only on a miss)."""
    return memo(("rules", info.identity), lambda: _rule_index(db.session.get(ZoningPlan, info.id)))


@dataclass(frozen=True)
class ZoneEntry:
    """What a lookup needs of a zone, detached from the database session."""

    zone_id: int
    feature_index: int
    kind: str
    label: str
    schools: tuple[tuple[int, str], ...]


def _zone_locator(plan: ZoningPlan, kind: str) -> tuple[ZoneLocator, dict[int, ZoneEntry]]:
    zones = {z.id: ZoneEntry(z.id, z.feature_index, z.kind, z.label, tuple((s.id, s.name) for s in z.schools))
             for z in plan.zones}
    if kind == "postgis":
        return PostGISLocator(plan.id), zones
    return STRtreeLocator([(z.id, z.geometry) for z in plan.zones]), zones


def zone_locator(info: PlanInfo, kind: str = "memory") -> tuple[ZoneLocator, dict[int, ZoneEntry]]:
    """A locator over the plan's zones and the zones by id (memoised per plan).

    :param kind: ``memory`` (an in-process grid and STRtree, the default) or ``postgis`` (a query per
        point against the zones table; ENROLL_ZONE_LOCATOR).
    """
    return memo(("locator", kind, info.identity), lambda: _zone_locator(db.session.get(ZoningPlan, info.id), kind))
