"""A requester on a phone sends a request for information with a photo of their identity card, is
shown the tracking number and the status link, and reads the status page; a request without a
description comes back with what was typed and the reason beside the field. Every page passes axe."""
from __future__ import annotations

import base64

import pytest
from playwright.sync_api import expect

from test_accessibility import axe_violations

pytestmark = pytest.mark.browser

# the smallest whole PNG: a 1×1 pixel (signature, IHDR, IDAT, IEND)
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


@pytest.fixture
def phone(browser, live_server, tmp_path):
    live_server.app.config["REQUEST_FILES_DIR"] = str(tmp_path / "request_files")
    context = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True)
    yield context.new_page()
    context.close()


def fill(page, description: str) -> None:
    page.get_by_label("申请人姓名或名称").fill("李四")
    page.get_by_label("联系方式（电话、电子邮箱或通信地址，至少一项）").fill("lisi@example.com")
    page.get_by_label("所需政府信息的名称、文号或者便于查询的其他特征性描述").fill(description)
    page.get_by_label("纸质文本").check()


def test_a_request_sent_from_a_phone_gets_its_number_and_status_link(phone, live_server):
    phone.goto(f"{live_server}/d/990101/")
    phone.get_by_role("link", name="申请公开政府信息（依申请公开）").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("申请公开政府信息")
    assert axe_violations(phone) == []
    fill(phone, "青溪区2026年小学学区划分的论证报告")
    phone.get_by_label("身份证明", exact=False).set_input_files(
        files=[{"name": "身份证.png", "mimeType": "image/png", "buffer": PNG}])
    phone.get_by_role("button", name="提交申请").click()
    status = phone.get_by_role("status")
    expect(status).to_contain_text("受理编号：990101-")
    assert "/requests/" in phone.url
    expect(phone.get_by_text("办理中")).to_be_visible()
    assert axe_violations(phone) == []
    assert "李四" not in phone.content() and "lisi@example.com" not in phone.content()


def test_a_request_without_description_keeps_what_was_typed(phone, live_server):
    phone.goto(f"{live_server}/d/990101/requests/new")
    fill(phone, "")
    phone.get_by_label("所需政府信息的名称、文号或者便于查询的其他特征性描述").evaluate("e => e.removeAttribute('required')")
    phone.get_by_role("button", name="提交申请").click()
    expect(phone.get_by_role("alert").first).to_contain_text("必填")
    expect(phone.get_by_label("申请人姓名或名称")).to_have_value("李四")
    expect(phone.get_by_label("纸质文本")).to_be_checked()
    assert axe_violations(phone) == []
