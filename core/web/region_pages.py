"""Public region pages (list and detail) and the admin's participation forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.db import session
from core.errors import DomainError
from core.orgs import services as orgs
from core.plans import services as plans
from core.regions import services as regions
from core.taxonomy import COHORT_YEARS, STAGES
from core.web import forms
from core.web.auth import current_principal, login_required
from core.web.listing import arg_choice, arg_text, page_args, sort_arg
from core.web.pages import blp

REGION_SORTS = ("name", "code", "population", "area")


@blp.get("/regions", endpoint="regions")
def regions_list():
    """All 514 kabupaten/kota, filtered, sorted and paginated."""
    db = session()
    provinces = regions.list_provinces(db)
    filters = regions.RegionFilter(
        province=arg_choice("province", [p.code for p, _n, _m in provinces]),
        kind=arg_choice("kind", ("kota", "kabupaten")),
        cohort=int(c) if (c := arg_choice("cohort", COHORT_YEARS)) else None,
        stage=arg_choice("stage", STAGES),
        participating=True if request.args.get("participating") == "1" else None,
        q=arg_text("q") or None,
    )
    sort, key, descending = sort_arg(REGION_SORTS, "name")
    page, per_page = page_args()
    result = regions.list_regions(
        db, filters, sort=key, descending=descending, page=page, per_page=per_page
    )
    return render_template(
        "regions/list.html", result=result, filters=filters, provinces=provinces, sort=sort,
        per_page=per_page,
    )


def _render_region(code: str, errors: forms.FormErrors | None = None,
                   values: dict[str, Any] | None = None, status: int = 200):
    db = session()
    actor = current_principal()
    region = regions.get_region(db, code)
    region_plans = plans.list_plans(
        db, actor, plans.PlanFilter(region=region.code), sort="period", per_page=50
    )
    return render_template(
        "regions/detail.html",
        region=region,
        government=orgs.government_organisation(db, region.code),
        plans=region_plans.items,
        errors=errors or forms.FormErrors(),
        values=values or {},
    ), status


@blp.get("/regions/<code>")
def region(code: str):
    """A region's facts, its place in the movement and the master plans the viewer may see."""
    return _render_region(code)


def _participation_change(
    code: str, change: Callable[[Session, forms.FormErrors], None]
) -> Any:
    """Run an admin's participation change; show the region page again on errors."""
    db = session()
    errors = forms.FormErrors()
    try:
        change(db, errors)
    except DomainError as error:
        if not forms.is_form_error(error):
            raise
        db.rollback()
        errors.add_domain_error(error)
    if errors:
        db.rollback()
        return _render_region(code, errors, request.form.to_dict(), errors.status)
    db.commit()
    return redirect(url_for("web.region", code=code), 303)


@blp.post("/regions/<code>/participation")
@login_required
def region_join(code: str):
    """Admin: record that the region joined the movement in a cohort."""

    def change(db: Session, errors: forms.FormErrors) -> None:
        cohort = forms.choice(request.form.get("cohort_year"), COHORT_YEARS)
        stage = forms.choice(request.form.get("stage"), STAGES)
        if cohort is None:
            errors.add("cohort_year", _("Choose the cohort year."))
        if stage is None:
            errors.add("stage", _("Choose a stage."))
        if errors:
            return
        regions.join_movement(db, current_principal(), code, int(cohort), stage)
        flash(_("The region has joined the movement."), "success")

    return _participation_change(code, change)


@blp.post("/regions/<code>/stage")
@login_required
def region_stage(code: str):
    """Admin: move a participating region to another stage."""

    def change(db: Session, errors: forms.FormErrors) -> None:
        stage = forms.choice(request.form.get("stage"), STAGES)
        if stage is None:
            errors.add("stage", _("Choose a stage."))
            return
        regions.change_stage(db, current_principal(), code, stage,
                             forms.text(request.form, "reason", 1000))
        flash(_("The stage has been changed."), "success")

    return _participation_change(code, change)
