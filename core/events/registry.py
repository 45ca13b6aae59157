"""Registry of event types, each with a marshmallow schema for its ``data``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError

EVENT_TYPE_PREFIX = "sinergi."


class UnknownEventType(LookupError):
    """Raised when an event type is published that nobody registered."""


class InvalidEventPayload(ValueError):
    """Raised when an event's data does not match its registered schema."""

    def __init__(self, event_type: str, errors: dict[str, Any]):
        super().__init__(f"invalid payload for {event_type}: {errors}")
        self.event_type = event_type
        self.errors = errors


@dataclass(frozen=True)
class EventType:
    """One registered event type: ``sinergi.<aggregate>.<verb>``."""

    type: str
    schema: type[Schema]
    description: str
    owner: str = "core"

    @property
    def aggregate(self) -> str:
        return self.type.split(".")[1]


class EventRegistry:
    """Known event types. Core registers its own; plugins register theirs through a hook."""

    def __init__(self) -> None:
        self._types: dict[str, EventType] = {}

    def register(self, event_type: EventType) -> None:
        name = event_type.type
        parts = name.split(".")
        if len(parts) != 3 or not name.startswith(EVENT_TYPE_PREFIX) or not all(parts):
            raise ValueError(f"event type must look like sinergi.<aggregate>.<verb>: {name!r}")
        existing = self._types.get(name)
        if existing is not None and existing != event_type:
            raise ValueError(f"event type {name} is already registered by {existing.owner}")
        self._types[name] = event_type

    def get(self, name: str) -> EventType:
        try:
            return self._types[name]
        except KeyError:
            raise UnknownEventType(f"event type {name!r} is not registered") from None

    def validate(self, name: str, data: dict[str, Any]) -> dict[str, Any]:
        """Return ``data`` checked against the type's schema, or raise."""
        event_type = self.get(name)
        try:
            event_type.schema().load(data)
        except ValidationError as exc:
            raise InvalidEventPayload(name, exc.normalized_messages()) from exc
        return data

    def __iter__(self):
        return iter(sorted(self._types.values(), key=lambda t: t.type))

    def __contains__(self, name: object) -> bool:
        return name in self._types


registry = EventRegistry()
