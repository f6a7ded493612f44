"""Building zone maps with folium, every asset served by the app itself (no CDN)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import folium
from branca.element import MacroElement
from jinja2 import Template

from enroll.maps.tiles import base_maps

# Colour-blind-safe palette (Okabe–Ito + greys); zones are also labelled, so colour is never the only cue.
DETAIL_ZOOM = 15  # from this zoom on (a few streets across) the map draws the zones in view at full detail
PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"]


@dataclass
class MapParts:
    """Pieces of a rendered folium map to embed in our own page."""

    header: str
    html: str
    script: str


class ZoneLayer(MacroElement):
    """Loads the zone GeoJSON by URL (not inlined) and draws it coloured by ``properties.color``.

    The URL gives the whole plan simplified for the overview; zoomed in to ``detail_zoom`` or
    closer, the map asks the same URL with ``detail=1&bbox=`` for the finer zones in view and
    draws them in place of their overview shapes (each zone once).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var palette = {{ this.palette|tojson }};
            var url = {{ this.url|tojson }};
            var box = document.getElementById({{ this._parent.get_name()|tojson }});
            var options = {
              style: function(f) {
                return {color: "#333", weight: 1.2, fillColor: palette[f.properties.color % palette.length],
                        fillOpacity: 0.45, dashArray: f.properties.kind === "multi" ? "6 4" : null};
              },
              onEachFeature: function(f, l) {
                var tip = document.createElement("span");
                tip.textContent = f.properties.label;  // text, never HTML: labels come from uploads
                l.bindTooltip(tip, {sticky: true});
              }
            };
            function geojson(address) {
              return fetch(address, {credentials: "same-origin"})
                .then(function(r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
            }
            geojson(url).then(function(data) {
                var overview = L.geoJSON(data, options).addTo(map);
                var detail = L.geoJSON(null, options).addTo(map);
                var detailed = {}, count = 0, asking = false;
                overview.bringToBack();
                data.features.forEach(function(f) {  // the zone's number, as in the text list below the map
                    if (!f.properties.label_point) { return; }
                    L.tooltip({permanent: true, direction: "center", className: "zone-number", interactive: false})
                      .setLatLng(f.properties.label_point).setContent(String(f.properties.feature)).addTo(map);
                });
                box.setAttribute("data-zones-drawn", String(data.features.length));
                function refine() {  // up close: the finer shapes of the zones in view
                    if (asking || map.getZoom() < {{ this.detail_zoom }}) { return; }
                    var b = map.getBounds(), bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
                    asking = true;
                    geojson(url + (url.indexOf("?") < 0 ? "?" : "&") + "detail=1&bbox=" +
                            bbox.map(function(v) { return v.toFixed(5); }).join(","))
                      .then(function(fine) {
                        var fresh = fine.features.filter(function(f) { return !detailed[f.id]; });
                        fresh.forEach(function(f) { detailed[f.id] = true; count += 1; });
                        overview.eachLayer(function(l) { if (detailed[l.feature.id]) { overview.removeLayer(l); } });
                        detail.addData({type: "FeatureCollection", features: fresh});
                        detail.bringToBack();
                        box.setAttribute("data-zones-detailed", String(count));
                      })
                      .catch(function(err) { box.setAttribute("data-zones-error", String(err)); })
                      .then(function() { asking = false; });
                }
                map.on("zoomend moveend", refine);
                refine();
            }).catch(function(err) { box.setAttribute("data-zones-error", String(err)); });
        })();
        {% endmacro %}
    """)

    def __init__(self, url: str, detail_zoom: int = DETAIL_ZOOM):
        super().__init__()
        self._name = "ZoneLayer"
        self.url = url
        self.palette = PALETTE
        self.detail_zoom = detail_zoom


class SchoolMarkers(MacroElement):
    """School markers with a popup linking to the school page.

    Our own element rather than ``folium.Marker``/``folium.Popup``: those need jQuery in the page
    and repeat a block of script per marker.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            {{ this.markers|tojson }}.forEach(function(m) {
                L.marker([m.lat, m.lon], {title: m.name, alt: m.name, keyboard: true})
                  .bindPopup(m.popup_html, {maxWidth: 260}).addTo(map);
            });
        })();
        {% endmacro %}
    """)

    def __init__(self, markers: list[dict]):
        super().__init__()
        self._name = "SchoolMarkers"
        self.markers = [{k: m[k] for k in ("lat", "lon", "name", "popup_html")} for m in markers]


class ClickLookup(MacroElement):
    """Clicking the map asks the lookup API about that point and pins it (``static/js/lookup.js``,
    which also finds the map as ``window.enrollMap`` to show the phone's location)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.enrollMap = {{ this._parent.get_name() }};
        {{ this._parent.get_name() }}.on("click", function(e) {
            enrollLookupPoint({{ this.api_url|tojson }}, e.latlng.lng, e.latlng.lat, {{ this.target_id|tojson }},
                              {{ this._parent.get_name() }});
        });
        {% endmacro %}
    """)

    def __init__(self, api_url: str, target_id: str):
        super().__init__()
        self._name = "ClickLookup"
        self.api_url = api_url
        self.target_id = target_id


class ClickVisit(MacroElement):
    """Clicking the map opens ``url`` with the point as ``lon`` and ``lat`` (six decimals) and the
    ``anchor``: a page that answers for a point (the consultation's impact check) without script of its own."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.on("click", function(e) {
            window.location.assign({{ this.url|tojson }} + "?lon=" + e.latlng.lng.toFixed(6) + "&lat=" +
                                   e.latlng.lat.toFixed(6) + "#" + {{ this.anchor|tojson }});
        });
        {% endmacro %}
    """)

    def __init__(self, url: str, anchor: str):
        super().__init__()
        self._name = "ClickVisit"
        self.url = url
        self.anchor = anchor


class BaseMaps(MacroElement):
    """The preset's base maps, the first shown; with more than one, an always-open switch of radio
    buttons (Leaflet's layers control, reachable by keyboard) lets the reader choose."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var bases = {};
            {{ this.bases|tojson }}.forEach(function(b, i) {
                var group = L.layerGroup(b.layers.map(function(t) {
                    return L.tileLayer(t.url, {attribution: t.attribution, subdomains: t.subdomains, maxZoom: t.max_zoom});
                }));
                bases[b.name] = group;
                if (i === 0) { group.addTo(map); }
            });
            if (Object.keys(bases).length > 1) { L.control.layers(bases, null, {collapsed: false}).addTo(map); }
        })();
        {% endmacro %}
    """)

    def __init__(self, bases: list[dict]):
        super().__init__()
        self._name = "BaseMaps"
        self.bases = bases


class DistrictView(MacroElement):
    """Shows the whole district and keeps the map there: it cannot be panned away nor zoomed out
    beyond a margin around the district, so a reader never loses it (and no far-away tiles load)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var district = L.latLngBounds({{ this.bounds|tojson }});
            map.fitBounds(district, {animate: false});  // at once: the zoom is read on the next line
            map.setMaxBounds(district.pad({{ this.margin }}));
            map.options.maxBoundsViscosity = 1.0;
            map.setMinZoom(Math.max(0, map.getZoom() - 1));
            if (map.getMaxZoom() === Infinity) { map.setMaxZoom(18); }  // no base map: still a sensible limit
        })();
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]], margin: float):
        super().__init__()
        self._name = "DistrictView"
        self.bounds = bounds
        self.margin = margin


def build_map(*, bounds: tuple[float, float, float, float], geojson_url: str, markers: list[dict],
              tiles: str, static_url, tianditu_key: str | None = None, approval: str | None = None,
              height: str = "480px", click_lookup: tuple[str, str] | None = None,
              click_visit: tuple[str, str] | None = None) -> MapParts:
    """Render a district map.

    :param bounds: (min lon, min lat, max lon, max lat) of the district.
    :param markers: dicts with ``lat``, ``lon``, ``name`` and ``popup_html`` (already escaped).
    :param static_url: callable giving the URL of a file under ``enroll/static``.
    """
    minx, miny, maxx, maxy = bounds
    fmap = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], tiles=None, zoom_start=12,
                      height=height, control_scale=True, zoom_snap=0.25)
    fmap.default_js = [("leaflet", static_url("vendor/leaflet/leaflet.js"))]
    fmap.default_css = [("leaflet_css", static_url("vendor/leaflet/leaflet.css"))]
    bases = base_maps(tiles, tianditu_key=tianditu_key, approval=approval)
    if bases:
        BaseMaps([{"name": str(b.name), "layers": [vars(t) for t in b.layers]} for b in bases]).add_to(fmap)
    SchoolMarkers(markers).add_to(fmap)
    ZoneLayer(geojson_url).add_to(fmap)
    if click_lookup:
        ClickLookup(*click_lookup).add_to(fmap)
    if click_visit:
        ClickVisit(*click_visit).add_to(fmap)
    DistrictView([[miny, minx], [maxy, maxx]], margin=0.25).add_to(fmap)
    root = fmap.get_root()
    root.render()
    return MapParts(header=_strip_page_level(root.header.render()), html=root.html.render(),
                    script=root.script.render())


def _strip_page_level(header: str) -> str:
    """Drop folium's page-level tags: its viewport meta blocks zooming (an accessibility failure),
    its content-type meta repeats our charset (invalid HTML), its html/body rule would restyle
    our page, and its inline script setting ``L_NO_TOUCH``/``L_DISABLE_3D`` to false would need a
    nonce to run under the content-security policy, for nothing: Leaflet, loaded above it, has
    already read those flags, and false is what their absence means."""
    header = re.sub(r"<meta (name=\"viewport\"|http-equiv=\"content-type\")[^>]*>", "", header)
    header = re.sub(r"<script>\s*L_NO_TOUCH = false;\s*L_DISABLE_3D = false;\s*</script>", "", header)
    return re.sub(r"<style>\s*html, body \{.*?\}\s*</style>", "", header, flags=re.S)
