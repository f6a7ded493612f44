"""Pure geospatial core: read zoning files safely, validate zones, GCJ-02 helpers.

This package depends only on the scientific Python stack (shapely, pyproj,
pyogrio, numpy, defusedxml, charset_normalizer) and never on the web application.

Import from the submodules (``enroll.geo.io``, ``enroll.geo.validate``, ``enroll.geo.crs``, ...):
this file imports none of them, so that using one (the address normaliser, say) does not load
GDAL, pyogrio and, through it, geopandas and pandas at every start of the app and every CLI command.
"""
import os

# Defence in depth: never let GDAL open a VRT (a file that points GDAL at other data sources, local
# files or URLs); readers also check each format's header before GDAL sees a file. This runs before
# any submodule, so before ``enroll.geo.io`` imports pyogrio (which reads GDAL_SKIP when it loads).
os.environ["GDAL_SKIP"] = " ".join(dict.fromkeys(os.environ.get("GDAL_SKIP", "").split() + ["OGR_VRT"]))
