"""Machine-readable findings produced while reading and validating zoning files.

A finding carries a stable ``code`` and structured values only; turning it into a
sentence in the user's language is the application's job, never this package's.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field, fields

ERROR, WARNING = "error", "warning"

# Stable codes. The application keys its message catalogue on these strings.
ERROR_CODES = frozenset(
    {
        "unsafe_archive",
        "unreadable",
        "missing_crs",
        "invalid_geometry",
        "unknown_school",
        "duplicate_school",
        "overlap",
        "outside_district",
        "missing_school_field",
        "empty_school",
    }
)
WARNING_CODES = frozenset(
    {
        "geometry_repaired",
        "gap",
        "school_outside_zone",
        "gcj02_suspected",
        "legacy_datum",
        "school_without_zone",
    }
)


@dataclass
class Finding:
    """One problem (error) or point of attention (warning) about an uploaded file."""

    code: str
    severity: str
    feature: int | None = None
    school: str | None = None
    location: tuple[float, float] | None = None
    quantity: float | None = None
    unit: str | None = None
    params: dict = field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        """True when this finding blocks publication."""
        return self.severity == ERROR

    def to_dict(self) -> dict:
        """Return a JSON-serialisable dict (location as a 2-item list)."""
        data = asdict(self)
        if self.location is not None:
            data["location"] = [float(self.location[0]), float(self.location[1])]
        return data

    @classmethod
    def from_dict(cls, d: dict) -> "Finding":
        """Rebuild a finding from :meth:`to_dict` output; unknown keys are ignored."""
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in d.items() if k in known}
        loc = data.get("location")
        if loc is not None:
            data["location"] = (float(loc[0]), float(loc[1]))
        data["params"] = dict(data.get("params") or {})
        return cls(**data)


def error(code: str, **kwargs) -> Finding:
    """Shorthand for an error finding."""
    return Finding(code=code, severity=ERROR, **kwargs)


def warning(code: str, **kwargs) -> Finding:
    """Shorthand for a warning finding."""
    return Finding(code=code, severity=WARNING, **kwargs)


def round_quantity(value: float, unit: str) -> float:
    """Round a measured area (m2) or distance (m) to 0.1 of its unit."""
    if value is None or not math.isfinite(value):
        return value
    return round(float(value), 1)


def round_location(lon: float, lat: float) -> tuple[float, float]:
    """Round a lon/lat pair to 1e-7 degree (about 1 cm)."""
    return (round(float(lon), 7), round(float(lat), 7))


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings; within each, by feature number (file-level first).

    The sort is stable, so findings of the same feature keep their detection order.
    """
    return sorted(
        findings,
        key=lambda f: (0 if f.severity == ERROR else 1, f.feature or 0),
    )


class ReadError(Exception):
    """The file cannot be used; ``findings`` holds at least one error finding."""

    def __init__(self, findings: list[Finding]):
        super().__init__(", ".join(f.code for f in findings))
        self.findings = findings


def unreadable(name: str, detail: str) -> ReadError:
    return ReadError([error("unreadable", params={"file": name, "detail": detail})])


def short_detail(prefix: str, exc: BaseException) -> str:
    """Short technical reason without server paths (directories are stripped)."""
    text = re.sub(r"(?:[A-Za-z]:)?(?:[/\\][^/\\\s'\"]+)+[/\\]", "", str(exc))
    return f"{prefix} ({text})"[:200]


def unsafe(name: str, member: str | None, reason: str) -> Finding:
    return error("unsafe_archive", params={"file": name, "member": member, "reason": reason})
