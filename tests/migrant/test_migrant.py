"""Migrant children's requirements and the self-check: route, schools by address, checklist, nothing stored."""
from __future__ import annotations

import json

import pytest
import zoning_steps as steps
from support import DEMO

from enroll.core.errors import Invalid
from enroll.review import content

RULES = json.loads((DEMO / "migrant_2026.json").read_text(encoding="utf-8"))


@pytest.fixture
def published(editor, reviewer):
    from enroll.migrant import services

    revision = services.save_requirement(editor, "990101", 2026, "primary", RULES["primary"])
    content.submit_revision(editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    return revision


@pytest.fixture
def zoned(editor, reviewer):
    """The demo's primary zoning with its text, published, and the gazetteer."""
    from enroll.lookup.gazetteer import import_addresses
    from enroll.zoning import services as zoning

    zoning.import_plan(editor, "990101", 2026, "primary", DEMO / "zones_primary.zip")
    [plan] = steps.import_rules(editor, "990101", 2026, DEMO / "rules_primary.csv")  # into the same draft
    steps.submit_plan(editor, plan.id)
    steps.approve_plan(reviewer, plan.id)
    import_addresses(editor, "990101", DEMO / "addresses.csv")


def check(client, **answers):
    return client.post("/d/990101/2026/migrant/primary", data=answers)


def test_requirements_are_published_through_review(client, editor, reviewer):
    from enroll.migrant import services

    revision = services.save_requirement(editor, "990101", 2026, "primary", RULES["primary"])
    assert client.get("/d/990101/2026/migrant/primary").status_code == 404
    content.submit_revision(editor, revision.id)
    content.approve_revision(reviewer, revision.id)
    page = client.get("/d/990101/2026/migrant/primary").get_data(as_text=True)
    assert "居住证" in page and "连续缴纳社会保险满 12 个月" in page and "出生医学证明" in page
    assert "网上提交申请并上传材料" in page and "0000-86000000" in page


def test_a_family_meeting_every_condition_gets_the_route_schools_and_checklist(client, published, zoned):
    response = check(client, has_permit="yes", insurance_months="18", housing="registered_lease",
                     address="学院路130号")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "符合随迁子女入学条件" in page
    assert "青溪区文澜小学" in page and "青溪区崇文小学" in page  # the multi-school zone of that address
    assert "☐" in page and "预防接种证" in page and "打印材料清单" in page


def test_missing_conditions_are_named_with_the_alternatives(client, published):
    page = check(client, has_permit="no", insurance_months="6", housing="unregistered_lease").get_data(as_text=True)
    assert "暂不符合全部条件" in page and "需要本地居住证" in page
    assert "满 12 个月（您填写了 6 个月）" in page and "住所情况不在认可范围内" in page
    assert "营业执照" in page  # the accepted alternative


def test_nothing_the_parent_enters_is_stored(client, published, zoned, db):
    from enroll.review.models import AuditEvent

    before = db.session.query(AuditEvent).count()
    response = check(client, has_permit="yes", insurance_months="24", housing="own", address="学院路130号（自查甲）")
    assert "青溪区文澜小学" in response.get_data(as_text=True)
    assert db.session.query(AuditEvent).count() == before
    assert "session" not in response.headers.get("Set-Cookie", "")  # not in the cookie either
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            dump = " ".join(str(row) for row in conn.execute(table.select()))
            assert "自查甲" not in dump, table.name


@pytest.mark.parametrize("answers", [
    {"has_permit": "yes", "insurance_months": "abc", "housing": "own"},
    {"has_permit": "yes", "insurance_months": "12", "housing": "castle"},
    {"insurance_months": "12", "housing": "own"},
])
def test_unreadable_answers_get_a_message_not_a_500(client, published, answers):
    response = check(client, **answers)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "自查结果" not in page and 'role="alert"' in page


def test_bad_requirements_are_refused_naming_the_field(editor):
    from enroll.migrant import services

    with pytest.raises(Invalid) as info:
        services.save_requirement(editor, "990101", 2026, "primary", dict(RULES["primary"], housing=[]))
    assert info.value.detail["field"] == "housing"
    with pytest.raises(Invalid) as info:
        services.save_requirement(editor, "990101", 2026, "primary", dict(RULES["primary"], documents=""))
    assert info.value.detail["field"] == "documents"
    with pytest.raises(Invalid) as info:
        services.save_requirement(editor, "990101", 2026, "primary", dict(RULES["primary"], steps="2026-99-01,,x"))
    assert info.value.detail["errors"][0][:2] == (1, "开始")
