"""Workers: run plugin event handlers, each in its own transaction with an idempotency record.

A failing handler is retried with exponential backoff and jitter and marked dead after
``bus_max_attempts``; other handlers keep flowing since each has its own queue. The sweeper
(part of every worker) re-publishes due retries and deliveries that were lost in transit
(e.g. a consumer killed before ack on a transport that drops unacked messages).
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import random
import threading
import time
import traceback
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from flask import Flask
from kombu import Consumer, Producer
from kombu.message import Message
from sqlalchemy import insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from core.db import Database, utcnow
from core.events.bus import BusSettings, Topology, opened, publish
from core.events.ledger import EventDelivery, HandledEvent, ensure_delivery, mark_done
from core.events.outbox import OutboxEvent, record_event
from core.plugin.types import Event, HandlerContext
from core.plugins import BoundHandler

log = logging.getLogger(__name__)

SWEEP_BATCH = 500
_HANDLED = insert(HandledEvent.__table__)


def backoff_seconds(attempt: int, base: float, maximum: float) -> float:
    """Exponential backoff with jitter: about ``base * 2**(attempt-1)``, at most ``maximum``."""
    delay = min(maximum, base * (2 ** max(0, attempt - 1)))
    return delay * random.uniform(0.5, 1.0)


class Worker:
    """Consumes the queues of some (default: all) handlers and applies them."""

    def __init__(self, app: Flask, handler_keys: Iterable[str] | None = None):
        self.app = app
        self.db: Database = app.extensions["sinergi.db"]
        self.host = app.extensions["sinergi.plugins"]
        all_handlers: list[BoundHandler] = list(self.host.handlers)
        wanted = set(handler_keys) if handler_keys else None
        self.handlers = {b.key: b for b in all_handlers if wanted is None or b.key in wanted}
        self.settings = BusSettings.from_config(app.config)
        self.topology = Topology(self.settings, all_handlers)
        cfg = app.config
        self.max_attempts = int(cfg["BUS_MAX_ATTEMPTS"])
        self.retry_base = float(cfg["BUS_RETRY_BASE_SECONDS"])
        self.retry_max = float(cfg["BUS_RETRY_MAX_SECONDS"])
        self.redeliver_after = float(cfg["BUS_REDELIVER_AFTER_SECONDS"])
        self.sweep_interval = float(cfg["BUS_SWEEP_INTERVAL_SECONDS"])
        self.prefetch = int(cfg["BUS_PREFETCH"])
        self.stats = {"handled": 0, "duplicate": 0, "failed": 0, "dead": 0, "invalid": 0,
                      "republished": 0}
        self._producer: Producer | None = None
        self._received: list[tuple[str, Message]] = []

    # ------------------------------------------------------------ applying one event

    def limit_for(self, bound: BoundHandler) -> int:
        return bound.handler.max_attempts or self.max_attempts

    def apply(self, key: str, event: Event) -> str:
        """Run one handler for one event; returns handled, duplicate, failed or dead."""
        return self.apply_batch([(key, event)])[0]

    def apply_batch(self, items: list[tuple[str, Event]]) -> list[str]:
        """Run handlers for several events in one transaction, each in its own savepoint.

        Each event's idempotency record, effects and 'done' mark are kept or rolled back
        together (its savepoint); one commit makes the whole batch durable, so a database that
        syncs every commit to disk pays that once per batch instead of once per event. A failing
        handler rolls back its savepoint only; its failure is recorded after the commit. Returns
        one outcome per item: handled, duplicate, failed or dead.
        """
        outcomes: list[str | None] = [None] * len(items)
        failures: list[tuple[int, Exception]] = []
        session = self.db.write_session()
        try:
            attempts = {(event_id, handler): n for event_id, handler, n in session.execute(
                select(EventDelivery.event_id, EventDelivery.handler, EventDelivery.attempts)
                .where(
                    EventDelivery.event_id.in_({event.id for _, event in items}),
                    EventDelivery.handler.in_({key for key, _ in items}))
            )} if items else {}
            done: list[dict[str, Any]] = []
            for index, (key, event) in enumerate(items):
                bound = self.handlers[key]
                savepoint = session.begin_nested()
                try:
                    # Through the session: that emits the savepoint (SQLAlchemy opens it lazily).
                    session.execute(_HANDLED, {"event_id": event.id, "handler": key,
                                               "handled_at": utcnow()})
                except IntegrityError:
                    savepoint.rollback()
                    outcomes[index] = "duplicate"
                    continue
                except DBAPIError as exc:  # e.g. a deadlock with another worker: retry later
                    savepoint.rollback()
                    failures.append((index, exc))
                    continue
                try:
                    ctx = HandlerContext(
                        session=session,
                        config=self.host.config_for(bound.plugin),
                        attempt=attempts.get((event.id, key), 0) + 1,
                        emit=functools.partial(record_event, session),
                    )
                    bound.handler.func(event, ctx)
                    savepoint.commit()
                    outcomes[index] = "handled"
                    done.append({"event_id": event.id, "handler": key, "event_type": event.type})
                except Exception as exc:  # noqa: BLE001 - a handler's failure is recorded
                    savepoint.rollback()
                    failures.append((index, exc))
            if done:
                savepoint = session.begin_nested()
                try:
                    mark_done(session, done)
                    savepoint.commit()
                except DBAPIError as exc:  # the sweeper marks them done later (handled_events)
                    savepoint.rollback()
                    log.warning("worker: deliveries not marked done yet: %s", exc)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        for index, exc in failures:
            key, event = items[index]
            outcomes[index] = self.record_failure(key, event, exc)
        return [outcome or "failed" for outcome in outcomes]

    def record_failure(self, key: str, event: Event, error: BaseException) -> str:
        """Count a failed attempt: schedule a retry, or mark the delivery dead."""
        bound = self.handlers[key]
        text = "".join(traceback.format_exception(error))[-4000:]
        now = utcnow()
        with self.db.begin() as session:
            ensure_delivery(session, event.id, key, event.type, now=now)
            delivery = session.get(EventDelivery, (event.id, key), with_for_update=True,
                                   populate_existing=True)
            delivery.attempts = (delivery.attempts or 0) + 1
            delivery.last_error = text
            delivery.updated_at = now
            if delivery.attempts >= self.limit_for(bound):
                delivery.status = "dead"
                delivery.next_attempt_at = None
                outcome = "dead"
            else:
                delivery.status = "retrying"
                delivery.next_attempt_at = now + timedelta(
                    seconds=backoff_seconds(delivery.attempts, self.retry_base, self.retry_max)
                )
                outcome = "failed"
        log.warning("handler %s failed on %s (%s): %s", key, event.id, outcome, error)
        if outcome == "dead":
            self._to_dead_letter(key, event, text)
        return outcome

    def _to_dead_letter(self, key: str, event: Event, error: str) -> None:
        if self._producer is None:
            return
        with self.db.begin() as session:
            row = session.scalar(select(OutboxEvent).where(OutboxEvent.id == event.id))
            envelope = row.envelope() if row else {"id": event.id, "type": event.type}
        publish(self._producer, self.topology.dead, "", envelope,
                headers={"x-sinergi-handler": key, "x-sinergi-error": error[-500:]})

    # ------------------------------------------------------------ messages

    def on_message(self, key: str, message: Message) -> None:
        """kombu callback: collect the message; :meth:`process_received` applies the batch."""
        self._received.append((key, message))

    def process_received(self) -> None:
        """Decode and apply the collected messages in one batch, then acknowledge them all."""
        received, self._received = self._received, []
        items: list[tuple[str, Event]] = []
        messages: list[Message] = []
        for key, message in received:
            try:
                body = message.body
                envelope = json.loads(body.decode() if isinstance(body, bytes) else body)
                event = Event.from_envelope(envelope)
            except Exception as exc:  # noqa: BLE001 - undecodable message: park it, go on
                self.stats["invalid"] += 1
                log.error("handler %s: undecodable message dropped to dead letter: %s", key, exc)
                if self._producer is not None:
                    self._producer.publish(message.body, exchange=self.topology.dead,
                                           routing_key="", headers={"x-sinergi-handler": key})
                message.ack()
                continue
            items.append((key, event))
            messages.append(message)
        if not items:
            return
        for outcome in self.apply_batch(items):
            self.stats[outcome] += 1
        for message in messages:
            message.ack()

    # ------------------------------------------------------------ sweeping

    def sweep(self) -> int:
        """Re-publish due retries and lost deliveries of this worker's handlers."""
        if self._producer is None or not self.handlers:
            return 0
        now = utcnow()
        lost_before = now - timedelta(seconds=self.redeliver_after)
        republished = 0
        with self.db.begin() as session:
            keys = list(self.handlers)
            due = list(session.scalars(
                select(EventDelivery)
                .where(EventDelivery.handler.in_(keys), EventDelivery.status == "retrying",
                       EventDelivery.next_attempt_at <= now)
                .limit(SWEEP_BATCH).with_for_update(skip_locked=True)
            ))
            lost = list(session.scalars(
                select(EventDelivery)
                .where(EventDelivery.handler.in_(keys), EventDelivery.status == "pending",
                       EventDelivery.published_at < lost_before)
                .limit(SWEEP_BATCH).with_for_update(skip_locked=True)
            ))
            if not due and not lost:
                return 0
            ids = {d.event_id for d in due + lost}
            handled = set(session.execute(
                select(HandledEvent.event_id, HandledEvent.handler)
                .where(HandledEvent.event_id.in_(ids))
            ).all())
            envelopes = {
                row.id: row.envelope()
                for row in session.scalars(select(OutboxEvent).where(OutboxEvent.id.in_(ids)))
            }
            for delivery in due + lost:
                delivery.updated_at = now
                if (delivery.event_id, delivery.handler) in handled:
                    delivery.status = "done"
                    continue
                if delivery in lost:
                    delivery.attempts += 1
                    delivery.last_error = "re-published by the sweeper: not handled in time"
                    if delivery.attempts >= self.limit_for(self.handlers[delivery.handler]):
                        delivery.status = "dead"
                        continue
                envelope = envelopes.get(delivery.event_id)
                if envelope is None:
                    delivery.status = "dead"
                    delivery.last_error = "event missing from the outbox"
                    continue
                publish(self._producer, self.topology.retry,
                        self.topology.queue_name(delivery.handler), envelope)
                delivery.status = "pending"
                delivery.published_at = now
                delivery.next_attempt_at = None
                republished += 1
        self.stats["republished"] += republished
        return republished

    # ------------------------------------------------------------ the loop

    def run(self, stop: threading.Event, *, max_seconds: float | None = None,
            until: Any = None) -> dict[str, int]:
        """Consume until ``stop`` is set, ``max_seconds`` pass, or ``until(stats)`` is true."""
        deadline = time.monotonic() + max_seconds if max_seconds else None

        def done() -> bool:
            if stop.is_set() or (deadline is not None and time.monotonic() >= deadline):
                return True
            return bool(until and until(self.stats))

        backoff = 0.5
        with self.app.app_context():
            while not done():
                try:
                    self._consume(done)
                    backoff = 0.5
                except Exception as exc:  # noqa: BLE001 - broker outage: reconnect
                    log.warning("worker: %s: %s; reconnecting in %.1fs",
                                type(exc).__name__, exc, backoff)
                    stop.wait(backoff)
                    backoff = min(backoff * 2, 10.0)
        return dict(self.stats)

    def _consume(self, done: Any) -> None:
        # Publishing (sweeps, dead letters) uses its own connection: waiting for a publisher
        # confirm must not dispatch deliveries of the consuming connection re-entrantly.
        with opened(self.settings) as conn, opened(self.settings) as publishing:
            conn.ensure_connection(max_retries=1)
            publishing.ensure_connection(max_retries=1)
            self.topology.declare(conn)
            self._producer = Producer(publishing.default_channel)
            channel = conn.channel()
            consumers = [
                Consumer(channel, queues=[self.topology.queues[key]],
                         on_message=functools.partial(self.on_message, key),
                         prefetch_count=self.prefetch, accept=[])
                for key in self.handlers
            ]
            # Forget what a previous connection received (its channel is gone: the broker
            # redelivers those) before subscribing, never after: waiting for the broker's answer
            # to each subscription dispatches the messages already delivered to the consumers
            # subscribed before it (AMQP, a queue with a backlog), and emptying the list then
            # left them unapplied and unacknowledged, their prefetch window taken for good.
            self._received = []
            for consumer in consumers:
                consumer.consume()
            next_sweep = time.monotonic()
            try:
                while not done():
                    if time.monotonic() >= next_sweep:
                        self.sweep()
                        next_sweep = time.monotonic() + self.sweep_interval
                    if not consumers:
                        time.sleep(0.2)
                        continue
                    with contextlib.suppress(TimeoutError):
                        conn.drain_events(timeout=0.2)
                        # Take what else has arrived already (up to the prefetch windows),
                        # without waiting, and apply it as one batch.
                        while len(self._received) < self.prefetch * len(consumers):
                            conn.drain_events(timeout=0)
                    self.process_received()
            finally:
                for consumer in consumers:
                    with contextlib.suppress(Exception):
                        consumer.cancel()
                self._producer = None
