"""Reading submitted forms and turning domain errors into per-field messages on the page."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask_babel import gettext as _

from core.api.problems import translate
from core.errors import AuthenticationRequired, DomainError, NotFound, PermissionDenied

#: Domain errors that end on an error page instead of the form (nothing to fix in the form).
PAGE_ERRORS = (NotFound, PermissionDenied, AuthenticationRequired)


class FormErrors:
    """Error messages per form field (keyed by the input's id), plus a message for the form."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}
        self.message: str | None = None
        self.status = 422

    def add(self, field: str, message: Any) -> None:
        messages = self.fields.setdefault(field, [])
        text = translate(message)
        if text not in messages:
            messages.append(text)

    def get(self, field: str) -> list[str]:
        return self.fields.get(field, [])

    def __contains__(self, field: str) -> bool:
        return field in self.fields

    def __bool__(self) -> bool:
        return bool(self.fields) or self.message is not None

    def add_domain_error(
        self, error: DomainError, field_for: Callable[[str], str | None] = lambda key: key
    ) -> None:
        """Record a service's error: its message and each field message under its input id.

        ``field_for`` maps a dotted error key (``programmes.3.title``) to the input's id; keys
        it maps to None are shown in the summary only, under the form message.
        """
        self.status = error.status
        self.message = translate(error.message)
        for key, message in flatten_errors(error.errors):
            field = field_for(key)
            if field is None:
                self.fields.setdefault("", []).append(translate(message))
            else:
                self.add(field, message)


def flatten_errors(errors: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """``{"programmes": {"0": {"title": ["…"]}}}`` → ``[("programmes.0.title", "…")]``."""
    if isinstance(errors, Mapping):
        items: list[tuple[str, Any]] = []
        for key, value in errors.items():
            items.extend(flatten_errors(value, f"{prefix}.{key}" if prefix else str(key)))
        return items
    if isinstance(errors, list | tuple):
        return [(prefix, message) for message in errors]
    return [(prefix, errors)]


def is_form_error(error: DomainError) -> bool:
    """Whether a domain error is something the user can fix in the form just posted."""
    return not isinstance(error, PAGE_ERRORS)


def text(form: Mapping[str, Any], name: str, limit: int = 10_000) -> str:
    """A trimmed text field (missing → empty), cut at ``limit`` characters."""
    return str(form.get(name, "") or "").strip()[:limit]


def checked(form: Mapping[str, Any], name: str) -> bool:
    return form.get(name) in ("1", "on", "yes", "true")


def choice(value: Any, allowed: Iterable[Any]) -> str | None:
    """The value when it is one of ``allowed`` (compared as text), else None."""
    value = str(value or "").strip()
    return value if value in {str(a) for a in allowed} else None


def whole_number(value: Any) -> int | None:
    """Parse a whole number written with or without digit grouping (``4.500.000`` or
    ``4,500,000`` or ``Rp 4 500 000``); None when it is not one."""
    raw = str(value or "").strip()
    raw = re.sub(r"^(rp|idr)\.?\s*", "", raw, flags=re.IGNORECASE)
    raw = re.sub(r"[\s.,_\u00a0\u202f']", "", raw)
    if not raw.isdigit() or len(raw) > 18:
        return None
    return int(raw)


def year(form: Mapping[str, Any], name: str, errors: FormErrors) -> int | None:
    """A year field: required, digits only; records a message and returns None otherwise."""
    raw = text(form, name, 20)
    if not raw:
        errors.add(name, _("This field is required."))
        return None
    if not raw.isdigit() or len(raw) > 4:
        errors.add(name, _("Enter the year as a number, for example 2025."))
        return None
    return int(raw)


def version(form: Mapping[str, Any]) -> int:
    """The hidden ``version`` field; an unreadable value counts as outdated (never matches)."""
    raw = str(form.get("version", "")).strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else -1
