"""Domain errors raised by services; ``core.web`` maps them to HTTP answers."""
from __future__ import annotations


class DomainError(Exception):
    """Base class. ``message`` is already translated (lazy string) for the user."""

    status = 400

    def __init__(self, message, **detail):
        super().__init__(str(message))
        self.message = message
        self.detail = detail


class NotFound(DomainError):
    status = 404


class Unauthenticated(DomainError):
    """Credentials refused, or an account locked after repeated failures."""

    status = 401


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    """An illegal state transition or a rule of the workflow (e.g. reviewer = author)."""

    status = 409


class Invalid(DomainError):
    status = 422


class TooManyRequests(DomainError):
    """Too many attempts from one address or at one target; ``retry_after`` seconds to wait."""

    status = 429


class BadRequest(DomainError):
    """Malformed input (an empty or overlong query, coordinates out of range)."""

    status = 400
