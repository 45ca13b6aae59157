"""The delivery ledger: the database record that makes the bus reliable on any transport.

``EventDelivery`` tracks each (event, handler) pair from publication to completion, retries and
death. ``HandledEvent`` is the idempotency record written in the handler's own transaction, so
a redelivered event applies its effects once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, UTCDateTime, utcnow

DELIVERY_STATUSES = ("pending", "retrying", "done", "dead")


class EventDelivery(Base):
    """One event on its way to one handler."""

    __tablename__ = "event_deliveries"
    __table_args__ = (Index("ix_event_deliveries_status_due", "status", "next_attempt_at"),)

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    handler: Mapped[str] = mapped_column(String(150), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class HandledEvent(Base):
    """Written together with a handler's effects: this event was applied by this handler."""

    __tablename__ = "handled_events"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    handler: Mapped[str] = mapped_column(String(150), primary_key=True)
    handled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


_STATEMENTS: dict[tuple[str, str], Any] = {}
_KEY = ["event_id", "handler"]


def _statement(session: Session, kind: str) -> Any:
    """The ``INSERT … ON CONFLICT`` statements for the session's database, built once."""
    dialect = session.get_bind().dialect.name
    cached = _STATEMENTS.get((dialect, kind))
    if cached is not None:
        return cached
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the two supported databases
        raise NotImplementedError(f"no upsert for {dialect}")
    stmt = insert(EventDelivery)
    if kind == "pending":
        # A new publication of a pending delivery moves its clock; others stay as they are.
        stmt = stmt.on_conflict_do_update(
            index_elements=_KEY,
            set_={"published_at": stmt.excluded.published_at,
                  "updated_at": stmt.excluded.updated_at},
            where=EventDelivery.status == "pending",
        )
    elif kind == "done":
        stmt = stmt.on_conflict_do_update(
            index_elements=_KEY,
            set_={"status": "done", "updated_at": stmt.excluded.updated_at},
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=_KEY)
    _STATEMENTS[(dialect, kind)] = stmt
    return stmt


def add_pending(session: Session, rows: list[dict[str, Any]]) -> None:
    """Record deliveries as pending (published now). An existing pending one only gets the new
    publication time; any other is left as it is: a worker may have recorded it done already,
    e.g. after an earlier relay published the event and was killed before its commit."""
    if rows:
        session.connection().execute(_statement(session, "pending"), rows)


def ensure_delivery(session: Session, event_id: str, handler: str, event_type: str,
                    *, status: str = "pending", now: dt.datetime | None = None) -> None:
    """Make sure the delivery row exists; with ``status="done"``, mark it done.

    On PostgreSQL a relay may have inserted the row in a transaction that is still open (it is
    publishing the rest of its batch): ``ON CONFLICT`` waits for that transaction and then
    updates the row, where a plain ``UPDATE`` would miss it and the relay's commit would leave
    the delivery pending although it was handled."""
    now = now or utcnow()
    kind = "done" if status == "done" else "exists"
    session.connection().execute(_statement(session, kind), {
        "event_id": event_id, "handler": handler, "event_type": event_type, "status": status,
        "attempts": 0, "last_error": "", "next_attempt_at": None, "published_at": now,
        "updated_at": now,
    })


def mark_done(session: Session, rows: list[dict[str, Any]]) -> None:
    """Mark deliveries done (``event_id``, ``handler``, ``event_type`` each), creating any the
    relay has not committed yet (see :func:`ensure_delivery`), in one statement."""
    if not rows:
        return
    now = utcnow()
    session.connection().execute(_statement(session, "done"), [
        {**row, "status": "done", "attempts": 0, "last_error": "", "next_attempt_at": None,
         "published_at": now, "updated_at": now}
        for row in rows
    ])
