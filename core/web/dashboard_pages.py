"""The dashboard: one section per role the user holds (admin, assessor, officer, member)."""

from __future__ import annotations

from typing import Any

from flask import render_template

from core.accounts.principal import Principal
from core.db import session
from core.orgs import services as orgs
from core.plans import services as plans
from core.regions import services as regions
from core.web.auth import current_principal, login_required
from core.web.pages import blp

QUEUE_SIZE = 10


def _admin_section(actor: Principal) -> dict[str, Any]:
    db = session()
    return {
        "review_queue": plans.list_plans(
            db, actor, plans.PlanFilter(statuses=plans.REVIEWABLE_STATUSES),
            sort="updated", descending=False, per_page=QUEUE_SIZE,
        ),
        "unverified": orgs.list_organisations(
            db, orgs.OrganisationFilter(verified=False), sort="created", per_page=QUEUE_SIZE
        ),
        "plan_counts": plans.status_counts(db, actor),
        "participating": regions.list_regions(
            db, regions.RegionFilter(participating=True), per_page=1
        ).total,
    }


def _evaluator_section(actor: Principal) -> dict[str, Any]:
    return {
        "under_review": plans.list_plans(
            session(), actor, plans.PlanFilter(statuses=plans.REVIEWABLE_STATUSES),
            sort="updated", descending=False, per_page=QUEUE_SIZE * 2,
        ),
    }


def _officer_section(actor: Principal) -> dict[str, Any]:
    codes = tuple(sorted(actor.region_codes))
    db = session()
    return {
        "my_regions": regions.list_regions(
            db, regions.RegionFilter(codes=codes), sort="name", per_page=100
        ).items,
        "my_plans": plans.list_plans(
            db, actor, plans.PlanFilter(regions=codes), sort="updated", per_page=50
        ),
    }


def _member_section(actor: Principal) -> dict[str, Any]:
    memberships = [
        (org, role, *orgs.profile_completeness(org))
        for org, role in orgs.organisations_of(session(), actor)
    ]
    return {"memberships": memberships}


@blp.get("/dashboard")
@login_required
def dashboard():
    """What needs the user's attention, for each role they hold."""
    actor = current_principal()
    context: dict[str, Any] = {"kind": actor.kind}
    if actor.is_admin:
        context.update(_admin_section(actor))
    if actor.is_evaluator and not actor.is_admin:
        context.update(_evaluator_section(actor))
    if actor.region_codes:
        context.update(_officer_section(actor))
    if actor.roles:
        context.update(_member_section(actor))
    return render_template("dashboard.html", **context)
