"""notifications tables: notifications and preferences

Revision ID: 0001_notifications
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_notifications"
down_revision = None
branch_labels = ("notifications",)
depends_on = "0002_core"


def upgrade() -> None:
    op.create_table(
        "notifications_items",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_status", sa.String(length=20), nullable=False),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications_items")),
        sa.UniqueConstraint("event_id", "user_id", name=op.f("uq_notifications_items_event_id")),
    )
    op.create_index(
        op.f("ix_notifications_items_email_status"),
        "notifications_items",
        ["email_status"],
        unique=False,
    )
    op.create_index(
        "ix_notifications_items_user_created",
        "notifications_items",
        ["user_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "notifications_preferences",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("muted_kinds", sa.JSON(), nullable=False),
        sa.Column("email_mode", sa.String(length=20), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notifications_preferences")),
    )


def downgrade() -> None:
    op.drop_table("notifications_preferences")
    op.drop_table("notifications_items")
