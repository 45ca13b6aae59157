"""``sinergi.evaluation.completed`` and ``.published`` travel the bus as plain CloudEvents that
an outside kombu consumer reads (as the exhibition does)."""

from __future__ import annotations

import contextlib
import json

from kombu import Consumer, Queue

from core.events.bus import BusSettings, Topology, connect
from core.events.relay import relay_once
from tests.plugins.evaluation.conftest import BANDUNG, SURABAYA, YEAR, ok, run_to_completion


def test_plain_kombu_consumer_receives_evaluation_events(bus_app, flow, app):
    settings = BusSettings.from_config(bus_app.config)
    topology = Topology(settings, bus_app.extensions["sinergi.plugins"].handlers)
    received: list[dict] = []
    with connect(settings) as conn:
        topology.declare(conn)
        queue = Queue(f"{settings.namespace}.outside-evaluation", exchange=topology.events,
                      routing_key="sinergi.evaluation.#", durable=True)
        queue(conn.default_channel).declare()
        run_to_completion(flow, app)
        flow.action("publish")
        relay_once(bus_app)

        def on_message(message):
            received.append(json.loads(message.body))
            message.ack()

        with Consumer(conn, queues=[queue], on_message=on_message, accept=[]):
            for _ in range(100):
                if len(received) >= 4:
                    break
                with contextlib.suppress(TimeoutError):
                    conn.drain_events(timeout=0.2)
        queue(conn.default_channel).delete()
    types = sorted(e["type"] for e in received)
    assert types == ["sinergi.evaluation.completed"] * 2 + ["sinergi.evaluation.published"] * 2
    completed = next(e for e in received if e["type"] == "sinergi.evaluation.completed"
                     and e["data"]["region_code"] == BANDUNG)
    assert completed["specversion"] == "1.0"
    assert completed["subject"] == f"{YEAR}:{BANDUNG}"
    data = completed["data"]
    assert set(data) >= {"region_code", "region_name", "cycle_year", "index", "components",
                         "dimensions", "rank", "of", "awards", "verified"}
    assert data["region_name"] == "Kota Bandung" and data["cycle_year"] == YEAR
    assert data["rank"] == 1 and data["of"] == 2 and data["verified"] is True
    assert set(data["components"]) == {"baseline", "output", "outcome", "impact", "quick_win"}
    assert all(isinstance(v, float) for v in data["dimensions"].values())
    surabaya = next(e["data"] for e in received if e["data"]["region_code"] == SURABAYA)
    assert surabaya["rank"] == 2 and surabaya["index"] < data["index"]
    published = ok(flow.api.get(f"/evaluation/cycles/{YEAR}/results/{BANDUNG}"))
    assert published["index"] == data["index"] and published["trend"] == []
