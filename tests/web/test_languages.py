"""Languages: 繁體中文 pages converted as they leave (text only, public pages only), a switcher that
keeps the page, and a clean fallback for unknown languages."""
from __future__ import annotations

import html
import re

import pytest


def test_a_traditional_page_shows_content_in_traditional_characters_too(client, district):
    page = client.get("/d/990101/?lang=zh_Hant").get_data(as_text=True)
    assert "<h1>青溪區</h1>" in page and "青溪区" not in re.sub(r"<[^>]*>", "", page)
    assert "繁體中文頁面由簡體中文自動轉換，以簡體中文原文為準。" in page
    assert 'lang="zh-Hant"' in page


def test_links_and_form_values_keep_their_stored_text(client, district):
    page = client.get("/lookup?q=学院路130号&lang=zh_Hant").get_data(as_text=True)
    assert 'value="学院路130号"' in page  # what the parent typed, sent back as typed
    assert "q=%E5%AD%A6%E9%99%A2%E8%B7%AF130%E5%8F%B7" in page  # the switcher keeps the query as it was


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_other_languages_are_not_converted(client, district, lang):
    assert "青溪区" in client.get(f"/d/990101/?lang={lang}").get_data(as_text=True)


def test_staff_pages_are_never_converted(client, district, login, editor):
    login(editor)
    page = client.get("/bureau/d/990101/schools/?lang=zh_Hant").get_data(as_text=True)
    assert "青溪区文澜小学" in page and "青溪區文瀾小學" not in page


def test_the_switcher_keeps_the_path_and_query(client, district):
    page = client.get("/search?q=随迁子女&page=2").get_data(as_text=True)
    links = re.findall(r'<a href="([^"]+)" lang="[^"]+" hreflang="([^"]+)"', page)
    assert {hreflang: html.unescape(href) for href, hreflang in links} == {
        "zh-Hant": "/search?q=%E9%9A%8F%E8%BF%81%E5%AD%90%E5%A5%B3&page=2&lang=zh_Hant",
        "en": "/search?q=%E9%9A%8F%E8%BF%81%E5%AD%90%E5%A5%B3&page=2&lang=en"}


def test_switching_language_on_an_own_result_answer_goes_back_to_the_results_page(client):
    response = client.get("/schools/3/results/2026/check?lang=en")
    assert response.status_code == 302 and response.headers["Location"] == "/schools/3/results/2026?lang=en"


@pytest.mark.parametrize("lang", ["xx", "zh_Hant'><script>", ""])
def test_an_unknown_language_falls_back_to_simplified_chinese(client, district, lang):
    response = client.get("/d/990101/", query_string={"lang": lang})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'lang="zh-Hans"' in page and "<h1>青溪区</h1>" in page
    assert "<script>" not in page.split("<body")[1].split("</header>")[0]


def test_the_larger_text_mode_is_kept_in_a_cookie_and_can_be_turned_off(client, district):
    page = client.get("/d/990101/?text=large").get_data(as_text=True)
    assert 'class="large-text"' in page and ">标准字号</a>" in page
    assert 'class="large-text"' in client.get("/schools/1").get_data(as_text=True)  # remembered
    page = client.get("/schools/1?text=normal").get_data(as_text=True)
    assert 'class="large-text"' not in page and ">大字版</a>" in page
