"""OGC API – Features on the demo district: every endpoint, paging, limits, bbox, bad input, drafts."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import shapely
from ogc_helpers import PRIMARY, published_zones
from shapely.geometry import shape

ITEMS = f"/ogcapi/collections/{PRIMARY}/items"


def links(document: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for link in document["links"]:
        found.setdefault(link["rel"], []).append(link)
    return found


def path_of(href: str) -> str:
    parts = urlsplit(href)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_landing_page_links_the_description_conformance_and_data(ogc):
    response = ogc.get("/ogcapi", headers={"Accept": "*/*"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    rels = links(response.json)
    assert rels["self"][0]["type"] == "application/json" and rels["alternate"][0]["type"] == "text/html"
    assert path_of(rels["service-desc"][0]["href"]) == "/ogcapi/openapi.json"
    assert path_of(rels["conformance"][0]["href"]) == "/ogcapi/conformance"
    assert path_of(rels["data"][0]["href"]) == "/ogcapi/collections"
    for rel in ("service-desc", "conformance", "data"):
        assert ogc.get(path_of(rels[rel][0]["href"])).status_code == 200


def test_conformance_names_core_geojson_oas30_and_html(ogc):
    classes = ogc.get("/ogcapi/conformance").json["conformsTo"]
    assert {c.rsplit("/", 1)[1] for c in classes} == {"core", "geojson", "oas30", "html"}
    assert all(c.startswith("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/") for c in classes)


def test_openapi_document_describes_every_endpoint(ogc):
    response = ogc.get("/ogcapi/openapi.json")
    document = response.json
    assert response.status_code == 200 and document["openapi"].startswith("3.0")
    assert {"/", "/conformance", "/collections", "/collections/{collectionId}",
            "/collections/{collectionId}/items", "/collections/{collectionId}/items/{featureId}"} <= set(document["paths"])
    limit = next(p for p in document["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
                 if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 1000 and limit["schema"]["default"] == 10


def test_collections_are_the_published_plans_schools_and_districts(ogc, ogc_app):
    collections = {c["id"]: c for c in ogc.get("/ogcapi/collections").json["collections"]}
    assert set(collections) == {"zones-990101-2026-primary", "zones-990101-2026-junior", "schools", "districts"}
    zones = [geometry for _, geometry in published_zones(ogc_app)]
    bbox = collections[PRIMARY]["extent"]["spatial"]["bbox"][0]
    assert bbox == pytest.approx(list(shapely.total_bounds(zones)))
    assert collections[PRIMARY]["title"] and "2026" in collections[PRIMARY]["title"]


def test_one_collection_links_its_items(ogc):
    response = ogc.get(f"/ogcapi/collections/{PRIMARY}")
    assert response.status_code == 200 and response.json["id"] == PRIMARY
    items = links(response.json)["items"]
    assert {link["type"] for link in items} == {"application/geo+json", "text/html"}


@pytest.mark.parametrize("collection_id", ["zones-990101-2027-primary", "zones-990101-2026-nine", "zones-990199-2026-primary",
                                           "zones-990101", "nothing"])
def test_a_draft_or_unknown_collection_is_404_json(ogc, collection_id):
    for path in (f"/ogcapi/collections/{collection_id}", f"/ogcapi/collections/{collection_id}/items",
                 f"/ogcapi/collections/{collection_id}/items/1"):
        response = ogc.get(path)
        assert response.status_code == 404 and response.mimetype == "application/json"
        assert response.json["code"] == "NotFound" and response.json["description"]


def test_items_are_the_published_version_not_the_pending_draft(ogc, ogc_app):
    published = published_zones(ogc_app)
    page = ogc.get(f"{ITEMS}?limit=1000")
    assert page.status_code == 200 and page.mimetype == "application/geo+json"
    assert page.json["numberMatched"] == page.json["numberReturned"] == len(published)
    assert [f["id"] for f in page.json["features"]] == [zone_id for zone_id, _ in published]
    by_id = dict(published)
    for feature in page.json["features"]:
        assert shape(feature["geometry"]).equals_exact(by_id[feature["id"]], 1e-12)
        assert feature["properties"]["year"] == 2026 and feature["properties"]["stage"] == "primary"
        assert len(feature["properties"]["school_ids"]) == len(feature["properties"]["school_names"]) >= 1
        assert feature["properties"]["kind"] in ("single", "multi")


def test_default_page_is_ten_and_next_links_walk_every_feature_once(ogc, ogc_app):
    first = ogc.get(ITEMS).json
    assert first["numberReturned"] == 10 and "prev" not in links(first)
    assert first["timeStamp"].endswith("Z")
    seen, page, pages = [], first, 0
    while True:
        seen += [f["id"] for f in page["features"]]
        pages += 1
        if "next" not in links(page):
            break
        page = ogc.get(path_of(links(page)["next"][0]["href"])).json
        assert "prev" in links(page)
    assert sorted(seen) == sorted(zone_id for zone_id, _ in published_zones(ogc_app))
    assert len(seen) == len(set(seen)) and pages == -(-len(seen) // 10)


def test_prev_link_goes_back_one_page(ogc):
    page = ogc.get(f"{ITEMS}?limit=4&offset=6").json
    prev = parse_qs(urlsplit(links(page)["prev"][0]["href"]).query)
    nxt = parse_qs(urlsplit(links(page)["next"][0]["href"]).query)
    assert prev["offset"] == ["2"] and prev["limit"] == ["4"] and nxt["offset"] == ["10"]
    assert parse_qs(urlsplit(links(ogc.get(f"{ITEMS}?limit=4&offset=2").json)["prev"][0]["href"]).query)["offset"] == ["0"]


def test_a_huge_limit_is_capped_at_1000(ogc):
    page = ogc.get("/ogcapi/collections/schools/items?limit=50000").json
    assert page["numberReturned"] == page["numberMatched"]
    assert parse_qs(urlsplit(links(page)["self"][0]["href"]).query)["limit"] == ["1000"]


def test_offset_past_the_end_is_an_empty_page(ogc):
    page = ogc.get(f"{ITEMS}?offset=500").json
    assert page["numberReturned"] == 0 and page["features"] == [] and page["numberMatched"] > 0


def test_schools_are_only_those_with_a_location(ogc):
    page = ogc.get("/ogcapi/collections/schools/items?limit=1000").json
    names = {f["properties"]["name"] for f in page["features"]}
    assert "青溪区无址小学" not in names and "青溪区文澜小学" in names
    assert all(f["geometry"]["type"] == "Point" for f in page["features"])


def test_districts_collection_has_the_boundary(ogc):
    page = ogc.get("/ogcapi/collections/districts/items").json
    assert [f["id"] for f in page["features"]] == ["990101"]
    assert page["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_bbox_keeps_the_zones_it_touches(ogc, ogc_app):
    zones = published_zones(ogc_app)
    west, south, east, north = shapely.total_bounds([g for _, g in zones])
    box = (west, south, (west + east) / 2, (south + north) / 2)  # the south-west quarter
    expected = [zone_id for zone_id, geometry in zones if geometry.intersects(shapely.box(*box))]
    page = ogc.get(f"{ITEMS}?limit=1000&bbox={','.join(str(float(v)) for v in box)}").json
    assert [f["id"] for f in page["features"]] == expected and 0 < len(expected) < len(zones)
    assert page["numberMatched"] == len(expected)
    assert "bbox" in parse_qs(urlsplit(links(page)["self"][0]["href"]).query)


def test_bbox_around_a_school_finds_it(ogc):
    found = ogc.get("/ogcapi/collections/schools/items?bbox=120.1746,30.2398,120.1747,30.2399").json
    assert [f["properties"]["name"] for f in found["features"]] == ["青溪区文澜小学"]
    assert ogc.get("/ogcapi/collections/schools/items?bbox=0,0,1,1").json["numberMatched"] == 0


@pytest.mark.parametrize("query, names", [
    ("limit=0", "limit"), ("limit=-5", "limit"), ("limit=abc", "limit"), ("limit=1.5", "limit"), ("limit=１０", "limit"),
    ("offset=-1", "offset"), ("offset=x", "offset"),
    ("bbox=1,2,3", "bbox"), ("bbox=1,2,3,4,5", "bbox"), ("bbox=a,b,c,d", "bbox"), ("bbox=", "bbox"),
    ("bbox=nan,0,1,1", "NaN"), ("bbox=0,0,inf,1", "NaN"),
    ("bbox=0,0,181,1", "-180"), ("bbox=0,-91,1,1", "-90"),
    ("bbox=170,0,-170,1", "180°"), ("bbox=0,5,1,2", "bbox"),
    ("foo=1", "foo"), ("f=xml", "f "), ("datetime=2026-01-01T00:00:00Z", "datetime"),
])
def test_bad_input_is_400_json_naming_the_problem(ogc, query, names):
    response = ogc.get(f"{ITEMS}?{query}")
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.json["code"] == "InvalidParameterValue" and names in response.json["description"]


@pytest.mark.parametrize("path", ["/ogcapi?bbox=1,2,3,4", "/ogcapi/collections?limit=5", "/ogcapi/conformance?x=1",
                                  f"/ogcapi/collections/{PRIMARY}?offset=1", "/ogcapi/collections/schools/items/1?limit=1"])
def test_unknown_parameters_are_refused_everywhere(ogc, path):
    response = ogc.get(path)
    assert response.status_code == 400 and response.json["code"] == "InvalidParameterValue"


def test_one_feature_and_a_missing_one(ogc, ogc_app):
    zone_id, geometry = published_zones(ogc_app)[3]
    response = ogc.get(f"{ITEMS}/{zone_id}")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    assert response.json["id"] == zone_id and shape(response.json["geometry"]).equals_exact(geometry, 1e-12)
    assert path_of(links(response.json)["collection"][0]["href"]) == f"/ogcapi/collections/{PRIMARY}"
    junior_zone = published_zones(ogc_app, "junior")[0][0]
    for missing in (junior_zone, 999999, "abc"):  # another plan's zone is not this collection's
        response = ogc.get(f"{ITEMS}/{missing}")
        assert response.status_code == 404 and response.json["code"] == "NotFound"


@pytest.mark.parametrize("accept, query, kind", [
    ("*/*", "", "application/geo+json"), ("application/json", "", "application/geo+json"),
    ("application/geo+json", "", "application/geo+json"), ("text/html", "?f=json", "application/geo+json"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "", "text/html"),
    ("*/*", "?f=html", "text/html"),
])
def test_format_follows_f_then_accept(ogc, accept, query, kind):
    response = ogc.get(f"{ITEMS}{query}", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == kind


def test_html_pages_show_the_data(ogc, ogc_app):
    html = {"Accept": "text/html"}
    landing = ogc.get("/ogcapi", headers=html).get_data(as_text=True)
    assert "/ogcapi/collections?f=html" in landing and "OpenAPI" in landing
    collections = ogc.get("/ogcapi/collections", headers=html).get_data(as_text=True)
    assert PRIMARY in collections and "zones-990101-2027-primary" not in collections
    items = ogc.get(f"{ITEMS}?limit=3", headers=html).get_data(as_text=True)
    assert 'rel="next"' in items and f"共 {len(published_zones(ogc_app))} 个要素，本页 3 个" in items
    school = ogc.get("/ogcapi/collections/schools/items/1", headers=html).get_data(as_text=True)
    assert "<h1>青溪区文澜小学</h1>" in school
    conformance = ogc.get("/ogcapi/conformance?f=html").get_data(as_text=True)
    assert "conf/geojson" in conformance
    large = ogc.get("/ogcapi/collections?f=html&text=large&lang=en")  # the page's own switches
    assert large.status_code == 200 and 'class="large-text"' in large.get_data(as_text=True)
