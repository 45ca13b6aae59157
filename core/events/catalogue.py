"""The event catalogue as data: every registered type with the JSON Schema of its ``data``."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from core.events.registry import EventRegistry, EventType

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _converter():
    plugin = MarshmallowPlugin(schema_name_resolver=lambda _schema: None)  # inline nested
    APISpec("sinergi-events", "1", "3.1.0", plugins=[plugin])
    return plugin.converter


def data_schema(event_type: EventType) -> dict[str, Any]:
    """JSON Schema of the event's ``data`` (converted from its marshmallow schema)."""
    schema = _converter().schema2jsonschema(event_type.schema)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": f"/api/v1/events/types/{event_type.type}",
        "title": event_type.type,
        "description": event_type.description,
        **schema,
    }


def describe(event_type: EventType) -> dict[str, Any]:
    return {
        "type": event_type.type,
        "aggregate": event_type.aggregate,
        "owner": event_type.owner,
        "description": event_type.description,
        "schema": data_schema(event_type),
    }


def catalogue(registry: EventRegistry) -> list[dict[str, Any]]:
    """Every registered type, sorted by name."""
    return [describe(event_type) for event_type in registry]
