"""The exhibition's tables: booths and their achievements (written by region officers and
moderated by admins), uploaded images, and projections fed by events (plan summaries,
evaluation results, partners). A single revision row lets pages answer conditional requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.plugin import BigIntPK, Model, UTCDateTime, utcnow

BOOTH_STATES = ("draft", "submitted", "approved", "rejected")


class Booth(Model):
    """A region's booth. ``state`` is the working copy's editorial state; ``live`` says whether
    the snapshot approved by a moderator (``published``) is shown to the public."""

    __tablename__ = "exhibition_booths"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), unique=True)
    tagline: Mapped[str] = mapped_column(String(160), default="")
    story: Mapped[str] = mapped_column(Text, default="")
    replicate_note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="draft")
    live: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    published: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    review_reason: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Achievement(Model):
    """One achievement of a booth's working copy (public once the booth is approved)."""

    __tablename__ = "exhibition_achievements"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    booth_id: Mapped[int] = mapped_column(
        ForeignKey("exhibition_booths.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    caption: Mapped[str] = mapped_column(Text, default="")
    dimension: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    image_id: Mapped[int | None] = mapped_column(
        ForeignKey("exhibition_images.id", ondelete="SET NULL"), nullable=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Image(Model):
    """An uploaded image, re-encoded as JPEG in two sizes under the media folder."""

    __tablename__ = "exhibition_images"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    region_code: Mapped[str] = mapped_column(String(10), index=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    original_format: Mapped[str] = mapped_column(String(10))
    bytes: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlanSummary(Model):
    """Projection of ``sinergi.plan.approved``: a region's latest approved master plan."""

    __tablename__ = "exhibition_plan_summaries"

    region_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    plan_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    vision: Mapped[str] = mapped_column(Text, default="")
    period_start: Mapped[int] = mapped_column(Integer)
    period_end: Mapped[int] = mapped_column(Integer)
    programmes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    approved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class EvaluationResult(Model):
    """Projection of ``sinergi.evaluation.completed``: one region's result in one cycle."""

    __tablename__ = "exhibition_evaluations"
    __table_args__ = (UniqueConstraint("region_code", "cycle_year"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    region_code: Mapped[str] = mapped_column(String(10), index=True)
    region_name: Mapped[str] = mapped_column(String(200), default="")
    cycle_year: Mapped[int] = mapped_column(Integer, index=True)
    index: Mapped[float] = mapped_column(Float)
    components: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    dimensions: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    rank: Mapped[int | None] = mapped_column(Integer, nullable=True)
    of: Mapped[int | None] = mapped_column(Integer, nullable=True)
    awards: Mapped[list[str]] = mapped_column(JSON, default=list)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Partner(Model):
    """Projection of ``sinergi.collaboration.formed``: an organisation working with a region."""

    __tablename__ = "exhibition_partners"
    __table_args__ = (UniqueConstraint("region_code", "organisation_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    region_code: Mapped[str] = mapped_column(String(10), index=True)
    organisation_id: Mapped[int] = mapped_column(Integer)
    organisation_name: Mapped[str] = mapped_column(String(200), default="")
    organisation_type: Mapped[str] = mapped_column(String(20), default="")
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    dimensions: Mapped[list[str]] = mapped_column(JSON, default=list)
    formed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Revision(Model):
    """One row counting changes to anything the exhibition shows (the pages' ETag)."""

    __tablename__ = "exhibition_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
