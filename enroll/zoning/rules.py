"""What lookups need of a plan, built from the database: its clauses by place name, its zones
(``enroll.lookup.index`` builds these when a plan is published and keeps them)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import defer, selectinload

from enroll.extensions import db
from enroll.geo.rules import Clause, index_keys
from enroll.zoning.models import Zone, ZoningPlan
from enroll.zoning.services import plan_identity


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
    identity: tuple  # plan_identity of the plan: what is built from it is kept while this stays the same
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


def build_rule_index(plan: ZoningPlan) -> RuleIndex:
    """The plan's clauses indexed for lookups."""
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


@dataclass(frozen=True)
class ZoneEntry:
    """What a lookup needs of a zone, detached from the database session."""

    zone_id: int
    feature_index: int
    kind: str
    label: str
    schools: tuple[tuple[int, str], ...]


def zone_entries(plan_id: int, *, geometry: bool) -> tuple[dict[int, ZoneEntry], list]:
    """The plan's zones by id and, with ``geometry``, [(zone id, polygon)] for an in-process locator
    (without it no polygon is read: the PostGIS locator asks the database per point)."""
    query = select(Zone).where(Zone.plan_id == plan_id).order_by(Zone.id).options(selectinload(Zone.schools))
    zones = list(db.session.scalars(query if geometry else query.options(defer(Zone.geometry))))
    entries = {z.id: ZoneEntry(z.id, z.feature_index, z.kind, z.label, tuple((s.id, s.name) for s in z.schools))
               for z in zones}
    return entries, [(z.id, z.geometry) for z in zones] if geometry else []
