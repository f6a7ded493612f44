"""Read uploaded zoning files (zipped shapefile, GeoJSON, KML, GeoPackage) safely.

Everything comes out as lon/lat EPSG:4326 features plus machine-readable findings.
Any problem that prevents reading raises :class:`ReadError`; no other exception
escapes :func:`read_zoning_file`.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from .archive import ArchiveLimits, extract_zip
from .crs import (
    approximate_where_exact,
    crs_label,
    gcj02_to_wgs84_array,
    is_legacy_datum,
    to_wgs84_transformer,
)
from .encoding import (
    DETECTED_ENCODINGS,
    codepage_encoding,
    detect_dbf_encoding,
    encoding_error,
)
from .findings import Finding, ReadError, error, short_detail, unreadable, warning
from .kml import read_kml

_EXTENSIONS = {
    ".zip": "zip", ".kmz": "zip", ".geojson": "geojson", ".json": "geojson",
    ".kml": "kml", ".gpkg": "gpkg", ".shp": "shapefile",
}


MIB = 1024 * 1024
#: Largest zoning file read by default (``ENROLL_MAX_ZONING_FILE_MB`` in enroll.config): the upload
#: itself and, for a ZIP, what it expands to. Reading and validating costs about 2x a file's size in
#: memory for a GeoPackage or Shapefile and 3x for GeoJSON (see docs/operations.md).
DEFAULT_MAX_FILE_BYTES = 512 * MIB


def file_limits(max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> ArchiveLimits:
    """Limits for zoning files of at most ``max_file_bytes``: the upload, and what a ZIP expands to."""
    return ArchiveLimits(max_archive_bytes=max_file_bytes, max_total_uncompressed=max_file_bytes)


def too_large(name: str, size: int, limit: int, archive: bool = False) -> ReadError:
    """The refusal of a file over the limit, with its name, size and the limit (``size_mb``, ``max_mb``).

    A ZIP is refused as an ``unsafe_archive`` (reason ``archive_too_large``), like the archive
    checks do; any other file as ``unreadable`` (reason ``too_large``).
    """
    size_mb, max_mb = round(size / MIB, 1), round(limit / MIB, 1)
    params = {"file": name, "size_mb": size_mb, "max_mb": max_mb}
    if archive:
        return ReadError([error("unsafe_archive", params=dict(params, member=None, reason="archive_too_large"))])
    detail = f"file too large: {size_mb:g} MB, the limit is {max_mb:g} MB"
    return ReadError([error("unreadable", params=dict(params, reason="too_large", detail=detail))])


@dataclass
class SourceFeature:
    """One feature of the uploaded file, geometry already in EPSG:4326."""

    index: int
    geometry: BaseGeometry | None
    properties: dict


@dataclass
class ReadResult:
    """The features of an uploaded file plus what was learnt while reading it."""

    features: list[SourceFeature]
    source_crs: str | None
    encoding: str | None
    format: str
    findings: list[Finding]
    gcj02_converted: bool = False


@dataclass
class _Raw:
    """A layer as read from its format, before reprojection."""

    geoms: list
    props: list[dict]
    crs: str | None
    format: str
    encoding: str | None = None


def read_zoning_file(
    path: str | os.PathLike,
    *,
    filename: str | None = None,
    crs: str | None = None,
    gcj02: bool = False,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    limits: ArchiveLimits | None = None,
) -> ReadResult:
    """Read a zoning file and return its features in EPSG:4326.

    ``filename`` is the name the user uploaded (used for format detection and in
    findings); ``crs`` sets or overrides the source CRS; ``gcj02`` converts
    GCJ-02 coordinates back to WGS84 after reprojection. A file larger than
    ``max_file_bytes`` (or a ZIP expanding to more) is refused before it is read;
    ``limits`` replaces all the archive limits that follow from it.
    """
    name = os.path.basename(str(filename or path))
    limits = limits or file_limits(max_file_bytes)
    try:
        return _read(Path(path), name, crs, gcj02, limits)
    except ReadError:
        raise
    except Exception as exc:  # boundary: corrupt input must never leak raw errors
        raise unreadable(name, short_detail(type(exc).__name__, exc)) from exc


def _read(path: Path, name: str, crs: str | None, gcj02: bool, limits: ArchiveLimits) -> ReadResult:
    if not path.is_file():
        raise unreadable(name, "file not found")
    fmt = _detect_format(path, name)
    size = path.stat().st_size
    limit = limits.max_archive_bytes if fmt == "zip" else limits.max_total_uncompressed
    if size > limit:
        raise too_large(name, size, limit, archive=fmt == "zip")
    if fmt == "zip":
        with tempfile.TemporaryDirectory(prefix="enroll-geo-") as tmp:
            inner, inner_fmt = extract_zip(path, name, Path(tmp), limits)
            try:
                raw = _read_format(inner, inner_fmt, name)
            except ReadError as exc:
                _name_members(exc, path)
                raise
            return _finish(raw, name, crs, gcj02)
    return _finish(_read_format(path, fmt, name), name, crs, gcj02)


def _name_members(exc: ReadError, archive: Path) -> None:
    """Findings about a member extracted from ``archive`` (as ``layer.dbf``) name it as the archive does."""
    import zipfile

    with zipfile.ZipFile(archive) as zf:
        names = [n for n in zf.namelist() if not n.endswith("/")]
    shp = next((os.path.splitext(n)[0] for n in names if n.lower().endswith(".shp")), None)
    for finding in exc.findings:
        for key in ("member", "cpg"):
            extracted = finding.params.get(key)
            if extracted and extracted.startswith("layer."):
                ext = os.path.splitext(extracted)[1].lower()
                finding.params[key] = next((n for n in names if n.lower().endswith(ext)
                                            and (shp is None or os.path.splitext(n)[0] == shp)), extracted)


def _detect_format(path: Path, name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    with open(path, "rb") as fh:
        head = fh.read(4096)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if text.startswith(b"{"):
        return "geojson"
    if text.startswith(b"<") and b"<kml" in head.lower():
        return "kml"
    if head[:4] == b"\x00\x00\x27\x0a":
        return "shapefile"
    raise unreadable(name, "unknown file format")


def _read_kml(path: Path, name: str) -> _Raw:
    geoms, props = read_kml(path, name)
    return _Raw(geoms, props, "EPSG:4326", "kml")


def _read_format(path: Path, fmt: str, name: str) -> _Raw:
    if fmt == "shapefile":
        return _read_shapefile(path, name)
    if fmt == "geojson":
        return _read_geojson(path, name)
    if fmt == "kml":
        return _read_kml(path, name)
    return _read_gpkg(path, name)


# --- Shapefile ----------------------------------------------------------------


def _sidecar(shp: Path, ext: str) -> Path | None:
    for candidate in (shp.with_suffix(ext), shp.with_suffix(ext.upper())):
        if candidate.is_file():
            return candidate
    return None


SHAPEFILE_MAGIC = b"\x00\x00\x27\x0a"
GPKG_APPLICATION_IDS = (b"GPKG", b"GP10", b"GP11")


def _starts_with(path: Path, magic: bytes, offset: int = 0) -> bool:
    with open(path, "rb") as fh:
        fh.seek(offset)
        return fh.read(len(magic)) == magic


def _read_shapefile(shp: Path, name: str) -> _Raw:
    dbf = _sidecar(shp, ".dbf")
    missing = [ext for ext in (".shx", ".dbf") if _sidecar(shp, ext) is None]
    if missing:
        raise unreadable(name, "shapefile is missing " + " and ".join(missing))
    # GDAL chooses its reader by content: anything but a real shapefile header (a VRT file that
    # points at other data sources, say) must never reach it.
    if not (_starts_with(shp, SHAPEFILE_MAGIC) and _starts_with(_sidecar(shp, ".shx"), SHAPEFILE_MAGIC)):
        raise unreadable(name, "not an ESRI shapefile (bad .shp/.shx header)")
    cpg = _sidecar(shp, ".cpg")
    found = codepage_encoding(cpg.read_bytes()[:64].decode("ascii", "ignore")) if cpg else None
    codec, label = found or detect_dbf_encoding(dbf)
    try:
        geoms, props, crs = _read_ogr(shp, None, codec, name)
    except UnicodeDecodeError as exc:
        # detection reads the first records only: a file whose later ones tell otherwise is detected
        # again from all of them (a declared .cpg is not second-guessed)
        again = detect_dbf_encoding(dbf, max_records=None) if found is None else (codec, label)
        if again[0] == codec:
            raise encoding_error(name, dbf, cpg if found else None, label, exc) from exc
        codec, label = again
        try:
            geoms, props, crs = _read_ogr(shp, None, codec, name)
        except UnicodeDecodeError as exc_again:
            raise encoding_error(name, dbf, None, label, exc_again) from exc_again
    return _Raw(geoms, props, crs, "shapefile", label)


# --- GeoPackage / OGR -----------------------------------------------------------


def _clean_value(value):
    """Make an attribute value JSON-serialisable."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _read_ogr(path: Path, layer, encoding: str | None, name: str) -> tuple[list, list[dict], str | None]:
    """Read one layer through GDAL; returns shapely geometries, properties, CRS string."""
    # pyogrio (and, through it, geopandas and pandas) only when a file is read: not at every start
    from pyogrio.errors import DataLayerError, DataSourceError
    from pyogrio.raw import read as ogr_read

    try:
        meta, _, wkb, columns = ogr_read(path, layer=layer, encoding=encoding, force_2d=True)
    except (DataSourceError, DataLayerError) as exc:
        raise unreadable(name, short_detail("not a valid dataset", exc)) from exc
    geoms = _from_wkb_freeing(wkb) if wkb is not None else []
    fields = [str(f) for f in meta["fields"]]
    props = [
        {f: _clean_value(col[i]) for f, col in zip(fields, columns)}
        for i in range(len(geoms))
    ]
    return geoms, props, meta.get("crs")


def _from_wkb_freeing(wkb: np.ndarray, batch: int = 256) -> list:
    """Shapely geometries from an array of WKB, dropping each WKB value once converted.

    The WKB and the geometries are about the same size; converted a batch at a time, both never
    exist whole at once, which halves the peak memory of reading a large file.
    """
    geoms: list = []
    for start in range(0, len(wkb), batch):
        geoms.extend(shapely.from_wkb(wkb[start:start + batch]))
        wkb[start:start + batch] = None
    return geoms


def _read_gpkg(path: Path, name: str) -> _Raw:
    import pyogrio  # on use, as in _read_ogr
    from pyogrio.errors import DataSourceError

    if not (_starts_with(path, b"SQLite format 3\x00")
            and any(_starts_with(path, app_id, 68) for app_id in GPKG_APPLICATION_IDS)):
        raise unreadable(name, "not a GeoPackage (bad header)")
    path = f"GPKG:{path}"  # only the GeoPackage driver may open it
    try:
        layers = [(str(n), str(t or "")) for n, t in pyogrio.list_layers(path)]
    except DataSourceError as exc:
        raise unreadable(name, short_detail("not a valid GeoPackage", exc)) from exc
    if not layers:
        raise unreadable(name, "no layers")
    polygonal = [n for n, t in layers if "polygon" in t.lower()]
    layer = polygonal[0] if polygonal else layers[0][0]
    geoms, props, crs = _read_ogr(path, layer, None, name)
    return _Raw(geoms, props, crs, "gpkg")


# --- GeoJSON ----------------------------------------------------------------------


def _decode_text(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "GBK"


def _geojson_crs(obj: dict) -> str:
    """RFC 7946 says CRS84; honour the legacy 2008 ``crs`` member when present."""
    member = obj.get("crs")
    if isinstance(member, dict):
        props = member.get("properties") or {}
        value = props.get("name") or (f"EPSG:{props['code']}" if "code" in props else None)
        if value:
            return str(value)
    return "OGC:CRS84"


def _shape_or_none(geometry):
    if not geometry:
        return None
    try:
        return shapely.geometry.shape(geometry)
    except Exception:  # a malformed geometry is reported by validation as missing
        return None


class _Shaped:
    """A feature's geometry, made a shapely geometry (None if malformed) while the JSON was parsed."""

    __slots__ = ("geom",)

    def __init__(self, geometry: dict):
        self.geom = _shape_or_none(geometry)


def _parse_feature(obj: dict) -> dict:
    """``json.loads`` hook: each feature's geometry becomes shapely as soon as the feature is parsed.

    Coordinates as Python lists take about eight times their size in the file; converted one
    feature at a time, they never all exist at once, so a large file reads in a fraction of the
    memory. Properties are left as they are.
    """
    if obj.get("type") == "Feature" and isinstance(obj.get("geometry"), dict):
        obj["geometry"] = _Shaped(obj["geometry"])
    return obj


def _read_geojson(path: Path, name: str) -> _Raw:
    try:
        text, encoding = _decode_text(path.read_bytes())
    except UnicodeDecodeError as exc:
        raise unreadable(name, short_detail("text encoding", exc), reason="encoding", member=None,
                         tried=list(DETECTED_ENCODINGS)) from exc
    try:
        obj = json.loads(text, object_hook=_parse_feature)
    except ValueError as exc:
        raise unreadable(name, short_detail("invalid json", exc)) from exc
    del text
    if not isinstance(obj, dict):
        raise unreadable(name, "not a GeoJSON object")
    if obj.get("type") == "FeatureCollection":
        features = obj.get("features") or []
    elif obj.get("type") == "Feature":
        features = [obj]
    elif "coordinates" in obj or obj.get("type") == "GeometryCollection":
        features = [{"type": "Feature", "geometry": obj, "properties": {}}]
    else:
        raise unreadable(name, "not a GeoJSON object")
    geoms = [_feature_geometry(f) for f in features]
    props = [
        {str(k): _clean_value(v) if not isinstance(v, (dict, list)) else v for k, v in (f.get("properties") or {}).items()}
        if isinstance(f, dict) else {}
        for f in features
    ]
    return _Raw(geoms, props, _geojson_crs(obj), "geojson", encoding)


def _feature_geometry(feature):
    if not isinstance(feature, dict):
        return None
    geometry = feature.get("geometry")
    return geometry.geom if isinstance(geometry, _Shaped) else _shape_or_none(geometry)


# --- Common finishing: CRS, reprojection, GCJ-02 -----------------------------------


def _resolve_crs(raw: _Raw, name: str, override: str | None) -> pyproj.CRS:
    value = override or raw.crs
    if not value:
        raise ReadError([error("missing_crs", params={"file": name})])
    try:
        return pyproj.CRS.from_user_input(value)
    except pyproj.exceptions.CRSError as exc:
        raise ReadError([error("missing_crs", params={"file": name, "crs": str(value)[:200]})]) from exc


def _finish(raw: _Raw, name: str, override: str | None, gcj02: bool) -> ReadResult:
    if not raw.geoms:
        raise unreadable(name, "no features")
    src = _resolve_crs(raw, name, override)
    findings: list[Finding] = []
    legacy = is_legacy_datum(src)
    if legacy:
        findings.append(warning("legacy_datum", params={"file": name, "crs": legacy}))
    geoms = np.array(raw.geoms, dtype=object)
    raw.geoms = []  # the array holds the only reference: geometries replaced below are freed at once
    has_z = shapely.has_z(geoms)
    if has_z.any():
        geoms[has_z] = shapely.force_2d(geoms[has_z])
    bounds = tuple(shapely.total_bounds(geoms))  # NaN when no geometry has coordinates
    if src.is_geographic and np.isfinite(bounds).all():
        xmin, ymin, xmax, ymax = bounds
        if xmin < -180.5 or xmax > 360.0 or ymin < -90.5 or ymax > 90.5:
            detail = "coordinates are not longitude/latitude"
            raise ReadError([error("missing_crs", params={"file": name, "detail": detail})])
    transformer = to_wgs84_transformer(src)
    if transformer is not None and np.isfinite(bounds).all():
        transformer = approximate_where_exact(transformer, bounds)
    steps = ([transformer.transform] if transformer is not None else []) + ([gcj02_to_wgs84_array] if gcj02 else [])
    if not _transform_in_place(geoms, steps):
        raise unreadable(name, "coordinates could not be transformed")
    features = [
        SourceFeature(index=i + 1, geometry=geoms[i], properties=raw.props[i])
        for i in range(len(geoms))
    ]
    return ReadResult(features, crs_label(src), raw.encoding, raw.format, findings, gcj02_converted=gcj02)


def _transform_in_place(geoms: np.ndarray, steps: list, batch_coords: int = 1 << 16) -> bool:
    """Apply each step, a function ``(x, y) -> (x, y)`` of coordinate arrays, to the geometries a batch at a time.

    In batches of about ``batch_coords`` coordinates, replacing them in ``geoms``, so that the
    coordinate arrays of a transformation and the geometries before and after it never all exist
    for the whole file at once (peak memory stays near the size of the geometries themselves).

    :returns: False if a coordinate is not finite afterwards (a transformation failed).
    """
    if not steps:
        return True
    finite = True

    def apply(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        nonlocal finite
        for step in steps:
            x, y = step(x, y)
        finite = finite and bool(np.isfinite(x).all() and np.isfinite(y).all())
        return x, y

    counts = np.cumsum(shapely.get_num_coordinates(geoms))
    start = 0
    while start < len(geoms) and finite:
        stop = max(start + 1, int(np.searchsorted(counts, counts[start] + batch_coords)))
        geoms[start:stop] = shapely.transform(geoms[start:stop], apply, interleaved=False)
        start = stop
    return finite
