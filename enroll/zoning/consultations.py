"""Public consultation on a draft zoning plan (征求意见, issue 17).

A draft plan is opened for comment through the one review workflow (先审后发): an editor proposes
it (``propose_consultation``: N days, 15 by default; fewer only with a reason, shown publicly), a
second person approves it, and the period starts then. The public reads the draft beside the
current plan and comments (``add_comment``: an address if they wish, no other personal data,
held until staff show it). After the period the bureau answers every comment shown (adopted,
partly, not adopted, with reasons) and publishes the adoption report, again through review
(``submit_report``). Only then can the plan itself be approved as final (``zoning.services``
refuses before).
"""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from enroll.core.context import Context
from enroll.core.errors import Conflict, Invalid, NotFound
from enroll.core.i18n import _l
from enroll.core.privacy import find_in_text
from enroll.core.security import authorize
from enroll.extensions import db
from enroll.geo.address import normalize
from enroll.review import content, states
from enroll.review.services import record
from enroll.zoning.models import Consultation, ConsultationComment
from enroll.zoning.services import can_see_drafts, get_plan

DEFAULT_DAYS, MAX_DAYS = 15, 90
MAX_COMMENT_CHARS, MAX_LINKS = 2000, 2
CATEGORIES = {"address": _l("这个地址"), "road": _l("一条道路或一个小区"), "plan": _l("整个方案")}
DECISIONS = {"adopted": _l("采纳"), "partly": _l("部分采纳"), "not_adopted": _l("未采纳")}
_LINK = re.compile(r"https?://|www\.|\b[a-z0-9-]+\.(?:com|cn|net|org|top|xyz|info)\b", re.IGNORECASE)


def _now() -> datetime:
    return datetime.now(UTC)


def _apply(item: Consultation, data: dict) -> None:
    """Publishing the first revision opens the period; a revision with a report publishes it."""
    item.plan_id, item.days, item.short_reason = data["plan"], data["days"], data.get("reason", "")
    if item.opens_at is None:
        item.opens_at = _now()
        item.closes_at = item.opens_at + timedelta(days=item.days)
    if data.get("report"):
        item.report = data["report"]
        item.report_published_at = _now()


def _before_submit(actor, item: Consultation, revision, context: Context) -> None:
    if revision.data.get("report"):
        _check_reportable(item)
    elif item.plan.revision is None or item.plan.revision.status != states.DRAFT:
        raise Conflict(_l("只有草案可以公开征求意见。"))


def _before_publish(actor, item: Consultation, revision, context: Context) -> None:
    if revision.data.get("report"):
        _check_reportable(item)


def _check_reportable(item: Consultation) -> None:
    if item.closes_at is None or _now() < item.closes_at:
        raise Conflict(_l("征求意见期结束后才能公布意见采纳情况。"))
    unanswered = [c for c in item.comments if c.status != "hidden" and not c.decision]
    if unanswered:
        raise Conflict(_l("还有 %(n)s 条意见没有答复（采纳、部分采纳或未采纳，并说明理由）。", n=len(unanswered)))


def _title(item: Consultation, data: dict) -> str:
    plan = item.plan
    return f"{item.district.name} {plan.year} {plan.stage} 征求意见"


def _present(key: str, value):
    if key == "report" and value:
        return [{"意见": a["body"], "答复": str(DECISIONS.get(a["decision"], a["decision"])), "理由": a["reason"]}
                for a in value.get("answers", [])]
    return value


CONSULTATION = content.register(content.ContentKind(
    name="consultation", model=Consultation, permission="zoning", label=_l("划片方案征求意见"),
    fields={"plan": _l("征求意见的草案（方案编号）"), "days": _l("征求意见天数"), "reason": _l("少于 15 天的理由"),
            "report": _l("意见采纳情况")},
    apply=_apply, title=_title, html_fields=(), before_submit=_before_submit, before_publish=_before_publish,
    present=_present, public_endpoint="consultations.page",
    public_args=lambda item: {"code": item.district.code, "consultation_id": item.id}))


def propose_consultation(actor, plan_id: int, days: int = DEFAULT_DAYS, reason: str = "", *,
                         context: Context = Context()) -> Consultation:
    """Submit a draft plan for public comment; it opens when a second person approves. Commits.

    :raises Invalid: days out of range, or fewer than 15 without a reason.
    :raises Conflict: not a draft, or already consulted on.
    """
    plan = get_plan(actor, plan_id)
    authorize(actor, "zoning.edit", plan.district_id)
    reason = (reason or "").strip()
    if not 1 <= int(days) <= MAX_DAYS:
        raise Invalid(_l("征求意见期应为 1 至 %(max)s 天。", max=MAX_DAYS))
    if days < DEFAULT_DAYS and not reason:
        raise Invalid(_l("征求意见期少于 15 天时，必须说明理由（理由将公开）。"))
    if plan.revision is None or plan.revision.status != states.DRAFT:
        raise Conflict(_l("只有草案可以公开征求意见。"))
    if db.session.scalar(select(Consultation.id).where(Consultation.plan_id == plan.id)) is not None:
        raise Conflict(_l("这个草案已经征求过意见。"))
    item = Consultation(district_id=plan.district_id, district=plan.district, plan_id=plan.id, plan=plan, days=days,
                        short_reason=reason)
    db.session.add(item)
    db.session.flush()
    revision = content.save_draft(actor, CONSULTATION, item, {"plan": plan.id, "days": int(days), "reason": reason},
                                  context=context)
    db.session.commit()
    content.submit_revision(actor, revision.id, context=context)
    return item


def is_open(item: Consultation, now: datetime | None = None) -> bool:
    now = now or _now()
    return item.opens_at is not None and item.opens_at <= now < item.closes_at


def get_consultation(actor, consultation_id: int) -> Consultation:
    """A consultation the actor may see: opened ones to everyone, proposals to the district's staff.
    :raises NotFound:"""
    item = db.session.get(Consultation, consultation_id)
    if item is None or (item.opens_at is None and not can_see_drafts(actor, item.district_id)):
        raise NotFound(_l("征求意见不存在或尚未开始。"))
    return item


def public_consultations(district_id: int) -> list[Consultation]:
    """The district's opened consultations, newest first."""
    return list(db.session.scalars(select(Consultation).where(
        Consultation.district_id == district_id, Consultation.opens_at.is_not(None)).order_by(Consultation.opens_at.desc())))


def consultation_of_plan(plan_id: int) -> Consultation | None:
    return db.session.scalar(select(Consultation).where(Consultation.plan_id == plan_id))


def add_comment(consultation_id: int, category: str, body: str, address: str = "", *,
                context: Context = Context()) -> ConsultationComment:
    """A comment from the public, held for moderation. Commits.

    :raises Invalid: closed period, unknown category, empty or over 2,000 characters, more than two
        links, or an ID number, mobile number or e-mail address in it (the reason named).
    """
    item = get_consultation(None, consultation_id)
    if not is_open(item):
        raise Invalid(_l("征求意见期不在进行中，不能提交意见。"))
    body, address = (body or "").strip(), normalize(address or "")[:200]
    if category not in CATEGORIES:
        raise Invalid(_l("请选择意见针对的范围。"))
    if not body:
        raise Invalid(_l("请填写意见内容。"))
    if len(body) > MAX_COMMENT_CHARS:
        raise Invalid(_l("意见不能超过 %(max)s 字（现在 %(n)s 字）。", max=MAX_COMMENT_CHARS, n=len(body)))
    if len(_LINK.findall(body)) > MAX_LINKS:
        raise Invalid(_l("意见中的网址太多（最多 %(max)s 个）。", max=MAX_LINKS))
    found = find_in_text(f"{body}\n{address}")
    if found:
        raise Invalid(_l("为保护个人信息，意见和地址中不能有身份证号、手机号或电子邮件地址，请删去后再提交。"),
                      kind=found[0].kind)
    comment = ConsultationComment(consultation=item, category=category, address=address, body=body)
    db.session.add(comment)
    db.session.flush()
    record(None, "consultation.comment", "consultation_comment", comment.id, context=context,
           detail={"consultation": item.id, "category": category})
    db.session.commit()
    return comment


def _comment(actor, comment_id: int) -> ConsultationComment:
    comment = db.session.get(ConsultationComment, comment_id)
    if comment is None:
        raise NotFound(_l("意见不存在。"))
    authorize(actor, "zoning.edit", comment.consultation.district_id)
    return comment


def moderate_comment(actor, comment_id: int, show: bool, *, context: Context = Context()) -> ConsultationComment:
    """Show a held comment publicly, or hide it (abuse, off topic). Commits."""
    comment = _comment(actor, comment_id)
    comment.status, comment.moderated_by_id, comment.moderated_at = ("shown" if show else "hidden"), actor.id, _now()
    record(actor, "consultation.moderate", "consultation_comment", comment.id, context=context,
           detail={"status": comment.status})
    db.session.commit()
    return comment


def answer_comment(actor, comment_id: int, decision: str, reason: str, *,
                   context: Context = Context()) -> ConsultationComment:
    """The bureau's answer to a comment: adopted, partly or not adopted, with the reason. Commits.
    :raises Invalid: unknown decision or no reason."""
    comment = _comment(actor, comment_id)
    reason = (reason or "").strip()
    if decision not in DECISIONS:
        raise Invalid(_l("请选择采纳、部分采纳或未采纳。"))
    if not reason:
        raise Invalid(_l("请说明理由。"))
    comment.decision, comment.answer = decision, reason
    record(actor, "consultation.answer", "consultation_comment", comment.id, context=context,
           detail={"decision": decision})
    db.session.commit()
    return comment


def submit_report(actor, consultation_id: int, summary: str, *, context: Context = Context()) -> Consultation:
    """Put the adoption report (every answered comment, grouped by decision) into review. Commits.
    :raises Conflict: before the period ends, or with comments unanswered."""
    item = get_consultation(actor, consultation_id)
    authorize(actor, "zoning.edit", item.district_id)
    _check_reportable(item)
    answers = [{"comment": c.id, "category": c.category, "address": c.address, "body": c.body,
                "decision": c.decision, "reason": c.answer}
               for c in sorted(item.comments, key=lambda c: (list(DECISIONS).index(c.decision or "adopted"), c.id))
               if c.status != "hidden"]
    data = {"plan": item.plan_id, "days": item.days, "reason": item.short_reason,
            "report": {"summary": (summary or "").strip(), "answers": answers}}
    revision = content.save_draft(actor, CONSULTATION, item, data, context=context)
    db.session.commit()
    content.submit_revision(actor, revision.id, context=context)
    return item


def shown_comments(item: Consultation) -> list[ConsultationComment]:
    return [c for c in item.comments if c.status == "shown"]
