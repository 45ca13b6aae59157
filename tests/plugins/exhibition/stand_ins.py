"""Stand-ins for the publishers of the events the exhibition consumes, for tests run when the
real plugins are not enabled: each registers one event type with the agreed payload, nothing
else. Loaded through ``plugin_modules`` only when the type is missing from the app."""

from __future__ import annotations

from marshmallow import Schema, fields

from core.plugin import EventType, hookimpl

SINERGI_API_VERSION = "1"


class EvaluationCompleted(Schema):
    region_code = fields.String(required=True)
    region_name = fields.String()
    cycle_year = fields.Integer(required=True)
    index = fields.Float(required=True)
    components = fields.Dict()
    dimensions = fields.Dict()
    rank = fields.Integer()
    of = fields.Integer()
    awards = fields.List(fields.String())
    verified = fields.Boolean()
    cycle_id = fields.Integer()
    scale_min = fields.Integer()
    scale_max = fields.Integer()


@hookimpl
def register_event_types() -> list[EventType]:
    return [EventType("sinergi.evaluation.completed", EvaluationCompleted,
                      "Stand-in for the evaluation plugin (tests).", owner="evaluation")]
