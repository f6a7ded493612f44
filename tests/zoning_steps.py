"""Review steps of zoning plans addressed by plan id, as the CLI does: each moves the plan's revision
through the one workflow (enroll.review.content)."""
from __future__ import annotations

from pathlib import Path

from enroll.review import content
from enroll.zoning import services as zoning
from enroll.zoning import texts


def submit_plan(actor, plan_id: int):
    content.submit_revision(actor, zoning.revision_of_plan(actor, plan_id))
    return zoning.get_plan(actor, plan_id)


def approve_plan(actor, plan_id: int):
    content.approve_revision(actor, zoning.revision_of_plan(actor, plan_id))
    return zoning.get_plan(actor, plan_id)


def reject_plan(actor, plan_id: int, reason: str):
    content.reject_revision(actor, zoning.revision_of_plan(actor, plan_id), reason)
    return zoning.get_plan(actor, plan_id)


def recall_plan(actor, plan_id: int):
    content.recall_revision(actor, zoning.revision_of_plan(actor, plan_id))
    return zoning.get_plan(actor, plan_id)


def withdraw_plan(actor, plan_id: int, reason: str = "撤回测试"):
    content.withdraw_item(actor, zoning.ZONING, zoning.zoning_of_published_plan(actor, plan_id).id, reason)
    return zoning.get_plan(actor, plan_id)


def discard_plan(actor, plan_id: int):
    if zoning.get_plan(actor, plan_id).revision_id is None:
        zoning.discard_upload(actor, plan_id)
    else:
        content.discard_revision(actor, zoning.revision_of_plan(actor, plan_id))


def import_rules(actor, code: str, year: int, path, **kwargs):
    """The drafts a rules file went into (one per stage)."""
    path = Path(path)
    return [r.plan for r in texts.import_texts(actor, code, year, path.read_bytes(), filename=path.name, **kwargs)]


def publish(editor, reviewer, plan_id: int):
    submit_plan(editor, plan_id)
    return approve_plan(reviewer, plan_id)


def approve_in_another_process(url: str, username: str, revision_id: int, barrier, results) -> None:
    """Approve in a process of its own; both wait at the barrier just before writing."""
    from sqlalchemy import event

    from enroll.accounts.services import get_user
    from enroll.core.errors import Conflict
    from enroll.extensions import db
    from enroll.review import content

    from support import make_app

    app = make_app(url)
    with app.app_context():
        waited = []

        def wait_once(session, *args):
            if waited:
                return
            waited.append(True)
            try:
                barrier.wait(timeout=1.5)
            except Exception:  # noqa: BLE001 - PostgreSQL's row lock kept the other one waiting
                pass
        event.listen(db.session, "before_flush", wait_once)
        try:
            content.approve_revision(get_user(username), revision_id)
            results.put("approved")
        except Conflict:
            results.put("conflict")


def approve_in_two_processes(url: str, revision_id: int, reviewers: tuple[str, str]) -> list[str]:
    """Two reviewers approve one revision at the same moment, each in a process of its own (as two
    gunicorn workers would); returns their outcomes, sorted ("approved", "conflict")."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=approve_in_another_process, args=(url, name, revision_id, barrier, results))
               for name in reviewers]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    return sorted(results.get(timeout=5) for _ in workers)
