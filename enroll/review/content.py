"""One review workflow for every kind of published content (先审后发).

A content item (a policy document, a school profile, ...) keeps in its own table what the public
sees. Every change is a ``Revision``: draft → in_review → published (the previous one superseded),
rejected back to draft with a reason, recalled by its author, or withdrawn from the public. The
approver is never anyone who wrote or submitted that revision. Every step writes an audit event in
the same transaction.

Domains describe their content with a ``ContentKind`` and register it here; this module never
imports them. ``save_draft`` adds to the session for the domain service to commit; the
transitions are whole use cases and commit.
"""
from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from enroll.core.context import Context
from enroll.core.errors import Conflict, DomainError, Invalid, NotFound
from enroll.core.html import html_to_text
from enroll.core.i18n import _l
from enroll.core.security import authorize, can
from enroll.extensions import db
from enroll.geo.address import to_simplified
from enroll.review import states
from enroll.review.history import Change, HistoryEntry, changes, history  # noqa: F401 (part of this module's API)
from enroll.review.kinds import KINDS, ContentKind, register, scope  # noqa: F401 (part of this module's API)
from enroll.review.models import AuditEvent, Revision
from enroll.review.publishable import refuse_personal_data
from enroll.review.services import record, require, transition

OPEN_STATUSES = (states.DRAFT, states.IN_REVIEW)


def search_text(kind: ContentKind, item, data: dict) -> str:
    """Everything a reader could search for in a revision: its title and every text value (HTML
    reduced to its text, translations included), lower-cased, traditional characters simplified."""
    parts = [str(kind.title(item, data))]

    def walk(key, value):
        if isinstance(value, str):
            parts.append(html_to_text(value) if key in kind.html_fields else value)
        elif isinstance(value, dict):
            for k, v in value.items():
                if k not in kind.source_fields:
                    walk(k, v)
        elif isinstance(value, list):
            for v in value:
                walk(key, v)

    for key, value in data.items():
        if key not in kind.private_fields and key not in kind.source_fields:
            walk(key, value)
    return to_simplified("\n".join(p for p in parts if p)).lower()


def reindex() -> int:
    """Recompute ``search_text`` of every published revision. Commits. :returns: how many."""
    count = 0
    for revision in db.session.scalars(select(Revision).where(Revision.status == states.PUBLISHED)):
        kind = KINDS.get(revision.object_type)
        item = kind and db.session.get(kind.model, revision.object_id)
        if item is not None:
            revision.search_text = search_text(kind, item, revision.data)
            count += 1
    db.session.commit()
    return count


def data_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def revisions_of(kind: ContentKind, item_id: int) -> list[Revision]:
    return list(db.session.scalars(select(Revision).where(
        Revision.object_type == kind.name, Revision.object_id == item_id).order_by(Revision.number)))


def open_revision(kind: ContentKind, item_id: int) -> Revision | None:
    """The item's draft or revision in review (there is at most one)."""
    return db.session.scalar(select(Revision).where(
        Revision.object_type == kind.name, Revision.object_id == item_id, Revision.status.in_(OPEN_STATUSES)))


def published_revision(kind: ContentKind, item_id: int) -> Revision | None:
    return db.session.scalar(select(Revision).where(
        Revision.object_type == kind.name, Revision.object_id == item_id, Revision.status == states.PUBLISHED))


def withdrawn_revision(kind: ContentKind, item_id: int) -> Revision | None:
    """The version last withdrawn from the public pages (what republishing starts from)."""
    return db.session.scalar(select(Revision).where(
        Revision.object_type == kind.name, Revision.object_id == item_id, Revision.status == states.WITHDRAWN)
        .order_by(Revision.number.desc()).limit(1))


def current_revision(kind: ContentKind, item) -> Revision | None:
    """What an edit form starts from: the item's open draft, else what is published (None for no item)."""
    if item is None:
        return None
    return open_revision(kind, item.id) or published_revision(kind, item.id)


def save_draft(actor, kind: ContentKind, item, data: dict, note: str = "", *,
               context: Context = Context()) -> Revision:
    """Write ``data`` into the item's draft, starting one when there is none. Does not commit.

    :raises Forbidden: without ``<permission>.edit`` in the item's scope.
    :raises Invalid: an ID number, mobile number or personal e-mail address anywhere in ``data``
        or ``note`` (``review.publishable``), naming the field and where in it.
    :raises Conflict: while a revision is in review (recall it first).
    """
    authorize(actor, f"{kind.permission}.edit", *scope(item))
    refuse_personal_data(kind, data, note)
    db.session.flush()  # a new item needs its id
    revision = open_revision(kind, item.id)
    if revision is not None:  # row-locked and re-read (PostgreSQL): a concurrent submit wins, then we see it
        revision = db.session.get(Revision, revision.id, with_for_update=True, populate_existing=True)
    if revision is not None and revision.status != states.DRAFT:
        raise Conflict(_l("该内容正在审核中，请先撤回再修改。"))
    if revision is None:
        number = 1 + (db.session.scalar(select(func.max(Revision.number)).where(
            Revision.object_type == kind.name, Revision.object_id == item.id)) or 0)
        district_id, school_id = scope(item)
        revision = Revision(object_type=kind.name, object_id=item.id, number=number, status=states.DRAFT,
                            district_id=district_id, school_id=school_id, created_by_id=actor.id)
        db.session.add(revision)
    revision.data, revision.note, revision.updated_at = data, (note or "").strip(), _now()
    db.session.flush()
    record(actor, "content.save", "revision", revision.id, context=context,
           detail={"type": kind.name, "object": item.id, "number": revision.number, "data": data_hash(data)})
    return revision


@dataclass
class Found:
    revision: Revision
    kind: ContentKind
    item: object


def _locate(revision_id: int, *, lock: bool = False) -> Found:
    revision = db.session.get(Revision, revision_id, with_for_update=lock, populate_existing=lock)
    if revision is None or revision.object_type not in KINDS:
        raise NotFound(_l("该版本不存在。"))
    kind = KINDS[revision.object_type]
    item = db.session.get(kind.model, revision.object_id, with_for_update=lock, populate_existing=lock)
    if item is None:
        raise NotFound(_l("该版本不存在。"))
    return Found(revision, kind, item)


def _locked(actor, revision_id: int, action: str, version: int | None = None) -> Found:
    """The revision and its item, row-locked until commit (PostgreSQL), after the permission and
    state checks.

    :param version: the revision's ``lock_version`` as the actor saw it (a page's hidden field).
    :raises NotFound, Forbidden, Conflict: also when the revision changed since ``version``.
    """
    found = _locate(revision_id, lock=True)
    verb = "review" if action in ("approve", "reject") else "edit"
    authorize(actor, f"{found.kind.permission}.{verb}", *scope(found.item))
    if version is not None and version != found.revision.lock_version:
        raise Conflict(_l("这一版在您打开页面之后已被修改或处理过，请查看下面的最新内容后再操作。"), code="stale")
    require(found.revision, action)
    return found


def can_manage(actor, kind: ContentKind, district_id: int | None, school_id: int | None = None) -> bool:
    """Whether ``actor`` edits or reviews this kind of content in that scope (and so sees its drafts)."""
    return any(can(actor, f"{kind.permission}.{verb}", district_id, school_id) for verb in ("edit", "review"))


def can_see(actor, kind: ContentKind, item) -> bool:
    """Whether ``actor`` may read the item's drafts: its editors and reviewers."""
    return can_manage(actor, kind, *scope(item))


def get_revision(actor, revision_id: int) -> Found:
    """A revision for its editors and reviewers. :raises NotFound: for anyone else, so drafts do not leak."""
    found = _locate(revision_id)
    if not can_see(actor, found.kind, found.item):
        raise NotFound(_l("该版本不存在。"))
    return found


def _refusal_leaves_nothing(use_case):
    """A use case whose refusal (a domain error) leaves nothing of it in the session, nor its row
    locks: the page that says so shows things as they are."""
    @functools.wraps(use_case)
    def run(*args, **kwargs):
        try:
            return use_case(*args, **kwargs)
        except DomainError:
            db.session.rollback()
            raise
    return run


def _audit(actor, action: str, found: Found, context: Context, **detail) -> None:
    record(actor, f"content.{action}", "revision", found.revision.id, context=context,
           detail={"type": found.kind.name, "object": found.item.id, "number": found.revision.number, **detail})


@_refusal_leaves_nothing
def submit_revision(actor, revision_id: int, *, context: Context = Context(), version: int | None = None) -> Revision:
    """draft → in_review."""
    found = _locked(actor, revision_id, "submit", version)
    if found.kind.before_submit is not None:
        found.kind.before_submit(actor, found.item, found.revision, context)
    transition(found.revision, "submit")
    found.revision.submitted_by_id, found.revision.submitted_at = actor.id, _now()
    found.revision.reject_reason = ""
    _audit(actor, "submit", found, context, data=data_hash(found.revision.data))
    commit_or_conflict()
    return found.revision


@_refusal_leaves_nothing
def recall_revision(actor, revision_id: int, *, context: Context = Context(), version: int | None = None) -> Revision:
    """in_review → draft, by its editors (to change it before review)."""
    found = _locked(actor, revision_id, "recall", version)
    transition(found.revision, "recall")
    _audit(actor, "recall", found, context)
    commit_or_conflict()
    return found.revision


@_refusal_leaves_nothing
def reject_revision(actor, revision_id: int, reason: str, *, context: Context = Context(),
                    version: int | None = None) -> Revision:
    """in_review → draft with the reviewer's reason. :raises Invalid: without a reason."""
    found = _locked(actor, revision_id, "reject", version)
    if not (reason or "").strip():
        raise Invalid(_l("退回时必须填写理由。"), field="reason")
    transition(found.revision, "reject")
    found.revision.reject_reason, found.revision.reviewed_by_id = reason.strip(), actor.id
    _audit(actor, "reject", found, context, reason=reason.strip())
    commit_or_conflict()
    return found.revision


def took_part(actor, revision: Revision) -> bool:
    """Whether ``actor`` wrote or submitted this revision, in any round of review."""
    if actor.id in (revision.created_by_id, revision.submitted_by_id):
        return True
    return db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.object_type == "revision", AuditEvent.object_id == str(revision.id),
        AuditEvent.actor_id == actor.id, AuditEvent.action.in_(("content.save", "content.submit"))
    ).limit(1)) is not None


def publish(actor, found: Found, context: Context, *, linked: bool = False) -> None:
    """Publish an approved revision onto its item, superseding the previous one. Does not commit.

    :param linked: published as part of another item's approval (its ``before_publish`` is skipped).
    :raises Conflict: the actor took part in the revision, the revision holds personal data
        (scanned again, whatever the draft went through), or ``before_publish`` refuses.
    """
    revision, kind, item = found.revision, found.kind, found.item
    require(revision, "approve")
    if took_part(actor, revision):
        raise Conflict(_l("审核人不能是起草或提交该版本的人（先审后发须由第二人审核）。"))
    refuse_personal_data(kind, revision.data, revision.note, publishing=True)
    if kind.before_publish is not None and not linked:
        kind.before_publish(actor, item, revision, context)
    previous = published_revision(kind, item.id)
    if previous is not None:
        transition(previous, "supersede")
        db.session.flush()  # the old row first, so the one-published-per-item index holds
    transition(revision, "approve")
    now = _now()
    revision.reviewed_by_id, revision.published_at = actor.id, now
    kind.apply(item, revision.data)
    revision.search_text = search_text(kind, item, revision.data)
    item.status, item.version, item.published_at = states.PUBLISHED, revision.number, now
    item.first_published_at = item.first_published_at or now
    _audit(actor, "approve", found, context, replaces=previous.number if previous else None,
           data=data_hash(revision.data))


def commit_or_conflict(work: Callable[[], object] | None = None):
    """Do ``work`` (the writes of a use case) and commit. One that lost a race with another writer
    of the same rows (a stale read, StaleDataError at a flush; a second published version or item,
    IntegrityError) is a conflict, not a 500. A refusal (a domain error) leaves nothing of ``work``
    in the session, so the page that says so shows things as they are. :returns: what ``work`` returned."""
    try:
        result = work() if work is not None else None
        db.session.commit()
        return result
    except DomainError:
        db.session.rollback()
        raise
    except (IntegrityError, StaleDataError):
        db.session.rollback()
        raise Conflict(_l("该内容刚刚被其他人处理（例如另一版本已发布），请刷新后重试。")) from None


@_refusal_leaves_nothing
def approve_revision(actor, revision_id: int, *, context: Context = Context(), version: int | None = None) -> Revision:
    """in_review → published, exclusively: of two reviewers approving at once (in two processes,
    on PostgreSQL or SQLite) exactly one succeeds. :raises Conflict: see :func:`publish`; a
    concurrent approval."""
    found = _locked(actor, revision_id, "approve", version)
    commit_or_conflict(lambda: publish(actor, found, context))
    return found.revision


def publish_linked(actor, kind: ContentKind, item_id: int, context: Context) -> bool:
    """Publish another item's revision in review within the current approval (三同步).

    :returns: False when that item has no revision in review.
    """
    revision = open_revision(kind, item_id)
    if revision is None or revision.status != states.IN_REVIEW:
        return False
    found = _locate(revision.id, lock=True)
    authorize(actor, f"{kind.permission}.review", *scope(found.item))
    publish(actor, found, context, linked=True)
    return True


@_refusal_leaves_nothing
def withdraw_item(actor, kind: ContentKind, item_id: int, reason: str, *, context: Context = Context(),
                  version: int | None = None):
    """published → withdrawn: the item leaves the public pages (its history stays). Commits.

    :param version: the number of the published version the actor confirmed withdrawing.
    :raises Invalid: without a reason. :raises Conflict: when it is not published, or another
        version than ``version`` is published now.
    """
    item = db.session.get(kind.model, item_id, with_for_update=True, populate_existing=True)
    if item is None:
        raise NotFound(_l("该内容不存在。"))
    authorize(actor, f"{kind.permission}.review", *scope(item))
    if not (reason or "").strip():
        raise Invalid(_l("撤下已发布的内容时必须填写理由。"), field="reason")
    if version is not None and item.status == states.PUBLISHED and item.version != version:
        raise Conflict(_l("您确认撤下的是第 %(confirmed)d 版，现在公开的已是第 %(current)d 版：请看清后再确认。",
                          confirmed=version, current=item.version), code="stale")
    commit_or_conflict(lambda: withdraw_published(actor, kind, item, reason.strip(), context))
    return item


def withdraw_published(actor, kind: ContentKind, item, reason: str, context: Context, *, linked: bool = False) -> None:
    """Withdraw an item's published revision, within the caller's transaction. :raises Conflict:"""
    revision = published_revision(kind, item.id)
    if revision is None:
        raise Conflict(_l("只有已发布的内容才能撤下。"))
    if kind.before_withdraw is not None:
        kind.before_withdraw(actor, item, linked)
    transition(revision, "withdraw")
    item.status = states.WITHDRAWN
    _audit(actor, "withdraw", Found(revision, kind, item), context, reason=reason)
    if kind.after_withdraw is not None:
        kind.after_withdraw(actor, item, context)


@_refusal_leaves_nothing
def discard_revision(actor, revision_id: int, *, context: Context = Context(), version: int | None = None) -> None:
    """Delete a draft; an item that was never published goes with its only draft. Commits."""
    found = _locked(actor, revision_id, "discard", version)
    _audit(actor, "discard", found, context)
    if found.kind.before_discard is not None:
        found.kind.before_discard(found.item, found.revision)
    db.session.delete(found.revision)
    try:
        db.session.flush()
        if found.item.status == states.DRAFT and not revisions_of(found.kind, found.item.id):
            db.session.delete(found.item)
            db.session.flush()
    except IntegrityError:  # something else still refers to the item (a document's interpretation)
        db.session.rollback()
        raise Conflict(_l("还有内容关联到它（例如该文件的政策解读），请先删除那些草稿。")) from None
    db.session.commit()


@dataclass
class PublicHistory:
    kind: ContentKind
    item: object
    title: str
    entries: list[HistoryEntry]


def public_history(kind_name: str, item_id: int) -> PublicHistory:
    """The version history of a published item. :raises NotFound: for anything not published now."""
    kind = KINDS.get(kind_name)
    item = kind and db.session.get(kind.model, item_id)
    if item is None or item.status != states.PUBLISHED or kind.public_endpoint is None:
        raise NotFound(_l("该内容不存在或尚未发布。"))
    published = published_revision(kind, item.id)
    return PublicHistory(kind, item, str(kind.title(item, published.data)), history(kind, item.id))


def pending(actor, statuses: tuple[str, ...]) -> list[Found]:
    """Revisions in ``statuses`` the actor may act on: in review for reviewers, drafts for editors."""
    verb = "review" if statuses == (states.IN_REVIEW,) else "edit"
    found = []
    for revision in db.session.scalars(select(Revision).where(Revision.status.in_(statuses))
                                       .order_by(Revision.updated_at.desc())):
        kind = KINDS.get(revision.object_type)
        if kind is not None and can(actor, f"{kind.permission}.{verb}", revision.district_id, revision.school_id):
            item = db.session.get(kind.model, revision.object_id)
            if item is not None:
                found.append(Found(revision, kind, item))
    return found
