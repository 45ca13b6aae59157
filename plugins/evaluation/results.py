"""Results: a region's indices (finalised by its lead assessor or an admin), ranking and awards
at completion, publication, trends and exports.

Arithmetic (see docs/evaluation.md): the final score of an indicator is the lead's reconciled
score, else the assessors' mean (refused while the gap exceeds the threshold). Per dimension,
each component is the mean of its indicators; Impact is blended 50/50 with the citizen survey
score of the dimension's surveyed programmes when there is one. A dimension's index is the
weighted index of its five components; an overall component score is the mean over the six
dimensions, and the overall index the weighted index of those.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.plugin import (
    Conflict,
    PermissionDenied,
    Principal,
    ValidationFailed,
    _l,
    record_event,
    taxonomy,
    utcnow,
)
from plugins.evaluation import scoring
from plugins.evaluation.assessment import assignments_of
from plugins.evaluation.events import COMPLETED, PUBLISHED
from plugins.evaluation.models import Cycle, FinalScore, Participant, Score
from plugins.evaluation.services import (
    from_centi,
    get_cycle,
    get_participant,
    indicators,
    participants,
    require_admin,
    scale_of,
    settings,
    to_centi,
    visible_cycle,
)
from plugins.evaluation.surveys import impact_by_dimension, survey_problem

DIMENSIONS = tuple(taxonomy.DIMENSIONS)


def compute_region(session: Session, cycle: Cycle, participant: Participant) -> dict[str, Any]:
    """The region's scores; ValidationFailed lists everything that still blocks them."""
    team = assignments_of(session, participant)
    problems: list[Any] = []
    submitted = [a for a in team if a.status == "submitted"]
    if any(a.status in ("assigned", "declared") for a in team) or len(submitted) < int(
            settings()["min_assessors"]):
        problems.append(_l("%(region)s: every assigned assessor (at least %(n)s) must submit "
                           "scores first.", region=participant.region_name,
                           n=settings()["min_assessors"]))
    survey = survey_problem(session, participant)
    if survey is not None:
        problems.append(survey)
    threshold = Decimal(cycle.gap_threshold_centi) / 100
    scores: dict[int, list[Decimal]] = {}
    for s in session.scalars(select(Score).where(
            Score.assignment_id.in_([a.id for a in submitted]))):
        scores.setdefault(s.indicator_id, []).append(from_centi(s.score_centi))
    finals = {f.indicator_id: from_centi(f.score_centi) for f in session.scalars(
        select(FinalScore).where(FinalScore.participant_id == participant.id))}
    cells: dict[tuple[str, str], list[Decimal]] = {}
    flagged = []
    for indicator in indicators(session, cycle):
        if indicator.id in finals:
            value = finals[indicator.id]
        elif indicator.id in scores and scoring.gap(scores[indicator.id]) <= threshold:
            value = scoring.mean(scores[indicator.id])
        else:
            if indicator.id in scores:
                flagged.append(indicator.code)
            continue
        cells.setdefault((indicator.dimension, indicator.component), []).append(value)
    if flagged:
        problems.append(_l("%(region)s: the assessors' scores differ by more than %(t)s on "
                           "%(codes)s; the lead assessor must set final scores with a reason.",
                           region=participant.region_name, t=threshold,
                           codes=", ".join(flagged)))
    if problems:
        raise ValidationFailed(_l("The region's evaluation cannot be finalised yet."),
                               errors={"region": problems})
    return combine(cells, impact_by_dimension(session, participant, cycle), cycle)


def combine(cells: dict[tuple[str, str], list[Decimal]], citizen: dict[str, Decimal],
            cycle: Cycle) -> dict[str, Any]:
    """Indices from final indicator scores per (dimension, component) and survey scores."""
    scale = scale_of(cycle)
    per_dimension: dict[str, dict[str, Decimal]] = {}
    for dimension in DIMENSIONS:
        components: dict[str, Decimal] = {}
        for component in scoring.COMPONENTS:
            values = cells.get((dimension, component))
            if not values:
                raise scoring.MissingComponent(
                    f"{dimension} has no {component} score", component)
            components[component] = scoring.mean(values)
        if dimension in citizen:
            components["impact"] = (components["impact"] + citizen[dimension]) / 2
        per_dimension[dimension] = components
    dimensions = {d: scoring.weighted_index(c, cycle.weights, scale)
                  for d, c in per_dimension.items()}
    overall = {c: scoring.mean(per_dimension[d][c] for d in DIMENSIONS)
               for c in scoring.COMPONENTS}
    return {
        "index": scoring.weighted_index(overall, cycle.weights, scale),
        "components": {c: scoring.round2(v) for c, v in overall.items()},
        "dimensions": dimensions,
    }


def finalise_region(session: Session, actor: Principal | None, year: int,
                    region_code: str) -> Participant:
    """Fix a region's scores (lead assessor after submitting, or an admin)."""
    cycle = get_cycle(session, year)
    participant = get_participant(session, cycle, region_code)
    lead = next((a for a in assignments_of(session, participant)
                 if a.is_lead and a.status != "conflict"), None)
    if actor is None or not (actor.is_admin or (lead is not None
                                                and lead.assessor_id == actor.user_id)):
        raise PermissionDenied(_l("Only the lead assessor or an administrator finalises a "
                                  "region."))
    if cycle.status != "assessment":
        raise Conflict(_l("Regions are finalised during the assessment phase."))
    if participant.finalised_at is not None:
        raise Conflict(_l("This region is already finalised."))
    result = compute_region(session, cycle, participant)
    participant.index_centi = to_centi(result["index"])
    participant.components = {k: str(v) for k, v in result["components"].items()}
    participant.dimensions = {k: str(v) for k, v in result["dimensions"].items()}
    participant.finalised_at = utcnow()
    participant.finalised_by = actor.user_id
    participant.version += 1
    session.flush()
    return participant


def _payload(cycle: Cycle, p: Participant) -> dict[str, Any]:
    return {
        "cycle_id": cycle.id, "cycle_year": cycle.year, "region_code": p.region_code,
        "region_name": p.region_name, "index": float(from_centi(p.index_centi)),
        "components": {k: float(Decimal(v)) for k, v in p.components.items()},
        "dimensions": {k: float(Decimal(v)) for k, v in p.dimensions.items()},
        "rank": p.rank, "of": p.ranked_of, "awards": list(p.awards or []),
        "scale_min": cycle.scale_min, "scale_max": cycle.scale_max, "verified": True,
    }


def complete_cycle(session: Session, actor: Principal | None, year: int,
                   expected_version: int | None = None) -> Cycle:
    """Assessment → completed: every region finalised; ranks and awards; one
    ``sinergi.evaluation.completed`` event per region."""
    from plugins.evaluation.services import _transition

    require_admin(actor)
    cycle = get_cycle(session, year)
    people = participants(session, cycle)
    waiting = [p.region_name for p in people if p.finalised_at is None]
    if cycle.status == "assessment" and waiting:
        raise ValidationFailed(_l("Every region must be finalised first."), errors={
            "regions": [_l("Not finalised yet: %(names)s", names=", ".join(waiting[:20]))]})
    cycle = _transition(session, actor, year, "assessment", "completed", expected_version)
    ranks = scoring.competition_ranks({p.region_code: from_centi(p.index_centi)
                                       for p in people})
    awards = scoring.dimension_awards({p.region_code: {d: Decimal(v) for d, v in
                                                       p.dimensions.items()} for p in people})
    for p in people:
        p.rank, p.ranked_of, p.awards = ranks[p.region_code], len(people), awards[p.region_code]
    cycle.completed_at = utcnow()
    session.flush()
    for p in people:
        record_event(session, COMPLETED, subject=f"{cycle.year}:{p.region_code}", sequence=1,
                     data=_payload(cycle, p))
    return cycle


def publish_cycle(session: Session, actor: Principal | None, year: int,
                  expected_version: int | None = None) -> Cycle:
    """Completed → published: results become public; one ``sinergi.evaluation.published``
    event per region."""
    from plugins.evaluation.services import _transition

    cycle = _transition(session, actor, year, "completed", "published", expected_version)
    cycle.published_at = utcnow()
    session.flush()
    for p in participants(session, cycle):
        record_event(session, PUBLISHED, subject=f"{cycle.year}:{p.region_code}", sequence=2,
                     data=_payload(cycle, p))
    return cycle


# ---------------------------------------------------------------- reading results


def latest_published(session: Session, region_code: str) -> tuple[int, int, int, int] | None:
    """(year, index in hundredths, rank, of) of the region's latest published result."""
    row = session.execute(
        select(Cycle.year, Participant.index_centi, Participant.rank, Participant.ranked_of)
        .join(Participant, Participant.cycle_id == Cycle.id)
        .where(Participant.region_code == region_code, Cycle.status == "published")
        .order_by(Cycle.year.desc()).limit(1)).first()
    return None if row is None else tuple(row)  # type: ignore[return-value]


def results_visible(actor: Principal | None, cycle: Cycle) -> bool:
    return cycle.status == "published" or (
        cycle.status == "completed" and actor is not None and actor.is_admin)


def _visible_results_cycle(session: Session, actor: Principal | None, year: int) -> Cycle:
    cycle = visible_cycle(session, actor, year)
    if not results_visible(actor, cycle):
        raise Conflict(_l("The results of %(year)s are not published yet.", year=year))
    return cycle


def results_stmt(actor: Principal | None, year: int, sort: str = "rank",
                 descending: bool = False):
    """The statement of a cycle's results with their cycle (one statement, for pagination),
    empty unless the actor may see them."""
    visible = Cycle.status == "published"
    if actor is not None and actor.is_admin:
        visible = or_(visible, Cycle.status == "completed")
    column = {"rank": Participant.rank, "name": Participant.region_name,
              "index": Participant.index_centi}[sort]
    return (select(Participant, Cycle).join(Cycle, Cycle.id == Participant.cycle_id)
            .where(Cycle.year == year, visible)
            .order_by(column.desc() if descending else column, Participant.region_code))


def result_rows(session: Session, actor: Principal | None, year: int) -> tuple[Cycle, list[
        dict[str, Any]]]:
    """The ranking of a cycle (one statement)."""
    cycle = _visible_results_cycle(session, actor, year)
    return cycle, rows_of(session, cycle)


def rows_of(session: Session, cycle: Cycle) -> list[dict[str, Any]]:
    """The ranking of a cycle whose results the caller may see (one statement)."""
    rows = session.scalars(select(Participant).where(Participant.cycle_id == cycle.id)
                           .order_by(Participant.rank, Participant.region_name))
    return [_payload(cycle, p) for p in rows]


def region_result(session: Session, actor: Principal | None, year: int,
                  region_code: str) -> dict[str, Any]:
    """One region's result with its trend over earlier cycles and its programme realisation."""
    cycle = _visible_results_cycle(session, actor, year)
    participant = get_participant(session, cycle, region_code)
    result = _payload(cycle, participant)
    history = session.execute(
        select(Cycle.year, Participant.index_centi, Participant.rank, Participant.ranked_of)
        .join(Participant, Participant.cycle_id == Cycle.id)
        .where(Participant.region_code == region_code, Cycle.year < cycle.year,
               Cycle.status.in_(("published",) if not (actor and actor.is_admin)
                                else ("completed", "published")))
        .order_by(Cycle.year)
    ).all()
    result["trend"] = [{"cycle_year": y, "index": float(from_centi(i)), "rank": r, "of": o}
                       for y, i, r, o in history if i is not None]
    previous = result["trend"][-1]["index"] if result["trend"] else None
    result["change"] = (float(scoring.round2(from_centi(participant.index_centi)
                                             - Decimal(str(previous))))
                        if previous is not None else None)
    return result


EXPORT_COLUMNS = (
    ["rank", "of", "region_code", "region_name", "index"]
    + list(scoring.COMPONENTS) + list(DIMENSIONS) + ["awards"]
)


def export_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [r["rank"], r["of"], r["region_code"], r["region_name"], r["index"],
         *[r["components"][c] for c in scoring.COMPONENTS],
         *[r["dimensions"][d] for d in DIMENSIONS], " ".join(r["awards"])]
        for r in rows
    ]


def export_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(export_rows(rows))
    return out.getvalue()


def export_xlsx(cycle: Cycle, rows: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = f"Hasil {cycle.year}"
    sheet.append(EXPORT_COLUMNS)
    for row in export_rows(rows):
        sheet.append(row)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
