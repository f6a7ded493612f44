"""The two ZoneLocators (in-process grid + STRtree, PostGIS query) pass the same contract."""
from __future__ import annotations

import numpy as np
import pytest
import shapely
from locator_cases import CASES, ZONES, metres

from enroll.geo.locate import METRES_PER_DEGREE, STRtreeLocator
from enroll.zoning.postgis import PostGISLocator

pytestmark = pytest.mark.postgis


@pytest.fixture
def squares(db, district):
    """The contract's zones A, B, C as a plan in PostGIS; returns (plan id, zone id → label)."""
    from enroll.zoning.models import Zone, ZoningPlan

    plan = ZoningPlan(district_id=district.id, year=2026, stage="primary")
    plan.zones = [Zone(feature_index=i, label=label, geometry=geom) for i, (label, geom) in enumerate(ZONES.items())]
    db.session.add(plan)
    db.session.commit()
    return plan.id, {zone.id: zone.label for zone in plan.zones}


@pytest.fixture(params=["memory", "postgis"])
def locator(request, squares):
    plan_id, labels = squares
    if request.param == "postgis":
        return PostGISLocator(plan_id), labels
    return STRtreeLocator([(zone_id, ZONES[label]) for zone_id, label in labels.items()]), labels


@pytest.mark.parametrize("app", ["postgis"], indirect=True)
@pytest.mark.parametrize("east, north, keys, near", CASES)
def test_contract(app, locator, east, north, keys, near):
    located, labels = locator[0].locate(*metres(east, north)), locator[1]
    assert {labels[k] for k in located.keys} == set(keys) and located.near_boundary is near


@pytest.mark.parametrize("app", ["postgis"], indirect=True)
def test_both_locators_agree_on_the_demo_zones(app, db, editor):
    """2,000 random points over the demo district: the same zones everywhere, the same 50 m flag
    except within 1 m of the 50 m line (the in-process one measures in scaled degrees)."""
    from support import DEMO

    from enroll.zoning import services as zoning

    plan = zoning.import_plan(editor, "990101", 2026, "primary", DEMO / "zones_primary.zip")
    zones = [(z.id, z.geometry) for z in plan.zones]
    memory, postgis = STRtreeLocator(zones), PostGISLocator(plan.id)
    minx, miny, maxx, maxy = shapely.total_bounds([g for _, g in zones])
    rng = np.random.default_rng(3)
    pts = np.column_stack([rng.uniform(minx - 0.002, maxx + 0.002, 2000), rng.uniform(miny - 0.002, maxy + 0.002, 2000)])
    flag_differs = 0
    for lon, lat in pts.tolist():
        a, b = memory.locate(lon, lat), postgis.locate(lon, lat)
        assert set(a.keys) == set(b.keys), (lon, lat)
        if a.near_boundary != b.near_boundary:
            point = shapely.Point(lon * memory.scale, lat)
            edges = [shapely.transform(g.boundary, lambda xy: xy * (memory.scale, 1.0)) for _, g in zones]
            edge_m = min(point.distance(e) for e in edges) * METRES_PER_DEGREE
            assert abs(edge_m - 50) < 1, (lon, lat, edge_m)
            flag_differs += 1
    assert flag_differs <= 10
    assert sum(bool(memory.locate(x, y).keys) for x, y in pts.tolist()) > 1000  # most points are in a zone
