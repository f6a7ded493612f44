"""The items query on SQLite and on PostGIS (bbox filtered in the database there): same answers."""
from __future__ import annotations

import shapely
from shapely.geometry import shape
from support import DEMO, both_databases
from zoning_steps import publish

ITEMS = "/ogcapi/collections/zones-990101-2026-primary/items"


@both_databases
def test_items_bbox_paging_and_drafts_on_both_databases(app, client, editor, reviewer):
    from enroll.zoning.services import import_plan

    plan = publish(editor, reviewer, import_plan(editor, "990101", 2026, "primary", DEMO / "zones_primary.geojson").id)
    zones = [(z.id, z.geometry) for z in plan.zones]
    import_plan(editor, "990101", 2026, "primary", DEMO / "zones_primary_2027.geojson")  # a draft of the next version
    west, south, east, north = shapely.total_bounds([g for _, g in zones])
    box = (west, south, (west + east) / 2, (south + north) / 2)
    expected = [zone_id for zone_id, geometry in zones if geometry.intersects(shapely.box(*box))]
    assert 0 < len(expected) < len(zones)
    bbox = ",".join(str(float(v)) for v in box)

    first = client.get(f"{ITEMS}?bbox={bbox}&limit=3").json
    rest = client.get(f"{ITEMS}?bbox={bbox}&limit=1000&offset=3").json
    assert first["numberMatched"] == rest["numberMatched"] == len(expected)
    assert [f["id"] for f in first["features"] + rest["features"]] == expected
    everything = client.get(f"{ITEMS}?limit=1000").json
    assert [f["id"] for f in everything["features"]] == [zone_id for zone_id, _ in zones]
    assert all(shape(f["geometry"]).equals_exact(dict(zones)[f["id"]], 1e-12) for f in everything["features"])
    schools = client.get("/ogcapi/collections/schools/items?bbox=120.1746,30.2398,120.1747,30.2399").json
    assert [f["properties"]["name"] for f in schools["features"]] == ["青溪区文澜小学"]
    assert client.get(f"{ITEMS}/{zones[0][0]}").json["id"] == zones[0][0]
