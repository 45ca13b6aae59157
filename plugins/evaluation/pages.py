"""Evaluation pages under ``/evaluasi``: cycles for admins, the region's workspace for officers,
scoring for assessors, the public survey form, results, print report and exports.

Handlers stay thin: they parse the form, call the services, and on a refused input render the
same page again with the messages and everything the user typed.
"""

from __future__ import annotations

import re
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from core.plugin import (
    DomainError,
    NavItem,
    _,
    _l,
    current_principal,
    db_session,
    directory,
    login_required,
    rate_limit,
    require_principal,
    taxonomy,
)
from plugins.evaluation import assessment, evidence, external, results, scoring, services, surveys

pages = Blueprint("evaluation", __name__, url_prefix="/evaluasi", template_folder="templates",
                  static_folder="static", static_url_path="/static")

ACTIONS = {
    "open": services.open_cycle, "start-assessment": services.start_assessment,
    "complete": results.complete_cycle, "publish": results.publish_cycle,
}


def nav(principal) -> list[NavItem]:
    return [NavItem(_l("Evaluation"), "/evaluasi/", order=70)]


def slot(name: str, context: dict[str, Any]) -> Any:
    """On a region's page: its latest published evaluation result."""
    if name != "region":
        return None
    row = results.latest_published(db_session(), context["region_code"])
    if row is None:
        return None
    year, index, rank, of = row
    return Markup(render_template("evaluation/_region_slot.html", year=year,
                                  index=services.from_centi(index), rank=rank, of=of,
                                  code=context["region_code"]))


def _errors(error: DomainError) -> list[str]:
    messages = []
    for value in error.errors.values():
        for item in value if isinstance(value, list) else [value]:
            messages.append(str(item))
    return messages or [str(error.message)]


def _try(action, *args: Any, **kwargs: Any) -> tuple[Any, DomainError | None]:
    """Run a service; on a refusal roll back and hand the error to the page."""
    db = db_session()
    try:
        value = action(db, *args, **kwargs)
    except DomainError as error:
        db.rollback()
        if error.status in (401, 404):
            raise
        return None, error
    db.commit()
    return value, None


def _int(raw: str | None) -> int | None:
    """A whole number typed in a form (ASCII digits, at most nine), else None."""
    text = (raw or "").strip()
    return int(text) if re.fullmatch(r"-?[0-9]{1,9}", text) else None


def _version(form: MultiDict) -> int | None:
    return _int(form.get("version"))


@pages.errorhandler(RequestEntityTooLarge)
def too_large(_error: RequestEntityTooLarge):
    """A file beyond the request limit: the form's page again with the limit, in the user's
    language (the browser keeps what was typed in the other forms of the page)."""
    limit = min(int(services.settings()["evidence_max_bytes"]),
                int(current_app.config.get("MAX_CONTENT_LENGTH") or 0) or 10**9)
    message = _("The file is larger than %(n)s kB.", n=limit // 1000)
    args = request.view_args or {}
    actor = current_principal()
    if request.endpoint == "evaluation.region_upload" and actor is not None:
        try:
            return _region_page(args["year"], args["code"], [message], 413, form=MultiDict())
        except DomainError:
            db_session().rollback()
    if request.endpoint == "evaluation.external_indicators" and actor and actor.is_admin:
        return render_template("evaluation/external.html", report=None, errors=[
            _("The file is too large for one upload: split it into smaller files.")]), 413
    return render_template("errors/error.html", status=413, title=_("Request body too large"),
                           detail=message), 413


# ---------------------------------------------------------------- cycles


@pages.route("/", methods=["GET", "POST"])
def index():
    """Cycles; admins create one here."""
    actor = current_principal()
    form: MultiDict = request.form if request.method == "POST" else MultiDict()
    error = None
    if request.method == "POST":
        actor = require_principal()
        weights = {}
        for c in scoring.COMPONENTS:
            raw = form.get(f"weight_{c}", "").strip()
            weights[c] = raw if _int(raw) is None else _int(raw)
        data = {"year": _int(form.get("year")) or 0, "title": form.get("title", ""),
                "weights": weights, "gap_threshold": form.get("gap_threshold") or "1.0",
                "deadlines": {p: form.get(f"deadline_{p}", "") for p in services.PHASES}}
        if not 2000 <= data["year"] <= 2100:
            error = DomainError(_("Enter a year between 2000 and 2100."))
        else:
            cycle, error = _try(services.create_cycle, actor, data)
            if error is None:
                flash(_("The %(year)s cycle is created as a draft.", year=cycle.year), "success")
                return redirect(url_for("evaluation.cycle", year=cycle.year), 303)
    cycles = services.list_cycles(db_session(), actor)
    return render_template("evaluation/index.html", cycles=cycles, form=form,
                           errors=_errors(error) if error else [],
                           defaults=scoring.DEFAULT_WEIGHTS, components=scoring.COMPONENTS,
                           component_labels=services.COMPONENT_LABELS, phases=services.PHASES,
                           statuses=services.STATUS_LABELS,
                           phase_labels=services.PHASE_LABELS), _error_status(error)


def _error_status(error: DomainError | None) -> int:
    """200 without an error; a refusal keeps its status (403, 401, 404, 409); anything else
    is a form to correct (422)."""
    if error is None:
        return 200
    return error.status if error.status in (401, 403, 404, 409) else 422


def _cycle_page(year: int, errors: list[str] | None = None, status: int = 200):
    db = db_session()
    actor = current_principal()
    cycle = services.visible_cycle(db, actor, year)
    rows = []
    if results.results_visible(actor, cycle):
        rows = results.rows_of(db, cycle)
    evaluators = directory.list_evaluators(db) if actor and actor.is_admin else []
    mine = {a.participant_id: a for a, _p, _c in assessment.assignments_for(db, actor)} \
        if actor else {}
    return render_template(
        "evaluation/cycle.html", cycle=cycle, summaries=services.participant_summaries(db, cycle),
        results=rows, evaluators=evaluators, errors=errors or [], mine=mine,
        component_labels=services.COMPONENT_LABELS, statuses=services.STATUS_LABELS,
        phase_labels=services.PHASE_LABELS,
        dimension_labels=taxonomy.DIMENSION_LABELS, components=scoring.COMPONENTS,
        dimensions=list(taxonomy.DIMENSIONS), indicators=services.indicators(db, cycle),
        form=request.form,
    ), status


@pages.get("/<int(max=9999):year>")
def cycle(year: int):
    """A cycle: phase, rules, regions and their assessors, results once visible."""
    return _cycle_page(year)


@pages.post("/<int(max=9999):year>/<any('open','start-assessment','complete','publish'):action>")
@login_required
def cycle_action(year: int, action: str):
    _value, error = _try(ACTIONS[action], current_principal(), year, _version(request.form))
    if error:
        return _cycle_page(year, _errors(error), error.status)
    flash(_("Done: the cycle moved to its next phase."), "success")
    return redirect(url_for("evaluation.cycle", year=year), 303)


@pages.post("/<int(max=9999):year>/assessors")
@login_required
def assign(year: int):
    form = request.form
    assessor = _int(form.get("assessor_id"))
    if assessor is None:
        return _cycle_page(year, [_("Choose an assessor.")], 422)
    _value, error = _try(assessment.assign, current_principal(), year,
                         form.get("region_code", ""), assessor, lead=bool(form.get("lead")))
    if error:
        return _cycle_page(year, _errors(error), error.status)
    flash(_("The assessor is assigned."), "success")
    return redirect(url_for("evaluation.cycle", year=year), 303)


# ---------------------------------------------------------------- region workspace


def _region_page(year: int, code: str, errors: list[str] | None = None, status: int = 200,
                 tokens: list[str] | None = None, form: MultiDict | None = None):
    db = db_session()
    actor = require_principal()
    data = services.self_assessment(db, actor, year, code)
    manage = actor.is_admin or actor.is_officer(code)
    return render_template(
        "evaluation/region.html", sa=data, cycle=data["cycle"], code=code,
        participant=data["participant"], errors=errors or [],
        form=request.form if form is None else form,
        editable=manage and data["cycle"].status == "self_assessment"
        and data["status"] != "submitted",
        surveys=surveys.survey_counts(db, data["participant"]) if manage else [],
        manage=manage, tokens=tokens or [], component_labels=services.COMPONENT_LABELS,
        dimension_labels=taxonomy.DIMENSION_LABELS,
        survey_url=lambda t: url_for("evaluation.survey", token=t, _external=True),
    ), status


@pages.get("/<int(max=9999):year>/daerah/<code>")
@login_required
def region(year: int, code: str):
    """The region's self-assessment and surveys."""
    return _region_page(year, code)


def _parse_self(form: MultiDict, data: dict[str, Any]) -> dict[str, Any]:
    values = []
    for item in data["values"]:
        key = item["indicator_id"]
        if f"value_{key}" not in form:
            continue
        links = [x.strip() for x in form.get(f"links_{key}", "").splitlines() if x.strip()]
        values.append({"indicator_id": key, "value": form.get(f"value_{key}", "")[:5000],
                       "evidence": form.get(f"evidence_{key}", "")[:20000], "links": links})
    realisations = []
    for prog in data["programmes"]:
        raw = form.get(f"percent_{prog['programme_id']}", "").strip()
        if raw:
            percent = _int(raw)
            realisations.append({"programme_id": prog["programme_id"],
                                 "percent": -1 if percent is None else percent})
    return {"values": values, "realisations": realisations}


@pages.post("/<int(max=9999):year>/daerah/<code>")
@login_required
def region_save(year: int, code: str):
    db = db_session()
    actor = current_principal()
    data = services.self_assessment(db, actor, year, code)
    body = _parse_self(request.form, data)
    _value, error = _try(services.save_self_assessment, actor, year, code, body,
                         expected_version=_version(request.form))
    if error is None and request.form.get("submit"):
        _value, error = _try(services.submit_self_assessment, actor, year, code,
                             expected_version=None)
    if error:
        return _region_page(year, code, _errors(error), error.status)
    flash(_("The self-assessment is submitted.") if request.form.get("submit")
          else _("The self-assessment is saved."), "success")
    return redirect(url_for("evaluation.region", year=year, code=code), 303)


@pages.post("/<int(max=9999):year>/daerah/<code>/bukti")
@login_required
def region_upload(year: int, code: str):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _region_page(year, code, [_("Choose a file to upload.")], 422)
    _value, error = _try(evidence.add_file, current_principal(), year, code, upload.filename,
                         upload.read(), _int(request.form.get("indicator_id")))
    if error:
        return _region_page(year, code, _errors(error), error.status)
    flash(_("The file is uploaded."), "success")
    return redirect(url_for("evaluation.region", year=year, code=code), 303)


@pages.get("/<int(max=9999):year>/daerah/<code>/bukti/<int:file_id>")
@login_required
def region_file(year: int, code: str, file_id: int):
    from flask import send_file

    row, path = evidence.read_file(db_session(), current_principal(), year, code, file_id)
    return send_file(path, mimetype=row.content_type, as_attachment=True,
                     download_name=row.filename)


@pages.post("/<int(max=9999):year>/daerah/<code>/survei")
@login_required
def survey_create(year: int, code: str):
    form = request.form
    tokens: list[str] = []
    survey_id = _int(form.get("survey_id"))
    if survey_id is not None:
        tokens, error = _try(surveys.issue_tokens, current_principal(), survey_id,
                             _int(form.get("count")) or 0)
    else:
        _v, error = _try(surveys.create_survey, current_principal(), year, code,
                         _int(form.get("programme_id")) or 0)
    if error:
        return _region_page(year, code, _errors(error), error.status)
    if tokens:  # shown once: not stored in clear
        return _region_page(year, code, tokens=tokens)
    flash(_("The survey is created. Now create invitations for respondents."), "success")
    return redirect(url_for("evaluation.region", year=year, code=code) + "#survei", 303)


# ---------------------------------------------------------------- assessors


def _assessor_page(assignment_id: int, errors: list[str] | None = None, status: int = 200):
    db = db_session()
    actor = require_principal()
    item = assessment.my_assignment(db, actor, assignment_id)
    from plugins.evaluation.models import Cycle, Participant

    participant = db.get(Participant, item.participant_id)
    cycle_row = db.get(Cycle, item.cycle_id)
    return render_template(
        "evaluation/assess.html", assignment=item, participant=participant, cycle=cycle_row,
        indicators=services.indicators(db, cycle_row), scores=assessment.scores_of(db, item),
        errors=errors or [], form=request.form, component_labels=services.COMPONENT_LABELS,
        dimension_labels=taxonomy.DIMENSION_LABELS, from_centi=services.from_centi,
    ), status


@pages.get("/penilaian")
@login_required
def my_assignments():
    rows = assessment.assignments_for(db_session(), current_principal())
    return render_template("evaluation/assignments.html", rows=rows,
                           assignment_statuses=services.ASSIGNMENT_STATUS_LABELS)


@pages.get("/penilaian/<int:assignment_id>")
@login_required
def assess(assignment_id: int):
    """Declare, score, note and submit (your own scores only)."""
    return _assessor_page(assignment_id)


@pages.post("/penilaian/<int:assignment_id>")
@login_required
def assess_save(assignment_id: int):
    form = request.form
    actor = current_principal()
    if form.get("declare"):
        _v, error = _try(assessment.declare, actor, assignment_id,
                         conflict=form.get("declare") == "conflict",
                         statement=form.get("statement", ""))
        if error is not None and error.status == 422:
            db_session().commit()
    else:
        db = db_session()
        item = assessment.my_assignment(db, actor, assignment_id)
        from plugins.evaluation.models import Cycle

        items = []
        for ind in services.indicators(db, db.get(Cycle, item.cycle_id)):
            raw = form.get(f"score_{ind.id}", "").strip()
            if raw:
                items.append({"indicator_id": ind.id, "score": raw,
                              "note": form.get(f"note_{ind.id}", "")})
        body = {"scores": items, "notes": form.get("notes", ""),
                "interview_notes": form.get("interview_notes", "")}
        _v, error = _try(assessment.save_scores, actor, assignment_id, body,
                         expected_version=_version(form))
        if error is None and form.get("submit"):
            _v, error = _try(assessment.submit_scores, actor, assignment_id,
                             expected_version=None)
    if error:
        return _assessor_page(assignment_id, _errors(error), error.status)
    flash(_("Saved."), "success")
    return redirect(url_for("evaluation.assess", assignment_id=assignment_id), 303)


def _reconcile_page(year: int, code: str, errors: list[str] | None = None, status: int = 200):
    data = assessment.reconciliation(db_session(), require_principal(), year, code)
    return render_template("evaluation/reconcile.html", rec=data, cycle=data["cycle"],
                           participant=data["participant"], code=code, errors=errors or [],
                           form=request.form, component_labels=services.COMPONENT_LABELS,
                           assignment_statuses=services.ASSIGNMENT_STATUS_LABELS), status


@pages.get("/<int(max=9999):year>/daerah/<code>/rekonsiliasi")
@login_required
def reconcile(year: int, code: str):
    """Submitted scores side by side, gaps flagged, final scores by the lead assessor."""
    return _reconcile_page(year, code)


@pages.post("/<int(max=9999):year>/daerah/<code>/rekonsiliasi")
@login_required
def reconcile_save(year: int, code: str):
    form = request.form
    actor = current_principal()
    if form.get("finalise"):
        _v, error = _try(results.finalise_region, actor, year, code)
    else:
        data = assessment.reconciliation(db_session(), actor, year, code)
        finals = [{"indicator_id": r["indicator_id"],
                   "score": form.get(f"final_{r['indicator_id']}", "").strip(),
                   "reason": form.get(f"reason_{r['indicator_id']}", "")}
                  for r in data["indicators"]
                  if form.get(f"final_{r['indicator_id']}", "").strip()]
        if not finals:
            return _reconcile_page(year, code, [_("Enter at least one final score.")], 422)
        _v, error = _try(assessment.set_final_scores, actor, year, code, finals,
                         expected_version=_version(form))
    if error:
        return _reconcile_page(year, code, _errors(error), error.status)
    flash(_("Saved."), "success")
    return redirect(url_for("evaluation.reconcile", year=year, code=code), 303)


# ---------------------------------------------------------------- results, report, exports


@pages.get("/<int(max=9999):year>/laporan/<code>")
def report(year: int, code: str):
    """A print-friendly report of one region's result."""
    data = results.region_result(db_session(), current_principal(), year, code)
    return render_template("evaluation/report.html", r=data,
                           component_labels=services.COMPONENT_LABELS,
                           dimension_labels=taxonomy.DIMENSION_LABELS,
                           components=scoring.COMPONENTS, dimensions=list(taxonomy.DIMENSIONS))


@pages.get("/<int(max=9999):year>/hasil.<any(csv,xlsx):kind>")
def export(year: int, kind: str):
    cycle_row, rows = results.result_rows(db_session(), current_principal(), year)
    if kind == "csv":
        return Response(results.export_csv(rows), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="evaluasi-{year}.csv"'})
    return Response(results.export_xlsx(cycle_row, rows), mimetype=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), headers={
        "Content-Disposition": f'attachment; filename="evaluasi-{year}.xlsx"'})


# ---------------------------------------------------------------- public survey


@pages.route("/survei/<token>", methods=["GET", "POST"])
def survey(token: str):
    """The citizen survey: no login, one answer per invitation, rate limited."""
    rate_limit("evaluation.survey", request.remote_addr or "-",
               services.settings()["survey_rate_limit"])
    db = db_session()
    invitation, survey_row, participant, cycle_row = surveys.find_invitation(db, token)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        _v, error = _try(surveys.respond, token, _int(request.form.get("rating")) or 0,
                         request.form.get("comment", ""))
        if error is None:
            return render_template("evaluation/survey_done.html",
                                   region=participant.region_name), 201
        errors, status = _errors(error), error.status
        invitation, survey_row, participant, cycle_row = surveys.find_invitation(db, token)
    return render_template("evaluation/survey.html", survey=survey_row, participant=participant,
                           cycle=cycle_row, used=invitation.used_at is not None,
                           question=surveys.QUESTION, ratings=surveys.RATING_LABELS,
                           errors=errors, form=request.form), status


# ---------------------------------------------------------------- external indicators


@pages.route("/indikator-eksternal", methods=["GET", "POST"])
@login_required
def external_indicators():
    """Admins import IPM, poverty rate and other statistics from CSV."""
    actor = current_principal()
    if not actor.is_admin:
        abort(403)
    report_data, errors, status = None, [], 200
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            errors, status = [_("Choose a CSV file to upload.")], 422
        else:
            report_obj, error = _try(external.import_indicators, actor, upload.read(),
                                     dry_run=bool(request.form.get("dry_run")))
            if error:
                errors, status = _errors(error), error.status
            else:
                report_data = report_obj.as_dict()
    return render_template("evaluation/external.html", report=report_data, errors=errors), status
