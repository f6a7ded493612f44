"""Start-up stays light: building the app (which every ``flask`` command does first) imports none of
the heavy libraries that only some pages and commands use; those import them when they need them."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# imported on use only: maps (folium, and requests through it), the GDAL reader (pyogrio, which
# imports geopandas and pandas), the calendar export, PDF checks, the second factor's QR code
LAZY = ["folium", "branca", "requests", "xyzservices", "pyogrio", "geopandas", "pandas", "icalendar", "pypdf", "segno"]

SCRIPT = """
import json, sys
from enroll import create_app

create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[1], "MAP_TILES": "osm"})
loaded = sorted(m for m in json.loads(sys.argv[2]) if m in sys.modules)

# the first file read imports pyogrio; GDAL must still refuse VRT files (GDAL_SKIP, set by enroll.geo)
from enroll.geo.io import read_zoning_file

features = len(read_zoning_file(sys.argv[3]).features)
import pyogrio

print(json.dumps({"loaded": loaded, "features": features, "vrt": "OGR_VRT" in pyogrio.list_drivers()}))
"""


def run_fresh(tmp_path) -> dict:
    """Run ``create_app`` in a new interpreter: this test process has long imported everything."""
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "enroll.sqlite3"), json.dumps(LAZY),
         str(ROOT / "tests" / "data" / "geo" / "clean_cgcs2000.gpkg")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_create_app_imports_no_heavy_library_and_gdal_still_skips_vrt(tmp_path):
    outcome = run_fresh(tmp_path)
    assert outcome["loaded"] == []
    assert outcome["features"] > 0
    assert outcome["vrt"] is False
