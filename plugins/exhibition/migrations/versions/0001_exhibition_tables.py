"""exhibition tables: booths, achievements, images, projections, revision

Revision ID: 0001_exhibition
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_exhibition"
down_revision = None
branch_labels = ("exhibition",)
depends_on = "0002_core"


def upgrade() -> None:

    op.create_table(
        "exhibition_evaluations",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("region_code", sa.String(length=10), nullable=False),
        sa.Column("region_name", sa.String(length=200), nullable=False),
        sa.Column("cycle_year", sa.Integer(), nullable=False),
        sa.Column("index", sa.Float(), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("of", sa.Integer(), nullable=True),
        sa.Column("awards", sa.JSON(), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exhibition_evaluations")),
        sa.UniqueConstraint(
            "region_code", "cycle_year", name=op.f("uq_exhibition_evaluations_region_code")
        ),
    )
    with op.batch_alter_table("exhibition_evaluations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exhibition_evaluations_cycle_year"), ["cycle_year"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exhibition_evaluations_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "exhibition_images",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("region_code", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("original_format", sa.String(length=10), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exhibition_images")),
        sa.UniqueConstraint("key", name=op.f("uq_exhibition_images_key")),
    )
    with op.batch_alter_table("exhibition_images", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exhibition_images_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "exhibition_partners",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("region_code", sa.String(length=10), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("organisation_type", sa.String(length=20), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column("formed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exhibition_partners")),
        sa.UniqueConstraint(
            "region_code", "organisation_id", name=op.f("uq_exhibition_partners_region_code")
        ),
    )
    with op.batch_alter_table("exhibition_partners", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exhibition_partners_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "exhibition_plan_summaries",
        sa.Column("region_code", sa.String(length=10), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("vision", sa.Text(), nullable=False),
        sa.Column("period_start", sa.Integer(), nullable=False),
        sa.Column("period_end", sa.Integer(), nullable=False),
        sa.Column("programmes", sa.JSON(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("region_code", name=op.f("pk_exhibition_plan_summaries")),
    )
    op.create_table(
        "exhibition_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exhibition_revision")),
    )
    op.create_table(
        "exhibition_booths",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("region_code", sa.String(length=5), nullable=False),
        sa.Column("tagline", sa.String(length=160), nullable=False),
        sa.Column("story", sa.Text(), nullable=False),
        sa.Column("replicate_note", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.Column("published", sa.JSON(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=False),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_exhibition_booths_region_code_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exhibition_booths")),
        sa.UniqueConstraint("region_code", name=op.f("uq_exhibition_booths_region_code")),
    )
    with op.batch_alter_table("exhibition_booths", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exhibition_booths_live"), ["live"], unique=False)

    op.create_table(
        "exhibition_achievements",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("booth_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("image_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booth_id"],
            ["exhibition_booths.id"],
            name=op.f("fk_exhibition_achievements_booth_id_exhibition_booths"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["image_id"],
            ["exhibition_images.id"],
            name=op.f("fk_exhibition_achievements_image_id_exhibition_images"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exhibition_achievements")),
    )
    with op.batch_alter_table("exhibition_achievements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exhibition_achievements_booth_id"), ["booth_id"], unique=False
        )




def downgrade() -> None:

    with op.batch_alter_table("exhibition_achievements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exhibition_achievements_booth_id"))

    op.drop_table("exhibition_achievements")
    with op.batch_alter_table("exhibition_booths", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exhibition_booths_live"))

    op.drop_table("exhibition_booths")
    op.drop_table("exhibition_revision")
    op.drop_table("exhibition_plan_summaries")
    with op.batch_alter_table("exhibition_partners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exhibition_partners_region_code"))

    op.drop_table("exhibition_partners")
    with op.batch_alter_table("exhibition_images", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exhibition_images_region_code"))

    op.drop_table("exhibition_images")
    with op.batch_alter_table("exhibition_evaluations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exhibition_evaluations_region_code"))
        batch_op.drop_index(batch_op.f("ix_exhibition_evaluations_cycle_year"))

    op.drop_table("exhibition_evaluations")

