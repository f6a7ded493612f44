"""The audit log is keyed and anchored: whoever can write to the database, but holds neither
ENROLL_AUDIT_KEY nor the anchors kept elsewhere, cannot cut it short, delete or edit a row, or
rewrite the chain without `flask audit verify --anchor` naming the event."""
from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from support import PASSWORD, both_databases

from enroll.core.context import Context
from enroll.review.models import GENESIS, AuditEvent
from enroll.review.services import record

EVENTS = AuditEvent.__table__


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


@contextmanager
def behind_the_triggers(db):
    """A connection of someone with the database owner's rights: the append-only triggers off meanwhile."""
    db.session.commit()  # nothing of the app's session may hold a lock on the table
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
            yield conn
            conn.execute(sa.text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))
        else:
            triggers = conn.execute(sa.text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")).all()
            assert triggers  # the table is append-only to begin with
            for name, _ in triggers:
                conn.execute(sa.text(f"DROP TRIGGER {name}"))
            yield conn
            for _, sql in triggers:
                conn.execute(sa.text(sql))


def rows(conn) -> list[AuditEvent]:
    return [AuditEvent(**row._mapping) for row in conn.execute(sa.select(EVENTS).order_by(EVENTS.c.id))]


def recompute_without_the_key(conn) -> None:
    """What an intruder can do: chain every row again with the published algorithm, lacking the key."""
    prev = GENESIS
    for event in rows(conn):
        event.prev_hash = prev
        prev = event.compute_hash(None)
        conn.execute(EVENTS.update().where(EVENTS.c.id == event.id).values(prev_hash=event.prev_hash, hash=prev))


def more_events(admin, n: int) -> None:
    from enroll.extensions import db

    for i in range(n):
        record(admin, "test.event", "thing", i, context=Context(channel="cli"), detail={"n": i})
    db.session.commit()


@pytest.fixture
def anchored(app, admin, tmp_path):
    """A log of 12 events anchored at its head (event 10) by `flask audit anchor --out`, then 2 more."""
    more_events(admin, 9)  # creating the admin was the first
    anchor = tmp_path / "anchors.jsonl"
    made = run(app, "audit", "anchor", "--out", str(anchor))
    assert made.exit_code == 0, made.output
    more_events(admin, 2)
    return anchor


def verify(app, anchor=None):
    result = run(app, "audit", "verify", "--json", *(["--anchor", str(anchor)] if anchor else []))
    return result.exit_code, json.loads(result.output)


@both_databases
def test_an_intact_log_verifies_against_its_anchor(app, anchored):
    line = json.loads(anchored.read_text().splitlines()[-1])
    assert line["id"] == 10 and len(line["hash"]) == 64 and line["at"]
    status, report = verify(app, anchored)
    assert (status, report["intact"], report["events"], report["anchors"]) == (0, True, 12, 1)


@both_databases
def test_cutting_off_the_newest_events_is_found_by_the_anchor(app, db, anchored):
    with behind_the_triggers(db) as conn:
        conn.execute(EVENTS.delete().where(EVENTS.c.id >= 9))
    assert verify(app)[0] == 0  # what is left is a valid chain: only the anchor shows what is gone
    status, report = verify(app, anchored)
    assert status == 1 and report["first_bad_event"] == 10
    assert [p["code"] for p in report["problems"]] == ["truncated"]
    assert "10" in report["problems"][0]["message"] and "截断" in report["problems"][0]["message"]


@both_databases
def test_an_edited_event_with_the_chain_recomputed_without_the_key_fails(app, db, anchored):
    with behind_the_triggers(db) as conn:
        conn.execute(EVENTS.update().where(EVENTS.c.id == 5).values(actor_name="mallory"))
        recompute_without_the_key(conn)
    status, report = verify(app, anchored)
    assert status == 1
    codes = {p["code"]: p["event"] for p in report["problems"]}
    assert codes["anchor_changed"] == 10  # the anchored head no longer has its hash
    assert codes["unsealed"] == 12  # nor does any event carry the key's HMAC
    plain = run(app, "audit", "verify")
    assert plain.exit_code == 1 and "TAMPERED at event" in plain.output and "HMAC" not in plain.output
    assert "SHA-256" in plain.output


@both_databases
def test_an_edited_event_fails_its_hmac(app, db, anchored):
    with behind_the_triggers(db) as conn:
        conn.execute(EVENTS.update().where(EVENTS.c.id == 5).values(detail={"n": 99}))
    status, report = verify(app, anchored)
    assert status == 1 and [(p["code"], p["event"]) for p in report["problems"]] == [("hash", 5)]
    assert "HMAC" in report["problems"][0]["message"]


@both_databases
def test_recomputing_from_the_edited_event_on_without_the_key_fails_its_hmac(app, db, anchored):
    with behind_the_triggers(db) as conn:
        prev = None
        for event in rows(conn):
            if event.id == 5:
                event.detail = {"n": 99}
            if event.id >= 5:
                event.prev_hash = prev
                event.hash = event.compute_hash(None)
                conn.execute(EVENTS.update().where(EVENTS.c.id == event.id).values(
                    detail=event.detail, prev_hash=event.prev_hash, hash=event.hash))
            prev = event.hash
    status, report = verify(app)
    assert status == 1 and report["first_bad_event"] == 5 and report["problems"][0]["code"] == "hash"


@both_databases
def test_deleting_an_event_in_the_middle_breaks_the_chain_at_the_next(app, db, anchored):
    with behind_the_triggers(db) as conn:
        conn.execute(EVENTS.delete().where(EVENTS.c.id == 6))
    status, report = verify(app, anchored)
    assert status == 1 and [(p["code"], p["event"]) for p in report["problems"]] == [("link", 7)]
    assert "7" in report["problems"][0]["message"] and "5" in report["problems"][0]["message"]


@both_databases
def test_deleting_the_anchored_event_is_named(app, db, anchored):
    with behind_the_triggers(db) as conn:
        conn.execute(EVENTS.delete().where(EVENTS.c.id == 10))
    status, report = verify(app, anchored)
    assert status == 1 and {(p["code"], p["event"]) for p in report["problems"]} == {
        ("link", 11), ("anchor_missing", 10)}


def test_a_log_that_does_not_verify_is_not_anchored(app, db, admin, tmp_path):
    more_events(admin, 2)
    with behind_the_triggers(db) as conn:
        conn.execute(EVENTS.update().where(EVENTS.c.id == 2).values(object_id="x"))
    out = tmp_path / "anchors.jsonl"
    result = run(app, "audit", "anchor", "--out", str(out))
    assert result.exit_code == 1 and "记录 2" in result.output and not out.exists()


def test_an_anchor_file_with_a_bad_line_is_refused_by_line(app, admin, tmp_path):
    anchor = tmp_path / "anchors.jsonl"
    anchor.write_text('{"id": 1, "hash": "' + "a" * 64 + '"}\n\n{"id": "one", "hash": "x"}\n', encoding="utf-8")
    result = run(app, "audit", "verify", "--anchor", str(anchor))
    assert result.exit_code == 1 and "第 3 行" in result.output


def test_a_different_key_fails_every_event(app, admin):
    more_events(admin, 1)
    app.config["AUDIT_KEY"] = "another-key"
    status, report = verify(app)
    assert status == 1 and [p["event"] for p in report["problems"]] == [1, 2]


def write_unkeyed(db, n: int) -> None:
    """Events as a release without ENROLL_AUDIT_KEY wrote them: a plain SHA-256 chain."""
    prev = GENESIS
    for i in range(n):
        event = AuditEvent(at=datetime.now(UTC), actor_name="system", action="old.event", object_type="thing",
                           object_id=str(i), ip="", channel="cli", detail={}, prev_hash=prev)
        event.hash = prev = event.compute_hash(None)
        db.session.add(event)
    db.session.commit()


@both_databases
def test_a_log_from_before_the_key_is_sealed_once_then_keyed(app, db):
    from enroll.accounts.services import create_user

    write_unkeyed(db, 3)
    admin = create_user(None, "admin", "city_admin", PASSWORD)  # events go on unkeyed until the seal
    create_user(admin, "auditor", "auditor", PASSWORD)
    status, report = verify(app)
    assert status == 1 and [(p["code"], p["event"]) for p in report["problems"]] == [("unsealed", 5)]
    assert "flask audit seal" in report["problems"][0]["message"]
    assert run(app, "audit", "seal", "--as", "auditor").exit_code == 1  # city administrators only
    sealed = run(app, "audit", "seal", "--as", "admin", "--json")
    assert sealed.exit_code == 0, sealed.output
    assert json.loads(sealed.output)["unkeyed_events"] == 5
    more_events(admin, 1)
    status, report = verify(app)
    assert (status, report["events"], report["unkeyed_events"]) == (0, 7, 5)
    assert run(app, "audit", "seal", "--as", "admin").exit_code == 1  # once
    with behind_the_triggers(db) as conn:  # an old event edited, the unkeyed part of the chain recomputed
        prev = GENESIS
        for event in rows(conn)[:5]:
            event.object_id = "forged" if event.id == 2 else event.object_id
            event.prev_hash = prev
            prev = event.hash = event.compute_hash(None)
            conn.execute(EVENTS.update().where(EVENTS.c.id == event.id).values(
                object_id=event.object_id, prev_hash=event.prev_hash, hash=event.hash))
    status, report = verify(app)
    assert status == 1 and [(p["code"], p["event"]) for p in report["problems"]] == [("link", 6)]  # the seal


def write_keyed(db, times: list[datetime]) -> None:
    from enroll.extensions import audit_key

    prev = GENESIS
    for i, at in enumerate(times):
        event = AuditEvent(at=at, actor_name="system", action="test.event", object_type="thing", object_id=str(i),
                           ip="", channel="cli", detail={}, prev_hash=prev)
        event.hash = prev = event.compute_hash(audit_key())
        db.session.add(event)
    db.session.commit()


@both_databases
def test_the_public_daily_heads_are_each_days_last_event_in_china(app, db, client, tmp_path):
    write_keyed(db, [datetime(2026, 5, 1, 15, 59, tzinfo=UTC),  # 23:59 on 1 May in China
                     datetime(2026, 5, 1, 16, 1, tzinfo=UTC),  # 00:01 on 2 May
                     datetime(2026, 5, 2, 3, 0, tzinfo=UTC)])
    record(None, "test.event", "thing", "today", context=Context(channel="cli"))
    db.session.commit()
    heads = client.get("/audit/heads.json").get_json()["heads"]
    assert [(h["day"], h["id"], h["complete"]) for h in heads[1:]] == [("2026-05-02", 3, True), ("2026-05-01", 1, True)]
    assert heads[0]["id"] == 4 and heads[0]["complete"] is False
    page = client.get("/audit/heads")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "2026-05-01" in text and heads[1]["hash"] in text and "当天尚未结束" in text
    # anyone's copy of the heads is an anchor file
    copy = tmp_path / "heads.jsonl"
    copy.write_text("\n".join(json.dumps(h) for h in heads), encoding="utf-8")
    assert verify(app, copy)[0] == 0
    with behind_the_triggers(db) as conn:
        conn.execute(EVENTS.delete().where(EVENTS.c.id >= 3))
    status, report = verify(app, copy)
    assert status == 1 and [(p["code"], p["event"]) for p in report["problems"]] == [("truncated", 3), ("truncated", 4)]


def test_public_pages_link_to_the_daily_heads_which_anyone_may_read(client):
    assert 'href="/audit/heads"' in client.get("/").get_data(as_text=True)
    assert client.get("/audit/heads?lang=en").status_code == 200
    assert client.get("/audit/heads.json").get_json() == {"heads": []}
