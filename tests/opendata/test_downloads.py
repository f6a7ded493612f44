"""Open-data downloads of the demo district (issue 19, part 3): every file the catalogue lists answers
with the checksum shown beside it, and reads back through the service's own imports unchanged."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile

import pytest
import shapely

from enroll.accounts.services import get_user
from enroll.districts.services import get_district
from enroll.schools.services import import_school_file, schools_of
from enroll.zoning import services as zoning
from enroll.zoning import texts

DATA = "/d/990101/data"
ZONE_SUFFIXES = (".geojson", ".gpkg", ".shp.zip", "-gbk.shp.zip", ".kml")
TABLES = ("texts", "schools", "plans", "results")


def catalogue_links(client, path: str = DATA) -> dict[str, str]:
    """{download path: the SHA-256 the page shows for it}."""
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    found = re.findall(r'<a href="(/d/\d{6}/data/\d{4}/[^"]+)"[^>]*>.*?<code class="hash">([0-9a-f]{64})</code>',
                       html, flags=re.DOTALL)
    return dict(found)


def download(client, name: str, year: int = 2026):
    response = client.get(f"{DATA}/{year}/{name}")
    assert response.status_code == 200, (name, response.status_code)
    return response


def test_the_catalogue_lists_every_dataset_and_format_of_the_published_year(demo):
    links = catalogue_links(demo.test_client())
    expected = {f"{DATA}/2026/zones-{stage}{suffix}" for stage in ("primary", "junior") for suffix in ZONE_SUFFIXES}
    expected |= {f"{DATA}/2026/{table}.{fmt}" for table in TABLES for fmt in ("csv", "json")}
    assert expected <= set(links)
    assert {f"{DATA}/2024/results.csv", f"{DATA}/2025/results.json"} <= set(links)  # earlier years' results


def test_every_listed_file_matches_its_checksum_with_etag_filename_licence_and_dates(demo):
    client = demo.test_client()
    for path, sha in catalogue_links(client).items():
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data()
        assert hashlib.sha256(body).hexdigest() == sha, path
        assert response.headers["ETag"] == f'"{sha}"'
        assert response.headers["Last-Modified"]
        assert response.headers["Content-Disposition"] == f'attachment; filename="990101-{path.split("/", 4)[4].replace("/", "-")}"'
        assert 'rel="license"' in response.headers["Link"] and "creativecommons.org/licenses/by/4.0" in response.headers["Link"]
        assert client.get(path, headers={"If-None-Match": f'"{sha}"'}).status_code == 304


def test_the_page_shows_the_licence_and_both_dates(demo):
    html = demo.test_client().get(DATA).get_data(as_text=True)
    assert 'rel="license"' in html and "CC BY 4.0" in html
    assert re.search(r"首次发布：20\d\d-\d\d-\d\d \d\d:\d\d；最近更新：20\d\d-\d\d-\d\d \d\d:\d\d", html)


def test_the_licence_is_configurable(demo, monkeypatch):
    monkeypatch.setitem(demo.config, "DATA_LICENCE", "开放数据许可 1.0")
    monkeypatch.setitem(demo.config, "DATA_LICENCE_URL", "https://data.example.gov.cn/licence")
    client = demo.test_client()
    assert "开放数据许可 1.0" in client.get(DATA).get_data(as_text=True)
    assert download(client, "schools.csv").headers["Link"] == '<https://data.example.gov.cn/licence>; rel="license"'
    document = json.loads(download(client, "plans.json").get_data())
    assert document["licence"] == {"name": "开放数据许可 1.0", "url": "https://data.example.gov.cn/licence"}
    document = client.get("/data/catalog.jsonld").get_json()
    assert document["dct:license"] == {"@id": "https://data.example.gov.cn/licence", "dct:title": "开放数据许可 1.0"}


@pytest.mark.parametrize("table", TABLES)
def test_each_json_file_carries_its_licence_and_dates(demo, table):
    document = json.loads(download(demo.test_client(), f"{table}.json").get_data())
    assert document["licence"] == {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
    assert (document["district"], document["year"], document["dataset"]) == ("990101", 2026, table)
    assert document["issued"] <= document["modified"] and document["records"]


def test_the_district_page_links_to_its_catalogue(demo):
    assert f'href="{DATA}"' in demo.test_client().get("/d/990101/").get_data(as_text=True)


def test_the_site_catalogue_lists_the_district(demo):
    client = demo.test_client()
    assert catalogue_links(client, "/data") == catalogue_links(client)


# --- round trips through the service's own imports ---------------------------------------------------


def published_zones(stage: str) -> list[tuple[list[str], object]]:
    plan = zoning.published_plan(get_district("990101").id, 2026, stage)
    return [([s.name for s in z.schools], z.geometry) for z in plan.zones]


@pytest.mark.parametrize("stage", ["primary", "junior"])
@pytest.mark.parametrize("suffix", ZONE_SUFFIXES)
def test_each_zones_file_reads_back_through_the_import_as_the_same_zones(demo, tmp_path, stage, suffix):
    body = download(demo.test_client(), f"zones-{stage}{suffix}").get_data()
    path = tmp_path / f"zones{suffix}"
    path.write_bytes(body)
    before = published_zones(stage)
    draft = zoning.import_plan(get_user("editor"), "990101", 2026, stage, path)
    assert draft.error_count == 0, draft.zone_report["findings"][:3]
    assert len(draft.zones) == len(before)
    for zone, (names, geometry) in zip(draft.zones, before):
        assert [s.name for s in zone.schools] == names
        assert shapely.hausdorff_distance(zone.geometry, geometry) < 1e-6  # degrees: about 0.1 m
        assert abs(zone.geometry.area - geometry.area) <= 1e-5 * geometry.area  # coordinates kept to 1 cm


def test_the_gbk_shapefile_declares_code_page_936_and_its_names_are_gbk(demo):
    archive = zipfile.ZipFile(io.BytesIO(download(demo.test_client(), "zones-primary-gbk.shp.zip").get_data()))
    members = {n.rsplit(".", 1)[1]: n for n in archive.namelist()}
    assert set(members) == {"shp", "shx", "dbf", "prj", "cpg"}
    assert archive.read(members["cpg"]) == b"936"
    dbf = archive.read(members["dbf"])
    name = published_zones("primary")[0][0][0]
    assert name.encode("gbk") in dbf and name.encode("utf-8") not in dbf
    utf8 = zipfile.ZipFile(io.BytesIO(download(demo.test_client(), "zones-primary.shp.zip").get_data()))
    assert utf8.read(next(n for n in utf8.namelist() if n.endswith(".cpg"))) == b"UTF-8"


def test_the_schools_csv_reads_back_through_the_school_import_unchanged(demo):
    client = demo.test_client()
    body = download(client, "schools.csv").get_data()
    assert body.startswith("\ufeff".encode())
    result = import_school_file(get_user("editor"), "990101", body, "schools.csv")
    assert (result.created, result.updated) == (0, len(schools_of(get_district("990101").id)))
    assert download(client, "schools.csv").get_data() == body  # every school as it was


def test_the_text_csv_reads_back_through_the_text_import_unchanged(demo):
    body = download(demo.test_client(), "texts.csv").get_data()
    done = texts.import_texts(get_user("editor"), "990101", 2026, body, filename="texts.csv")
    district = get_district("990101")
    for result in done:
        published = zoning.published_plan(district.id, 2026, result.plan.stage)
        assert (result.updated, result.removed, result.unchanged) == (0, 0, len(published.texts))
    assert {r.plan.stage for r in done} == {"primary", "junior"}


def test_the_text_json_holds_the_same_words_as_the_csv(demo):
    client = demo.test_client()
    rows = list(csv.reader(io.StringIO(download(client, "texts.csv").get_data().decode("utf-8-sig"))))
    records = json.loads(download(client, "texts.json").get_data())["records"]
    assert rows[0] == ["学校", "学段", "划片范围"]
    assert [[r["school"], r["stage"], r["text"]] for r in records] == rows[1:]


def test_the_results_csv_is_the_results_page_csv(demo):
    client = demo.test_client()
    assert download(client, "results.csv").get_data() == client.get("/d/990101/2026/results.csv").get_data()
    records = json.loads(download(client, "results.json").get_data())["records"]
    assert records and all(set(r) == {"school", "stage", "kind", "applicants", "places", "admitted", "ratio", "routes"}
                           for r in records)


def test_the_plans_files_hold_each_published_enrollment_plan(demo):
    from sqlalchemy import select

    from enroll.extensions import db
    from enroll.schools.models import EnrollmentPlan

    client = demo.test_client()
    published = db.session.scalars(select(EnrollmentPlan).where(EnrollmentPlan.year == 2026,
                                                                 EnrollmentPlan.status == "published")).all()
    rows = list(csv.reader(io.StringIO(download(client, "plans.csv").get_data().decode("utf-8-sig"))))
    assert rows[0][:6] == ["学校", "学段", "办学性质", "招生年度", "计划班数", "计划招生人数"]
    assert sorted((r[0], int(r[5])) for r in rows[1:]) == sorted((p.school.name, p.places) for p in published)
    records = json.loads(download(client, "plans.json").get_data())["records"]
    assert sorted((r["school"], r["places"]) for r in records) == sorted((p.school.name, p.places) for p in published)


def test_files_are_the_same_bytes_whatever_the_readers_language(demo):
    client = demo.test_client()
    for name in ("results.csv", "schools.csv", "zones-primary.kml"):
        assert download(client, f"{name}?lang=en").get_data() == download(client, name).get_data()


# --- DCAT ---------------------------------------------------------------------------------------------


def test_the_dcat_catalogue_describes_every_file_with_url_licence_dates_and_checksum(demo):
    client = demo.test_client()
    response = client.get("/data/catalog.jsonld")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    document = json.loads(response.get_data())
    assert document["@type"] == "dcat:Catalog" and "dcat" in document["@context"]
    urls = {}
    for dataset in document["dcat:dataset"]:
        assert dataset["@type"] == "dcat:Dataset"
        assert {"dct:title", "dct:license", "dct:issued", "dct:modified", "dcat:distribution"} <= set(dataset)
        for distribution in dataset["dcat:distribution"]:
            assert distribution["@type"] == "dcat:Distribution"
            assert distribution["spdx:checksum"]["spdx:algorithm"]["@id"] == "spdx:checksumAlgorithm_sha256"
            assert {"dct:license", "dct:issued", "dct:modified", "dcat:mediaType", "dcat:byteSize"} <= set(distribution)
            urls[distribution["dcat:downloadURL"]["@id"]] = distribution["spdx:checksum"]["spdx:checksumValue"]
    base = demo.config.get("SERVER_NAME") or "localhost"
    paths = {re.sub(r"^https?://[^/]+", "", url): sha for url, sha in urls.items() if base in url}
    assert paths == catalogue_links(client, "/data")
    for path, sha in list(paths.items())[:6]:
        assert hashlib.sha256(client.get(path).get_data()).hexdigest() == sha


# --- not found ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/d/999999/data", "/d/999999/data/2026/schools.csv", f"{DATA}/1990/schools.csv",
                                  f"{DATA}/2026/zones-nine_year.geojson", f"{DATA}/2026/secrets.csv",
                                  f"{DATA}/2024/zones-primary.geojson"])
def test_unknown_district_year_or_file_is_404(demo, path):
    assert demo.test_client().get(path).status_code == 404
