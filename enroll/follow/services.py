"""Telling families (issue 17): follow an address by e-mail, be told when a consultation opens or a
plan is published that changes its school, and the mail queue that ``flask mail send`` empties.

- Following: an e-mail address and an address of a district, nothing else. Double opt-in: nothing is
  sent but the confirmation until its link is followed. Every message carries a one-click
  unsubscribe link (and ``List-Unsubscribe`` headers); its token is signed with the secret key and
  names only the follow's number, never the e-mail or the address. Unsubscribing deletes the row.
- Telling: ``tell_followers`` looks up each confirmed follow's address in every consultation opened
  and every plan published since the last run (``Told`` remembers), beside the plan it would
  replace, and queues a message where the schools differ, with before → after and the basis of each.
- Sending: ``send_queued`` sends what is due through SMTP, one commit a message (a restart loses
  nothing, at worst one message goes twice); a failure is retried after 2, 4, 8 … minutes, and
  after 8 attempts the message is kept as failed. Sent messages are deleted after 30 days.
"""
from __future__ import annotations

import re
import smtplib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import delete, select

from enroll.core.context import Context
from enroll.core.errors import BadRequest, Invalid
from enroll.core.i18n import _l
from enroll.districts.services import get_district
from enroll.extensions import db
from enroll.follow.models import Follow, MailMessage, Told
from enroll.geo.address import normalize
from enroll.lookup.services import answer_beside
from enroll.review.services import record
from enroll.zoning.models import Consultation
from enroll.zoning.public import replaced_plan
from enroll.zoning.services import STAGE_LABELS, all_published_plans, base_plan

EMAIL = re.compile(r"[^@\s<>\"',;]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
CONFIRM_DAYS, MAX_ATTEMPTS, KEEP_SENT_DAYS = 7, 8, 30


@dataclass(frozen=True)
class Links:
    """Where the messages point: the site's address (``ENROLL_BASE_URL``) and the key that signs tokens."""

    base_url: str
    secret: str

    def _token(self, salt: str, follow_id: int, timed: bool = False) -> str:
        kind = URLSafeTimedSerializer if timed else URLSafeSerializer
        return kind(self.secret, salt=salt).dumps(follow_id)

    def confirm(self, follow: Follow) -> str:
        return f"{self.base_url.rstrip('/')}/follow/confirm/{self._token('follow-confirm', follow.id, True)}"

    def unsubscribe(self, follow: Follow) -> str:
        return f"{self.base_url.rstrip('/')}/follow/unsubscribe/{self._token('follow-unsubscribe', follow.id)}"

    def page(self, path: str) -> str:
        return f"{self.base_url.rstrip('/')}{path}"


def _now() -> datetime:
    return datetime.now(UTC)


def _queue(follow: Follow, links: Links, subject: str, body: str) -> None:
    unsubscribe = links.unsubscribe(follow)
    body += "\n\n" + str(_l("不想再收到这类邮件？一键退订：%(link)s", link=unsubscribe))
    db.session.add(MailMessage(to_addr=follow.email, subject=subject, body=body, headers={
        "List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}))


def follow_address(district_code: str, email: str, address: str, links: Links, *,
                   context: Context = Context()) -> None:
    """Ask to follow an address: queues the confirmation message. Commits. The answer is the same
    whether or not the address was followed already, so nobody learns who follows what.

    :raises Invalid: an e-mail address or an address that cannot be right."""
    district = get_district(district_code)
    email, address = (email or "").strip(), normalize(address or "")
    if len(email) > 254 or not EMAIL.fullmatch(email):
        raise Invalid(_l("请填写正确的电子邮件地址。"))
    if not address or len(address) > 200:
        raise Invalid(_l("请填写要关注的地址（例如：学院路130号）。"))
    follow = db.session.scalar(select(Follow).where(
        Follow.district_id == district.id, Follow.email == email, Follow.address == address))
    if follow is None:
        follow = Follow(district_id=district.id, district=district, email=email, address=address)
        db.session.add(follow)
        db.session.flush()
    _queue(follow, links, str(_l("请确认：关注%(district)s %(address)s 的划片变化", district=district.name, address=address)),
           str(_l("有人（希望是您）请求在%(district)s的划片可能改变 %(address)s 的对口学校时（征求意见或发布新方案），"
                  "通过这个邮箱通知您。\n\n确认关注（%(days)s 天内有效）：%(link)s\n\n如果不是您本人，请忽略本邮件，我们不会再发送。",
                  district=district.name, address=address, days=CONFIRM_DAYS, link=links.confirm(follow))))
    record(None, "follow.request", "follow", follow.id, context=context)  # no e-mail or address in the log
    db.session.commit()


def confirm_follow(token: str, secret: str, *, context: Context = Context()) -> Follow:
    """Follow the confirmation link. Commits. :raises Invalid: a forged, expired or spent token."""
    try:
        follow_id = URLSafeTimedSerializer(secret, salt="follow-confirm").loads(token, max_age=CONFIRM_DAYS * 86400)
    except SignatureExpired:
        raise Invalid(_l("确认链接已过期，请重新提交关注。")) from None
    except BadSignature:
        raise Invalid(_l("链接无效。")) from None
    follow = db.session.get(Follow, follow_id)
    if follow is None:
        raise Invalid(_l("这个关注已经退订，请重新提交关注。"))
    if follow.confirmed_at is None:
        follow.confirmed_at = _now()
        record(None, "follow.confirm", "follow", follow.id, context=context)
        db.session.commit()
    return follow


def unsubscribe(token: str, secret: str, *, context: Context = Context()) -> None:
    """Delete a follow (the e-mail and address with it). Commits; a second time does nothing.
    :raises Invalid: a forged token."""
    try:
        follow_id = URLSafeSerializer(secret, salt="follow-unsubscribe").loads(token)
    except BadSignature:
        raise Invalid(_l("链接无效。")) from None
    follow = db.session.get(Follow, follow_id)
    if follow is not None:
        db.session.delete(follow)
        record(None, "follow.unsubscribe", "follow", follow_id, context=context)
        db.session.commit()


def _schools(result) -> tuple[int, ...]:
    return tuple(sorted({m.school_id for m in result.matches})) if result is not None else ()


def _describe(result) -> str:
    if result is None or not result.matches:
        return str(_l("没有对口学校"))
    return "；".join(f"{m.school_name}（" + (str(_l("依据划片文字第 %(line)s 行：%(text)s", line=m.line, text=m.text))
                                            if m.basis == "rule" else str(_l("依据片区：%(label)s", label=m.text))) + "）"
                    for m in result.matches)


def _confirmed(district_id: int) -> list[Follow]:
    return list(db.session.scalars(select(Follow).where(Follow.district_id == district_id,
                                                        Follow.confirmed_at.is_not(None))))


def _untold(kind: str, ids: list[int]) -> list[int]:
    told = set(db.session.scalars(select(Told.object_id).where(Told.kind == kind, Told.object_id.in_(ids)))) if ids else set()
    return [i for i in ids if i not in told]


def _changes(follows: list[Follow], answer) -> Iterator[tuple[Follow, object]]:
    """(follow, DraftAnswer) of every follow whose schools differ between the two answers."""
    for follow in follows:
        try:
            found = answer(follow.address)
        except BadRequest:
            continue  # an address that no longer reads as one: nothing to tell
        if _schools(found.draft) != _schools(found.published):
            yield follow, found


def tell_followers(links: Links) -> int:
    """Queue a message to every confirmed follow whose school a consultation opened or a plan
    published since the last run would change. Commits. :returns: the messages queued."""
    queued = 0
    opened = {c.id: c for c in db.session.scalars(select(Consultation).where(Consultation.opens_at.is_not(None)))}
    for consultation_id in _untold("consultation", list(opened)):
        item = opened[consultation_id]
        plan, district = item.plan, item.district
        current = base_plan(plan)  # what the draft would replace (the diff itself is not needed here)
        for follow, found in _changes(_confirmed(district.id),
                                      lambda a, plan=plan, current=current: answer_beside(plan, current, text=a)):
            _queue(follow, links, str(_l("征求意见：%(address)s 的对口学校可能改变", address=follow.address)), str(_l(
                "%(district)s %(year)s 年%(stage)s划片方案（征求意见稿）公开征求意见，至 %(end)s 截止。"
                "按征求意见稿，%(address)s 的对口学校将改变：\n\n现在：%(before)s\n征求意见稿：%(after)s\n\n"
                "查看并提出意见：%(link)s", district=district.name, year=plan.year, stage=STAGE_LABELS[plan.stage],
                end=item.closes_at.strftime("%Y-%m-%d %H:%M UTC"), address=follow.address,
                before=_describe(found.published), after=_describe(found.draft),
                link=links.page(f"/d/{district.code}/consultations/{item.id}"))))
            queued += 1
        db.session.add(Told(kind="consultation", object_id=consultation_id))
    plans = {p.id: p for p in all_published_plans()}
    for plan_id in _untold("plan", list(plans)):
        plan = plans[plan_id]
        old = replaced_plan(plan)
        if old is not None:
            district = plan.district
            for follow, found in _changes(_confirmed(district.id),
                                          lambda a, plan=plan, old=old: answer_beside(plan, old, text=a)):
                _queue(follow, links, str(_l("划片已发布：%(address)s 的对口学校改变", address=follow.address)), str(_l(
                    "%(district)s %(year)s 年%(stage)s划片方案（第 %(version)s 版）已发布。%(address)s 的对口学校改变：\n\n"
                    "原来：%(before)s\n现在：%(after)s\n\n详情：%(link)s", district=district.name, year=plan.year,
                    stage=STAGE_LABELS[plan.stage], version=plan.version, address=follow.address,
                    before=_describe(found.published), after=_describe(found.draft),
                    link=links.page(f"/d/{district.code}/{plan.year}/{plan.stage}/changes"))))
                queued += 1
        db.session.add(Told(kind="plan", object_id=plan_id))
    db.session.commit()
    return queued


@dataclass(frozen=True)
class Smtp:
    """How to reach the mail server (``ENROLL_SMTP_*``, ``ENROLL_MAIL_FROM``)."""

    host: str
    port: int = 25
    user: str = ""
    password: str = ""
    security: str = "none"  # none | starttls | ssl
    sender: str = "noreply@localhost"

    def connect(self) -> smtplib.SMTP:
        client = (smtplib.SMTP_SSL if self.security == "ssl" else smtplib.SMTP)(self.host, self.port, timeout=30)
        if self.security == "starttls":
            client.starttls()
        if self.user:
            client.login(self.user, self.password)
        return client


def send_queued(smtp: Smtp, limit: int = 500) -> tuple[int, int]:
    """Send what is due; retry failures later. Commits after each message. :returns: (sent, failed now)."""
    now = _now()
    due = list(db.session.scalars(select(MailMessage).where(
        MailMessage.sent_at.is_(None), MailMessage.failed_at.is_(None), MailMessage.next_attempt_at <= now,
    ).order_by(MailMessage.id).limit(limit)))
    sent = failed = 0
    client, problem = None, None
    if due:
        try:
            client = smtp.connect()
        except (OSError, smtplib.SMTPException) as exc:
            problem = exc
    for message in due:
        try:
            if client is None:
                raise problem
            mail = EmailMessage()
            mail["From"], mail["To"], mail["Subject"] = smtp.sender, message.to_addr, message.subject
            for name, value in message.headers.items():
                mail[name] = value
            mail.set_content(message.body)
            client.send_message(mail)
            message.sent_at = _now()
            sent += 1
        except (OSError, smtplib.SMTPException) as exc:
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if message.attempts >= MAX_ATTEMPTS:
                message.failed_at = _now()
            else:
                message.next_attempt_at = _now() + timedelta(minutes=2 ** message.attempts)
            failed += 1
        db.session.commit()
    if client is not None:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            pass
    db.session.execute(delete(MailMessage).where(MailMessage.sent_at < now - timedelta(days=KEEP_SENT_DAYS)))
    db.session.commit()
    return sent, failed

