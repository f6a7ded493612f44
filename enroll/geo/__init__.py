"""Pure geospatial core: read zoning files safely, validate zones, GCJ-02 helpers.

This package depends only on the scientific Python stack (shapely, pyproj,
pyogrio, numpy, defusedxml, charset_normalizer) and never on the web application.
"""
import os

# Defence in depth: never let GDAL open a VRT (a file that points GDAL at other data sources, local
# files or URLs); readers also check each format's header before GDAL sees a file.
os.environ["GDAL_SKIP"] = " ".join(dict.fromkeys(os.environ.get("GDAL_SKIP", "").split() + ["OGR_VRT"]))


from .crs import (
    gcj02_to_wgs84,
    gcj02_to_wgs84_geometry,
    is_legacy_datum,
    out_of_china,
    wgs84_to_gcj02,
)
from .findings import ERROR, WARNING, Finding
from .io import ArchiveLimits, ReadError, ReadResult, SourceFeature, read_zoning_file
from .validate import (
    ValidationReport,
    ZoneCandidate,
    detect_school_field,
    split_school_names,
    validate_zones,
)

__all__ = [
    "ERROR",
    "WARNING",
    "ArchiveLimits",
    "Finding",
    "ReadError",
    "ReadResult",
    "SourceFeature",
    "ValidationReport",
    "ZoneCandidate",
    "detect_school_field",
    "gcj02_to_wgs84",
    "gcj02_to_wgs84_geometry",
    "is_legacy_datum",
    "out_of_china",
    "read_zoning_file",
    "split_school_names",
    "validate_zones",
    "wgs84_to_gcj02",
]
