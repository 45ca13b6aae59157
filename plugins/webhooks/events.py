"""Event types the webhooks plugin publishes."""

from __future__ import annotations

from marshmallow import Schema, fields

from core.plugin import EventType

DELIVERY_REQUESTED = "sinergi.webhook.delivery_requested"
DISABLED = "sinergi.webhook.disabled"
PING = "sinergi.webhook.ping"
SOURCE = "urn:sinergi:plugin:webhooks"


class DeliveryRequested(Schema):
    delivery_id = fields.Integer(required=True)
    webhook_id = fields.Integer(required=True)
    organisation_id = fields.Integer(required=True)
    event_id = fields.String(required=True)
    event_type = fields.String(required=True)
    round = fields.Integer(required=True)
    attempt = fields.Integer(required=True)
    not_before = fields.String(required=True)


class WebhookDisabled(Schema):
    webhook_id = fields.Integer(required=True)
    organisation_id = fields.Integer(required=True)
    host = fields.String(required=True)
    reason = fields.String(required=True)
    consecutive_failures = fields.Integer(required=True)
    disabled_at = fields.String(required=True)


class WebhookPing(Schema):
    webhook_id = fields.Integer(required=True)
    organisation_id = fields.Integer(required=True)
    requested_by = fields.Integer(required=True, allow_none=True)
    message = fields.String(required=True)


EVENT_TYPES = [
    EventType(DELIVERY_REQUESTED, DeliveryRequested,
              "A delivery of an event to one webhook is due (internal: the sender's work "
              "item; never sent to webhooks).", owner="webhooks"),
    EventType(DISABLED, WebhookDisabled,
              "A webhook was switched off automatically after repeated failed deliveries.",
              owner="webhooks"),
    EventType(PING, WebhookPing,
              "An organisation admin asked for a test delivery to one webhook.",
              owner="webhooks"),
]
