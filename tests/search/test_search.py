"""Site search over everything published, in Chinese (simplified or traditional) and English."""
from __future__ import annotations

import pytest

from policy_data import document, interpretation
from enroll.policies import services as policies
from enroll.review import content
from enroll.search import services


def titles(query, locale="zh_Hans"):
    return [h.title for h in services.search(query, locale).hits]


def test_published_documents_and_interpretations_are_found_by_words_in_their_text(publish):
    publish(document(normative=True), with_interpretation=True)
    assert document()["title"] in titles("招生对象")                     # a heading in the body
    assert interpretation()["title"] in titles("哪些孩子")                # the interpretation's text
    assert document()["title"] in titles("实施细则 适龄儿童")             # every term must match


def test_traditional_characters_find_simplified_text(publish):
    publish()
    assert document()["title"] in titles("適齡兒童")


def test_drafts_and_withdrawn_content_are_never_found(editor, reviewer, publish):
    policies.save_document(editor, "990101", document(title="草稿文件", body="<p>独有词语甲乙</p>"))
    assert titles("独有词语甲乙") == []
    doc_id = publish(document(title="将撤下的文件", body="<p>独有词语丙丁</p>"))
    assert titles("独有词语丙丁") == ["将撤下的文件"]
    content.withdraw_item(reviewer, policies.POLICY, doc_id, "调整")
    assert titles("独有词语丙丁") == []


def test_an_edit_is_found_only_once_approved(editor, reviewer, publish):
    doc_id = publish()
    revision = policies.save_document(editor, "990101", document(body="<p>新增条款戊己</p>"), document_id=doc_id)
    content.submit_revision(editor, revision.id)
    assert titles("新增条款戊己") == []
    content.approve_revision(reviewer, revision.id)
    assert titles("新增条款戊己") == [document()["title"]]
    assert titles("招生对象") == []  # the old text is no longer what is published


def test_english_readers_see_the_english_title(publish):
    publish(document(translations={"en": {"title": "Enrollment Rules 2026", "body": "<p>Who may enroll</p>"}}))
    assert titles("enroll", "en") == ["Enrollment Rules 2026"]
    assert titles("招生对象", "zh_Hans") == [document()["title"]]


def test_schools_are_found_by_name_and_address(district):
    assert "青溪区文澜小学" in titles("文澜小学")
    assert "青溪区崇文小学" in titles("崇文街")


@pytest.mark.parametrize("query, status", [("", 400), ("字" * 101, 400), ("100%_", 200)])
def test_the_page_answers_bad_queries_with_a_message(client, district, query, status):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == status
    if status == 400:
        assert 'role="alert"' in response.get_data(as_text=True)


def test_the_search_page_links_to_the_results(client, publish):
    doc_id = publish()
    page = client.get("/search", query_string={"q": "招生对象"}).get_data(as_text=True)
    assert f'href="/d/990101/policies/{doc_id}"' in page and "找到 1 条结果" in page


def test_every_kind_of_published_content_has_a_public_history(client, editor, reviewer, publish):
    from enroll.timeline import services as timeline

    revision = timeline.save_timeline(editor, "990101", 2026, "2026-05-10,2026-05-20,网上报名\n")
    content.submit_revision(editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    page = client.get(f"/history/timeline/{revision.object_id}").get_data(as_text=True)
    assert "第 1 版" in page and "日程事项" in page
    assert client.get("/history/timeline/999").status_code == 404
    draft = policies.save_document(editor, "990101", document())
    assert client.get(f"/history/policy/{draft.object_id}").status_code == 404  # not published: no history


def test_a_road_name_finds_the_schools_whose_published_text_names_it(editor, reviewer):
    import zoning_steps as steps
    from support import DEMO

    [plan] = steps.import_rules(editor, "990101", 2026, DEMO / "rules_primary.csv")
    assert not [h for h in services.search("学院路").hits if h.endpoint == "public.school" and "划片范围" in h.title]
    steps.publish(editor, reviewer, plan.id)
    hits = [h for h in services.search("学院路").hits if "划片范围" in h.title]
    named = {t.school.name for t in plan.texts if "学院路" in t.text}
    assert named and {h.title.split("：")[0] for h in hits} == named
    assert all("学院路" in h.snippet for h in hits)


def test_a_question_in_plain_words_finds_the_document_that_answers_it(publish):
    publish(document(normative=True), with_interpretation=True)
    # 需要 and 什么 are not searched for: the document holds every other word, not the phrase
    assert document()["title"] in titles("适龄儿童入学需要什么材料")


def test_a_long_question_missing_one_word_is_answered_as_partial(publish):
    publish()
    answer = services.search("适龄儿童 户籍 火星")
    assert answer.partial and document()["title"] in [h.title for h in answer.hits]
    assert services.search("对象 火星").hits == []  # two words: both must be there


def test_titles_rank_above_text_mentions(publish):
    publish(document(title="关于随迁子女入学的通知", body="<p>材料清单</p>"))
    publish(document(title="其他文件", body="<p>随迁子女可以参加。</p>"))
    assert titles("随迁子女") == ["关于随迁子女入学的通知", "其他文件"]


def test_snippets_show_text_a_reader_wrote_never_stored_codes(editor, reviewer):
    from enroll.timeline import services as timeline

    revision = timeline.save_timeline(editor, "990101", 2026, "2026-05-10,2026-05-20,网上报名\n")
    content.submit_revision(editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    [hit] = services.search("网上报名").hits
    assert "网上报名" in hit.snippet and "2026-05-10" not in hit.snippet
    assert services.search("2026-05-10").hits == []  # a stored date is not text


def test_a_markdown_body_is_found_and_shown_as_text(publish):
    publish(document(body=None, body_markdown="## 报名材料\n\n请带好**户口簿**原件。"))
    [hit] = services.search("户口簿").hits
    assert "户口簿" in hit.snippet and "**" not in hit.snippet and "##" not in hit.snippet
