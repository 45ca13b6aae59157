"""The transactional outbox: events are rows written in the same transaction as the change."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, BigIntPK, UTCDateTime, utcnow
from core.events.registry import registry

SPEC_VERSION = "1.0"
DEFAULT_SOURCE = "urn:sinergi:core"


class OutboxEvent(Base):
    """An event waiting to be (or already) published on the bus, as a CloudEvents envelope."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index(
            "ix_outbox_unpublished",
            "position",
            sqlite_where=text("published_at IS NULL"),
            postgresql_where=text("published_at IS NULL"),
        ),
    )

    position: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(100), index=True)
    source: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(100))
    sequence: Mapped[int] = mapped_column(Integer)
    time: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    publish_attempts: Mapped[int] = mapped_column(Integer, default=0)

    def envelope(self) -> dict[str, Any]:
        """The CloudEvents 1.0 structured-mode JSON object for this event."""
        return to_envelope(self)


def to_envelope(row: Any) -> dict[str, Any]:
    """The CloudEvents envelope of an outbox row (an :class:`OutboxEvent` or a result row with
    its columns)."""
    return {
        "specversion": SPEC_VERSION,
        "id": row.id,
        "source": row.source,
        "type": row.type,
        "subject": row.subject,
        "time": row.time.isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "dataschema": f"/api/v1/events/types/{row.type}",
        "sequence": row.sequence,
        "data": row.data,
    }


def record_event(
    session: Session,
    event_type: str,
    *,
    subject: str | int,
    sequence: int,
    data: dict[str, Any],
    source: str = DEFAULT_SOURCE,
) -> OutboxEvent:
    """Validate an event and add it to the outbox in the caller's transaction.

    Raises :class:`~core.events.registry.UnknownEventType` or
    :class:`~core.events.registry.InvalidEventPayload` at the call site.
    """
    session.info.get("sinergi.events", registry).validate(event_type, data)
    row = OutboxEvent(
        id=str(uuid.uuid4()),
        type=event_type,
        source=source,
        subject=str(subject),
        sequence=sequence,
        time=utcnow(),
        data=data,
    )
    session.add(row)
    return row
