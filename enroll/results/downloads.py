"""CSV downloads of published results: UTF-8 with a byte-order mark, so spreadsheet programs open
Chinese text correctly, and text cells that a spreadsheet would run as a formula made inert."""
from __future__ import annotations

from datetime import datetime

from enroll.core.errors import NotFound
from enroll.core.i18n import _l
from enroll.core.text import to_csv
from enroll.results import tables
from enroll.results.models import AdmissionResult
from enroll.results.services import DistrictRow, entry_row, public_list, route_rows

STAGES = {"primary": _l("小学"), "junior": _l("初中"), "nine_year": _l("九年一贯制")}
KINDS = {"public": _l("公办"), "private": _l("民办")}
def _ratio_text(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else ""


def school_csv(result: AdmissionResult) -> bytes:
    label = tables.COLUMN_LABELS
    return to_csv([str(label[k]) for k in ("route", "applicants", "places", "admitted")]
                  + [str(_l("报名/计划比")), str(label["note"])],
                  [[r["label"], r["applicants"], r["places"], r["admitted"], _ratio_text(r["ratio"]), r.get("note", "")]
                   for r in route_rows(result)])


def list_csv(result: AdmissionResult, now: datetime | None = None) -> bytes:
    """:raises NotFound: when the list is not public (never was, expired, or for own-result checks only)."""
    entries = public_list(result, now)
    if not entries:
        raise NotFound(_l("该名单未公开或已过公开期限。"))
    return to_csv(list(entry_row(entries[0])), [list(entry_row(e).values()) for e in entries])


def district_csv(rows: list[DistrictRow]) -> bytes:
    header = [str(h) for h in (_l("学校"), _l("学段"), _l("办学性质"), _l("报名人数"), _l("计划数"), _l("录取人数"),
                               _l("报名/计划比"))]
    return to_csv(header, [[r.school.name, str(STAGES.get(r.school.stage, r.school.stage)),
                            str(KINDS.get(r.school.kind, r.school.kind)), r.totals.applicants, r.totals.places,
                            r.totals.admitted, _ratio_text(r.totals.ratio)] for r in rows if r.totals is not None])
