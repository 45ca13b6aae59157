"""webhooks tables

Revision ID: 0001_webhooks
Revises:
Create Date: 2026-11-29 18:08:31.185618
"""
import sqlalchemy as sa
from alembic import op

import core.db

revision = "0001_webhooks"
down_revision = None
branch_labels = ("webhooks",)
depends_on = "0002_core"

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = core.db.UTCDateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", BIGINT, autoincrement=True, nullable=False)


def upgrade() -> None:
    op.create_table(
        "webhooks_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("time", sa.String(length=40), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("received_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks_events")),
    )
    op.create_index("ix_webhooks_events_received_at", "webhooks_events", ["received_at"])

    op.create_table(
        "webhooks_webhooks",
        _id(),
        sa.Column("organisation_id", BIGINT, nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("event_types", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", sa.String(length=20), nullable=False),
        sa.Column("disabled_at", UTC, nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("secret_hint", sa.String(length=16), nullable=False),
        sa.Column("secret_rotated_at", UTC, nullable=False),
        sa.Column("previous_secret_encrypted", sa.Text(), nullable=False),
        sa.Column("previous_secret_expires_at", UTC, nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("last_success_at", UTC, nullable=True),
        sa.Column("last_failure_at", UTC, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], ondelete="CASCADE",
            name=op.f("fk_webhooks_webhooks_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks_webhooks")),
    )
    op.create_index("ix_webhooks_webhooks_organisation_id", "webhooks_webhooks",
                    ["organisation_id"])

    op.create_table(
        "webhooks_deliveries",
        _id(),
        sa.Column("webhook_id", BIGINT, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("delivered_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["webhooks_events.id"], ondelete="CASCADE",
            name=op.f("fk_webhooks_deliveries_event_id_webhooks_events"),
        ),
        sa.ForeignKeyConstraint(
            ["webhook_id"], ["webhooks_webhooks.id"], ondelete="CASCADE",
            name=op.f("fk_webhooks_deliveries_webhook_id_webhooks_webhooks"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks_deliveries")),
        sa.UniqueConstraint("webhook_id", "event_id", "round",
                            name=op.f("uq_webhooks_deliveries_webhook_id")),
    )
    op.create_index("ix_webhooks_deliveries_event_id", "webhooks_deliveries", ["event_id"])
    op.create_index("ix_webhooks_deliveries_webhook_created", "webhooks_deliveries",
                    ["webhook_id", "id"])

    op.create_table(
        "webhooks_attempts",
        _id(),
        sa.Column("delivery_id", BIGINT, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("response_excerpt", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"], ["webhooks_deliveries.id"], ondelete="CASCADE",
            name=op.f("fk_webhooks_attempts_delivery_id_webhooks_deliveries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks_attempts")),
    )
    op.create_index("ix_webhooks_attempts_delivery_id", "webhooks_attempts", ["delivery_id"])


def downgrade() -> None:
    op.drop_table("webhooks_attempts")
    op.drop_table("webhooks_deliveries")
    op.drop_table("webhooks_webhooks")
    op.drop_table("webhooks_events")
