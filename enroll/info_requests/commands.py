"""``flask requests purge-expired``: delete requesters' personal data after the retention period (run it daily from cron)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

requests_cli = AppGroup("requests", help="政府信息公开申请 (requests for information).")


@requests_cli.command("purge-expired")
@click.option("--days", type=int, default=None,
              help="Retention after the decision, in days (default: ENROLL_REQUEST_RETENTION_DAYS).")
def purge_expired(days):
    """Delete the name, contact, description, reply and identity documents of every request decided
    more than the retention period ago; what the annual report counts stays."""
    from flask import current_app

    from enroll.info_requests import services
    from enroll.info_requests.views import storage

    retention = days if days is not None else current_app.config["REQUEST_RETENTION_DAYS"]
    purged = services.purge_expired(retention, storage())
    click.echo(f"{len(purged)} request(s) purged (decided more than {retention} days ago)"
               + (": " + ", ".join(purged) if purged else ""))


def register(app) -> None:
    app.cli.add_command(requests_cli)
