"""MasterPlan, Programme and PlanTransition models."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, BigIntPK, UTCDateTime, utcnow
from core.regions.models import Region
from core.taxonomy import HORIZONS, PROGRAMME_STATUSES

PLAN_STATUSES: tuple[str, ...] = (
    "draft",
    "submitted",
    "revision_requested",
    "resubmitted",
    "approved",
)

_plan_statuses = ", ".join(f"'{s}'" for s in PLAN_STATUSES)
_horizons = ", ".join(f"'{h}'" for h in HORIZONS)
_prog_statuses = ", ".join(f"'{s}'" for s in PROGRAMME_STATUSES)


class MasterPlan(Base):
    """A region's smart city master plan for a period, e.g. 2024–2028."""

    __tablename__ = "master_plans"
    __table_args__ = (
        CheckConstraint(f"status in ({_plan_statuses})", name="status"),
        CheckConstraint("period_end >= period_start", name="period"),
        # One approved plan per region and period.
        Index(
            "uq_master_plans_approved_per_period",
            "region_code",
            "period_start",
            "period_end",
            unique=True,
            sqlite_where=text("status = 'approved'"),
            postgresql_where=text("status = 'approved'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[int] = mapped_column(Integer)
    period_end: Mapped[int] = mapped_column(Integer)
    vision: Mapped[str] = mapped_column(Text, default="")
    readiness_notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    region: Mapped[Region] = relationship(lazy="raise")
    programmes: Mapped[list[Programme]] = relationship(
        back_populates="plan",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="Programme.position",
    )
    transitions: Mapped[list[PlanTransition]] = relationship(
        back_populates="plan",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="PlanTransition.id",
    )


class Programme(Base):
    """One programme of a master plan, in one dimension and sub-dimension."""

    __tablename__ = "programmes"
    __table_args__ = (
        CheckConstraint(f"horizon in ({_horizons})", name="horizon"),
        CheckConstraint(f"status in ({_prog_statuses})", name="status"),
        CheckConstraint("budget_idr >= 0", name="budget"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("master_plans.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    dimension: Mapped[str] = mapped_column(String(20), index=True)
    sub_dimension: Mapped[str] = mapped_column(String(30))
    horizon: Mapped[str] = mapped_column(String(10), default="short")
    quick_win: Mapped[bool] = mapped_column(Boolean, default=False)
    budget_idr: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(20), default="planned")

    plan: Mapped[MasterPlan] = relationship(back_populates="programmes", lazy="raise")


class PlanTransition(Base):
    """Audit trail: who moved a plan from one status to another, when and why."""

    __tablename__ = "plan_transitions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("master_plans.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[MasterPlan] = relationship(back_populates="transitions", lazy="raise")
