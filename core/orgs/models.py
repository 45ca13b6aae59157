"""Organisation and Membership models."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, BigIntPK, UTCDateTime, utcnow
from core.taxonomy import ORG_TYPES

_types = ", ".join(f"'{t}'" for t in ORG_TYPES)


class Organisation(Base):
    """A government body, company, community group, university or media outlet."""

    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint(f"type in ({_types})", name="type"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    type: Mapped[str] = mapped_column(String(20), index=True)
    about: Mapped[str] = mapped_column(Text, default="")
    capabilities: Mapped[str] = mapped_column(Text, default="")
    dimensions: Mapped[list[str]] = mapped_column(JSON, default=list)
    provinces_served: Mapped[list[str]] = mapped_column(JSON, default=list)
    website: Mapped[str] = mapped_column(String(300), default="")
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set for the government organisation of a participating region (its officers are members).
    region_code: Mapped[str | None] = mapped_column(
        ForeignKey("regions.code"), unique=True, nullable=True
    )
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", lazy="raise"
    )


class Membership(Base):
    """A user's membership of an organisation: ``member`` or ``admin`` (org admin)."""

    __tablename__ = "memberships"
    __table_args__ = (CheckConstraint("role in ('member', 'admin')", name="role"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(10), default="member")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships", lazy="raise")
