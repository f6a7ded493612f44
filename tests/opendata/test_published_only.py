"""Only what is published is ever downloadable: a draft changes no file, a scope never published has
none, a withdrawn plan leaves the catalogue and its files answer 404."""
from __future__ import annotations

import hashlib
import json

import zoning_steps as steps
from support import DEMO

from enroll.zoning import services as zoning
from enroll.zoning import texts

DATA = "/d/990101/data"


def published_primary(editor, reviewer):
    plan = zoning.import_plan(editor, "990101", 2026, "primary", DEMO / "zones_primary.zip")
    return steps.publish(editor, reviewer, plan.id)


def test_a_draft_changes_no_download(client, editor, reviewer, tmp_path):
    published = published_primary(editor, reviewer)
    before = client.get(f"{DATA}/2026/zones-primary.geojson").get_data()
    collection = json.loads(before)
    assert len(collection["features"]) == len(published.zones)
    fewer = tmp_path / "fewer.geojson"  # a draft of the same scope with only three zones
    fewer.write_text(json.dumps(dict(collection, features=collection["features"][:3])), encoding="utf-8")
    draft = zoning.import_plan(editor, "990101", 2026, "primary", fewer)
    assert draft.status == "draft" and len(draft.zones) == 3
    assert client.get(f"{DATA}/2026/zones-primary.geojson").get_data() == before
    html = client.get(DATA).get_data(as_text=True)
    assert hashlib.sha256(before).hexdigest() in html


def test_a_scope_with_drafts_only_has_no_files(client, editor, reviewer):
    published_primary(editor, reviewer)
    zoning.import_plan(editor, "990101", 2026, "junior", DEMO / "zones_junior.zip")  # never submitted
    texts.import_texts(editor, "990101", 2026, (DEMO / "rules_junior.csv").read_bytes(), filename="rules_junior.csv")
    html = client.get(DATA).get_data(as_text=True)
    assert "zones-junior" not in html and "texts.csv" not in html
    for name in ("zones-junior.geojson", "zones-junior.kml", "texts.csv", "texts.json"):
        assert client.get(f"{DATA}/2026/{name}").status_code == 404, name


def test_a_withdrawn_plan_is_not_listed_and_its_files_are_gone(client, editor, reviewer):
    published = published_primary(editor, reviewer)
    assert client.get(f"{DATA}/2026/zones-primary.gpkg").status_code == 200
    steps.withdraw_plan(reviewer, published.id)
    assert "zones-primary" not in client.get(DATA).get_data(as_text=True)
    assert "zones-primary" not in client.get("/data/catalog.jsonld").get_data(as_text=True)
    for suffix in (".geojson", ".gpkg", ".shp.zip", "-gbk.shp.zip", ".kml"):
        assert client.get(f"{DATA}/2026/zones-primary{suffix}").status_code == 404


def test_a_district_with_nothing_published_has_an_empty_catalogue(client, district):
    response = client.get(DATA)
    assert response.status_code == 200 and "暂无公开数据" in response.get_data(as_text=True)
    assert client.get(f"{DATA}/2026/schools.csv").status_code == 404  # no year of it is published
    assert client.get("/data/catalog.jsonld").get_json()["dcat:dataset"] == []
