"""What a lookup answers: the schools (each with its basis), the caveats, and later years beside."""
from __future__ import annotations

from dataclasses import dataclass, field

from enroll.zoning.rules import PlanInfo


@dataclass
class Match:
    school_id: int
    school_name: str
    stage: str
    basis: str            # "rule" | "zone"
    text: str             # the clause as published, or the zone's label
    plan: PlanInfo
    line: int | None = None


@dataclass
class Caveat:
    code: str
    message: str


@dataclass
class LookupResult:
    """The answer for one year (``year``; None when the district has nothing published), and the
    answers of later published years (``later``, each labelled with its year)."""

    matches: list[Match] = field(default_factory=list)
    caveats: list[Caveat] = field(default_factory=list)
    district: object | None = None
    point: tuple[float, float] | None = None
    normalized: str | None = None
    year: int | None = None
    later: list[LookupResult] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)  # addresses the parent probably meant (a typo)

    def add_caveat(self, code: str, message) -> None:
        """A caveat, once: the primary and the junior plan may each raise the same one (near a boundary)."""
        if not any(c.code == code and str(c.message) == str(message) for c in self.caveats):
            self.caveats.append(Caveat(code, message))
