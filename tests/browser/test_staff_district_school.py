"""Staff create a district with its boundary file and import a list of schools in a real browser:
the file inputs, the refusals shown beside the field with the form kept, and axe-core's checks."""
from __future__ import annotations

import re

import pytest

from support import DATA
from test_accessibility import axe_violations

pytestmark = pytest.mark.browser
GEO = DATA / "geo"


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server}/login")
    page.fill("#username", username)
    page.fill("#password", "demo-lantern-river")
    page.click("form.stack button[type=submit]")


def test_a_district_is_created_from_the_dashboard_after_a_bad_file_is_refused(live_server, page):
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server}/bureau/")
    page.click("text=新建区县")
    page.fill("#code", "330106")
    page.fill("#name", "西湖区")
    page.fill("#name_en", "Xihu District")
    page.set_input_files("#boundary", str(GEO / "garbage.zip"))
    page.click("form.stack button[type=submit]")
    error = page.locator("#boundary ~ .error")
    assert "garbage.zip" in error.inner_text() and "未保存任何修改" in error.inner_text()
    assert page.input_value("#code") == "330106" and page.input_value("#name_en") == "Xihu District"
    assert axe_violations(page) == []
    page.set_input_files("#boundary", str(GEO / "zones.kml"))
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r"/bureau/d/330106/edit$"))
    assert re.search(r"面积 [\d.,]+ 平方千米", page.locator("dl.facts").inner_text())
    assert axe_violations(page) == []
    page.goto(f"{live_server}/?lang=en")
    assert page.locator("a", has_text="Xihu District").count() == 1


def test_a_gbk_school_list_is_imported_after_a_broken_one_is_refused(live_server, page, tmp_path):
    sign_in(page, live_server, "editor")
    page.goto(f"{live_server}/bureau/d/990101/schools/")
    page.click("text=导入学校名录（CSV）")
    broken = tmp_path / "学校名录.csv"
    broken.write_bytes("学校名称,学段\n青溪区湖畔小学,高中\n".encode("gbk"))
    page.set_input_files("#file", str(broken))
    page.click("form.stack button[type=submit]")
    problems = page.locator(".problems").inner_text()
    assert "未导入任何学校" in problems and "第 2 行 学段" in problems
    assert axe_violations(page) == []
    broken.write_bytes("学校名称,学段\n青溪区湖畔小学,小学\n".encode("gbk"))
    page.set_input_files("#file", str(broken))
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r"/bureau/d/990101/schools/$"))
    assert "新增 1 所学校" in page.locator(".flash").inner_text()
    assert page.locator("tbody tr td:first-child a", has_text="青溪区湖畔小学").count() == 1
    assert axe_violations(page) == []
