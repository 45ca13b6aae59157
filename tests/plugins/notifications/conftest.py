"""Fixtures for the notifications tests: a real SMTP server on 127.0.0.1 and a bus app that
mails through it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.plugins.matchmaking.conftest import (  # noqa: F401
    _cheap_password_hashing,
    _fresh_index,
    bus_app,
    make_bus_app,
)


class Inbox:
    """Collects the messages the SMTP server receives."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                              "data": envelope.content.decode("utf-8", "replace")})
        return "250 OK"

    def to(self, address: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if address in m["to"]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def mail_app(make_bus_app, smtp):  # noqa: F811
    """A bus app whose notifications go to the local SMTP server (threshold 0: every
    suggested match is worth a notification)."""
    _inbox, port = smtp
    return make_bus_app(plugins={
        "notifications": {"smtp_host": "127.0.0.1", "smtp_port": port,
                          "smtp_from": "Sinergi <noreply@sinergi.test>",
                          "match_threshold": 0.0},
    })
