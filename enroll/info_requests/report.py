"""The tables of the yearly disclosure report (政府信息公开工作年度报告), computed from data in the
standard format (国务院办公厅政府信息公开办公室《政府信息公开工作年度报告格式》, 2021).

A request belongs to a year by its local dates: *received* when ``received_on`` is in the year;
*carried over* when received before 1 January and not decided before it; *decided* when
``decided_on`` is in the year; *carried forward* when received by 31 December and not decided by
it. Then received + carried over = decided + carried forward, per requester column and in total,
unless the data is inconsistent (a decision dated before its receipt): :func:`check` says so.

Table 二 counts the revisions of each kind of content published in the year (local time); table
四 (复议/诉讼) is entered by staff and only checked here. No Flask: called by the CLI and services.
"""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import and_, func, or_, select

from enroll.core.clock import LOCAL
from enroll.core.i18n import _l
from enroll.extensions import db
from enroll.info_requests.codes import DECISIONS, REASONS, REQUESTER_KINDS
from enroll.info_requests.models import AnnualReport, InfoRequest
from enroll.review import states
from enroll.review.kinds import KINDS
from enroll.review.models import Revision

MEASURES = ("received", "carried_over", "decided", "carried_forward")
MEASURE_LABELS = {
    "received": _l("一、本年新收政府信息公开申请数量"),
    "carried_over": _l("二、上年结转政府信息公开申请数量"),
    "decided": _l("三、本年度办理结果：（七）总计"),
    "carried_forward": _l("四、结转下年度继续办理"),
}
# 四、行政复议、行政诉讼: three groups of five figures, entered by staff
APPEAL_GROUPS = {
    "review": _l("行政复议"),
    "direct": _l("行政诉讼：未经复议直接起诉"),
    "after_review": _l("行政诉讼：复议后起诉"),
}
APPEAL_PARTS = {"upheld": _l("结果维持"), "corrected": _l("结果纠正"), "other": _l("其他结果"),
                "pending": _l("尚未审结")}
APPEAL_TOTAL_LABEL = _l("总计")
ORDINALS = "一二三四五六七八九十"
# a decision's requests without a recognised sub-reason fall into this one, where the format has a catch-all
CATCH_ALL = {"other": "withdrawn"}


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """1 January of ``year`` and of the next, at local midnight, in UTC."""
    return (datetime(year, 1, 1, tzinfo=LOCAL).astimezone(UTC),
            datetime(year + 1, 1, 1, tzinfo=LOCAL).astimezone(UTC))


def empty_appeals() -> dict:
    return {group: {**{part: 0 for part in APPEAL_PARTS}, "total": 0} for group in APPEAL_GROUPS}


def active_counts(district_id: int | None, year: int) -> dict[str, int]:
    """Table 二: revisions published in the year by kind (``object_type``), every registered kind listed;
    a version withdrawn or superseded since was published all the same."""
    start, end = year_bounds(year)
    query = (select(Revision.object_type, func.count(Revision.id))
             .where(Revision.status.in_((states.PUBLISHED, states.SUPERSEDED, states.WITHDRAWN)),
                    Revision.published_at >= start, Revision.published_at < end)
             .group_by(Revision.object_type))
    if district_id is not None:
        query = query.where(Revision.district_id == district_id)
    counted = dict(db.session.execute(query).all())
    return {name: int(counted.pop(name, 0)) for name in KINDS} | {k: int(v) for k, v in counted.items()}


def _empty_column() -> dict:
    return {**{m: 0 for m in MEASURES},
            "by_decision": {code: {"total": 0, "reasons": {r: 0 for r in REASONS[code]}} for code in DECISIONS}}


def _count(column: dict, measure: str, request: InfoRequest) -> None:
    column[measure] += 1
    if measure != "decided" or request.decision not in DECISIONS:
        return  # an unknown decision stays out of the rows, and check() names the difference
    row = column["by_decision"][request.decision]
    row["total"] += 1
    reason = request.decision_reason if request.decision_reason in row["reasons"] else CATCH_ALL.get(request.decision)
    if reason is not None:
        row["reasons"][reason] += 1


def _measures(request: InfoRequest, first: date, last: date) -> list[str]:
    """Which of the four counts of the year a request is in."""
    decided = request.decided_on
    found = []
    if first <= request.received_on <= last:
        found.append("received")
    if request.received_on < first and (decided is None or decided >= first):
        found.append("carried_over")
    if decided is not None and first <= decided <= last:
        found.append("decided")
    if request.received_on <= last and (decided is None or decided > last):
        found.append("carried_forward")
    return found


def request_counts(district_id: int | None, year: int) -> tuple[dict, int]:
    """Table 三 (every count in total and per requester column) and the fees of the year's decisions."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    received, decided = InfoRequest.received_on, InfoRequest.decided_on
    # every request in one of the counts, and those whose dates contradict each other (check() finds them)
    query = select(InfoRequest).where(or_(
        and_(received >= first, received <= last), and_(decided >= first, decided <= last),
        and_(received < first, or_(decided.is_(None), decided >= first))))
    if district_id is not None:
        query = query.where(InfoRequest.district_id == district_id)
    total, columns, fees = _empty_column(), {kind: _empty_column() for kind in REQUESTER_KINDS}, 0
    for request in db.session.scalars(query.order_by(InfoRequest.id)):
        for measure in _measures(request, first, last):
            _count(total, measure, request)
            if request.requester_kind in columns:
                _count(columns[request.requester_kind], measure, request)
        if request.decided_on is not None and first <= request.decided_on <= last:
            fees += request.fee or 0
    return {**total, "by_requester": columns}, fees


def flat_rows(requests: dict) -> list[tuple[object, list[int]]]:
    """Table 三 as (label, counts per requester column then the total) in the format's order, each
    label whole (``（三）不予公开 1. 属于国家秘密``): for the CLI and reviewers."""
    def cells(pick) -> list[int]:
        return [pick(requests["by_requester"][k]) for k in REQUESTER_KINDS] + [pick(requests)]

    rows = [(MEASURE_LABELS["received"], cells(lambda c: c["received"])),
            (MEASURE_LABELS["carried_over"], cells(lambda c: c["carried_over"]))]
    for i, (code, label) in enumerate(DECISIONS.items()):
        heading = _l("（%(n)s）%(decision)s", n=ORDINALS[i], decision=label)
        if not REASONS[code]:
            rows.append((heading, cells(lambda c, code=code: c["by_decision"][code]["total"])))
        for j, (reason, (reason_label, _basis)) in enumerate(REASONS[code].items(), start=1):
            rows.append((f"{heading} {j}. {reason_label}", cells(
                lambda c, code=code, reason=reason: c["by_decision"][code]["reasons"][reason])))
    rows.append((MEASURE_LABELS["decided"], cells(lambda c: c["decided"])))
    rows.append((MEASURE_LABELS["carried_forward"], cells(lambda c: c["carried_forward"])))
    return rows


def published_appeals(district_id: int | None, year: int) -> dict:
    """Table 四 as published: the district's report, or for the city the sum of every district's."""
    query = select(AnnualReport).where(AnnualReport.year == year, AnnualReport.status == states.PUBLISHED)
    if district_id is not None:
        query = query.where(AnnualReport.district_id == district_id)
    appeals = empty_appeals()
    for report in db.session.scalars(query):
        stored = (report.tables or {}).get("appeals") or {}
        for group, parts in appeals.items():
            for part in parts:
                parts[part] += int((stored.get(group) or {}).get(part) or 0)
    return appeals


def annual_tables(district_id: int | None, year: int, appeals: dict | None = None) -> dict:
    """The report's tables for a district (None: every district, the city's report).

    :param appeals: table 四 as staff entered it; by default what is published for that year.
    :returns: JSON-friendly, every count an integer: ``year``, ``district`` (``{"code", "name"}``,
        None for the city), ``active`` (kind → count), ``requests`` (``received``, ``carried_over``,
        ``decided``, ``carried_forward``, ``by_decision`` {code: {total, reasons}}, ``by_requester``
        {kind: the same counts}), ``fees`` (yuan), ``appeals`` ({group: {upheld, corrected, other,
        pending, total}}).
    """
    from enroll.districts.models import District

    district = db.session.get(District, district_id) if district_id is not None else None
    requests, fees = request_counts(district_id, year)
    return {
        "year": year,
        "district": {"code": district.code, "name": district.name} if district is not None else None,
        "active": active_counts(district_id, year),
        "requests": requests,
        "fees": fees,
        "appeals": appeals if appeals is not None else published_appeals(district_id, year),
    }


def _column_problems(label, column: dict) -> list:
    problems = []
    left = column["received"] + column["carried_over"]
    right = column["decided"] + column["carried_forward"]
    if left != right:
        problems.append(_l(
            "%(column)s：本年新收 %(received)d 件 + 上年结转 %(carried_over)d 件 = %(left)d 件，"
            "不等于办理完结 %(decided)d 件 + 结转下年度 %(carried_forward)d 件 = %(right)d 件。",
            column=label, received=column["received"], carried_over=column["carried_over"], left=left,
            decided=column["decided"], carried_forward=column["carried_forward"], right=right))
    by_decision = column["by_decision"]
    rows = sum(row["total"] for row in by_decision.values())
    if rows != column["decided"]:
        problems.append(_l("%(column)s：各项办理结果之和 %(rows)d 件，不等于办理结果总计 %(decided)d 件。",
                           column=label, rows=rows, decided=column["decided"]))
    for code, row in by_decision.items():
        parts = sum(row["reasons"].values())
        if row["reasons"] and parts != row["total"]:
            problems.append(_l("%(column)s：“%(decision)s”各分项之和 %(parts)d 件，不等于其合计 %(total)d 件。",
                               column=label, decision=DECISIONS[code], parts=parts, total=row["total"]))
    return problems


def check(tables: dict) -> list:
    """The arithmetic problems of the tables, as translated messages naming the numbers (empty when
    all hold): the identity per requester column and in total, the columns adding up to the total,
    the decisions to 办理结果总计, and each 复议/诉讼 total to its parts."""
    requests = tables["requests"]
    problems = []
    for kind, column in requests["by_requester"].items():
        problems += _column_problems(REQUESTER_KINDS.get(kind, kind), column)
    problems += _column_problems(_l("总计"), requests)
    for measure, label in MEASURE_LABELS.items():
        columns = sum(column[measure] for column in requests["by_requester"].values())
        if columns != requests[measure]:
            problems.append(_l("“%(row)s”：各类申请人之和 %(columns)d 件，不等于总计 %(total)d 件。",
                               row=label, columns=columns, total=requests[measure]))
    problems += appeal_problems(tables.get("appeals") or empty_appeals())
    return problems


def appeal_problems(appeals: dict) -> list:
    """Each 复议/诉讼 group whose 总计 is not the sum of its four results."""
    problems = []
    for group, label in APPEAL_GROUPS.items():
        figures = appeals.get(group) or {}
        parts = sum(int(figures.get(part) or 0) for part in APPEAL_PARTS)
        total = int(figures.get("total") or 0)
        if parts != total:
            problems.append(_l("%(group)s：结果维持、结果纠正、其他结果、尚未审结之和为 %(parts)d 件，"
                               "不等于填写的总计 %(total)d 件。", group=label, parts=parts, total=total))
    return problems
