"""Master plan pages: list, new, detail with audit trail, the editor, submission and review."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.db import session
from core.errors import DomainError, PermissionDenied, StaleVersion, ValidationFailed
from core.plans import services as plans
from core.plans.models import PLAN_STATUSES, MasterPlan
from core.regions import services as regions
from core.taxonomy import DIMENSION_LABELS, DIMENSIONS
from core.web import forms
from core.web.auth import current_principal, login_required
from core.web.listing import arg_choice, arg_int, arg_text, page_args, sort_arg
from core.web.pages import blp
from core.web.plan_forms import (
    MORE_ROWS,
    PlanForm,
    empty_row,
    parse_editor,
    parse_plan_fields,
    plan_values,
    rows_from_plan,
)

PLAN_SORTS = ("updated", "title", "region", "period")


# ---------------------------------------------------------------- list and new


@blp.get("/plans", endpoint="plans")
def plans_list():
    """Master plans the viewer may see (approved ones for everybody)."""
    db = session()
    actor = current_principal()
    provinces = regions.list_provinces(db)
    year = arg_int("period", 0, 0, 2100)
    filters = plans.PlanFilter(
        province=arg_choice("province", [p.code for p, _n, _m in provinces]),
        status=arg_choice("status", PLAN_STATUSES),
        period=year if year >= 2000 else None,
        q=arg_text("q") or None,
    )
    sort, key, descending = sort_arg(PLAN_SORTS, "-updated")
    page, per_page = page_args()
    result = plans.list_plans(
        db, actor, filters, sort=key, descending=descending, page=page, per_page=per_page
    )
    return render_template(
        "plans/list.html", result=result, filters=filters, provinces=provinces, sort=sort,
        per_page=per_page, can_create=_creatable_regions_exist(),
    )


def _creatable_regions_exist() -> bool:
    actor = current_principal()
    return actor is not None and (actor.is_admin or bool(actor.region_codes))


def _region_options() -> list[tuple[str, str]]:
    """Regions the actor may start a plan for: their own; for admins, every participating one."""
    actor = current_principal()
    filters = (regions.RegionFilter(codes=tuple(sorted(actor.region_codes)))
               if actor.region_codes else regions.RegionFilter(participating=True))
    found = regions.list_regions(session(), filters, sort="name", per_page=1000).items
    return [(r.code, f"{r.name} ({r.code})") for r in found]


def _render_new(values: dict[str, Any], errors: forms.FormErrors, status: int = 200):
    return render_template(
        "plans/new.html", values=values, errors=errors, region_options=_region_options(),
    ), status


@blp.route("/plans/new", methods=["GET", "POST"])
@login_required
def plan_new():
    """Start a draft master plan for one of the officer's regions."""
    if not _creatable_regions_exist():
        raise PermissionDenied(_("Only a region's officers can start its master plan."))
    if request.method == "GET":
        codes = sorted(current_principal().region_codes)
        return _render_new({"region_code": codes[0] if len(codes) == 1 else ""},
                           forms.FormErrors())
    errors = forms.FormErrors()
    values, data = parse_plan_fields(request.form, errors)
    values["region_code"] = forms.text(request.form, "region_code", 10)
    if not values["region_code"]:
        errors.add("region_code", _("Choose the region."))
    db = session()
    try:
        plan = plans.create_plan(db, current_principal(), values["region_code"] or "-", data)
    except DomainError as error:
        if not forms.is_form_error(error):
            raise
        db.rollback()
        if isinstance(error, ValidationFailed):  # report the plan fields' problems as well
            error = ValidationFailed(
                error.message, errors={**plans.validation_problems(data), **error.errors}
            )
        already = set(errors.fields)
        errors.add_domain_error(error, lambda key: None if key in already else key)
        errors.fields.pop("", None)
        return _render_new(values, errors, error.status)
    if errors:
        db.rollback()
        return _render_new(values, errors, 422)
    db.commit()
    flash(_("The draft is created. Now add its programmes."), "success")
    return redirect(url_for("web.plan_edit", plan_id=plan.id), 303)


# ---------------------------------------------------------------- detail and submission


def _by_dimension(plan: MasterPlan) -> list[dict[str, Any]]:
    """The plan's programmes grouped by the six dimensions, with each group's budget."""
    groups = []
    for dimension in DIMENSIONS:
        items = [p for p in plan.programmes if p.dimension == dimension]
        groups.append({
            "key": dimension,
            "label": DIMENSION_LABELS[dimension],
            "programmes": items,
            "budget": sum(p.budget_idr for p in items),
            "quick_wins": sum(1 for p in items if p.quick_win),
        })
    return groups


def _render_plan(plan_id: int, errors: forms.FormErrors | None = None, status: int = 200):
    actor = current_principal()
    plan = plans.get_plan(session(), actor, plan_id, with_history=True)
    actions = plans.allowed_actions(actor, plan)
    return render_template(
        "plans/detail.html",
        plan=plan,
        actions=actions,
        problems=plans.submission_problems(plan) if "submit" in actions else {},
        groups=_by_dimension(plan),
        total_budget=sum(p.budget_idr for p in plan.programmes),
        quick_wins=sum(1 for p in plan.programmes if p.quick_win),
        errors=errors or forms.FormErrors(),
    ), status


@blp.get("/plans/<int:plan_id>")
def plan(plan_id: int):
    """A plan: programmes by dimension, budget, status, audit trail and the viewer's actions."""
    return _render_plan(plan_id)


STALE_PLAN = _l(
    "Someone else changed this plan since you opened it. Your changes have not been saved; "
    "they are still in the form below. Check the current plan, then save again to replace it."
)


@blp.post("/plans/<int:plan_id>/submit")
@login_required
def plan_submit(plan_id: int):
    """Send the plan for review (the service checks it is complete)."""
    db = session()
    try:
        plans.submit_plan(db, current_principal(), plan_id,
                          expected_version=forms.version(request.form))
    except DomainError as error:
        if not forms.is_form_error(error):
            raise
        db.rollback()
        errors = forms.FormErrors()
        errors.add_domain_error(error, lambda key: None)
        if isinstance(error, StaleVersion):
            errors.message = _("Someone else changed this plan since you opened it. "
                               "Check the current plan below, then submit again.")
        return _render_plan(plan_id, errors, error.status)
    db.commit()
    flash(_("The plan has been submitted for review."), "success")
    return redirect(url_for("web.plan", plan_id=plan_id), 303)


# ---------------------------------------------------------------- the editor


def _editable_plan(plan_id: int) -> tuple[MasterPlan, bool]:
    """The plan, and whether its status lets the actor edit it now (403 if never)."""
    actor = current_principal()
    plan = plans.get_plan(session(), actor, plan_id)
    if not plans.can_edit(actor, plan):
        raise PermissionDenied()
    return plan, "edit" in plans.allowed_actions(actor, plan)


def _render_editor(plan: MasterPlan, form: PlanForm, status: int = 200):
    return render_template(
        "plans/edit.html",
        plan=plan,
        values=form.values,
        rows=form.rows,
        errors=form.errors,
        problems=plans.submission_problems(plan),
        coverage={d: sum(1 for p in plan.programmes if p.dimension == d) for d in DIMENSIONS},
        quick_wins=sum(1 for p in plan.programmes if p.quick_win),
        required_quick_wins=plans.REQUIRED_QUICK_WINS,
    ), status


@blp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@login_required
def plan_edit(plan_id: int):
    """The master plan editor: plan fields and programme rows; save, add rows or submit."""
    plan, editable = _editable_plan(plan_id)
    if request.method == "GET":
        if not editable:
            flash(_("This plan cannot be edited in its current status."), "error")
            return redirect(url_for("web.plan", plan_id=plan_id), 303)
        return _render_editor(plan, PlanForm(values=plan_values(plan),
                                             rows=rows_from_plan(plan)))
    form = parse_editor(request.form)
    if not editable:  # e.g. a colleague submitted it meanwhile: show the input, save nothing
        form.errors.status = 409
        form.errors.message = _("This plan cannot be edited in its current status.")
        return _render_editor(plan, form, 409)
    action = request.form.get("action", "save")
    if action == "add_rows":
        form.rows.extend(empty_row() for _ in range(MORE_ROWS))
        return _render_editor(plan, form)
    db = session()
    actor = current_principal()
    try:
        plans.update_plan(db, actor, plan_id, form.data, form.programmes,
                          expected_version=form.values["version"])
    except DomainError as error:
        if not forms.is_form_error(error):
            raise
        db.rollback()
        plan = plans.get_plan(db, actor, plan_id)
        if isinstance(error, ValidationFailed):  # every problem at once, not group by group
            problems = plans.validation_problems(form.data, form.programmes, plan)
            error = ValidationFailed(error.message, errors=problems or error.errors)
        form.add_service_error(error)
        if isinstance(error, StaleVersion):
            form.errors.message = str(STALE_PLAN)
            form.values["version"] = plan.version
        return _render_editor(plan, form, error.status)
    if form.errors:
        db.rollback()
        return _render_editor(plans.get_plan(db, actor, plan_id), form, 422)
    if action != "submit":
        db.commit()
        flash(_("The plan has been saved."), "success")
        return redirect(url_for("web.plan_edit", plan_id=plan_id), 303)
    try:
        plans.submit_plan(db, actor, plan_id)
    except DomainError as error:
        if not forms.is_form_error(error):
            raise
        db.commit()  # keep the saved changes; only the submission is refused
        plan = plans.get_plan(db, actor, plan_id)
        form = PlanForm(values=plan_values(plan), rows=rows_from_plan(plan))
        form.add_service_error(error)
        form.errors.message = _("Your changes are saved, but the plan cannot be submitted yet. "
                                "See what is missing below.")
        return _render_editor(plan, form, error.status)
    db.commit()
    flash(_("The plan has been saved and submitted for review."), "success")
    return redirect(url_for("web.plan", plan_id=plan_id), 303)


# ---------------------------------------------------------------- review (admins)


def _reviewable_plan(plan_id: int) -> MasterPlan | None:
    actor = current_principal()
    plan = plans.get_plan(session(), actor, plan_id)
    if not plans.can_review(actor):
        raise PermissionDenied()
    if "review" not in plans.allowed_actions(actor, plan):
        flash(_("This plan is not waiting for review."), "error")
        return None
    return plan


def _render_review(plan: MasterPlan, values: dict[str, Any] | None = None,
                   errors: forms.FormErrors | None = None, status: int = 200):
    return render_template(
        "plans/review.html", plan=plan, groups=_by_dimension(plan),
        total_budget=sum(p.budget_idr for p in plan.programmes),
        quick_wins=sum(1 for p in plan.programmes if p.quick_win),
        problems=plans.submission_problems(plan),
        values=values or {}, errors=errors or forms.FormErrors(),
    ), status


@blp.get("/plans/<int:plan_id>/review")
@login_required
def plan_review(plan_id: int):
    """Admin: review a submitted plan, then approve it or ask for a revision."""
    plan = _reviewable_plan(plan_id)
    if plan is None:
        return redirect(url_for("web.plan", plan_id=plan_id), 303)
    return _render_review(plan, {"version": plan.version})


def _decide(plan_id: int, decision: str):
    """Shared flow of approve/request revision: confirm first, then call the service."""
    plan = _reviewable_plan(plan_id)
    if plan is None:
        return redirect(url_for("web.plan", plan_id=plan_id), 303)
    field = "note" if decision == "approve" else "reason"
    values = {field: forms.text(request.form, field, 5000),
              "version": forms.version(request.form), "decision": decision}
    errors = forms.FormErrors()
    if decision == "revise" and not values["reason"]:
        errors.add("reason", _("Say what must be revised."))
        return _render_review(plan, values, errors, 422)
    if request.form.get("confirmed") != "1":
        return render_template("plans/confirm.html", plan=plan, values=values)
    db = session()
    actor = current_principal()
    try:
        if decision == "approve":
            plans.approve_plan(db, actor, plan_id, values["note"],
                               expected_version=values["version"])
        else:
            plans.request_revision(db, actor, plan_id, values["reason"],
                                   expected_version=values["version"])
    except DomainError as error:
        if not forms.is_form_error(error):
            raise
        db.rollback()
        errors.add_domain_error(error)
        plan = plans.get_plan(db, actor, plan_id)
        if isinstance(error, StaleVersion):
            errors.message = _("The plan changed while you were reviewing it. "
                               "Check the current version below before deciding.")
            values["version"] = plan.version
        return _render_review(plan, values, errors, error.status)
    db.commit()
    flash(_("The plan is approved.") if decision == "approve"
          else _("The plan has been sent back for revision."), "success")
    return redirect(url_for("web.plan", plan_id=plan_id), 303)


@blp.post("/plans/<int:plan_id>/approve")
@login_required
def plan_approve(plan_id: int):
    """Admin: approve the plan (with an optional note), after a confirmation step."""
    return _decide(plan_id, "approve")


@blp.post("/plans/<int:plan_id>/request-revision")
@login_required
def plan_request_revision(plan_id: int):
    """Admin: send the plan back with the reason (required), after a confirmation step."""
    return _decide(plan_id, "revise")
