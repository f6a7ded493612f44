"""Sanitising policy texts: XSS vectors are neutralised, real policy markup survives."""
from __future__ import annotations

import re

import pytest

from enroll.core.html import html_to_text, removed_items, removed_markup, sanitize_html

# (input, fragments that must be gone from the output, harmless text that must remain)
XSS_VECTORS = [
    ("<script>alert('xss')</script><p>招生简章</p>", ["<script", "alert"], "招生简章"),
    ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>说明", ["script", "evil"], "说明"),
    ("<img src=x onerror=alert(1)>公告", ["<img", "onerror", "alert"], "公告"),
    ('<a href="javascript:alert(1)">点击</a>', ["javascript", "alert", "href"], "点击"),
    ('<a href="JaVaScRiPt:alert(1)">点击</a>', ["javascript", "alert", "href"], "点击"),
    ('<a href="&#106;avascript:alert(1)">点击</a>', ["avascript", "alert", "href"], "点击"),
    ('<a href="&#x6A;&#x61;vascript&colon;alert(1)">点击</a>', ["vascript", "alert", "href"], "点击"),
    ('<a href="java&#x09;script:alert(1)">点击</a>', ["script", "alert", "href"], "点击"),
    ('<a href="  javascript:alert(1)">点击</a>', ["javascript", "href"], "点击"),
    ('<a href="vbscript:msgbox(1)">点击</a>', ["vbscript", "href"], "点击"),
    ('<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">点击</a>',
     ["data:", "base64", "href"], "点击"),
    ('<img src="data:image/svg+xml;base64,PHN2Zz4=">图片说明', ["<img", "data:"], "图片说明"),
    ("<svg onload=alert(1)><circle r=1 /></svg>地图", ["svg", "onload", "alert", "circle"], "地图"),
    ("<svg><script>alert(1)</script></svg>地图", ["svg", "script", "alert"], "地图"),
    ('<iframe src="https://evil.example/"></iframe>附件', ["iframe", "evil"], "附件"),
    ('<iframe srcdoc="<script>alert(1)</script>">x</iframe>附件', ["iframe", "srcdoc", "alert"], "附件"),
    ("<style>body{display:none}</style><p>正文</p>", ["style", "display"], "正文"),
    ('<p style="background:url(javascript:alert(1))">正文</p>', ["style", "javascript"], "正文"),
    ('<form action="https://evil.example/"><input name="pw"><button>提交</button></form>说明',
     ["form", "input", "evil", "button"], "说明"),
    ('<p onclick="alert(1)" onmouseover="alert(2)">正文</p>', ["onclick", "onmouseover", "alert"], "正文"),
    ('<object data="javascript:alert(1)"></object><embed src="x.swf">正文',
     ["object", "embed", "javascript"], "正文"),
    ('<base href="javascript:alert(1)//"><meta http-equiv="refresh" content="0;url=x">正文',
     ["base", "meta", "refresh", "javascript"], "正文"),
    ("<scr<script>ipt>alert(1)</script>正文", ["<script", "<scr"], "正文"),
    ("<<script>script>alert(1)<</script>/script>正文", ["<script", "alert"], "正文"),
    ('<noscript><p title="</noscript><img src=x onerror=alert(1)>">正文',
     ["<img", "onerror", "noscript"], "正文"),
    ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>正文",
     ["<img", "onerror", "math", "style"], ""),
    ('<p>a<!--[if IE]><script>alert(1)</script><![endif]-->b</p>', ["<!--", "script", "alert"], "ab"),
    ('<a href="https://example.org/" onfocus="alert(1)" autofocus>链接</a>', ["onfocus", "autofocus"], "链接"),
    ("<textarea><script>alert(1)</script></textarea>正文", ["textarea", "script", "alert"], "正文"),
    ('<div><span style="color:red" class="MsoNormal">正文</span></div>', ["style", "class", "span"], "正文"),
]


@pytest.mark.parametrize(("dirty", "gone", "kept"), XSS_VECTORS)
def test_xss_vector_is_neutralised(dirty, gone, kept):
    clean = sanitize_html(dirty)
    for fragment in gone:
        assert fragment.lower() not in clean.lower()
    assert kept in clean


@pytest.mark.parametrize("dirty", [vector for vector, _, _ in XSS_VECTORS if "<!--" not in vector])
def test_xss_vector_is_reported_as_removed(dirty):
    assert removed_markup(dirty, sanitize_html(dirty))


@pytest.mark.parametrize("dirty", [vector for vector, _, _ in XSS_VECTORS])
def test_sanitising_is_idempotent_on_hostile_input(dirty):
    once = sanitize_html(dirty)
    assert sanitize_html(once) == once


POLICY = (
    "<h2>一、招生范围</h2>"
    "<p>凡具有本区户籍、年满<strong>6周岁</strong>（2019年8月31日前出生）的适龄儿童，"
    "由法定监护人持<em>户口簿</em>和<u>房产证明</u>到学区学校报名。</p>"
    "<h3>（一）报名材料</h3>"
    "<ol><li>户口簿原件及复印件；</li><li>房屋所有权证或不动产权证；</li>"
    "<li>其他材料<ul><li>随迁子女：居住证</li></ul></li></ol>"
    "<blockquote><p>注：H<sub>2</sub>O 与 10<sup>3</sup> 仅为示例；<s>旧条款</s>已废止。</p></blockquote>"
    "<table><caption>2025年学位计划</caption>"
    "<thead><tr><th>学校</th><th colspan=\"2\">学位</th></tr></thead>"
    "<tbody><tr><td rowspan=\"2\">青溪实验小学</td><td>一年级</td><td>240</td></tr>"
    "<tr><td>七年级</td><td>360</td></tr></tbody>"
    "<tfoot><tr><td>合计</td><td colspan=\"2\">600</td></tr></tfoot></table>"
    "<h4>咨询</h4>"
    "<p>电话：0571-12345678<br>邮箱：<a href=\"mailto:zhaosheng@example.gov.cn\" rel=\"noopener noreferrer\">"
    "zhaosheng@example.gov.cn</a><br>"
    "详见<a href=\"https://jyj.example.gov.cn/zs/2025.html\" title=\"教育局\" rel=\"noopener noreferrer\">"
    "教育局网站</a>、<a href=\"/policies/12#section-3\" rel=\"noopener noreferrer\">第三节</a>和"
    "<a href=\"#top\" rel=\"noopener noreferrer\">顶部</a>。</p>"
)


def test_policy_text_survives_unchanged():
    assert sanitize_html(POLICY) == POLICY


def test_policy_text_is_not_reported_as_changed():
    assert not removed_markup(POLICY, sanitize_html(POLICY))


def test_sanitising_policy_text_is_idempotent():
    once = sanitize_html(POLICY)
    assert sanitize_html(once) == once


@pytest.mark.parametrize("href", [
    "http://example.org/a?b=1&c=2", "https://example.org/", "mailto:a@example.org",
    "/attachments/ab", "../policy/3", "policy.html", "#section-2", "?page=2",
])
def test_allowed_link_targets_are_kept(href):
    clean = sanitize_html(f'<a href="{href}">链接</a>')
    assert 'href="' in clean
    assert 'rel="noopener noreferrer"' in clean


@pytest.mark.parametrize("href", ["ftp://example.org/f", "file:///etc/passwd", "tel:12345"])
def test_other_schemes_lose_their_href(href):
    assert "href" not in sanitize_html(f'<a href="{href}">链接</a>')


def test_every_link_gets_rel_noopener():
    clean = sanitize_html('<a href="https://example.org/" rel="opener" target="_blank">链接</a>')
    assert clean == '<a href="https://example.org/" rel="noopener noreferrer">链接</a>'


@pytest.mark.parametrize("value", ["0", "abc", "2; x", "99999", "-1"])
def test_bad_table_spans_are_dropped(value):
    clean = sanitize_html(f'<table><tbody><tr><td colspan="{value}">格</td></tr></tbody></table>')
    assert "colspan" not in clean and "格" in clean


def test_comments_are_stripped_but_not_reported():
    dirty = "<!--StartFragment--><p>正文</p><!--EndFragment-->"
    assert sanitize_html(dirty) == "<p>正文</p>"
    assert not removed_markup(dirty, sanitize_html(dirty))


def test_cosmetic_differences_are_not_reported():
    dirty = "<P>甲<BR/>乙</P><table><tr><td>格</td></tr></table><a href='/x' rel=nofollow>链</a>"
    assert not removed_markup(dirty, sanitize_html(dirty))


def test_removed_items_names_what_was_dropped():
    dirty = '<p style="color:red">正文<img src="x" onerror="alert(1)"></p>'
    assert removed_items(dirty, sanitize_html(dirty)) == ["img", "img[onerror]", "img[src]", "p[style]"]


def test_escaped_markup_stays_text():
    clean = sanitize_html("<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; a&nbsp;b</p>")
    assert "<script" not in clean
    assert html_to_text(clean) == "<script>alert(1)</script> & a b"


@pytest.mark.parametrize("empty", ["", None])
def test_empty_input(empty):
    assert sanitize_html(empty) == ""
    assert html_to_text(empty) == ""


def test_html_to_text_of_a_small_document():
    html = (
        "<h2>一、招生范围</h2><p>本区户籍&nbsp;适龄儿童。</p>"
        "<ul><li>第一条</li><li>第二条<br>（续）</li></ul>"
        "<table><tr><th>学校</th><th>学位</th></tr><tr><td>实验小学</td><td>120</td></tr></table>"
        "<p>  多   空格\n\t与 &amp; 实体 &#x4E2D;</p>"
    )
    assert html_to_text(html) == (
        "一、招生范围\n本区户籍 适龄儿童。\n第一条\n第二条\n（续）\n"
        "学校 学位\n实验小学 120\n多 空格 与 & 实体 中"
    )


def test_html_to_text_keeps_inline_text_together():
    assert html_to_text("<p>年满<strong>6</strong>周岁，<a href='/x'>详见</a>附件</p>") == "年满6周岁，详见附件"


def test_html_to_text_drops_script_and_style_content():
    assert html_to_text("<p>正文</p><script>var a = 1;</script><style>p{}</style>") == "正文"


def test_html_to_text_has_no_markup_left():
    text = html_to_text(POLICY)
    assert not re.search(r"[<>]", text)
    assert text.splitlines()[0] == "一、招生范围"
    assert "青溪实验小学 一年级 240" in text.splitlines()
