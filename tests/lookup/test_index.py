"""The lookup index is built at worker start and on publication, never inside a parent's lookup."""
from __future__ import annotations

import pytest
import zoning_steps as steps
from support import DEMO, PASSWORD

from enroll.lookup import index
from enroll.zoning import services as zoning

LOOKUPS = [("/api/v1/lookup", {"address": "学院路130号"}), ("/api/v1/lookup", {"lon": "120.2032", "lat": "30.2571"}),
           ("/lookup", {"q": "学院路130号"})]
PARENTS = {"api.lookup", "lookup.page"}  # the endpoints above


@pytest.fixture
def draft(editor):
    plan = zoning.import_plan(editor, "990101", 2026, "primary", DEMO / "zones_primary.zip")
    [with_text] = steps.import_rules(editor, "990101", 2026, DEMO / "rules_primary.csv")
    steps.submit_plan(editor, with_text.id)
    assert plan.id == with_text.id
    return with_text


def lookups(client) -> list[int]:
    return [client.get(path, query_string=params).status_code for path, params in LOOKUPS]


def test_a_warmed_worker_answers_every_lookup_from_its_index(app, client, draft, reviewer):
    steps.approve_plan(reviewer, draft.id)
    index.warm_up(app)
    seen = len(index.builds)
    assert lookups(client) * 3 == [200] * 9
    assert client.get("/api/v1/lookup", query_string={"address": "学院路130号"}).get_json()["matches"]
    assert index.builds[seen:] == []


def test_publication_is_built_by_the_publishing_request_not_by_parents(app, client, draft, reviewer):
    """The reviewer's approval rebuilds the index before its response; the parents' next lookup
    answers from the new plan without building anything."""
    index.warm_up(app)
    assert client.get("/api/v1/lookup", query_string={"address": "学院路130号"}).get_json()["matches"] == []
    seen = len(index.builds)
    staff = app.test_client()
    assert staff.post("/login", data={"username": reviewer.username, "password": PASSWORD}).status_code == 302
    revision = zoning.revision_of_plan(reviewer, draft.id)
    assert staff.post(f"/bureau/revisions/{revision}/approve").status_code == 302
    answer = client.get("/api/v1/lookup", query_string={"address": "学院路130号"}).get_json()
    assert answer["matches"] and answer["year"] == 2026
    assert lookups(client) == [200] * 3
    built = index.builds[seen:]
    assert [(b.reason, b.in_request) for b in built if b.plans_built] == [("this request's commit", "review.act")]
    assert not [b for b in built if b.in_request in PARENTS], built


def test_a_plan_is_not_rebuilt_when_something_else_is_published(app, client, draft, reviewer, publish):
    steps.approve_plan(reviewer, draft.id)
    first = index.current()
    publish()  # a policy document: the zoning is unchanged
    after = index.current()
    assert after.version != first.version and after.indexes[draft.id] is first.indexes[draft.id]


@pytest.mark.postgis
@pytest.mark.parametrize("app", ["postgis"], indirect=True)
def test_the_lookup_reader_reconnects_after_the_server_dropped_it(app, db):
    """Lookups read on a connection of their own (one round trip a read); a server restart or a
    killed backend costs one reconnect, not an error."""
    import sqlalchemy as sa

    from enroll.lookup import gazetteer

    pid = gazetteer.read_scalar("SELECT pg_backend_pid()")
    assert gazetteer.read_scalar("SELECT pg_backend_pid()") == pid  # the same connection again
    other = sa.create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    with other.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    other.dispose()
    assert gazetteer.read_scalar("SELECT 2") == 2
    assert gazetteer.read_scalar("SELECT pg_backend_pid()") != pid
    assert gazetteer.read_scalar("SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction'"
                                 " AND datname = current_database()") == 0
