"""Admission results (录取结果): posted by a school, reviewed by its district (先审后发), published
as aggregates by route with an optional list of children that expires.

Every output of a child (HTML, JSON, CSV) goes through :func:`public_entry`, which masks the name
with ``core.privacy.mask_name`` again whatever was stored.
"""
from __future__ import annotations

import csv
import hmac
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select

from enroll.core import fields
from enroll.core.context import Context
from enroll.core.errors import Conflict, Invalid, NotFound, TooManyRequests
from enroll.core.i18n import _l
from enroll.core.privacy import contains_personal_data, mask_name
from enroll.core.security import authorize
from enroll.extensions import db
from enroll.review import content, states
from enroll.review.models import Revision
from enroll.review.services import record
from enroll.results import tables
from enroll.results.models import AdmissionEntry, AdmissionResult, RateHit
from enroll.schools.services import get_school, schools_of

LOCAL = ZoneInfo("Asia/Shanghai")  # list dates are local dates: a list is public through that whole day
MAX_PUBLIC_DAYS = 90               # a list may stay public at most this long after it is saved
FIELDS = {"routes": _l("各途径人数"), "notes": _l("说明"), "list_public": _l("公开名单"),
          "notice_until": _l("公示截止日期"), "public_until": _l("名单公开至"), "list": _l("名单")}


@dataclass(frozen=True)
class Upload:
    """An uploaded file: its bytes and the name to quote in messages."""

    raw: bytes
    filename: str


@dataclass(frozen=True)
class CheckLimits:
    """Own-result checks allowed: per client address, and per application number (guessing a birth date)."""

    per_ip: int = 20
    per_application: int = 5
    window: timedelta = timedelta(minutes=15)


def _now() -> datetime:
    return datetime.now(UTC)


def local_today(now: datetime | None = None) -> date:
    return (now or _now()).astimezone(LOCAL).date()


def end_of_local_day(day: date) -> datetime:
    """The moment a list public "until" ``day`` stops being public: the next local midnight, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), LOCAL).astimezone(UTC)


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
        return [_entry_row(public_entry_data(e)) for e in value]
    return value


def _entry_row(entry: dict) -> dict:
    label = tables.COLUMN_LABELS
    return {str(label["application_no"]): entry["no"] or "", str(label["name"]): entry["name"],
            str(label["route"]): entry["route_label"], str(label["outcome"]): entry["outcome_label"],
            str(label["rank"]): entry["rank"] if entry["rank"] is not None else ""}


def _apply(result: AdmissionResult, data: dict) -> None:
    result.routes, result.notes = data["routes"], data["notes"]
    result.list_public = data["list_public"]
    result.notice_until = date.fromisoformat(data["notice_until"]) if data["notice_until"] else None
    result.public_until = end_of_local_day(date.fromisoformat(data["public_until"])) if data["public_until"] else None
    db.session.execute(delete(AdmissionEntry).where(AdmissionEntry.result_id == result.id))
    db.session.add_all(AdmissionEntry(result_id=result.id, line=i, application_no=e["no"], name=mask_name(e["name"]),
                                      route=e["route"], outcome=e["outcome"], rank=e["rank"], check_digest=e["_check"])
                       for i, e in enumerate(data["list"], start=1))
    result.list_count, result.list_purged_at = len(data["list"]), None


def _before_publish(actor, result: AdmissionResult, revision: Revision, context: Context) -> None:
    """The publish-time scanner and the list's expiry, checked again whatever the draft went through."""
    refuse_personal_data(revision.data)
    if revision.data["list"] and end_of_local_day(date.fromisoformat(revision.data["public_until"])) <= _now():
        raise Conflict(_l("名单公开截止日期已过，请修改后重新提交。"))


def refuse_personal_data(data) -> None:
    """:raises Conflict: when any text anywhere in ``data`` holds an ID number, mobile or e-mail address."""
    found = set()

    def walk(value):
        if isinstance(value, str):
            found.update(contains_personal_data(value))
        elif isinstance(value, dict):
            for k, v in value.items():
                if not str(k).startswith("_"):  # digests are hex, not personal data
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
    walk(data)
    if found:
        raise Conflict(_l("内容中含有身份证号、手机号或电子邮件，不能发布。"), kinds=",".join(sorted(found)))


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
    school = get_school(school_id)
    authorize(actor, "schools.edit", school.district_id, school.id)
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
    else:
        entries = []
    notes = fields.text(data, "notes", FIELDS["notes"], limit=5_000)
    if contains_personal_data(notes):
        raise Invalid(_l("说明中不得出现身份证号、手机号或电子邮件。"), field="notes")
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
    school = get_school(school_id)
    authorize(actor, "schools.edit", school.district_id, school.id)
    revision = content.current_revision(RESULT, result_of(school.id, year))
    return dict(revision.data) if revision else None


def results_of_school(school_id: int) -> list[AdmissionResult]:
    """Every result of a school, whatever its status, newest year first (for its staff)."""
    return list(db.session.scalars(select(AdmissionResult).where(AdmissionResult.school_id == school_id)
                                   .order_by(AdmissionResult.year.desc())))


# ------------------------------------------------------------------------------ public reads


@dataclass
class Totals:
    applicants: int = 0
    places: int = 0
    admitted: int = 0

    @property
    def ratio(self) -> float | None:
        """Oversubscription: applicants per place (None without places)."""
        return self.applicants / self.places if self.places else None


def totals(routes: list[dict]) -> Totals:
    return Totals(sum(r["applicants"] for r in routes), sum(r["places"] for r in routes),
                  sum(r["admitted"] for r in routes))


def ratio(applicants: int, places: int) -> float | None:
    return applicants / places if places else None


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
    by_year: dict[int, Totals] = {}
    for result in published_results(district_id):
        t, add = by_year.setdefault(result.year, Totals()), totals(result.routes)
        t.applicants, t.places, t.admitted = t.applicants + add.applicants, t.places + add.places, t.admitted + add.admitted
    return sorted(by_year.items())


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
    return [public_entry(e) for e in db.session.scalars(select(AdmissionEntry).where(
        AdmissionEntry.result_id == result.id).order_by(AdmissionEntry.line))]


def public_entry_data(entry: dict) -> dict:
    """One child as every output shows them (the one place names are masked on the way out)."""
    route, outcome = entry.get("route") or "", entry.get("outcome") or ""
    return {"no": entry.get("no"), "name": mask_name(entry.get("name")), "route": route,
            "route_label": str(tables.ROUTES[route]) if route in tables.ROUTES else "",
            "outcome": outcome, "outcome_label": str(tables.OUTCOMES.get(outcome, outcome)), "rank": entry.get("rank")}


def public_entry(entry: AdmissionEntry) -> dict:
    return public_entry_data({"no": entry.application_no, "name": entry.name, "route": entry.route,
                              "outcome": entry.outcome, "rank": entry.rank})


def route_rows(result: AdmissionResult) -> list[dict]:
    """The aggregates with labels and each route's oversubscription ratio."""
    return [dict(r, label=str(tables.ROUTES.get(r["route"], r["route"])), ratio=ratio(r["applicants"], r["places"]))
            for r in result.routes]


# ------------------------------------------------------------------------------ CSV downloads


def to_csv(header: list[str], rows: list[list]) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so spreadsheet programs open Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _ratio_text(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else ""


def school_csv(result: AdmissionResult) -> bytes:
    label = tables.COLUMN_LABELS
    return to_csv([str(label[k]) for k in ("route", "applicants", "places", "admitted")] + [str(_l("报名/计划比")),
                                                                                           str(label["note"])],
                  [[r["label"], r["applicants"], r["places"], r["admitted"], _ratio_text(r["ratio"]), r.get("note", "")]
                   for r in route_rows(result)])


def list_csv(result: AdmissionResult, now: datetime | None = None) -> bytes:
    """:raises NotFound: when the list is not public (never was, expired, or for own-result checks only)."""
    entries = public_list(result, now)
    if not entries:
        raise NotFound(_l("该名单未公开或已过公开期限。"))
    return to_csv(list(_entry_row(entries[0])), [list(_entry_row(e).values()) for e in entries])


def district_csv(rows: list[DistrictRow]) -> bytes:
    header = [str(h) for h in (_l("学校"), _l("学段"), _l("办学性质"), _l("报名人数"), _l("计划数"), _l("录取人数"),
                               _l("报名/计划比"))]
    return to_csv(header, [[r.school.name, r.school.stage, r.school.kind, r.totals.applicants, r.totals.places,
                            r.totals.admitted, _ratio_text(r.totals.ratio)] for r in rows if r.totals is not None])


# ------------------------------------------------------------------------------ own result


@dataclass
class OwnResult:
    school: object
    year: int
    entry: dict


def _throttle(bucket: str, limit: int, window: timedelta, now: datetime) -> bool:
    """Count one attempt in ``bucket``; False when ``limit`` attempts were already made within ``window``."""
    recent = db.session.scalar(select(func.count(RateHit.id)).where(RateHit.bucket == bucket,
                                                                   RateHit.at > now - window))
    if recent >= limit:
        return False
    db.session.add(RateHit(bucket=bucket, at=now))
    return True


def check_own_result(school_id: int, year: int, application_no: str, birth_date: str, *, ip: str, check_key: bytes,
                     limits: CheckLimits = CheckLimits(), now: datetime | None = None) -> OwnResult:
    """A child's outcome, for whoever knows both the application number and the birth date.

    Every attempt counts against the client address and the application number, before the
    answer is looked at, so a birth date cannot be guessed by trying many. Wrong number and
    wrong date get the same answer.

    :raises TooManyRequests: over a limit. :raises NotFound: no match (or no list to check).
    """
    now = now or _now()
    number = (application_no or "").strip()[:32]
    allowed = _throttle(f"ip:{ip}", limits.per_ip, limits.window, now)
    allowed = allowed and _throttle(f"no:{school_id}:{year}:{number}", limits.per_application, limits.window, now)
    db.session.commit()
    if not allowed:
        raise TooManyRequests(_l("查询过于频繁，请 %(n)d 分钟后再试。", n=int(limits.window.total_seconds() // 60)),
                              retry_after=int(limits.window.total_seconds()))
    not_found = NotFound(_l("没有找到与申请号和出生日期都相符的记录，请核对后再试。"))
    result = result_of(school_id, year)
    errors: list = []
    born = tables.parse_birth_date(birth_date or "", 0, "", errors)
    if result is None or not can_check(result, now) or born is None or not number:
        raise not_found
    entry = db.session.scalar(select(AdmissionEntry).where(AdmissionEntry.result_id == result.id,
                                                           AdmissionEntry.application_no == number))
    expected = tables.check_digest(check_key, number, born)
    if entry is None or entry.check_digest is None or not hmac.compare_digest(entry.check_digest, expected):
        raise not_found
    return OwnResult(result.school, result.year, public_entry(entry))


# ------------------------------------------------------------------------------ expiry


@dataclass
class Purged:
    results: list[int] = field(default_factory=list)
    entries: int = 0
    revisions: int = 0
    lotteries: list[int] = field(default_factory=list)
    rate_hits: int = 0


def scrub_revisions(kind, item_id: int | None, keys: tuple[str, ...], expired) -> int:
    """Empty the personal ``keys`` of a kind's revisions (of one item, or all) whose list has expired.

    :param expired: revision data → whether its list is past its public date.
    :returns: how many revisions were changed.
    """
    query = select(Revision).where(Revision.object_type == kind.name)
    if item_id is not None:
        query = query.where(Revision.object_id == item_id)
    changed = 0
    for revision in db.session.scalars(query):
        if any(revision.data.get(k) for k in keys) and expired(revision.data):
            revision.data = dict(revision.data, **{k: [] for k in keys}, list_purged=True)
            changed += 1
    return changed


def purge_expired_results(now: datetime, purged: Purged, context: Context) -> None:
    """Unpublish and delete every result list past its ``public_until``, drafts' lists included. Does not commit."""
    for result in db.session.scalars(select(AdmissionResult).where(
            AdmissionResult.public_until <= now, AdmissionResult.list_purged_at.is_(None))):
        count = db.session.execute(delete(AdmissionEntry).where(AdmissionEntry.result_id == result.id)).rowcount
        result.list_count, result.list_purged_at = 0, now
        purged.results.append(result.id)
        purged.entries += count
        record(None, "results.purge", "admission_result", result.id, context=context,
               detail={"entries": count, "public_until": result.public_until.isoformat()})

    def expired(data: dict) -> bool:
        return not data.get("public_until") or end_of_local_day(date.fromisoformat(data["public_until"])) <= now
    purged.revisions += scrub_revisions(RESULT, None, ("list",), expired)
    purged.rate_hits += db.session.execute(delete(RateHit).where(RateHit.at < now - timedelta(days=1))).rowcount
