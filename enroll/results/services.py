"""Admission results (录取结果): posted by a school, reviewed by its district (先审后发), published
as aggregates by route with an optional list of children that expires.

Every output of a child (HTML, JSON, CSV) goes through :func:`public_entry_data`, which masks the
name with ``core.privacy.mask_name`` again whatever was stored. CSV downloads are in ``downloads``,
parents' own-result checks in ``checks``, the expiry of lists in ``expiry``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, select

from enroll.core import fields
from enroll.core.clock import (  # list dates are local: public through that whole day
    LOCAL,
    local_today,
)
from enroll.core.context import Context
from enroll.core.errors import Conflict, Invalid, NotFound
from enroll.core.i18n import _l
from enroll.core.privacy import mask_name
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.results import tables
from enroll.results.models import AdmissionEntry, AdmissionResult
from enroll.review import content, states
from enroll.review.models import Revision
from enroll.schools.services import editable_school, schools_of

MAX_PUBLIC_DAYS = 90               # a list may stay public at most this long after it is saved
FIELDS = {"routes": _l("各途径人数"), "notes": _l("说明"), "list_public": _l("公开名单"),
          "notice_until": _l("公示截止日期"), "public_until": _l("名单公开至"), "list": _l("名单")}


@dataclass(frozen=True)
class Upload:
    """An uploaded file: its bytes and the name to quote in messages."""

    raw: bytes
    filename: str


def _now() -> datetime:
    return datetime.now(UTC)


def end_of_local_day(day: date) -> datetime:
    """The moment a list public "until" ``day`` stops being public: the next local midnight, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), LOCAL).astimezone(UTC)


def list_ends(data: dict) -> datetime | None:
    """When the list of a revision's ``data`` stops being public (None without a date)."""
    return end_of_local_day(date.fromisoformat(data["public_until"])) if data.get("public_until") else None


def last_public_day(moment: datetime | None) -> date | None:
    """The local date a list is public through (the inverse of :func:`end_of_local_day`)."""
    return (moment.astimezone(LOCAL) - timedelta(microseconds=1)).date() if moment is not None else None


# ------------------------------------------------------------------------------ the content kind


def _present(key: str, value):
    """Revision values as reviewers read them: labelled tables of routes and of the list."""
    label = tables.COLUMN_LABELS
    if key == "routes":
        return [{str(label["route"]): str(tables.ROUTES.get(r["route"], r["route"])),
                 str(label["applicants"]): r["applicants"], str(label["places"]): r["places"],
                 str(label["admitted"]): r["admitted"], str(label["note"]): r.get("note", "")} for r in value]
    if key == "list":
        labels = entry_labels()
        return [entry_row(public_entry_data(e, labels)) for e in value]
    return value


def entry_row(entry: dict) -> dict:
    label = tables.COLUMN_LABELS
    return {str(label["application_no"]): entry["no"] or "", str(label["name"]): entry["name"],
            str(label["route"]): entry["route_label"], str(label["outcome"]): entry["outcome_label"],
            str(label["rank"]): entry["rank"] if entry["rank"] is not None else ""}


def _apply(result: AdmissionResult, data: dict) -> None:
    result.routes, result.notes = data["routes"], data["notes"]
    result.list_public = data["list_public"]
    result.notice_until = date.fromisoformat(data["notice_until"]) if data["notice_until"] else None
    result.public_until = list_ends(data)
    db.session.execute(delete(AdmissionEntry).where(AdmissionEntry.result_id == result.id))
    db.session.add_all(AdmissionEntry(result_id=result.id, line=i, application_no=e["no"], name=mask_name(e["name"]),
                                      route=e["route"], outcome=e["outcome"], rank=e["rank"], check_digest=e["_check"])
                       for i, e in enumerate(data["list"], start=1))
    result.list_count, result.list_purged_at = len(data["list"]), None


def _before_publish(actor, result: AdmissionResult, revision: Revision, context: Context) -> None:
    """The list's expiry, checked again whatever the draft went through (personal data is, by
    ``content.publish``, in every column of the list and every note)."""
    if revision.data["list"] and list_ends(revision.data) <= _now():
        raise Conflict(_l("名单公开截止日期已过，请修改后重新提交。"))


def _after_withdraw(actor, result: AdmissionResult, context: Context) -> None:
    """A withdrawn result takes its list with it (the revisions keep it until it expires)."""
    db.session.execute(delete(AdmissionEntry).where(AdmissionEntry.result_id == result.id))
    result.list_count = 0


RESULT = content.register(content.ContentKind(
    name="admission_result", model=AdmissionResult, permission="schools", label=_l("录取结果"), fields=FIELDS,
    apply=_apply, title=lambda item, data: f"{item.school.name} {item.year}", html_fields=(),
    before_publish=_before_publish, after_withdraw=_after_withdraw,
    edit_endpoint="results_bureau.edit", edit_args=lambda item: {"school_id": item.school_id, "year": item.year},
    public_endpoint="results.school", public_args=lambda item: {"school_id": item.school_id, "year": item.year},
    private_fields=("list",), present=_present))


# ------------------------------------------------------------------------------ writing


def result_of(school_id: int, year: int) -> AdmissionResult | None:
    return db.session.scalar(select(AdmissionResult).where(AdmissionResult.school_id == school_id,
                                                           AdmissionResult.year == year))


def _dates(data: dict, has_list: bool, today: date) -> tuple[str | None, str | None]:
    notice = fields.iso_date(data, "notice_until", FIELDS["notice_until"])
    until = fields.iso_date(data, "public_until", FIELDS["public_until"], required=has_list)
    if not has_list:
        return notice, None
    if until < today.isoformat():
        raise Invalid(_l("“名单公开至”不能早于今天。"), field="public_until")
    if until > (today + timedelta(days=MAX_PUBLIC_DAYS)).isoformat():
        raise Invalid(_l("名单最多公开 %(n)d 天，到期后自动删除。", n=MAX_PUBLIC_DAYS), field="public_until")
    if notice and notice > until:
        raise Invalid(_l("公示截止日期不能晚于“名单公开至”。"), field="notice_until")
    return notice, until


def save_result(actor, school_id: int, year: int, data: dict, *, check_key: bytes, routes_file: Upload | None = None,
                list_file: Upload | None = None, note: str = "", today: date | None = None,
                context: Context = Context()) -> Revision:
    """Write the draft admission result of a school and year. Commits. :returns: the revision.

    :param data: ``routes`` as [(line, {route, applicants, places, admitted, note})] unless
        ``routes_file`` is given; ``notes``; ``list_public`` (bool); ``notice_until`` and
        ``public_until`` (ISO dates); ``keep_list``: keep the current draft's list when no
        ``list_file`` is given.
    :param check_key: the key of the birth-date digests (``tables.check_digest``).
    :raises Invalid: naming the file, line and column, or the field; nothing is saved then.
    :raises Forbidden: unless the actor edits this school.
    """
    school = editable_school(actor, school_id)
    year = fields.year({"year": year}, required=True)
    if routes_file is not None:
        routes = tables.routes_from_csv(routes_file.raw, routes_file.filename)
    else:
        routes = tables.check_routes(data.get("routes") or [])
    item = result_of(school.id, year)
    if list_file is not None:
        entries = tables.list_from_csv(list_file.raw, list_file.filename, routes, check_key)
    elif data.get("keep_list") and item is not None:
        current = content.current_revision(RESULT, item)
        entries = list(current.data["list"]) if current else []
        errors = tables.check_list(entries, routes)
        if errors:
            raise Invalid(_l("已上传的名单与修改后的各途径人数不符：请重新上传名单，或改正人数。"), errors=errors)
    else:
        entries = []
    notes = fields.text(data, "notes", FIELDS["notes"], limit=5_000)
    notice, until = _dates(data, bool(entries), today or local_today())
    if item is None:
        item = AdmissionResult(district_id=school.district_id, school_id=school.id, year=year, school=school)
        db.session.add(item)
    revision = content.save_draft(actor, RESULT, item, {
        "year": year, "routes": routes, "notes": notes, "list": entries, "list_public": bool(data.get("list_public")),
        "notice_until": notice, "public_until": until}, note, context=context)
    db.session.commit()
    return revision


def current_data(actor, school_id: int, year: int) -> dict | None:
    """What the edit form starts from: the open draft, else what is published (None for nothing yet)."""
    school = editable_school(actor, school_id)
    revision = content.current_revision(RESULT, result_of(school.id, year))
    return dict(revision.data) if revision else None


def results_of_school(school_id: int) -> list[AdmissionResult]:
    """Every result of a school, whatever its status, newest year first (for its staff)."""
    return list(db.session.scalars(select(AdmissionResult).where(AdmissionResult.school_id == school_id)
                                   .order_by(AdmissionResult.year.desc())))


# ------------------------------------------------------------------------------ public reads


def ratio(applicants: int, places: int) -> float | None:
    """Oversubscription: applicants per place (None without places)."""
    return applicants / places if places else None


@dataclass
class Totals:
    applicants: int = 0
    places: int = 0
    admitted: int = 0

    @property
    def ratio(self) -> float | None:
        return ratio(self.applicants, self.places)


def totals(routes: list[dict]) -> Totals:
    """The sums of routes (or of other ``Totals``-shaped mappings)."""
    return Totals(sum(r["applicants"] for r in routes), sum(r["places"] for r in routes),
                  sum(r["admitted"] for r in routes))


def published_result(school_id: int, year: int) -> AdmissionResult:
    """:raises NotFound: unless that year's result of the school is published."""
    result = result_of(school_id, year)
    if result is None or result.status != states.PUBLISHED:
        raise NotFound(_l("该校该年度的录取结果尚未公布。"))
    return result


def published_results(district_id: int, year: int | None = None) -> list[AdmissionResult]:
    query = select(AdmissionResult).where(AdmissionResult.district_id == district_id,
                                          AdmissionResult.status == states.PUBLISHED)
    if year is not None:
        query = query.where(AdmissionResult.year == year)
    return list(db.session.scalars(query.order_by(AdmissionResult.year.desc())))


def published_years(district_id: int) -> list[int]:
    return list(db.session.scalars(select(AdmissionResult.year).where(
        AdmissionResult.district_id == district_id, AdmissionResult.status == states.PUBLISHED
    ).distinct().order_by(AdmissionResult.year.desc())))


def school_history(school_id: int) -> list[AdmissionResult]:
    """The school's published results, oldest year first (the year-over-year chart)."""
    return list(db.session.scalars(select(AdmissionResult).where(
        AdmissionResult.school_id == school_id, AdmissionResult.status == states.PUBLISHED
    ).order_by(AdmissionResult.year)))


def district_history(district_id: int) -> list[tuple[int, Totals]]:
    """Totals of every year with published results, oldest first."""
    by_year: dict[int, list[dict]] = {}
    for result in published_results(district_id):
        by_year.setdefault(result.year, []).extend(result.routes)
    return [(year, totals(routes)) for year, routes in sorted(by_year.items())]


@dataclass
class DistrictRow:
    school: object
    result: AdmissionResult | None
    totals: Totals | None


def district_table(district_id: int, year: int) -> list[DistrictRow]:
    """Every school of the district with its published result of ``year`` (None where not yet published)."""
    results = {r.school_id: r for r in published_results(district_id, year)}
    return [DistrictRow(s, results.get(s.id), totals(results[s.id].routes) if s.id in results else None)
            for s in schools_of(district_id)]


def published_district_table(district_code: str, year: int) -> tuple[object, list[DistrictRow]]:
    """The district and :func:`district_table`. :raises NotFound: no result of that year is published."""
    district = get_district(district_code)
    rows = district_table(district.id, year)
    if not any(r.result for r in rows):
        raise NotFound(_l("该区该年度的录取结果尚未公布。"))
    return district, rows


def list_is_public(result: AdmissionResult, now: datetime | None = None) -> bool:
    """Whether the result's list is shown now: published, meant to be public, not expired."""
    return (result.status == states.PUBLISHED and result.list_public and result.list_count > 0
            and result.public_until is not None and (now or _now()) < result.public_until)


def can_check(result: AdmissionResult, now: datetime | None = None) -> bool:
    """Whether parents can look up their own child's outcome in this result now."""
    if result.status != states.PUBLISHED or not result.list_count or result.public_until is None \
            or (now or _now()) >= result.public_until:
        return False
    return db.session.scalar(select(AdmissionEntry.id).where(
        AdmissionEntry.result_id == result.id, AdmissionEntry.check_digest.is_not(None)).limit(1)) is not None


def public_list(result: AdmissionResult, now: datetime | None = None) -> list[dict]:
    """The list as the public sees it ([] unless :func:`list_is_public`)."""
    if not list_is_public(result, now):
        return []
    labels = entry_labels()
    rows = db.session.execute(select(AdmissionEntry.application_no, AdmissionEntry.name, AdmissionEntry.route,
                                     AdmissionEntry.outcome, AdmissionEntry.rank)
                              .where(AdmissionEntry.result_id == result.id).order_by(AdmissionEntry.line))
    return [public_entry_data({"no": no, "name": name, "route": route, "outcome": outcome, "rank": rank}, labels)
            for no, name, route, outcome, rank in rows]


def entry_labels() -> tuple[dict, dict]:
    """Route and outcome labels in the current language, translated once for a whole list."""
    return {k: str(v) for k, v in tables.ROUTES.items()}, {k: str(v) for k, v in tables.OUTCOMES.items()}


def public_entry_data(entry: dict, labels: tuple[dict, dict] | None = None) -> dict:
    """One child as every output shows them (the one place names are masked on the way out).

    :param labels: :func:`entry_labels`, when many entries are shown at once.
    """
    routes, outcomes = labels or entry_labels()
    route, outcome = entry.get("route") or "", entry.get("outcome") or ""
    return {"no": entry.get("no"), "name": mask_name(entry.get("name")), "route": route,
            "route_label": routes.get(route, ""), "outcome": outcome, "outcome_label": outcomes.get(outcome, outcome),
            "rank": entry.get("rank")}


def public_entry(entry: AdmissionEntry, labels: tuple[dict, dict] | None = None) -> dict:
    return public_entry_data({"no": entry.application_no, "name": entry.name, "route": entry.route,
                              "outcome": entry.outcome, "rank": entry.rank}, labels)


def route_rows(result: AdmissionResult) -> list[dict]:
    """The aggregates with labels and each route's oversubscription ratio."""
    return [dict(r, label=str(tables.ROUTES.get(r["route"], r["route"])), ratio=ratio(r["applicants"], r["places"]))
            for r in result.routes]
