"""OGC API – Features: an items page of 1,000 realistic zones against plain ``json.dumps``.

One command: ``.venv/bin/python bench/ogcapi.py``.

A synthetic city of 1,000 zones shaped like real ones (bench/cities.py: shared wiggly edges, about
1,000 vertices a zone) is imported and published through the service (bench/run.py's district),
then ``/ogcapi/collections/zones-990199-2026-primary/items?limit=1000`` is asked through the test
client, the whole streamed body read: the database query, the geometries read from WKB, the
GeoJSON written. The floor is ``json.dumps`` of the same FeatureCollection already built as Python
dicts (the features of that very answer), i.e. serialising alone, with nothing read. Median wall and
CPU time of interleaved rounds. Target (issue 19): the page <= 2x the floor.
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from common import interleaved_timing
from run import _setup_district, bench_app

ZONES = 1_000
ROUNDS = 7
TARGET = 2.0
URL = f"/ogcapi/collections/zones-990199-2026-primary/items?limit={ZONES}"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(Path(tmp))
        print(f"publishing a realistic city of {ZONES:,} zones (bench/cities.py) ...", flush=True)
        _setup_district(app, Path(tmp), ZONES)
        client = app.test_client()
        body = client.get(URL).get_data()
        collection = json.loads(body)
        returned = collection["numberReturned"]
        if returned != ZONES or len(collection["features"]) != ZONES:
            raise SystemExit(f"the page returned {returned} zones, not {ZONES}")
        vertices = sum(len(ring) for f in collection["features"] for ring in _rings(f["geometry"]))
        print(f"items page: {ZONES:,} zones, {vertices:,} vertices, {len(body) / 2**20:.1f} MiB of GeoJSON")
        timings = interleaved_timing({
            "page": lambda: client.get(URL).get_data(),
            "json.dumps": lambda: json.dumps(collection),
        }, ROUNDS)
    page, floor = timings["page"], timings["json.dumps"]
    for name, t in timings.items():
        print(f"{name:12s} wall {t.wall * 1e3:8.1f} ms   CPU {t.cpu * 1e3:8.1f} ms")
    ratio_wall, ratio_cpu = page.wall / floor.wall, page.cpu / floor.cpu
    verdict = "meets" if max(ratio_wall, ratio_cpu) <= TARGET else "MISSES"
    print(f"page / json.dumps: wall {ratio_wall:.2f}x, CPU {ratio_cpu:.2f}x ({verdict} the <= {TARGET:.0f}x target)")


def _rings(geometry: dict) -> list:
    """Every ring (or line) of a Polygon or MultiPolygon."""
    coordinates = geometry["coordinates"]
    return [ring for polygon in coordinates for ring in polygon] if geometry["type"] == "MultiPolygon" else coordinates


if __name__ == "__main__":
    main()
