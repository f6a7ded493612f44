"""Messages made below the web layer: plain text when shown, counted with the reader's plural rules."""
from __future__ import annotations

import pytest
from flask import render_template_string
from flask_babel import refresh

from enroll.core.i18n import _l, _n


def shown(app, lang: str, message) -> str:
    with app.test_request_context(f"/?lang={lang}"):
        refresh()  # the locale is cached on the app context the fixture keeps open
        return render_template_string("{{ message }}", message=message)


def test_what_people_typed_or_named_inside_a_message_is_shown_as_text(app):
    message = _l("文件 %(file)s 是空的。", file="<img src=x onerror=alert(1)>.csv")
    assert shown(app, "zh_Hans", message) == "文件 &lt;img src=x onerror=alert(1)&gt;.csv 是空的。"
    assert shown(app, "en", message) == "The file &lt;img src=x onerror=alert(1)&gt;.csv is empty."


@pytest.mark.parametrize("lang, count, expected", [
    ("en", 1, "File a.csv has 1 error; no schools were imported."),
    ("en", 3, "File a.csv has 3 errors; no schools were imported."),
    ("zh_Hans", 1, "文件 a.csv 有 1 处错误，未导入任何学校。"),
    ("zh_Hans", 3, "文件 a.csv 有 3 处错误，未导入任何学校。"),
    ("zh_Hant", 3, "文件 a.csv 有 3 處錯誤，未導入任何學校。"),
])
def test_counts_follow_the_plural_rules_of_the_language(app, lang, count, expected):
    message = _n("文件 %(file)s 有 %(num)d 处错误，未导入任何学校。", count, file="a.csv")
    assert shown(app, lang, message) == expected


def test_a_search_in_english_counts_its_results_in_english(client, publish):
    publish()
    page = client.get("/search?q=入学&lang=en").get_data(as_text=True)
    assert "1 result</h2>" in page
