"""Province, Region and Participation models."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime, utcnow
from core.taxonomy import COHORT_YEARS, STAGES


class Province(Base):
    """A province (level 1 of the Kemendagri codes, e.g. ``32`` Jawa Barat)."""

    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    population: Mapped[int | None] = mapped_column(Integer)
    area_km2: Mapped[float | None] = mapped_column(Float)

    regions: Mapped[list[Region]] = relationship(back_populates="province", lazy="raise")


class Region(Base):
    """A kabupaten or kota (level 2 code ``NN.NN``, e.g. ``32.73`` Kota Bandung)."""

    __tablename__ = "regions"
    __table_args__ = (CheckConstraint("kind in ('kota', 'kabupaten')", name="kind"),)

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    kind: Mapped[str] = mapped_column(String(10), index=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    population: Mapped[int | None] = mapped_column(Integer)
    area_km2: Mapped[float | None] = mapped_column(Float)

    province: Mapped[Province] = relationship(back_populates="regions", lazy="raise")
    participation: Mapped[Participation | None] = relationship(
        back_populates="region", lazy="raise", uselist=False
    )


_cohorts = ", ".join(str(y) for y in COHORT_YEARS)
_stages = ", ".join(f"'{s}'" for s in STAGES)


class Participation(Base):
    """A region's place in the movement: the cohort it joined and the stage it has reached."""

    __tablename__ = "participations"
    __table_args__ = (
        CheckConstraint(f"cohort_year in ({_cohorts})", name="cohort_year"),
        CheckConstraint(f"stage in ({_stages})", name="stage"),
    )

    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), primary_key=True)
    cohort_year: Mapped[int] = mapped_column(Integer, index=True)
    stage: Mapped[str] = mapped_column(String(20), default="selected")
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped[Region] = relationship(back_populates="participation", lazy="raise")
