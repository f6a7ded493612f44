"""The floor of an HTTP point lookup (bench/lookup.py): bare Flask and one shapely STRtree, nothing else.

At start it reads, with plain SQL, the zones of the newest published plan of one district and stage
from the service's own database, and builds an STRtree over them. ``GET /pt?lon=&lat=`` answers
``{"zones": [zone ids]}`` from ``tree.query(Point, predicate="intersects")``: no year choice, no
schools, no near-edge check, no translations, no security headers: what any point lookup must cost.

Environment: ``ENROLL_DATABASE_URL`` (``sqlite:///path`` or ``postgresql+psycopg://...``; in
PostgreSQL the zones are PostGIS geometries, read as WKB with ``ST_AsBinary``), ``BARE_DISTRICT``
(the district code, default 990199) and ``BARE_STAGE`` (default primary).
Run it as the service runs: ``gunicorn -w 2 bare_app:app`` from the bench directory.
"""
from __future__ import annotations

import os

import shapely
from flask import Flask, jsonify, request

PLAN = """
    SELECT p.id FROM zoning_plans p
    JOIN revisions r ON r.id = p.revision_id
    JOIN districts d ON d.id = p.district_id
    WHERE d.code = {mark} AND p.stage = {mark} AND r.status = 'published'
    ORDER BY p.year DESC, p.id DESC LIMIT 1
"""
ZONES = "SELECT id, {geometry} FROM zones WHERE plan_id = {mark} ORDER BY id"


def read_zones(url: str, district: str, stage: str) -> tuple[list[int], list]:
    """(zone ids, shapely geometries) of the newest published plan of ``district`` and ``stage``."""
    if url.startswith("sqlite:///"):
        import sqlite3

        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        mark, geometry = "?", "geometry"
    elif url.startswith("postgresql"):
        import psycopg

        connection = psycopg.connect("postgresql://" + url.split("://", 1)[1])
        mark, geometry = "%s", "ST_AsBinary(geometry)"
    else:
        raise SystemExit(f"bare_app: unsupported database URL {url!r}")
    try:
        cursor = connection.cursor()
        cursor.execute(PLAN.format(mark=mark), (district, stage))
        row = cursor.fetchone()
        if row is None:
            raise SystemExit(f"bare_app: no published {stage} plan in district {district}")
        cursor.execute(ZONES.format(mark=mark, geometry=geometry), (row[0],))
        rows = cursor.fetchall()
    finally:
        connection.close()
    return [r[0] for r in rows], list(shapely.from_wkb([bytes(r[1]) for r in rows]))


def create_app() -> Flask:
    ids, zones = read_zones(os.environ["ENROLL_DATABASE_URL"], os.environ.get("BARE_DISTRICT", "990199"),
                            os.environ.get("BARE_STAGE", "primary"))
    tree = shapely.STRtree(zones)
    app = Flask(__name__)
    Point = shapely.Point

    @app.get("/pt")
    def point():
        try:
            lon, lat = float(request.args["lon"]), float(request.args["lat"])
        except (KeyError, ValueError):
            return jsonify({"error": "lon and lat must be numbers"}), 400
        return jsonify({"zones": [ids[i] for i in tree.query(Point(lon, lat), predicate="intersects").tolist()]})

    @app.get("/ping")
    def ping():
        return jsonify({"ok": True, "zones": len(ids)})

    return app


app = create_app()
