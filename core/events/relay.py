"""The outbox relay: publishes committed outbox rows to the bus, in order, with confirms.

A row is marked published only after the broker confirmed it; the delivery ledger rows (one per
subscribed handler) are written in the same statement batch. Several relays may run on PostgreSQL
(rows are locked with SKIP LOCKED); on SQLite a file lock keeps exactly one active, the others
wait as hot standbys.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

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

        The rows are published, the broker's confirms awaited, and only then are the rows marked
        published and their deliveries recorded (pending), in one statement each. So a worker
        that handles an event before that never waits for the relay: it records the delivery
        done itself, and the relay's pending insert leaves a done delivery alone.

        PostgreSQL: one transaction; ``SELECT … FOR UPDATE SKIP LOCKED`` keeps other relays off
        these rows. SQLite: the caller holds the relay lock (one relay), so the rows are read
        without the database's write lock and the write lock is taken only for the final,
        short transaction, not while publishing (web requests and workers write meanwhile).
        """
        t = OutboxEvent.__table__.c
        query = (
            select(t.position, t.id, t.type, t.source, t.subject, t.sequence, t.time, t.data)
            .where(t.published_at.is_(None))
            .order_by(t.position)
            .limit(self.batch_size)
        )
        if self.db.is_sqlite:
            reader = self.db.session_factory()
            try:
                rows = reader.execute(query).all()
            finally:
                reader.close()
            if not rows:
                return 0
            self._publish(publisher, rows)
            with self.db.begin() as session:
                self._mark(session, rows)
        else:
            with self.db.begin() as session:
                rows = session.execute(query.with_for_update(skip_locked=True)).all()
                if not rows:
                    return 0
                self._publish(publisher, rows)
                self._mark(session, rows)
        self.published += len(rows)
        return len(rows)

    def _publish(self, publisher: BatchPublisher, rows: list[Any]) -> None:
        for row in rows:
            publisher.publish(self.topology.events, row.type, to_envelope(row))
        publisher.wait()

    def _mark(self, session: Session, rows: list[Any]) -> None:
        """Record the deliveries (pending) and mark the rows published, one statement each."""
        t = OutboxEvent.__table__.c
        now = utcnow()
        add_pending(session, [
            {"event_id": row.id, "handler": handler, "event_type": row.type,
             "status": "pending", "attempts": 0, "last_error": "", "next_attempt_at": None,
             "published_at": now, "updated_at": now}
            for row in rows for handler in self.topology.subscribers(row.type)
        ])
        session.execute(
            update(OutboxEvent.__table__)
            .where(t.position.in_([row.position for row in rows]))
            .values(published_at=now, publish_attempts=t.publish_attempts + 1)
        )

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


def relay_once(app: Flask, *, lock_timeout: float = 10.0) -> int:
    """Publish everything currently in the outbox (used by tests and ``sinergi relay --once``).

    On SQLite it takes the relay lock like a running relay, waiting at most ``lock_timeout``
    seconds (``RuntimeError`` if another relay keeps it)."""
    relay = Relay(app)
    total = 0
    with contextlib.ExitStack() as stack:
        if relay.db.is_sqlite:
            stop = threading.Event()
            timer = threading.Timer(lock_timeout, stop.set)
            timer.start()
            stack.callback(timer.cancel)
            if not stack.enter_context(single_relay_lock(app.config["INSTANCE_PATH"], stop)):
                raise RuntimeError("another relay is running on this instance "
                                   f"({app.config['INSTANCE_PATH']}/relay.lock)")
            timer.cancel()
        publisher = stack.enter_context(BatchPublisher(relay.settings))
        relay.topology.declare(publisher.connection)
        while (count := relay.publish_batch(publisher)) > 0:
            total += count
    return total


