"""``flask mail send``: tell followers what changed, then send the queued mail (run it from cron)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

mail_cli = AppGroup("mail", help="邮件通知 (mail to followers).")


@mail_cli.command("send")
@click.option("--limit", type=int, default=500, show_default=True, help="At most this many messages this run.")
def mail_send(limit):
    """Queue a message to every follower whose school a newly opened consultation or newly published
    plan changes, then send what is due through ENROLL_SMTP_HOST (failures are retried on later runs)."""
    from enroll.follow import services

    cfg = current_app.config
    queued = services.tell_followers(services.Links(cfg["BASE_URL"], cfg["SECRET_KEY"]))
    if not cfg["SMTP_HOST"]:
        click.echo(f"{queued} queued; ENROLL_SMTP_HOST is not set: nothing sent", err=True)
        raise SystemExit(1)
    sent, failed = services.send_queued(services.Smtp(cfg["SMTP_HOST"], cfg["SMTP_PORT"], cfg["SMTP_USER"],
                                                      cfg["SMTP_PASSWORD"], cfg["SMTP_SECURITY"], cfg["MAIL_FROM"]),
                                        limit=limit)
    click.echo(f"{queued} queued, {sent} sent, {failed} failed (retried later)")
    if failed:
        raise SystemExit(1)


def register(app) -> None:
    app.cli.add_command(mail_cli)
