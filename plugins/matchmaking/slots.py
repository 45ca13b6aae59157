"""Main-menu links per viewer and the plugin's sections on core pages: a region's open needs
on its page, and on the dashboard the partner's best opportunities or the interests waiting
for the region's decision. Each section costs one SQL statement."""

from __future__ import annotations

from typing import Any

from flask import render_template
from markupsafe import Markup

from core.plugin import NavItem, Principal, _l, db_session
from plugins.matchmaking import labels, services
from plugins.matchmaking.need_pages import score_weights

SLOT_SIZE = 5


def nav(principal: Principal | None) -> list[NavItem]:
    """Partners get their opportunities, officers their needs, everybody else the open
    needs. No database access: this runs on every page."""
    items = []
    if principal is not None and services.partner_org_ids(principal):
        items.append(NavItem(_l("Opportunities"), "/opportunities", order=50))
    if principal is not None and principal.region_codes:
        items.append(NavItem(_l("Needs"), "/needs/mine", order=51))
    elif not items:
        items.append(NavItem(_l("Needs"), "/needs", order=51))
    if principal is not None and (principal.region_codes or services.partner_org_ids(principal)):
        items.append(NavItem(_l("Collaborations"), "/collaborations", order=52))
    return items


def region_slot(context: dict[str, Any]) -> Markup | None:
    code = context.get("region_code")
    if not code:
        return None
    needs = services.open_needs_of_region(db_session(), code, limit=SLOT_SIZE)
    principal = context.get("principal")
    officer = principal is not None and principal.is_officer(code)
    if not needs and not officer:
        return None
    return Markup(render_template("matchmaking/_region_slot.html", needs=needs,
                                  region_code=code, officer=officer))


def dashboard_slot(context: dict[str, Any]) -> Markup | None:
    principal = context.get("principal")
    if principal is None:
        return None
    db = db_session()
    orgs = services.partner_org_ids(principal)
    opportunities = [
        (match, need, labels.explain(match.explanation, score_weights()))
        for match, need in services.best_opportunities(db, orgs, limit=SLOT_SIZE)
    ] if orgs else []
    codes = sorted(principal.region_codes)
    waiting = services.undecided_interests(db, codes, limit=SLOT_SIZE) if codes else []
    if not orgs and not codes:
        return None
    return Markup(render_template("matchmaking/_dashboard_slot.html",
                                  opportunities=opportunities, waiting=waiting,
                                  partner=bool(orgs), officer=bool(codes)))


def slot_html(slot: str, context: dict[str, Any]) -> Markup | None:
    if slot == "region":
        return region_slot(context)
    if slot == "dashboard":
        return dashboard_slot(context)
    return None
