"""Who may do what: roles and the permission check shared by web, API and CLI.

Works on any object with ``role``, ``district_id``, ``school_id`` and ``active`` attributes, so it
needs no model. District roles act within their district; a school editor only on their school.
"""
from __future__ import annotations

from enroll.core.errors import Forbidden
from enroll.core.i18n import _l

CITY_ADMIN = "city_admin"
DISTRICT_EDITOR = "district_editor"
DISTRICT_REVIEWER = "district_reviewer"
SCHOOL_EDITOR = "school_editor"
AUDITOR = "auditor"
ROLES = (CITY_ADMIN, DISTRICT_EDITOR, DISTRICT_REVIEWER, SCHOOL_EDITOR, AUDITOR)

# action -> roles allowed (within their district unless city admin)
PERMISSIONS: dict[str, frozenset[str]] = {
    "zoning.edit": frozenset({CITY_ADMIN, DISTRICT_EDITOR}),    # uploads, 划片 text, submit
    "zoning.review": frozenset({CITY_ADMIN, DISTRICT_REVIEWER}),  # approve, reject, withdraw, current year
    "schools.import": frozenset({CITY_ADMIN, DISTRICT_EDITOR}),
    "districts.create": frozenset({CITY_ADMIN}),
    "users.create": frozenset({CITY_ADMIN}),
    "users.manage": frozenset({CITY_ADMIN}),  # list, lock, unlock, deactivate, set a password
    "audit.read": frozenset({CITY_ADMIN, AUDITOR}),
    "audit.seal": frozenset({CITY_ADMIN}),  # once, when a log from before ENROLL_AUDIT_KEY is upgraded
    "policies.edit": frozenset({CITY_ADMIN, DISTRICT_EDITOR}),
    "policies.review": frozenset({CITY_ADMIN, DISTRICT_REVIEWER}),
    "schools.edit": frozenset({CITY_ADMIN, DISTRICT_EDITOR, SCHOOL_EDITOR}),
    "schools.review": frozenset({CITY_ADMIN, DISTRICT_REVIEWER}),
    "timeline.edit": frozenset({CITY_ADMIN, DISTRICT_EDITOR}),
    "timeline.review": frozenset({CITY_ADMIN, DISTRICT_REVIEWER}),
    "migrant.edit": frozenset({CITY_ADMIN, DISTRICT_EDITOR}),
    "migrant.review": frozenset({CITY_ADMIN, DISTRICT_REVIEWER}),
    "calendar.edit": frozenset({CITY_ADMIN}),
    "disclosure.overview": frozenset({CITY_ADMIN}),  # every district's catalogue and overdue requests
    "requests.handle": frozenset({CITY_ADMIN, DISTRICT_EDITOR}),    # 依申请公开: enter, 补正, consult, decide
    "requests.approve": frozenset({CITY_ADMIN, DISTRICT_REVIEWER}),  # a time-limit extension (经负责人同意)
    "contact.edit": frozenset({CITY_ADMIN, DISTRICT_EDITOR}),
    "contact.review": frozenset({CITY_ADMIN, DISTRICT_REVIEWER}),
    "disclosure.edit": frozenset({CITY_ADMIN, DISTRICT_EDITOR}),
    "disclosure.review": frozenset({CITY_ADMIN, DISTRICT_REVIEWER}),
}
SCOPED_ROLES = frozenset({DISTRICT_EDITOR, DISTRICT_REVIEWER, SCHOOL_EDITOR})


def can(actor, action: str, district_id: int | None = None, school_id: int | None = None) -> bool:
    """Whether ``actor`` may perform ``action`` in ``district_id`` (None: not district-bound).

    A school editor may act only on their own school: ``school_id`` must be given and be theirs.
    """
    if actor is None or not actor.active or actor.role not in PERMISSIONS.get(action, ()):
        return False
    if actor.role == SCHOOL_EDITOR:
        return school_id is not None and actor.school_id == school_id and (
            district_id is None or actor.district_id == district_id)
    if actor.role in SCOPED_ROLES and district_id is not None:
        return actor.district_id == district_id
    return True


def authorize(actor, action: str, district_id: int | None = None, school_id: int | None = None) -> None:
    """:raises Forbidden: when :func:`can` says no."""
    if not can(actor, action, district_id, school_id):
        raise Forbidden(_l("您没有执行此操作的权限。"), action=action)
