"""What every matchmaking page shares: the blueprint, form errors in the shape core's form
macros read, parsing of submitted values (rupiah amounts, dates, lists) and query arguments.

Handlers stay thin: they read the form with these helpers, call ``services`` and, when a
service refuses, render the same page again with the messages and everything typed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from flask import Blueprint, request

from core.plugin import (
    AuthenticationRequired,
    DomainError,
    NotFound,
    PermissionDenied,
    StaleVersion,
    _,
    current_principal,
    db_session,
)

pages = Blueprint("matchmaking", __name__, template_folder="templates",
                  static_folder="static", static_url_path="/matchmaking/static")

#: Errors shown on an error page rather than beside a form field: nothing to fix in the form.
PAGE_ERRORS = (NotFound, PermissionDenied, AuthenticationRequired)
PER_PAGE = 20
PAGE_SIZES = (20, 50, 100)
MAX_MONEY = 10**15


class FormErrors:
    """Messages per form field (keyed by the input's id) plus one for the whole form: what
    core's ``macros/forms.html`` reads (``errors.get(name)``, ``errors.fields``,
    ``errors.message``)."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}
        self.message: str | None = None
        self.status = 422

    def add(self, field: str, message: Any) -> None:
        messages = self.fields.setdefault(field, [])
        text = str(message)
        if text not in messages:
            messages.append(text)

    def get(self, field: str) -> list[str]:
        return self.fields.get(field, [])

    def __contains__(self, field: str) -> bool:
        return field in self.fields

    def __bool__(self) -> bool:
        return bool(self.fields) or self.message is not None

    def add_domain_error(self, error: DomainError, known: Iterable[str] = ()) -> None:
        """A service's refusal: its message for the form, each field message beside its input
        (keys that are not inputs of this form go into the summary only)."""
        known = set(known)
        self.status = error.status
        self.message = str(error.message)
        for key, messages in (error.errors or {}).items():
            for message in messages if isinstance(messages, list | tuple) else [messages]:
                field = str(key).split(".")[0]
                if field in known:
                    if not self.get(field):  # the form's own message for it comes first
                        self.add(field, message)
                else:
                    self.fields.setdefault("", []).append(str(message))


def is_form_error(error: DomainError) -> bool:
    """Whether the user can fix the refusal in the form just posted."""
    return not isinstance(error, PAGE_ERRORS)


Item = TypeVar("Item")


def save_versioned(
    save: Callable[[], Any],
    *,
    errors: FormErrors,
    values: dict[str, Any],
    reload: Callable[[], Item],
    render: Callable[[Item, int], Any],
    stale_message: Any,
    inputs: Iterable[str] = (),
) -> Any | None:
    """Run ``save`` (a service call carrying the form's expected version) for a page.

    Returns None when it succeeded and the form had no errors: the caller commits and
    redirects. Otherwise rolls back and returns ``render(current item, status)`` with the
    service's messages beside the inputs and everything typed kept; a stale version shows
    ``stale_message`` and takes the current version, so saving again overwrites knowingly.
    Refusals the form cannot fix (not found, forbidden) propagate to the error page.
    """
    db = db_session()
    try:
        save()
    except DomainError as error:
        if not is_form_error(error):
            raise
        db.rollback()
        item = reload()
        errors.add_domain_error(error, inputs)
        if isinstance(error, StaleVersion):
            errors.message = str(stale_message)
            values["version"] = item.version  # type: ignore[attr-defined]
        return render(item, error.status)
    if errors:
        db.rollback()
        return render(reload(), 422)
    return None


# ---------------------------------------------------------------- reading submitted values


def text(form: Mapping[str, Any], name: str, limit: int = 10_000) -> str:
    """A trimmed text field (missing → empty), cut at ``limit`` characters."""
    return str(form.get(name, "") or "").strip()[:limit]


def checked(form: Mapping[str, Any], name: str) -> bool:
    return form.get(name) in ("1", "on", "yes", "true")


def chosen(form: Any, name: str, allowed: Iterable[str], limit: int = 50) -> list[str]:
    """The ticked values of a checkbox group that are among ``allowed``, in their order."""
    allowed = list(allowed)
    picked = {str(v) for v in form.getlist(name)[:limit]}
    return [value for value in allowed if value in picked]


def whole_number(value: Any) -> int | None:
    """A whole number written with or without digit grouping (``4.500.000``, ``4,500,000``,
    ``Rp 4 500 000``); None when it is not one."""
    raw = str(value or "").strip()
    raw = re.sub(r"^(rp|idr)\.?\s*", "", raw, flags=re.IGNORECASE)
    raw = re.sub(r"[\s.,_\u00a0\u202f']", "", raw)
    if not raw.isdigit() or len(raw) > 18:
        return None
    return int(raw)


def money(form: Mapping[str, Any], name: str, errors: FormErrors) -> int | None:
    """An optional amount in rupiah; a message in ``errors`` when it cannot be read."""
    raw = text(form, name, 40)
    if not raw:
        return None
    amount = whole_number(raw)
    if amount is None or amount > MAX_MONEY:
        errors.add(name, _("Enter the amount in rupiah as a whole number, for example "
                           "1.500.000.000."))
        return None
    return amount


DATE_FORMS = (r"^(\d{4})-(\d{1,2})-(\d{1,2})$", r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_date(raw: str) -> dt.date | None:
    """``2026-03-31`` (what date inputs send) or ``31/03/2026``; None when unreadable."""
    raw = raw.strip()
    for number, pattern in enumerate(DATE_FORMS):
        match = re.match(pattern, raw)
        if match:
            parts = [int(p) for p in match.groups()]
            year, month, day = parts if number == 0 else (parts[2], parts[1], parts[0])
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None


def date_field(form: Mapping[str, Any], name: str, errors: FormErrors) -> dt.date | None:
    """An optional date; a message in ``errors`` when it cannot be read."""
    raw = text(form, name, 20)
    if not raw:
        return None
    value = parse_date(raw)
    if value is None:
        errors.add(name, _("Enter the date as day/month/year, for example 31/12/2026."))
    return value


def version(form: Mapping[str, Any]) -> int:
    """The hidden ``version`` field; an unreadable value counts as outdated (never matches)."""
    raw = str(form.get("version", "")).strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else -1


def int_or_none(value: Any) -> int | None:
    raw = str(value or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


# ---------------------------------------------------------------- query arguments


def arg_text(name: str, limit: int = 100) -> str:
    return request.args.get(name, "").strip()[:limit]


def arg_choice(name: str, allowed: Iterable[str]) -> str | None:
    value = request.args.get(name, "").strip()
    return value if value in set(allowed) else None


def page_args() -> tuple[int, int]:
    """``(page, per_page)`` from the query string; unknown values fall back to defaults."""
    page = int_or_none(request.args.get("page")) or 1
    per_page = int_or_none(request.args.get("per_page")) or PAGE_SIZES[0]
    return min(max(page, 1), 100_000), per_page if per_page in PAGE_SIZES else PAGE_SIZES[0]


@pages.context_processor
def _labels() -> dict[str, Any]:
    """In every template of the plugin's pages: ``mm`` (the labels) and what the viewer is
    on this side of the platform (``mm_partner``, ``mm_officer``)."""
    from plugins.matchmaking import labels, services

    principal = current_principal()
    return {"mm": labels, "mm_partner": bool(services.partner_org_ids(principal)),
            "mm_officer": bool(principal and principal.region_codes)}
