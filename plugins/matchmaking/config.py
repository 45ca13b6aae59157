"""The ``[plugins.matchmaking]`` configuration section."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from plugins.matchmaking.engine import DEFAULT_WEIGHTS, TEXT_SATURATION

_weight = {"validate": validate.Range(min=0, max=10)}


class MatchmakingConfig(Schema):
    weight_text = fields.Float(load_default=DEFAULT_WEIGHTS["text"], **_weight)
    weight_dimension = fields.Float(load_default=DEFAULT_WEIGHTS["dimension"], **_weight)
    weight_sub_dimension = fields.Float(load_default=DEFAULT_WEIGHTS["sub_dimension"], **_weight)
    weight_province = fields.Float(load_default=DEFAULT_WEIGHTS["province"], **_weight)
    weight_budget = fields.Float(load_default=DEFAULT_WEIGHTS["budget"], **_weight)
    weight_partner_type = fields.Float(load_default=DEFAULT_WEIGHTS["partner_type"], **_weight)
    weight_deadline = fields.Float(load_default=DEFAULT_WEIGHTS["deadline"], **_weight)
    text_saturation = fields.Float(load_default=TEXT_SATURATION,
                                   validate=validate.Range(min=0.1, max=1000))
    top_n = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))
    offer_match_limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=1000))
    min_score = fields.Float(load_default=0.3, validate=validate.Range(min=0, max=1))
    candidates = fields.Integer(load_default=300, validate=validate.Range(min=10, max=10000))
    interest_rate_limit = fields.String(load_default="10 per minute")
    index_change_retention_hours = fields.Integer(
        load_default=24, validate=validate.Range(min=1, max=24 * 365))


def weights(config: dict) -> dict[str, float]:
    """The score weights of a loaded configuration."""
    return {key: float(config.get(f"weight_{key}", value)) for key, value in
            DEFAULT_WEIGHTS.items()}
