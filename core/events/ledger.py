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


def _insert(session: Session) -> Any:
    """``INSERT`` with ``ON CONFLICT`` for the session's database (PostgreSQL or SQLite)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the two supported databases
        raise NotImplementedError(f"no upsert for {dialect}")
    return insert(EventDelivery)


def add_pending(session: Session, rows: list[dict[str, Any]]) -> None:
    """Record deliveries as pending (published now). An existing pending one only gets the new
    publication time; any other is left as it is: a worker may have recorded it done already,
    e.g. after an earlier relay published the event and was killed before its commit."""
    if rows:
        stmt = _insert(session).values(rows)
        session.execute(stmt.on_conflict_do_update(
            index_elements=["event_id", "handler"],
            set_={"published_at": stmt.excluded.published_at,
                  "updated_at": stmt.excluded.updated_at},
            where=EventDelivery.status == "pending",
        ))


def ensure_delivery(session: Session, event_id: str, handler: str, event_type: str,
                    *, status: str = "pending", now: dt.datetime | None = None) -> None:
    """Make sure the delivery row exists; with ``status="done"``, mark it done.

    On PostgreSQL a relay may have inserted the row in a transaction that is still open (it is
    publishing the rest of its batch): ``ON CONFLICT`` waits for that transaction and then
    updates the row, where a plain ``UPDATE`` would miss it and the relay's commit would leave
    the delivery pending although it was handled."""
    now = now or utcnow()
    stmt = _insert(session).values(
        event_id=event_id, handler=handler, event_type=event_type, status=status, attempts=0,
        last_error="", published_at=now, updated_at=now,
    )
    index = ["event_id", "handler"]
    if status == "done":
        stmt = stmt.on_conflict_do_update(index_elements=index,
                                          set_={"status": "done", "updated_at": now})
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=index)
    session.execute(stmt)
