"""Base-map tile presets. 天地图 is the right choice for government sites (with its 审图号 shown)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TileLayer:
    url: str
    attribution: str
    subdomains: str = "abc"
    max_zoom: int = 18


def tile_layers(preset: str, *, tianditu_key: str | None = None, approval: str | None = None) -> list[TileLayer]:
    """The tile layers of a preset, bottom first: ``osm``, ``tianditu`` (vector + annotation), ``none``."""
    if preset == "osm":
        return [TileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                          '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>', "")]
    if preset == "tianditu":
        def wmts(layer: str) -> str:
            return (f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                    f"&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
                    f"&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={tianditu_key}")
        attribution = f"&copy; 天地图 {approval}"
        return [TileLayer(wmts("vec"), attribution, "01234567"), TileLayer(wmts("cva"), attribution, "01234567")]
    return []
