"""Reading admission results from tables: the aggregates by route and the optional list of children.

Both come as CSV (UTF-8 or GBK) or as form rows; every problem is reported with its line and
column, and nothing is kept from a table with any error. Before anything else every cell, in
whatever column, is scanned for ID numbers, mobile numbers and e-mail addresses
(``core.privacy``); names are masked here, so a full name never goes further than this module.
"""
from __future__ import annotations

import hashlib
import hmac
import re

from enroll.core.errors import Invalid
from enroll.core.i18n import _l, _n
from enroll.core.privacy import find_personal_data, mask_name
from enroll.core.text import Table, read_csv
from enroll.results.dates import BadDate, parse_date

# route code → label; the order is the order of every table
ROUTES = {
    "in_zone": _l("片区内户籍/房产"),
    "migrant": _l("随迁子女"),
    "priority": _l("政策性照顾"),
    "coordinated": _l("统筹安排"),
    "direct": _l("对口直升"),
    "lottery": _l("电脑派位/摇号"),
    "other": _l("其他"),
}
ROUTE_ALIASES = {
    "片区内户籍/房产": "in_zone", "片区内": "in_zone", "学区内": "in_zone", "户籍": "in_zone", "房产": "in_zone",
    "户籍/房产": "in_zone", "学区生": "in_zone", "随迁子女": "migrant", "随迁": "migrant", "新市民子女": "migrant",
    "政策性照顾": "priority", "优待": "priority", "政策照顾": "priority", "统筹": "coordinated", "统筹安排": "coordinated",
    "直升": "direct", "对口直升": "direct", "派位": "lottery", "摇号": "lottery", "电脑派位": "lottery",
    "电脑派位/摇号": "lottery", "其他": "other",
}
OUTCOMES = {"admitted": _l("录取"), "waiting": _l("候补"), "not_admitted": _l("未录取")}
OUTCOME_ALIASES = {"录取": "admitted", "已录取": "admitted", "候补": "waiting", "待补录": "waiting",
                   "未录取": "not_admitted", "未中签": "not_admitted", "中签": "admitted"}

ROUTE_COLUMNS = {
    "route": ("途径", "招生途径", "类别", "route"),
    "applicants": ("报名人数", "报名数", "applicants"),
    "places": ("计划数", "计划人数", "招生计划", "places"),
    "admitted": ("录取人数", "录取数", "admitted"),
    "note": ("说明", "备注", "note"),
}
LIST_COLUMNS = {
    "application_no": ("申请号", "报名号", "报名编号", "application_no"),
    "name": ("姓名", "学生姓名", "name"),
    "route": ("途径", "招生途径", "route"),
    "outcome": ("结果", "录取结果", "outcome"),
    "rank": ("序号", "排位", "候补序号", "rank"),
    "birth_date": ("出生日期", "birth_date"),
}
COLUMN_LABELS = {"route": _l("途径"), "applicants": _l("报名人数"), "places": _l("计划数"), "admitted": _l("录取人数"),
                 "note": _l("说明"), "application_no": _l("申请号"), "name": _l("姓名"), "outcome": _l("结果"),
                 "rank": _l("序号"), "birth_date": _l("出生日期")}
MAX_COUNT = 100_000
MAX_LIST = 20_000
MAX_NAME = 40  # characters of a name (the column's width)
_APPLICATION_NO = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")

Error = tuple  # (line, column, message)


def refused(filename: str, errors: list[Error]) -> Invalid:
    """The one refusal of a table with errors: nothing from it is kept."""
    return Invalid(_n("%(file)s 有 %(num)d 处错误，未保存任何内容。", len(errors), file=filename), errors=errors)


def _columns(header: list[str], known: dict[str, tuple[str, ...]], required: tuple[str, ...],
             errors: list) -> dict[str, int]:
    """Column key → index, from a header of Chinese or English names (line 1 errors otherwise)."""
    names = {alias.lower(): key for key, aliases in known.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = names.get(cell.replace(" ", "").lower())
        if key is None:
            errors.append((1, cell or str(index + 1), _l("未知的列“%(column)s”，可用的列：%(allowed)s。", column=cell,
                                                         allowed="、".join(a[0] for a in known.values()))))
        elif key in found:
            errors.append((1, cell, _l("列“%(column)s”重复。", column=cell)))
        else:
            found[key] = index
    for key in required:
        if key not in found:
            errors.append((1, str(COLUMN_LABELS[key]), _l("缺少必需的列“%(column)s”。", column=COLUMN_LABELS[key])))
    return found


def scan(table: Table) -> list[Error]:
    """Line-level errors for every cell holding an ID number, mobile number or e-mail address."""
    kinds = {"id_number": _l("身份证号码"), "mobile": _l("手机号码"), "email": _l("电子邮件地址")}
    return [(f.line, f.column, _l("含有%(kind)s：公开的表格中不得出现身份证号、手机号或电子邮件，请删除后重新上传。",
                                  kind=kinds[f.kind])) for f in find_personal_data(table.rows, table.header,
                                                                                 lines=table.lines)]


def route_code(value: str) -> str | None:
    value = (value or "").strip()
    return value if value in ROUTES else ROUTE_ALIASES.get(value.replace(" ", ""))


def _count(value, line: int, column: str, errors: list) -> int | None:
    value = str(value if value is not None else "").strip().replace(",", "")
    if not value:
        errors.append((line, column, _l("请填写数字。")))
    elif not (value.isascii() and value.isdigit()) or int(value) > MAX_COUNT:
        errors.append((line, column, _l("“%(value)s”不是 0 到 %(n)d 之间的整数。", value=value, n=MAX_COUNT)))
    else:
        return int(value)
    return None


def check_routes(rows: list[tuple[int, dict]]) -> list[dict]:
    """Aggregates from (line, {route, applicants, places, admitted, note}) rows.

    :returns: one dict per route, in the order of ``ROUTES``.
    :raises Invalid: with (line, column, message) for every problem: an unknown or repeated route,
        a count that is not a whole number, more admitted than applied, more admitted than places
        without a note saying why.
    """
    errors, seen, out = [], {}, []
    label = {k: str(v) for k, v in COLUMN_LABELS.items()}
    for line, row in rows:
        code = route_code(row.get("route"))
        if code is None:
            errors.append((line, label["route"], _l("未知的招生途径“%(value)s”，可用：%(allowed)s。", value=row.get("route") or "",
                                                    allowed="、".join(str(v) for v in ROUTES.values()))))
            continue
        if code in seen:
            errors.append((line, label["route"], _l("招生途径“%(route)s”与第 %(other)d 行重复。", route=ROUTES[code],
                                                    other=seen[code])))
            continue
        seen[code] = line
        applicants, places, admitted = (_count(row.get(k), line, label[k], errors)
                                        for k in ("applicants", "places", "admitted"))
        note = str(row.get("note") or "").strip()[:500]
        if None in (applicants, places, admitted):
            continue
        if admitted > applicants:
            errors.append((line, label["admitted"], _l("录取人数（%(admitted)d）多于报名人数（%(applicants)d）。",
                                                       admitted=admitted, applicants=applicants)))
        elif admitted > places and not note:
            errors.append((line, label["admitted"], _l("录取人数（%(admitted)d）超过计划数（%(places)d），请在“说明”中写明原因。",
                                                       admitted=admitted, places=places)))
        out.append({"route": code, "applicants": applicants, "places": places, "admitted": admitted, "note": note})
    if not out and not errors:
        errors.append((1, label["route"], _l("至少填写一个招生途径。")))
    if errors:
        raise Invalid(_n("录取结果有 %(num)d 处错误，未保存。", len(errors)), errors=errors)
    order = list(ROUTES)
    return sorted(out, key=lambda r: order.index(r["route"]))


def routes_from_csv(raw: bytes, filename: str) -> list[dict]:
    """Aggregates from a CSV with 途径, 报名人数, 计划数, 录取人数[, 说明]. :raises Invalid: see check_routes."""
    table = read_csv(raw, filename)
    errors = scan(table)
    columns = _columns(table.header, ROUTE_COLUMNS, ("route", "applicants", "places", "admitted"), errors)
    if errors:
        raise refused(filename, errors)
    try:
        return check_routes([(line, {k: _cell(row, i) for k, i in columns.items()}) for line, row in table.numbered()])
    except Invalid as exc:
        raise refused(filename, exc.detail["errors"]) from None


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def check_digest(key: bytes, application_no: str, birth_date: str) -> str:
    """The keyed digest that lets a parent prove they know a child's birth date, without storing it."""
    return hmac.new(key, f"{application_no}\n{birth_date}".encode(), hashlib.sha256).hexdigest()


def parse_birth_date(value: str, line: int, column: str, errors: list) -> str | None:
    """A list's birth date in any form a parent could type it in the own-result check (``dates``)."""
    try:
        return parse_date(value).isoformat()
    except BadDate as exc:
        errors.append((line, column, exc.message))
        return None


def list_from_csv(raw: bytes, filename: str, routes: list[dict], key: bytes) -> list[dict]:
    """A list of children from a CSV keyed by 申请号 and/or 姓名, with 结果 and optional 途径, 序号, 出生日期.

    Names are masked and birth dates replaced by their digest (``check_digest``) before anything
    is returned.

    :param routes: the aggregates the list belongs to (see :func:`check_list`).
    :returns: entries {no, name, route, outcome, rank, _check, _line} in file order.
    :raises Invalid: with every bad line; a duplicate application number names both lines.
    """
    table = read_csv(raw, filename)
    errors = scan(table)
    columns = _columns(table.header, LIST_COLUMNS, ("outcome",), errors)
    if "application_no" not in columns and "name" not in columns and not any(e[0] == 1 for e in errors):
        errors.append((1, str(COLUMN_LABELS["application_no"]), _l("名单至少要有“申请号”或“姓名”一列。")))
    if len(table.rows) > MAX_LIST:
        errors.append((1, "", _l("名单最多 %(n)d 行。", n=MAX_LIST)))
    if errors:
        raise refused(filename, errors)
    seen: dict[str, int] = {}
    entries = []
    label = {k: str(v) for k, v in COLUMN_LABELS.items()}  # translated once, not per row
    for line, row in table.numbered():
        entry = _list_entry(line, {k: _cell(row, i) for k, i in columns.items()}, label, seen, key, errors)
        if entry is not None:
            entries.append(entry)
    if not entries and not errors:
        errors.append((2, "", _l("名单中没有任何一行。")))
    errors += check_list(entries, routes)
    if errors:
        raise refused(filename, sorted(errors, key=lambda e: e[0]))
    return entries


def _list_entry(line: int, cell: dict, label: dict[str, str], seen: dict[str, int], key: bytes,
                errors: list) -> dict | None:
    """One row of a list as an entry (None, with its errors added, when the row is bad).

    :param label: column key → its name in the current language.
    """
    before = len(errors)
    number = cell.get("application_no") or None
    if number is not None:
        _application_no(number, line, label["application_no"], seen, errors)
    elif not cell.get("name"):
        errors.append((line, label["application_no"], _l("每行要有申请号或姓名。")))
    name = mask_name(cell.get("name"))
    if len(name) > MAX_NAME:  # as stored: NFKC can lengthen a name
        errors.append((line, label["name"], _l("姓名最多 %(n)d 个字。", n=MAX_NAME)))
    outcome = cell["outcome"] if cell["outcome"] in OUTCOMES else OUTCOME_ALIASES.get(cell["outcome"])
    if outcome is None:
        errors.append((line, label["outcome"], _l("结果应为“录取”“候补”或“未录取”，不是“%(value)s”。", value=cell["outcome"])))
    route = route_code(cell["route"]) if cell.get("route") else ""
    if route is None:
        errors.append((line, label["route"], _l("未知的招生途径“%(value)s”，可用：%(allowed)s。", value=cell["route"],
                                                allowed="、".join(str(v) for v in ROUTES.values()))))
    rank = _count(cell["rank"], line, label["rank"], errors) if cell.get("rank") else None
    digest = None
    if cell.get("birth_date"):
        if number is None:
            errors.append((line, label["birth_date"], _l("只有带申请号的行才能用出生日期查询。")))
        else:
            born = parse_birth_date(cell["birth_date"], line, label["birth_date"], errors)
            digest = born and check_digest(key, number, born)
    if len(errors) > before:
        return None
    return {"no": number, "name": name, "route": route, "outcome": outcome, "rank": rank,
            "_check": digest, "_line": line}


def _application_no(number: str, line: int, column: str, seen: dict[str, int], errors: list) -> None:
    """Check an application number's form and that no earlier line has it (``seen``: number → line)."""
    if not _APPLICATION_NO.fullmatch(number):
        errors.append((line, column, _l("申请号“%(value)s”只能由字母、数字、- 和 _ 组成（最多 32 个）。", value=number[:40])))
    elif number.upper() in seen:  # parents' checks ignore letter case, so q1 and Q1 are one number
        errors.append((line, column, _l("申请号 %(no)s 与第 %(other)d 行重复。", no=number, other=seen[number.upper()])))
    else:
        seen[number.upper()] = line


def check_list(entries: list[dict], routes: list[dict]) -> list[Error]:
    """A list against its aggregates: every route it names is among them, and no route lists more
    admitted children than its aggregate says. :returns: errors naming the list's lines."""
    label = str(COLUMN_LABELS["route"])
    admitted_of = {r["route"]: r["admitted"] for r in routes}
    counted: dict[str, int] = {}
    errors = []
    for i, entry in enumerate(entries):
        route, line = entry.get("route") or "", entry.get("_line", i + 2)
        if not route:
            continue
        if route not in admitted_of:
            errors.append((line, label, _l("招生途径“%(value)s”不在本校的录取结果中。", value=ROUTES[route])))
        elif entry["outcome"] == "admitted":
            counted[route] = counted.get(route, 0) + 1
            if counted[route] == admitted_of[route] + 1:
                errors.append((line, label, _l("名单中“%(route)s”的录取人数多于录取结果中的 %(n)d 人。",
                                               route=ROUTES[route], n=admitted_of[route])))
    return errors


APPLICANT_COLUMNS = {"application_no": LIST_COLUMNS["application_no"], "name": LIST_COLUMNS["name"]}


def applicants_from_csv(raw: bytes, filename: str) -> list[dict]:
    """A lottery's applicant list: 申请号 (required, unique) and 姓名 (optional, masked here).

    :returns: [{no, name}] sorted by application number. :raises Invalid: with every bad line.
    """
    table = read_csv(raw, filename)
    errors = scan(table)
    columns = _columns(table.header, APPLICANT_COLUMNS, ("application_no",), errors)
    if len(table.rows) > MAX_LIST:
        errors.append((1, "", _l("名单最多 %(n)d 行。", n=MAX_LIST)))
    if errors:
        raise refused(filename, errors)
    column, name_column = str(COLUMN_LABELS["application_no"]), str(COLUMN_LABELS["name"])
    seen: dict[str, int] = {}
    applicants = []
    for line, row in table.numbered():
        number, name = _cell(row, columns["application_no"]), _cell(row, columns["name"]) if "name" in columns else ""
        before = len(errors)
        if number:
            _application_no(number, line, column, seen, errors)
        else:
            errors.append((line, column, _l("缺少申请号。")))
        masked = mask_name(name)
        if len(masked) > MAX_NAME:
            errors.append((line, name_column, _l("姓名最多 %(n)d 个字。", n=MAX_NAME)))
        if len(errors) == before:
            applicants.append({"no": number, "name": masked})
    if not applicants and not errors:
        errors.append((2, column, _l("名单中没有任何一行。")))
    if errors:
        raise refused(filename, errors)
    return sorted(applicants, key=lambda a: a["no"])
