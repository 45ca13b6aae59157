"""The delivery ledger: the database record that makes the bus reliable on any transport.

``EventDelivery`` tracks each (event, handler) pair from publication to completion, retries and
death. ``HandledEvent`` is the idempotency record written in the handler's own transaction, so
a redelivered event applies its effects once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

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
