"""CLI for the audit log's tamper evidence: verify the keyed chain, anchor its head, seal an old log."""
from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from enroll.accounts import services as accounts
from enroll.cli import CLI, _emit, as_option, domain_errors, json_option
from enroll.core.errors import Invalid
from enroll.core.i18n import _l
from enroll.extensions import audit_key
from enroll.review import audit

audit_cli = AppGroup("audit", help="审计日志 (audit log).")


@audit_cli.command("verify")
@click.option("--anchor", "anchor_file", type=click.Path(exists=True, dir_okay=False),
              help="JSON lines of anchored heads (flask audit anchor --out, or items of /audit/heads.json).")
@json_option
@domain_errors
def audit_verify(anchor_file, as_json):
    """Recompute the audit log's keyed hash chain and compare it with anchored heads.

    Exit status 1, naming each event found wrong, when the log was tampered with: an event edited
    or deleted, the chain recomputed without ENROLL_AUDIT_KEY, or the newest events deleted (an
    anchored event missing).
    """
    anchors = audit.parse_anchors(Path(anchor_file).read_text(encoding="utf-8").splitlines()) if anchor_file else []
    found = audit.verify_log(audit_key(), anchors)
    problems = [{"event": p.event_id, "code": p.code, "message": str(p.message)} for p in found.problems]
    if found.intact:
        text = f"audit log intact ({found.events} events, {found.anchors} anchored heads checked)"
        if found.unkeyed:
            text += f"; the first {found.unkeyed} from before ENROLL_AUDIT_KEY, sealed"
    else:
        text = "\n".join([f"audit log TAMPERED at event {problems[0]['event']}",
                          *(f"  {p['message']}" for p in problems)])
    _emit(as_json, {"intact": found.intact, "first_bad_event": problems[0]["event"] if problems else None,
                    "events": found.events, "unkeyed_events": found.unkeyed, "anchors": found.anchors,
                    "head": found.head.to_dict() if found.head else None, "problems": problems}, text)
    if not found.intact:
        sys.exit(1)


@audit_cli.command("anchor")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, writable=True),
              help="Append the head to this file (JSON lines) instead of printing it.")
@domain_errors
def audit_anchor(out_file):
    """Write the head of the audit log (newest event id, hash, time) as one JSON line.

    The chain is verified first: a log that does not verify is not anchored (exit status 1). Ship the
    file somewhere the database's administrators cannot write, and verify against it with
    flask audit verify --anchor FILE.
    """
    found = audit.verify_log(audit_key())
    if not found.intact:
        raise Invalid(_l("审计日志未通过校验，不能锚定：%(problem)s", problem=found.problems[0].message))
    if found.head is None:
        raise Invalid(_l("审计日志还没有记录，没有可锚定的内容。"))
    line = json.dumps(dict(found.head.to_dict(), anchored_at=datetime.now(UTC).isoformat(timespec="seconds")))
    if out_file:
        with open(out_file, "a", encoding="utf-8") as out:
            out.write(line + "\n")
        click.echo(f"anchored event {found.head.id} to {out_file}")
    else:
        click.echo(line)


@audit_cli.command("seal")
@as_option
@json_option
@domain_errors
def audit_seal(as_user, as_json):
    """Once, after upgrading a database whose log predates ENROLL_AUDIT_KEY: append the first keyed event.

    Its HMAC covers every earlier (unkeyed) event. Refused when there is nothing to seal or the log
    does not verify. Never seal because verify reports unsealed events on a log that was already
    sealed or started keyed: that log was recomputed without the key.
    """
    event = audit.seal_log(accounts.get_user(as_user), key=audit_key(), context=CLI)
    _emit(as_json, {"event": event.id, "unkeyed_events": event.detail["unkeyed_events"]},
          f"sealed {event.detail['unkeyed_events']} events from before ENROLL_AUDIT_KEY with event {event.id}")


def register(app: Flask) -> None:
    app.cli.add_command(audit_cli)
