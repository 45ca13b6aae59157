"""The message bus on kombu: connections, topology, publishing CloudEvents.

Names (``<ns>`` is ``bus_namespace``, ``sinergi`` by default):

- ``<ns>.events``: durable topic exchange; routing key = event type. Outside consumers bind
  their own queues here.
- ``<ns>.handler.<plugin>.<handler>``: one durable queue per handler, bound to the types it
  subscribes to, and to ``<ns>.retry`` (direct, routing key = queue name) for retries and
  sweeps.
- ``<ns>.dead``: fanout exchange and queue receiving events that exhausted their attempts.

The transport is configuration only (``broker_url``): ``filesystem://`` under the instance
folder by default, ``pyamqp://`` for RabbitMQ.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kombu import Connection, Exchange, Producer, Queue, binding

from core.plugins import BoundHandler

CONTENT_TYPE = "application/cloudevents+json"


@dataclass(frozen=True)
class BusSettings:
    """Bus configuration read from the app config."""

    url: str
    namespace: str
    transport_options: dict[str, Any]
    quorum_queues: bool
    delivery_limit: int

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> BusSettings:
        url = config["BROKER_URL"]
        options = dict(config.get("BROKER_TRANSPORT_OPTIONS") or {})
        if url.startswith("filesystem://"):
            root = Path(config["INSTANCE_PATH"]) / "bus"
            queue_dir, control_dir = root / "queue", root / "control"
            queue_dir.mkdir(parents=True, exist_ok=True)
            control_dir.mkdir(parents=True, exist_ok=True)
            options.setdefault("data_folder_in", str(queue_dir))
            options.setdefault("data_folder_out", str(queue_dir))
            options.setdefault("control_folder", str(control_dir))
            options.setdefault("polling_interval", 0.05)
        else:
            options.setdefault("confirm_publish", True)
        return cls(
            url=url,
            namespace=config["BUS_NAMESPACE"],
            transport_options=options,
            quorum_queues=bool(config["BUS_QUORUM_QUEUES"]),
            delivery_limit=int(config["BUS_QUEUE_DELIVERY_LIMIT"]),
        )


class Topology:
    """Exchanges and queues derived from the registered handlers."""

    def __init__(self, settings: BusSettings, handlers: Iterable[BoundHandler]):
        ns = settings.namespace
        self.settings = settings
        self.events = Exchange(f"{ns}.events", type="topic", durable=True)
        self.retry = Exchange(f"{ns}.retry", type="direct", durable=True)
        self.dead = Exchange(f"{ns}.dead", type="fanout", durable=True)
        self.dead_queue = Queue(f"{ns}.dead", exchange=self.dead, routing_key="",
                                durable=True)
        self.handlers = {bound.key: bound for bound in handlers}
        self.queues = {key: self._queue(bound) for key, bound in self.handlers.items()}

    def queue_name(self, handler_key: str) -> str:
        return f"{self.settings.namespace}.handler.{handler_key}"

    def _queue(self, bound: BoundHandler) -> Queue:
        name = self.queue_name(bound.key)
        arguments: dict[str, Any] = {"x-dead-letter-exchange": self.dead.name}
        if self.settings.quorum_queues:
            arguments.update({"x-queue-type": "quorum",
                              "x-delivery-limit": self.settings.delivery_limit})
        bindings = [binding(self.events, routing_key=t) for t in bound.handler.events]
        bindings.append(binding(self.retry, routing_key=name))
        return Queue(name, bindings=bindings, durable=True, queue_arguments=arguments)

    def declare(self, connection: Connection) -> None:
        """Declare everything (idempotent), so nothing is published into the void."""
        with _declaration_lock(self.settings.transport_options.get("control_folder")):
            channel = connection.default_channel
            for exchange in (self.events, self.retry, self.dead):
                exchange(channel).declare()
            self.dead_queue(channel).declare()
            for queue in self.queues.values():
                queue(channel).declare()

    def subscribers(self, event_type: str) -> list[str]:
        """Handler keys subscribed to an event type (directly or by a topic pattern)."""
        return [
            key for key, b in self.handlers.items()
            if any(topic_matches(pattern, event_type) for pattern in b.handler.events)
        ]


def topic_matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: ``*`` is exactly one word, ``#`` zero or more words."""
    return _match(pattern.split("."), routing_key.split("."))


def _match(pattern: list[str], words: list[str]) -> bool:
    if not pattern:
        return not words
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(_match(rest, words[i:]) for i in range(len(words) + 1))
    if not words:
        return False
    return (head == "*" or head == words[0]) and _match(rest, words[1:])


_DECLARING = threading.Lock()


@contextlib.contextmanager
def _declaration_lock(control_folder: str | None) -> Iterator[None]:
    """Transports that keep bindings in shared files (kombu filesystem: ``control_folder``)
    rewrite them on every declaration; concurrent declarations from threads or processes can
    corrupt them. Serialise declarations: a thread lock and a file lock beside the folder."""
    if not control_folder:
        yield
        return
    lock_path = Path(control_folder).parent / "declare.lock"
    with _DECLARING, lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def connect(settings: BusSettings) -> Connection:
    """A connection; ``filesystem://`` uses :mod:`core.events.fstransport` (safe across
    processes)."""
    transport = None
    if settings.url.startswith("filesystem://"):
        from core.events.fstransport import Transport as transport  # noqa: N813
    return Connection(settings.url, transport=transport,
                      transport_options=settings.transport_options, heartbeat=0)


@contextlib.contextmanager
def opened(settings: BusSettings) -> Iterator[Connection]:
    """A connection closed politely when the block succeeds, and dropped without the close
    handshake when it fails: a broker that died or hangs (e.g. a quorum queue without a
    leader) may never answer that handshake, and the caller wants to retry, not wait."""
    connection = connect(settings)
    try:
        yield connection
    except BaseException:
        with contextlib.suppress(Exception):
            connection.collect()
        raise
    else:
        connection.release()


def encode(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


def publish(producer: Producer, exchange: Exchange, routing_key: str,
            envelope: dict[str, Any], headers: dict[str, Any] | None = None) -> None:
    """Publish one CloudEvent, persistent, ``message_id`` = event id (confirmed on AMQP)."""
    producer.publish(
        encode(envelope),
        exchange=exchange,
        routing_key=routing_key,
        content_type=CONTENT_TYPE,
        content_encoding="utf-8",
        delivery_mode=2,
        message_id=envelope["id"],
        headers=headers or {},
        retry=False,
    )


class NackedError(RuntimeError):
    """The broker refused (nacked) a published message."""


class BatchPublisher:
    """Publishes many messages, then waits once for all their publisher confirms.

    Waiting for each confirm before the next publish caps a connection at one broker round trip
    (and, for durable queues, one disk sync) per message; here a batch costs about one. On AMQP
    the connection is opened without kombu's per-message ``confirm_publish``; the channel is put
    in confirm mode and acks (``multiple`` or not) are collected from ``basic_ack``/``basic_nack``
    events. Other transports have no confirms: :meth:`wait` returns at once.
    """

    def __init__(self, settings: BusSettings):
        options = {k: v for k, v in settings.transport_options.items() if k != "confirm_publish"}
        self.connection = connect(BusSettings(
            url=settings.url, namespace=settings.namespace, transport_options=options,
            quorum_queues=settings.quorum_queues, delivery_limit=settings.delivery_limit))
        self.confirms = False
        self._next_tag = 1
        self._outstanding: set[int] = set()
        self._nacked = 0

    def __enter__(self) -> BatchPublisher:
        self.connection.ensure_connection(max_retries=1)
        channel = self.connection.default_channel
        if hasattr(channel, "confirm_select") and hasattr(channel, "events"):
            channel.confirm_select()
            channel.events["basic_ack"].add(self._on_ack)
            channel.events["basic_nack"].add(self._on_nack)
            self.confirms = True
        self.producer = Producer(channel)
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            self.connection.release()
        else:  # see opened(): do not wait for a broken broker to answer
            with contextlib.suppress(Exception):
                self.connection.collect()

    def _settle(self, tag: int, multiple: bool) -> int:
        settled = {t for t in self._outstanding if t <= tag} if multiple else {tag}
        self._outstanding -= settled
        return len(settled)

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._nacked += self._settle(delivery_tag, multiple)

    def publish(self, exchange: Exchange, routing_key: str, envelope: dict[str, Any]) -> None:
        """Publish without waiting (see :func:`publish` for the message's properties)."""
        publish(self.producer, exchange, routing_key, envelope)
        if self.confirms:
            self._outstanding.add(self._next_tag)
            self._next_tag += 1

    def wait(self, timeout: float = 30.0) -> None:
        """Return when the broker confirmed everything published; raise if it refused any
        (:class:`NackedError`) or did not answer in ``timeout`` seconds (``TimeoutError``)."""
        deadline = time.monotonic() + timeout
        while self._outstanding:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{len(self._outstanding)} publish(es) not confirmed")
            self.connection.drain_events(timeout=remaining)
        if self._nacked:
            nacked, self._nacked = self._nacked, 0
            raise NackedError(f"the broker refused {nacked} message(s)")
