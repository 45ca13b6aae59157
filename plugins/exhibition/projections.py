"""Read models fed by other parts of the platform's events. Each ``apply_*`` is an upsert
keyed by what the event is about, so a replayed or redelivered event changes nothing, and an
event older than what is stored (lower ``sequence``) is ignored. Payloads are read tolerantly:
optional fields may be missing."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.plugin import taxonomy, utcnow
from plugins.exhibition import revision
from plugins.exhibition.models import EvaluationResult, Partner, PlanSummary

log = logging.getLogger(__name__)

COMPONENTS = ("baseline", "output", "outcome", "impact", "quick_win")


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # drop NaN


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def apply_plan_approved(session: Session, data: dict[str, Any], sequence: int = 0) -> bool:
    """A region's approved master plan: keep the one with the latest period."""
    code = str(data.get("region_code") or "")
    plan_id = _int(data.get("plan_id"))
    start = _int(data.get("period_start"))
    if not code or plan_id is None or start is None:
        log.warning("plan.approved without region_code/plan_id/period_start: ignored")
        return False
    row = session.get(PlanSummary, code)
    if row is not None:
        if (row.period_start, row.plan_id) > (start, plan_id):
            return False  # an older period arrives after a newer one
        if row.plan_id == plan_id and row.sequence > sequence:
            return False
    programmes = []
    for item in data.get("programmes") or []:
        if not isinstance(item, dict):
            continue
        programmes.append({
            "programme_id": _int(item.get("programme_id")),
            "title": str(item.get("title") or ""),
            "dimension": str(item.get("dimension") or ""),
            "sub_dimension": str(item.get("sub_dimension") or ""),
            "horizon": str(item.get("horizon") or ""),
            "quick_win": bool(item.get("quick_win")),
            "budget_idr": _int(item.get("budget_idr")) or 0,
            "status": str(item.get("status") or "planned"),
        })
    if row is None:
        row = PlanSummary(region_code=code)
        session.add(row)
    row.plan_id = plan_id
    row.title = str(data.get("title") or "")[:300]
    row.vision = str(data.get("vision") or "")
    row.period_start = start
    row.period_end = _int(data.get("period_end")) or start
    row.programmes = programmes
    row.sequence = sequence
    row.approved_at = utcnow()
    revision.bump(session)
    return True


def _scaler(data: dict[str, Any]):
    """Scores arrive on the cycle's scale (``scale_min``–``scale_max``, e.g. 0–5); the
    exhibition shows every score on 0–100. Without a scale, scores are taken as 0–100."""
    low, high = _number(data.get("scale_min")), _number(data.get("scale_max"))

    def to_percent(value: float | None) -> float | None:
        if value is None:
            return None
        if low is not None and high is not None and high > low:
            value = (value - low) * 100 / (high - low)
        return max(0.0, min(100.0, value))

    return to_percent


def apply_evaluation(session: Session, data: dict[str, Any], sequence: int = 0) -> bool:
    """A completed evaluation of one region in one cycle: scores, rank, awards, badge."""
    code = str(data.get("region_code") or "")
    year = _int(data.get("cycle_year"))
    to_percent = _scaler(data)
    index = to_percent(_number(data.get("index")))
    if not code or year is None or index is None:
        log.warning("evaluation.completed without region_code/cycle_year/index: ignored")
        return False
    row = session.scalar(select(EvaluationResult).where(
        EvaluationResult.region_code == code, EvaluationResult.cycle_year == year))
    if row is not None and row.sequence > sequence:
        return False
    if row is None:
        row = EvaluationResult(region_code=code, cycle_year=year)
        session.add(row)
    components = data.get("components") if isinstance(data.get("components"), dict) else {}
    dimensions = data.get("dimensions") if isinstance(data.get("dimensions"), dict) else {}
    row.region_name = str(data.get("region_name") or row.region_name or "")[:200]
    row.index = round(index, 2)
    row.components = {k: round(v, 2) for k in COMPONENTS
                      if (v := to_percent(_number(components.get(k)))) is not None}
    row.dimensions = {k: round(v, 2) for k in taxonomy.DIMENSIONS
                      if (v := to_percent(_number(dimensions.get(k)))) is not None}
    row.rank = _int(data.get("rank"))
    row.of = _int(data.get("of"))
    row.awards = [a for a in (data.get("awards") or []) if a in taxonomy.DIMENSIONS]
    row.verified = bool(data.get("verified", True))
    row.sequence = sequence
    row.updated_at = utcnow()
    revision.bump(session)
    return True


def _pick(data: dict[str, Any], *paths: str) -> Any:
    """The first value found at one of the dotted ``paths`` of ``data``."""
    for path in paths:
        value: Any = data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value not in (None, ""):
            return value
    return None


def apply_collaboration(session: Session, data: dict[str, Any]) -> bool:
    """An organisation started working with a region on one of its needs."""
    code = _pick(data, "region_code", "need.region_code")
    org_id = _int(_pick(data, "organisation_id", "organisation.id", "org_id"))
    if not code or org_id is None:
        log.warning("collaboration.formed without region_code/organisation id: ignored")
        return False
    row = session.scalar(select(Partner).where(
        Partner.region_code == str(code), Partner.organisation_id == org_id))
    if row is None:
        row = Partner(region_code=str(code), organisation_id=org_id, topics=[], dimensions=[])
        session.add(row)
    name = _pick(data, "organisation_name", "organisation.name")
    if name:
        row.organisation_name = str(name)[:200]
    org_type = _pick(data, "organisation_type", "organisation.type")
    if org_type:
        row.organisation_type = str(org_type)[:20]
    topic = _pick(data, "need_title", "need.title", "title")
    if topic and str(topic) not in row.topics:
        row.topics = [*row.topics, str(topic)[:200]]
    dimension = _pick(data, "dimension", "need.dimension")
    if dimension in taxonomy.DIMENSIONS and dimension not in row.dimensions:
        row.dimensions = [*row.dimensions, dimension]
    revision.bump(session)
    return True
