"""CLI for admission results and lotteries: import, expire, draw, verify."""
from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from enroll.accounts import services as accounts
from enroll.cli import CLI, _emit, as_option, domain_errors, json_option
from enroll.content_cli import _revision_dict
from enroll.core.errors import Invalid
from enroll.core.i18n import _l
from enroll.results import expiry, lotteries
from enroll.results import services as results

results_cli = AppGroup("results", help="录取结果 (admission results).")
lottery_cli = AppGroup("lottery", help="摇号 (verifiable lotteries).")


def _upload(path: str | None) -> results.Upload | None:
    return results.Upload(Path(path).read_bytes(), Path(path).name) if path else None


def check_key() -> bytes:
    return current_app.config["RESULTS_KEY"].encode()


def notice() -> timedelta:
    return timedelta(hours=current_app.config["LOTTERY_NOTICE_HOURS"])


@results_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--school", "school_id", required=True, type=int)
@click.option("--year", required=True, type=int)
@click.option("--list", "list_file", type=click.Path(exists=True, dir_okay=False),
              help="CSV list of children: 申请号 and/or 姓名, 结果[, 途径, 序号, 出生日期].")
@click.option("--public-until", help="Last day the list is public (YYYY-MM-DD); needed with --list.")
@click.option("--notice-until", help="Last day of the 公示期 (YYYY-MM-DD).")
@click.option("--private-list", is_flag=True, help="Do not show the list; parents only check their own child.")
@click.option("--notes", default="", help="说明 shown with the result.")
@as_option
@json_option
@domain_errors
def results_import(file, school_id, year, list_file, public_until, notice_until, private_list, notes, as_user, as_json):
    """A draft admission result from FILE (CSV: 途径,报名人数,计划数,录取人数[,说明]); submit it next.

    Exit status 1, with every bad line, when the file is refused; nothing is saved then.
    """
    revision = results.save_result(
        accounts.get_user(as_user), school_id, year,
        {"notes": notes, "list_public": not private_list, "notice_until": notice_until, "public_until": public_until},
        check_key=check_key(), routes_file=_upload(file), list_file=_upload(list_file), context=CLI)
    data = dict(_revision_dict(revision), routes=revision.data["routes"], list=len(revision.data["list"]))
    _emit(as_json, data, f"revision {revision.id}: {len(revision.data['routes'])} routes, "
                         f"{len(revision.data['list'])} list entries; submit it with flask content submit {revision.id}")


@results_cli.command("purge-expired")
@json_option
@domain_errors
def results_purge_expired(as_json):
    """Unpublish expired lists and delete their personal fields (safe to run from cron, any number of times)."""
    purged = expiry.purge_expired()
    _emit(as_json, {"results": purged.results, "entries": purged.entries, "lotteries": purged.lotteries,
                    "revisions": purged.revisions},
          f"purged {len(purged.results)} result lists ({purged.entries} entries), {len(purged.lotteries)} lottery "
          f"lists, {purged.revisions} revisions")


@lottery_cli.command("create")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--school", "school_id", required=True, type=int)
@click.option("--year", required=True, type=int)
@click.option("--places", required=True, type=int)
@click.option("--draw-at", required=True, help="Local date and time of the draw, YYYY-MM-DDTHH:MM.")
@click.option("--public-until", required=True, help="Last day the applicant list is public (YYYY-MM-DD).")
@as_option
@json_option
@domain_errors
def lottery_create(file, school_id, year, places, draw_at, public_until, as_user, as_json):
    """A draft lottery from an applicant list (CSV: 申请号[,姓名]) and its hash; the draw at least
    ENROLL_LOTTERY_NOTICE_HOURS ahead. Publishing it makes the seed and its commitment."""
    revision = lotteries.save_lottery(accounts.get_user(as_user), school_id, year,
                                      {"places": places, "draw_at": draw_at, "public_until": public_until},
                                      applicants_file=_upload(file), min_notice=notice(), context=CLI)
    _emit(as_json, dict(_revision_dict(revision), list_hash=revision.data["list_hash"]),
          f"revision {revision.id}: {len(revision.data['applicants'])} applications, "
          f"list hash {revision.data['list_hash']}; the seed commitment is made when a reviewer publishes it")


@lottery_cli.command("draw")
@click.argument("lottery_id", type=int)
@as_option
@json_option
@domain_errors
def lottery_draw(lottery_id, as_user, as_json):
    """Reveal the seed and draw; the result goes to review."""
    revision = lotteries.draw(accounts.get_user(as_user), lottery_id, context=CLI)
    _emit(as_json, dict(_revision_dict(revision), seed=revision.data["seed"], order=revision.data["order"]),
          f"revision {revision.id}: drawn with seed {revision.data['seed']}, in review")


@lottery_cli.command("verify")
@click.argument("lottery_id", type=int, required=False)
@click.option("--file", "document", type=click.Path(exists=True, dir_okay=False),
              help="A lottery's published JSON (/lotteries/ID.json) instead of the database.")
@json_option
@domain_errors
def lottery_verify(lottery_id, document, as_json):
    """Re-run a published draw and check list, seed and order; exit status 1 unless all three hold."""
    if document:
        check = lotteries.verify_document(lotteries.read_document(Path(document).read_bytes(), Path(document).name))
    elif lottery_id is not None:
        check = lotteries.verify_published(lotteries.published_lottery(lottery_id))
        if check is None:
            raise Invalid(_l("该摇号尚未开奖，或名单已过公开期限：请用 --file 验证当时保存的 JSON。"))
    else:
        raise click.UsageError("give a LOTTERY_ID or --file")
    parts = {"list_matches": check.list_matches, "seed_matches": check.seed_matches,
             "order_matches": check.order_matches}
    _emit(as_json, dict(parts, ok=check.ok), "\n".join(f"{'ok ' if v else 'FAIL'} {k}" for k, v in parts.items())
          + ("\nverified" if check.ok else "\nNOT verified"))
    if not check.ok:
        sys.exit(1)


def register(app) -> None:
    app.cli.add_command(results_cli)
    app.cli.add_command(lottery_cli)
