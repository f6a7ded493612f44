"""Operators' CLI: every bureau operation of the web, acting as a named user (``--as``), audited."""
from __future__ import annotations

import functools
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from enroll.accounts import services as accounts
from enroll.accounts.passwords import PasswordPolicy
from enroll.core.context import Context
from enroll.core.errors import DomainError
from enroll.districts import services as districts
from enroll.lookup import gazetteer as lookup_gazetteer
from enroll.lookup import services as lookup
from enroll.lookup.schema import lookup_to_dict
from enroll.review import content
from enroll.schools import services as schools
from enroll.zoning import services as zoning
from enroll.zoning import texts as zoning_texts
from enroll.zoning import years as zoning_years
from enroll.zoning.messages import annotate

CLI = Context(ip="", channel="cli")

districts_cli = AppGroup("districts", help="区县 (districts).")
schools_cli = AppGroup("schools", help="学校 (schools).")
users_cli = AppGroup("users", help="用户 (users).")
zones_cli = AppGroup("zones", help="划片方案 (zoning plans).")
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
@click.option("--name-en", default="", help="English name, shown to English readers.")
@click.option("--crs", help="The boundary file's coordinate system when it names none, e.g. EPSG:4549.")
@as_option
@json_option
@domain_errors
def districts_create(code, name, boundary, phone, address, name_en, crs, as_user, as_json):
    """Create a district."""
    district = districts.create_district(accounts.get_user(as_user), code, name, boundary_path=boundary,
                                         crs=crs, phone=phone, address=address, name_en=name_en, context=CLI)
    _emit(as_json, {"id": district.id, "code": district.code, "name": district.name,
                    "boundary": district.boundary is not None}, f"created district {district.code} {district.name}")


@schools_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--district", "district_code", required=True)
@as_option
@json_option
@domain_errors
def schools_import(file, district_code, as_user, as_json):
    """Import schools from CSV (name, stage, kind, address, phone, website, lon, lat, name_en, address_en;
    or their Chinese headings) or GeoJSON points."""
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
                                password_policy=PasswordPolicy.from_config(current_app.config), context=CLI)
    _emit(as_json, {"id": user.id, "username": user.username, "role": user.role,
                    "district": user.district.code if user.district else None, "school": user.school_id},
          f"created user {user.username} ({user.role})")


def _user_dict(user) -> dict:
    locked = user.locked_until if user.locked_until and user.locked_until > datetime.now(UTC) else None
    return {"id": user.id, "username": user.username, "display_name": user.display_name, "role": user.role,
            "district": user.district.code if user.district else None, "school": user.school_id,
            "active": user.active, "locked_until": locked.isoformat() if locked else None,
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None}


def _user_line(user) -> str:
    data = _user_dict(user)
    status = "inactive" if not data["active"] else f"locked until {data['locked_until']}" if data["locked_until"] \
        else "active"
    return (f"{data['username']}\t{data['role']}\t{data['district'] or '-'}\t{status}\t"
            f"last login {data['last_login_at'] or 'never'}")


@users_cli.command("list")
@as_option
@json_option
@domain_errors
def users_list(as_user, as_json):
    """Every user: role, district, status (active, locked until, inactive), last sign-in."""
    found = accounts.list_users(accounts.get_user(as_user))
    _emit(as_json, {"users": [_user_dict(u) for u in found]}, "\n".join(_user_line(u) for u in found))


def user_command(name: str, service, help_text: str, *options) -> None:
    """``flask users NAME USERNAME [options] --as ADMIN [--json]`` running ``service(actor, user_id, ...)``."""
    @click.argument("username")
    @as_option
    @json_option
    @domain_errors
    def command(username, as_user, as_json, **values):
        actor = accounts.get_user(as_user)
        user = service(actor, accounts.get_user(username).id, *values.values(), context=CLI)
        _emit(as_json, _user_dict(user), _user_line(user))
    for option in options:
        command = option(command)
    users_cli.command(name, help=help_text)(command)


user_command("lock", accounts.lock_user, "No sign-in for --minutes (open sessions go on: deactivate ends them).",
             click.option("--minutes", type=click.IntRange(1, accounts.MAX_LOCK_MINUTES), default=60,
                          show_default=True))
user_command("unlock", accounts.unlock_user, "Lift a lock and forget the failed sign-ins so far.")
user_command("deactivate", accounts.deactivate_user, "No more sign-ins; every session of the user ends now.")
user_command("reactivate", accounts.reactivate_user, "Let a deactivated user sign in again.")


@users_cli.command("set-password")
@click.argument("username")
@as_option
@json_option
@domain_errors
def users_set_password(username, as_user, as_json):
    """Set a user's new password, typed at the prompt (or two lines on standard input, never an
    argument); every session of the user ends."""
    actor = accounts.get_user(as_user)
    user = accounts.managed_user(actor, accounts.get_user(username).id)  # refused before anything is typed
    password = click.prompt("New password", hide_input=True, confirmation_prompt=True, err=True)
    user = accounts.set_password(actor, user.id, password, policy=PasswordPolicy.from_config(current_app.config),
                                 context=CLI)
    _emit(as_json, _user_dict(user), f"new password set for {user.username}; their sessions ended")


def _plan_dict(plan) -> dict:
    return {"id": plan.id, "district": plan.district.code, "year": plan.year, "stage": plan.stage,
            "status": plan.status, "version": plan.version, "revision": plan.revision_id, "zones": len(plan.zones),
            "texts": len(plan.texts), "errors": plan.error_count, "warnings": plan.warning_count}


@zones_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--district", "district_code", required=True)
@click.option("--year", required=True, type=int)
@click.option("--stage", required=True, type=click.Choice(zoning.ZONING_STAGES))
@click.option("--crs", help="Source CRS when the file has none, e.g. EPSG:4549.")
@click.option("--gcj02", is_flag=True, help="Coordinates are GCJ-02 (traced on a commercial map).")
@click.option("--school-field", help="Attribute naming the school(s); detected when omitted.")
@click.option("--note", default="", help="What changed (shown to the reviewer and in the public history).")
@as_option
@json_option
@domain_errors
def zones_import(file, district_code, year, stage, crs, gcj02, school_field, note, as_user, as_json):
    """Validate a zoning file; without errors its polygons go into the scope's draft. Exit 1 on errors."""
    plan = zoning.import_plan(accounts.get_user(as_user), district_code, year, stage, file, crs=crs,
                              gcj02=gcj02, school_field=school_field, note=note,
                              max_file_bytes=current_app.config["MAX_ZONING_FILE_BYTES"], context=CLI)
    findings = annotate(plan.report.get("findings", []))
    data = dict(_plan_dict(plan), stats=plan.report.get("stats", {}), findings=findings)
    counts = f"{plan.error_count} errors, {plan.warning_count} warnings"
    # a file with errors is refused whole: no plan, draft or version is made (its id is null in --json)
    lines = [f"refused, nothing saved: {counts}" if plan.id is None else
             f"plan {plan.id}: {len(plan.zones)} zones, {counts}"]
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


def _plan_step(service):
    """A review step of the one workflow, addressed by plan id (the plan's revision is what moves)."""
    def run(actor, plan_id, *args, context):
        service(actor, zoning.revision_of_plan(actor, plan_id), *args, context=context)
        return zoning.get_plan(actor, plan_id)
    return run


def _plan_line(plan) -> tuple[dict, str]:
    return _plan_dict(plan), f"plan {plan.id}: {plan.status}"


transition_command(zones_cli, "submit", _plan_step(content.submit_revision), "Submit a draft for review.", _plan_line)
transition_command(zones_cli, "recall", _plan_step(content.recall_revision), "Take a plan back from review.",
                   _plan_line)
transition_command(zones_cli, "approve", _plan_step(content.approve_revision),
                   "Approve and publish (the reviewer never wrote or submitted it).", _plan_line)
transition_command(zones_cli, "reject", _plan_step(content.reject_revision), "Send back to draft with a reason.",
                   _plan_line, needs_reason=True)


@zones_cli.command("withdraw")
@click.argument("plan_id", type=int)
@click.option("--reason", required=True)
@as_option
@json_option
@domain_errors
def zones_withdraw(plan_id, reason, as_user, as_json):
    """Take a published plan off the public pages (its history stays)."""
    actor = accounts.get_user(as_user)
    content.withdraw_item(actor, zoning.ZONING, zoning.zoning_of_published_plan(actor, plan_id).id, reason,
                          context=CLI)
    _emit(as_json, *_plan_line(zoning.get_plan(actor, plan_id)))


@zones_cli.command("import-rules")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--district", "district_code", required=True)
@click.option("--year", required=True, type=int)
@click.option("--replace-all", is_flag=True, help="Schools not in the file lose their text (default: they keep it).")
@click.option("--note", default="", help="What changed (shown to the reviewer and in the public history).")
@as_option
@json_option
@domain_errors
def zones_import_rules(file, district_code, year, replace_all, note, as_user, as_json):
    """Put the official 划片 text (CSV: 学校, 学段, 划片范围) of the schools in FILE into each stage's draft."""
    path = Path(file)
    done = zoning_texts.import_texts(accounts.get_user(as_user), district_code, year, path.read_bytes(),
                                     filename=path.name, replace_all=replace_all, note=note, context=CLI)
    data, lines = [], []
    for result in done:
        plan = result.plan
        data.append(dict(_plan_dict(plan), rules=len(plan.rules), updated=result.updated, unchanged=result.unchanged,
                         removed=result.removed, findings=annotate(plan.report.get("findings", []))))
        lines.append(f"plan {plan.id} ({plan.stage}): {result.updated} schools updated, {result.unchanged} unchanged, "
                     f"{result.removed} lost their text; {len(plan.rules)} clauses, {plan.warning_count} warnings")
        lines += [f"  [{f['severity']}] {f['code']} {f['message']}" for f in data[-1]["findings"]]
    _emit(as_json, {"plans": data}, "\n".join(lines))


@zones_cli.command("current-year")
@click.option("--district", "district_code", required=True)
@click.option("--year", type=int, help="The year whose season is open; omit to derive it (ENROLL_SEASON_START).")
@as_option
@json_option
@domain_errors
def zones_current_year(district_code, year, as_user, as_json):
    """Set the district's current enrollment year (public lookups answer for it by default)."""
    district = zoning_years.set_current_year(accounts.get_user(as_user), district_code, year, context=CLI)
    _emit(as_json, {"district": district.code, "current_year": district.current_year},
          f"{district.code}: current year {district.current_year or 'derived'}")


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


@zones_cli.command("diff")
@click.argument("old_id", type=int)
@click.argument("new_id", type=int)
@click.option("--min-area", type=float, default=None, help="Smaller changed areas are not reported (m², default 100).")
@click.option("--min-width", type=float, default=None,
              help="Changed areas nowhere wider than this are slivers, not reported (m, default 10).")
@click.option("--as", "as_user", metavar="USERNAME", help="Staff user who may see drafts (else published plans only).")
@json_option
@domain_errors
def zones_diff(old_id, new_id, min_area, min_width, as_user, as_json):
    """What changes from plan OLD_ID to NEW_ID: areas and addresses that change school, schools, clauses."""
    from enroll.lookup import changes

    actor = accounts.get_user(as_user) if as_user else None
    tolerances = {k: v for k, v in (("min_area_m2", min_area), ("min_width_m", min_width)) if v is not None}
    diff = changes.diff_plans_full(zoning.get_plan(actor, old_id), zoning.get_plan(actor, new_id), **tolerances)
    data = diff.to_json()
    _emit(as_json, data, "\n".join(_diff_lines(data)))


def _diff_lines(data: dict) -> list[str]:
    def names(schools: list[dict]) -> str:
        return "、".join(s["name"] for s in schools) or "-"

    old, new, tol = data["old"], data["new"], data["tolerances"]
    lines = [f"{data['district']['name']} {data['stage']}: plan {old['id']} ({old['year']} v{old['version']}, "
             f"{old['status']}) -> plan {new['id']} ({new['year']} v{new['version']}, {new['status']})",
             f"areas changing school (over {tol['min_area_m2']:g} m², wider than {tol['min_width_m']:g} m): "
             f"{len(data['changed_areas'])}"]
    lines += [f"  {names(a['from_schools'])} -> {names(a['to_schools'])}: {a['area_km2']:.3f} km²"
              for a in data["changed_areas"]]
    addresses = data["addresses"]
    lines.append(f"addresses: {addresses['checked']} checked, {addresses['changed']} change school")
    for pair in addresses["pairs"]:
        places = ", ".join(f"{p['name'] or '-'} {p['count']}" for p in pair["places"][:10])
        lines.append(f"  {names(pair['from_schools'])} -> {names(pair['to_schools'])}: {pair['count']} ({places})")
    lines += [f"schools {key.replace('_', ' ')}: {names(value)}" for key, value in data["schools"].items() if value]
    lines += [f"text of {c['school']['name']}: +{len(c['added'])} -{len(c['removed'])} ~{len(c['changed'])}"
              + (" (reworded)" if c["reworded"] else "") for c in data["clauses"]["schools"]]
    return lines


@addresses_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--district", "district_code", required=True)
@as_option
@json_option
@domain_errors
def addresses_import(file, district_code, as_user, as_json):
    """Replace a district's gazetteer (CSV: address, lon, lat[, road, number, estate])."""
    count = lookup_gazetteer.import_addresses(accounts.get_user(as_user), district_code, file, context=CLI)
    _emit(as_json, {"addresses": count}, f"{count} addresses imported")


def _answer_lines(data: dict) -> list[str]:
    lines = [f"{m['school']['name']} ({m['stage']}) — {m['basis']['type']}: {m['basis']['text']}" for m in data["matches"]]
    return lines + [f"! {c['code']}: {c['message']}" for c in data["caveats"]]


@addresses_cli.command("renormalize")
@click.option("--district", "district_code", required=True)
@as_option
@json_option
@domain_errors
def addresses_renormalize(district_code, as_user, as_json):
    """Parse the gazetteer's addresses again (after an upgrade that changed address normalization)."""
    count = lookup_gazetteer.renormalize_addresses(accounts.get_user(as_user), district_code, context=CLI)
    _emit(as_json, {"changed": count}, f"{count} addresses re-parsed")


@click.command("lookup")
@click.argument("address")
@click.option("--district", "district_code")
@click.option("--year", type=int, help="Default: the district's current enrollment year.")
@click.option("--stage", type=click.Choice(zoning.ZONING_STAGES))
@click.option("--plan", "plan_id", type=int, help="Answer from this plan (a draft too) beside the published answer.")
@click.option("--as", "as_user", metavar="USERNAME", help="Staff user who may see the plan (with --plan).")
@json_option
@domain_errors
def lookup_command(address, district_code, year, stage, plan_id, as_user, as_json):
    """Which school serves ADDRESS, and why (same answer as /api/v1/lookup)."""
    if plan_id is not None:
        if not as_user:
            raise click.UsageError("--plan needs --as USERNAME")
        answer = lookup.lookup_in_plan(accounts.get_user(as_user), plan_id, address)
        draft = lookup_to_dict(answer.draft)
        published = lookup_to_dict(answer.published) if answer.published else None
        lines = [f"plan {plan_id} ({answer.plan.status}):"] + [f"  {line}" for line in _answer_lines(draft)]
        lines += ["published now:"] + ([f"  {line}" for line in _answer_lines(published)] if published else ["  -"])
        _emit(as_json, {"plan": draft, "published": published}, "\n".join(lines))
        return
    cfg = current_app.config
    data = lookup_to_dict(lookup.lookup_address(address, district_code=district_code, year=year, stage=stage,
                                                locator=cfg["ZONE_LOCATOR"], season_start=cfg["SEASON_START"]))
    lines = [f"{data['year']}:"] + _answer_lines(data) if data.get("year") else _answer_lines(data)
    for later in data.get("later", []):
        lines += [f"{later['year']} 年起 / from {later['year']}:"] + [f"  {line}" for line in _answer_lines(later)]
    _emit(as_json, data, "\n".join(lines))


@zones_cli.command("discard")
@click.argument("plan_id", type=int)
@as_option
@domain_errors
def zones_discard(plan_id, as_user):
    """Delete a draft, or an upload that failed validation."""
    actor = accounts.get_user(as_user)
    if zoning.get_plan(actor, plan_id).revision_id is None:
        zoning.discard_upload(actor, plan_id, context=CLI)
    else:
        content.discard_revision(actor, zoning.revision_of_plan(actor, plan_id), context=CLI)
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


@demo_cli.command("load")
@domain_errors
def demo_load():
    """Load the demo district (青溪区) with users, schools and published zoning. Idempotent."""
    from enroll.demo import load_demo

    click.echo(load_demo())


def register(app: Flask) -> None:
    for group in (districts_cli, schools_cli, users_cli, zones_cli, demo_cli, addresses_cli):
        app.cli.add_command(group)
    app.cli.add_command(lookup_command)
