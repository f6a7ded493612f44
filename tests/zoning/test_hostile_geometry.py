"""A zoning file drawn to exhaust the server: refused quickly, with a message that says what to fix."""
from __future__ import annotations

import json
import time

import numpy as np

from enroll.zoning import services as zoning
from enroll.zoning.messages import annotate


def test_a_huge_self_crossing_polygon_is_refused_quickly_not_repaired(editor, tmp_path):
    """100,000 vertices crossing each other everywhere: GEOS's repair would take minutes (a web
    worker is killed after 30 s); the upload is refused at once, naming the feature and its size."""
    t = np.linspace(0, 2 * np.pi, 100_000, endpoint=False)
    radius = 0.01 * (1 + 0.5 * np.random.default_rng(1).random(t.size))
    ring = np.column_stack([120.17 + radius * np.cos(7 * t), 30.24 + radius * np.sin(11 * t)]).round(7).tolist()
    feature = {"type": "Feature", "properties": {"学校名称": "青溪区文澜小学"},
               "geometry": {"type": "Polygon", "coordinates": [ring + [ring[0]]]}}
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")

    started = time.process_time()
    plan = zoning.import_plan(editor, "990101", 2026, "primary", path)
    assert time.process_time() - started < 20  # far below the worker timeout (repairing it: minutes)

    assert plan.status == "invalid" and plan.revision is None  # kept for its report only
    [finding] = [f for f in annotate(plan.report["findings"]) if f["code"] == "invalid_geometry"]
    assert finding["feature"] == 1 and finding["params"]["vertices"] == 100_001
    assert "100001" in finding["message"] and "GIS" in finding["message"]
    assert finding["location"]  # where it first crosses itself
