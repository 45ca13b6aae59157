"""The ``[plugins.webhooks]`` configuration section."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate


class WebhooksConfig(Schema):
    """Validated at start-up; read with ``plugin_config("webhooks")`` or ``ctx.config``."""

    class Meta:
        unknown = RAISE

    #: Let webhooks target private, loopback, link-local… addresses (tests, closed networks).
    allow_private_targets = fields.Boolean(load_default=False)
    connect_timeout_seconds = fields.Float(load_default=5.0,
                                           validate=validate.Range(min=0.1, max=60))
    read_timeout_seconds = fields.Float(load_default=10.0,
                                        validate=validate.Range(min=0.1, max=120))
    #: At most this many bytes of a receiver's answer are read.
    max_response_bytes = fields.Integer(load_default=65536,
                                        validate=validate.Range(min=0, max=10_485_760))
    #: HTTP attempts per delivery before it is marked failed.
    max_attempts = fields.Integer(load_default=12, validate=validate.Range(min=1, max=100))
    #: Wait before the second attempt; it doubles per attempt (75–100 % jitter) up to the max.
    retry_base_seconds = fields.Float(load_default=10.0,
                                      validate=validate.Range(min=0.01, max=86400))
    retry_max_seconds = fields.Float(load_default=3600.0,
                                     validate=validate.Range(min=0.01, max=86400))
    #: A webhook is switched off after this many deliveries in a row failed for good.
    disable_after_failures = fields.Integer(load_default=5,
                                            validate=validate.Range(min=1, max=1000))
    max_webhooks_per_organisation = fields.Integer(load_default=20,
                                                   validate=validate.Range(min=1, max=1000))
    #: After a secret rotation the old secret keeps signing (second signature) this long.
    rotation_grace_hours = fields.Float(load_default=24.0,
                                        validate=validate.Range(min=0, max=720))
    #: Key material for encrypting secrets at rest; empty: derived from ``secret_key``.
    encryption_key = fields.String(load_default="")
    #: Former values of ``encryption_key`` (or of ``secret_key``), still accepted to decrypt.
    previous_encryption_keys = fields.List(fields.String(), load_default=list)
    #: Event type patterns never sent to any webhook (e.g. ``sinergi.notification.#``).
    withheld_event_types = fields.List(fields.String(), load_default=list)
    user_agent = fields.String(load_default="Sinergi-Webhooks/1.0")
    #: ``sinergi webhooks prune`` deletes finished deliveries (and their attempts) older than this.
    delivery_log_retention_days = fields.Integer(load_default=30,
                                                 validate=validate.Range(min=1, max=3650))
