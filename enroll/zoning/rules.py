"""The per-plan lookup indexes: clauses by place name, zones in a locator (memoised per plan)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from enroll.extensions import db
from enroll.geo.locate import STRtreeLocator, ZoneLocator
from enroll.geo.rules import Clause, index_keys
from enroll.zoning.models import ZoningPlan
from enroll.zoning.postgis import PostGISLocator
from enroll.zoning.services import memo, plan_identity


@dataclass(frozen=True)
class RuleEntry:
    """A parsed clause with the school it serves and where it was written."""

    clause: Clause
    school_id: int
    school_name: str
    rule_id: int


@dataclass(frozen=True)
class PlanInfo:
    """A published plan as lookups need it, detached from any database session."""

    id: int
    year: int
    stage: str
    version: int
    identity: tuple  # plan_identity of the plan: memoised values are shared with its ORM side
    has_zones: bool = True

    @classmethod
    def of(cls, plan: ZoningPlan, has_zones: bool) -> PlanInfo:
        return cls(plan.id, plan.year, plan.stage, plan.version or 0, plan_identity(plan), has_zones)


@dataclass(frozen=True)
class RuleIndex:
    by_name: dict[str, list[RuleEntry]]  # clauses by the normalized road, estate or village name
    places: tuple[tuple[str, tuple[RuleEntry, ...]], ...]  # place name → clauses: an address naming it
    bounded: tuple[RuleEntry, ...]       # 四至 clauses: decided from the address's point
    unparsed: tuple[str, ...]            # texts of the clauses the grammar could not parse


def _rule_index(plan: ZoningPlan) -> RuleIndex:
    names: dict[str, list[RuleEntry]] = defaultdict(list)
    places: dict[str, list[RuleEntry]] = defaultdict(list)
    bounded = []
    for rule in plan.rules:
        if rule.kind in ("unparsed", "heading"):
            continue
        clause = Clause.from_dict(rule.clause)
        entry = RuleEntry(clause, rule.school_id, rule.school.name, rule.id)
        if clause.kind == "bounded":
            bounded.append(entry)
        for key in index_keys(clause):
            (places if clause.kind == "place" else names)[key].append(entry)
    return RuleIndex(dict(names), tuple((k, tuple(v)) for k, v in places.items()), tuple(bounded),
                     tuple(r.text for r in plan.rules if r.kind == "unparsed"))


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
