"""Lotteries (摇号) as reviewed content, in two published steps (algorithm: ``results.lottery``).

1. The school uploads the applicant list; the service draws a secret seed that nobody sees
   (``LotterySecret``) and the draft carries the list, its hash and the seed's commitment. Once a
   reviewer publishes it, the list can no longer change.
2. At the announced time the school draws: the draft now carries the revealed seed and the order.
   Publishing it is refused unless the list, the seed and the order verify against what was
   published in step 1, so a change made after the commitment cannot reach the public.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from enroll.core import fields
from enroll.core.clock import LOCAL, local_today
from enroll.core.context import Context
from enroll.core.errors import Conflict, Invalid, NotFound
from enroll.core.i18n import _l
from enroll.core.privacy import mask_name
from enroll.core.security import authorize
from enroll.extensions import db
from enroll.results import lottery, tables
from enroll.results.models import Lottery, LotterySecret
from enroll.results.services import (
    MAX_PUBLIC_DAYS,
    Upload,
    list_ends,
)
from enroll.review import content, states
from enroll.review.models import Revision
from enroll.review.services import record
from enroll.schools.services import editable_school

FIELDS = {"places": _l("摇号录取名额"), "draw_at": _l("摇号时间"), "applicants": _l("参加摇号的申请"),
          "list_hash": _l("名单哈希值"), "commitment": _l("种子承诺值"), "seed": _l("种子（开奖时公开）"),
          "order": _l("摇号顺序"), "public_until": _l("名单公开至")}


def _now() -> datetime:
    return datetime.now(UTC)


def _numbers(data: dict) -> list[str]:
    return [a["no"] for a in data["applicants"]]


def _present(key: str, value):
    if key == "applicants":
        return [{str(tables.COLUMN_LABELS["application_no"]): a["no"], str(tables.COLUMN_LABELS["name"]): a["name"]}
                for a in value]
    if key == "draw_at":
        return datetime.fromisoformat(value).astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")
    if key == "commitment" and not value:
        return str(_l("发布名单时生成"))
    return value


def _apply(item: Lottery, data: dict) -> None:
    item.places, item.draw_at = data["places"], datetime.fromisoformat(data["draw_at"])
    item.applicants, item.list_hash, item.commitment = data["applicants"], data["list_hash"], data["commitment"]
    item.seed, item.draw_order = data["seed"], data["order"]
    item.public_until = list_ends(data)
    item.list_purged_at = None


def _before_publish(actor, item: Lottery, revision: Revision, context: Context) -> None:
    """Nothing published may contradict the commitment: see the module docstring."""
    data = revision.data
    if lottery.list_hash(_numbers(data)) != data["list_hash"]:
        raise Conflict(_l("名单与其哈希值不符，不能发布。"))
    committed = item.status == states.PUBLISHED
    if committed and (data["list_hash"], data["commitment"]) != (item.list_hash, item.commitment):
        raise Conflict(_l("名单或种子承诺在公示后被改动，不能发布。"))
    if data["seed"] is None:
        notice = timedelta(hours=data.get("notice_hours", 0))
        if datetime.fromisoformat(data["draw_at"]) < _now() + notice:
            raise Conflict(_l("离摇号时间已不足 %(hours)s 小时：名单和种子承诺必须提前公示，请修改摇号时间。",
                              hours=f"{notice.total_seconds() / 3600:g}"))
        if not committed:  # the seed is drawn now, once the list can no longer change
            seed = lottery.new_seed()
            db.session.merge(LotterySecret(lottery_id=item.id, seed=seed))
            revision.data = dict(data, commitment=lottery.commitment(seed))
        return
    if not committed:
        raise Conflict(_l("必须先公示名单和种子承诺，才能公布摇号结果。"))
    check = lottery.verify(_numbers(data), data["seed"], item.list_hash, item.commitment, data["order"])
    if not check.ok:
        raise Conflict(_l("摇号结果无法通过验证（名单 %(list)s、种子 %(seed)s、顺序 %(order)s），不能发布。",
                          list=_mark(check.list_matches), seed=_mark(check.seed_matches), order=_mark(check.order_matches)))


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


LOTTERY = content.register(content.ContentKind(
    name="lottery", model=Lottery, permission="schools", label=_l("摇号"), fields=FIELDS, apply=_apply,
    title=lambda item, data: f"{item.school.name} {item.year}", html_fields=(), before_publish=_before_publish,
    edit_endpoint="results_bureau.edit_lottery", edit_args=lambda item: {"school_id": item.school_id, "year": item.year},
    public_endpoint="results.lottery", public_args=lambda item: {"lottery_id": item.id},
    private_fields=("applicants", "order"), present=_present,
    # hex digits that can look like a phone number: what the service computed, not what people wrote
    computed_fields=("list_hash", "commitment", "seed")))


def lottery_of(school_id: int, year: int) -> Lottery | None:
    return db.session.scalar(select(Lottery).where(Lottery.school_id == school_id, Lottery.year == year))


def lotteries_of_school(school_id: int) -> list[Lottery]:
    """Every lottery of a school, whatever its status, newest year first (for its staff)."""
    return list(db.session.scalars(select(Lottery).where(Lottery.school_id == school_id).order_by(Lottery.year.desc())))


def _draw_at(value, earliest: datetime) -> datetime:
    """A local date and time (``YYYY-MM-DDTHH:MM``) not before ``earliest``, as UTC. :raises Invalid:"""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value or "").strip())
    except ValueError:
        raise Invalid(_l("“摇号时间”不是有效的日期和时间（YYYY-MM-DD HH:MM）。"), field="draw_at") from None
    moment = (moment.replace(tzinfo=LOCAL) if moment.tzinfo is None else moment).astimezone(UTC)
    if moment < earliest:
        raise Invalid(_l("摇号时间最早为 %(at)s：名单和种子承诺要提前公示，让公众有时间查看。",
                         at=earliest.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")), field="draw_at")
    return moment


def save_lottery(actor, school_id: int, year: int, data: dict, *, applicants_file: Upload | None = None,
                 note: str = "", min_notice: timedelta = timedelta(hours=24), now: datetime | None = None,
                 context: Context = Context()) -> Revision:
    """Write the draft of a lottery (its applicant list and its hash). Commits. :returns: the revision.

    The seed and its commitment are made when a reviewer publishes the list (:func:`_before_publish`),
    so nobody can know the seed while the list can still change.

    :param data: ``places``, ``draw_at`` (local date and time), ``public_until`` (ISO date).
    :param min_notice: how long before the draw the list must at least be saved, so the public can
        see the commitment in time (``ENROLL_LOTTERY_NOTICE_HOURS``).
    :param applicants_file: CSV with 申请号 and optional 姓名; without it the draft's list is kept.
    :raises Conflict: once the commitment is published (the list can no longer change).
    :raises Invalid: naming the line and column, or the field.
    """
    now = now or _now()
    school = editable_school(actor, school_id)
    year = fields.year({"year": year}, required=True)
    item = lottery_of(school.id, year)
    if item is not None and (item.status == states.WITHDRAWN and item.seed is not None or
                             item.status not in (states.DRAFT, states.WITHDRAWN)):
        # a withdrawn commitment may start again (its history stays public); a drawn lottery never
        raise Conflict(_l("名单和种子承诺已经公示，不能再修改。"))
    if applicants_file is not None:
        applicants = tables.applicants_from_csv(applicants_file.raw, applicants_file.filename)
    else:
        current = content.current_revision(LOTTERY, item)
        applicants = current.data["applicants"] if current else []
    if not applicants:
        raise Invalid(_l("请上传参加摇号的申请名单。"), field="applicants")
    places = fields.count(data, "places", FIELDS["places"], required=True, limit=tables.MAX_COUNT)
    if places < 1 or places >= len(applicants):
        raise Invalid(_l("申请人数（%(n)d）必须多于录取名额（%(places)d）才需要摇号。", n=len(applicants), places=places),
                      field="places")
    draw_at = _draw_at(data.get("draw_at"), now + min_notice)
    until = fields.iso_date(data, "public_until", FIELDS["public_until"], required=True)
    if until < draw_at.astimezone(LOCAL).date().isoformat() or \
            until > (local_today(now) + timedelta(days=MAX_PUBLIC_DAYS)).isoformat():
        raise Invalid(_l("“名单公开至”须在摇号日之后，且最多 %(n)d 天。", n=MAX_PUBLIC_DAYS), field="public_until")
    if item is None:
        item = Lottery(district_id=school.district_id, school_id=school.id, year=year, school=school)
        db.session.add(item)
    revision = content.save_draft(actor, LOTTERY, item, {
        "year": year, "places": places, "draw_at": draw_at.isoformat(), "applicants": applicants,
        "list_hash": lottery.list_hash([a["no"] for a in applicants]), "commitment": "",  # made on publication
        "seed": None, "order": [], "public_until": until, "notice_hours": min_notice.total_seconds() / 3600},
        note, context=context)
    db.session.commit()
    return revision


def draw(actor, lottery_id: int, *, now: datetime | None = None, context: Context = Context()) -> Revision:
    """Reveal the seed and draw: the result goes to review at once. Commits. :returns: the revision.

    :raises Conflict: before the announced time, before the commitment is published, or once drawn.
    """
    now = now or _now()
    item = db.session.get(Lottery, lottery_id, with_for_update=True, populate_existing=True)
    if item is None:
        raise NotFound(_l("该摇号不存在。"))
    authorize(actor, "schools.edit", item.district_id, item.school_id)
    if item.status != states.PUBLISHED or item.seed is not None:
        raise Conflict(_l("只能对已公示名单和种子承诺、尚未开奖的摇号开奖。"))
    if now < item.draw_at:
        raise Conflict(_l("还没到公布的摇号时间（%(at)s）。", at=item.draw_at.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")))
    if content.open_revision(LOTTERY, item.id) is not None:
        raise Conflict(_l("该摇号有未处理的修改，请先处理。"))
    seed = db.session.get(LotterySecret, item.id).seed
    published = content.published_revision(LOTTERY, item.id)
    revision = content.save_draft(actor, LOTTERY, item, dict(
        published.data, seed=seed, order=lottery.draw(_numbers(published.data), seed)), "开奖：公开种子和摇号顺序",
        context=context)
    record(actor, "lottery.draw", "lottery", item.id, context=context, detail={"revision": revision.id})
    db.session.commit()
    return content.submit_revision(actor, revision.id, context=context)


# ------------------------------------------------------------------------------ public reads


def published_lottery(lottery_id: int) -> Lottery:
    """:raises NotFound: unless the lottery's commitment (at least) is published."""
    item = db.session.get(Lottery, lottery_id)
    if item is None or item.status != states.PUBLISHED:
        raise NotFound(_l("该摇号不存在或尚未公示。"))
    return item


def published_lottery_of(school_id: int, year: int) -> Lottery | None:
    item = lottery_of(school_id, year)
    return item if item is not None and item.status == states.PUBLISHED else None


def published_lotteries_of_school(school_id: int) -> list[Lottery]:
    return [item for item in lotteries_of_school(school_id) if item.status == states.PUBLISHED]


def published_lotteries_of_district(district_id: int) -> list[Lottery]:
    """The district's published lotteries, newest year first (its page links them)."""
    return list(db.session.scalars(select(Lottery).where(
        Lottery.district_id == district_id, Lottery.status == states.PUBLISHED).order_by(Lottery.year.desc(), Lottery.id)))


def list_is_public(item: Lottery, now: datetime | None = None) -> bool:
    """Whether the applicant list and order are shown now: until ``public_until``, even before the
    purge has run."""
    return bool(item.applicants) and item.public_until is not None and (now or _now()) < item.public_until


def public_applicants(item: Lottery, now: datetime | None = None) -> list[dict]:
    """The applicants as the public sees them, names masked ([] once the list is past its date)."""
    return [{"no": a["no"], "name": mask_name(a["name"])} for a in item.applicants] if list_is_public(item, now) else []


def verify_published(item: Lottery, now: datetime | None = None) -> lottery.Verification | None:
    """Re-run a drawn lottery from what is published (None before the draw or once the list expired)."""
    if item.seed is None or not list_is_public(item, now):
        return None
    return lottery.verify([a["no"] for a in item.applicants], item.seed, item.list_hash, item.commitment, item.draw_order)


def document(item: Lottery, now: datetime | None = None) -> dict:
    """Everything needed to re-run the draw elsewhere (docs/lottery.md), without names."""
    public = list_is_public(item, now)
    return {"school": item.school.name, "school_id": item.school_id, "year": item.year, "places": item.places,
            "draw_at": item.draw_at.isoformat(), "list_hash": item.list_hash, "commitment": item.commitment,
            "committed_at": item.first_published_at.isoformat() if item.first_published_at else None,
            "seed": item.seed, "applications": [a["no"] for a in item.applicants] if public else [],
            "order": item.draw_order if public else [],
            "algorithm": "HMAC-SHA256(seed, application) ascending, then application; see docs/lottery.md"}


def read_document(raw: bytes, filename: str) -> dict:
    """A lottery's published JSON document (:func:`document`), as saved by anyone who downloaded it.

    :raises Invalid: naming the file, when it is not JSON or not a JSON object.
    """
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except RecursionError:  # nested thousands deep: not a lottery document
        raise Invalid(_l("文件 %(file)s 不是摇号数据（应为 JSON 对象）。", file=filename)) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise Invalid(_l("文件 %(file)s 不是有效的 JSON：%(detail)s", file=filename, detail=str(exc)[:200])) from None
    if not isinstance(doc, dict):
        raise Invalid(_l("文件 %(file)s 不是摇号数据（应为 JSON 对象）。", file=filename))
    return doc


def verify_document(doc: dict) -> lottery.Verification:
    """Verify a lottery from its published document (:func:`document`). :raises Invalid: a malformed one."""
    missing = [k for k in ("applications", "seed", "list_hash", "commitment", "order") if doc.get(k) in (None, "")]
    if missing or not isinstance(doc["applications"], list) or not isinstance(doc["order"], list):
        raise Invalid(_l("摇号数据不完整：缺少 %(keys)s。", keys=", ".join(missing or ["applications", "order"])))
    if max(len(doc["applications"]), len(doc["order"])) > tables.MAX_LIST:
        raise Invalid(_l("名单最多 %(n)d 行。", n=tables.MAX_LIST))
    applications, order = [str(a) for a in doc["applications"]], [str(a) for a in doc["order"]]
    try:
        return lottery.verify(applications, str(doc["seed"]), str(doc["list_hash"]), str(doc["commitment"]), order)
    except UnicodeEncodeError:  # lone surrogates from JSON escapes: text no one could have published
        raise Invalid(_l("摇号数据中有无法识别的字符。")) from None
