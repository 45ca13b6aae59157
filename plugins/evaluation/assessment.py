"""Assessment: assigning assessors (conflict of interest checked), blind scoring, submission,
and reconciliation (gaps beyond the threshold flagged; the lead sets final scores with a reason).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.plugin import (
    Conflict,
    NotFound,
    PermissionDenied,
    Principal,
    ValidationFailed,
    _l,
    directory,
    utcnow,
)
from plugins.evaluation import scoring
from plugins.evaluation.models import Assignment, Cycle, FinalScore, Participant, Score
from plugins.evaluation.services import (
    bump_version,
    from_centi,
    get_cycle,
    get_participant,
    indicators,
    parse_decimal,
    require_admin,
    scale_of,
    settings,
    to_centi,
)

OPEN_FOR_ASSIGNMENT = ("draft", "self_assessment", "assessment")
ACTIVE = ("assigned", "declared", "submitted")


# ---------------------------------------------------------------- conflicts of interest


def conflict_reason(session: Session, region_code: str, user_id: int,
                    principal: Principal | None = None) -> Any | None:
    """Why this user may not assess the region (officer of it, or member of an organisation
    based in it), or None."""
    if principal is not None and principal.is_officer(region_code):
        return _l("You are an officer of this region and cannot assess it.")
    if any(person.id == user_id for person in directory.officers_of(session, region_code)):
        return _l("This assessor is an officer of the region and cannot assess it.")
    orgs = directory.list_organisations(session, region_codes=[region_code])
    if principal is not None:
        member_of = principal.organisation_ids & {o.id for o in orgs}
    else:
        member_of = {o.id for o in orgs if any(
            p.id == user_id for p in directory.members_of(session, o.id))}
    if member_of:
        return _l("This assessor belongs to an organisation based in the region and cannot "
                  "assess it.")
    return None


# ---------------------------------------------------------------- assignments


def assignments_of(session: Session, participant: Participant) -> list[Assignment]:
    return list(session.scalars(select(Assignment).where(
        Assignment.participant_id == participant.id).order_by(Assignment.id)))


def assign(session: Session, actor: Principal | None, year: int, region_code: str,
           assessor_id: int, *, lead: bool = False) -> Assignment:
    """Assign an evaluator to a region (admin). Refuses non-evaluators and conflicts."""
    require_admin(actor)
    cycle = get_cycle(session, year)
    if cycle.status not in OPEN_FOR_ASSIGNMENT:
        raise Conflict(_l("Assessors can no longer be assigned in this phase."))
    participant = get_participant(session, cycle, region_code)
    people = directory.list_evaluators(session, ids=[assessor_id])
    if not people:
        raise ValidationFailed(errors={"assessor_id": [_l(
            "This user is not an active evaluator.")]})
    reason = conflict_reason(session, region_code, assessor_id)
    if reason is not None:
        raise ValidationFailed(_l("Conflict of interest."), errors={"assessor_id": [reason]})
    current = assignments_of(session, participant)
    if any(a.assessor_id == assessor_id for a in current):
        raise Conflict(_l("This assessor is already assigned to the region."))
    if lead and any(a.is_lead and a.status != "conflict" for a in current):
        raise Conflict(_l("The region already has a lead assessor."))
    assignment = Assignment(cycle_id=cycle.id, participant_id=participant.id,
                            assessor_id=assessor_id, assessor_name=people[0].name[:200],
                            is_lead=lead, status="assigned")
    session.add(assignment)
    session.flush()
    return assignment


def unassign(session: Session, actor: Principal | None, assignment_id: int) -> None:
    require_admin(actor)
    assignment = _assignment(session, assignment_id)
    if assignment.status == "submitted":
        raise Conflict(_l("An assessor who submitted scores cannot be removed."))
    session.delete(assignment)
    session.flush()


def staffing_problems(session: Session, cycle: Cycle) -> list[Any]:
    """Regions without enough (unconflicted) assessors or without a lead."""
    minimum = int(settings()["min_assessors"])
    rows = session.execute(
        select(Participant.region_name, Assignment.status, Assignment.is_lead)
        .outerjoin(Assignment, Assignment.participant_id == Participant.id)
        .where(Participant.cycle_id == cycle.id)
    ).all()
    staff: dict[str, list[tuple[str | None, bool | None]]] = {}
    for name, status, is_lead in rows:
        staff.setdefault(name, [])
        if status is not None:
            staff[name].append((status, is_lead))
    problems = []
    for name, items in sorted(staff.items()):
        active = [s for s in items if s[0] in ACTIVE]
        if len(active) < minimum:
            problems.append(_l("%(region)s has %(n)s of the %(min)s assessors needed.",
                               region=name, n=len(active), min=minimum))
        elif not any(lead for _s, lead in active):
            problems.append(_l("%(region)s has no lead assessor.", region=name))
    return problems


def _assignment(session: Session, assignment_id: int) -> Assignment:
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound(_l("The assignment was not found."))
    return assignment


def my_assignment(session: Session, actor: Principal | None, assignment_id: int) -> Assignment:
    """An assignment seen by its assessor (or an admin)."""
    assignment = _assignment(session, assignment_id)
    if actor is None or not (actor.is_admin or actor.user_id == assignment.assessor_id):
        raise NotFound(_l("The assignment was not found."))
    return assignment


def assignments_stmt(actor: Principal):
    """The statement of the actor's assignments with their region and cycle, newest cycle
    first (one statement, for pagination)."""
    return (select(Assignment, Participant, Cycle)
            .join(Participant, Participant.id == Assignment.participant_id)
            .join(Cycle, Cycle.id == Assignment.cycle_id)
            .where(Assignment.assessor_id == actor.user_id)
            .order_by(Cycle.year.desc(), Participant.region_name, Assignment.id))


def assignments_for(session: Session, actor: Principal) -> list[tuple[Assignment, Participant,
                                                                      Cycle]]:
    """The actor's assignments with their region and cycle, newest cycle first."""
    return [tuple(r) for r in session.execute(assignments_stmt(actor)).all()]  # type: ignore


def declare(session: Session, actor: Principal | None, assignment_id: int, *,
            conflict: bool, statement: str = "") -> Assignment:
    """The assessor declares whether they have a conflict of interest with the region.

    Declaring none is refused when their own memberships show one."""
    assignment = my_assignment(session, actor, assignment_id)
    if actor.user_id != assignment.assessor_id:
        raise PermissionDenied(_l("Only the assigned assessor can make this declaration."))
    if assignment.status not in ("assigned", "declared"):
        raise Conflict(_l("The declaration has already been settled."))
    participant = session.get(Participant, assignment.participant_id)
    if not conflict:
        reason = conflict_reason(session, participant.region_code, actor.user_id, actor)
        if reason is not None:
            assignment.status = "conflict"
            assignment.coi_statement = str(reason)
            assignment.declared_at = utcnow()
            session.flush()
            raise ValidationFailed(_l("Conflict of interest."), errors={"conflict": [reason]})
    assignment.status = "conflict" if conflict else "declared"
    assignment.coi_statement = statement[:5000]
    assignment.declared_at = utcnow()
    if conflict:
        assignment.is_lead = False
    session.flush()
    return assignment


def _scoring_assignment(session: Session, actor: Principal | None,
                        assignment_id: int) -> tuple[Assignment, Cycle]:
    assignment = my_assignment(session, actor, assignment_id)
    if actor.user_id != assignment.assessor_id:
        raise PermissionDenied(_l("Only the assigned assessor can score."))
    if assignment.status == "assigned":
        raise Conflict(_l("Declare your conflict of interest first."))
    if assignment.status == "conflict":
        raise PermissionDenied(_l("You declared a conflict of interest with this region."))
    if assignment.status == "submitted":
        raise Conflict(_l("Your scores are submitted and can no longer change."))
    cycle = session.get(Cycle, assignment.cycle_id)
    if cycle.status != "assessment":
        raise Conflict(_l("Scoring is open only during the assessment phase."))
    return assignment, cycle


def save_scores(session: Session, actor: Principal | None, assignment_id: int,
                data: dict[str, Any], *, expected_version: int | None) -> Assignment:
    """Upsert the assessor's scores (on the cycle's scale, two decimals) and notes."""
    assignment, cycle = _scoring_assignment(session, actor, assignment_id)
    scale = scale_of(cycle)
    known = {i.id for i in indicators(session, cycle)}
    parsed: dict[int, tuple[int, str]] = {}
    errors: dict[str, list[Any]] = {}
    for n, item in enumerate(data.get("scores") or []):
        field = f"scores.{n}.score"
        if item["indicator_id"] not in known:
            errors[f"scores.{n}.indicator_id"] = [_l("Not an indicator of this cycle.")]
            continue
        try:
            value = parse_decimal(item["score"], field)
        except ValidationFailed as error:
            errors.update(error.errors)
            continue
        if not scale.minimum <= value <= scale.maximum:
            errors[field] = [_l("Scores go from %(min)s to %(max)s.", min=cycle.scale_min,
                                max=cycle.scale_max)]
            continue
        parsed[item["indicator_id"]] = (to_centi(value), str(item.get("note") or "")[:5000])
    if errors:
        raise ValidationFailed(errors=errors)
    bump_version(session, Assignment, assignment, expected_version)
    existing = {s.indicator_id: s for s in session.scalars(
        select(Score).where(Score.assignment_id == assignment.id))}
    for indicator_id, (centi, note) in parsed.items():
        row = existing.get(indicator_id)
        if row is None:
            session.add(Score(assignment_id=assignment.id, indicator_id=indicator_id,
                              score_centi=centi, note=note))
        else:
            row.score_centi, row.note = centi, note
    for key in ("notes", "interview_notes"):
        if key in data:
            setattr(assignment, key, str(data[key] or "")[:20000])
    session.flush()
    return assignment


def submit_scores(session: Session, actor: Principal | None, assignment_id: int, *,
                  expected_version: int | None) -> Assignment:
    """Submit: every indicator must be scored. Others' scores become visible afterwards."""
    assignment, cycle = _scoring_assignment(session, actor, assignment_id)
    scored = set(session.scalars(select(Score.indicator_id).where(
        Score.assignment_id == assignment.id)))
    missing = [i.code for i in indicators(session, cycle) if i.id not in scored]
    if missing:
        raise ValidationFailed(_l("Score every indicator before submitting."), errors={
            "scores": [_l("%(n)s indicators have no score yet.", n=len(missing))]})
    bump_version(session, Assignment, assignment, expected_version)
    assignment.status = "submitted"
    assignment.submitted_at = utcnow()
    session.flush()
    return assignment


def scores_of(session: Session, assignment: Assignment) -> dict[int, Score]:
    return {s.indicator_id: s for s in session.scalars(
        select(Score).where(Score.assignment_id == assignment.id))}


# ---------------------------------------------------------------- blind view and reconciliation


def can_see_all_scores(actor: Principal | None, own: Assignment | None) -> bool:
    return actor is not None and (actor.is_admin or (own is not None
                                                     and own.status == "submitted"))


def reconciliation(session: Session, actor: Principal | None, year: int,
                   region_code: str) -> dict[str, Any]:
    """Every indicator with the submitted assessors' scores, the gap, whether it is flagged,
    and the final score. Blind: an assessor sees it only after submitting their own scores."""
    cycle = get_cycle(session, year)
    participant = get_participant(session, cycle, region_code)
    team = assignments_of(session, participant)
    own = next((a for a in team if actor and a.assessor_id == actor.user_id), None)
    if actor is None or not (actor.is_admin or own is not None):
        raise PermissionDenied(_l("Only the region's assessors and administrators can see "
                                  "the assessment."))
    if not can_see_all_scores(actor, own):
        raise PermissionDenied(_l("Other assessors' scores stay hidden until you submit "
                                  "yours."))
    submitted = [a for a in team if a.status == "submitted"]
    ids = [a.id for a in submitted]
    by_indicator: dict[int, dict[int, Score]] = {}
    for score in session.scalars(select(Score).where(Score.assignment_id.in_(ids))):
        by_indicator.setdefault(score.indicator_id, {})[score.assignment_id] = score
    finals = {f.indicator_id: f for f in session.scalars(
        select(FinalScore).where(FinalScore.participant_id == participant.id))}
    threshold = Decimal(cycle.gap_threshold_centi) / 100
    pending = [a for a in team if a.status in ("assigned", "declared")]
    rows = []
    for indicator in indicators(session, cycle):
        scores = by_indicator.get(indicator.id, {})
        values = [from_centi(s.score_centi) for s in scores.values()]
        spread = scoring.gap(values)
        final = finals.get(indicator.id)
        rows.append({
            "indicator_id": indicator.id, "code": indicator.code, "name": indicator.name,
            "component": indicator.component, "dimension": indicator.dimension,
            "scores": [{"assignment_id": a.id, "assessor_name": a.assessor_name,
                        "score": from_centi(scores[a.id].score_centi) if a.id in scores
                        else None, "note": scores[a.id].note if a.id in scores else ""}
                       for a in submitted],
            "mean": scoring.round2(scoring.mean(values)) if values else None,
            "gap": spread,
            "flagged": spread > threshold,
            "final": from_centi(final.score_centi) if final else None,
            "final_reason": final.reason if final else "",
        })
    lead = next((a for a in team if a.is_lead and a.status != "conflict"), None)
    return {
        "cycle": cycle, "participant": participant, "region_code": region_code,
        "version": participant.version, "threshold": threshold,
        "assessors": [{"assignment_id": a.id, "assessor_name": a.assessor_name,
                       "is_lead": a.is_lead, "status": a.status,
                       "notes": a.notes if a.status == "submitted" else "",
                       "interview_notes": a.interview_notes if a.status == "submitted" else ""}
                      for a in team],
        "all_submitted": not pending and len(submitted) >= int(settings()["min_assessors"]),
        "lead_assignment_id": lead.id if lead else None,
        "can_reconcile": _may_reconcile(actor, lead),
        "indicators": rows,
        "flagged": sum(1 for r in rows if r["flagged"] and r["final"] is None),
    }


def _may_reconcile(actor: Principal | None, lead: Assignment | None) -> bool:
    if actor is None:
        return False
    if actor.is_admin:
        return True
    return lead is not None and lead.assessor_id == actor.user_id and lead.status == "submitted"


def set_final_scores(session: Session, actor: Principal | None, year: int, region_code: str,
                     items: list[dict[str, Any]], *, expected_version: int | None) -> Participant:
    """The lead assessor (or an admin) sets final scores, each with a reason."""
    cycle = get_cycle(session, year)
    participant = get_participant(session, cycle, region_code)
    team = assignments_of(session, participant)
    lead = next((a for a in team if a.is_lead and a.status != "conflict"), None)
    if not _may_reconcile(actor, lead):
        raise PermissionDenied(_l("Only the lead assessor, after submitting their own scores, "
                                  "sets final scores."))
    if cycle.status != "assessment" or participant.finalised_at is not None:
        raise Conflict(_l("Final scores can be set only during assessment, before the region "
                          "is finalised."))
    if any(a.status in ("assigned", "declared") for a in team):
        raise Conflict(_l("Wait until every assessor has submitted."))
    scale = scale_of(cycle)
    known = {i.id for i in indicators(session, cycle)}
    errors: dict[str, list[Any]] = {}
    parsed = []
    for n, item in enumerate(items):
        if item["indicator_id"] not in known:
            errors[f"finals.{n}.indicator_id"] = [_l("Not an indicator of this cycle.")]
            continue
        reason = str(item.get("reason") or "").strip()
        if not reason:
            errors[f"finals.{n}.reason"] = [_l("Give the reason for the final score.")]
        try:
            value = parse_decimal(item["score"], f"finals.{n}.score")
            scale.check(value)
        except ValidationFailed as error:
            errors.update(error.errors)
            continue
        except scoring.ScoringError:
            errors[f"finals.{n}.score"] = [_l("Scores go from %(min)s to %(max)s.",
                                              min=cycle.scale_min, max=cycle.scale_max)]
            continue
        parsed.append((item["indicator_id"], to_centi(value), reason[:5000]))
    if errors:
        raise ValidationFailed(errors=errors)
    bump_version(session, Participant, participant, expected_version)
    existing = {f.indicator_id: f for f in session.scalars(
        select(FinalScore).where(FinalScore.participant_id == participant.id))}
    for indicator_id, centi, reason in parsed:
        row = existing.get(indicator_id)
        if row is None:
            session.add(FinalScore(participant_id=participant.id, indicator_id=indicator_id,
                                   score_centi=centi, reason=reason, set_by=actor.user_id))
        else:
            row.score_centi, row.reason, row.set_by, row.set_at = (centi, reason,
                                                                   actor.user_id, utcnow())
    session.flush()
    return participant
