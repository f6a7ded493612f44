"""The district's yearly disclosure report (政府信息公开工作年度报告) as reviewed content: its tables
are computed from data (``enroll.info_requests.report``) each time the draft is saved, so staff
cannot change a computed count; staff enter table 四 (行政复议、行政诉讼) and the three texts. A draft
whose arithmetic does not hold is kept but cannot be submitted for review; a second person approves
it before it is public (``enroll.review.content``)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from enroll.core import fields
from enroll.core.clock import local_today
from enroll.core.context import Context
from enroll.core.errors import Conflict, Forbidden, Invalid, NotFound
from enroll.core.i18n import _, _l
from enroll.core.security import authorize, can
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.info_requests import report
from enroll.info_requests.codes import REQUESTER_KINDS
from enroll.info_requests.models import AnnualReport
from enroll.review import content, states
from enroll.review.models import Revision

FIRST_YEAR = 2008  # the first year of the 政府信息公开条例
TEXTS = {"overview": _l("一、总体情况"), "problems": _l("五、存在的主要问题及改进情况"),
         "other": _l("六、其他需要报告的事项")}
TEXT_LIMIT = 20_000
APPEAL_LIMIT = 100_000
REPORT_FIELDS = {"overview": TEXTS["overview"], "tables": _l("统计表"), "problems": TEXTS["problems"],
                 "other": TEXTS["other"], "translations": _l("译文")}


def appeal_key(group: str, part: str) -> str:
    """The name of a 复议/诉讼 figure in what staff enter (a form field): ``review_upheld``."""
    return f"{group}_{part}"


def _apply(item: AnnualReport, data: dict) -> None:
    for key in REPORT_FIELDS:
        setattr(item, key, data.get(key) or ({} if key in ("tables", "translations") else ""))


def _title(item: AnnualReport, data: dict):
    return _l("%(district)s %(year)s 年政府信息公开工作年度报告", district=item.district.name, year=item.year)


def _present(key: str, value):
    """The tables as reviewers read them: table 三 row by row per requester column, then the other
    tables' totals (the bureau page draws them in full)."""
    if key != "tables" or not isinstance(value, dict) or "requests" not in value:
        return value
    item, total = _("项目"), _("总计")
    columns = [str(label) for label in REQUESTER_KINDS.values()]

    def row(label, counts=None, figure=None) -> dict:
        return {item: str(label), **dict(zip(columns, counts or [None] * len(columns))),
                total: counts[-1] if counts else figure}

    rows = [row(label, counts) for label, counts in report.flat_rows(value["requests"])]
    rows.append(row(_("主动公开政府信息（条）"), figure=sum((value.get("active") or {}).values())))
    rows.append(row(_("收取费用（元）"), figure=value.get("fees", 0)))
    rows += [row(_("%(group)s：总计", group=label), figure=((value.get("appeals") or {}).get(group) or {}).get(
        "total", 0)) for group, label in report.APPEAL_GROUPS.items()]
    return rows


COMPUTED = ("active", "requests", "fees")


def _before_submit(actor, item: AnnualReport, revision: Revision, context: Context) -> None:
    """A report is ready for review when its tables still are what the data gives (nothing decided
    or published since it was saved) and its arithmetic holds: the problems name the numbers."""
    tables = revision.data.get("tables") or {}
    now = report.annual_tables(item.district_id, item.year, appeals=tables.get("appeals"))
    if any(tables.get(key) != now[key] for key in COMPUTED):
        raise Conflict(_l("保存草稿后数据已有变化（新的申请、答复或发布的信息），统计表已不是最新：请在年度报告页面重新保存草稿后再提交。"))
    problems = report.check(tables)
    if problems:
        raise Conflict(_l("年度报告的统计数字不平衡，不能提交审核：%(problems)s",
                          problems="；".join(str(p) for p in problems)), problems=[str(p) for p in problems])


ANNUAL = content.register(content.ContentKind(
    name="annual_report", model=AnnualReport, permission="disclosure", label=_l("政府信息公开工作年度报告"),
    fields=REPORT_FIELDS, apply=_apply, title=_title, html_fields=(), present=_present,
    before_submit=_before_submit, computed_fields=("tables",),
    edit_endpoint="reports.bureau_annual", edit_args=lambda item: {"code": item.district.code, "year": item.year},
    public_endpoint="reports.annual", public_args=lambda item: {"code": item.district.code, "year": item.year}))


def check_year(year) -> int:
    """A report's year: from 2008 to this year. :raises Invalid:"""
    value = fields.count({"year": year}, "year", _l("年度"), required=True, limit=9999)
    if not FIRST_YEAR <= value <= local_today().year:
        raise Invalid(_l("年度报告的年度应在 %(first)d 年至 %(last)d 年之间。", first=FIRST_YEAR,
                         last=local_today().year), field="year")
    return value


def report_of(district_id: int, year: int) -> AnnualReport | None:
    return db.session.scalar(select(AnnualReport).where(AnnualReport.district_id == district_id,
                                                        AnnualReport.year == year))


def entered_data(entered: dict) -> dict:
    """What staff enter, checked: table 四's figures (blank is 0) and the three texts. :raises Invalid: naming the field."""
    appeals = {}
    for group, group_label in report.APPEAL_GROUPS.items():
        appeals[group] = {}
        for part, part_label in {**report.APPEAL_PARTS, "total": report.APPEAL_TOTAL_LABEL}.items():
            key = appeal_key(group, part)
            label = _l("%(group)s：%(part)s", group=group_label, part=part_label)
            appeals[group][part] = fields.count(entered, key, label, limit=APPEAL_LIMIT) or 0
    texts = {key: fields.text(entered, key, label, limit=TEXT_LIMIT) for key, label in TEXTS.items()}
    return {"appeals": appeals, **texts}


def draft_report(actor, code: str, year, entered: dict, note: str = "", *, context: Context = Context()) -> Revision:
    """Generate the report's tables from data, add what staff entered, and save the draft (a failed
    arithmetic check is kept and shown; it refuses only the submission). Commits.

    :raises Forbidden: without ``disclosure.edit`` in the district. :raises Invalid: a bad figure or
        text, naming the field; a year outside 2008 to this year. :raises Conflict: while in review.
    """
    district = get_district(code)
    authorize(actor, "disclosure.edit", district.id)
    year = check_year(year)
    clean = entered_data(entered)
    tables = report.annual_tables(district.id, year, appeals=clean.pop("appeals"))
    item = report_of(district.id, year)
    if item is None:
        item = AnnualReport(district_id=district.id, district=district, year=year)
        db.session.add(item)
    revision = content.save_draft(actor, ANNUAL, item, {"tables": tables, **clean, "translations": {}}, note,
                                  context=context)
    db.session.commit()
    return revision


def submit_report(actor, code: str, year, entered: dict, note: str = "", *,
                  context: Context = Context()) -> Revision:
    """Save the draft (tables regenerated) and submit it for review. The draft stays saved when the
    submission is refused. :raises Conflict: the arithmetic does not hold (naming the numbers)."""
    revision = draft_report(actor, code, year, entered, note, context=context)
    return content.submit_revision(actor, revision.id, context=context)


@dataclass
class BureauView:
    """What the bureau page shows: the report (None before its first draft), the revision the form
    starts from, the tables as they stand now (regenerated from data) and their problems."""

    district: object
    year: int
    item: AnnualReport | None
    revision: Revision | None
    tables: dict
    problems: list
    editable: bool


def bureau_view(actor, code: str, year) -> BureauView:
    """For the district's editors (who change it) and reviewers (who read the tables in full).

    :raises Forbidden: for anyone else. :raises Invalid: a year out of range."""
    district = get_district(code)
    if not content.can_manage(actor, ANNUAL, district.id):
        raise Forbidden(_l("您没有执行此操作的权限。"), action="disclosure.edit")
    year = check_year(year)
    item = report_of(district.id, year)
    revision = content.current_revision(ANNUAL, item)
    appeals = ((revision.data.get("tables") or {}).get("appeals") if revision else None) or report.empty_appeals()
    tables = report.annual_tables(district.id, year, appeals=appeals)
    return BureauView(district, year, item, revision, tables, report.check(tables),
                      can(actor, "disclosure.edit", district.id))


def form_values(view: BureauView) -> dict:
    """The form's starting values: the current revision's figures and texts."""
    data = view.revision.data if view.revision else {}
    values = {key: data.get(key, "") for key in TEXTS}
    for group, figures in view.tables["appeals"].items():
        for part, n in figures.items():
            values[appeal_key(group, part)] = n
    return values


def published_report(code: str, year: int) -> AnnualReport:
    """The published report of a district and year. :raises NotFound: otherwise."""
    district = get_district(code)
    item = report_of(district.id, year) if isinstance(year, int) else None
    if item is None or item.status != states.PUBLISHED:
        raise NotFound(_l("%(district)s %(year)s 年的年度报告尚未发布。", district=district.name, year=year))
    return item


def published_years(district_id: int) -> list[int]:
    """The years of the district's published reports, latest first."""
    return list(db.session.scalars(select(AnnualReport.year).where(
        AnnualReport.district_id == district_id, AnnualReport.status == states.PUBLISHED)
        .order_by(AnnualReport.year.desc())))
