"""The PostGIS ``ZoneLocator``: one indexed query per point, for app servers that share one database.

It answers as ``enroll.geo.locate.STRtreeLocator`` does (the same contract tests run on both): the
zones whose polygon intersects the point, and whether the point lies within ``near_m`` metres of
the edge of a zone containing it or, outside every zone, of any zone. Distances are geodesic
(``geography``); the GiST index on ``zones.geometry`` narrows the candidates first.
"""
from __future__ import annotations

import math

from enroll.extensions import db
from enroll.geo.locate import METRES_PER_DEGREE, NOWHERE, Located

_QUERY = """
WITH p AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS g)
SELECT z.id, ST_Intersects(z.geometry, p.g),
       ST_DWithin(ST_Boundary(z.geometry)::geography, p.g::geography, %(near)s)
FROM zones z, p
WHERE z.plan_id = %(plan)s AND ST_DWithin(z.geometry, p.g, %(near_deg)s)
ORDER BY z.id
"""


class PostGISLocator:
    """Zones of one plan, located in the database."""

    def __init__(self, plan_id: int, near_m: float = 50.0):
        self.plan_id, self.near_m = plan_id, near_m

    def locate(self, lon: float, lat: float) -> Located:
        # the degree prefilter must reach near_m east-west too, where a degree is shortest
        near_deg = 1.01 * self.near_m / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
        connection = db.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(_QUERY, {"lon": lon, "lat": lat, "near": self.near_m, "near_deg": near_deg,
                                    "plan": self.plan_id})
            rows = cursor.fetchall()
        finally:
            connection.close()
        if not rows:
            return NOWHERE
        inside = [(zone_id, near) for zone_id, hit, near in rows if hit]
        if inside:
            return Located(tuple(zone_id for zone_id, _ in inside), any(near for _, near in inside))
        return Located((), any(near for _, _, near in rows))
