"""Districts created and edited on the bureau's web pages (as ``flask districts create`` does), with a
boundary file read like zoning files; English names on the public pages."""
from __future__ import annotations

import re

import pyproj
import pytest
import shapely
from sqlalchemy import func, select

from support import DATA, PASSWORD

GEO = DATA / "geo"


def audit_events(db, action: str):
    from enroll.review.models import AuditEvent

    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def geodesic_km2(geometry) -> float:
    """The area on the ellipsoid, computed apart from the service's own measure."""
    area, _ = pyproj.Geod(ellps="WGS84").geometry_area_perimeter(geometry)
    return abs(area) / 1e6


def district_form(**values) -> dict:
    return {"code": "330106", "name": "西湖区", "name_en": "Xihu District", "phone": "0571-87000000",
            "address": "西湖区文三路1号", "crs": "", **values}


def upload(path, name=None):
    return (open(path, "rb"), name or path.name)


def test_a_city_admin_creates_a_district_with_its_boundary_and_sees_its_area(client, login, admin, db):
    from enroll.districts.services import get_district

    login(admin)
    response = client.post("/bureau/districts/new", data={**district_form(), "boundary": upload(GEO / "clean.geojson")},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith("/bureau/d/330106/edit")
    district = get_district("330106")
    assert (district.name, district.phone, district.translations) == (
        "西湖区", "0571-87000000", {"en": {"name": "Xihu District"}})
    page = client.get("/bureau/d/330106/edit").get_data(as_text=True)
    shown = re.search(r"面积 ([\d.,]+) 平方千米", page)
    assert shown and float(shown.group(1)) == pytest.approx(geodesic_km2(district.boundary), abs=0.006)
    assert "平方米" not in page
    [event] = audit_events(db, "district.create")
    assert event.actor_name == "admin" and event.detail["code"] == "330106" and event.detail["boundary"]


def test_editing_replaces_the_boundary_and_audits_each_change(client, login, admin, db):
    from enroll.districts.services import create_district, get_district

    create_district(admin, "330106", "西湖区", phone="0571-87000000")
    login(admin)
    response = client.post("/bureau/d/330106/edit",
                           data={**district_form(phone="0571-87000001"), "boundary": upload(GEO / "zones.kml")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    district = get_district("330106")
    assert district.phone == "0571-87000001" and district.boundary is not None
    [event] = audit_events(db, "district.update")
    changes = event.detail["changes"]
    assert changes["phone"] == {"before": "0571-87000000", "after": "0571-87000001"}
    assert changes["boundary"]["before"] is None and len(changes["boundary"]["after"]) == 64
    assert changes["translations"]["after"] == {"en": {"name": "Xihu District"}}
    # an edit without a file keeps the boundary
    client.post("/bureau/d/330106/edit", data=district_form(name="西湖区（新）"), content_type="multipart/form-data")
    district = get_district("330106")
    assert district.name == "西湖区（新）" and district.boundary is not None


@pytest.mark.parametrize("file, problem", [
    ("garbage.zip", "zip"),
    ("noprj.zip", "坐标系"),
    ("bomb.zip", "压缩比"),
    ("broken.geojson", "json"),
    ("no_crs.gpkg", "坐标系"),
])
def test_a_bad_boundary_file_changes_nothing_and_says_what_is_wrong(client, login, admin, district, db, file, problem):
    from enroll.districts.services import get_district

    before = (district.name, district.phone, shapely.to_wkb(district.boundary))
    events = len(audit_events(db, "district.update"))
    login(admin)
    response = client.post("/bureau/d/990101/edit", data={**district_form(name="改名区"), "boundary": upload(GEO / file)},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    [error] = re.findall(r'<span class="error" role="alert">(.*?)</span>', page)  # beside the file field
    assert "未保存任何修改" in error and file in error and problem in error.lower()
    assert 'value="改名区"' in page and 'value="Xihu District"' in page  # what was typed stays on the form
    db.session.expire_all()
    district = get_district("990101")
    assert (district.name, district.phone, shapely.to_wkb(district.boundary)) == before
    assert len(audit_events(db, "district.update")) == events


def test_a_file_without_a_coordinate_system_is_read_once_the_user_names_it(client, login, admin):
    from enroll.districts.services import get_district

    login(admin)
    data = {**district_form(), "boundary": upload(GEO / "noprj.zip")}
    response = client.post("/bureau/districts/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and "EPSG:4549" in response.get_data(as_text=True)
    assert 'value="330106"' in response.get_data(as_text=True)
    response = client.post("/bureau/districts/new", data={**district_form(crs="EPSG:4549"),
                                                         "boundary": upload(GEO / "noprj.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert geodesic_km2(get_district("330106").boundary) == pytest.approx(1.5, rel=1e-3)  # 3 × 2 cells of 500 m


def test_a_failed_creation_creates_nothing(client, login, admin, db):
    from enroll.districts.models import District

    login(admin)
    response = client.post("/bureau/districts/new", data={**district_form(), "boundary": upload(GEO / "garbage.bin")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "garbage.bin" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(District)) == 0


@pytest.mark.parametrize("code, message", [("33010", "6 位数字"), ("33010a", "6 位数字"), ("990101", "已存在")])
def test_the_code_is_checked(client, login, admin, district, code, message):
    login(admin)
    response = client.post("/bureau/districts/new", data=district_form(code=code), content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and f'value="{code}"' in page


def test_a_phone_that_is_not_one_is_named(client, login, admin, district):
    login(admin)
    response = client.post("/bureau/d/990101/edit", data=district_form(phone="请打电话"),
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "“电话”应为电话号码" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["district_editor", "district_reviewer", "school_editor"])
def test_only_the_city_administrator_creates_or_edits_districts(client, make_user, district, db, role):
    from enroll.districts.models import District

    user = make_user("u1", role)
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert client.get("/bureau/districts/new").status_code == 403
    assert client.post("/bureau/districts/new", data=district_form()).status_code == 403
    assert client.post("/bureau/d/990101/edit", data=district_form(name="改名区")).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(District)) == 1
    assert "新建区县" not in client.get("/bureau/").get_data(as_text=True)


def test_parents_are_sent_to_sign_in(client, district):
    for url in ("/bureau/districts/new", "/bureau/d/990101/edit"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_dashboard_links_the_district_pages(client, login, admin, district):
    login(admin)
    page = client.get("/bureau/").get_data(as_text=True)
    assert 'href="/bureau/districts/new"' in page and 'href="/bureau/d/990101/edit"' in page


@pytest.fixture
def english(admin, district):
    from enroll.districts.services import update_district
    from enroll.schools.services import schools_of, update_school

    update_district(admin, "990101", {"name": "青溪区", "name_en": "Qingxi District", "phone": "", "address": ""})
    school = schools_of(district.id)[0]
    update_school(admin, school.id, {"name": school.name, "stage": school.stage, "name_en": "Wenlan Primary School",
                                     "address_en": "20 Wenlan Road"})
    return school


@pytest.mark.parametrize("lang, district_name, school_name", [
    ("en", "Qingxi District", "Wenlan Primary School"),
    ("zh_Hans", "青溪区", None),
])
def test_public_pages_name_the_district_and_school_in_the_readers_language(client, english, lang, district_name,
                                                                            school_name):
    school_name = school_name or english.name
    home = client.get(f"/?lang={lang}").get_data(as_text=True)
    assert f">{district_name}</a>" in home
    page = client.get(f"/d/990101/?lang={lang}").get_data(as_text=True)
    assert f"<h1>{district_name}</h1>" in page
    page = client.get(f"/schools/{english.id}?lang={lang}").get_data(as_text=True)
    assert f"<h1>{school_name}</h1>" in page
    assert f'href="/d/990101/">{district_name}</a>' in page  # the breadcrumb
    assert ("20 Wenlan Road" in page) == (lang == "en")
    assert ("Qingxi District" in page) == (lang == "en")


def test_a_district_without_an_english_name_shows_its_chinese_one_in_english(client, district):
    assert "<h1>青溪区</h1>" in client.get("/d/990101/?lang=en").get_data(as_text=True)


def test_the_cli_takes_the_english_name_and_the_boundary_files_coordinate_system(app, admin):
    import json

    from enroll.districts.services import get_district

    def run(*args):
        return app.test_cli_runner().invoke(args=["districts", "create", "--code", "330106", "--name", "西湖区",
                                                  "--boundary", str(GEO / "noprj.zip"), *args, "--as", "admin",
                                                  "--json"])

    refused = run()
    assert refused.exit_code == 1 and "坐标系" in json.loads(refused.output)["error"]["message"]
    made = run("--crs", "EPSG:4549", "--name-en", "Xihu District")
    assert made.exit_code == 0, made.output
    district = get_district("330106")
    assert district.translations == {"en": {"name": "Xihu District"}}
    assert geodesic_km2(district.boundary) == pytest.approx(1.5, rel=1e-3)


def test_a_boundary_traced_on_a_commercial_map_is_moved_back_when_the_box_is_ticked(client, login, admin):
    from enroll.districts.services import get_district, read_boundary

    true_boundary = read_boundary(GEO / "clean.geojson")
    login(admin)
    for code, ticked in (("330106", False), ("330108", True)):
        data = {**district_form(code=code), "boundary": upload(GEO / "clean_gcj02.geojson")}
        if ticked:
            data["gcj02"] = "y"
        assert client.post("/bureau/districts/new", data=data, content_type="multipart/form-data").status_code == 302
    assert get_district("330106").boundary.hausdorff_distance(true_boundary) > 1e-3  # some hundreds of metres off
    assert get_district("330108").boundary.hausdorff_distance(true_boundary) < 1e-5  # within a metre
