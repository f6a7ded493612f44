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


def test_up_close_the_zones_in_view_come_finer_and_still_tile(client, editor, reviewer):
    _, overview = published_geojson(client, editor, reviewer)
    url = "/d/990101/2026/primary/zones.geojson"
    everything = client.get(url, query_string={"detail": "1"}).get_json()
    assert shapely.coverage_is_valid([shape(f["geometry"]) for f in everything["features"]])
    assert sum(shapely.get_num_coordinates(shape(f["geometry"])) for f in everything["features"]) > \
        sum(shapely.get_num_coordinates(shape(f["geometry"])) for f in overview["features"])
    first = shape(everything["features"][0]["geometry"])
    x, y = first.representative_point().coords[0]
    near = client.get(url, query_string={"detail": "1", "bbox": f"{x - 0.001},{y - 0.001},{x + 0.001},{y + 0.001}"})
    ids = [f["id"] for f in near.get_json()["features"]]
    assert everything["features"][0]["id"] in ids and len(ids) < len(everything["features"])
    bad = client.get(url, query_string={"detail": "1", "bbox": "1,2,3"})
    assert bad.status_code == 400 and "bbox" in bad.get_data(as_text=True)


def test_a_city_of_realistic_zones_fits_the_map_budget_without_gaps():
    """200 zones of about 1,000 vertices with wiggly shared edges: the overview is coarsened until it
    fits its vertex budget, and neither level opens a gap or an overlap between neighbours."""
    import gzip
    import json

    from support import wiggly_zones

    zones = list(wiggly_zones(200))
    for detail in (False, True):
        shown = zoning.display_geometries(zones, detail)
        assert shapely.coverage_is_valid(shown)
        assert abs(shapely.union_all(shown).area - shapely.union_all(zones).area) / shapely.union_all(zones).area < 0.001
    overview = zoning.display_geometries(zones, False)
    assert sum(shapely.get_num_coordinates(g) for g in overview) <= zoning.OVERVIEW_VERTICES
    body = json.dumps([shapely.geometry.mapping(g) for g in overview], separators=(",", ":")).encode()
    assert len(gzip.compress(body)) < 250 * 1024


def test_a_plan_too_detailed_for_the_budget_is_coarsened_until_it_fits(monkeypatch):
    from support import wiggly_zones

    zones = list(wiggly_zones(100))
    monkeypatch.setattr(zoning, "OVERVIEW_VERTICES", 8_000)
    overview = zoning.display_geometries(zones, False)
    assert sum(shapely.get_num_coordinates(g) for g in overview) <= 8_000
    assert shapely.coverage_is_valid(overview)
