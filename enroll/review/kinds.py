"""The kinds of content that go through the one review workflow (``enroll.review.content``).

Domains describe their content with a ``ContentKind`` and ``register`` it; the workflow never
imports them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ContentKind:
    """What the workflow needs to know about one kind of content.

    :param name: the revisions' ``object_type``.
    :param model: the item's ORM class (with ``PublishedMixin``, ``id`` and ``district_id``; a
        ``school_id`` when school editors may edit it).
    :param permission: ``<permission>.edit`` writes and submits, ``<permission>.review`` approves,
        rejects and withdraws (see ``enroll.core.security``).
    :param fields: data key → label, in display order (history and review diffs).
    :param apply: copies a revision's data onto the item when it is published.
    :param title: a display title for an item and revision data.
    :param before_publish: ``(actor, item, revision, context)``, may raise Conflict or publish
        linked items in the same transaction (三同步).
    :param before_withdraw: ``(actor, item, linked)``, may raise Conflict (``linked``: withdrawn with another item).
    :param after_withdraw: ``(actor, item, context)``.
    :param edit_endpoint: the bureau page that edits an item (endpoint name; ``edit_args(item)`` its arguments).
    :param public_endpoint: the public page of an item (endpoint name; ``public_args(item)`` its arguments).
    :param html_fields: data keys holding sanitized HTML (shown rendered in reviews).
    :param attachment_endpoint: where reviewers open the files a revision lists, if it has any.
    :param private_fields: data keys holding children's personal data (lists): never in site search.
    :param present: ``(key, value)`` → the value as reviewers read it (codes as labels; a list of
        mappings shows as a table with the mappings' keys as column headings).
    :param before_submit: ``(actor, item, revision, context)``, may raise Conflict (a draft that is
        not ready for review).
    :param before_discard: ``(item, revision)``, removes what the draft owns before it is deleted.
    :param review_endpoint: a page of the kind's own that shows a revision to its editors and
        reviewers instead of the generic one (endpoint taking ``revision_id``), e.g. a zoning plan
        with its map, validation report and clause diff.
    :param history_endpoint: a public version history of the kind's own (taking ``public_args``),
        where the generic one sends its readers.
    :param computed_fields: data keys the service computes, never written by people (hashes,
        seeds): not scanned for personal data (``review.publishable``), which every other key is.
    :param office_fields: data keys holding an office's own e-mail address, which may be published.
    :param redraft: ``(actor, item, withdrawn revision, note, context)`` → the draft that republishes
        a withdrawn version (重新发布), for a kind whose revisions own rows of their own (a zoning
        plan); by default the withdrawn version's data is saved as a new draft.
    :param withdrawn_with: ``(item)`` → ``(kind, item)`` of the items withdrawing it takes off the
        public pages too (``after_withdraw``): named on the confirmation page, republished with it.
    :param source_fields: data keys (at any depth) holding what an HTML field was written as (its
        Markdown), kept for the edit form: searched and shown as the HTML made from it, not as itself.
    """

    name: str
    model: type
    permission: str
    label: object
    fields: dict[str, object]
    apply: Callable[[object, dict], None]
    title: Callable[[object, dict], str]
    before_publish: Callable | None = None
    before_withdraw: Callable | None = None
    after_withdraw: Callable | None = None
    edit_endpoint: str | None = None
    edit_args: Callable[[object], dict] | None = None
    public_endpoint: str | None = None
    public_args: Callable[[object], dict] | None = None
    html_fields: tuple[str, ...] = ("body",)
    attachment_endpoint: str | None = None  # a revision's attachment for its reviewers (revision_id, attachment_id)
    private_fields: tuple[str, ...] = ()
    present: Callable[[str, object], object] | None = None
    before_discard: Callable | None = None
    before_submit: Callable | None = None
    review_endpoint: str | None = None
    history_endpoint: str | None = None
    computed_fields: tuple[str, ...] = ()
    office_fields: tuple[str, ...] = ()
    source_fields: tuple[str, ...] = ("body_markdown",)
    redraft: Callable | None = None
    withdrawn_with: Callable[[object], list] | None = None


KINDS: dict[str, ContentKind] = {}


def register(kind: ContentKind) -> ContentKind:
    KINDS[kind.name] = kind
    return kind


def scope(item) -> tuple[int | None, int | None]:
    """(district id, school id) an item belongs to."""
    return item.district_id, getattr(item, "school_id", None)


