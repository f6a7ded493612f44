"""Policy and interpretation bodies written in Markdown: paragraphs and line breaks kept, sanitized
like any HTML; bodies written in HTML before Markdown render and edit as they did."""
from __future__ import annotations

import html
import re

import pytest

from policy_data import BODY, document
from support import PASSWORD
from enroll.core.html import markdown_to_html, sanitize_html
from enroll.policies import services
from enroll.review import content

MARKDOWN = ("# 一、招生对象\n"
            "年满6周岁的适龄儿童。\n"
            "须有本区户籍。\n"
            "\n"
            "    第二段缩进书写，仍是一段文字。\n"
            "\n"
            "- 户口簿\n"
            "- 房产证\n"
            "\n"
            "| 材料 | 份数 |\n"
            "| --- | --- |\n"
            "| 户口簿 | 1 |\n"
            "\n"
            "<script>alert('x')</script><a href=\"https://example.cn/\" onclick=\"steal()\">报名网站</a>\n"
            "[坏链接](javascript:alert(1)) **须本人到场**\n")


def form(**extra) -> dict:
    values = {k: v for k, v in document().items() if k not in ("year", "body")}
    return {**values, "year": "2026", "validity": "current", "replaced_by": "0", "note": "",
            "body_format": "markdown", "body": MARKDOWN, **extra}


@pytest.fixture
def as_editor(app, editor):
    client = app.test_client()
    assert client.post("/login", data={"username": "editor", "password": PASSWORD}).status_code == 302
    return client


def _approve(editor, reviewer, revision_id: int) -> None:
    content.submit_revision(editor, revision_id)
    content.approve_revision(reviewer, revision_id)


def _revision_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _article(page: str) -> str:
    return re.search(r'<article class="richtext"[^>]*>(.*?)</article>', page, re.S).group(1)


def test_a_markdown_body_keeps_its_paragraphs_and_line_breaks_and_loses_scripts(as_editor, client, editor,
                                                                                 reviewer):
    revision_id = _revision_id(as_editor.post("/bureau/d/990101/policies/new", data=form()))
    _approve(editor, reviewer, revision_id)
    doc_id = content.get_revision(editor, revision_id).item.id
    body = _article(client.get(f"/d/990101/policies/{doc_id}").get_data(as_text=True))
    assert "<h2>一、招生对象</h2>" in body  # the page's h1 is the title: "#" is a section heading
    assert re.search(r"<p>年满6周岁的适龄儿童。<br>\s*须有本区户籍。</p>", body)
    assert "<p>第二段缩进书写，仍是一段文字。</p>" in body  # an indented paragraph is not code
    assert re.search(r"<ul>\s*<li>户口簿</li>\s*<li>房产证</li>\s*</ul>", body)
    assert re.search(r"<th>材料</th>.*<td>户口簿</td>", body, re.S)
    assert "<strong>须本人到场</strong>" in body
    assert '<a href="https://example.cn/" rel="noopener noreferrer">报名网站</a>' in body
    for unsafe in ("<script", "alert('x')", "onclick", "steal()", 'href="javascript'):
        assert unsafe not in body


def test_the_edit_form_shows_the_markdown_source_again(as_editor):
    revision_id = _revision_id(as_editor.post("/bureau/d/990101/policies/new", data=form()))
    doc_id = content.get_revision(_user("editor"), revision_id).item.id
    page = as_editor.get(f"/bureau/policies/{doc_id}/edit").get_data(as_text=True)
    textarea = re.search(r'<textarea[^>]*id="body"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert html.unescape(textarea).strip() == MARKDOWN.strip()
    assert re.search(r'<input[^>]*checked[^>]*value="markdown"|<input[^>]*value="markdown"[^>]*checked', page)
    assert 'aria-describedby="body-help"' in page and "空一行另起一段" in page


def test_a_body_written_in_html_renders_and_edits_as_before(as_editor, client, editor, reviewer, publish):
    doc_id = publish()  # saved as HTML, as every body was before Markdown
    body = _article(client.get(f"/d/990101/policies/{doc_id}").get_data(as_text=True))
    assert body == sanitize_html(BODY)
    page = as_editor.get(f"/bureau/policies/{doc_id}/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="html"|<input[^>]*value="html"[^>]*checked', page)
    textarea = re.search(r'<textarea[^>]*id="body"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert html.unescape(textarea).strip() == sanitize_html(BODY)
    # saved again unchanged in its format: the same body, nothing to review in it
    revision_id = _revision_id(as_editor.post(f"/bureau/policies/{doc_id}/edit", data=form(
        body_format="html", body=html.unescape(textarea).strip(), note="只改文号", doc_number="青教〔2026〕13号")))
    _approve(editor, reviewer, revision_id)
    assert _article(client.get(f"/d/990101/policies/{doc_id}").get_data(as_text=True)) == sanitize_html(BODY)


def test_an_interpretation_is_written_in_markdown_too(as_editor, client, editor, reviewer, publish):
    doc_id = publish(document(normative=False))
    response = as_editor.post(f"/bureau/policies/{doc_id}/interpretation", data={
        "title": "政策解读", "form": "qa", "body_format": "markdown", "body": "问：谁可以报名？\n\n答：适龄儿童。\n第二行",
        "note": ""})
    revision_id = _revision_id(response)
    _approve(editor, reviewer, revision_id)
    page = client.get(f"/d/990101/policies/{doc_id}/interpretation").get_data(as_text=True)
    assert re.search(r"<p>问：谁可以报名？</p>\s*<p>答：适龄儿童。<br>\s*第二行</p>", page)


def test_markdown_found_in_search_as_its_text_not_its_markup(editor):
    revision = services.save_document(editor, "990101", {**document(body=None),
                                                          "body_markdown": "**[入学](https://a.cn)** 须知"})
    assert revision.data["body_markdown"].startswith("**")
    text = content.search_text(services.POLICY, content.get_revision(editor, revision.id).item, revision.data)
    assert "入学 须知" in text and "**" not in text and "https://a.cn" not in text


def test_a_markdown_body_with_no_text_left_is_refused_beside_the_field_with_the_form_kept(as_editor, publish):
    doc_id = publish(document(normative=False))
    response = as_editor.post(f"/bureau/policies/{doc_id}/interpretation", data={
        "title": "只有脚本的解读", "form": "qa", "body_format": "markdown", "body": "<script>alert(1)</script>"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "请填写解读正文。" in page
    assert 'value="只有脚本的解读"' in page and "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in page


@pytest.mark.parametrize("source, expected", [
    ("一段\n\n二段", "<p>一段</p>\n<p>二段</p>"),
    ("一行\n二行", "<p>一行<br>\n二行</p>"),
    ("<p onclick=\"x()\">文字</p>", "<p>文字</p>"),
    ("### 小标题", "<h4>小标题</h4>"),
    ("", ""),
])
def test_markdown_to_html(source, expected):
    assert markdown_to_html(source).strip() == expected


def _user(name):
    from enroll.accounts.services import get_user

    return get_user(name)
