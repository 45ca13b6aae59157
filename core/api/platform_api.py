"""Platform endpoints: installed plugins (admin) and the bus status (admin)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from core.db import session
from core.errors import NotFound, PermissionDenied
from core.web.auth import require_principal

blp = Blueprint("platform", __name__, description="Plugins and the event bus (administrators)")


class PluginSchema(Schema):
    name = fields.String()
    module = fields.String()
    version = fields.String()
    state = fields.String(metadata={"description": "enabled, disabled or failed"})
    error = fields.String(allow_none=True)
    failed_in = fields.String(allow_none=True)
    hooks = fields.List(fields.String())
    event_types = fields.List(fields.String())
    handlers = fields.List(fields.String())
    unresolved_events = fields.List(fields.String(), metadata={
        "description": "Types the plugin's handlers subscribe to that no enabled plugin "
        "registers (their publisher is absent, or a typo)."})
    migrations = fields.String(allow_none=True)
    pending_migrations = fields.List(fields.String())


class BusStatusSchema(Schema):
    unpublished = fields.Integer()
    oldest_unpublished_age_seconds = fields.Float(allow_none=True)
    oldest_pending_delivery_age_seconds = fields.Float(allow_none=True)
    dead = fields.Integer()
    deliveries = fields.Dict(keys=fields.String(), values=fields.Dict())


def _require_admin() -> None:
    if not require_principal().is_admin:
        raise PermissionDenied()


@blp.route("/plugins")
class Plugins(MethodView):
    @blp.response(200, PluginSchema(many=True))
    def get(self) -> list[dict[str, Any]]:
        """Installed plugins with their state (enabled, disabled, failed + error), hooks,
        event types, handlers and pending migrations."""
        from core.migrate import pending_by_branch

        _require_admin()
        rows = current_app.extensions["sinergi.plugins"].describe()
        waiting = pending_by_branch(current_app)
        for row in rows:
            row["pending_migrations"] = waiting.get(row["name"], [])
        return rows


class EventTypeSchema(Schema):
    type = fields.String()
    aggregate = fields.String()
    owner = fields.String(metadata={"description": "core, or the plugin that registers it"})
    description = fields.String()
    schema = fields.Dict(metadata={"description": "JSON Schema (2020-12) of the event's data"})


@blp.route("/events/types")
class EventTypes(MethodView):
    @blp.response(200, EventTypeSchema(many=True))
    def get(self) -> list[dict[str, Any]]:
        """Every registered event type (core and enabled plugins) with its JSON Schema."""
        from core.events.catalogue import catalogue

        return catalogue(current_app.extensions["sinergi.events"])


@blp.route("/events/types/<string:event_type>")
class EventTypeDetail(MethodView):
    @blp.response(200, EventTypeSchema)
    def get(self, event_type: str) -> dict[str, Any]:
        """One event type: the ``dataschema`` URI of every CloudEvent points here."""
        from core.events.catalogue import describe
        from core.events.registry import UnknownEventType

        try:
            return describe(current_app.extensions["sinergi.events"].get(event_type))
        except UnknownEventType:
            raise NotFound() from None


@blp.route("/events/status")
class EventsStatus(MethodView):
    @blp.response(200, BusStatusSchema)
    def get(self) -> dict[str, Any]:
        """Outbox backlog, lag, and deliveries per handler and status."""
        from core.events.admin import status

        _require_admin()
        return status(session()).as_dict()
