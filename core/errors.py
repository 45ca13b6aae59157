"""Domain errors raised by services; the API renders them as problem+json, pages as messages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """Base class: a request that the domain refuses. ``status`` is the HTTP equivalent."""

    status = 400
    code = "bad-request"
    default_message: Any = _l("The request cannot be processed.")

    def __init__(self, message: Any = None, *, errors: dict[str, Any] | None = None):
        self.message = message if message is not None else self.default_message
        self.errors = errors or {}
        # Kept lazy: translating needs a locale, which outside a request (CLI) is not known
        # yet here.
        super().__init__(self.message)


class NotFound(DomainError):
    status = 404
    code = "not-found"
    default_message = _l("The requested item was not found.")


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"
    default_message = _l("You are not allowed to do this.")


class AuthenticationRequired(DomainError):
    status = 401
    code = "unauthorized"
    default_message = _l("Please log in first.")


class Conflict(DomainError):
    """The item's state does not allow the action (e.g. approving a draft)."""

    status = 409
    code = "conflict"
    default_message = _l("The item's current state does not allow this action.")


class StaleVersion(DomainError):
    """``If-Match`` named an older version: someone else changed the item meanwhile."""

    status = 412
    code = "precondition-failed"
    default_message = _l(
        "Someone else changed this item since you loaded it. "
        "Reload it and apply your changes again."
    )


class ValidationFailed(DomainError):
    """Input that is well-formed but breaks a business rule, with per-field errors."""

    status = 422
    code = "validation-failed"
    default_message = _l("Some fields are not valid.")
