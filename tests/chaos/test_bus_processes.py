"""The event bus with real OS processes: ``sinergi relay`` and ``sinergi worker`` started,
SIGKILLed and restarted, the broker VM killed; the end state is always every event published and
applied exactly once.

Runs on SQLite + kombu filesystem by default, on PostgreSQL + RabbitMQ when
``SINERGI_TEST_DATABASE_URL`` and ``SINERGI_TEST_BROKER_URL`` are set. The event counts can be
raised with ``SINERGI_CHAOS_EVENTS`` (``bench/chaos_full.py`` runs the 5,000-event variant).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from typing import Any

import pytest
from kombu import Consumer
from sqlalchemy import func, select

from core.events.bus import BusSettings, connect
from core.events.ledger import EventDelivery
from core.events.relay import relay_once
from tests.chaos.harness import (
    BusStack,
    all_done,
    assert_exactly_once,
    kill_broker,
    quorum_queues_on_disk,
    relay_kill_chaos,
    start_broker,
    wait_for,
)
from tests.conftest import full_programmes

pytestmark = pytest.mark.chaos

CHAOS_EVENTS = int(os.environ.get("SINERGI_CHAOS_EVENTS", "800"))
BACKLOG_EVENTS = 200


def report(record_property: Any, **values: Any) -> None:
    """Keep the figures in the JUnit report and print them (visible with ``-s`` / ``-rP``)."""
    for key, value in values.items():
        record_property(key, value)
    print("chaos:", json.dumps(values))


# ---------------------------------------------------------------- a. exactly once


def test_api_plan_reaches_worker_process_exactly_once(stack: BusStack, factory, record_property):
    """A plan submitted through the API is handled once by a separate worker process, published
    by a separate relay process; an outside kombu consumer gets the CloudEvents too."""
    relay = stack.spawn("relay", max_seconds=60)
    worker = stack.spawn("worker", max_seconds=60)
    settings = BusSettings.from_config(stack.app.config)
    received: list[dict[str, Any]] = []
    with connect(settings) as conn:
        outside = stack.outside_queue(conn)
        officer = factory.officer("32.73")
        client = stack.app.test_client()
        created = client.post("/api/v1/plans", headers=officer.headers, json={
            "region_code": "32.73", "title": "Rencana Induk", "period_start": 2024,
            "period_end": 2028, "vision": "Kota cerdas", "programmes": full_programmes(),
        })
        assert created.status_code == 201, created.json
        submitted = client.post(f"/api/v1/plans/{created.json['id']}/submit",
                                headers=officer.headers)
        assert submitted.status_code == 200, submitted.json

        def on_message(message: Any) -> None:
            received.append(json.loads(message.body))
            message.ack()

        deadline = time.monotonic() + 30
        with Consumer(conn, queues=[outside], on_message=on_message, accept=[]):
            while len(received) < 2 and time.monotonic() < deadline:
                with contextlib.suppress(TimeoutError):
                    conn.drain_events(timeout=0.2)
    assert sorted(e["type"] for e in received) == ["sinergi.plan.created",
                                                   "sinergi.plan.submitted"]
    event = next(e for e in received if e["type"] == "sinergi.plan.submitted")
    assert event["specversion"] == "1.0" and event["sequence"] == 2
    assert event["data"]["plan_id"] == created.json["id"]
    assert {"id", "source", "subject", "time", "datacontenttype", "dataschema"} <= set(event)

    ids = [e["id"] for e in received]
    assert wait_for(lambda: all_done(stack, 2), timeout=30), stack.counts()
    time.sleep(0.5)  # room for a wrong second application
    assert worker.stop() == 0, worker.output()
    relay.stop()
    assert_exactly_once(stack, ids)
    assert worker.stats() is not None, worker.output()
    assert worker.stats()["handled"] == 2, worker.output()
    report(record_property, handled=2, duplicates=worker.stats()["duplicate"])


# ---------------------------------------------------------------- b. relay SIGKILL chaos


def test_relay_sigkill_chaos_loses_nothing_applies_once(make_stack, record_property):
    stack = make_stack(bus_relay_batch_size=50)
    figures = relay_kill_chaos(stack, CHAOS_EVENTS, flow_seconds=6.0, min_kills=4,
                               timeout=100.0)
    report(record_property, **figures)
    assert figures["relay_kills"] >= 4
    assert figures["deliveries_handled"] == figures["events"]


# ---------------------------------------------------------------- c. worker SIGKILL mid-handler


def test_worker_sigkill_mid_handler_applies_once(make_stack, record_property):
    """Kill the worker while a 5-second handler runs: the event is applied once by the next
    worker (RabbitMQ redelivers the unacked message; on the filesystem transport the message
    died with the process and the sweeper re-publishes it)."""
    filesystem = not os.environ.get("SINERGI_TEST_BROKER_URL")
    # On RabbitMQ, a sweeper far away proves that the broker redelivered.
    stack = make_stack(bus_redeliver_after_seconds=4.0 if filesystem else 90.0,
                       bus_sweep_interval_seconds=0.5)
    [slow] = stack.insert_events(1, title="SLOW chaos")
    relay = stack.spawn("relay", max_seconds=60)
    first = stack.spawn("worker", name="worker-1", max_seconds=60)
    # The handler marks its start in the instance folder, then sleeps 5 s: kill right then.
    started = stack.instance / f"slow-started-{slow}"
    assert wait_for(started.exists, timeout=40, interval=0.05), (relay.output(), first.output())
    first.kill()
    assert stack.effects() == {}, "the handler finished before the kill"
    second = stack.spawn("worker", name="worker-2", max_seconds=60)
    assert wait_for(lambda: all_done(stack, 1), timeout=40), (stack.counts(), second.output())
    time.sleep(0.5)
    assert second.stop() == 0, second.output()
    relay.stop()
    assert_exactly_once(stack, [slow])
    stats = second.stats()
    assert stats is not None and stats["handled"] == 1, second.output()
    with stack.db.begin() as session:
        delivery = session.get(EventDelivery, (slow, "recorder.record"))
        assert delivery is not None and delivery.status == "done"
    report(record_property, recovered_by="sweeper" if filesystem else "broker redelivery",
           republished_by_sweeper=stats["republished"], duplicates=stats["duplicate"])
    if not filesystem:
        assert stats["republished"] == 0


# ---------------------------------------------------------------- d. broker hard kill


def test_broker_hard_kill_loses_nothing(stack: BusStack, record_property):
    """SIGKILL RabbitMQ's VM while events flow, restart it: relay and worker reconnect by
    themselves, nothing is lost, everything is applied once."""
    if not stack.is_amqp:
        pytest.skip("filesystem transport: there is no broker process to kill "
                    "(set SINERGI_TEST_BROKER_URL to a local RabbitMQ)")
    if shutil.which("rabbitmq-server") is None:
        pytest.skip("rabbitmq-server is not installed here: cannot restart the broker")
    events = min(CHAOS_EVENTS, 400)
    url = stack.broker_url
    try:
        stack.declare()
        quorum_queues_on_disk(stack)  # a queue declared just before a hard kill may not recover
        worker = stack.spawn("worker", max_seconds=150)
        relay = stack.spawn("relay", max_seconds=150)
        feeder = stack.feed(events, seconds=8.0)
        assert wait_for(lambda: stack.counts()["distinct_effects"] >= events // 5, timeout=40), \
            (stack.counts(), relay.output()[-2000:], worker.output()[-2000:])
        killed_at = time.monotonic()
        pid = kill_broker(url)
        time.sleep(0.5)
        assert start_broker(url, timeout=60), "RabbitMQ did not come back within 60 s"
        down = round(time.monotonic() - killed_at, 1)
        feeder.join(timeout=30)
        assert feeder.error is None, feeder.error
        assert wait_for(lambda: all_done(stack, events), timeout=90, interval=0.25), \
            (stack.counts(), relay.output()[-3000:], worker.output()[-3000:])
        time.sleep(0.5)
        assert relay.alive() and worker.alive(), "a process died instead of reconnecting"
        assert worker.stop() == 0, worker.output()[-2000:]
        relay.stop()
        assert_exactly_once(stack, feeder.ids)
        stats = worker.stats()
        assert stats is not None, worker.output()[-2000:]
        report(record_property, events=events, broker_pid_killed=pid, broker_down_seconds=down,
               duplicates_absorbed=stats["duplicate"],
               republished_by_sweeper=stats["republished"])
    finally:
        assert start_broker(url, timeout=90), "RabbitMQ is not running after the test"


# ---------------------------------------------------------------- e. poison event


def test_poison_event_dies_then_replays_through_cli(stack: BusStack, record_property):
    """One poison event dies after 3 attempts while 20 others flow; ``sinergi events dead`` lists
    it; after the fix, ``sinergi events replay`` makes the running worker apply it once."""
    good = stack.insert_events(10, title="Good")
    [poison] = stack.insert_events(1, title="POISON chaos", start=10)
    good += stack.insert_events(10, title="Good", start=11)
    relay = stack.spawn("relay", max_seconds=90)
    worker = stack.spawn("worker", max_seconds=90)

    def dead_ids() -> list[str]:
        with stack.db.begin() as session:
            return list(session.scalars(
                select(EventDelivery.event_id).where(EventDelivery.status == "dead")))

    assert wait_for(lambda: dead_ids() == [poison] and len(stack.effects()) == 20, timeout=40), \
        (stack.counts(), worker.output()[-2000:])
    listed = stack.cli("events", "dead")
    assert listed.returncode == 0, listed.stderr
    assert poison in listed.stdout and "attempts=3" in listed.stdout, listed.stdout
    assert "poison event" in listed.stdout, listed.stdout

    (stack.instance / "poison-fixed").write_text("fixed")
    replayed = stack.cli("events", "replay", poison)
    assert replayed.returncode == 0, replayed.stderr
    assert f"Replaying {poison} for: recorder.record" in replayed.stdout
    assert wait_for(lambda: all_done(stack, 21), timeout=30), \
        (stack.counts(), worker.output()[-2000:])
    assert stack.cli("events", "dead").stdout.strip() == "No dead deliveries."
    time.sleep(0.3)
    assert worker.stop() == 0, worker.output()[-2000:]
    relay.stop()
    assert_exactly_once(stack, [*good, poison])
    stats = worker.stats()
    assert stats is not None and stats["handled"] == 21 and stats["dead"] == 1, worker.output()
    report(record_property, failed_attempts=stats["failed"] + stats["dead"])


# ---------------------------------------------------------------- e. a worker started on a backlog


def test_worker_started_on_a_backlog_handles_every_queue(make_stack, record_property):
    """A worker whose handler queues already hold messages when it starts handles them all.

    Regression (found by the journey load test): the worker subscribes one consumer per handler
    queue on one channel, and waiting for the broker's answer to each subscription dispatches the
    messages already delivered to the consumers subscribed before it. The worker emptied its
    list of received messages after subscribing, so on RabbitMQ those messages (up to a prefetch
    window per queue) were never applied nor acknowledged: their deliveries stayed pending until
    the sweeper re-published them (``bus_redeliver_after_seconds``) to another worker, and the
    window stayed taken until the worker restarted. The sweeper is kept far away here: every
    delivery must be done by the worker at once, none re-published.
    """
    stack = make_stack(enabled_plugins=["webhooks"], bus_redeliver_after_seconds=600.0)
    handlers = [b.key for b in stack.app.extensions["sinergi.plugins"].handlers]
    assert "recorder.record" in handlers and "webhooks.fan_out" in handlers, handlers
    stack.declare()
    ids = stack.insert_events(BACKLOG_EVENTS, title="Backlog")
    while stack.unpublished():
        assert relay_once(stack.app) > 0
    if stack.is_amqp:  # both queues subscribed to plan events hold the backlog
        assert stack.queue_size("recorder.record") == BACKLOG_EVENTS
        assert stack.queue_size("webhooks.fan_out") == BACKLOG_EVENTS

    def open_deliveries() -> dict[str, int]:
        with stack.reading() as session:
            return {f"{handler} {status}": n for handler, status, n in session.execute(
                select(EventDelivery.handler, EventDelivery.status, func.count())
                .where(EventDelivery.event_id.in_(ids), EventDelivery.status != "done")
                .group_by(EventDelivery.handler, EventDelivery.status))}

    began = time.monotonic()
    worker = stack.spawn("worker", max_seconds=60)
    finished = wait_for(lambda: not open_deliveries(), timeout=30, interval=0.2)
    seconds = round(time.monotonic() - began, 1)
    assert finished, (open_deliveries(), worker.output()[-2000:])
    assert worker.stop() == 0, worker.output()[-2000:]
    assert_exactly_once(stack, ids)
    stats = worker.stats()
    assert stats is not None, worker.output()[-2000:]
    assert stats["republished"] == 0 and stats["handled"] == 2 * BACKLOG_EVENTS, stats
    report(record_property, backlog_events=BACKLOG_EVENTS, queues=len(handlers),
           seconds_to_done=seconds)
