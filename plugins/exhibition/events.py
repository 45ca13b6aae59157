"""The event types the exhibition publishes, and the ones it reads from other plugins."""

from __future__ import annotations

from marshmallow import Schema, fields

from core.plugin import EventType

SUBMITTED = "sinergi.exhibition.submitted"
PUBLISHED = "sinergi.exhibition.published"
REJECTED = "sinergi.exhibition.rejected"
UNPUBLISHED = "sinergi.exhibition.unpublished"

#: Published by other plugins; the exhibition subscribes but never imports them.
PLAN_APPROVED = "sinergi.plan.approved"
EVALUATION_COMPLETED = "sinergi.evaluation.completed"
COLLABORATION_FORMED = "sinergi.collaboration.formed"
REGION_JOINED = "sinergi.region.joined"
REGION_STAGE_CHANGED = "sinergi.region.stage_changed"


class BoothEventSchema(Schema):
    """Payload of every booth event: the booth as it is after the change."""

    booth_id = fields.Integer(required=True)
    region_code = fields.String(required=True)
    region_name = fields.String(required=True)
    state = fields.String(required=True)
    live = fields.Boolean(required=True)
    version = fields.Integer(required=True)
    actor_id = fields.Integer(allow_none=True, required=True)
    reason = fields.String(required=True)
    achievement_count = fields.Integer(required=True)
    url = fields.String(required=True)


def event_types() -> list[EventType]:
    owner = "exhibition"
    return [
        EventType(SUBMITTED, BoothEventSchema,
                  "A region submitted its booth for moderation.", owner=owner),
        EventType(PUBLISHED, BoothEventSchema,
                  "A moderator published a region's booth in the exhibition.", owner=owner),
        EventType(REJECTED, BoothEventSchema,
                  "A moderator rejected a booth submission, with a reason.", owner=owner),
        EventType(UNPUBLISHED, BoothEventSchema,
                  "A booth was taken out of the public exhibition.", owner=owner),
    ]
