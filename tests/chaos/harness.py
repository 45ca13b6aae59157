"""Real-process harness for the event bus: one isolated stack (instance folder, bus namespace,
database, broker) with ``sinergi relay``/``sinergi worker`` OS processes, an in-process app on
the same database to create events, and helpers to count what happened.

Used by ``tests/chaos`` and by ``bench/bus_bench.py`` / ``bench/chaos_full.py``; ``tests/e2e``
adds the web (gunicorn, :meth:`BusStack.spawn_web`) for browser journeys. Every process is
started with ``--max-seconds`` (the web under ``timeout``: bounded even if the harness dies)
and stopped by its own pid.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import urlopen

from flask import Flask
from kombu import Queue
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from core.testing.databases import create_database, drop_database  # noqa: F401 - re-exported

ROOT = Path(__file__).resolve().parents[2]
SINERGI = str(ROOT / ".venv" / "bin" / "sinergi")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
RECORDER = "recorder=tests.fixtures.recorder_plugin"
STATS_RE = re.compile(r"handled=(\d+) duplicate=(\d+) failed=(\d+) dead=(\d+) invalid=(\d+) "
                      r"republished=(\d+)")


def plan_payload(n: int, title: str) -> dict[str, Any]:
    """A valid ``sinergi.plan.created`` payload (the recorder subscribes to it)."""
    return {
        "plan_id": n, "region_code": "32.73", "region_name": "Kota Bandung",
        "province_code": "32", "title": title, "period_start": 2024, "period_end": 2028,
        "status": "draft", "version": 1, "actor_id": None,
    }


@dataclass
class Proc:
    """A ``sinergi`` OS process with its log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL (no cleanup in the process), then reap it."""
        if self.alive():
            os.kill(self.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM (graceful: the process prints its totals), SIGKILL if it does not exit."""
        if self.alive():
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.popen.returncode

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stats(self) -> dict[str, int] | None:
        """The worker's totals line (printed when it stops gracefully)."""
        match = STATS_RE.search(self.output())
        if not match:
            return None
        keys = ("handled", "duplicate", "failed", "dead", "invalid", "republished")
        return dict(zip(keys, map(int, match.groups()), strict=True))


class GroupProc(Proc):
    """A process started in its own session (process group): a kill reaches its children."""

    def kill(self) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)


@dataclass
class BusStack:
    """One isolated bus: instance folder, namespace, database, broker, processes."""

    instance: Path
    database_url: str = ""  # empty: SQLite in the instance folder
    broker_url: str = ""  # empty: kombu filesystem under the instance folder
    extra: dict[str, Any] = field(default_factory=dict)
    #: configuration environment: ``test`` (config/test.toml: quick retries and sweeps) or
    #: ``development`` (the defaults of config/default.toml)
    env: str = "test"
    namespace: str = field(default_factory=lambda: f"chaos-{uuid.uuid4().hex[:10]}")
    procs: list[Proc] = field(default_factory=list)
    _app: Flask | None = None
    _counter: int = 0

    # ------------------------------------------------------------ configuration

    @property
    def is_amqp(self) -> bool:
        return self.broker_url.startswith(("amqp", "pyamqp"))

    def settings(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "instance_path": str(self.instance),
            "database_url": self.database_url,
            "broker_url": self.broker_url,
            "bus_namespace": self.namespace,
            # Only the recorder: other plugins' handlers stay out of the measurements, and a
            # plugin someone installs into the environment meanwhile cannot break the stack.
            "enabled_plugins": [],
            "plugin_modules": [RECORDER],
        }
        values.update(self.extra)
        return values

    def environ(self) -> dict[str, str]:
        """Environment of the processes: this stack's settings as ``SINERGI_*`` variables."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("SINERGI_")}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        env["SINERGI_ENV"] = self.env
        for key, value in self.settings().items():
            if isinstance(value, list | dict):
                text = json.dumps(value)
            elif isinstance(value, bool):
                text = "true" if value else "false"
            else:
                text = str(value)
            env[f"SINERGI_{key.upper()}"] = text
        return env

    @property
    def app(self) -> Flask:
        """An in-process app on the same database, instance folder and bus (migrated)."""
        if self._app is None:
            from core.app import create_app
            from core.migrate import upgrade

            self.instance.mkdir(parents=True, exist_ok=True)
            # Migrate with every installed plugin (the database may hold their branches, e.g.
            # the test suite's), then work with the recorder alone.
            migrating = create_app({**self.settings(), "enabled_plugins": ["*"],
                                    "plugins_strict": False}, env=self.env)
            upgrade(migrating)
            migrating.extensions["sinergi.db"].dispose()
            self._app = create_app(self.settings(), env=self.env)
        return self._app

    @property
    def db(self):
        return self.app.extensions["sinergi.db"]

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session (on SQLite: a deferred transaction that never takes the write
        lock, so observing does not slow the relay and the worker down)."""
        session = self.db.session_factory()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    # ------------------------------------------------------------ processes

    def spawn(self, *args: str, name: str | None = None, max_seconds: float = 120.0) -> Proc:
        """Start ``sinergi <args> --max-seconds N`` with this stack's environment (after the
        database is migrated)."""
        assert self.app is not None
        self._counter += 1
        label = name or args[0]
        logs = self.instance / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        log = logs / f"{self._counter:03d}-{label}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [SINERGI, *args, "--max-seconds", str(max_seconds)],
                cwd=ROOT, env=self.environ(), stdout=out, stderr=subprocess.STDOUT,
            )
        proc = Proc(label, popen, log)
        self.procs.append(proc)
        return proc

    def cli(self, *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        """Run a ``sinergi`` command to completion."""
        return subprocess.run([SINERGI, *args], cwd=ROOT, env=self.environ(), capture_output=True,
                              text=True, timeout=timeout, check=False)

    def spawn_web(self, *, workers: int = 2, threads: int = 4, max_seconds: float = 300.0,
                  name: str = "web", ready_timeout: float | None = 60.0) -> tuple[Proc, str]:
        """Serve the app as docs/operations.md says (gunicorn, ``core:create_app()``, gthread
        workers) on a free local port, with this stack's environment; return the process and
        its base URL once ``/healthz`` answers (at once with ``ready_timeout=None``; then
        call :func:`wait_web`). Bounded by ``timeout`` (``max_seconds``), in its own process
        group so that a kill reaches the gunicorn workers too."""
        assert self.app is not None
        self._counter += 1
        logs = self.instance / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        log = logs / f"{self._counter:03d}-{name}.log"
        port = free_port()
        command = ["timeout", "--kill-after=10", str(int(max_seconds)), GUNICORN,
                   "--workers", str(workers), "--worker-class", "gthread",
                   "--threads", str(threads), "--bind", f"127.0.0.1:{port}",
                   "--graceful-timeout", "5", "--access-logfile", "-",
                   "--access-logformat", '%(h)s "%(r)s" %(s)s %(L)ss', "core:create_app()"]
        with log.open("wb") as out:
            popen = subprocess.Popen(command, cwd=ROOT, env=self.environ(), stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        proc = GroupProc(name, popen, log)
        self.procs.append(proc)
        url = f"http://127.0.0.1:{port}"
        if ready_timeout is not None:
            wait_web(proc, url, ready_timeout)
        return proc, url

    def stop_all(self) -> None:
        for proc in self.procs:
            with contextlib.suppress(Exception):
                proc.stop(timeout=5)

    def close(self) -> None:
        """Stop every process, remove the namespace from the broker, release connections."""
        self.stop_all()
        if self._app is not None:
            if self.is_amqp:
                with contextlib.suppress(Exception):
                    delete_topology(self.app)
            self._app.extensions["sinergi.db"].dispose()

    # ------------------------------------------------------------ events

    def insert_events(self, count: int, *, title: str = "Chaos", batch: int = 100,
                      start: int = 0) -> list[str]:
        """Record ``count`` plan events through the outbox, ``batch`` per transaction."""
        from core.events import record_event

        ids: list[str] = []
        for first in range(start, start + count, batch):
            with self.db.begin() as session:
                for n in range(first, min(first + batch, start + count)):
                    row = record_event(session, "sinergi.plan.created", subject=n, sequence=1,
                                       data=plan_payload(n, f"{title} {n}"))
                    ids.append(row.id)
        return ids

    def feed(self, count: int, *, seconds: float, batch: int = 20, title: str = "Chaos",
             max_backlog: int | None = None) -> Feeder:
        """Insert ``count`` events over at least ``seconds`` in a thread; with ``max_backlog``,
        wait while that many are unpublished (keeps a relay busy without flooding it)."""
        feeder = Feeder(self, count, seconds, batch, title, max_backlog)
        feeder.start()
        return feeder

    def unpublished(self) -> int:
        from core.events.outbox import OutboxEvent

        with self.reading() as session:
            return session.scalar(select(func.count()).where(OutboxEvent.published_at.is_(None)))

    # ------------------------------------------------------------ observing

    def counts(self, handler: str = "recorder.record") -> dict[str, int]:
        """Outbox totals, and ledger and recorder totals of one handler."""
        from core.events.ledger import EventDelivery, HandledEvent
        from core.events.outbox import OutboxEvent
        from tests.fixtures.recorder_plugin.models import RecorderEffect

        with self.reading() as session:
            total, published = session.execute(
                select(func.count(), func.count(OutboxEvent.published_at))
            ).one()
            effects, distinct = session.execute(
                select(func.count(), func.count(func.distinct(RecorderEffect.event_id)))
            ).one()
            handled = session.scalar(
                select(func.count()).where(HandledEvent.handler == handler))
            statuses = dict(session.execute(
                select(EventDelivery.status, func.count())
                .where(EventDelivery.handler == handler).group_by(EventDelivery.status)
            ).all())
        return {"events": total, "published": published, "effects": effects,
                "distinct_effects": distinct, "handled": handled or 0,
                **{f"deliveries_{k}": v for k, v in statuses.items()}}

    def effects(self) -> dict[str, int]:
        """Recorder effects per event id."""
        from tests.fixtures.recorder_plugin.models import RecorderEffect

        with self.reading() as session:
            rows = session.execute(
                select(RecorderEffect.event_id, func.count()).group_by(RecorderEffect.event_id)
            ).all()
        return dict(rows)

    def reset_effects(self) -> None:
        """Empty the recorder's table (it is not one of core's, so the suite does not)."""
        from tests.fixtures.recorder_plugin.models import RecorderEffect

        with self.db.begin() as session:
            session.execute(delete(RecorderEffect))

    def queue_size(self, handler: str = "recorder.record") -> int:
        """Messages ready in a handler's queue (not counting unacknowledged ones)."""
        from core.events.bus import BusSettings, connect

        settings = BusSettings.from_config(self.app.config)
        with connect(settings) as conn:
            name = f"{self.namespace}.handler.{handler}"
            return conn.default_channel.queue_declare(queue=name, passive=True).message_count

    def declare(self) -> None:
        """Declare the namespace's exchanges and queues on the broker."""
        from core.events.bus import BusSettings, Topology, connect

        settings = BusSettings.from_config(self.app.config)
        with connect(settings) as conn:
            Topology(settings, self.app.extensions["sinergi.plugins"].handlers).declare(conn)

    def outside_queue(self, conn: Any, pattern: str = "sinergi.plan.#") -> Queue:
        """Declare the topology and an outside consumer's queue bound to ``<ns>.events``."""
        from core.events.bus import BusSettings, Topology

        settings = BusSettings.from_config(self.app.config)
        topology = Topology(settings, self.app.extensions["sinergi.plugins"].handlers)
        topology.declare(conn)
        queue = Queue(f"{self.namespace}.outside", exchange=topology.events,
                      routing_key=pattern, durable=True)
        queue(conn.default_channel).declare()
        return queue


class Feeder(threading.Thread):
    """Inserts events at a steady pace (bounded: it ends after ``count`` events, or when
    ``stop`` is set)."""

    def __init__(self, stack: BusStack, count: int, seconds: float, batch: int, title: str,
                 max_backlog: int | None = None):
        super().__init__(name="feeder", daemon=True)
        self.stack, self.count, self.seconds = stack, count, seconds
        self.batch, self.title, self.max_backlog = batch, title, max_backlog
        self.ids: list[str] = []
        self.error: BaseException | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            batches = max(1, -(-self.count // self.batch))
            pause = self.seconds / batches
            began = time.monotonic()
            for i in range(batches):
                while (self.max_backlog is not None and not self.stop.is_set()
                       and self.stack.unpublished() >= self.max_backlog):
                    time.sleep(0.05)
                if self.stop.is_set():
                    return
                n = min(self.batch, self.count - i * self.batch)
                self.ids += self.stack.insert_events(n, title=self.title, batch=n,
                                                     start=i * self.batch)
                delay = began + (i + 1) * pause - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    """Poll ``predicate`` until true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def delete_topology(app: Flask, extra_queues: Iterable[str] = ("outside",)) -> None:
    """Delete the namespace's queues and exchanges on the broker (best effort)."""
    from core.events.bus import BusSettings, Topology, connect

    settings = BusSettings.from_config(app.config)
    topology = Topology(settings, app.extensions["sinergi.plugins"].handlers)
    names = [q.name for q in topology.queues.values()] + [topology.dead_queue.name]
    names += [f"{settings.namespace}.{suffix}" for suffix in extra_queues]
    with connect(settings) as conn:
        conn.ensure_connection(max_retries=3)
        channel = conn.channel()
        for name in names:
            try:
                channel.queue_delete(name)
            except Exception:  # noqa: BLE001 - the channel is closed after an error
                channel = conn.channel()
        for exchange in (topology.events, topology.retry, topology.dead):
            try:
                channel.exchange_delete(exchange.name)
            except Exception:  # noqa: BLE001
                channel = conn.channel()


# ---------------------------------------------------------------- checks and scenarios


def assert_exactly_once(stack: BusStack, ids: list[str]) -> None:
    """Every outbox row published; every event of ``ids`` applied exactly once; nothing else
    applied."""
    counts = stack.counts()
    assert counts["published"] == counts["events"] >= len(ids), counts
    effects = stack.effects()
    lost = [i for i in ids if i not in effects]
    twice = {i: n for i, n in effects.items() if n != 1}
    assert not lost, f"{len(lost)} event(s) never applied, e.g. {lost[:3]}"
    assert not twice, f"{len(twice)} event(s) applied more than once: {list(twice.items())[:3]}"
    assert set(effects) == set(ids)
    assert counts["handled"] == len(ids), counts


def all_done(stack: BusStack, n: int) -> bool:
    counts = stack.counts()
    return counts["distinct_effects"] >= n and counts.get("deliveries_done", 0) >= n


def relay_kill_chaos(stack: BusStack, events: int, *, flow_seconds: float, min_kills: int,
                     timeout: float) -> dict[str, Any]:
    """Feed ``events`` evenly over ``flow_seconds`` while SIGKILLing the relay at a random
    moment in the second after each restart became active (its first batch committed; the
    backlog that piled up while it was down is still being published); restart it each time.
    A last relay finishes. Returns the figures: kills, duplicates absorbed by the worker."""
    began = time.monotonic()
    deadline = began + timeout
    worker = stack.spawn("worker", max_seconds=timeout + 30)
    feeder = first_feeder = stack.feed(events, seconds=flow_seconds, batch=25)
    extra: list[Any] = []
    kills = 0
    timeline: list[tuple[float, int]] = []

    def flowing() -> bool:
        return feeder.is_alive() or stack.unpublished() > 0

    try:
        while time.monotonic() < deadline and (flowing() or kills < min_kills):
            if not flowing():
                feeder.join()  # all published already: a last round with fresh events
                feeder = stack.feed(50, seconds=0.5, batch=25, title="Extra")
                extra.append(feeder)
            before = stack.counts()["published"]
            relay = stack.spawn("relay", name=f"relay-{kills}", max_seconds=timeout)

            def started(b: int = before, f: Feeder = feeder) -> bool:
                """It published something, or there is nothing left for it to publish."""
                return (stack.counts()["published"] > b
                        or (not f.is_alive() and stack.unpublished() == 0))

            assert wait_for(started, timeout=30, interval=0.02), relay.output()[-2000:]
            if stack.counts()["published"] == before:
                relay.stop()
                continue
            time.sleep(jitter(0.0, 1.0))
            relay.kill()
            kills += 1
            timeline.append((round(time.monotonic() - began, 1), stack.counts()["published"]))
    finally:
        feeder.stop.set()
    feeder.join(timeout=10)
    ids = [i for f in [first_feeder, *extra] for i in f.ids]
    assert all(f.error is None for f in [first_feeder, *extra])
    assert len(first_feeder.ids) == events, f"the feeder inserted {len(first_feeder.ids)} in time"
    final = stack.spawn("relay", name="relay-final", max_seconds=timeout)
    remaining = max(10.0, deadline - time.monotonic())
    finished = wait_for(lambda: all_done(stack, len(ids)), timeout=remaining, interval=0.25)
    seconds = round(time.monotonic() - began, 1)
    assert finished, (stack.counts(), worker.output()[-2000:])
    time.sleep(0.5)
    assert worker.stop() == 0, worker.output()[-2000:]
    final.stop()
    assert_exactly_once(stack, ids)
    stats = worker.stats()
    assert stats is not None, worker.output()[-2000:]
    return {"events": len(ids), "relay_kills": kills, "seconds": seconds,
            "deliveries_handled": stats["handled"], "duplicates_absorbed": stats["duplicate"],
            "republished_by_sweeper": stats["republished"], "kill_timeline": timeline}


# ---------------------------------------------------------------- RabbitMQ, killed for real


def broker_address(url: str) -> tuple[str, int]:
    parsed = urlparse(url.replace("pyamqp://", "amqp://", 1))
    return parsed.hostname or "127.0.0.1", parsed.port or 5672


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def broker_pid(port: int = 5672) -> int | None:
    """Pid of the process listening on the AMQP port (RabbitMQ's ``beam.smp``)."""
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True,
                         check=False, timeout=10).stdout
    match = re.search(r'"beam\.smp",pid=(\d+)', out)
    return int(match.group(1)) if match else None


def broker_answers(url: str) -> bool:
    """True when an AMQP connection opens (the port may listen before the vhost is ready)."""
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
            conn.default_channel.exchange_declare("amq.topic", "topic", passive=True)
        return True
    except Exception:  # noqa: BLE001
        return False


def kill_broker(url: str) -> int:
    """SIGKILL the RabbitMQ VM (no graceful shutdown); returns its pid."""
    host, port = broker_address(url)
    pid = broker_pid(port)
    if pid is None:
        raise RuntimeError(f"no beam.smp listening on {host}:{port}")
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not port_open(host, port), timeout=10)
    return pid


def start_broker(url: str, timeout: float = 60.0) -> bool:
    """Start RabbitMQ (``rabbitmq-server -detached``) unless it answers; wait until it does."""
    if broker_answers(url):
        return True
    subprocess.run(["rabbitmq-server", "-detached"], capture_output=True, timeout=30,
                   check=False)
    return wait_for(lambda: broker_answers(url), timeout=timeout, interval=0.5)


def quorum_queues_on_disk(stack: BusStack, timeout: float = 20.0) -> bool:
    """Wait until RabbitMQ has written the stack's quorum queues into its Ra name directory.

    RabbitMQ 3.10 keeps that directory in a DETS table that is flushed only after 500 ms
    without access: under steady traffic a queue declared seconds before a hard kill may be
    missing from it after the restart, and the queue stays leaderless for good (publishes
    nacked, the channel closed with INTERNAL_ERROR after 65 s). Production queues are old;
    a test must not kill the broker before its fresh queues are on disk. Returns False when
    the broker's data folder cannot be read here (then it waits ``timeout / 4`` seconds idle).
    """
    names = [f"%2F_{stack.namespace}.handler.{bound.key}".encode()
             for bound in stack.app.extensions["sinergi.plugins"].handlers]
    files = list(Path("/var/lib/rabbitmq/mnesia").glob("*/quorum/*/names.dets"))
    readable = [f for f in files if os.access(f, os.R_OK)]
    if not readable:
        time.sleep(timeout / 4)
        return False

    def written() -> bool:
        data = b"".join(f.read_bytes() for f in readable)
        return all(name in data for name in names)

    return wait_for(written, timeout=timeout, interval=0.25)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_ok(url: str, timeout: float = 2.0) -> bool:
    """True when ``url`` answers 200."""
    try:
        with urlopen(url, timeout=timeout) as response:  # noqa: S310 - a local test URL
            return response.status == 200
    except (OSError, ValueError):
        return False


def wait_web(proc: Proc, url: str, timeout: float = 60.0) -> None:
    """Wait until the web process answers ``/healthz``; stop it and raise if it does not."""
    if not wait_for(lambda: not proc.alive() or http_ok(f"{url}/healthz"),
                    timeout=timeout, interval=0.2) or not proc.alive():
        proc.stop()
        raise RuntimeError(f"gunicorn did not start:\n{proc.output()[-3000:]}")


def jitter(low: float, high: float) -> float:
    return random.uniform(low, high)
