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
from kombu import Producer
from sqlalchemy import select

from core.db import Database, utcnow
from core.events.bus import BusSettings, Topology, connect, publish
from core.events.ledger import add_pending
from core.events.outbox import OutboxEvent

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

    def publish_batch(self, producer: Producer) -> int:
        """Publish one batch of unpublished rows; returns how many were published."""
        with self.db.begin() as session:
            stmt = (
                select(OutboxEvent)
                .where(OutboxEvent.published_at.is_(None))
                .order_by(OutboxEvent.position)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            )
            rows = list(session.scalars(stmt))
            if not rows:
                return 0
            now = utcnow()
            add_pending(session, [
                {"event_id": row.id, "handler": handler, "event_type": row.type,
                 "status": "pending", "attempts": 0, "last_error": "", "published_at": now,
                 "updated_at": now}
                for row in rows for handler in self.topology.subscribers(row.type)
            ])
            for row in rows:
                row.publish_attempts += 1
            session.flush()
            for row in rows:
                publish(producer, self.topology.events, row.type, row.envelope())
                row.published_at = utcnow()
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
                with connect(self.settings) as conn:
                    conn.ensure_connection(max_retries=1)
                    self.topology.declare(conn)
                    producer = Producer(conn.default_channel)
                    backoff = 0.5
                    while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
                        if self.publish_batch(producer) == 0:
                            stop.wait(self.idle)
            except Exception as exc:  # noqa: BLE001 - broker or database outage: retry
                log.warning("relay: %s: %s; retrying in %.1fs", type(exc).__name__, exc, backoff)
                stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)


def relay_once(app: Flask) -> int:
    """Publish everything currently in the outbox (used by tests and ``sinergi relay --once``)."""
    relay = Relay(app)
    total = 0
    with connect(relay.settings) as conn:
        relay.topology.declare(conn)
        producer = Producer(conn.default_channel)
        while (count := relay.publish_batch(producer)) > 0:
            total += count
    return total


