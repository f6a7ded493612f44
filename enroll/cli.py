"""Operators' CLI: every bureau operation of the web, acting as a named user (``--as``), audited."""
from __future__ import annotations

import functools
import json
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from enroll.accounts import services as accounts
from enroll.core.context import Context
from enroll.core.errors import DomainError
from enroll.districts import services as districts
from enroll.lookup import services as lookup
from enroll.lookup.schema import lookup_to_dict
from enroll.review.services import verify_chain
from enroll.schools import services as schools
from enroll.zoning import rules as zoning_rules
from enroll.zoning import services as zoning
from enroll.zoning.messages import annotate

CLI = Context(ip="", channel="cli")

districts_cli = AppGroup("districts", help="区县 (districts).")
schools_cli = AppGroup("schools", help="学校 (schools).")
users_cli = AppGroup("users", help="用户 (users).")
zones_cli = AppGroup("zones", help="划片方案 (zoning plans).")
audit_cli = AppGroup("audit", help="审计日志 (audit log).")
demo_cli = AppGroup("demo", help="演示数据 (demo district).")
addresses_cli = AppGroup("addresses", help="门牌地址库 (gazetteer).")

as_option = click.option("--as", "as_user", required=True, metavar="USERNAME", help="Act as this user (audited).")
json_option = click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")


def _emit(as_json: bool, data: dict, text: str) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str) if as_json else text)


def domain_errors(fn):
    """Turn domain errors into a message on stderr (JSON with ``--json``) and exit status 1."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            detail = {"status": exc.status, "message": str(exc.message)}
            rows = exc.detail.get("errors")
            if rows:
                detail["errors"] = [{"line": line, "field": field, "message": str(msg)} for line, field, msg in rows]
            if kwargs.get("as_json"):
                click.echo(json.dumps({"error": detail}, ensure_ascii=False, indent=2))
            else:
                click.echo(f"错误 / error: {exc.message}", err=True)
                for row in detail.get("errors", []):
                    click.echo(f"  line {row['line']} [{row['field']}]: {row['message']}", err=True)
            sys.exit(1)
    return wrapper


@districts_cli.command("create")
@click.option("--code", required=True, help="6-digit 行政区划代码.")
@click.option("--name", required=True)
@click.option("--boundary", type=click.Path(exists=True, dir_okay=False), help="Boundary file (any zoning format).")
@click.option("--phone", default="")
@click.option("--address", default="")
@as_option
@json_option
@domain_errors
def districts_create(code, name, boundary, phone, address, as_user, as_json):
    """Create a district."""
    district = districts.create_district(accounts.get_user(as_user), code, name, boundary_path=boundary,
                                         phone=phone, address=address, context=CLI)
    _emit(as_json, {"id": district.id, "code": district.code, "name": district.name,
                    "boundary": district.boundary is not None}, f"created district {district.code} {district.name}")


@schools_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--district", "district_code", required=True)
@as_option
@json_option
@domain_errors
def schools_import(file, district_code, as_user, as_json):
    """Import schools from CSV (name, stage, kind, address, lon, lat, phone) or GeoJSON points."""
    result = schools.import_schools(accounts.get_user(as_user), district_code, file, context=CLI)
    _emit(as_json, {"created": result.created, "updated": result.updated},
          f"schools: {result.created} created, {result.updated} updated")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(accounts.ROLES))
@click.option("--district", "district_code")
@click.option("--school", "school_id", type=int, help="School id, for a school_editor.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              envvar="ENROLL_NEW_PASSWORD", help="Or set ENROLL_NEW_PASSWORD.")
@click.option("--as", "as_user", metavar="USERNAME", help="Acting city admin (not needed for the first user).")
@json_option
@domain_errors
def users_create(username, role, district_code, school_id, password, as_user, as_json):
    """Create a user. The very first user may be created without --as."""
    actor = accounts.get_user(as_user) if as_user else None
    user = accounts.create_user(actor, username, role, password, district_code=district_code, school_id=school_id,
                                context=CLI)
    _emit(as_json, {"id": user.id, "username": user.username, "role": user.role,
                    "district": user.district.code if user.district else None, "school": user.school_id},
          f"created user {user.username} ({user.role})")


def _plan_dict(plan) -> dict:
    return {"id": plan.id, "district": plan.district.code, "year": plan.year, "stage": plan.stage,
            "status": plan.status, "version": plan.version, "zones": len(plan.zones),
            "errors": plan.error_count, "warnings": plan.warning_count}


@zones_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--district", "district_code", required=True)
@click.option("--year", required=True, type=int)
@click.option("--stage", required=True, type=click.Choice(zoning.ZONING_STAGES))
@click.option("--crs", help="Source CRS when the file has none, e.g. EPSG:4549.")
@click.option("--gcj02", is_flag=True, help="Coordinates are GCJ-02 (traced on a commercial map).")
@click.option("--school-field", help="Attribute naming the school(s); detected when omitted.")
@as_option
@json_option
@domain_errors
def zones_import(file, district_code, year, stage, crs, gcj02, school_field, as_user, as_json):
    """Import a zoning file as a draft plan and print its validation report. Exit 1 on errors."""
    plan = zoning.import_plan(accounts.get_user(as_user), district_code, year, stage, file, crs=crs,
                              gcj02=gcj02, school_field=school_field, context=CLI)
    findings = annotate(plan.report.get("findings", []))
    data = dict(_plan_dict(plan), stats=plan.report.get("stats", {}), findings=findings)
    lines = [f"plan {plan.id}: {plan.zones and len(plan.zones)} zones, {plan.error_count} errors, "
             f"{plan.warning_count} warnings"]
    lines += [f"  [{f['severity']}] {f['code']} feature={f.get('feature') or '-'} {f['message']}" for f in findings]
    _emit(as_json, data, "\n".join(lines))
    if plan.error_count:
        sys.exit(1)


def transition_command(group, name: str, service, help_text: str, describe, needs_reason: bool = False) -> None:
    """``flask GROUP NAME ID --as USER [--reason TEXT] [--json]`` running ``service(actor, ID, ...)``.

    :param describe: the changed object → (JSON dict, one-line text).
    """
    @click.argument("object_id", type=int)
    @as_option
    @json_option
    @domain_errors
    def command(object_id, as_user, as_json, reason=None):
        actor = accounts.get_user(as_user)
        changed = service(actor, object_id, *((reason,) if needs_reason else ()), context=CLI)
        _emit(as_json, *describe(changed))
    if needs_reason:
        command = click.option("--reason", required=True)(command)
    group.command(name, help=help_text)(command)


def _plan_line(plan) -> tuple[dict, str]:
    return _plan_dict(plan), f"plan {plan.id}: {plan.status}"


transition_command(zones_cli, "submit", zoning.submit_plan, "Submit a draft for review.", _plan_line)
transition_command(zones_cli, "approve", zoning.approve_plan, "Approve and publish (reviewer ≠ uploader).", _plan_line)
transition_command(zones_cli, "reject", zoning.reject_plan, "Send back to draft with a reason.", _plan_line,
                   needs_reason=True)
transition_command(zones_cli, "withdraw", zoning.withdraw_plan, "Recall from review, or unpublish.", _plan_line)


@zones_cli.command("import-rules")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--district", "district_code", required=True)
@click.option("--year", required=True, type=int)
@as_option
@json_option
@domain_errors
def zones_import_rules(file, district_code, year, as_user, as_json):
    """Import the official 划片 text (CSV: 学校, 学段, 划片范围) as new draft plan versions."""
    plans = zoning_rules.import_rules(accounts.get_user(as_user), district_code, year, file, context=CLI)
    data = [dict(_plan_dict(p), rules=len(p.rules), findings=annotate(p.report.get("findings", []))) for p in plans]
    lines = [f"plan {p.id} ({p.stage}): {len(p.rules)} clauses, {p.warning_count} warnings" for p in plans]
    for plan in data:
        lines += [f"  [{f['severity']}] {f['code']} {f['message']}" for f in plan["findings"]]
    _emit(as_json, {"plans": data}, "\n".join(lines))


@zones_cli.command("cross-check")
@click.argument("plan_id", type=int)
@as_option
@json_option
@domain_errors
def zones_cross_check(plan_id, as_user, as_json):
    """Gazetteer addresses whose text school differs from their polygon school, or with neither."""
    report = lookup.cross_check(accounts.get_user(as_user), plan_id)
    data = {"checked": report.checked, "mismatches": report.mismatches, "uncovered": report.uncovered,
            "text_only": report.text_only, "map_only": report.map_only}
    lines = [f"{report.checked} addresses checked: {len(report.mismatches)} mismatches, "
             f"{len(report.uncovered)} covered by neither text nor zone, {report.text_only} by the text only, "
             f"{report.map_only} by the map only"]
    lines += [f"  {m['address']}: text {'、'.join(m['rule']) or '-'} / map {'、'.join(m['zone']) or '-'}"
              for m in report.mismatches[:50]]
    _emit(as_json, data, "\n".join(lines))


@addresses_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--district", "district_code", required=True)
@as_option
@json_option
@domain_errors
def addresses_import(file, district_code, as_user, as_json):
    """Replace a district's gazetteer (CSV: address, lon, lat[, road, number, estate])."""
    count = lookup.import_addresses(accounts.get_user(as_user), district_code, file, context=CLI)
    _emit(as_json, {"addresses": count}, f"{count} addresses imported")


@click.command("lookup")
@click.argument("address")
@click.option("--district", "district_code")
@click.option("--year", type=int)
@click.option("--stage", type=click.Choice(zoning.ZONING_STAGES))
@json_option
@domain_errors
def lookup_command(address, district_code, year, stage, as_json):
    """Which school serves ADDRESS, and why (same answer as /api/v1/lookup)."""
    data = lookup_to_dict(lookup.lookup_address(address, district_code=district_code, year=year, stage=stage,
                                                locator=current_app.config["ZONE_LOCATOR"]))
    lines = [f"{m['school']['name']} ({m['stage']}) — {m['basis']['type']}: {m['basis']['text']}" for m in data["matches"]]
    lines += [f"! {c['code']}: {c['message']}" for c in data["caveats"]]
    _emit(as_json, data, "\n".join(lines))


@zones_cli.command("discard")
@click.argument("plan_id", type=int)
@as_option
@domain_errors
def zones_discard(plan_id, as_user):
    """Delete a draft."""
    zoning.discard_plan(accounts.get_user(as_user), plan_id, context=CLI)
    click.echo(f"plan {plan_id}: discarded")


@zones_cli.command("report")
@click.argument("plan_id", type=int)
@as_option
@json_option
@domain_errors
def zones_report(plan_id, as_user, as_json):
    """Print a plan's validation report."""
    plan = zoning.get_plan(accounts.get_user(as_user), plan_id)
    findings = annotate(plan.report.get("findings", []))
    _emit(as_json, dict(_plan_dict(plan), findings=findings),
          "\n".join(f"[{f['severity']}] {f['code']} {f['message']}" for f in findings) or "no findings")


@audit_cli.command("verify")
@json_option
def audit_verify(as_json):
    """Recompute the audit log's hash chain; exit 1 if it was tampered with."""
    ok, bad_id, count = verify_chain()
    _emit(as_json, {"intact": ok, "first_bad_event": bad_id, "events": count},
          f"audit log intact ({count} events)" if ok else f"audit log TAMPERED at event {bad_id}")
    if not ok:
        sys.exit(1)


@demo_cli.command("load")
@domain_errors
def demo_load():
    """Load the demo district (青溪区) with users, schools and published zoning. Idempotent."""
    from enroll.demo import load_demo

    click.echo(load_demo())


def register(app: Flask) -> None:
    for group in (districts_cli, schools_cli, users_cli, zones_cli, audit_cli, demo_cli, addresses_cli):
        app.cli.add_command(group)
    app.cli.add_command(lookup_command)
