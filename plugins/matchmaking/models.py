"""The matchmaking plugin's tables: needs, offers, stored matches, interests, collaborations,
saved searches, and the change log that keeps every worker's in-memory index fresh."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.plugin import BigIntPK, Model, UTCDateTime, utcnow

NEED_STATUSES = ("open", "in_progress", "closed")
OFFER_STATUSES = ("published", "withdrawn")
INTEREST_STATUSES = ("open", "accepted", "declined", "withdrawn")
COLLABORATION_STAGES = (
    "interest", "meeting", "mou_signed", "pilot", "contract", "completed", "stopped",
)
PARTNER_TYPES = ("business", "community", "academia", "media")


class Need(Model):
    """A region's need, posted by its officers."""

    __tablename__ = "matchmaking_needs"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    region_code: Mapped[str] = mapped_column(String(5), ForeignKey("regions.code"), index=True)
    province_code: Mapped[str] = mapped_column(String(2), index=True)
    region_name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    dimension: Mapped[str] = mapped_column(String(20), index=True)
    sub_dimension: Mapped[str | None] = mapped_column(String(40), nullable=True)
    programme_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    programme_title: Mapped[str] = mapped_column(String(200), default="")
    budget_min: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    budget_max: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    partner_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    deadline: Mapped[dt.date | None] = mapped_column(Date, nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Offer(Model):
    """What a partner organisation offers: a solution, a service, expertise."""

    __tablename__ = "matchmaking_offers"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    org_name: Mapped[str] = mapped_column(String(200), default="")
    org_type: Mapped[str] = mapped_column(String(20), default="business")
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    dimensions: Mapped[list[str]] = mapped_column(JSON, default=list)
    sub_dimensions: Mapped[list[str]] = mapped_column(JSON, default=list)
    provinces: Mapped[list[str]] = mapped_column(JSON, default=list)
    national: Mapped[bool] = mapped_column(Boolean, default=False)
    price_min: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    price_max: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    references: Mapped[str] = mapped_column(Text, default="")
    #: ",dim:economy,sub:waste,prov:32,national," for filters that work on every database.
    tags: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[str] = mapped_column(String(20), default="published", index=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Match(Model):
    """A stored match of an offer to a need, with its score and explanation."""

    __tablename__ = "matchmaking_matches"
    __table_args__ = (
        UniqueConstraint("need_id", "offer_id"),
        Index("ix_matchmaking_matches_org_best", "organisation_id", "best_for_org"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    need_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("matchmaking_needs.id", ondelete="CASCADE"), index=True
    )
    offer_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("matchmaking_offers.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(BigInteger)
    score: Mapped[float] = mapped_column(Float)
    best_for_org: Mapped[bool] = mapped_column(Boolean, default=True)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Interest(Model):
    """A partner organisation's interest in a need, with a message only the two parties see."""

    __tablename__ = "matchmaking_interests"
    __table_args__ = (
        Index(
            "uq_matchmaking_interests_open", "need_id", "organisation_id", unique=True,
            sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    need_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("matchmaking_needs.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(BigInteger, index=True)
    org_name: Mapped[str] = mapped_column(String(200), default="")
    region_code: Mapped[str] = mapped_column(String(5), index=True)
    offer_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    decided_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Collaboration(Model):
    """An accepted interest, moving through stages from first meeting to completion."""

    __tablename__ = "matchmaking_collaborations"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    interest_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("matchmaking_interests.id", ondelete="CASCADE"), unique=True
    )
    need_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("matchmaking_needs.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(BigInteger, index=True)
    org_name: Mapped[str] = mapped_column(String(200), default="")
    region_code: Mapped[str] = mapped_column(String(5), index=True)
    need_title: Mapped[str] = mapped_column(String(200), default="")
    stage: Mapped[str] = mapped_column(String(20), default="interest")
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class SavedSearch(Model):
    """A partner's saved opportunity-feed filters."""

    __tablename__ = "matchmaking_saved_searches"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    organisation_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(100))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class IndexChange(Model):
    """One row per change of a need or offer, so every process can bring its index up to date.

    ``sqlite_autoincrement``: ids are never reused, on SQLite as on PostgreSQL."""

    __tablename__ = "matchmaking_index_changes"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(10))
    doc_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
