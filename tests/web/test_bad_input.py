"""Bad requests get a clear, translated answer, never a 500."""
from __future__ import annotations

import io

import pytest

from support import DEMO


@pytest.mark.parametrize("url", ["/d/000000/", "/d/990101/2026/senior/", "/d/990101/1999/primary/",
                                 "/schools/999999", "/d/990101/2026/primary/zones.geojson"])
def test_unknown_pages_are_404_with_a_message(client, district, url):
    response = client.get(url)
    assert response.status_code == 404
    if url.endswith(".geojson"):
        assert response.get_json()["error"]["status"] == 404
    else:
        assert "出错了" in response.get_data(as_text=True)


def test_upload_without_file_or_with_bad_year_is_422_with_field_messages(login, editor):
    client = login(editor)
    response = client.post("/bureau/d/990101/upload", data={"year": "20x6", "stage": "primary"},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count('class="field-error"') >= 2


def test_an_oversized_upload_is_refused_with_413(app, login, editor):
    """Any request over ENROLL_MAX_UPLOAD_MB; a zoning file over its own ENROLL_MAX_ZONING_FILE_MB."""
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = login(editor).post(
        "/bureau/d/990101/rules", content_type="multipart/form-data",
        data={"year": "2026", "text": "x" * 20_000})
    assert response.status_code == 413
    assert "文件过大" in response.get_data(as_text=True)
    small = login(editor).post(
        "/bureau/d/990101/upload", content_type="multipart/form-data",
        data={"year": "2026", "stage": "primary", "file": (io.BytesIO(b"x" * 20_000), "big.zip")})
    assert small.status_code == 422  # within the zoning file's own limit: read, and refused as unreadable


def test_unknown_language_falls_back_to_chinese(client, district):
    page = client.get("/d/990101/?lang=xx").get_data(as_text=True)
    assert "招生划片" in page


def test_english_interface(client, district):
    page = client.get("/d/990101/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "招生划片" not in page and "zoning" in page.lower()


@pytest.mark.parametrize("url", ["/d/990101/99999999999999999999/primary/", "/schools/99999999999999999999",
                                 "/d/990101/99999999999999999999/primary/zones.geojson"])
def test_numbers_too_large_for_the_database_are_404(client, district, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("filename", ["划片." + "中" * 100, "划片.\x00x", "a" * 400 + ".geojson"])
def test_hostile_upload_file_names_get_a_report(login, editor, filename):
    client = login(editor)
    response = client.post("/bureau/d/990101/upload", content_type="multipart/form-data", data={
        "year": "2026", "stage": "primary",
        "file": (io.BytesIO((DEMO / "zones_primary.geojson").read_bytes()), filename)})
    assert response.status_code == 302
    assert "0 个错误" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_json_errors_keep_the_http_status(login, editor):
    from enroll.review.content import submit_revision
    from enroll.zoning.services import import_plan

    plan = import_plan(editor, "990101", 2026, "primary", DEMO / "zones_primary.zip")
    submit_revision(editor, plan.revision_id)
    response = login(editor).post(f"/bureau/revisions/{plan.revision_id}/submit", headers={"Accept": "application/json"})
    assert response.status_code == 409
    assert response.get_json()["error"]["status"] == 409


@pytest.mark.parametrize("url", ["/search?q=%00", "/lookup?q=学院路%001号", "/api/v1/lookup?address=%00",
                                 "/d/99%000101/"])
def test_nul_bytes_are_a_bad_request_not_a_500(client, url):
    assert client.get(url).status_code == 400


@pytest.mark.parametrize("year", ["²", "２０２６", "20266"])
def test_non_ascii_or_overlong_years_are_a_bad_request(client, year):
    response = client.get("/api/v1/lookup", query_string={"address": "学院路130号", "year": year})
    assert response.status_code == 400


def test_an_absurd_door_number_is_not_found_rather_than_a_crash(client, editor):
    from support import DEMO

    from enroll.lookup.gazetteer import import_addresses

    import_addresses(editor, "990101", DEMO / "addresses.csv")
    response = client.get("/api/v1/lookup", query_string={"address": "学院路99999999999999999999号"})
    assert response.status_code == 200
    assert [c["code"] for c in response.get_json()["caveats"]] == ["address_not_found"]


def test_a_nul_byte_in_a_multipart_form_field_is_a_400(client):
    import io

    response = client.post("/lotteries/verify", data={"seed": "a\x00b", "document": (io.BytesIO(b"{}"), "x.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
