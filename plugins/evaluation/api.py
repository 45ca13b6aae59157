"""The evaluation API under ``/api/v1/evaluation``: thin handlers over the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, request, send_file
from flask.views import MethodView
from flask_smorest import Blueprint

from core.plugin import (
    IF_MATCH,
    ValidationFailed,
    allow_anonymous,
    current_principal,
    db_session,
    etag,
    expected_version,
    page_body,
    page_options,
    paginate,
    rate_limit,
    require_principal,
)
from plugins.evaluation import assessment, evidence, external, results, services, surveys
from plugins.evaluation import schemas as s
from plugins.evaluation.models import Assignment, Cycle, Participant, Survey

blp = Blueprint("evaluation_api", __name__, url_prefix="/evaluation",
                description="Smart city evaluation: cycles, self-assessment, assessors, "
                            "citizen surveys, results")


def _cycle_tag(cycle: Cycle) -> dict[str, str]:
    return {"ETag": etag("evaluation-cycle", cycle.year, cycle.version)}


def _region_tag(year: int, participant: Participant) -> dict[str, str]:
    return {"ETag": etag("evaluation-region", f"{year}-{participant.region_code}",
                         participant.version)}


def _commit() -> None:
    db_session().commit()


def _page_of(stmt: Any, options: dict[str, Any], explain_empty: Callable[[], Any]) -> Any:
    """One page of ``stmt`` (which joins its cycle, so no separate look-up is needed); an
    empty page asks ``explain_empty`` to raise the reason (no such cycle, not visible …)."""
    page = paginate(db_session(), stmt, options["page"], options["per_page"])
    if not page.items:
        explain_empty()
    return page


# ---------------------------------------------------------------- cycles


@blp.route("/cycles")
class Cycles(MethodView):
    @blp.arguments(s.CycleListArgs(), location="query")
    @blp.response(200, s.CyclePage)
    def get(self, args: dict[str, Any]):
        """Evaluation cycles (drafts only for admins), newest first."""
        options = page_options(args, "-year")
        stmt = services.cycles_stmt(current_principal(), descending=options["descending"])
        page = paginate(db_session(), stmt, options["page"], options["per_page"])
        for cycle, n in page.items:
            cycle.participant_count = n or 0
        body = page_body(page)
        body["items"] = [cycle for cycle, _n in page.items]
        return body

    @blp.arguments(s.CycleCreateSchema)
    @blp.response(201, s.CycleSchema)
    def post(self, data: dict[str, Any]):
        """Create a draft cycle (admin): participants from the cohorts, default indicators."""
        cycle = services.create_cycle(db_session(), require_principal(), data)
        _commit()
        return cycle, 201, _cycle_tag(cycle)


def _transition(year: int, action):
    cycle = action(db_session(), require_principal(), year,
                   expected_version("evaluation-cycle", year, required=False))
    _commit()
    return cycle, 200, _cycle_tag(cycle)


@blp.route("/cycles/<int(max=9999):year>")
class CycleDetail(MethodView):
    @blp.response(200, s.CycleSchema)
    def get(self, year: int):
        """One cycle with its rules and phase."""
        cycle = services.visible_cycle(db_session(), current_principal(), year)
        return cycle, 200, _cycle_tag(cycle)

    @blp.doc(**IF_MATCH)
    @blp.arguments(s.CycleFieldsSchema)
    @blp.response(200, s.CycleSchema)
    def patch(self, data: dict[str, Any], year: int):
        """Change a draft cycle's rules or participants (admin, If-Match)."""
        services.require_admin(require_principal())
        services.visible_cycle(db_session(), require_principal(), year)  # 404 before 428/412
        version = expected_version("evaluation-cycle", year)
        cycle = services.update_cycle(db_session(), require_principal(), year, data,
                                      expected_version=version)
        _commit()
        return cycle, 200, _cycle_tag(cycle)


@blp.route("/cycles/<int(max=9999):year>/open")
class CycleOpen(MethodView):
    @blp.response(200, s.CycleSchema)
    def post(self, year: int):
        """Draft → self-assessment (admin)."""
        return _transition(year, services.open_cycle)


@blp.route("/cycles/<int(max=9999):year>/start-assessment")
class CycleAssess(MethodView):
    @blp.response(200, s.CycleSchema)
    def post(self, year: int):
        """Self-assessment → assessment; every region needs its assessors (admin)."""
        return _transition(year, services.start_assessment)


@blp.route("/cycles/<int(max=9999):year>/complete")
class CycleComplete(MethodView):
    @blp.response(200, s.CycleSchema)
    def post(self, year: int):
        """Assessment → completed: ranks, awards, sinergi.evaluation.completed (admin)."""
        return _transition(year, results.complete_cycle)


@blp.route("/cycles/<int(max=9999):year>/publish")
class CyclePublish(MethodView):
    @blp.response(200, s.CycleSchema)
    def post(self, year: int):
        """Completed → published: sinergi.evaluation.published (admin)."""
        return _transition(year, results.publish_cycle)


# ---------------------------------------------------------------- indicators


@blp.route("/cycles/<int(max=9999):year>/indicators")
class Indicators(MethodView):
    @blp.arguments(s.IndicatorArgs(), location="query")
    @blp.response(200, s.IndicatorPage)
    def get(self, args: dict[str, Any], year: int):
        """The cycle's indicators in their order (``per_page=100`` for the whole default set
        of 54)."""
        actor = current_principal()
        options = page_options(args, "position")
        stmt = services.indicators_stmt(actor, year, descending=options["descending"])
        return page_body(_page_of(stmt, options, lambda: services.visible_cycle(
            db_session(), actor, year)))

    @blp.arguments(s.IndicatorInSchema)
    @blp.response(201, s.IndicatorSchema)
    def post(self, data: dict[str, Any], year: int):
        """Add an indicator to a draft cycle (admin)."""
        indicator = services.add_indicator(db_session(), require_principal(), year, data)
        _commit()
        return indicator


@blp.route("/indicators/<int:indicator_id>")
class IndicatorDetail(MethodView):
    @blp.arguments(s.IndicatorPatchSchema)
    @blp.response(200, s.IndicatorSchema)
    def patch(self, data: dict[str, Any], indicator_id: int):
        """Edit an indicator of a draft cycle (admin)."""
        indicator = services.update_indicator(db_session(), require_principal(), indicator_id,
                                              data)
        _commit()
        return indicator

    @blp.response(204)
    def delete(self, indicator_id: int):
        """Remove an indicator from a draft cycle (admin)."""
        services.delete_indicator(db_session(), require_principal(), indicator_id)
        _commit()


# ---------------------------------------------------------------- participants, self-assessment


@blp.route("/cycles/<int(max=9999):year>/regions")
class Regions(MethodView):
    @blp.arguments(s.RegionArgs(), location="query")
    @blp.response(200, s.ParticipantPage)
    def get(self, args: dict[str, Any], year: int):
        """The participating regions and their progress, by name."""
        actor = current_principal()
        options = page_options(args, "name")
        stmt = services.participants_stmt(actor, year, descending=options["descending"])
        return page_body(_page_of(stmt, options, lambda: services.visible_cycle(
            db_session(), actor, year)))


@blp.route("/cycles/<int(max=9999):year>/regions/<code>/self-assessment")
class SelfAssessment(MethodView):
    @blp.response(200, s.SelfAssessmentSchema)
    def get(self, year: int, code: str):
        """The region's self-assessment (officers, its assessors, admins)."""
        data = services.self_assessment(db_session(), current_principal(), year, code)
        return data, 200, _region_tag(year, data["participant"])

    @blp.doc(**IF_MATCH)
    @blp.arguments(s.SelfAssessmentInSchema)
    @blp.response(200, s.SelfAssessmentSchema)
    def put(self, data: dict[str, Any], year: int, code: str):
        """Save values, evidence and programme realisation (officers, If-Match)."""
        db = db_session()
        actor = require_principal()
        services._editable_self(db, actor, year, code)
        version = expected_version("evaluation-region", f"{year}-{code}")
        services.save_self_assessment(db, actor, year, code, data, expected_version=version)
        _commit()
        result = services.self_assessment(db, actor, year, code)
        return result, 200, _region_tag(year, result["participant"])


@blp.route("/cycles/<int(max=9999):year>/regions/<code>/self-assessment/submit")
class SelfAssessmentSubmit(MethodView):
    @blp.response(200, s.SelfAssessmentSchema)
    def post(self, year: int, code: str):
        """Submit the self-assessment to the assessors (officers)."""
        db = db_session()
        actor = require_principal()
        services.submit_self_assessment(
            db, actor, year, code,
            expected_version=expected_version("evaluation-region", f"{year}-{code}",
                                              required=False))
        _commit()
        result = services.self_assessment(db, actor, year, code)
        return result, 200, _region_tag(year, result["participant"])


@blp.route("/cycles/<int(max=9999):year>/regions/<code>/evidence")
class Evidence(MethodView):
    @blp.arguments(s.EvidenceUploadSchema)
    @blp.response(201, s.EvidenceFileSchema)
    def post(self, data: dict[str, Any], year: int, code: str):
        """Upload an evidence file as base64 (the type is detected from the bytes)."""
        row = evidence.add_file(db_session(), require_principal(), year, code,
                                data["filename"], data["content_base64"],
                                data.get("indicator_id"))
        _commit()
        return row


@blp.route("/cycles/<int(max=9999):year>/regions/<code>/evidence/<int:file_id>")
class EvidenceDownload(MethodView):
    @blp.response(200)
    def get(self, year: int, code: str, file_id: int):
        """Download an evidence file."""
        row, path = evidence.read_file(db_session(), current_principal(), year, code, file_id)
        return send_file(path, mimetype=row.content_type, as_attachment=True,
                         download_name=row.filename)


# ---------------------------------------------------------------- assessors


def _assignment_body(assignment, with_scores: bool = True, participant: Participant | None = None,
                     cycle: Cycle | None = None) -> dict[str, Any]:
    db = db_session()
    participant = participant or db.get(Participant, assignment.participant_id)
    cycle = cycle or db.get(Cycle, assignment.cycle_id)
    body = {c: getattr(assignment, c) for c in (
        "id", "assessor_id", "assessor_name", "is_lead", "status", "coi_statement",
        "declared_at", "submitted_at", "notes", "interview_notes", "version")}
    body.update(cycle_year=cycle.year, region_code=participant.region_code,
                region_name=participant.region_name)
    if with_scores:
        body["scores"] = [
            {"indicator_id": i, "score": services.from_centi(sc.score_centi), "note": sc.note}
            for i, sc in sorted(assessment.scores_of(db, assignment).items())]
    return body


def _assignment_response(assignment, status: int = 200):
    return _assignment_body(assignment), status, {
        "ETag": etag("evaluation-assignment", assignment.id, assignment.version)}


@blp.route("/cycles/<int(max=9999):year>/assignments")
class Assignments(MethodView):
    @blp.arguments(s.AssignmentInSchema)
    @blp.response(201, s.AssignmentSchema)
    def post(self, data: dict[str, Any], year: int):
        """Assign an evaluator to a region (admin); conflicts of interest are refused."""
        assignment = assessment.assign(db_session(), require_principal(), year,
                                       data["region_code"], data["assessor_id"],
                                       lead=data["lead"])
        _commit()
        return _assignment_response(assignment, 201)


@blp.route("/assignments")
class MyAssignments(MethodView):
    @blp.arguments(s.AssignmentArgs(), location="query")
    @blp.response(200, s.AssignmentPage)
    def get(self, args: dict[str, Any]):
        """Your assignments as an assessor, newest cycle first (without scores)."""
        options = page_options(args, "-year")
        stmt = assessment.assignments_stmt(require_principal())
        if not options["descending"]:
            stmt = stmt.order_by(None).order_by(Cycle.year, Participant.region_name,
                                                Assignment.id)
        page = paginate(db_session(), stmt, options["page"], options["per_page"])
        body = page_body(page)
        body["items"] = [_assignment_body(a, with_scores=False, participant=p, cycle=c)
                         for a, p, c in page.items]
        return body


@blp.route("/assignments/<int:assignment_id>")
class AssignmentDetail(MethodView):
    @blp.response(200, s.AssignmentSchema)
    def get(self, assignment_id: int):
        """Your assignment with your own scores (never the other assessors')."""
        return _assignment_response(assessment.my_assignment(db_session(), current_principal(),
                                                             assignment_id))

    @blp.response(204)
    def delete(self, assignment_id: int):
        """Withdraw an assignment (admin)."""
        assessment.unassign(db_session(), require_principal(), assignment_id)
        _commit()


@blp.route("/assignments/<int:assignment_id>/declaration")
class Declaration(MethodView):
    @blp.arguments(s.DeclarationSchema)
    @blp.response(200, s.AssignmentSchema)
    def post(self, data: dict[str, Any], assignment_id: int):
        """Declare a conflict of interest, or none (checked against your memberships)."""
        db = db_session()
        try:
            assignment = assessment.declare(db, require_principal(), assignment_id,
                                            conflict=data["conflict"],
                                            statement=data["statement"])
        except ValidationFailed:
            _commit()  # the detected conflict is recorded
            raise
        _commit()
        return _assignment_response(assignment)


@blp.route("/assignments/<int:assignment_id>/scores")
class Scores(MethodView):
    @blp.doc(**IF_MATCH)
    @blp.arguments(s.ScoresInSchema)
    @blp.response(200, s.AssignmentSchema)
    def put(self, data: dict[str, Any], assignment_id: int):
        """Save your scores and notes (If-Match: your assignment's ETag)."""
        db = db_session()
        actor = require_principal()
        assessment.my_assignment(db, actor, assignment_id)
        version = expected_version("evaluation-assignment", assignment_id)
        assignment = assessment.save_scores(db, actor, assignment_id, data,
                                            expected_version=version)
        _commit()
        return _assignment_response(assignment)


@blp.route("/assignments/<int:assignment_id>/submit")
class SubmitScores(MethodView):
    @blp.response(200, s.AssignmentSchema)
    def post(self, assignment_id: int):
        """Submit your scores; afterwards you see the other submitted scores."""
        assignment = assessment.submit_scores(
            db_session(), require_principal(), assignment_id,
            expected_version=expected_version("evaluation-assignment", assignment_id,
                                              required=False))
        _commit()
        return _assignment_response(assignment)


@blp.route("/cycles/<int(max=9999):year>/regions/<code>/assessment")
class Reconciliation(MethodView):
    @blp.response(200, s.ReconciliationSchema)
    def get(self, year: int, code: str):
        """All submitted scores, gaps and finals (admins; assessors after submitting)."""
        data = assessment.reconciliation(db_session(), current_principal(), year, code)
        return data, 200, _region_tag(year, data["participant"])


@blp.route("/cycles/<int(max=9999):year>/regions/<code>/finals")
class Finals(MethodView):
    @blp.doc(**IF_MATCH)
    @blp.arguments(s.FinalsInSchema)
    @blp.response(200, s.ReconciliationSchema)
    def put(self, data: dict[str, Any], year: int, code: str):
        """Set final scores with reasons (lead assessor or admin; If-Match)."""
        db = db_session()
        actor = require_principal()
        version = expected_version("evaluation-region", f"{year}-{code}")
        assessment.set_final_scores(db, actor, year, code, data["finals"],
                                    expected_version=version)
        _commit()
        result = assessment.reconciliation(db, actor, year, code)
        return result, 200, _region_tag(year, result["participant"])


@blp.route("/cycles/<int(max=9999):year>/regions/<code>/finalise")
class Finalise(MethodView):
    @blp.response(200, s.ParticipantSchema)
    def post(self, year: int, code: str):
        """Fix the region's scores (checks assessors, gaps and the survey minimum)."""
        participant = results.finalise_region(db_session(), require_principal(), year, code)
        _commit()
        return participant


# ---------------------------------------------------------------- surveys


@blp.route("/cycles/<int(max=9999):year>/regions/<code>/surveys")
class Surveys(MethodView):
    @blp.arguments(s.SurveyArgs(), location="query")
    @blp.response(200, s.SurveyPage)
    def get(self, args: dict[str, Any], year: int, code: str):
        """The region's citizen surveys with invitation and response counts (officers,
        admins)."""
        actor = current_principal()
        options = page_options(args, "created")
        stmt = surveys.surveys_stmt(actor, year, code)
        if options["descending"]:
            stmt = stmt.order_by(None).order_by(Survey.id.desc())
        page = _page_of(stmt, options, lambda: surveys.surveys_of(db_session(), actor, year,
                                                                   code))
        body = page_body(page)
        body["items"] = [surveys.count_row(row) for row in page.items]
        return body

    @blp.arguments(s.SurveyInSchema)
    @blp.response(201, s.SurveySchema)
    def post(self, data: dict[str, Any], year: int, code: str):
        """Start a survey on a programme of the approved master plan (officers, admins)."""
        db = db_session()
        actor = require_principal()
        survey = surveys.create_survey(db, actor, year, code, data["programme_id"])
        _commit()
        return next(c for c in surveys.surveys_of(db, actor, year, code) if c["id"] == survey.id)


@blp.route("/surveys/<int:survey_id>/tokens")
class SurveyTokens(MethodView):
    @blp.arguments(s.TokensInSchema)
    @blp.response(201, s.TokensSchema)
    def post(self, data: dict[str, Any], survey_id: int):
        """Create single-use invitation tokens; they are returned once, stored hashed."""
        tokens = surveys.issue_tokens(db_session(), require_principal(), survey_id,
                                      data["count"])
        _commit()
        return {"survey_id": survey_id, "tokens": tokens}


def _limit_public(token: str) -> None:
    config = services.settings()
    rate_limit("evaluation.survey", request.remote_addr or "-", config["survey_rate_limit"])


def _public_body(token: str) -> dict[str, Any]:
    invitation, survey, participant, cycle = surveys.find_invitation(db_session(), token)
    return {"region_name": participant.region_name, "cycle_year": cycle.year,
            "programme_title": survey.programme_title, "question": str(surveys.QUESTION),
            "answered": invitation.used_at is not None}


@blp.route("/public-surveys/<token>")
class PublicSurvey(MethodView):
    @blp.response(200, s.PublicSurveySchema)
    def get(self, token: str):
        """The survey behind an invitation (no login)."""
        _limit_public(token)
        return _public_body(token)

    @allow_anonymous
    @blp.arguments(s.ResponseInSchema)
    @blp.response(201, s.PublicSurveySchema)
    def post(self, data: dict[str, Any], token: str):
        """Answer the survey once per invitation (no login; rate limited)."""
        _limit_public(token)
        db = db_session()
        surveys.respond(db, token, data["rating"], data["comment"])
        _commit()
        return _public_body(token), 201


# ---------------------------------------------------------------- results and exports


@blp.route("/cycles/<int(max=9999):year>/results")
class Results(MethodView):
    @blp.arguments(s.ResultArgs(), location="query")
    @blp.response(200, s.ResultPage)
    def get(self, args: dict[str, Any], year: int):
        """The ranking: index per component, per dimension and overall, rank and awards."""
        actor = current_principal()
        options = page_options(args, "rank")
        stmt = results.results_stmt(actor, year, options["sort"], options["descending"])
        page = _page_of(stmt, options, lambda: results.result_rows(db_session(), actor, year))
        body = page_body(page)
        body["items"] = [results._payload(cycle, p) for p, cycle in page.items]
        return body


@blp.route("/cycles/<int(max=9999):year>/results/<code>")
class RegionResult(MethodView):
    @blp.response(200, s.RegionResultSchema)
    def get(self, year: int, code: str):
        """One region's result with the trend against earlier cycles."""
        return results.region_result(db_session(), current_principal(), year, code)


@blp.route("/cycles/<int(max=9999):year>/results.csv")
class ResultsCsv(MethodView):
    @blp.response(200, content_type="text/csv")
    def get(self, year: int):
        """The cycle's results as CSV."""
        _cycle, rows = results.result_rows(db_session(), current_principal(), year)
        return Response(results.export_csv(rows), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="evaluasi-{year}.csv"'})


@blp.route("/cycles/<int(max=9999):year>/results.xlsx")
class ResultsXlsx(MethodView):
    @blp.response(200, content_type=
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    def get(self, year: int):
        """The cycle's results as an Excel workbook."""
        cycle, rows = results.result_rows(db_session(), current_principal(), year)
        return Response(results.export_xlsx(cycle, rows), mimetype=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), headers={
            "Content-Disposition": f'attachment; filename="evaluasi-{year}.xlsx"'})


# ---------------------------------------------------------------- external indicators


@blp.route("/external-indicators")
class ExternalIndicators(MethodView):
    @blp.arguments(s.ExternalArgs(), location="query")
    @blp.response(200, s.ExternalPage)
    def get(self, args: dict[str, Any]):
        """External indicators per region and year (public statistics)."""
        options = page_options(args, "region")
        stmt = external.list_indicators(db_session(), region=args.get("region"),
                                        year=args.get("year"))
        return page_body(paginate(db_session(), stmt, options["page"], options["per_page"]))

    @blp.arguments(s.ImportInSchema)
    @blp.response(200, s.ImportReportSchema)
    def post(self, data: dict[str, Any]):
        """Import a CSV (header region_code, year, indicator, value[, source]) with a
        validation report (admin). ``dry_run: true`` only validates."""
        report = external.import_indicators(db_session(), require_principal(),
                                            data["csv"].encode("utf-8"),
                                            dry_run=data["dry_run"])
        _commit()
        return report.as_dict()
