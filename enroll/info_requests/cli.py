"""``flask report annual``: the yearly disclosure report's tables from data, as text or JSON."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

from enroll.cli import domain_errors
from enroll.core.i18n import _
from enroll.districts.services import get_district
from enroll.info_requests import report
from enroll.info_requests.codes import REQUESTER_KINDS
from enroll.review.kinds import KINDS

report_cli = AppGroup("report", help="政府信息公开工作年度报告 (the yearly disclosure report).")


def _request_lines(requests: dict) -> list[str]:
    """Table 三, one line per row: the total, then each requester column."""
    return [f"  {label}：{counts[-1]}（" + "，".join(f"{REQUESTER_KINDS[k]} {n}" for k, n in zip(REQUESTER_KINDS, counts))
            + "）" for label, counts in report.flat_rows(requests)]


def render_text(tables: dict) -> str:
    """The tables as a reader of the terminal reads them (Chinese labels)."""
    where = tables["district"]["name"] if tables["district"] else _("全市")
    lines = [_("%(where)s %(year)s 年政府信息公开工作年度报告（统计表）", where=where, year=tables["year"]),
             _("二、主动公开政府信息情况")]
    for name, n in tables["active"].items():
        lines.append(f"  {KINDS[name].label if name in KINDS else name}：{n}")
    lines.append(_("三、收到和处理政府信息公开申请情况（总计，括号内按申请人）"))
    lines += _request_lines(tables["requests"])
    lines.append(_("四、政府信息公开行政复议、行政诉讼情况"))
    for group, label in report.APPEAL_GROUPS.items():
        figures = tables["appeals"][group]
        lines.append(f"  {label}：" + "，".join(
            f"{part_label} {figures[part]}" for part, part_label in
            {**report.APPEAL_PARTS, "total": report.APPEAL_TOTAL_LABEL}.items()))
    lines.append(_("收取费用：%(fees)s 元", fees=tables["fees"]))
    return "\n".join(str(line) for line in lines)


@report_cli.command("annual")
@click.option("--year", required=True, type=click.IntRange(1900, 9999))
@click.option("--district", "district_code", help="6-digit district code; without it, every district (the city).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@domain_errors
def report_annual(year, district_code, as_json):
    """The report's tables for YEAR computed from data (复议/诉讼 as published). Exit status 1, with
    the problems on stderr, when the arithmetic check fails (new + carried over = decided + carried forward)."""
    district_id = get_district(district_code).id if district_code else None
    tables = report.annual_tables(district_id, year)
    if as_json:
        click.echo(json.dumps(tables, ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(tables))
    problems = report.check(tables)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        sys.exit(1)


def register(app) -> None:
    app.cli.add_command(report_cli)
