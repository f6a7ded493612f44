"""The review workflow (先审后发) as a pure transition table."""
from __future__ import annotations

DRAFT = "draft"
IN_REVIEW = "in_review"
PUBLISHED = "published"
WITHDRAWN = "withdrawn"
SUPERSEDED = "superseded"
STATUSES = (DRAFT, IN_REVIEW, PUBLISHED, WITHDRAWN, SUPERSEDED)

# action -> (allowed from-states, to-state)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({DRAFT}), IN_REVIEW),
    "approve": (frozenset({IN_REVIEW}), PUBLISHED),
    "reject": (frozenset({IN_REVIEW}), DRAFT),
    "recall": (frozenset({IN_REVIEW}), DRAFT),
    "withdraw": (frozenset({PUBLISHED}), WITHDRAWN),
    "supersede": (frozenset({PUBLISHED}), SUPERSEDED),
    "discard": (frozenset({DRAFT}), DRAFT),  # deletes the draft
}


def target(action: str, current: str) -> str | None:
    """The state ``action`` leads to from ``current``, or None when it is not allowed."""
    allowed, to = TRANSITIONS[action]
    return to if current in allowed else None
