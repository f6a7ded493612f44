"""Two reviewers approving one content revision at the same moment, each in a process of its own
(as two gunicorn workers would): exactly one publishes it, the other is told it changed meanwhile,
and the document has one published version, audited once."""
from __future__ import annotations

import sqlalchemy as sa
import zoning_steps as steps
from policy_data import document
from support import both_databases

from enroll.review import content
from enroll.review.models import AuditEvent, Revision


@both_databases
def test_two_reviewers_approving_a_policy_at_once_publish_it_once(app, db, editor, reviewer, make_user):
    from enroll.policies import services

    make_user("reviewer2", "district_reviewer")
    revision = services.save_document(editor, "990101", document())
    content.submit_revision(editor, revision.id)
    revision_id, item_id = revision.id, revision.object_id
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.remove()
    db.engine.dispose()

    assert steps.approve_in_two_processes(url, revision_id, ("reviewer", "reviewer2")) == ["approved", "conflict"]

    published = db.session.scalars(sa.select(Revision).where(
        Revision.object_type == services.POLICY.name, Revision.object_id == item_id,
        Revision.status == "published")).all()
    assert [r.id for r in published] == [revision_id]
    approvals = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_id == str(revision_id),
                                                               AuditEvent.action.like("%approve%"))).all()
    assert len(approvals) == 1
