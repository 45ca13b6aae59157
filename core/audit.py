"""The audit log: who did what security-relevant thing, from where, and when.

:func:`record` adds an event. Given a ``session`` it joins that transaction (the event commits
with the action it describes). Without one, inside a web request, the event is kept until the
request ends and then written in its own short transaction, after the request's transaction
has been committed or rolled back: a refused request (403, failed login) is still logged, and
on SQLite no second writer waits for the write lock that the request itself holds (BEGIN
IMMEDIATE, see :func:`core.db.mark_writer`). Outside a request it is written at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g, has_app_context, has_request_context, request
from sqlalchemy import JSON, ForeignKey, Index, Select, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, BigIntPK, UTCDateTime, utcnow
from core.pagination import Page, paginate

log = logging.getLogger(__name__)

USER_AGENT_MAX = 300
TEXT_MAX = 254

#: Actions that core records; plugins record their own (prefix them with the plugin's name).
CORE_ACTIONS = (
    "auth.login.succeeded", "auth.login.failed", "auth.login.throttled", "auth.logout",
    "auth.token.created", "auth.token.revoked", "account.disabled", "account.enabled",
    "account.password_set", "authz.refused",
)


class AuditEvent(Base):
    """One audit event. ``actor_email`` is the address as typed (failed logins have no user)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_action_at", "action", "at"),
        Index("ix_audit_events_actor_at", "actor_user_id", "at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    actor_email: Mapped[str] = mapped_column(String(TEXT_MAX), default="")
    action: Mapped[str] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(TEXT_MAX), default="")
    client_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(USER_AGENT_MAX), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)


def _request_facts() -> dict[str, str]:
    if not has_request_context():
        return {"client_address": "", "user_agent": ""}
    return {
        "client_address": (request.remote_addr or "")[:64],
        "user_agent": (request.user_agent.string or "")[:USER_AGENT_MAX],
    }


def _current_actor() -> tuple[int | None, str]:
    principal = g.get("principal") if has_app_context() else None
    if principal is None:
        return None, ""
    return principal.user_id, principal.email


def build(action: str, *, actor_user_id: int | None = None, actor_email: str | None = None,
          target: Any = "", details: dict[str, Any] | None = None) -> AuditEvent:
    """An event (not yet added anywhere); the actor defaults to the request's principal."""
    if actor_user_id is None and actor_email is None:
        actor_user_id, actor_email = _current_actor()
    return AuditEvent(
        at=utcnow(),
        actor_user_id=actor_user_id,
        actor_email=(actor_email or "")[:TEXT_MAX],
        action=action[:100],
        target=str(target or "")[:TEXT_MAX],
        details=dict(details or {}),
        **_request_facts(),
    )


def record(action: str, *, session: Session | None = None, actor_user_id: int | None = None,
           actor_email: str | None = None, target: Any = "",
           details: dict[str, Any] | None = None) -> None:
    """Record an audit event (see the module docstring for which transaction writes it)."""
    event = build(action, actor_user_id=actor_user_id, actor_email=actor_email, target=target,
                  details=details)
    if session is not None:
        session.add(event)
        return
    if has_request_context():
        g.setdefault("_sinergi_audit", []).append(event)
        return
    with current_app.extensions["sinergi.db"].begin() as own:
        own.add(event)


def flush_pending(_exc: BaseException | None = None) -> None:
    """teardown_request: write the events kept during the request in their own transaction."""
    events = g.pop("_sinergi_audit", None)
    if not events:
        return
    db = current_app.extensions["sinergi.db"]
    try:
        # Whatever the request left uncommitted is discarded at teardown anyway; end it first
        # so that its write lock (SQLite) does not block the audit write.
        db.session.rollback()
        with db.begin() as own:
            own.add_all(events)
    except Exception:  # noqa: BLE001 - losing an audit row must not turn into a 500
        log.exception("could not write %d audit event(s)", len(events))


def record_refusal(response: Any) -> Any:
    """after_request: every 403 is an ``authz.refused`` event with the route and method."""
    if response.status_code == 403:
        rule = request.url_rule.rule if request.url_rule is not None else ""
        details: dict[str, Any] = {"method": request.method, "route": rule}
        if g.get("csrf_failed"):
            details["reason"] = "csrf"
        record("authz.refused", target=request.path, details=details)
    return response


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    actor: str | None = None  # a user id, or an e-mail address (as typed)
    since: dt.datetime | None = None


def audit_query(flt: AuditFilter) -> Select[Any]:
    stmt = select(AuditEvent)
    if flt.action:
        if flt.action.endswith("*"):
            stmt = stmt.where(AuditEvent.action.startswith(flt.action[:-1], autoescape=True))
        else:
            stmt = stmt.where(AuditEvent.action == flt.action)
    if flt.actor:
        actor = flt.actor.strip()
        if actor.isdigit():
            stmt = stmt.where(AuditEvent.actor_user_id == int(actor))
        else:
            stmt = stmt.where(func.lower(AuditEvent.actor_email) == actor.lower())
    if flt.since is not None:
        since = flt.since if flt.since.tzinfo else flt.since.replace(tzinfo=dt.UTC)
        stmt = stmt.where(AuditEvent.at >= since)
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def list_events(session: Session, flt: AuditFilter, page: int, per_page: int) -> Page[Any]:
    """One page of events, newest first (one SQL statement)."""
    return paginate(session, audit_query(flt), page, per_page)


def prune(session: Session, older_than_days: int) -> int:
    """Delete events older than ``older_than_days``; returns how many."""
    cutoff = utcnow() - dt.timedelta(days=older_than_days)
    result = session.execute(delete(AuditEvent).where(AuditEvent.at < cutoff))
    return result.rowcount or 0


def init_audit(app: Flask) -> None:
    app.after_request(record_refusal)
    app.teardown_request(flush_pending)
