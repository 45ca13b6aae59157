"""Domain events: the registry of event types, the CloudEvents envelope and the outbox."""

from core.events.core_types import register_core_event_types
from core.events.outbox import OutboxEvent, record_event
from core.events.registry import EventType, UnknownEventType, registry

register_core_event_types(registry)

__all__ = ["EventType", "OutboxEvent", "UnknownEventType", "record_event", "registry"]
