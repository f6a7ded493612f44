"""Start-up stays light: building the app (which every ``flask`` command does first) imports none of
the heavy libraries that only some pages and commands use; those import them when they need them."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# imported on use only: migrations (Flask-Migrate and Alembic), maps (folium, and requests through it),
# the GDAL reader (pyogrio, which imports geopandas and pandas), the calendar export, PDF checks, the
# second factor's QR code, the password strength estimator
LAZY = ["flask_migrate", "alembic", "folium", "branca", "requests", "xyzservices", "pyogrio", "geopandas", "pandas",
        "icalendar", "pypdf", "segno", "zxcvbn"]

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


def test_flask_db_commands_load_migrations_when_run(tmp_path):
    """``flask db`` binds Flask-Migrate on use: the migrations run and report their head."""
    env = dict(os.environ, FLASK_APP=str(ROOT / "wsgi.py"), ENROLL_ENV="development",
               ENROLL_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    flask = [sys.executable, "-m", "flask"]
    upgrade = subprocess.run(flask + ["db", "upgrade"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert upgrade.returncode == 0, upgrade.stderr
    current = subprocess.run(flask + ["db", "current"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert current.returncode == 0 and "(head)" in current.stdout, current.stderr
    listing = subprocess.run(flask + ["db", "--help"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert "--directory" in listing.stdout and "upgrade" in listing.stdout
