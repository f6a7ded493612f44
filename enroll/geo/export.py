"""Zone files for download: features (EPSG:4326 geometry + flat attributes) to the bytes of GeoJSON,
GeoPackage, zipped Shapefile (UTF-8 or GBK, with a ``.cpg`` naming its encoding) and KML.

Pure: shapely, pyogrio and the standard library. Output is reproducible: the same features and
``timestamp`` give the same bytes (GeoPackage and .dbf dates, ZIP member times), so a checksum
stays the same for as long as what it describes does.
"""
from __future__ import annotations

import io
import re
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

# name -> (codec, .cpg text): the GBK variant is GB18030 (GBK itself for every character GBK has, and
# no character lost), its .cpg the code page number 936 that older desktop GIS understand
SHAPEFILE_ENCODINGS = {"UTF-8": ("UTF-8", "UTF-8"), "GBK": ("GB18030", "936")}
DBF_NAME_BYTES = 10  # a .dbf field name holds at most 10 bytes
SHAPEFILE_MEMBERS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_GDAL_DATE = threading.Lock()  # OGR_CURRENT_DATE is process-wide: one writer at a time sets it


@dataclass(frozen=True)
class Feature:
    """One feature to write: polygonal geometry in EPSG:4326 and its attributes (str, int, float)."""

    geometry: BaseGeometry
    properties: dict


def _columns(features: list[Feature]) -> list[str]:
    return list(dict.fromkeys(k for f in features for k in f.properties))


def _fields(features: list[Feature], columns: list[str]) -> list[np.ndarray]:
    """One array per column: integers stay integers where every value is one, else text (or floats)."""
    arrays = []
    for name in columns:
        values = [f.properties.get(name) for f in features]
        present = [v for v in values if v is not None]
        if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present) \
                and len(present) == len(values):
            arrays.append(np.array(values, dtype=np.int64))
        elif present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
            arrays.append(np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64))
        else:
            arrays.append(np.array(["" if v is None else str(v) for v in values], dtype=object))
    return arrays


def dbf_field_names(columns: list[str], encoding: str) -> list[str]:
    """Column names a .dbf can hold: at most ``DBF_NAME_BYTES`` bytes in ``encoding`` (cut on a
    character boundary), unique (a cut name that repeats another ends in a number)."""
    names: list[str] = []
    for column in columns:
        base = ""
        for ch in column:
            if len((base + ch).encode(encoding, "replace")) > DBF_NAME_BYTES:
                break
            base += ch
        name, n = base or "field", 1
        while name.upper() in (x.upper() for x in names):
            suffix = str(n)
            name, n = _cut(base, DBF_NAME_BYTES - len(suffix), encoding) + suffix, n + 1
        names.append(name)
    return names


def _cut(text: str, limit: int, encoding: str) -> str:
    while len(text.encode(encoding, "replace")) > limit:
        text = text[:-1]
    return text


def _write(features: list[Feature], path: Path, driver: str, *, columns: list[str] | None = None,
           timestamp: datetime | None = None, **options) -> None:
    """Write the features with GDAL (pyogrio's raw writer: no pandas needed)."""
    import pyogrio
    from pyogrio.raw import write

    names = _columns(features)
    geoms = [shapely.force_2d(f.geometry) for f in features]
    multi = any(g.geom_type.startswith("Multi") for g in geoms)
    wkb = np.array([shapely.to_wkb(g) for g in geoms], dtype=object)
    when = (timestamp or _EPOCH).astimezone(UTC)
    # the GeoPackage's gpkg_contents.last_change: the data's own time, not the moment of writing
    with _GDAL_DATE:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": when.strftime("%Y-%m-%dT%H:%M:%S.000Z")})
        try:
            write(path, wkb, _fields(features, names), columns or names, driver=driver, crs="EPSG:4326",
                  geometry_type="MultiPolygon" if multi else "Polygon", promote_to_multi=multi or None, **options)
        finally:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})


def to_geojson(features: list[Feature], *, timestamp: datetime | None = None) -> bytes:
    """An RFC 7946 FeatureCollection (UTF-8, coordinates to 7 decimals: about 1 cm)."""
    with tempfile.TemporaryDirectory(prefix="enroll-export-") as tmp:
        path = Path(tmp) / "zones.geojson"
        _write(features, path, "GeoJSON", timestamp=timestamp, layer_options={"RFC7946": "YES",
                                                                                "COORDINATE_PRECISION": "7"})
        return path.read_bytes()


def to_gpkg(features: list[Feature], layer: str, *, timestamp: datetime | None = None) -> bytes:
    """A GeoPackage with one layer ``layer``."""
    with tempfile.TemporaryDirectory(prefix="enroll-export-") as tmp:
        path = Path(tmp) / "zones.gpkg"
        _write(features, path, "GPKG", layer=layer, timestamp=timestamp)
        return path.read_bytes()


def to_shapefile_zip(features: list[Feature], name: str, *, encoding: str = "UTF-8",
                     timestamp: datetime | None = None) -> bytes:
    """A ZIP of ``name``.shp/.shx/.dbf/.prj/.cpg, text in ``encoding`` (``UTF-8`` or ``GBK``: the
    ``.cpg`` says which), field names cut to what a .dbf holds (``dbf_field_names``).
    """
    codec, cpg = SHAPEFILE_ENCODINGS[encoding]
    when = (timestamp or _EPOCH).astimezone(UTC)
    columns = dbf_field_names(_columns(features), codec)
    with tempfile.TemporaryDirectory(prefix="enroll-export-") as tmp:
        path = Path(tmp) / f"{name}.shp"
        _write(features, path, "ESRI Shapefile", columns=columns, timestamp=timestamp, encoding=codec,
               layer_options={"DBF_DATE_LAST_UPDATE": when.strftime("%Y-%m-%d")})
        (Path(tmp) / f"{name}.cpg").write_text(cpg, encoding="ascii")
        return _zip([(f"{name}{ext}", (Path(tmp) / f"{name}{ext}").read_bytes()) for ext in SHAPEFILE_MEMBERS
                     if (Path(tmp) / f"{name}{ext}").exists()], when)


def _zip(members: list[tuple[str, bytes]], when: datetime) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members:
            info = zipfile.ZipInfo(member, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def to_kml(features: list[Feature], name_field: str, *, timestamp: datetime | None = None) -> bytes:
    """KML 2.2 with one Placemark per feature, named by its ``name_field`` attribute, every attribute
    also in its ExtendedData."""
    cleaned = [Feature(f.geometry, {k: _XML_UNSAFE.sub("", v) if isinstance(v, str) else v
                                    for k, v in f.properties.items()}) for f in features]
    with tempfile.TemporaryDirectory(prefix="enroll-export-") as tmp:
        path = Path(tmp) / "zones.kml"
        _write(cleaned, path, "KML", timestamp=timestamp, dataset_options={"NameField": name_field})
        return path.read_bytes()
