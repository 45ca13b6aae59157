"""Fixtures for the webhooks tests: fake DNS, a real HTTP receiver on 127.0.0.1, a bus app
with the guard lifted, and a relay + worker running in threads."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask

from core.events.relay import Relay
from core.events.worker import Worker
from plugins.webhooks import targets
from tests.bus.conftest import bus_app, drain, make_bus_app  # noqa: F401
from tests.web.conftest import browser  # noqa: F401

API = "/api/v1/webhooks"
PUBLIC_IP = "93.184.215.14"
#: Host names the tests resolve without a network: public ones, and one we can re-point.
FAKE_DNS: dict[str, list[str]] = {
    "hooks.example.org": [PUBLIC_IP],
    "other.example.org": ["2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
}
CATALOGUE = (Path(__file__).resolve().parents[3] / "plugins" / "webhooks" / "translations"
             / "id" / "LC_MESSAGES" / "messages.po")


@pytest.fixture(scope="session", autouse=True)
def webhooks_translations() -> None:
    """Compile the plugin's Indonesian catalogue (``make translations`` does the same)."""
    mo_path = CATALOGUE.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= CATALOGUE.stat().st_mtime:
        return
    with CATALOGUE.open("rb") as fh:
        catalog = read_po(fh)
    with mo_path.open("wb") as fh:
        write_mo(fh, catalog)


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Names in ``FAKE_DNS`` (and any a test adds) resolve without a network."""
    table = {k: list(v) for k, v in FAKE_DNS.items()}
    real = targets.resolve

    def resolve(host: str, port: int) -> list[str]:
        if host in table:
            return table[host]
        return real(host, port)

    monkeypatch.setattr(targets, "resolve", resolve)
    return table


# ---------------------------------------------------------------- the receiver


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1. ``statuses``: answers to give, in order (then 200)."""

    statuses: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    answered: list[int] = field(default_factory=list)
    port: int = 0
    server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.requests.append(Received(self.path, dict(self.headers), body))
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.answered.append(status)
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"receiver says no")

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def successes(self) -> list[Received]:
        with self.lock:
            return [r for r, s in zip(self.requests, self.answered, strict=True) if s < 300]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()


def verify_signature(secret: str, request: Received, *, max_age: int = 300) -> bool:
    """What a receiver does (written here independently of the plugin's own code)."""
    timestamp = request.headers["Sinergi-Timestamp"]
    if abs(time.time() - int(timestamp)) > max_age:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + request.body,
                        hashlib.sha256).hexdigest()
    values = [part.strip()[3:] for part in request.headers["Sinergi-Signature"].split(",")
              if part.strip().startswith("v1=")]
    return any(hmac.compare_digest(expected, v) for v in values)


# ---------------------------------------------------------------- apps and the bus


WEBHOOK_TEST_CONFIG = {
    "allow_private_targets": True,
    "max_attempts": 6,
    "retry_base_seconds": 0.05,
    "retry_max_seconds": 0.4,
    "disable_after_failures": 3,
    "connect_timeout_seconds": 2.0,
    "read_timeout_seconds": 2.0,
}


@pytest.fixture
def hook_app(make_bus_app: Callable[..., Flask]) -> Callable[..., Flask]:  # noqa: F811
    """``hook_app(**webhooks_config)``: a bus app whose webhooks may call 127.0.0.1."""

    def make(**config: Any) -> Flask:
        return make_bus_app(plugins={"webhooks": {**WEBHOOK_TEST_CONFIG, **config}})

    return make


@contextmanager
def running(app: Flask) -> Iterator[None]:
    """A worker and the relay running in threads for the duration of the block.

    The relay starts once the worker has declared the topology: two threads of one process
    declaring at the same moment race on the filesystem transport's control files."""
    stop = threading.Event()
    worker = Worker(app)
    threads = [threading.Thread(target=worker.run, args=(stop,), daemon=True)]
    threads[0].start()
    wait_for(lambda: worker._producer is not None, timeout=15)
    threads.append(threading.Thread(target=Relay(app).run, args=(stop,), daemon=True))
    threads[1].start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(15)


def wait_for(condition: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Poll ``condition`` until it is truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"condition not met within {timeout}s")
