"""Base-map tile presets. 天地图 is the right choice for government sites (with its 审图号 shown).

A preset is a list of base maps the reader can switch between; each base map is one or more tile
layers drawn together (天地图's pictures and their annotation layer: place names are a separate layer).
"""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import escape

from enroll.core.i18n import _l

TIANDITU_SUBDOMAINS = "01234567"


@dataclass(frozen=True)
class TileLayer:
    url: str
    attribution: str
    subdomains: str = "abc"
    max_zoom: int = 18


@dataclass(frozen=True)
class BaseMap:
    name: object  # a lazy string, shown in the map's layer switch
    layers: tuple[TileLayer, ...]


def tianditu_url(layer: str, key: str) -> str:
    """A 天地图 WMTS tile URL (Web Mercator, the ``_w`` services) for Leaflet's ``{s}/{z}/{x}/{y}``."""
    return (f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
            f"&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
            f"&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}")


def base_maps(preset: str, *, tianditu_key: str | None = None, approval: str | None = None) -> list[BaseMap]:
    """The base maps of a preset, the default first.

    ``tianditu``: 矢量 (vec + cva annotation) and 影像 (img + cia annotation); ``osm``: OpenStreetMap;
    ``none``: no base map, zones on a blank background.
    """
    if preset == "osm":
        attribution = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
        return [BaseMap(_l("地图"), (TileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", attribution, ""),))]
    if preset == "tianditu":
        brand = _l("天地图")
        attribution = f"&copy; {escape(brand)} {escape(approval or '')}"

        def pair(picture: str, annotation: str) -> tuple[TileLayer, ...]:
            return tuple(TileLayer(tianditu_url(layer, tianditu_key or ""), attribution, TIANDITU_SUBDOMAINS)
                         for layer in (picture, annotation))
        return [BaseMap(_l("矢量地图"), pair("vec", "cva")), BaseMap(_l("影像地图"), pair("img", "cia"))]
    return []


def tile_sources(preset: str) -> list[str]:
    """The hosts a preset's tiles come from, for the content-security policy's ``img-src``."""
    return {"osm": ["https://tile.openstreetmap.org"], "tianditu": ["https://*.tianditu.gov.cn"]}.get(preset, [])
