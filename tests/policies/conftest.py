"""Policy fixtures: documents in each state, written by the district editor."""
from __future__ import annotations

import pytest

from policy_data import document, interpretation

@pytest.fixture
def publish(editor, reviewer):
    """Draft, submit and approve a document; returns its id."""
    from enroll.policies import services
    from enroll.review import content

    def run(data=None, *, with_interpretation=False) -> int:
        revision = services.save_document(editor, "990101", data or document())
        if with_interpretation:
            ri = services.save_interpretation(editor, revision.object_id, interpretation())
            content.submit_revision(editor, ri.id)
        content.submit_revision(editor, revision.id)
        content.approve_revision(reviewer, revision.id)
        return revision.object_id
    return run
