"""Zone maps: folium map building (``enroll.maps.folium_map``) and base-map tile presets
(``enroll.maps.tiles``), every asset served by the app itself (no CDN).

This file imports neither: the app factory needs the tile presets for its content-security policy,
and folium (with requests, which it imports) would otherwise load at every start of the app and
every CLI command. Views import ``folium_map`` in the function that draws a map.
"""
