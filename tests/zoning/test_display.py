"""What the public map receives: simplified zones without gaps, neighbours in different colours."""
from __future__ import annotations

import shapely
import zoning_steps as steps
from shapely.geometry import shape
from support import DEMO

from enroll.zoning import services as zoning


def published_geojson(client, editor, reviewer):
    plan = zoning.import_plan(editor, "990101", 2026, "primary", DEMO / "zones_primary.zip")
    steps.submit_plan(editor, plan.id)
    steps.approve_plan(reviewer, plan.id)
    return plan, client.get("/d/990101/2026/primary/zones.geojson").get_json()


def test_simplified_zones_still_tile_the_district_without_gaps(client, editor, reviewer, district):
    plan, data = published_geojson(client, editor, reviewer)
    geoms = [shape(f["geometry"]) for f in data["features"]]
    assert shapely.coverage_is_valid(geoms)  # no overlaps, shared edges stay shared
    union = shapely.union_all(geoms)
    assert abs(union.area - district.boundary.area) / district.boundary.area < 0.002
    holes = shapely.difference(district.boundary, union)
    assert holes.area / district.boundary.area < 0.002
    vertices = sum(shapely.get_num_coordinates(z.geometry) for z in plan.zones)
    assert sum(shapely.get_num_coordinates(g) for g in geoms) < vertices


def test_neighbouring_zones_get_different_colours(client, editor, reviewer):
    _, data = published_geojson(client, editor, reviewer)
    geoms = [shape(f["geometry"]) for f in data["features"]]
    colours = [f["properties"]["color"] for f in data["features"]]
    for i, a in enumerate(geoms):
        for j in range(i + 1, len(geoms)):
            if shapely.intersection(a, geoms[j]).length > 0:  # they share an edge
                assert colours[i] != colours[j]
