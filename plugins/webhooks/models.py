"""The webhooks plugin's tables: webhooks, the events they were sent, deliveries, attempts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.plugin import BigIntPK, Model, UTCDateTime, utcnow

#: Delivery states: waiting for its first attempt, waiting for a retry, done, given up, or not
#: sent because the webhook was disabled (or deleted its target) before it went out.
DELIVERY_STATUSES = ("pending", "retrying", "delivered", "failed", "skipped")


class Webhook(Model):
    """An organisation's subscription: a target URL, event type patterns and a secret."""

    __tablename__ = "webhooks_webhooks"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    event_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: "" while active; "manual" (switched off by a person) or "failures" (auto-disabled).
    disabled_reason: Mapped[str] = mapped_column(String(20), default="")
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    #: The signing secret, encrypted (Fernet, key derived from the configuration).
    secret_encrypted: Mapped[str] = mapped_column(Text)
    #: The first characters of the secret, to recognise it (``whsec_AbC1…``).
    secret_hint: Mapped[str] = mapped_column(String(16))
    secret_rotated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: After a rotation, the old secret still signs (second signature) until this time.
    previous_secret_encrypted: Mapped[str] = mapped_column(Text, default="")
    previous_secret_expires_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime, nullable=True
    )
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_failure_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @property
    def state(self) -> str:
        """``active``, ``disabled`` (by a person) or ``auto_disabled`` (after failures)."""
        if self.active:
            return "active"
        return "auto_disabled" if self.disabled_reason == "failures" else "disabled"


class WebhookEvent(Model):
    """A copy of an event that was fanned out to at least one webhook (what is POSTed)."""

    __tablename__ = "webhooks_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(100))
    time: Mapped[str] = mapped_column(String(40))
    sequence: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def envelope(self) -> dict[str, Any]:
        """The CloudEvents 1.0 structured-mode JSON object that is POSTed."""
        return {
            "specversion": "1.0",
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "subject": self.subject,
            "time": self.time,
            "datacontenttype": "application/json",
            "sequence": self.sequence,
            "data": self.data,
        }


class Delivery(Model):
    """One event on its way to one webhook. ``round`` is 0 for the original delivery and
    counts manual redeliveries of the same event to the same webhook."""

    __tablename__ = "webhooks_deliveries"
    __table_args__ = (
        UniqueConstraint("webhook_id", "event_id", "round"),
        Index("ix_webhooks_deliveries_webhook_created", "webhook_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    webhook_id: Mapped[int] = mapped_column(
        ForeignKey("webhooks_webhooks.id", ondelete="CASCADE")
    )
    event_id: Mapped[str] = mapped_column(
        ForeignKey("webhooks_events.id", ondelete="CASCADE"), index=True
    )
    event_type: Mapped[str] = mapped_column(String(100))
    round: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    requested_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Attempt(Model):
    """One HTTP POST of a delivery: when, how long, the answer or the error."""

    __tablename__ = "webhooks_attempts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhooks_deliveries.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    success: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str] = mapped_column(String(500), default="")
    response_excerpt: Mapped[str] = mapped_column(String(500), default="")
