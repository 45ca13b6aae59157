"""Marshmallow schemas of the webhooks API."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from core.plugin import PageArgs, page_schema
from plugins.webhooks.models import DELIVERY_STATUSES
from plugins.webhooks.patterns import MAX_PATTERN_LENGTH, MAX_PATTERNS
from plugins.webhooks.services import WEBHOOK_SORTS
from plugins.webhooks.targets import MAX_URL_LENGTH


class Strict(Schema):
    class Meta:
        unknown = RAISE


class WebhookSchema(Schema):
    id = fields.Integer()
    organisation_id = fields.Integer()
    url = fields.String()
    description = fields.String()
    event_types = fields.List(fields.String())
    active = fields.Boolean()
    state = fields.String(metadata={"description": "active, disabled or auto_disabled"})
    disabled_reason = fields.String(
        metadata={"description": "'' while active; manual, or failures (auto-disabled)"})
    disabled_at = fields.DateTime(allow_none=True)
    consecutive_failures = fields.Integer()
    secret_hint = fields.String(metadata={"description": "The first characters of the secret"})
    secret_rotated_at = fields.DateTime()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    last_success_at = fields.DateTime(allow_none=True)
    last_failure_at = fields.DateTime(allow_none=True)
    version = fields.Integer()


class WebhookWithSecretSchema(WebhookSchema):
    secret = fields.String(metadata={
        "description": "The signing secret. Shown only in this answer: store it now."})


WebhookPage = page_schema(WebhookSchema, "WebhookPage")


class WebhookListArgs(PageArgs):
    SORTS = tuple(WEBHOOK_SORTS)

    organisation_id = fields.Integer(validate=validate.Range(min=1))
    active = fields.Boolean()


_url = fields.String(validate=validate.Length(min=1, max=MAX_URL_LENGTH),
                     metadata={"example": "https://example.org/sinergi/webhook"})
_patterns = fields.List(
    fields.String(validate=validate.Length(min=1, max=MAX_PATTERN_LENGTH)),
    validate=validate.Length(min=1, max=MAX_PATTERNS),
    metadata={"example": ["sinergi.plan.*", "sinergi.organisation.verified"]},
)


class WebhookCreateSchema(Strict):
    organisation_id = fields.Integer(
        validate=validate.Range(min=1),
        metadata={"description": "Needed when you administer several organisations."})
    url = fields.String(required=True, validate=validate.Length(min=1, max=MAX_URL_LENGTH),
                        metadata={"example": "https://example.org/sinergi/webhook"})
    event_types = fields.List(
        fields.String(validate=validate.Length(min=1, max=MAX_PATTERN_LENGTH)),
        required=True, validate=validate.Length(min=1, max=MAX_PATTERNS),
        metadata={"example": ["sinergi.plan.*", "sinergi.organisation.verified"]})
    description = fields.String(load_default="", validate=validate.Length(max=200))
    active = fields.Boolean(load_default=True)


class WebhookUpdateSchema(Strict):
    url = _url
    event_types = _patterns
    description = fields.String(validate=validate.Length(max=200))
    active = fields.Boolean(metadata={"description": "true re-enables an auto-disabled webhook"})


class AttemptSchema(Schema):
    number = fields.Integer()
    started_at = fields.DateTime()
    duration_ms = fields.Integer()
    status_code = fields.Integer(allow_none=True)
    success = fields.Boolean()
    error = fields.String()
    response_excerpt = fields.String()


class DeliverySchema(Schema):
    id = fields.Integer()
    webhook_id = fields.Integer()
    event_id = fields.String()
    event_type = fields.String()
    round = fields.Integer(metadata={"description": "0, or the number of the redelivery"})
    status = fields.String(metadata={"description": ", ".join(DELIVERY_STATUSES)})
    attempts_made = fields.Integer(attribute="attempts")
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)
    attempts = fields.List(fields.Nested(AttemptSchema), attribute="attempt_log")


DeliveryPage = page_schema(DeliverySchema, "WebhookDeliveryPage")


class DeliveryListArgs(PageArgs):
    SORTS = ("created",)

    status = fields.String(validate=validate.OneOf(DELIVERY_STATUSES))


class PingSchema(Schema):
    event_id = fields.String()


class EmptyBody(Strict):
    """No input."""

