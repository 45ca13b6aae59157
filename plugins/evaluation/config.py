"""The ``[plugins.evaluation]`` configuration section."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class EvaluationConfig(Schema):
    gap_threshold = fields.String(load_default="1.0")
    min_assessors = fields.Integer(load_default=2, validate=validate.Range(min=2, max=10))
    survey_min_programmes = fields.Integer(load_default=6, validate=validate.Range(min=1))
    survey_min_respondents = fields.Integer(load_default=50, validate=validate.Range(min=1))
    evidence_max_bytes = fields.Integer(load_default=750_000,
                                        validate=validate.Range(min=1000))
    survey_rate_limit = fields.String(load_default="60 per minute")
