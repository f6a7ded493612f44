"""Government-site conventions: every public page names the site and its column in the metadata,
an article page its title, first publication date and source; the footer carries the site's
registration numbers when configured."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest


def metadata(page: str) -> dict[str, str]:
    return dict(re.findall(r'<meta name="([A-Za-z]+)" content="([^"]*)">', page))


@pytest.mark.parametrize("path, column", [
    ("/", "首页"), ("/d/990101/", "区县招生信息"), ("/lookup", "查询对口学校"), ("/search?q=划片", "站内搜索"),
    ("/d/990101/policies/", "招生政策"), ("/d/990101/2026/disclosure", "信息公开目录"),
    ("/d/990101/2026/results", "录取结果")])
def test_every_public_page_names_its_site_and_column(demo, path, column):
    meta = metadata(demo.test_client().get(path).get_data(as_text=True))
    assert meta["SiteName"] == "义务教育招生信息公开" and meta["SiteDomain"] == "localhost"
    assert meta["ColumnName"] == column


def test_an_article_carries_its_title_first_publication_and_source(demo):
    from enroll.policies.services import public_document

    doc = public_document("990101", 2)
    meta = metadata(demo.test_client().get("/d/990101/policies/2").get_data(as_text=True))
    assert meta["ColumnName"] == "招生政策" and meta["ArticleTitle"] == doc.title
    local = doc.first_published_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo("Asia/Shanghai"))
    assert meta["PubDate"] == local.strftime("%Y-%m-%d %H:%M")  # local time, the format of the guideline
    assert meta["ContentSource"] == doc.issuer


@pytest.mark.parametrize("path, column", [("/d/990101/2026/primary/", "招生划片"), ("/schools/1/results/2026", "录取结果"),
                                          ("/d/990101/2026/migrant/primary", "随迁子女入学"),
                                          ("/d/990101/2026/timeline", "招生日程"), ("/lotteries/1", "录取结果")])
def test_other_articles_have_a_title_and_a_date(demo, path, column):
    meta = metadata(demo.test_client().get(path).get_data(as_text=True))
    assert meta["ColumnName"] == column and meta["ArticleTitle"] and meta["ContentSource"]
    assert datetime.strptime(meta["PubDate"], "%Y-%m-%d %H:%M")


def test_metadata_follows_the_language(demo):
    meta = metadata(demo.test_client().get("/d/990101/policies/?lang=en").get_data(as_text=True))
    assert meta["ColumnName"] == "Admission policy" and meta["SiteName"] != "义务教育招生信息公开"


def test_the_footer_shows_the_sites_owner_and_registration_numbers(demo):
    demo.config.update(SITE_NAME="江城市青溪区义务教育招生平台", SITE_OWNER="江城市青溪区教育局",
                       SITE_ID_CODE="9901010001", SITE_ICP="某ICP备00000000号")
    try:
        page = demo.test_client().get("/").get_data(as_text=True)
    finally:
        demo.config.update(SITE_NAME="", SITE_OWNER="", SITE_ID_CODE="", SITE_ICP="")
    footer = page[page.index('<footer'):]
    assert "主办单位：江城市青溪区教育局" in footer and "网站标识码：9901010001" in footer and "某ICP备00000000号" in footer
    meta = metadata(page)
    assert meta["SiteName"] == "江城市青溪区义务教育招生平台" and meta["SiteIDCode"] == "9901010001"
    assert "<title>区县 — 江城市青溪区义务教育招生平台</title>" in page
