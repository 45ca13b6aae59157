"""Record the events a test publishes and run plugin handlers in-process, deterministically."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, select

from core.events.bus import BusSettings, Topology
from core.events.ledger import HandledEvent
from core.events.outbox import OutboxEvent
from core.events.worker import Worker
from core.plugin.types import Event


class HandlerFailed(AssertionError):
    """A handler raised while the recorder dispatched an event."""


class EventRecorder:
    """Sees the outbox rows written since it was created.

    ``published()`` returns their CloudEvents envelopes; ``dispatch()`` runs every subscribed
    handler of the enabled plugins on them, in outbox order, with the worker's own idempotency
    and transaction handling — no broker involved — until no new events appear.
    """

    def __init__(self, app: Flask):
        self.app = app
        self.db = app.extensions["sinergi.db"]
        with self.db.begin() as session:
            self.start = session.scalar(select(func.max(OutboxEvent.position))) or 0
        handlers = app.extensions["sinergi.plugins"].handlers
        self.topology = Topology(BusSettings.from_config(app.config), handlers)
        self._worker: Worker | None = None

    def _rows(self) -> list[OutboxEvent]:
        with self.db.begin() as session:
            return list(session.scalars(
                select(OutboxEvent).where(OutboxEvent.position > self.start)
                .order_by(OutboxEvent.position)
            ))

    def published(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """Envelopes of the events published since the recorder started (optionally of a type)."""
        return [row.envelope() for row in self._rows()
                if event_type is None or row.type == event_type]

    def types(self) -> list[str]:
        return [row.type for row in self._rows()]

    def dispatch(self, *, raise_errors: bool = True, max_rounds: int = 20) -> list[tuple]:
        """Run handlers for every recorded event not yet handled; returns
        ``(event type, handler, outcome)`` triples. Follow-up events are dispatched too."""
        if self._worker is None:
            self._worker = Worker(self.app)
        results: list[tuple] = []
        for _ in range(max_rounds):
            pending = self._pending()
            if not pending:
                return results
            for envelope, handler in pending:
                with self.app.app_context():
                    outcome = self._worker.apply(handler, Event.from_envelope(envelope))
                results.append((envelope["type"], handler, outcome))
                if raise_errors and outcome in ("failed", "dead"):
                    raise HandlerFailed(self._failure(envelope["id"], handler))
        raise RuntimeError(f"events still pending after {max_rounds} rounds (a handler loop?)")

    def _pending(self) -> list[tuple[dict[str, Any], str]]:
        with self.db.begin() as session:
            handled = set(session.execute(select(HandledEvent.event_id, HandledEvent.handler)))
        return [
            (row.envelope(), handler)
            for row in self._rows()
            for handler in self.topology.subscribers(row.type)
            if (row.id, handler) not in handled
        ]

    def _failure(self, event_id: str, handler: str) -> str:
        from core.events.ledger import EventDelivery

        with self.db.begin() as session:
            delivery = session.get(EventDelivery, (event_id, handler))
            error = delivery.last_error if delivery else "(no error recorded)"
        return f"handler {handler} failed on event {event_id}:\n{error}"
