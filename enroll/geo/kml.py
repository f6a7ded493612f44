"""KML, parsed with defusedxml (never GDAL), so entity expansion and external references are refused."""
from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import ParseError

import shapely
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as defused_et
from shapely.geometry.base import BaseGeometry

from .findings import short_detail, unreadable


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(elem, local: str) -> list:
    return [c for c in elem if _local(c.tag) == local]


def _kml_ring(elem) -> list[tuple[float, float]]:
    """Coordinates of the first <coordinates> below ``elem`` as (lon, lat) pairs."""
    coords = next((c for c in elem.iter() if _local(c.tag) == "coordinates"), None)
    text = re.sub(r",\s+", ",", (coords.text or "") if coords is not None else "")
    return [tuple(float(v) for v in token.split(",")[:2]) for token in text.split()]


def _kml_geometry(elem):
    """Shapely geometry for a KML geometry element, or None if unsupported."""
    kind = _local(elem.tag)
    if kind == "Polygon":
        outer = [_kml_ring(b) for b in _children(elem, "outerBoundaryIs")]
        inner = [_kml_ring(r) for b in _children(elem, "innerBoundaryIs") for r in _children(b, "LinearRing")]
        return shapely.Polygon(outer[0], inner) if outer else None
    if kind == "MultiGeometry":
        parts = [g for g in (_kml_geometry(c) for c in elem) if g is not None]
        if parts and all(p.geom_type == "Polygon" for p in parts):
            return shapely.MultiPolygon(parts)
        return shapely.GeometryCollection(parts)
    if kind == "Point":
        return shapely.Point(_kml_ring(elem)[0])
    if kind in ("LineString", "LinearRing"):
        return shapely.LineString(_kml_ring(elem))
    return None


def _kml_placemark(pm) -> tuple[BaseGeometry | None, dict]:
    props: dict = {}
    geom = None
    for child in pm:
        kind = _local(child.tag)
        if kind == "name":
            props["name"] = (child.text or "").strip()
        elif kind == "ExtendedData":
            for item in child.iter():
                if _local(item.tag) == "Data" and item.get("name"):
                    value = next((v.text for v in _children(item, "value")), None)
                    props[item.get("name")] = (value or "").strip()
                elif _local(item.tag) == "SimpleData" and item.get("name"):
                    props[item.get("name")] = (item.text or "").strip()
        elif geom is None:
            try:
                geom = _kml_geometry(child)
            except (ValueError, IndexError, TypeError, shapely.errors.GEOSException):
                geom = None  # malformed coordinates: validation reports it as missing
    return geom, props


def _parse_xml(data: bytes):
    """Parse with defusedxml, refusing DTDs and entities; re-decode legacy encodings."""
    declared = re.match(rb"\s*<\?xml[^>]*encoding=[\"']([\w.:-]+)[\"']", data)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8", b"us-ascii", b"ascii"):
        data = data.decode(declared.group(1).decode("ascii")).split("?>", 1)[1].encode("utf-8")
    return defused_et.fromstring(data, forbid_dtd=True)


def read_kml(path: Path, name: str) -> tuple[list, list[dict]]:
    """Geometries and properties of every Placemark; DTDs and entities are refused."""
    try:
        root = _parse_xml(path.read_bytes())
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
        raise unreadable(name, "xml entities refused") from exc
    except (ParseError, LookupError, UnicodeDecodeError) as exc:
        raise unreadable(name, short_detail("invalid xml", exc)) from exc
    geoms, props = [], []
    for pm in (e for e in root.iter() if _local(e.tag) == "Placemark"):
        geom, attrs = _kml_placemark(pm)
        geoms.append(geom)
        props.append(attrs)
    return geoms, props
