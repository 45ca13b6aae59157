"""The webhooks API, under ``/api/v1/webhooks``: thin handlers over ``services``."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from core.plugin import (
    current_principal,
    db_session,
    etag,
    expected_version,
    page_body,
    page_options,
    plugin_config,
)
from plugins.webhooks import services
from plugins.webhooks.models import Delivery, Webhook
from plugins.webhooks.schemas import (
    DeliveryListArgs,
    DeliveryPage,
    DeliverySchema,
    EmptyBody,
    PingSchema,
    WebhookCreateSchema,
    WebhookListArgs,
    WebhookPage,
    WebhookSchema,
    WebhookUpdateSchema,
    WebhookWithSecretSchema,
)

blp = Blueprint("webhooks_api", __name__, url_prefix="/webhooks",
                description="Webhooks: follow the event stream over HTTP")


def _config() -> dict[str, Any]:
    return plugin_config("webhooks")


def _tag(webhook: Webhook) -> dict[str, str]:
    return {"ETag": etag("webhook", webhook.id, webhook.version)}


def _with_secret(webhook: Webhook, secret: str) -> dict[str, Any]:
    body = {name: getattr(webhook, name) for name in WebhookSchema().fields}
    body["secret"] = secret
    return body


def delivery_body(delivery: Delivery, attempts: list[Any]) -> dict[str, Any]:
    body = {c: getattr(delivery, c) for c in (
        "id", "webhook_id", "event_id", "event_type", "round", "status", "attempts",
        "last_status_code", "last_error", "created_at", "updated_at", "delivered_at")}
    body["attempt_log"] = attempts
    return body


@blp.route("")
class Webhooks(MethodView):
    @blp.arguments(WebhookListArgs(), location="query")
    @blp.response(200, WebhookPage)
    def get(self, args: dict[str, Any]):
        """Webhooks of the organisations you administer (platform admins: all)."""
        page = services.list_webhooks(
            db_session(), current_principal(), organisation_id=args.get("organisation_id"),
            active=args.get("active"), **page_options(args, "created"))
        return page_body(page)

    @blp.arguments(WebhookCreateSchema)
    @blp.response(201, WebhookWithSecretSchema)
    def post(self, data: dict[str, Any]):
        """Register a webhook for your organisation. The answer holds the signing secret:
        it is shown this once."""
        session = db_session()
        webhook, secret = services.create_webhook(session, current_principal(), _config(),
                                                  **data)
        session.commit()
        return _with_secret(webhook, secret), 201, _tag(webhook)


@blp.route("/<int:webhook_id>")
class WebhookDetail(MethodView):
    @blp.response(200, WebhookSchema)
    def get(self, webhook_id: int):
        """One webhook (without its secret)."""
        webhook = services.get_webhook(db_session(), current_principal(), webhook_id)
        return webhook, 200, _tag(webhook)

    @blp.arguments(WebhookUpdateSchema)
    @blp.response(200, WebhookSchema)
    def patch(self, data: dict[str, Any], webhook_id: int):
        """Change the URL, patterns, description or active flag. Requires If-Match.
        ``active: true`` re-enables an auto-disabled webhook."""
        session = db_session()
        services.get_webhook(session, current_principal(), webhook_id)
        version = expected_version("webhook", webhook_id)
        webhook = services.update_webhook(session, current_principal(), _config(), webhook_id,
                                          data, expected_version=version)
        session.commit()
        return webhook, 200, _tag(webhook)

    @blp.response(204)
    def delete(self, webhook_id: int):
        """Remove the webhook and its delivery log."""
        session = db_session()
        services.delete_webhook(session, current_principal(), webhook_id)
        session.commit()
        return None


@blp.route("/<int:webhook_id>/secret")
class WebhookSecret(MethodView):
    @blp.arguments(EmptyBody, required=False)
    @blp.response(200, WebhookWithSecretSchema)
    def post(self, _data: dict[str, Any], webhook_id: int):
        """Rotate the secret. The answer holds the new one (shown this once); the old one
        still signs, as a second signature, during the grace period."""
        session = db_session()
        webhook, secret = services.rotate_secret(session, current_principal(), _config(),
                                                 webhook_id)
        session.commit()
        return _with_secret(webhook, secret), 200, _tag(webhook)


@blp.route("/<int:webhook_id>/ping")
class WebhookPing(MethodView):
    @blp.arguments(EmptyBody, required=False)
    @blp.response(202, PingSchema)
    def post(self, _data: dict[str, Any], webhook_id: int):
        """Send a test event (``sinergi.webhook.ping``) to this webhook."""
        session = db_session()
        event_id = services.ping(session, current_principal(), webhook_id)
        session.commit()
        return {"event_id": event_id}


@blp.route("/<int:webhook_id>/deliveries")
class WebhookDeliveries(MethodView):
    @blp.arguments(DeliveryListArgs(), location="query")
    @blp.response(200, DeliveryPage)
    def get(self, args: dict[str, Any], webhook_id: int):
        """The delivery log, newest first, each delivery with its attempts."""
        options = page_options(args, "-created")
        log = services.list_deliveries(
            db_session(), current_principal(), webhook_id, status=args.get("status"),
            page=options["page"], per_page=options["per_page"],
            newest_first=options["descending"])
        body = page_body(log.page)
        body["items"] = [delivery_body(d, log.attempts[d.id]) for d in log.page.items]
        return body


@blp.route("/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver")
class WebhookRedeliver(MethodView):
    @blp.arguments(EmptyBody, required=False)
    @blp.response(202, DeliverySchema)
    def post(self, _data: dict[str, Any], webhook_id: int, delivery_id: int):
        """Send a delivery's event again, as a new delivery."""
        session = db_session()
        delivery = services.redeliver(session, current_principal(), webhook_id, delivery_id)
        session.commit()
        return delivery_body(delivery, [])
