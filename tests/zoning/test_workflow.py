"""Import → report → review → publish, as bureau staff and parents see it."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
import zoning_steps as steps
from support import DEMO, both_databases

from enroll.core.errors import Conflict, Forbidden, Invalid
from enroll.review.models import AuditEvent
from enroll.review.services import verify_chain
from enroll.zoning import services as zoning

PRIMARY = DEMO / "zones_primary.zip"


def publish(editor, reviewer, path=PRIMARY, year=2026, stage="primary"):
    plan = zoning.import_plan(editor, "990101", year, stage, path)
    steps.submit_plan(editor, plan.id)
    return steps.approve_plan(reviewer, plan.id)


@both_databases
def test_demo_zoning_imports_as_a_clean_draft(editor):
    plan = zoning.import_plan(editor, "990101", 2026, "primary", PRIMARY)
    assert plan.status == "draft"
    assert plan.error_count == 0, plan.report["findings"]
    assert plan.report["stats"]["encoding"].upper() in ("GBK", "GB18030")
    assert "4549" in plan.source_crs or "CGCS2000" in plan.source_crs
    multi = [z for z in plan.zones if z.kind == "multi"]
    assert len(multi) == 1 and len(multi[0].schools) == 2
    assert all(z.schools for z in plan.zones)
    # geometries came back from the database as lon/lat in the demo area
    lon, lat = plan.zones[0].geometry.representative_point().coords[0]
    assert 119.9 < lon < 120.5 and 30.0 < lat < 30.5


@both_databases
def test_drafts_and_plans_in_review_are_invisible_to_the_public(client, editor):
    plan = zoning.import_plan(editor, "990101", 2026, "primary", PRIMARY)
    assert client.get("/d/990101/2026/primary/").status_code == 404
    assert client.get("/d/990101/2026/primary/zones.geojson").status_code == 404
    steps.submit_plan(editor, plan.id)
    assert client.get("/d/990101/2026/primary/").status_code == 404
    assert client.get(f"/bureau/plans/{plan.id}").status_code == 302  # to the login page
    page = client.get("/d/990101/").get_data(as_text=True)
    assert "/d/990101/2026/" not in page and "本区尚未发布划片方案。" in page


@both_databases
def test_the_reviewer_must_be_another_person_than_the_uploader(admin, district):
    plan = zoning.import_plan(admin, "990101", 2026, "primary", PRIMARY)
    steps.submit_plan(admin, plan.id)
    with pytest.raises(Conflict):
        steps.approve_plan(admin, plan.id)
    assert zoning.get_plan(admin, plan.id).status == "in_review"


def test_an_editor_cannot_approve_and_a_reviewer_cannot_import(editor, reviewer):
    plan = zoning.import_plan(editor, "990101", 2026, "primary", PRIMARY)
    steps.submit_plan(editor, plan.id)
    with pytest.raises(Forbidden):
        steps.approve_plan(editor, plan.id)
    with pytest.raises(Forbidden):
        zoning.import_plan(reviewer, "990101", 2026, "primary", PRIMARY)


@both_databases
def test_published_plan_is_on_the_public_map_page_with_its_text_list(client, editor, reviewer):
    plan = publish(editor, reviewer)
    page = client.get("/d/990101/2026/primary/").get_data(as_text=True)
    for zone in plan.zones:
        for school in zone.schools:
            assert school.name in page
    assert "多校划片" in page
    geojson = client.get("/d/990101/2026/primary/zones.geojson").get_json()
    assert len(geojson["features"]) == len(plan.zones)
    assert all(f["properties"]["schools"] for f in geojson["features"])


@both_databases
def test_every_transition_is_audited_in_an_intact_chain(editor, reviewer, db):
    plan = publish(editor, reviewer)
    events = db.session.query(AuditEvent).filter(
        ((AuditEvent.object_type == "zoning_plan") & (AuditEvent.object_id == str(plan.id)))
        | ((AuditEvent.object_type == "revision") & (AuditEvent.object_id == str(plan.revision_id)))
    ).order_by(AuditEvent.id).all()
    assert [(e.action, e.actor_name) for e in events] == [
        ("content.save", "editor"), ("zoning.import", "editor"), ("content.submit", "editor"),
        ("content.approve", "reviewer")]
    assert verify_chain()[0] is True


@both_databases
def test_publishing_a_new_version_replaces_the_old_one_and_keeps_other_years(client, editor, reviewer):
    old_year = publish(editor, reviewer, year=2025)
    first = publish(editor, reviewer)
    second = publish(editor, reviewer)
    assert zoning.get_plan(editor, first.id).status == "superseded"
    assert second.version == first.version + 1
    assert zoning.published_plan(second.district_id, 2026, "primary").id == second.id
    assert zoning.published_plan(old_year.district_id, 2025, "primary").id == old_year.id
    assert client.get("/d/990101/2025/primary/").status_code == 200


@both_databases
def test_a_failed_import_changes_nothing_published(client, editor, reviewer, tmp_path):
    publish(editor, reviewer)
    before = client.get("/d/990101/2026/primary/zones.geojson").get_json()
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 this is not a zip file")
    plan = zoning.import_plan(editor, "990101", 2026, "primary", broken)
    assert plan.error_count >= 1 and plan.report["findings"][0]["code"] in ("unreadable", "unsafe_archive")
    assert plan.id is None  # nothing to submit: the refused file left no plan
    assert client.get("/d/990101/2026/primary/zones.geojson").get_json() == before


def test_reject_needs_a_reason_and_returns_the_plan_to_its_author(editor, reviewer):
    plan = zoning.import_plan(editor, "990101", 2026, "primary", PRIMARY)
    steps.submit_plan(editor, plan.id)
    with pytest.raises(Invalid):
        steps.reject_plan(reviewer, plan.id, "  ")
    steps.reject_plan(reviewer, plan.id, "第 3 片区边界与街道不符")
    plan = zoning.get_plan(editor, plan.id)
    assert plan.status == "draft" and plan.revision.reject_reason == "第 3 片区边界与街道不符"


def test_withdrawing_a_published_plan_takes_it_off_the_public_site(client, editor, reviewer):
    plan = publish(editor, reviewer)
    steps.withdraw_plan(reviewer, plan.id)
    assert client.get("/d/990101/2026/primary/").status_code == 404


def test_illegal_transitions_are_conflicts(editor, reviewer):
    plan = publish(editor, reviewer)
    with pytest.raises(Conflict):
        steps.submit_plan(editor, plan.id)
    with pytest.raises(Conflict):
        steps.discard_plan(editor, plan.id)


@both_databases
def test_audit_log_is_append_only_and_tampering_is_detected(editor, db):
    zoning.import_plan(editor, "990101", 2026, "primary", PRIMARY)
    event = db.session.query(AuditEvent).order_by(AuditEvent.id.desc()).first()
    event.detail = {"forged": True}
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    # even below the ORM the database refuses the change
    with pytest.raises(sa.exc.DBAPIError):
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE audit_events SET actor_name = 'mallory'"))
    assert verify_chain()[0] is True


@pytest.mark.postgis
@pytest.mark.parametrize("app", ["postgis"], indirect=True)
def test_audit_chain_verifies_whatever_the_database_time_zone(editor, db):
    zoning.import_plan(editor, "990101", 2026, "primary", PRIMARY)
    db.session.commit()
    db.session.execute(sa.text("SET TIME ZONE 'Asia/Shanghai'"))
    db.session.expire_all()
    assert verify_chain()[0] is True
