"""End-to-end delivery through the real transport, in-process relay and worker."""

from __future__ import annotations

import contextlib
import json
import threading

from kombu import Consumer, Queue
from sqlalchemy import select, update

from core.events.bus import BusSettings, Topology, connect
from core.events.ledger import EventDelivery, HandledEvent
from core.events.outbox import OutboxEvent
from core.events.relay import relay_once
from core.events.worker import Worker
from tests.bus.conftest import drain, effects
from tests.conftest import full_programmes


def _submit_plan(recorder_app, factory, title: str = "Rencana Induk") -> int:
    """Create and submit a plan through the API of the bus app; returns the plan id."""
    officer = factory.officer("32.73")
    client = recorder_app.test_client()
    created = client.post("/api/v1/plans", headers=officer.headers, json={
        "region_code": "32.73", "title": title, "period_start": 2024, "period_end": 2028,
        "vision": "Kota cerdas", "programmes": full_programmes(),
    })
    assert created.status_code == 201, created.json
    plan_id = created.json["id"]
    submitted = client.post(f"/api/v1/plans/{plan_id}/submit", headers=officer.headers)
    assert submitted.status_code == 200, submitted.json
    return plan_id


def _plan_event_ids(recorder_app) -> list[str]:
    with recorder_app.extensions["sinergi.db"].begin() as session:
        return list(session.scalars(
            select(OutboxEvent.id).where(OutboxEvent.type.in_(
                ["sinergi.plan.created", "sinergi.plan.submitted"]))
        ))


def test_submitted_plan_reaches_handler_exactly_once(recorder_app, factory):
    _submit_plan(recorder_app, factory)
    ids = _plan_event_ids(recorder_app)
    assert len(ids) == 2
    drain(recorder_app, until=lambda: len(effects(recorder_app)) == 2)
    assert effects(recorder_app) == {event_id: 1 for event_id in ids}
    with recorder_app.extensions["sinergi.db"].begin() as session:
        statuses = set(session.scalars(select(EventDelivery.status)))
        assert statuses == {"done"}
        assert session.scalar(select(OutboxEvent).where(OutboxEvent.published_at.is_(None))) is None


def test_redelivered_event_applies_once(recorder_app, factory):
    _submit_plan(recorder_app, factory)
    drain(recorder_app, until=lambda: len(effects(recorder_app)) == 2)
    # Publish everything a second time, as a relay killed before marking rows would.
    with recorder_app.extensions["sinergi.db"].begin() as session:
        session.execute(update(OutboxEvent).values(published_at=None))
    assert relay_once(recorder_app) >= 2
    worker = Worker(recorder_app)
    stats = worker.run(threading.Event(), max_seconds=8,
                       until=lambda s: s["duplicate"] >= 2)
    assert stats["duplicate"] >= 2
    assert set(effects(recorder_app).values()) == {1}
    with recorder_app.extensions["sinergi.db"].begin() as session:
        assert len(list(session.scalars(select(HandledEvent)))) == 2


def test_poison_event_goes_dead_then_replays(recorder_app, factory, tmp_path):
    from core.events.admin import dead_deliveries, replay

    _submit_plan(recorder_app, factory, title="POISON plan")
    good_id = _submit_plan(recorder_app, factory, title="Good plan")
    assert good_id
    db = recorder_app.extensions["sinergi.db"]

    def dead_count() -> int:
        with db.begin() as session:
            return len(dead_deliveries(session))

    # The poison plan's two events die after 3 attempts; the good plan's two flow.
    drain(recorder_app, seconds=20,
          until=lambda: dead_count() == 2 and len(effects(recorder_app)) == 2)
    assert dead_count() == 2
    assert len(effects(recorder_app)) == 2
    with db.begin() as session:
        dead = dead_deliveries(session)
        assert {d.attempts for d in dead} == {3}
        assert "poison event" in dead[0].last_error
        dead_ids = [d.event_id for d in dead]
    (tmp_path / "poison-fixed").write_text("fixed")
    with db.begin() as session:
        for event_id in dead_ids:
            replay(session, event_id)
    drain(recorder_app, seconds=15, until=lambda: len(effects(recorder_app)) == 4)
    assert sorted(effects(recorder_app).values()) == [1, 1, 1, 1]
    assert dead_count() == 0


def test_plain_kombu_consumer_receives_cloudevents(recorder_app, factory):
    settings = BusSettings.from_config(recorder_app.config)
    topology = Topology(settings, recorder_app.extensions["sinergi.plugins"].handlers)
    received: list[dict] = []
    with connect(settings) as conn:
        topology.declare(conn)
        queue = Queue(f"{settings.namespace}.outside", exchange=topology.events,
                      routing_key="sinergi.plan.#", durable=True)
        queue(conn.default_channel).declare()
        _submit_plan(recorder_app, factory)
        relay_once(recorder_app)

        def on_message(message):
            received.append(json.loads(message.body))
            message.ack()

        with Consumer(conn, queues=[queue], on_message=on_message, accept=[]):
            for _ in range(100):
                if len(received) >= 2:
                    break
                with contextlib.suppress(TimeoutError):
                    conn.drain_events(timeout=0.2)
        queue(conn.default_channel).delete()
    types = sorted(event["type"] for event in received)
    assert types == ["sinergi.plan.created", "sinergi.plan.submitted"]
    submitted = next(e for e in received if e["type"] == "sinergi.plan.submitted")
    assert submitted["specversion"] == "1.0"
    assert submitted["data"]["region_code"] == "32.73"
    assert submitted["data"]["resubmission"] is False
    assert submitted["sequence"] == 2
    assert {"id", "source", "subject", "time", "datacontenttype", "dataschema"} <= set(submitted)


def test_lost_delivery_is_swept_and_handled(recorder_app, factory):
    """A message that vanished in transit (consumer killed before ack) is re-published."""
    _submit_plan(recorder_app, factory)
    relay_once(recorder_app)
    settings = BusSettings.from_config(recorder_app.config)
    topology = Topology(settings, recorder_app.extensions["sinergi.plugins"].handlers)
    with connect(settings) as conn:  # lose the messages: purge the handler's queue
        for queue in topology.queues.values():
            queue(conn.default_channel).purge()
    drain(recorder_app, seconds=15, until=lambda: len(effects(recorder_app)) == 2)
    assert set(effects(recorder_app).values()) == {1}
    assert len(effects(recorder_app)) == 2
