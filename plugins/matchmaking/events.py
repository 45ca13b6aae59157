"""The event types this plugin publishes, each with the schema of its ``data``."""

from __future__ import annotations

from marshmallow import Schema, fields

from core.plugin import EventType


class NeedEvent(Schema):
    need_id = fields.Integer(required=True)
    region_code = fields.String(required=True)
    province_code = fields.String(required=True)
    title = fields.String(required=True)
    dimension = fields.String(required=True)
    sub_dimension = fields.String(allow_none=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True)


class OfferEvent(Schema):
    offer_id = fields.Integer(required=True)
    organisation_id = fields.Integer(required=True)
    title = fields.String(required=True)
    dimensions = fields.List(fields.String(), required=True)
    status = fields.String(required=True)
    version = fields.Integer(required=True)


class MatchSuggested(Schema):
    need_id = fields.Integer(required=True)
    offer_id = fields.Integer(required=True)
    organisation_id = fields.Integer(required=True)
    region_code = fields.String(required=True)
    need_title = fields.String(required=True)
    score = fields.Float(required=True)


class InterestEvent(Schema):
    interest_id = fields.Integer(required=True)
    need_id = fields.Integer(required=True)
    organisation_id = fields.Integer(required=True)
    org_name = fields.String(required=True)
    region_code = fields.String(required=True)
    need_title = fields.String(required=True)


class CollaborationFormed(Schema):
    collaboration_id = fields.Integer(required=True)
    interest_id = fields.Integer(required=True)
    need_id = fields.Integer(required=True)
    organisation_id = fields.Integer(required=True)
    region_code = fields.String(required=True)
    need_title = fields.String(required=True)
    stage = fields.String(required=True)


class CollaborationStageChanged(Schema):
    collaboration_id = fields.Integer(required=True)
    need_id = fields.Integer(required=True)
    organisation_id = fields.Integer(required=True)
    region_code = fields.String(required=True)
    need_title = fields.String(required=True)
    from_stage = fields.String(required=True)
    to_stage = fields.String(required=True)


def _t(name: str, schema: type[Schema], description: str) -> EventType:
    return EventType(name, schema, description, owner="matchmaking")


EVENT_TYPES = [
    _t("sinergi.need.posted", NeedEvent, "A region's officer posted a need."),
    _t("sinergi.need.updated", NeedEvent, "A need was edited (or its status changed)."),
    _t("sinergi.need.closed", NeedEvent, "A need was closed."),
    _t("sinergi.offer.published", OfferEvent, "An organisation published an offer."),
    _t("sinergi.offer.updated", OfferEvent, "An offer was edited."),
    _t("sinergi.offer.withdrawn", OfferEvent, "An offer was withdrawn."),
    _t("sinergi.match.suggested", MatchSuggested,
       "The engine matched an organisation to a need for the first time."),
    _t("sinergi.interest.expressed", InterestEvent, "An organisation expressed interest."),
    _t("sinergi.interest.accepted", InterestEvent, "The region accepted an interest."),
    _t("sinergi.interest.declined", InterestEvent, "The region declined an interest."),
    _t("sinergi.interest.withdrawn", InterestEvent,
       "The organisation withdrew its open interest."),
    _t("sinergi.collaboration.formed", CollaborationFormed,
       "An accepted interest became a collaboration."),
    _t("sinergi.collaboration.stage_changed", CollaborationStageChanged,
       "A collaboration moved to another stage."),
]
