"""The events this plugin publishes, with the schemas of their ``data``.

Both carry the same payload; consumers (the exhibition) rely on these fields staying stable.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from core.plugin import EventType

COMPLETED = "sinergi.evaluation.completed"
PUBLISHED = "sinergi.evaluation.published"


class ComponentScores(Schema):
    baseline = fields.Float(required=True)
    output = fields.Float(required=True)
    outcome = fields.Float(required=True)
    impact = fields.Float(required=True)
    quick_win = fields.Float(required=True)


class DimensionScores(Schema):
    governance = fields.Float(required=True)
    branding = fields.Float(required=True)
    economy = fields.Float(required=True)
    living = fields.Float(required=True)
    society = fields.Float(required=True)
    environment = fields.Float(required=True)


class EvaluationResult(Schema):
    cycle_id = fields.Integer(required=True)
    cycle_year = fields.Integer(required=True)
    region_code = fields.String(required=True)
    region_name = fields.String(required=True)
    index = fields.Float(required=True)
    components = fields.Nested(ComponentScores, required=True)
    dimensions = fields.Nested(DimensionScores, required=True)
    rank = fields.Integer(required=True)
    of = fields.Integer(required=True)
    awards = fields.List(fields.String(), required=True)
    scale_min = fields.Integer(required=True)
    scale_max = fields.Integer(required=True)
    verified = fields.Boolean(required=True)


def event_types() -> list[EventType]:
    return [
        EventType(COMPLETED, EvaluationResult,
                  "A region's evaluation in a cycle is complete (scores, rank, awards); "
                  "not yet public.", owner="evaluation"),
        EventType(PUBLISHED, EvaluationResult,
                  "A cycle's results were published: one event per region, same payload as "
                  "completed.", owner="evaluation"),
    ]
