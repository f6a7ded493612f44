"""English beside the Chinese in migrant children's requirements: the document checklist line by
line (``名称：说明 | Name: note``), the steps in two more columns, the alternatives and the office in
fields of their own; reviewed with the Chinese, shown to English readers field by field, and
Chinese (marked zh-Hans) where a field has none."""
from __future__ import annotations

import json

from support import DEMO
from web_review import page_as, publish_over_the_web
from enroll.migrant import services

RULES = json.loads((DEMO / "migrant_2026.json").read_text(encoding="utf-8"))["primary"]
DOCUMENTS = ("居住证：监护人本人有效期内的本地居住证 | Residence permit: the guardian's valid local residence permit\n"
             "户口簿：儿童及监护人户口簿原件及复印件 ｜ Household register\n"
             "预防接种证：儿童的预防接种证（查验）")
STEPS = ("2026-05-10,2026-05-25,网上提交申请并上传材料,,江城市义务教育入学服务平台,Apply online and upload the documents\n"
         "2026-06-01,2026-06-10,材料审核,,各街道社区服务中心\n")
FORM = {"permit_required": "y", "insurance_months": "12", "housing": ["own", "registered_lease"],
        "documents": DOCUMENTS, "alternatives": RULES["alternatives"], "steps": STEPS, "office": RULES["office"],
        "en_office": "Enrollment office of the Qingxi District Education Bureau, 1 Wenlan Road", "en_alternatives": ""}


def published_over_the_web(app, editor, reviewer) -> str:
    """Saved on the bureau form, submitted, read and approved by the reviewer: the review page."""
    return publish_over_the_web(app, editor, reviewer, "/bureau/d/990101/migrant/2026/primary", FORM)


def test_documents_carry_their_english_and_are_edited_again_as_the_same_lines():
    documents = services.parse_documents(DOCUMENTS)
    assert documents[0] == {"name": "居住证", "note": "监护人本人有效期内的本地居住证", "translations": {
        "en": {"name": "Residence permit", "note": "the guardian's valid local residence permit"}}}
    assert documents[1]["translations"] == {"en": {"name": "Household register"}}  # full-width bar too
    assert "translations" not in documents[2]
    assert services.parse_documents(services.documents_to_text(documents)) == documents


def test_the_reviewer_reads_the_english_beside_the_chinese(app, editor, reviewer):
    review = published_over_the_web(app, editor, reviewer)
    assert "英文名称" in review and "Residence permit" in review and "the guardian&#39;s valid" in review
    assert "英文事项" in review and "Apply online and upload the documents" in review
    assert "Enrollment office of the Qingxi District Education Bureau" in review  # the rules' own 译文


def test_the_bureau_form_shows_the_english_again(app, editor, reviewer):
    published_over_the_web(app, editor, reviewer)
    form = page_as(app, editor, "/bureau/d/990101/migrant/2026/primary")
    assert "居住证：监护人本人有效期内的本地居住证 | Residence permit: the guardian&#39;s valid" in form
    assert "网上提交申请并上传材料,,江城市义务教育入学服务平台,Apply online and upload the documents," in form
    assert "Enrollment office of the Qingxi District Education Bureau, 1 Wenlan Road</textarea>" in form


def test_english_readers_read_the_english_and_chinese_marked_where_there_is_none(app, client, editor, reviewer):
    published_over_the_web(app, editor, reviewer)
    page = client.get("/d/990101/2026/migrant/primary?lang=en").get_data(as_text=True)
    assert '<strong lang="en">Residence permit</strong>: <span lang="en">the guardian&#39;s valid' in page
    assert '<strong lang="en">Household register</strong>：<span lang="zh-Hans">儿童及监护人户口簿原件及复印件</span>' in page
    assert '<strong lang="zh-Hans">预防接种证</strong>' in page
    assert '<td lang="en">Apply online and upload the documents</td>' in page and '<td lang="zh-Hans">材料审核</td>' in page
    assert '<p lang="en">Enrollment office of the Qingxi District Education Bureau' in page
    assert f'<p lang="zh-Hans">{RULES["alternatives"]}</p>' in page  # no English given
    assert page.count('class="note chinese-only"') == 1


def test_the_english_checklist_of_the_self_check(app, client, editor, reviewer):
    published_over_the_web(app, editor, reviewer)
    page = client.post("/d/990101/2026/migrant/primary?lang=en", data={
        "has_permit": "yes", "insurance_months": "18", "housing": "own"}).get_data(as_text=True)
    checklist = page.split('class="checklist"')[1].split("</ol>")[0]
    assert '<strong lang="en">Residence permit</strong>' in checklist
    assert '<strong lang="zh-Hans">预防接种证</strong>' in checklist


def test_chinese_readers_read_only_the_chinese(app, client, editor, reviewer):
    published_over_the_web(app, editor, reviewer)
    page = client.get("/d/990101/2026/migrant/primary?lang=zh_Hans").get_data(as_text=True)
    assert '<strong lang="zh-Hans">居住证</strong>' in page and "Residence permit" not in page
    assert "Enrollment office" not in page and "chinese-only" not in page


def test_requirements_without_english_store_no_translations(editor):
    revision = services.save_requirement(editor, "990101", 2026, "primary", RULES)
    assert "translations" not in revision.data
    assert not any("translations" in d for d in revision.data["documents"] + revision.data["steps"])
