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


# What made a file unreadable, as a stable ``reason`` the application turns into a sentence: taken
# from the start of the technical ``detail`` when a reader gives none (the detail itself, which may
# quote a library's exception, is kept for the JSON report and never shown as the message).
DETAIL_REASONS = (
    ("file not found", "not_found"),
    ("unknown file format", "unknown_format"),
    ("shapefile is missing", "missing_parts"),
    ("not an ESRI shapefile", "bad_shapefile"),
    ("not a valid GeoPackage", "bad_gpkg"),
    ("not a GeoPackage", "bad_gpkg"),
    ("no layers", "no_layers"),
    ("invalid json", "bad_json"),
    ("not a GeoJSON object", "not_geojson"),
    ("no features", "no_features"),
    ("coordinates could not be transformed", "bad_coordinates"),
    ("several shapefiles in archive", "several_datasets"),
    ("several datasets in archive", "several_datasets"),
    ("no .shp", "no_dataset"),
    ("not a valid zip archive", "bad_zip"),
    ("corrupt archive member", "bad_zip"),
    ("xml entities refused", "xml_entities"),
    ("invalid xml", "bad_xml"),
)


def unreadable(name: str, detail: str, reason: str | None = None, **params) -> ReadError:
    """The refusal of a file that cannot be read: ``reason`` (else one found from ``detail``, else
    ``corrupt``) says why in a stable code; ``params`` add what the message names (members, encodings)."""
    if reason is None:
        reason = next((code for prefix, code in DETAIL_REASONS if detail.startswith(prefix)), "corrupt")
        if ": " in detail and reason in ("several_datasets", "missing_parts"):
            params.setdefault("members", detail.split(": ", 1)[1])
        elif reason == "missing_parts":
            params.setdefault("members", detail.removeprefix("shapefile is missing ").replace(" and ", ", "))
    return ReadError([error("unreadable", params={"file": name, "detail": detail, "reason": reason, **params})])


def short_detail(prefix: str, exc: BaseException) -> str:
    """Short technical reason without server paths (directories are stripped)."""
    text = re.sub(r"(?:[A-Za-z]:)?(?:[/\\][^/\\\s'\"]+)+[/\\]", "", str(exc))
    return f"{prefix} ({text})"[:200]


def unsafe(name: str, member: str | None, reason: str) -> Finding:
    return error("unsafe_archive", params={"file": name, "member": member, "reason": reason})
