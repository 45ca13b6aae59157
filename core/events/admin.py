"""Operating the bus: backlog and lag, dead deliveries, replay."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db import utcnow
from core.errors import NotFound
from core.events.ledger import EventDelivery
from core.events.outbox import OutboxEvent


@dataclass(frozen=True)
class BusStatus:
    unpublished: int
    oldest_unpublished_age: float | None
    deliveries: dict[str, dict[str, int]]  # handler -> status -> count
    oldest_pending_age: float | None
    dead: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "unpublished": self.unpublished,
            "oldest_unpublished_age_seconds": self.oldest_unpublished_age,
            "oldest_pending_delivery_age_seconds": self.oldest_pending_age,
            "dead": self.dead,
            "deliveries": self.deliveries,
        }


def _age(moment: dt.datetime | None, now: dt.datetime) -> float | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return round((now - moment).total_seconds(), 3)


def status(session: Session) -> BusStatus:
    """Backlog (outbox rows not yet published), lag, and deliveries per handler and status."""
    now = utcnow()
    unpublished, oldest = session.execute(
        select(func.count(), func.min(OutboxEvent.time)).where(OutboxEvent.published_at.is_(None))
    ).one()
    deliveries: dict[str, dict[str, int]] = {}
    for handler, state, count in session.execute(
        select(EventDelivery.handler, EventDelivery.status, func.count())
        .group_by(EventDelivery.handler, EventDelivery.status)
    ):
        deliveries.setdefault(handler, {})[state] = count
    oldest_pending = session.scalar(
        select(func.min(EventDelivery.published_at)).where(EventDelivery.status == "pending")
    )
    dead = sum(states.get("dead", 0) for states in deliveries.values())
    return BusStatus(unpublished, _age(oldest, now), deliveries, _age(oldest_pending, now), dead)


def dead_deliveries(session: Session, limit: int = 100) -> list[EventDelivery]:
    """Deliveries that exhausted their attempts, newest first."""
    return list(session.scalars(
        select(EventDelivery).where(EventDelivery.status == "dead")
        .order_by(EventDelivery.updated_at.desc()).limit(limit)
    ))


def replay(session: Session, event_id: str, handler: str | None = None) -> list[EventDelivery]:
    """Give dead deliveries of an event (optionally one handler's) a fresh set of attempts.

    The next sweep of a worker re-publishes them at once.
    """
    stmt = select(EventDelivery).where(EventDelivery.event_id == event_id,
                                       EventDelivery.status == "dead")
    if handler:
        stmt = stmt.where(EventDelivery.handler == handler)
    rows = list(session.scalars(stmt))
    if not rows:
        raise NotFound(f"no dead delivery for event {event_id}"
                       + (f" and handler {handler}" if handler else ""))
    now = utcnow()
    for row in rows:
        row.status = "retrying"
        row.attempts = 0
        row.next_attempt_at = now
        row.updated_at = now
    return rows
