"""Evaluation services: cycles, indicators, participants and the regions' self-assessment.

Every rule lives here (the API, the pages, the CLI and the demo call these functions). Writes
happen in the caller's transaction, events go to the outbox through ``record_event``.
Assessment, surveys, results, evidence files and external indicators have their own modules.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import has_app_context
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from core.plugin import (
    Conflict,
    NotFound,
    PermissionDenied,
    Principal,
    StaleVersion,
    ValidationFailed,
    _l,
    directory,
    plugin_config,
    taxonomy,
    utcnow,
)
from plugins.evaluation import scoring
from plugins.evaluation.defaults import default_indicators
from plugins.evaluation.models import (
    Assignment,
    Cycle,
    EvidenceFile,
    Indicator,
    Participant,
    Realisation,
    SelfValue,
)

PHASES = ("self_assessment", "assessment", "survey")
MAX_LINKS = 10
#: Larger numbers are refused before any arithmetic (``1e999`` would overflow the context).
MAX_NUMBER = Decimal(10) ** 9
#: Plain decimal numbers in ASCII digits, with a point or a comma (``3``, ``3.5``, ``3,25``).
NUMBER_RE = re.compile(r"[+-]?[0-9]{1,12}(?:[.,][0-9]{1,12})?")
MAX_TITLE = 200
MAX_POSITION = 1_000_000
DEFAULTS: dict[str, Any] = {
    "gap_threshold": "1.0",
    "min_assessors": 2,
    "survey_min_programmes": 6,
    "survey_min_respondents": 50,
    "evidence_max_bytes": 750_000,
    "survey_rate_limit": "60 per minute",
}


def settings() -> dict[str, Any]:
    """The plugin's configuration with defaults (usable outside an app context too)."""
    values = dict(DEFAULTS)
    if has_app_context():
        values.update({k: v for k, v in plugin_config("evaluation").items() if v is not None})
    return values


# ---------------------------------------------------------------- helpers


def require_admin(actor: Principal | None) -> Principal:
    if actor is None or not actor.is_admin:
        raise PermissionDenied(_l("Only platform administrators can do this."))
    return actor


def to_centi(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def from_centi(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value) / 100


def parse_decimal(raw: Any, field: str) -> Decimal:
    """A score with at most two decimals (``3``, ``3.5``, ``"3,25"``)."""
    text = str(raw).strip()
    if isinstance(raw, bool) or not NUMBER_RE.fullmatch(text):
        raise ValidationFailed(errors={field: [_l("Enter a number.")]})
    try:
        value = Decimal(text.replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(errors={field: [_l("Enter a number.")]}) from None
    if not value.is_finite() or abs(value) > MAX_NUMBER:
        raise ValidationFailed(errors={field: [_l("Enter a number.")]})
    if value != value.quantize(scoring.CENT):
        raise ValidationFailed(errors={field: [_l("Use at most two decimals.")]})
    return value


def bump_version(session: Session, model: Any, obj: Any, expected: int | None) -> None:
    """Compare-and-set the row's version: two writers with the same ``expected`` cannot both
    win (the second waits for the first's lock, then finds the version changed)."""
    stmt = update(model).where(model.id == obj.id)
    if expected is not None:
        stmt = stmt.where(model.version == expected)
    result = session.execute(stmt.values(version=model.version + 1))
    if result.rowcount != 1:
        raise StaleVersion()
    session.expire(obj, ["version"])


def scale_of(cycle: Cycle) -> scoring.Scale:
    return scoring.Scale.of(cycle.scale_min, cycle.scale_max)


# ---------------------------------------------------------------- cycles


def get_cycle(session: Session, year: int) -> Cycle:
    cycle = session.scalar(select(Cycle).where(Cycle.year == year))
    if cycle is None:
        raise NotFound(_l("There is no evaluation cycle for %(year)s.", year=year))
    return cycle


def visible_cycle(session: Session, actor: Principal | None, year: int) -> Cycle:
    """A cycle as the actor may see it: drafts only for admins."""
    cycle = get_cycle(session, year)
    if cycle.status == "draft" and not (actor and actor.is_admin):
        raise NotFound(_l("There is no evaluation cycle for %(year)s.", year=year))
    return cycle


def visible_clause(actor: Principal | None, year: int) -> list[Any]:
    """SQL conditions selecting the cycle of ``year`` if the actor may see it (list
    statements join it, so a page needs no separate look-up of the cycle)."""
    conditions: list[Any] = [Cycle.year == year]
    if not (actor and actor.is_admin):
        conditions.append(Cycle.status != "draft")
    return conditions


def indicators_stmt(actor: Principal | None, year: int, *, descending: bool = False):
    """The statement listing a visible cycle's indicators in their order (for pagination)."""
    order = (Indicator.position.desc(), Indicator.id.desc()) if descending \
        else (Indicator.position, Indicator.id)
    return (select(Indicator).join(Cycle, Cycle.id == Indicator.cycle_id)
            .where(*visible_clause(actor, year)).order_by(*order))


def participants_stmt(actor: Principal | None, year: int, *, descending: bool = False):
    """The statement listing a visible cycle's participants by name (for pagination)."""
    order = (Participant.region_name.desc(), Participant.region_code.desc()) if descending \
        else (Participant.region_name, Participant.region_code)
    return (select(Participant).join(Cycle, Cycle.id == Participant.cycle_id)
            .where(*visible_clause(actor, year)).order_by(*order))


def cycles_stmt(actor: Principal | None, *, descending: bool = True):
    """The statement listing the cycles the actor may see with their number of participants
    (one statement, for pagination)."""
    counts = (select(Participant.cycle_id, func.count().label("n"))
              .group_by(Participant.cycle_id).subquery())
    stmt = select(Cycle, counts.c.n).outerjoin(counts, counts.c.cycle_id == Cycle.id)
    if not (actor and actor.is_admin):
        stmt = stmt.where(Cycle.status != "draft")
    return stmt.order_by(Cycle.year.desc() if descending else Cycle.year)


def list_cycles(session: Session, actor: Principal | None) -> list[Cycle]:
    stmt = select(Cycle).order_by(Cycle.year.desc())
    if not (actor and actor.is_admin):
        stmt = stmt.where(Cycle.status != "draft")
    return list(session.scalars(stmt))


def _check_cycle_fields(data: dict[str, Any], cycle: Cycle | None = None) -> dict[str, Any]:
    """Validate the rules of a cycle; return the normalised values to store."""
    errors: dict[str, list[Any]] = {}
    out: dict[str, Any] = {}
    if "title" in data:
        title = str(data["title"] or "").strip()
        if not title:
            errors.setdefault("title", []).append(_l("Enter a title."))
        elif len(title) > MAX_TITLE:
            errors.setdefault("title", []).append(_l("At most %(n)s characters.", n=MAX_TITLE))
        out["title"] = title
    scale_min = data.get("scale_min", cycle.scale_min if cycle else 0)
    scale_max = data.get("scale_max", cycle.scale_max if cycle else 5)
    if scale_min >= scale_max:
        errors.setdefault("scale_max", []).append(
            _l("The scale's maximum must be above its minimum."))
    out["scale_min"], out["scale_max"] = scale_min, scale_max
    if "weights" in data or cycle is None:
        weights = data.get("weights") or dict(scoring.DEFAULT_WEIGHTS)
        try:
            out["weights"] = scoring.check_weights(weights)
        except scoring.ScoringError:
            total = sum(v for v in weights.values() if isinstance(v, int)) if isinstance(
                weights, dict) else 0
            errors.setdefault("weights", []).append(_l(
                "Give every component (baseline, output, outcome, impact, quick win) a whole "
                "percentage; together they must make exactly 100 %% (now %(total)s %%).",
                total=total))
    if "gap_threshold" in data or cycle is None:
        raw = data.get("gap_threshold", settings()["gap_threshold"])
        try:
            threshold = parse_decimal(raw, "gap_threshold")
            if not Decimal(0) < threshold <= Decimal(scale_max - scale_min):
                raise ValidationFailed(errors={"gap_threshold": [_l(
                    "The gap threshold must be above 0 and within the scale.")]})
            out["gap_threshold_centi"] = to_centi(threshold)
        except ValidationFailed as error:
            errors.update(error.errors)
    if "deadlines" in data:
        deadlines = {}
        for phase, value in (data.get("deadlines") or {}).items():
            if phase not in PHASES:
                errors.setdefault("deadlines", []).append(_l("Unknown phase: %(phase)s",
                                                             phase=phase))
                continue
            if value in (None, ""):
                continue
            try:
                deadlines[phase] = (value if isinstance(value, dt.date)
                                    else dt.date.fromisoformat(str(value))).isoformat()
            except ValueError:
                errors.setdefault("deadlines", []).append(_l("Dates look like 2024-08-31."))
        out["deadlines"] = deadlines
    if errors:
        raise ValidationFailed(errors=errors)
    return out


def _eligible_regions(session: Session, year: int, codes: list[str] | None,
                      cohorts: list[int] | None) -> list[directory.RegionInfo]:
    """Participating regions that joined by ``year`` (optionally given codes or cohorts)."""
    regions = directory.list_regions(session, codes=codes, participating=True)
    found = [r for r in regions if r.cohort_year is not None and r.cohort_year <= year]
    if cohorts:
        found = [r for r in found if r.cohort_year in cohorts]
    if codes is not None:
        missing = sorted(set(codes) - {r.code for r in found})
        if missing:
            raise ValidationFailed(errors={"region_codes": [_l(
                "These regions had not joined the movement by %(year)s: %(codes)s",
                year=year, codes=", ".join(missing))]})
    return found


def create_cycle(session: Session, actor: Principal | None, data: dict[str, Any],
                 *, is_demo: bool = False) -> Cycle:
    """A draft cycle for a year, with the default indicator set unless ``indicators`` given."""
    require_admin(actor)
    year = int(data["year"])
    if session.scalar(select(Cycle.id).where(Cycle.year == year)) is not None:
        raise Conflict(_l("There is already an evaluation cycle for %(year)s.", year=year))
    fields = _check_cycle_fields({"title": data.get("title") or f"Evaluasi Smart City {year}",
                                  **{k: v for k, v in data.items()
                                     if k in ("scale_min", "scale_max", "weights",
                                              "gap_threshold", "deadlines")}})
    regions = _eligible_regions(session, year, data.get("region_codes"), data.get("cohorts"))
    fields.setdefault("deadlines", {})
    cycle = Cycle(year=year, status="draft", is_demo=is_demo, **fields)
    session.add(cycle)
    session.flush()
    for item in data.get("indicators") or default_indicators():
        session.add(Indicator(cycle_id=cycle.id, **_check_indicator(item)))
    for region in regions:
        session.add(Participant(cycle_id=cycle.id, region_code=region.code,
                                region_name=region.name, cohort_year=region.cohort_year))
    session.flush()
    return cycle


def update_cycle(session: Session, actor: Principal | None, year: int, data: dict[str, Any],
                 *, expected_version: int | None) -> Cycle:
    """Change a draft cycle's rules or participants."""
    require_admin(actor)
    cycle = get_cycle(session, year)
    if cycle.status != "draft":
        raise Conflict(_l("Only a draft cycle's rules can change."))
    bump_version(session, Cycle, cycle, expected_version)
    for key, value in _check_cycle_fields(data, cycle).items():
        setattr(cycle, key, value)
    if data.get("region_codes") is not None:
        wanted = {r.code: r for r in _eligible_regions(session, year, data["region_codes"], None)}
        current = {p.region_code: p for p in session.scalars(
            select(Participant).where(Participant.cycle_id == cycle.id))}
        for code, participant in current.items():
            if code not in wanted:
                session.delete(participant)
        for code, region in wanted.items():
            if code not in current:
                session.add(Participant(cycle_id=cycle.id, region_code=code,
                                        region_name=region.name, cohort_year=region.cohort_year))
    cycle.updated_at = utcnow()
    session.flush()
    return cycle


def _transition(session: Session, actor: Principal | None, year: int, expected: str,
                target: str, expected_version: int | None) -> Cycle:
    require_admin(actor)
    cycle = get_cycle(session, year)
    if cycle.status != expected:
        raise Conflict(_l("The cycle is in phase '%(status)s'; this step needs '%(expected)s'.",
                          status=STATUS_LABELS.get(cycle.status, cycle.status),
                          expected=STATUS_LABELS.get(expected, expected)))
    bump_version(session, Cycle, cycle, expected_version)
    cycle.status = target
    cycle.updated_at = utcnow()
    return cycle


def open_cycle(session: Session, actor: Principal | None, year: int,
               expected_version: int | None = None) -> Cycle:
    """Draft → self-assessment: regions fill in their self-assessment; surveys start."""
    cycle = get_cycle(session, year)
    problems = indicator_problems(session, cycle)
    if problems:
        raise ValidationFailed(_l("The indicator set is incomplete."),
                               errors={"indicators": problems})
    if not participants(session, cycle):
        raise ValidationFailed(errors={"region_codes": [_l("Add participating regions.")]})
    cycle = _transition(session, actor, year, "draft", "self_assessment", expected_version)
    cycle.opened_at = utcnow()
    return cycle


def start_assessment(session: Session, actor: Principal | None, year: int,
                     expected_version: int | None = None) -> Cycle:
    """Self-assessment → assessment: every region needs its assessors and a lead."""
    from plugins.evaluation.assessment import staffing_problems

    cycle = get_cycle(session, year)
    problems = staffing_problems(session, cycle)
    if problems:
        raise ValidationFailed(_l("Some regions do not have enough assessors yet."),
                               errors={"assignments": problems})
    return _transition(session, actor, year, "self_assessment", "assessment", expected_version)


def participants(session: Session, cycle: Cycle) -> list[Participant]:
    return list(session.scalars(select(Participant).where(Participant.cycle_id == cycle.id)
                                .order_by(Participant.region_name, Participant.region_code)))


def get_participant(session: Session, cycle: Cycle, region_code: str) -> Participant:
    participant = session.scalar(select(Participant).where(
        Participant.cycle_id == cycle.id, Participant.region_code == region_code))
    if participant is None:
        raise NotFound(_l("This region does not take part in the %(year)s cycle.",
                          year=cycle.year))
    return participant


def participant_summaries(session: Session, cycle: Cycle) -> list[dict[str, Any]]:
    """Each participant with its assessors (two statements whatever the number of regions)."""
    people = participants(session, cycle)
    assignments: dict[int, list[Assignment]] = {}
    for a in session.scalars(select(Assignment).where(Assignment.cycle_id == cycle.id)
                             .order_by(Assignment.id)):
        assignments.setdefault(a.participant_id, []).append(a)
    return [{"participant": p, "assignments": assignments.get(p.id, [])} for p in people]


# ---------------------------------------------------------------- indicators


def _check_indicator(item: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[Any]] = {}
    component = item.get("component")
    dimension = item.get("dimension")
    sub = item.get("sub_dimension") or None
    if component not in scoring.COMPONENTS:
        errors["component"] = [_l("Choose one of the five components.")]
    if dimension not in taxonomy.DIMENSIONS:
        errors["dimension"] = [_l("Choose one of the six dimensions.")]
    elif sub is not None and taxonomy.SUB_DIMENSIONS.get(sub) != dimension:
        errors["sub_dimension"] = [_l("This sub-dimension belongs to another dimension.")]
    name = str(item.get("name") or "").strip()
    if not name:
        errors["name"] = [_l("Enter the indicator's name.")]
    elif len(name) > 300:
        errors["name"] = [_l("At most %(n)s characters.", n=300)]
    code = str(item.get("code") or "").strip()
    if not code:
        errors["code"] = [_l("Enter a short code.")]
    elif len(code) > 40:
        errors["code"] = [_l("At most %(n)s characters.", n=40)]
    position = item.get("position") or 0
    if isinstance(position, bool) or not isinstance(position, int) \
            or not 0 <= position <= MAX_POSITION:
        errors["position"] = [_l("Enter a whole number from 0 to %(n)s.", n=MAX_POSITION)]
    if errors:
        raise ValidationFailed(errors=errors)
    return {"code": code, "component": component, "dimension": dimension,
            "sub_dimension": sub, "name": name,
            "description": str(item.get("description") or "")[:5000],
            "position": position}


def indicators(session: Session, cycle: Cycle) -> list[Indicator]:
    return list(session.scalars(select(Indicator).where(Indicator.cycle_id == cycle.id)
                                .order_by(Indicator.position, Indicator.id)))


def indicator_problems(session: Session, cycle: Cycle) -> list[Any]:
    """Every dimension needs at least one indicator in each component."""
    present = set(session.execute(select(Indicator.dimension, Indicator.component)
                                  .where(Indicator.cycle_id == cycle.id)).all())
    return [
        _l("%(dimension)s has no %(component)s indicator.",
           dimension=taxonomy.DIMENSION_LABELS[d], component=component_label(c))
        for d in taxonomy.DIMENSIONS for c in scoring.COMPONENTS if (d, c) not in present
    ]


def add_indicator(session: Session, actor: Principal | None, year: int,
                  item: dict[str, Any]) -> Indicator:
    require_admin(actor)
    cycle = get_cycle(session, year)
    if cycle.status != "draft":
        raise Conflict(_l("Indicators can change only while the cycle is a draft."))
    values = _check_indicator(item)
    if session.scalar(select(Indicator.id).where(Indicator.cycle_id == cycle.id,
                                                 Indicator.code == values["code"])):
        raise ValidationFailed(errors={"code": [_l("Another indicator has this code.")]})
    if not item.get("position"):
        values["position"] = (session.scalar(select(func.max(Indicator.position)).where(
            Indicator.cycle_id == cycle.id)) or 0) + 1
    indicator = Indicator(cycle_id=cycle.id, **values)
    session.add(indicator)
    session.flush()
    return indicator


def _draft_indicator(session: Session, actor: Principal | None, indicator_id: int) -> Indicator:
    require_admin(actor)
    indicator = session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFound(_l("The indicator was not found."))
    cycle = session.get(Cycle, indicator.cycle_id)
    if cycle.status != "draft":
        raise Conflict(_l("Indicators can change only while the cycle is a draft."))
    return indicator


def update_indicator(session: Session, actor: Principal | None, indicator_id: int,
                     item: dict[str, Any]) -> Indicator:
    indicator = _draft_indicator(session, actor, indicator_id)
    merged = {k: getattr(indicator, k) for k in ("code", "component", "dimension",
                                                  "sub_dimension", "name", "description",
                                                  "position")}
    merged.update(item)
    values = _check_indicator(merged)
    if values["code"] != indicator.code and session.scalar(select(Indicator.id).where(
            Indicator.cycle_id == indicator.cycle_id, Indicator.code == values["code"])):
        raise ValidationFailed(errors={"code": [_l("Another indicator has this code.")]})
    for key, value in values.items():
        setattr(indicator, key, value)
    session.flush()
    return indicator


def delete_indicator(session: Session, actor: Principal | None, indicator_id: int) -> None:
    session.delete(_draft_indicator(session, actor, indicator_id))
    session.flush()


COMPONENT_LABELS = {
    "baseline": _l("Baseline"), "output": _l("Output"), "outcome": _l("Outcome"),
    "impact": _l("Impact"), "quick_win": _l("Quick win"),
}
STATUS_LABELS = {
    "draft": _l("Draft"), "self_assessment": _l("Self-assessment"),
    "assessment": _l("Assessment"), "completed": _l("Completed"), "published": _l("Published"),
}
#: Deadlines are set per phase; the survey has one too.
PHASE_LABELS = {
    "self_assessment": _l("Self-assessment"), "assessment": _l("Assessment"),
    "survey": _l("Citizen survey"),
}
ASSIGNMENT_STATUS_LABELS = {
    "assigned": _l("Assigned, declaration pending"), "declared": _l("Scoring"),
    "conflict": _l("Conflict of interest"), "submitted": _l("Submitted"),
}


def component_label(code: str) -> Any:
    return COMPONENT_LABELS.get(code, code)


# ---------------------------------------------------------------- self-assessment


def can_view_region(actor: Principal | None, participant: Participant,
                    session: Session | None = None) -> bool:
    """Admins, the region's officers and its (unconflicted) assessors."""
    if actor is None:
        return False
    if actor.is_admin or actor.is_officer(participant.region_code):
        return True
    if actor.is_evaluator and session is not None:
        return session.scalar(select(Assignment.id).where(
            Assignment.participant_id == participant.id, Assignment.assessor_id == actor.user_id,
            Assignment.status.in_(("declared", "submitted")))) is not None
    return False


def region_for(session: Session, actor: Principal | None, year: int,
               region_code: str) -> tuple[Cycle, Participant]:
    """The cycle and participant, if the actor may look at this region's evaluation."""
    cycle = visible_cycle(session, actor, year)
    participant = get_participant(session, cycle, region_code)
    if not can_view_region(actor, participant, session):
        if actor is None:
            from core.plugin import AuthenticationRequired

            raise AuthenticationRequired()
        raise PermissionDenied(_l("Only the region's officers, its assessors and "
                                  "administrators can see this self-assessment."))
    return cycle, participant


def self_assessment(session: Session, actor: Principal | None, year: int,
                    region_code: str) -> dict[str, Any]:
    """The region's self-assessment: values, evidence, files and programme realisation."""
    cycle, participant = region_for(session, actor, year, region_code)
    values = {v.indicator_id: v for v in session.scalars(
        select(SelfValue).where(SelfValue.participant_id == participant.id))}
    files = list(session.scalars(select(EvidenceFile).where(
        EvidenceFile.participant_id == participant.id).order_by(EvidenceFile.id)))
    realised = {r.programme_id: r for r in session.scalars(
        select(Realisation).where(Realisation.participant_id == participant.id))}
    programmes = [
        {"programme_id": prog.id, "plan_id": plan.id, "title": prog.title,
         "dimension": prog.dimension, "quick_win": prog.quick_win,
         "percent": realised[prog.id].percent if prog.id in realised else None}
        for plan in directory.approved_plans(session, region_code)[:1]
        for prog in plan.programmes
    ]
    return {
        "cycle": cycle, "participant": participant, "region_code": region_code,
        "status": participant.self_status, "version": participant.version,
        "submitted_at": participant.self_submitted_at,
        "values": [
            {"indicator_id": i.id, "code": i.code, "name": i.name, "component": i.component,
             "dimension": i.dimension, "sub_dimension": i.sub_dimension,
             "value": values[i.id].value if i.id in values else "",
             "evidence": values[i.id].evidence if i.id in values else "",
             "links": list(values[i.id].links or []) if i.id in values else []}
            for i in indicators(session, cycle)
        ],
        "files": files,
        "programmes": programmes,
    }


def _editable_self(session: Session, actor: Principal | None, year: int,
                   region_code: str) -> tuple[Cycle, Participant]:
    cycle = visible_cycle(session, actor, year)
    participant = get_participant(session, cycle, region_code)
    if actor is None or not (actor.is_officer(region_code) or actor.is_admin):
        raise PermissionDenied(_l("Only the region's officers fill in its self-assessment."))
    if cycle.status != "self_assessment":
        raise Conflict(_l("The self-assessment is open only during the self-assessment phase."))
    if participant.self_status == "submitted":
        raise Conflict(_l("The self-assessment has been submitted and can no longer change."))
    return cycle, participant


def _check_link(link: str) -> bool:
    return link.startswith(("https://", "http://")) and " " not in link and len(link) <= 500


def save_self_assessment(session: Session, actor: Principal | None, year: int, region_code: str,
                         data: dict[str, Any], *, expected_version: int | None) -> Participant:
    """Upsert values/evidence per indicator and realisation % per programme."""
    cycle, participant = _editable_self(session, actor, year, region_code)
    known = {i.id for i in indicators(session, cycle)}
    programmes = {prog.id: (plan.id, prog) for plan in
                  directory.approved_plans(session, region_code)[:1] for prog in plan.programmes}
    errors: dict[str, list[Any]] = {}
    for n, item in enumerate(data.get("values") or []):
        if item["indicator_id"] not in known:
            errors[f"values.{n}.indicator_id"] = [_l("Not an indicator of this cycle.")]
        bad = [link for link in item.get("links") or [] if not _check_link(link)]
        if bad:
            errors[f"values.{n}.links"] = [_l("Links must start with https:// or http://.")]
        if len(item.get("links") or []) > MAX_LINKS:
            errors[f"values.{n}.links"] = [_l("At most %(n)s links.", n=MAX_LINKS)]
    for n, item in enumerate(data.get("realisations") or []):
        if item["programme_id"] not in programmes:
            errors[f"realisations.{n}.programme_id"] = [_l(
                "Not a programme of the region's approved master plan.")]
        if not 0 <= item["percent"] <= 100:
            errors[f"realisations.{n}.percent"] = [_l("Enter a percentage from 0 to 100.")]
    if errors:
        raise ValidationFailed(errors=errors)
    bump_version(session, Participant, participant, expected_version)
    existing = {v.indicator_id: v for v in session.scalars(
        select(SelfValue).where(SelfValue.participant_id == participant.id))}
    for item in data.get("values") or []:
        row = existing.get(item["indicator_id"])
        if row is None:
            row = SelfValue(participant_id=participant.id, indicator_id=item["indicator_id"])
            session.add(row)
            existing[item["indicator_id"]] = row
        row.value = item.get("value", row.value or "")
        row.evidence = item.get("evidence", row.evidence or "")
        row.links = list(item.get("links", row.links or []))
    realised = {r.programme_id: r for r in session.scalars(
        select(Realisation).where(Realisation.participant_id == participant.id))}
    for item in data.get("realisations") or []:
        plan_id, prog = programmes[item["programme_id"]]
        row = realised.get(prog.id)
        if row is None:
            row = Realisation(participant_id=participant.id, programme_id=prog.id)
            session.add(row)
            realised[prog.id] = row
        row.plan_id, row.title, row.dimension = plan_id, prog.title[:200], prog.dimension
        row.percent = item["percent"]
    session.flush()
    return participant


def submit_self_assessment(session: Session, actor: Principal | None, year: int,
                           region_code: str, *, expected_version: int | None) -> Participant:
    """Hand the self-assessment to the assessors: every indicator needs a value."""
    cycle, participant = _editable_self(session, actor, year, region_code)
    filled = set(session.scalars(select(SelfValue.indicator_id).where(
        SelfValue.participant_id == participant.id, SelfValue.value != "")))
    missing = [i.code for i in indicators(session, cycle) if i.id not in filled]
    if missing:
        raise ValidationFailed(_l("Fill in every indicator before submitting."), errors={
            "values": [_l("%(n)s indicators have no value yet: %(codes)s", n=len(missing),
                          codes=", ".join(missing[:10]) + ("…" if len(missing) > 10 else ""))]})
    bump_version(session, Participant, participant, expected_version)
    participant.self_status = "submitted"
    participant.self_submitted_at = utcnow()
    session.flush()
    return participant


def delete_participant_data(session: Session, participant: Participant) -> None:
    """Remove a participant's self-assessment rows (used when a draft cycle drops a region)."""
    session.execute(delete(SelfValue).where(SelfValue.participant_id == participant.id))
