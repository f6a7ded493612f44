"""CLI for reviewable content: policy documents, and the review steps shared by every kind."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from enroll.accounts import services as accounts
from enroll.cli import CLI, _emit, as_option, domain_errors, json_option
from enroll.policies import services as policies
from enroll.review import content, states

content_cli = AppGroup("content", help="审核 (review of published content).")
policies_cli = AppGroup("policies", help="招生政策文件 (policy documents).")


def _revision_dict(revision) -> dict:
    return {"revision": revision.id, "type": revision.object_type, "object": revision.object_id,
            "number": revision.number, "status": revision.status}


@content_cli.command("pending")
@as_option
@json_option
@domain_errors
def content_pending(as_user, as_json):
    """Revisions waiting for this user: in review (reviewers) and drafts (editors)."""
    actor = accounts.get_user(as_user)
    found = content.pending(actor, (states.IN_REVIEW,)) + content.pending(actor, (states.DRAFT,))
    rows = [dict(_revision_dict(f.revision), title=f.kind.title(f.item, f.revision.data)) for f in found]
    _emit(as_json, {"revisions": rows},
          "\n".join(f"#{r['revision']} {r['type']} v{r['number']} {r['status']}: {r['title']}" for r in rows) or "none")


def _step(name: str, service, help_text: str, needs_reason: bool = False):
    @click.argument("revision_id", type=int)
    @as_option
    @json_option
    @domain_errors
    def command(revision_id, as_user, as_json, reason=None):
        actor = accounts.get_user(as_user)
        revision = service(actor, revision_id, *((reason,) if needs_reason else ()), context=CLI)
        _emit(as_json, _revision_dict(revision), f"revision {revision.id}: {revision.status}")
    if needs_reason:
        command = click.option("--reason", required=True)(command)
    content_cli.command(name, help=help_text)(command)


_step("submit", content.submit_revision, "Submit a draft for review.")
_step("recall", content.recall_revision, "Take a revision back from review.")
_step("approve", content.approve_revision, "Approve and publish (the approver never wrote or submitted it).")
_step("reject", content.reject_revision, "Send back to draft with a reason.", needs_reason=True)


@content_cli.command("withdraw")
@click.argument("kind", type=click.Choice(sorted(content.KINDS)))
@click.argument("item_id", type=int)
@click.option("--reason", required=True)
@as_option
@json_option
@domain_errors
def content_withdraw(kind, item_id, reason, as_user, as_json):
    """Take a published item off the public pages (its version history stays)."""
    item = content.withdraw_item(accounts.get_user(as_user), content.KINDS[kind], item_id, reason, context=CLI)
    _emit(as_json, {"type": kind, "object": item.id, "status": item.status}, f"{kind} {item.id}: {item.status}")


@policies_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--district", "district_code", required=True)
@as_option
@json_option
@domain_errors
def policies_import(file, district_code, as_user, as_json):
    """Drafts from a JSON list of documents (with their interpretations); submit them for review next."""
    revisions = policies.import_documents(accounts.get_user(as_user), district_code, file, context=CLI)
    _emit(as_json, {"revisions": [_revision_dict(r) for r in revisions]},
          "\n".join(f"#{r.id} {r.object_type} {r.object_id}: {r.data.get('title')}" for r in revisions))


def register(app) -> None:
    app.cli.add_command(content_cli)
    app.cli.add_command(policies_cli)
