"""The evaluation plugin's tables: cycles, indicators, participants, self-assessments, evidence,
assessor assignments and scores, final scores, citizen surveys and external indicators.

Scores are stored as integer hundredths (``*_centi``) so that sums and comparisons are exact on
every database; services turn them into ``Decimal``.
"""

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

CYCLE_STATUSES = ("draft", "self_assessment", "assessment", "completed", "published")
ASSIGNMENT_STATUSES = ("assigned", "declared", "conflict", "submitted")


class Cycle(Model):
    """One yearly evaluation: its rules (scale, weights, threshold) and its phase."""

    __tablename__ = "evaluation_cycles"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    scale_min: Mapped[int] = mapped_column(Integer, default=0)
    scale_max: Mapped[int] = mapped_column(Integer, default=5)
    weights: Mapped[dict[str, Any]] = mapped_column(JSON)
    gap_threshold_centi: Mapped[int] = mapped_column(Integer, default=100)
    deadlines: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Indicator(Model):
    """What assessors score: one component of one dimension (optionally a sub-dimension)."""

    __tablename__ = "evaluation_indicators"
    __table_args__ = (UniqueConstraint("cycle_id", "code"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("evaluation_cycles.id", ondelete="CASCADE"),
                                          index=True)
    code: Mapped[str] = mapped_column(String(40))
    component: Mapped[str] = mapped_column(String(20))
    dimension: Mapped[str] = mapped_column(String(20))
    sub_dimension: Mapped[str | None] = mapped_column(String(30), nullable=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Participant(Model):
    """A region taking part in a cycle: its self-assessment state and, once final, its result."""

    __tablename__ = "evaluation_participants"
    __table_args__ = (UniqueConstraint("cycle_id", "region_code"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("evaluation_cycles.id", ondelete="CASCADE"),
                                          index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    region_name: Mapped[str] = mapped_column(String(200))
    cohort_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    self_status: Mapped[str] = mapped_column(String(20), default="draft")
    self_submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    finalised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finalised_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    index_centi: Mapped[int | None] = mapped_column(Integer, nullable=True)
    components: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    dimensions: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    rank: Mapped[int | None] = mapped_column(Integer, nullable=True)
    ranked_of: Mapped[int | None] = mapped_column(Integer, nullable=True)
    awards: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)


class SelfValue(Model):
    """A region's own value and evidence for one indicator."""

    __tablename__ = "evaluation_self_values"
    __table_args__ = (UniqueConstraint("participant_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_participants.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_indicators.id", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[list[str]] = mapped_column(JSON, default=list)


class EvidenceFile(Model):
    """An uploaded evidence file, stored under the instance folder."""

    __tablename__ = "evaluation_evidence_files"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_participants.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("evaluation_indicators.id", ondelete="SET NULL"), nullable=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Realisation(Model):
    """How far (percent) one programme of the region's approved master plan is carried out."""

    __tablename__ = "evaluation_realisations"
    __table_args__ = (UniqueConstraint("participant_id", "programme_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_participants.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(Integer)
    plan_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    dimension: Mapped[str] = mapped_column(String(20))
    percent: Mapped[int] = mapped_column(Integer)


class Assignment(Model):
    """An assessor assigned to a region in a cycle, with the declaration, notes and status."""

    __tablename__ = "evaluation_assignments"
    __table_args__ = (UniqueConstraint("participant_id", "assessor_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("evaluation_cycles.id", ondelete="CASCADE"),
                                          index=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_participants.id", ondelete="CASCADE"), index=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assessor_name: Mapped[str] = mapped_column(String(200))
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="assigned")
    coi_statement: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    interview_notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Score(Model):
    """One assessor's score for one indicator."""

    __tablename__ = "evaluation_scores"
    __table_args__ = (UniqueConstraint("assignment_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_assignments.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_indicators.id", ondelete="CASCADE"))
    score_centi: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")


class FinalScore(Model):
    """The lead assessor's reconciled score for one indicator of one region, with the reason."""

    __tablename__ = "evaluation_final_scores"
    __table_args__ = (UniqueConstraint("participant_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_participants.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_indicators.id", ondelete="CASCADE"))
    score_centi: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    set_by: Mapped[int] = mapped_column(Integer)
    set_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Survey(Model):
    """A citizen impact survey on one programme of a participating region."""

    __tablename__ = "evaluation_surveys"
    __table_args__ = (UniqueConstraint("participant_id", "programme_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_participants.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(Integer)
    programme_title: Mapped[str] = mapped_column(String(200))
    dimension: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyToken(Model):
    """A single-use invitation; only the SHA-256 of the token is stored."""

    __tablename__ = "evaluation_survey_tokens"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_surveys.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyResponse(Model):
    """One citizen's answer: a 1–5 rating of the programme's benefit and a comment."""

    __tablename__ = "evaluation_survey_responses"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_surveys.id", ondelete="CASCADE"), index=True)
    token_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_survey_tokens.id", ondelete="CASCADE"), unique=True)
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExternalIndicator(Model):
    """A statistic about a region in a year from an outside source (IPM, poverty rate, …)."""

    __tablename__ = "evaluation_external_indicators"
    __table_args__ = (UniqueConstraint("region_code", "year", "key"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(40))
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
