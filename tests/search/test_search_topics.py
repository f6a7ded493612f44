"""Search as parents use it, on the demo district: topic words find the topic pages first, an
address goes to the lookup's answer."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def demo_client(demo_app):
    return demo_app.test_client()


def topics_of(page: str) -> str:
    assert 'id="topics-heading"' in page, page
    return page.split('id="topics-heading"')[1].split("</section>")[0]


@pytest.mark.parametrize("query", ["随迁子女", "隨遷子女", "migrant children", "自查"])
def test_topic_words_list_the_migrant_page_first(demo_client, query):
    page = demo_client.get("/search", query_string={"q": query}).get_data(as_text=True)
    assert "/migrant/primary" in topics_of(page)


@pytest.mark.parametrize("query, path", [("划片", "/2026/primary/"), ("学区", "/2026/primary/"),
                                         ("school zone", "/2026/primary/"), ("报名时间", "/timeline"),
                                         ("录取结果", "/results"), ("摇号", "/lotteries/"),
                                         ("招生政策", "/policies/")])
def test_topic_words_find_their_topic_page(demo_client, query, path):
    page = demo_client.get("/search", query_string={"q": query}).get_data(as_text=True)
    assert path in topics_of(page)


@pytest.mark.parametrize("query", ["学院路130号", "學院路130號", "青溪区学院路130号"])
def test_an_address_goes_to_the_lookup_answer(demo_client, query):
    response = demo_client.get("/search", query_string={"q": query})
    assert response.status_code == 302 and "/lookup?q=" in response.location
    answer = demo_client.get(response.location).get_data(as_text=True)
    assert "学院路" in answer and 'id="answer"' in answer



def test_a_query_naming_a_district_in_chinese_or_english_keeps_to_it(app, admin, district):
    from enroll.districts.services import create_district, list_districts, update_district
    from enroll.search.topics import _named_in

    create_district(admin, "990102", "西湖区")
    update_district(admin, "990101", {"name": "青溪区", "name_en": "Qingxi District", "phone": "", "address": ""})
    districts = list_districts()
    assert [d.code for d in _named_in("青溪区划片", districts)] == ["990101"]
    assert [d.code for d in _named_in("西湖 划片", districts)] == ["990102"]
    assert [d.code for d in _named_in("qingxi zoning", districts)] == ["990101"]
    assert {d.code for d in _named_in("划片", districts)} == {"990101", "990102"}
