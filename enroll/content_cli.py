"""CLI for reviewable content: policy documents, school profiles and plans, and the review steps."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from enroll.accounts import services as accounts
from enroll.cli import CLI, _emit, as_option, domain_errors, json_option, schools_cli, transition_command
from enroll.disclosure import services as disclosure
from enroll.policies import services as policies
from enroll.review import content, states
from enroll.schools import profiles as school_profiles
from enroll.timeline import services as timeline

content_cli = AppGroup("content", help="审核 (review of published content).")
policies_cli = AppGroup("policies", help="招生政策文件 (policy documents).")
timeline_cli = AppGroup("timeline", help="招生日程 (admission timeline).")
calendar_cli = AppGroup("calendar", help="工作日日历 (holidays and make-up working days).")


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


def _revision_line(revision) -> tuple[dict, str]:
    return _revision_dict(revision), f"revision {revision.id}: {revision.status}"


for _name, _service, _help, _reason in (
        ("submit", content.submit_revision, "Submit a draft for review.", False),
        ("recall", content.recall_revision, "Take a revision back from review.", False),
        ("approve", content.approve_revision, "Approve and publish (the approver never wrote or submitted it).", False),
        ("reject", content.reject_revision, "Send back to draft with a reason.", True)):
    transition_command(content_cli, _name, _service, _help, _revision_line, needs_reason=_reason)


@content_cli.command("reindex")
@json_option
@domain_errors
def content_reindex(as_json):
    """Recompute the site-search text of every published revision (after an upgrade)."""
    count = content.reindex()
    _emit(as_json, {"revisions": count}, f"{count} published revisions indexed")


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


def _import_command(group, name: str, service, help_text: str):
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--district", "district_code", required=True)
    @as_option
    @json_option
    @domain_errors
    def command(file, district_code, as_user, as_json):
        revisions = service(accounts.get_user(as_user), district_code, file, context=CLI)
        _emit(as_json, {"revisions": [_revision_dict(r) for r in revisions]},
              f"{len(revisions)} drafts; submit them for review with flask content submit")
    group.command(name, help=help_text)(command)


_import_command(schools_cli, "import-feeders", school_profiles.import_feeders,
                "Profile drafts with each primary school's 对口初中 (CSV primary,junior).")
_import_command(schools_cli, "import-plans", school_profiles.import_enrollment_plans,
                "Enrollment plan drafts (CSV school,year,classes,places,notes).")


@timeline_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--district", "district_code", required=True)
@click.option("--year", required=True, type=int)
@as_option
@json_option
@domain_errors
def timeline_import(file, district_code, year, as_user, as_json):
    """A draft timeline from CSV (开始,结束,事项,学段,地点); submit it for review next."""
    revision = timeline.import_timeline(accounts.get_user(as_user), district_code, year, file, context=CLI)
    _emit(as_json, _revision_dict(revision), f"revision {revision.id}: {len(revision.data['steps'])} steps")


@calendar_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@as_option
@json_option
@domain_errors
def calendar_import(file, as_user, as_json):
    """Holidays and make-up working days (CSV date,kind,name); replaces the years the file covers."""
    count = disclosure.import_calendar_file(accounts.get_user(as_user), file, context=CLI)
    _emit(as_json, {"days": count}, f"{count} days")


def register(app) -> None:
    app.cli.add_command(calendar_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(policies_cli)
    app.cli.add_command(timeline_cli)
