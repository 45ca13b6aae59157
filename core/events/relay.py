"""The outbox relay: publishes committed outbox rows to the bus, in order, with confirms.

A row is marked published only after the broker confirmed it. The delivery ledger rows (one per
subscribed handler) are written in the same transaction. Several relays may run on PostgreSQL
(rows are locked with SKIP LOCKED); on SQLite a file lock keeps exactly one active, the others
wait as hot standbys.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from sqlalchemy import select, update

from core.db import Database, utcnow
from core.events.bus import BatchPublisher, BusSettings, Topology
from core.events.ledger import add_pending
from core.events.outbox import OutboxEvent, to_envelope

log = logging.getLogger(__name__)


@contextmanager
def single_relay_lock(instance_path: str, stop: threading.Event):
    """On SQLite: block until this process holds the relay lock (or ``stop`` is set)."""
    path = Path(instance_path) / "relay.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        while not stop.is_set():
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                stop.wait(0.5)
        try:
            yield not stop.is_set()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Relay:
    """Moves outbox rows to the broker."""

    def __init__(self, app: Flask):
        self.app = app
        self.db: Database = app.extensions["sinergi.db"]
        self.settings = BusSettings.from_config(app.config)
        self.topology = Topology(self.settings, app.extensions["sinergi.plugins"].handlers)
        self.batch_size = int(app.config["BUS_RELAY_BATCH_SIZE"])
        self.idle = float(app.config["BUS_RELAY_IDLE_SECONDS"])
        self.published = 0

    def publish_batch(self, publisher: BatchPublisher) -> int:
        """Publish one batch of unpublished rows; returns how many were published.

        The rows are marked published once the broker confirmed the whole batch. They are read
        and marked with plain SQL statements (one ``SELECT … FOR UPDATE SKIP LOCKED``, one
        ``INSERT`` of the deliveries, one ``UPDATE``): no ORM object per row."""
        t = OutboxEvent.__table__.c
        with self.db.begin() as session:
            rows = session.execute(
                select(t.position, t.id, t.type, t.source, t.subject, t.sequence, t.time, t.data)
                .where(t.published_at.is_(None))
                .order_by(t.position)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return 0
            now = utcnow()
            add_pending(session, [
                {"event_id": row.id, "handler": handler, "event_type": row.type,
                 "status": "pending", "attempts": 0, "last_error": "", "next_attempt_at": None,
                 "published_at": now, "updated_at": now}
                for row in rows for handler in self.topology.subscribers(row.type)
            ])
            for row in rows:
                publisher.publish(self.topology.events, row.type, to_envelope(row))
            publisher.wait()
            session.execute(
                update(OutboxEvent.__table__)
                .where(t.position.in_([row.position for row in rows]))
                .values(published_at=utcnow(), publish_attempts=t.publish_attempts + 1)
            )
        self.published += len(rows)
        return len(rows)

    def run(self, stop: threading.Event, *, max_seconds: float | None = None) -> int:
        """Relay until ``stop`` is set (or ``max_seconds`` passed); survives broker outages."""
        deadline = time.monotonic() + max_seconds if max_seconds else None
        if self.db.is_sqlite:
            with single_relay_lock(self.app.config["INSTANCE_PATH"], stop) as acquired:
                if acquired:
                    self._loop(stop, deadline)
        else:
            self._loop(stop, deadline)
        return self.published

    def _loop(self, stop: threading.Event, deadline: float | None) -> None:
        backoff = 0.5
        while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
            try:
                with BatchPublisher(self.settings) as publisher:
                    self.topology.declare(publisher.connection)
                    backoff = 0.5
                    while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
                        if self.publish_batch(publisher) == 0:
                            stop.wait(self.idle)
            except Exception as exc:  # noqa: BLE001 - broker or database outage: retry
                log.warning("relay: %s: %s; retrying in %.1fs", type(exc).__name__, exc, backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)


def relay_once(app: Flask) -> int:
    """Publish everything currently in the outbox (used by tests and ``sinergi relay --once``)."""
    relay = Relay(app)
    total = 0
    with BatchPublisher(relay.settings) as publisher:
        relay.topology.declare(publisher.connection)
        while (count := relay.publish_batch(publisher)) > 0:
            total += count
    return total


