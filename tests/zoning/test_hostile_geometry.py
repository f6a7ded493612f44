"""A zoning file drawn to exhaust the server: refused quickly, with a message that says what to fix."""
from __future__ import annotations

import json
import time

import numpy as np
from support import DEMO

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

    assert plan.status == "invalid" and plan.id is None  # refused: its report is returned, nothing is kept
    [finding] = [f for f in annotate(plan.report["findings"]) if f["code"] == "invalid_geometry"]
    assert finding["feature"] == 1 and finding["params"]["vertices"] == 100_001
    assert "100001" in finding["message"] and "GIS" in finding["message"]
    assert finding["location"]  # where it first crosses itself


def piled_zones(count: int, vertices: int) -> bytes:
    """``count`` circles of ``vertices`` vertices over one another, each naming a demo school."""
    t = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    rng = np.random.default_rng(2)
    features = []
    for i in range(count):
        x, y = 120.17 + 0.004 * rng.random(), 30.24 + 0.004 * rng.random()
        ring = np.column_stack([x + 0.01 * np.cos(t), y + 0.01 * np.sin(t)]).round(7).tolist()
        features.append({"type": "Feature", "properties": {"学校名称": "青溪区文澜小学"},
                         "geometry": {"type": "Polygon", "coordinates": [ring + [ring[0]]]}})
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def test_zones_piled_on_each_other_are_refused_before_the_check_that_would_take_minutes(app, login, editor):
    """Checked against each other, zones over one another cost the square of their number (1,000
    such circles: minutes of a web worker). A web upload is refused at once past its budget
    (ENROLL_MAX_ZONING_CHECK_MILLIONS), saying what to look at; the demo's zones pass it."""
    import io

    app.config["MAX_ZONING_CHECK_WORK"] = 1_000_000
    client = login(editor)
    started = time.process_time()
    response = client.post("/bureau/d/990101/upload", content_type="multipart/form-data", data={
        "year": "2026", "stage": "primary", "file": (io.BytesIO(piled_zones(120, 200)), "zones.geojson")})
    assert time.process_time() - started < 10
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "片区交叠过多" in page and "7140 对" in page and "flask zones import" in page
    assert 'value="submit"' not in page

    demo = client.post("/bureau/d/990101/upload", content_type="multipart/form-data", data={
        "year": "2026", "stage": "primary", "file": (io.BytesIO((DEMO / "zones_primary.zip").read_bytes()), "z.zip")})
    assert "0 个错误" in client.get(demo.headers["Location"]).get_data(as_text=True)


def test_the_cli_has_no_such_budget(editor, tmp_path):
    path = tmp_path / "zones.geojson"
    path.write_bytes(piled_zones(40, 64))
    plan = zoning.import_plan(editor, "990101", 2026, "primary", path)
    codes = {f["code"] for f in plan.report["findings"]}
    assert "overlap" in codes and "too_complex" not in codes
