"""Needs pages: the public list of open needs, the region's own needs, posting and editing a
need (optimistic locking), closing it, its detail with "why this matches you" and the
interest form, and the suggested partners for the region's officers."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from werkzeug.exceptions import TooManyRequests

from core.plugin import (
    DomainError,
    PermissionDenied,
    _,
    _l,
    current_principal,
    db_session,
    directory,
    login_required,
    plugin_config,
    taxonomy,
)
from plugins.matchmaking import labels, services
from plugins.matchmaking.config import weights
from plugins.matchmaking.models import NEED_STATUSES, PARTNER_TYPES, Need
from plugins.matchmaking.page_base import (
    FormErrors,
    arg_choice,
    arg_text,
    checked,
    chosen,
    date_field,
    int_or_none,
    is_form_error,
    money,
    page_args,
    pages,
    save_versioned,
    text,
    version,
)

NEED_INPUTS = ("region_code", "title", "description", "dimension", "sub_dimension",
               "programme_id", "budget_min", "budget_max", "partner_types", "deadline",
               "status")
INTEREST_INPUTS = ("organisation_id", "offer_id", "message")


def config() -> dict[str, Any]:
    return plugin_config("matchmaking")


def score_weights() -> dict[str, float]:
    return weights(config())


def amount_input(amount: int | None) -> str:
    """How a stored amount appears in an input: digits grouped as the reader's language does."""
    return "" if amount is None else format_decimal(int(amount))


# ---------------------------------------------------------------- lists


@pages.get("/needs", endpoint="needs")
def needs_list():
    """Open needs of every region: anyone may browse them."""
    db = db_session()
    provinces = directory.list_provinces(db)
    sort = arg_choice("sort", labels.NEED_SORT_LABELS) or "-created"
    filters = services.NeedFilter(
        province=arg_choice("province", [p.code for p in provinces]),
        dimension=arg_choice("dimension", taxonomy.DIMENSIONS),
        region=arg_text("region", 5) or None, status="open", q=arg_text("q") or None,
    )
    page, per_page = page_args()
    result = services.list_needs(db, filters, sort=sort.lstrip("-"),
                                 descending=sort.startswith("-"), page=page, per_page=per_page)
    actor = current_principal()
    return render_template(
        "matchmaking/needs.html", result=result, filters=filters, sort=sort,
        provinces=provinces, can_post=bool(actor and actor.region_codes),
    )


@pages.get("/needs/mine", endpoint="my_needs")
@login_required
def my_needs():
    """The needs of the officer's regions, every status, with their undecided interests."""
    actor = current_principal()
    if not actor.region_codes:
        raise PermissionDenied(_("Only a region's officers have needs to manage."))
    db = db_session()
    status = arg_choice("status", NEED_STATUSES)
    page, per_page = page_args()
    result = services.list_needs(
        db, services.NeedFilter(regions=tuple(sorted(actor.region_codes)), status=status),
        sort="created", page=page, per_page=per_page)
    counts = services.interest_counts(db, [need.id for need in result.items])
    return render_template("matchmaking/my_needs.html", result=result, status=status,
                           counts=counts, several=len(actor.region_codes) > 1)


# ---------------------------------------------------------------- posting and editing


def parse_need(form: Any, errors: FormErrors) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(values, data)``: what the inputs show again, and what the service receives."""
    values = {name: text(form, name, 10_000 if name == "description" else 200)
              for name in NEED_INPUTS if name != "partner_types"}
    values["partner_types"] = chosen(form, "partner_types", PARTNER_TYPES)
    data: dict[str, Any] = {
        "title": values["title"],
        "description": values["description"],
        "dimension": values["dimension"] or None,
        "sub_dimension": values["sub_dimension"] or None,
        "programme_id": int_or_none(values["programme_id"]),
        "partner_types": values["partner_types"],
    }
    for name in ("budget_min", "budget_max"):
        data[name] = money(form, name, errors)
    data["deadline"] = date_field(form, "deadline", errors)
    if values["status"]:
        data["status"] = values["status"]
    return values, data


def programme_options(region_codes: list[str]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Programmes of the regions' approved master plans, grouped per plan."""
    db = db_session()
    groups = []
    for code in region_codes:
        for plan in directory.approved_plans(db, code):
            groups.append((f"{plan.title} ({plan.period_start}–{plan.period_end})",
                           [(p.id, p.title) for p in plan.programmes]))
    return groups


def render_need_form(values: dict[str, Any], errors: FormErrors, *, need: Need | None = None,
                     status: int = 200):
    actor = current_principal()
    codes = [need.region_code] if need else sorted(actor.region_codes)
    regions = [] if need else directory.list_regions(db_session(), codes=codes)
    return render_template(
        "matchmaking/need_form.html", values=values, errors=errors, need=need,
        regions=regions, programmes=programme_options(codes),
        partner_types=labels.PARTNER_TYPE_LABELS, statuses=labels.NEED_STATUS_LABELS,
    ), status


@pages.route("/needs/new", methods=["GET", "POST"], endpoint="need_new")
@login_required
def need_new():
    """Post a need for one of the officer's regions."""
    actor = current_principal()
    if not actor.region_codes:
        raise PermissionDenied(_("Only a region's officers can post its needs."))
    codes = sorted(actor.region_codes)
    if request.method == "GET":
        return render_need_form({"region_code": codes[0] if len(codes) == 1 else "",
                                 "partner_types": []}, FormErrors())
    errors = FormErrors()
    values, data = parse_need(request.form, errors)
    data.pop("status", None)
    region_code = values["region_code"] or (codes[0] if len(codes) == 1 else "")
    if region_code not in codes:
        errors.add("region_code", _("Choose one of your regions."))
        return render_need_form(values, errors, status=422)
    db = db_session()
    try:
        need = services.create_need(db, actor, region_code, data)
    except DomainError as error:
        if not is_form_error(error):
            raise
        db.rollback()
        errors.add_domain_error(error, NEED_INPUTS)
        return render_need_form(values, errors, status=error.status)
    if errors:
        db.rollback()
        return render_need_form(values, errors, status=422)
    db.commit()
    flash(_("The need is posted. Suggested partners appear within a minute."), "success")
    return redirect(url_for("matchmaking.need", need_id=need.id), 303)


def need_values(need: Need) -> dict[str, Any]:
    """The stored need as the inputs show it."""
    return {
        "title": need.title, "description": need.description, "dimension": need.dimension,
        "sub_dimension": need.sub_dimension or "", "programme_id": need.programme_id or "",
        "budget_min": amount_input(need.budget_min), "budget_max": amount_input(need.budget_max),
        "partner_types": list(need.partner_types or []),
        "deadline": need.deadline.isoformat() if need.deadline else "",
        "status": need.status, "version": need.version,
    }


STALE_NEED = _l(
    "Someone else changed this need since you opened it. Your changes have not been saved; "
    "they are still in the form below. Check the current need, then save again."
)
STALE_NEED_CLOSE = _l("Someone else changed this need since you opened it. Check it below, "
                      "then confirm again.")


def editable_need(need_id: int) -> Need:
    """The need, when the actor is one of its region's officers (403 otherwise)."""
    need = services.get_need(db_session(), need_id)
    if not services.can_edit_need(current_principal(), need):
        raise PermissionDenied(_("Only the region's officers can change its needs."))
    return need


@pages.route("/needs/<int:need_id>/edit", methods=["GET", "POST"], endpoint="need_edit")
@login_required
def need_edit(need_id: int):
    """Edit a need; the hidden version refuses to overwrite a colleague's changes."""
    need = editable_need(need_id)
    if request.method == "GET":
        return render_need_form(need_values(need), FormErrors(), need=need)
    errors = FormErrors()
    values, data = parse_need(request.form, errors)
    values["version"] = version(request.form)
    failed = save_versioned(
        lambda: services.update_need(db_session(), current_principal(), need_id, data,
                                     expected_version=values["version"]),
        errors=errors, values=values, inputs=NEED_INPUTS, stale_message=STALE_NEED,
        reload=lambda: services.get_need(db_session(), need_id),
        render=lambda current, status: render_need_form(values, errors, need=current,
                                                        status=status),
    )
    if failed is not None:
        return failed
    db = db_session()
    db.commit()
    flash(_("The need has been saved."), "success")
    return redirect(url_for("matchmaking.need", need_id=need_id), 303)


@pages.post("/needs/<int:need_id>/close", endpoint="need_close")
@login_required
def need_close(need_id: int):
    """Close a need, after a confirmation step."""
    need = editable_need(need_id)
    expected = version(request.form)
    errors = FormErrors()
    if not checked(request.form, "confirmed"):
        return render_template("matchmaking/need_close.html", need=need, version=expected,
                               errors=errors)
    values = {"version": expected}
    failed = save_versioned(
        lambda: services.close_need(db_session(), current_principal(), need_id,
                                    expected_version=expected),
        errors=errors, values=values, stale_message=STALE_NEED_CLOSE,
        reload=lambda: services.get_need(db_session(), need_id),
        render=lambda current, status: (render_template(
            "matchmaking/need_close.html", need=current, version=current.version,
            errors=errors), status),
    )
    if failed is not None:
        return failed
    db = db_session()
    db.commit()
    flash(_("The need is closed. Partners no longer see it in their opportunities."),
          "success")
    return redirect(url_for("matchmaking.need", need_id=need_id), 303)


# ---------------------------------------------------------------- detail and interest


def interest_context(need: Need) -> dict[str, Any]:
    """What the need page shows the viewer about interests: the partner's organisations,
    offers and interests, or, for the region's officers, the interests received."""
    actor = current_principal()
    db = db_session()
    org_ids = services.partner_org_ids(actor)
    context: dict[str, Any] = {"org_options": [], "offer_options": [], "interests": [],
                               "fit": [], "open_orgs": set()}
    if actor is None:
        return context
    if org_ids or services.can_edit_need(actor, need):
        context["interests"] = services.list_interests(db, actor, need_id=need.id,
                                                       per_page=100).items
    if org_ids:
        orgs = directory.list_organisations(db, ids=org_ids)
        context["org_options"] = [(o.id, o.name) for o in orgs]
        context["offer_options"] = [
            (o.id, f"{o.title} — {o.org_name}" if len(org_ids) > 1 else o.title)
            for o in services.offers_of_organisations(db, org_ids)]
        context["fit"] = [(m, o, labels.explain(m.explanation, score_weights()))
                          for m, o in services.fit_for(db, actor, need.id)]
        context["open_orgs"] = {i.organisation_id for i, _n in context["interests"]
                                if i.status == "open" and i.organisation_id in org_ids}
    return context


def render_need(need_id: int, values: dict[str, Any] | None = None,
                errors: FormErrors | None = None, status: int = 200):
    db = db_session()
    need = services.get_need(db, need_id)
    actor = current_principal()
    region = directory.get_region(db, need.region_code)
    return render_template(
        "matchmaking/need_detail.html", need=need, region=region,
        can_edit=services.can_edit_need(actor, need), values=values or {},
        errors=errors or FormErrors(), **interest_context(need),
    ), status


@pages.get("/needs/<int:need_id>", endpoint="need")
def need_detail(need_id: int):
    """A need: its facts, why it matches the viewer's organisation, interests."""
    return render_need(need_id)


@pages.post("/needs/<int:need_id>/interest", endpoint="need_interest")
@login_required
def need_interest(need_id: int):
    """Express the organisation's interest, with a message only the region reads."""
    values = {name: text(request.form, name, 5000) for name in INTEREST_INPUTS}
    errors = FormErrors()
    db = db_session()
    try:
        interest = services.express_interest(
            db, current_principal(), need_id, int_or_none(values["organisation_id"]),
            values["message"], int_or_none(values["offer_id"]),
            limit=config()["interest_rate_limit"])
    except DomainError as error:
        if not is_form_error(error) and error.status != 403:
            raise
        db.rollback()
        errors.add_domain_error(error, INTEREST_INPUTS)
        return render_need(need_id, values, errors, error.status)
    except TooManyRequests:
        db.rollback()
        errors.message = _("You have expressed interest many times in a short while. Wait a "
                           "minute, then send your message again.")
        return render_need(need_id, values, errors, 429)
    db.commit()
    flash(_("Your interest has been sent to the region. You will hear of its decision."),
          "success")
    return redirect(url_for("matchmaking.interest", interest_id=interest.id), 303)


@pages.get("/needs/<int:need_id>/partners", endpoint="need_partners")
@login_required
def need_partners(need_id: int):
    """Suggested partners for the need, with why each fits (the region's officers)."""
    db = db_session()
    need = services.get_need(db, need_id)
    rows = services.need_matches(db, current_principal(), need_id, limit=config()["top_n"])
    matches = [(m, o, labels.explain(m.explanation, score_weights())) for m, o in rows]
    return render_template("matchmaking/need_partners.html", need=need, matches=matches)
