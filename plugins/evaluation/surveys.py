"""Citizen impact surveys: one survey per programme of a region, single-use invitation tokens
(stored as SHA-256 only), a public answer without login, and the survey minimum."""

from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
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
from plugins.evaluation.models import Cycle, Participant, Survey, SurveyResponse, SurveyToken
from plugins.evaluation.services import (
    get_participant,
    scale_of,
    settings,
    visible_clause,
    visible_cycle,
)

MAX_TOKENS_PER_REQUEST = 1000
OPEN_PHASES = ("self_assessment", "assessment")
QUESTION = _l("How much has this programme improved your daily life?")
RATING_LABELS = {
    1: _l("Not at all"), 2: _l("A little"), 3: _l("Somewhat"), 4: _l("Much"),
    5: _l("Very much"),
}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _manage(session: Session, actor: Principal | None, year: int,
            region_code: str) -> tuple[Cycle, Participant]:
    cycle = visible_cycle(session, actor, year)
    participant = get_participant(session, cycle, region_code)
    if actor is None or not (actor.is_admin or actor.is_officer(region_code)):
        raise PermissionDenied(_l("Only the region's officers and administrators manage its "
                                  "surveys."))
    return cycle, participant


def create_survey(session: Session, actor: Principal | None, year: int, region_code: str,
                  programme_id: int) -> Survey:
    """Start a survey on a programme of the region's approved master plan."""
    cycle, participant = _manage(session, actor, year, region_code)
    if cycle.status not in OPEN_PHASES:
        raise Conflict(_l("Surveys run during the self-assessment and assessment phases."))
    programme = next((prog for plan in directory.approved_plans(session, region_code)
                      for prog in plan.programmes if prog.id == programme_id), None)
    if programme is None:
        raise ValidationFailed(errors={"programme_id": [_l(
            "Not a programme of the region's approved master plan.")]})
    if session.scalar(select(Survey.id).where(Survey.participant_id == participant.id,
                                              Survey.programme_id == programme_id)):
        raise Conflict(_l("This programme already has a survey."))
    survey = Survey(participant_id=participant.id, programme_id=programme.id,
                    programme_title=programme.title[:200], dimension=programme.dimension)
    session.add(survey)
    session.flush()
    return survey


def _survey(session: Session, actor: Principal | None, survey_id: int) -> tuple[Survey, Cycle]:
    row = session.execute(
        select(Survey, Participant, Cycle)
        .join(Participant, Participant.id == Survey.participant_id)
        .join(Cycle, Cycle.id == Participant.cycle_id)
        .where(Survey.id == survey_id)
    ).first()
    if row is None:
        raise NotFound(_l("The survey was not found."))
    survey, participant, cycle = row
    if actor is None or not (actor.is_admin or actor.is_officer(participant.region_code)):
        raise NotFound(_l("The survey was not found."))
    return survey, cycle


def issue_tokens(session: Session, actor: Principal | None, survey_id: int,
                 count: int) -> list[str]:
    """Create ``count`` invitation tokens and return them; they are not shown again."""
    survey, cycle = _survey(session, actor, survey_id)
    if cycle.status not in OPEN_PHASES or survey.status != "open":
        raise Conflict(_l("The survey is closed."))
    if not 1 <= count <= MAX_TOKENS_PER_REQUEST:
        raise ValidationFailed(errors={"count": [_l("Between 1 and %(n)s invitations at a time.",
                                                    n=MAX_TOKENS_PER_REQUEST)]})
    tokens = [secrets.token_urlsafe(18) for _ in range(count)]
    session.add_all(SurveyToken(survey_id=survey.id, token_hash=token_hash(t)) for t in tokens)
    session.flush()
    return tokens


def surveys_of(session: Session, actor: Principal | None, year: int,
               region_code: str) -> list[dict[str, Any]]:
    """The region's surveys with invitation and response counts (one statement)."""
    cycle, participant = _manage(session, actor, year, region_code)
    return survey_counts(session, participant)


def _counts_stmt():
    """Surveys with their invitation count, answer count and rating total."""
    tokens = (select(SurveyToken.survey_id, func.count().label("n"))
              .group_by(SurveyToken.survey_id).subquery())
    answers = (select(SurveyResponse.survey_id, func.count().label("n"),
                      func.sum(SurveyResponse.rating).label("total"))
               .group_by(SurveyResponse.survey_id).subquery())
    return (select(Survey, tokens.c.n, answers.c.n, answers.c.total)
            .outerjoin(tokens, tokens.c.survey_id == Survey.id)
            .outerjoin(answers, answers.c.survey_id == Survey.id))


def count_row(row: Any) -> dict[str, Any]:
    """One row of :func:`_counts_stmt` as the survey summary the API and pages show."""
    s, n_tokens, n_answers, total = row
    return {"survey": s, "id": s.id, "programme_id": s.programme_id,
            "programme_title": s.programme_title, "dimension": s.dimension, "status": s.status,
            "invitations": int(n_tokens or 0), "responses": int(n_answers or 0),
            "rating_total": int(total or 0),
            "mean_rating": (scoring.round2(Decimal(int(total)) / int(n_answers))
                            if n_answers else None),
            "meets_minimum": int(n_answers or 0) >= int(settings()["survey_min_respondents"])}


def surveys_stmt(actor: Principal | None, year: int, region_code: str):
    """The statement listing a region's surveys with their counts (one statement, for
    pagination); the permission is checked here, the cycle's visibility in the statement."""
    if actor is None or not (actor.is_admin or actor.is_officer(region_code)):
        raise PermissionDenied(_l("Only the region's officers and administrators manage its "
                                  "surveys."))
    return (_counts_stmt().join(Participant, Participant.id == Survey.participant_id)
            .join(Cycle, Cycle.id == Participant.cycle_id)
            .where(Participant.region_code == region_code, *visible_clause(actor, year))
            .order_by(Survey.id))


def survey_counts(session: Session, participant: Participant) -> list[dict[str, Any]]:
    rows = session.execute(_counts_stmt().where(Survey.participant_id == participant.id)
                           .order_by(Survey.id)).all()
    return [count_row(row) for row in rows]


def survey_problem(session: Session, participant: Participant) -> Any | None:
    """Why the Impact component cannot be finalised yet (the survey minimum), or None."""
    config = settings()
    need_programmes = int(config["survey_min_programmes"])
    need_respondents = int(config["survey_min_respondents"])
    counts = survey_counts(session, participant)
    enough = sum(1 for c in counts if c["meets_minimum"])
    if enough >= need_programmes:
        return None
    return _l("Impact cannot be finalised for %(region)s: %(enough)s programme(s) have at least "
              "%(respondents)s survey respondents, and at least %(programmes)s are needed.",
              region=participant.region_name, enough=enough, respondents=need_respondents,
              programmes=need_programmes)


def impact_by_dimension(session: Session, participant: Participant,
                        cycle: Cycle) -> dict[str, Decimal]:
    """Per dimension, the mean citizen score (on the cycle's scale) of surveys that reached
    the minimum number of respondents."""
    scale = scale_of(cycle)
    scores: dict[str, list[Decimal]] = {}
    for c in survey_counts(session, participant):
        if c["meets_minimum"] and c["responses"]:
            rating = Decimal(c["rating_total"]) / c["responses"]
            scores.setdefault(c["dimension"], []).append(scoring.rating_on_scale(rating, scale))
    return {d: scoring.mean(v) for d, v in scores.items()}


# ---------------------------------------------------------------- the public side


def find_invitation(session: Session, token: str) -> tuple[SurveyToken, Survey, Participant,
                                                           Cycle]:
    """The invitation behind a token, or NotFound (an unknown token says nothing more)."""
    row = session.execute(
        select(SurveyToken, Survey, Participant, Cycle)
        .join(Survey, Survey.id == SurveyToken.survey_id)
        .join(Participant, Participant.id == Survey.participant_id)
        .join(Cycle, Cycle.id == Participant.cycle_id)
        .where(SurveyToken.token_hash == token_hash(token))
    ).first()
    if row is None:
        raise NotFound(_l("This invitation link is not valid. Check that you copied it whole."))
    return tuple(row)  # type: ignore[return-value]


def respond(session: Session, token: str, rating: int, comment: str = "") -> SurveyResponse:
    """Record one citizen's answer; each invitation answers once."""
    invitation, survey, _participant, cycle = find_invitation(session, token)
    if invitation.used_at is not None:
        raise Conflict(_l("This invitation has already been used. Thank you for taking part."))
    if cycle.status not in OPEN_PHASES or survey.status != "open":
        raise Conflict(_l("This survey is closed."))
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ValidationFailed(errors={"rating": [_l("Choose an answer from 1 to 5.")]})
    invitation.used_at = utcnow()
    response = SurveyResponse(survey_id=survey.id, token_id=invitation.id, rating=rating,
                              comment=str(comment or "")[:2000])
    session.add(response)
    try:
        session.flush()
    except IntegrityError:  # the same token answered at the same moment elsewhere
        raise Conflict(_l("This invitation has already been used. "
                          "Thank you for taking part.")) from None
    return response
