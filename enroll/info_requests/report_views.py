"""The yearly disclosure report's pages: the bureau's (the tables generated from data, their check,
复议/诉讼 and the three texts entered, save and submit) and the public one (the published report)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from enroll.core.errors import Conflict, Invalid
from enroll.core.i18n import _, _l
from enroll.core.web import request_context, show_beside_field
from enroll.districts.services import get_district
from enroll.info_requests import annual as annual_reports
from enroll.info_requests import report
from enroll.info_requests.codes import DECISIONS, REASONS, REQUESTER_KINDS
from enroll.review.kinds import KINDS

bp = Blueprint("reports", __name__)
ORDINALS = "一二三四五六七八九十"


class AnnualReportForm(FlaskForm):
    """What staff enter: the service checks every field (enroll.info_requests.annual); the form only carries them."""

    overview = TextAreaField(annual_reports.TEXTS["overview"])
    problems = TextAreaField(annual_reports.TEXTS["problems"])
    other = TextAreaField(annual_reports.TEXTS["other"])
    note = StringField(_l("修改说明（公开显示在版本记录中）"), validators=[Optional(), Length(max=500)])

    def to_data(self) -> dict:
        return {key: self[key].data for key in (*annual_reports.TEXTS, *self.figure_names())}

    def fill(self, values: dict) -> None:
        for key, value in values.items():
            if key in self:
                self[key].data = "" if value is None else str(value)

    @staticmethod
    def figure_names() -> list[str]:
        return [annual_reports.appeal_key(group, part) for group in report.APPEAL_GROUPS for part in FIGURE_PARTS]


FIGURE_PARTS = {**report.APPEAL_PARTS, "total": report.APPEAL_TOTAL_LABEL}
for _group, _group_label in report.APPEAL_GROUPS.items():
    for _part, _part_label in FIGURE_PARTS.items():
        setattr(AnnualReportForm, annual_reports.appeal_key(_group, _part), StringField(
            _l("%(group)s：%(part)s", group=_group_label, part=_part_label)))


def _head(text, *, rowspan: int = 1, colspan: int = 1) -> dict:
    return {"text": text, "rowspan": rowspan, "colspan": colspan}


def request_rows(requests: dict) -> list[dict]:
    """Table 三's rows in the format's order, labelled on up to three levels as the format has them
    (三、本年度办理结果 › （三）不予公开 › 1. 属于国家秘密): ``heads``, the row's header cells (with their
    spans), and ``cells``, one count per requester column, then the total."""
    kinds = list(REQUESTER_KINDS)

    def cells(pick) -> list[int]:
        return [pick(requests["by_requester"][k]) for k in kinds] + [pick(requests)]

    results = []
    for i, (code, label) in enumerate(DECISIONS.items()):
        decision = _("（%(n)s）%(decision)s", n=ORDINALS[i], decision=label)
        if not REASONS[code]:
            results.append({"heads": [_head(decision, colspan=2)],
                            "cells": cells(lambda c, code=code: c["by_decision"][code]["total"])})
        for j, (reason, (reason_label, _basis)) in enumerate(REASONS[code].items(), start=1):
            heads = [_head(decision, rowspan=len(REASONS[code]))] if j == 1 else []
            results.append({"heads": [*heads, _head(f"{j}. {reason_label}")], "cells": cells(
                lambda c, code=code, reason=reason: c["by_decision"][code]["reasons"][reason])})
    results.append({"heads": [_head(_("（%(n)s）总计", n=ORDINALS[len(DECISIONS)]), colspan=2)],
                    "cells": cells(lambda c: c["decided"])})
    results[0]["heads"].insert(0, _head(_("三、本年度办理结果"), rowspan=len(results)))
    return [{"heads": [_head(report.MEASURE_LABELS["received"], colspan=3)], "cells": cells(lambda c: c["received"])},
            {"heads": [_head(report.MEASURE_LABELS["carried_over"], colspan=3)],
             "cells": cells(lambda c: c["carried_over"])},
            *results,
            {"heads": [_head(report.MEASURE_LABELS["carried_forward"], colspan=3)],
             "cells": cells(lambda c: c["carried_forward"])}]


def _tables_context(tables: dict) -> dict:
    """What both templates need to draw the tables."""
    return {"tables": tables, "request_rows": request_rows(tables["requests"]), "requester_kinds": REQUESTER_KINDS,
            "kind_label": lambda name: KINDS[name].label if name in KINDS else name,
            "appeal_groups": report.APPEAL_GROUPS, "appeal_parts": FIGURE_PARTS}


@bp.route("/bureau/d/<code>/reports/<int:year>", methods=["GET", "POST"])
@login_required
def bureau_annual(code: str, year: int):
    """The district's report of a year: save the draft (tables regenerated from data) or submit it.
    A refusal comes back with what was typed, its message, and 409 or 422."""
    view = annual_reports.bureau_view(current_user, code, year)
    form = AnnualReportForm()
    if not request.form:
        form.fill(annual_reports.form_values(view))
    problem, status = None, 200
    if form.validate_on_submit():
        submit = request.form.get("action") == "submit"
        service = annual_reports.submit_report if submit else annual_reports.draft_report
        try:
            revision = service(current_user, code, year, form.to_data(), form.note.data or "",
                               context=request_context())
        except Invalid as exc:
            show_beside_field(form, exc, "overview")
        except Conflict as exc:
            problem, status = str(exc.message), exc.status
        else:
            if submit:
                flash(_("已提交审核。"), "info")
                return redirect(url_for("review.revision", revision_id=revision.id))
            flash(_("已保存草稿。"), "info")
            return redirect(url_for("reports.bureau_annual", code=code, year=year))
        view = annual_reports.bureau_view(current_user, code, year)  # the draft may have been saved before a refusal
    if form.errors:
        status = 422
    return render_template("bureau/annual_report.html", view=view, form=form, problem=problem,
                           **_tables_context(view.tables)), status


@bp.get("/d/<code>/reports/<int:year>")
def annual(code: str, year: int):
    """The published report in the standard format's six sections. 404 until one is published."""
    item = annual_reports.published_report(code, year)
    return render_template("public/annual_report.html", district=get_district(code), item=item,
                           **_tables_context(item.tables))

