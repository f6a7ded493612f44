"""The district's schools added and edited one at a time, and imported from a CSV upload (as
``flask schools import``), on the bureau's pages: all rows or none, problems named by line and column."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from support import PASSWORD


def audit_events(db, action: str):
    from enroll.review.models import AuditEvent

    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def school_count(db) -> int:
    from enroll.schools.models import School

    return db.session.scalar(select(func.count()).select_from(School))


def school_named(db, name: str):
    from enroll.schools.models import School

    db.session.expire_all()
    return db.session.scalar(select(School).where(School.name == name))


def school_form(**values) -> dict:
    return {"name": "青溪区云栖学校", "stage": "nine_year", "kind": "private", "address": "青溪区云栖路8号",
            "phone": "0000-86000123", "website": "https://yunqi.example.org", "lon": "120.16", "lat": "30.23",
            "name_en": "Yunqi School", "address_en": "8 Yunqi Road", **values}


def upload(client, text: bytes | str, name: str = "学校.csv", encoding: str = "utf-8"):
    raw = text.encode(encoding) if isinstance(text, str) else text
    from io import BytesIO

    return client.post("/bureau/d/990101/schools/import", data={"file": (BytesIO(raw), name)},
                       content_type="multipart/form-data")


def test_an_editor_adds_a_school_and_parents_see_it_in_their_language(client, login, editor, db):
    login(editor)
    response = client.post("/bureau/d/990101/schools/new", data=school_form())
    assert response.status_code == 302 and response.headers["Location"].endswith("/bureau/d/990101/schools/")
    school = school_named(db, "青溪区云栖学校")
    assert (school.stage, school.kind, school.website) == ("nine_year", "private", "https://yunqi.example.org")
    assert (round(school.point.x, 2), round(school.point.y, 2)) == (120.16, 30.23)
    [event] = audit_events(db, "school.create")
    assert event.actor_name == "editor" and event.detail["name"] == "青溪区云栖学校"
    assert "<h1>Yunqi School</h1>" in client.get(f"/schools/{school.id}?lang=en").get_data(as_text=True)
    page = client.get(f"/schools/{school.id}?lang=zh_Hans").get_data(as_text=True)
    assert "<h1>青溪区云栖学校</h1>" in page and "Yunqi" not in page


def form_values(page: str) -> dict:
    """What the form's text inputs and selects hold, as the browser would send them back."""
    values = dict(re.findall(r'<input[^>]*?name="(\w+)"[^>]*?value="([^"]*)"', page))
    for name, options in re.findall(r'<select[^>]*name="(\w+)"[^>]*>(.*?)</select>', page, re.S):
        values[name] = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', options).group(1)
    return values


def test_editing_a_school_audits_what_changed_and_keeps_the_rest(client, login, admin, editor, district, db):
    from enroll.schools.services import schools_of, update_school

    school = schools_of(district.id)[0]
    update_school(admin, school.id, {"name": school.name, "stage": school.stage, "lon": "120.123456789012",
                                     "lat": "30.2345678901234"})
    login(editor)
    values = form_values(client.get(f"/bureau/schools/{school.id}/edit").get_data(as_text=True))
    assert values["name"] == school.name and values["stage"] == school.stage
    response = client.post(f"/bureau/schools/{school.id}/edit",
                           data={**values, "phone": "0000-86009999", "name_en": "First School"})
    assert response.status_code == 302
    [event] = audit_events(db, "school.update")[1:]
    assert set(event.detail["changes"]) == {"phone", "translations"}  # the location, saved as shown, is unchanged
    school = school_named(db, school.name)
    assert school.translations == {"en": {"name": "First School"}} and school.point.x == 120.123456789012


def test_a_second_school_of_the_same_name_is_refused_beside_the_name(client, login, editor, district, db):
    from enroll.schools.services import schools_of

    existing = schools_of(district.id)[0].name
    count = school_count(db)
    login(editor)
    response = client.post("/bureau/d/990101/schools/new", data=school_form(name=existing))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and f"本区已有名为“{existing}”的学校" in page
    assert 'value="青溪区云栖路8号"' in page and school_count(db) == count


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "请填写“学校名称”"),
    ("lon", "东经120度", "“经度”应为数字"),
    ("lat", "95", "“纬度”应在 -90 到 90 之间"),
    ("website", "yunqi.example.org", "“网站”应以 http:// 或 https:// 开头"),
    ("phone", "请咨询学校", "“电话”应为电话号码"),
])
def test_each_bad_field_is_named(client, login, editor, db, field, value, message):
    count = school_count(db)
    login(editor)
    response = client.post("/bureau/d/990101/schools/new", data=school_form(**{field: value}))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert school_count(db) == count


CSV = ("学校名称,学段,办学性质,地址,经度,纬度,英文名称\n"
       "青溪区鹿鸣小学,小学,公办,青溪区鹿鸣路1号,120.15,30.22,Luming Primary School\n"
       "青溪区梅岭初级中学,初中,民办,青溪区梅岭路2号,,,\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_a_csv_in_utf8_or_gbk_with_chinese_headings_is_imported(client, login, editor, db, encoding):
    count = school_count(db)
    login(editor)
    response = upload(client, CSV, encoding=encoding)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已导入 学校.csv：新增 2 所学校，更新 0 所。" in page and "青溪区梅岭初级中学" in page
    assert school_count(db) == count + 2
    school = school_named(db, "青溪区鹿鸣小学")
    assert (school.stage, school.kind, school.translations) == ("primary", "public", {"en": {"name": "Luming Primary School"}})
    assert school_named(db, "青溪区梅岭初级中学").kind == "private"
    [event] = audit_events(db, "schools.import")[-1:]
    assert event.detail == {"file": "学校.csv", "created": 2, "updated": 0}


def test_an_import_updates_only_the_columns_the_file_has(client, login, editor, district, db):
    from enroll.schools.services import schools_of

    school = schools_of(district.id)[0]
    address, point = school.address, (school.point.x, school.point.y)
    login(editor)
    assert upload(client, f"name,stage,phone\n{school.name},{school.stage},0000-86001111\n").status_code == 302
    school = school_named(db, school.name)
    assert school.phone == "0000-86001111" and school.address == address and (school.point.x, school.point.y) == point


def test_a_csv_with_bad_rows_imports_nothing_and_names_each_line_and_column(client, login, editor, db):
    count = school_count(db)
    login(editor)
    response = upload(client, "name,stage,kind,lon,lat\n"
                              "青溪区新建小学,primary,public,120.1,30.2\n"
                              "青溪区新建高中,高中,public,,\n"
                              "\n"
                              "青溪区新建初中,junior,公私合营,120.1,30.2\n"
                              "青溪区新建小学,primary,public,,\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "文件 学校.csv 有 3 处错误，未导入任何学校。" in page
    assert "第 3 行 stage：“学段”应为 小学（primary）、初中（junior）、九年一贯制（nine_year） 之一，而不是“高中”。" in page
    assert "第 5 行 kind：“办学性质”应为" in page and "“公私合营”" in page  # blank line 4 still counts
    assert "第 6 行 name：与第 2 行的学校同名" in page
    assert school_count(db) == count and school_named(db, "青溪区新建小学") is None


def test_a_file_in_neither_encoding_says_what_was_tried_and_how_to_save_it(client, login, editor, db):
    count = school_count(db)
    login(editor)
    response = upload(client, "name,stage\n青溪区新建小学,primary\n".encode() + b"\xe9\x9d\x92\x80\xff,primary\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    message = re.search(r"<strong>(.*?)</strong>", page).group(1)
    assert "第 3 行" in message and "UTF-8" in message and "GBK" in message and "GB18030" in message
    assert "另存为" in message and school_count(db) == count


@pytest.mark.parametrize("content, message", [
    ("学段,地址\nprimary,青溪区\n", "缺少 “学校名称”（name） 列"),
    ("", "是空的"),
    (b"PK\x03\x04excel", "不是 CSV 文本文件"),
    ("name,stage\n", "文件中没有学校"),
])
def test_a_file_that_is_not_a_school_list_is_refused_in_plain_words(client, login, editor, db, content, message):
    count = school_count(db)
    login(editor)
    response = upload(client, content)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert school_count(db) == count


def test_the_schools_list_links_adding_importing_and_editing(client, login, editor, district):
    login(editor)
    page = client.get("/bureau/d/990101/schools/").get_data(as_text=True)
    assert 'href="/bureau/d/990101/schools/new"' in page and 'href="/bureau/d/990101/schools/import"' in page
    assert re.search(r'href="/bureau/schools/\d+/edit"', page)
    assert 'href="/bureau/d/990101/schools/import"' in client.get("/bureau/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["school_editor", "district_reviewer", "other_district_editor"])
def test_only_the_districts_editors_change_its_list_of_schools(client, make_user, admin, district, db, role):
    from enroll.districts.services import create_district
    from enroll.schools.services import schools_of

    create_district(admin, "990102", "另一区")
    user = (make_user("u1", "district_editor", "990102") if role == "other_district_editor" else make_user("u1", role))
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    school = schools_of(district.id)[0]
    count = school_count(db)
    assert client.get("/bureau/d/990101/schools/import").status_code == 403
    assert upload(client, CSV).status_code == 403
    assert client.post("/bureau/d/990101/schools/new", data=school_form()).status_code == 403
    assert client.post(f"/bureau/schools/{school.id}/edit", data=school_form()).status_code == 403
    assert school_count(db) == count and school_named(db, school.name) is not None


def test_anonymous_visitors_are_sent_to_sign_in(client, district):
    for url in ("/bureau/d/990101/schools/new", "/bureau/d/990101/schools/import"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_school_page_links_its_edit_form_for_the_districts_editors_only(client, login, district, editor, make_user):
    from enroll.schools.services import schools_of

    school = schools_of(district.id)[0]
    login(editor)
    assert f'href="/bureau/schools/{school.id}/edit"' in client.get(f"/bureau/schools/{school.id}").get_data(as_text=True)
    client.get("/logout")
    login(make_user("s1", "school_editor"))
    page = client.get(f"/bureau/schools/{school.id}").get_data(as_text=True)
    assert school.name in page and f'href="/bureau/schools/{school.id}/edit"' not in page
