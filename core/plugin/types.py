"""Value types that plugins hand to core, or receive from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from core.accounts.principal import Principal
from core.events.registry import EventType


@dataclass(frozen=True)
class Event:
    """A received CloudEvent, as a handler sees it."""

    id: str
    type: str
    source: str
    subject: str
    sequence: int
    time: str
    data: dict[str, Any]

    @classmethod
    def from_envelope(cls, envelope: dict[str, Any]) -> Event:
        return cls(
            id=envelope["id"],
            type=envelope["type"],
            source=envelope.get("source", ""),
            subject=str(envelope.get("subject", "")),
            sequence=int(envelope.get("sequence", 0)),
            time=envelope.get("time", ""),
            data=envelope.get("data") or {},
        )


@dataclass
class HandlerContext:
    """What a handler gets besides the event: the transaction's session, a way to publish
    follow-up events in the same transaction, its plugin's configuration, and the attempt."""

    session: Session
    config: dict[str, Any]
    attempt: int
    emit: Callable[..., Any]


@dataclass(frozen=True)
class Handler:
    """An event handler: ``func(event, ctx)`` runs for each event of ``events``.

    ``events`` are event types, or AMQP topic patterns (``sinergi.plan.*``, ``sinergi.#``).

    ``name`` is unique within the plugin; the queue is ``sinergi.handler.<plugin>.<name>``.
    ``max_attempts`` overrides the configured retry limit for this handler.
    """

    name: str
    events: Sequence[str]
    func: Callable[[Event, HandlerContext], None]
    max_attempts: int | None = None
    description: str = ""


@dataclass(frozen=True)
class NavItem:
    """A main-menu link. ``order``: core uses 0–40; plugins usually 50–90."""

    label: Any
    url: str
    order: int = 50


@dataclass(frozen=True)
class Permission:
    """An action a plugin defines, e.g. ``matchmaking.need.post``, with default roles among
    ``anonymous``, ``user``, ``officer``, ``member``, ``evaluator``, ``admin``."""

    name: str
    description: str = ""
    default_roles: tuple[str, ...] = ("admin",)


@dataclass
class DemoContext:
    """Handed to ``load_demo_data``: the demo users by role and participating region codes."""

    admin: Principal
    users: dict[str, Principal] = field(default_factory=dict)
    region_codes: list[str] = field(default_factory=list)
    now: dt.datetime | None = None


__all__ = [
    "DemoContext", "Event", "EventType", "Handler", "HandlerContext", "NavItem", "Permission",
    "Principal",
]
