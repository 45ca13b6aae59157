"""The stable plugin API: the only module of core that plugins import.

Everything a plugin needs is here: the ``hookimpl`` marker, value types for what hooks return,
the model base, the database session, the current user and permission checks, events,
translations, and errors. Names not listed in ``__all__`` are not part of the API.

Versioning: ``API_VERSION`` is ``MAJOR.MINOR``. A plugin declares the major version it targets
with a module attribute ``SINERGI_API_VERSION = "1"``; a plugin that targets another major
version is refused at load with a clear error. See docs/plugins.md for the compatibility and
deprecation policy.
"""

from __future__ import annotations

from typing import Any

import pluggy

API_VERSION = "1.0"

hookimpl = pluggy.HookimplMarker("sinergi")

# Imports below depend on API_VERSION/hookimpl being defined (core.plugins imports them).
from flask import current_app  # noqa: E402
from flask_babel import gettext as _  # noqa: E402
from flask_babel import lazy_gettext as _l  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from core import taxonomy  # noqa: E402
from core.accounts.principal import OrgRole, Principal  # noqa: E402
from core.api.common import (  # noqa: E402
    IF_MATCH,
    PageArgs,
    QueryArgs,
    allow_anonymous,
    etag,
    expected_version,
    page_body,
    page_options,
    page_schema,
)
from core.db import Base as Model  # noqa: E402
from core.db import BigIntPK, UTCDateTime, utcnow  # noqa: E402
from core.errors import (  # noqa: E402
    AuthenticationRequired,
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from core.events.outbox import record_event  # noqa: E402
from core.pagination import Page, paginate  # noqa: E402
from core.plugin import directory  # noqa: E402
from core.plugin.types import (  # noqa: E402
    DemoContext,
    Event,
    EventType,
    Handler,
    HandlerContext,
    NavItem,
    Permission,
)
from core.web.auth import current_principal, login_required, require_principal  # noqa: E402


def db_session() -> Session:
    """The current request's (or CLI command's) database session."""
    return current_app.extensions["sinergi.db"].session()


def plugin_config(name: str) -> dict[str, Any]:
    """The validated configuration section ``[plugins.<name>]`` of a plugin."""
    return current_app.extensions["sinergi.plugins"].config_for(name)


def rate_limit(name: str, key: str, limit: str = "10 per minute") -> None:
    """Count one attempt of ``key`` against limit ``name``; 429 (with Retry-After) past it.

    Shared across processes when ``ratelimit_storage_url`` points at Redis."""
    from core.ratelimit import hit

    hit(name, key, limit)


def record_audit(action: str, *, target: Any = "", details: dict[str, Any] | None = None,
                 session: Session | None = None) -> None:
    """Add an event to the audit log (name actions ``<plugin>.<what>``, e.g.
    ``evaluation.survey.closed``). The actor, client address and user agent come from the
    request. Without ``session`` the event is written after the request in its own
    transaction, so it is kept even when the request fails or is refused; with ``session`` it
    commits (or not) with that transaction."""
    from core.audit import record

    record(action, session=session, target=target, details=details)


def csp_nonce() -> str:
    """The request's Content-Security-Policy nonce, for an inline ``<script>`` or ``<style>``
    (templates call ``csp_nonce()`` directly)."""
    from core.app import csp_nonce as nonce

    return nonce()


def allowed(principal: Principal | None, action: str, resource: Any = None) -> bool:
    """Whether ``principal`` may perform ``action`` (asks plugins, then the default roles)."""
    from core.permissions import is_allowed

    return is_allowed(principal, action, resource)


def require(principal: Principal | None, action: str, resource: Any = None) -> None:
    """Raise ``PermissionDenied`` (or ``AuthenticationRequired``) unless allowed."""
    if not allowed(principal, action, resource):
        if principal is None:
            raise AuthenticationRequired()
        raise PermissionDenied()


__all__ = [
    "API_VERSION", "IF_MATCH", "allow_anonymous", "AuthenticationRequired", "BigIntPK",
    "Conflict", "DemoContext",
    "DomainError", "Event", "EventType", "Handler", "HandlerContext", "Model", "NavItem",
    "NotFound", "OrgRole", "Page", "PageArgs", "Permission", "PermissionDenied", "Principal",
    "QueryArgs", "StaleVersion", "UTCDateTime", "ValidationFailed", "_", "_l", "allowed",
    "csp_nonce", "current_principal", "db_session", "directory", "etag", "expected_version",
    "hookimpl", "login_required", "page_body", "page_options", "page_schema", "paginate",
    "plugin_config", "rate_limit", "record_audit", "record_event", "require",
    "require_principal", "taxonomy", "utcnow",
]
