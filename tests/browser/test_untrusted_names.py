"""Names from uploaded files are shown as text on the map, never run as HTML (reviewer's browser)."""
from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser
PAYLOAD = '<img src=x onerror="window.__xss=1">'


def test_html_in_a_zone_name_is_shown_as_text_in_the_tooltip(live_server, page, tmp_path):
    from enroll.accounts.services import get_user
    from enroll.schools.services import create_school
    from enroll.zoning.services import import_plan

    zone = {"type": "Feature", "properties": {"学校名称": PAYLOAD}, "geometry": {"type": "Polygon", "coordinates": [
        [[120.15, 30.22], [120.17, 30.22], [120.17, 30.24], [120.15, 30.24], [120.15, 30.22]]]}}
    path = tmp_path / "evil.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [zone]}), encoding="utf-8")
    with live_server.app.app_context():  # a school of that name (staff may type anything), so the file is accepted
        create_school(get_user("editor"), "990101", {"name": PAYLOAD, "stage": "primary", "kind": "public"})
        plan_id = import_plan(get_user("editor"), "990101", 2027, "primary", path).id
    assert plan_id is not None

    page.goto(f"{live_server}/login")
    page.fill("#username", "reviewer")
    page.fill("#password", "demo-lantern-river")
    page.click("form.stack button[type=submit]")
    page.goto(f"{live_server}/bureau/plans/{plan_id}")
    page.wait_for_selector(".folium-map[data-zones-drawn]", timeout=15000)
    page.locator("path.leaflet-interactive").first.dispatch_event("mouseover", {"clientX": 300, "clientY": 300})
    tooltip = page.locator(".leaflet-tooltip:not(.zone-number)")  # not the zone numbers
    tooltip.wait_for(timeout=5000)
    assert tooltip.inner_text() == PAYLOAD
    assert page.evaluate("window.__xss") is None
