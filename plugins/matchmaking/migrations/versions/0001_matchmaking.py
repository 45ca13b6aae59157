"""matchmaking tables: needs, offers, matches, interests, collaborations, saved searches,
index change log

Revision ID: 0001_matchmaking
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_matchmaking"
down_revision = None
branch_labels = ("matchmaking",)
depends_on = "0002_core"


def upgrade() -> None:
    op.create_table(
        "matchmaking_index_changes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("doc_id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matchmaking_index_changes")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "matchmaking_saved_searches",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("organisation_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matchmaking_saved_searches")),
    )
    op.create_index(
        op.f("ix_matchmaking_saved_searches_user_id"),
        "matchmaking_saved_searches",
        ["user_id"],
        unique=False,
    )
    op.create_table(
        "matchmaking_needs",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("region_code", sa.String(length=5), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("region_name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("sub_dimension", sa.String(length=40), nullable=True),
        sa.Column("programme_id", sa.BigInteger(), nullable=True),
        sa.Column("programme_title", sa.String(length=200), nullable=False),
        sa.Column("budget_min", sa.BigInteger(), nullable=True),
        sa.Column("budget_max", sa.BigInteger(), nullable=True),
        sa.Column("partner_types", sa.JSON(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["regions.code"], name=op.f("fk_matchmaking_needs_region_code_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matchmaking_needs")),
    )
    op.create_index(
        op.f("ix_matchmaking_needs_created_at"), "matchmaking_needs", ["created_at"], unique=False
    )
    op.create_index(
        op.f("ix_matchmaking_needs_deadline"), "matchmaking_needs", ["deadline"], unique=False
    )
    op.create_index(
        op.f("ix_matchmaking_needs_dimension"), "matchmaking_needs", ["dimension"], unique=False
    )
    op.create_index(
        op.f("ix_matchmaking_needs_province_code"),
        "matchmaking_needs",
        ["province_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_matchmaking_needs_region_code"), "matchmaking_needs", ["region_code"], unique=False
    )
    op.create_index(
        op.f("ix_matchmaking_needs_status"), "matchmaking_needs", ["status"], unique=False
    )
    op.create_table(
        "matchmaking_interests",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("need_id", sa.BigInteger(), nullable=False),
        sa.Column("organisation_id", sa.BigInteger(), nullable=False),
        sa.Column("org_name", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=5), nullable=False),
        sa.Column("offer_id", sa.BigInteger(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["matchmaking_needs.id"],
            name=op.f("fk_matchmaking_interests_need_id_matchmaking_needs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matchmaking_interests")),
    )
    op.create_index(
        op.f("ix_matchmaking_interests_need_id"), "matchmaking_interests", ["need_id"], unique=False
    )
    op.create_index(
        op.f("ix_matchmaking_interests_organisation_id"),
        "matchmaking_interests",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_matchmaking_interests_region_code"),
        "matchmaking_interests",
        ["region_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_matchmaking_interests_status"), "matchmaking_interests", ["status"], unique=False
    )
    op.create_index(
        "uq_matchmaking_interests_open",
        "matchmaking_interests",
        ["need_id", "organisation_id"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_table(
        "matchmaking_offers",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("organisation_id", sa.BigInteger(), nullable=False),
        sa.Column("org_name", sa.String(length=200), nullable=False),
        sa.Column("org_type", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column("sub_dimensions", sa.JSON(), nullable=False),
        sa.Column("provinces", sa.JSON(), nullable=False),
        sa.Column("national", sa.Boolean(), nullable=False),
        sa.Column("price_min", sa.BigInteger(), nullable=True),
        sa.Column("price_max", sa.BigInteger(), nullable=True),
        sa.Column("references", sa.Text(), nullable=False),
        sa.Column("tags", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_matchmaking_offers_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matchmaking_offers")),
    )
    op.create_index(
        op.f("ix_matchmaking_offers_created_at"), "matchmaking_offers", ["created_at"], unique=False
    )
    op.create_index(
        op.f("ix_matchmaking_offers_organisation_id"),
        "matchmaking_offers",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_matchmaking_offers_status"), "matchmaking_offers", ["status"], unique=False
    )
    op.create_table(
        "matchmaking_collaborations",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("interest_id", sa.BigInteger(), nullable=False),
        sa.Column("need_id", sa.BigInteger(), nullable=False),
        sa.Column("organisation_id", sa.BigInteger(), nullable=False),
        sa.Column("org_name", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=5), nullable=False),
        sa.Column("need_title", sa.String(length=200), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interest_id"],
            ["matchmaking_interests.id"],
            name=op.f("fk_matchmaking_collaborations_interest_id_matchmaking_interests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["matchmaking_needs.id"],
            name=op.f("fk_matchmaking_collaborations_need_id_matchmaking_needs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matchmaking_collaborations")),
        sa.UniqueConstraint("interest_id", name=op.f("uq_matchmaking_collaborations_interest_id")),
    )
    op.create_index(
        op.f("ix_matchmaking_collaborations_need_id"),
        "matchmaking_collaborations",
        ["need_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_matchmaking_collaborations_organisation_id"),
        "matchmaking_collaborations",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_matchmaking_collaborations_region_code"),
        "matchmaking_collaborations",
        ["region_code"],
        unique=False,
    )
    op.create_table(
        "matchmaking_matches",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("need_id", sa.BigInteger(), nullable=False),
        sa.Column("offer_id", sa.BigInteger(), nullable=False),
        sa.Column("organisation_id", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("best_for_org", sa.Boolean(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["matchmaking_needs.id"],
            name=op.f("fk_matchmaking_matches_need_id_matchmaking_needs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["matchmaking_offers.id"],
            name=op.f("fk_matchmaking_matches_offer_id_matchmaking_offers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matchmaking_matches")),
        sa.UniqueConstraint("need_id", "offer_id", name=op.f("uq_matchmaking_matches_need_id")),
    )
    op.create_index(
        op.f("ix_matchmaking_matches_need_id"), "matchmaking_matches", ["need_id"], unique=False
    )
    op.create_index(
        op.f("ix_matchmaking_matches_offer_id"), "matchmaking_matches", ["offer_id"], unique=False
    )
    op.create_index(
        "ix_matchmaking_matches_org_best",
        "matchmaking_matches",
        ["organisation_id", "best_for_org"],
        unique=False,
    )
    # ### end Alembic commands ###


def downgrade() -> None:
    op.drop_table("matchmaking_matches")
    op.drop_table("matchmaking_collaborations")
    op.drop_table("matchmaking_offers")
    op.drop_table("matchmaking_interests")
    op.drop_table("matchmaking_needs")
    op.drop_table("matchmaking_saved_searches")
    op.drop_table("matchmaking_index_changes")
