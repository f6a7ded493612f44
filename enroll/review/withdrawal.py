"""Taking published content off the public pages, and putting it back through review (重新发布).

Withdrawing is confirmed on a page that names what leaves the public pages (:func:`withdrawal_of`);
``content.withdraw_item`` does it. A withdrawn version is never published again as it is:
:func:`republish_item` makes a new draft from its data, which is submitted, approved by a second
person and published like any other. Both versions stay in the public history.
"""
from __future__ import annotations

from dataclasses import dataclass

from enroll.core.context import Context
from enroll.core.errors import Conflict, NotFound
from enroll.core.i18n import _l
from enroll.core.security import authorize
from enroll.extensions import db
from enroll.review import states
from enroll.review.content import (
    commit_or_conflict,
    open_revision,
    published_revision,
    save_draft,
    withdrawn_revision,
)
from enroll.review.kinds import ContentKind, scope
from enroll.review.models import Revision
from enroll.review.services import record


@dataclass
class Leaving:
    """A published item a withdrawal takes off the public pages."""

    kind: ContentKind
    item: object
    revision: Revision
    title: str


def linked(kind: ContentKind, item) -> list[tuple[ContentKind, object]]:
    """The items withdrawn together with ``item`` (``kind.withdrawn_with``), whatever their status."""
    return [(k, i) for k, i in (kind.withdrawn_with(item) if kind.withdrawn_with else []) if i is not None]


def withdrawal_of(actor, kind: ContentKind, item_id: int) -> list[Leaving]:
    """What withdrawing an item takes off the public pages: the item first, then the items
    withdrawn with it, for the confirmation page.

    :raises NotFound: no such item. :raises Forbidden: without ``<permission>.review`` in its scope.
    :raises Conflict: it is not published.
    """
    item = db.session.get(kind.model, item_id)
    if item is None:
        raise NotFound(_l("该内容不存在。"))
    authorize(actor, f"{kind.permission}.review", *scope(item))
    if published_revision(kind, item.id) is None:
        raise Conflict(_l("只有已发布的内容才能撤下。"))
    leaving = []
    for k, i in [(kind, item), *linked(kind, item)]:
        revision = published_revision(k, i.id)
        if revision is not None:
            leaving.append(Leaving(k, i, revision, str(k.title(i, revision.data))))
    return leaving


def republish_item(actor, kind: ContentKind, item_id: int, note: str = "", *,
                   context: Context = Context()) -> Revision:
    """A new draft from the item's withdrawn version (重新发布), to be submitted, approved by a second
    person and published as any draft; the items withdrawn with it get theirs too. Commits.

    The actor is the draft's author, so never its approver. Audited as ``content.republish`` (with
    the withdrawn version's number) beside the draft's ``content.save``.

    :returns: the item's new draft.
    :raises NotFound: no such item. :raises Forbidden: without ``<permission>.edit`` in its scope.
    :raises Conflict: it is not withdrawn, or it already has a draft or a version in review.
    :raises Invalid: the withdrawn data no longer passes the checks for personal data.
    """
    return commit_or_conflict(lambda: _redraft(actor, kind, item_id, (note or "").strip(), context))


def _redraft(actor, kind: ContentKind, item_id: int, note: str, context: Context) -> Revision:
    item = db.session.get(kind.model, item_id, with_for_update=True, populate_existing=True)
    if item is None:
        raise NotFound(_l("该内容不存在。"))
    authorize(actor, f"{kind.permission}.edit", *scope(item))
    withdrawn = withdrawn_revision(kind, item.id)
    if item.status != states.WITHDRAWN or withdrawn is None:
        raise Conflict(_l("只有已撤下的内容才能重新发布。"))
    if open_revision(kind, item.id) is not None:
        raise Conflict(_l("该内容已有草稿或正在审核的版本：请在那一版上修改并提交审核。"))
    if kind.redraft is not None:
        revision = kind.redraft(actor, item, withdrawn, note, context)
    else:
        revision = save_draft(actor, kind, item, dict(withdrawn.data), note, context=context)
    record(actor, "content.republish", "revision", revision.id, context=context,
           detail={"type": kind.name, "object": item.id, "number": revision.number, "from": withdrawn.number})
    for other_kind, other in linked(kind, item):
        if other.status == states.WITHDRAWN and open_revision(other_kind, other.id) is None:
            _redraft(actor, other_kind, other.id, note, context)
    return revision
