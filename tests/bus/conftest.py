"""Fixtures for the event bus: an app with the recorder test plugin on the suite's database and
on the chosen broker (``SINERGI_TEST_BROKER_URL``; default: kombu filesystem)."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from core.app import create_app
from core.events.bus import BusSettings, Topology, connect
from core.events.relay import relay_once
from core.events.worker import Worker
from core.migrate import upgrade

RECORDER = "recorder=tests.fixtures.recorder_plugin"


def broker_url() -> str:
    return os.environ.get("SINERGI_TEST_BROKER_URL", "")


def bus_overrides(app: Flask, tmp_path: Any, **extra: Any) -> dict[str, Any]:
    """Settings for a bus-enabled test app sharing the suite's database."""
    settings = {
        "database_url": app.config["DATABASE_URL"],
        "instance_path": str(tmp_path),
        "broker_url": broker_url(),
        "bus_namespace": f"sinergi-test-{uuid.uuid4().hex[:8]}",
        "plugin_modules": [RECORDER],
        "bus_max_attempts": 3,
        "bus_redeliver_after_seconds": 2.0,
    }
    settings.update(extra)
    return settings


def delete_topology(app: Flask) -> None:
    """Remove the test namespace's exchanges and queues from the broker."""
    settings = BusSettings.from_config(app.config)
    topology = Topology(settings, app.extensions["sinergi.plugins"].handlers)
    with connect(settings) as conn:
        channel = conn.default_channel
        for queue in [*topology.queues.values(), topology.dead_queue]:
            try:
                queue(channel).delete()
            except Exception:  # noqa: BLE001 - best effort
                channel = conn.channel()
        for exchange in (topology.events, topology.retry, topology.dead):
            try:
                exchange(channel).delete()
            except Exception:  # noqa: BLE001 - best effort
                channel = conn.channel()


@pytest.fixture
def make_bus_app(app: Flask, tmp_path: Any) -> Iterator[Callable[..., Flask]]:
    created: list[Flask] = []

    def make(**extra: Any) -> Flask:
        bus_app = create_app(bus_overrides(app, tmp_path, **extra), env="test")
        upgrade(bus_app)
        created.append(bus_app)
        return bus_app

    yield make
    for bus_app in created:
        if broker_url():
            delete_topology(bus_app)
        bus_app.extensions["sinergi.db"].dispose()


@pytest.fixture
def bus_app(make_bus_app: Callable[..., Flask]) -> Flask:
    """Every installed plugin plus the recorder."""
    return make_bus_app()


@pytest.fixture
def recorder_app(make_bus_app: Callable[..., Flask]) -> Flask:
    """Only the recorder test plugin: core's bus tests see no other handler."""
    return make_bus_app(enabled_plugins=[])


def effects(app: Flask) -> dict[str, int]:
    """Recorder effects per event id."""
    from tests.fixtures.recorder_plugin.models import RecorderEffect

    with app.extensions["sinergi.db"].begin() as session:
        rows = session.execute(
            select(RecorderEffect.event_id, func.count()).group_by(RecorderEffect.event_id)
        ).all()
    return {event_id: count for event_id, count in rows}


def drain(app: Flask, *, seconds: float = 10.0, until: Callable[[], bool] | None = None) -> dict:
    """Relay everything, then run a worker in-process until ``until()`` (or idle)."""
    relay_once(app)
    worker = Worker(app)
    stop = threading.Event()
    checks = {"n": 0}

    def finished(stats: dict[str, int]) -> bool:
        checks["n"] += 1
        if until is not None:
            return until()
        return False

    return worker.run(stop, max_seconds=seconds, until=finished)
