"""The partner's opportunity feed (open needs that match the organisation, from stored
matches) with filters, sorting and pages, and the saved searches."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from core.plugin import (
    DomainError,
    PermissionDenied,
    _,
    current_principal,
    db_session,
    directory,
    login_required,
    taxonomy,
)
from plugins.matchmaking import labels, services
from plugins.matchmaking.need_pages import score_weights
from plugins.matchmaking.page_base import (
    FormErrors,
    int_or_none,
    is_form_error,
    page_args,
    pages,
    parse_date,
    text,
    whole_number,
)

FILTER_NAMES = ("dimension", "province", "budget", "deadline_from", "q", "sort")


def partner_orgs() -> list[int]:
    """The viewer's partner organisations; 403 when there are none."""
    orgs = services.partner_org_ids(current_principal())
    if not orgs:
        raise PermissionDenied(_("The opportunity feed is for members of partner "
                                 "organisations (business, community, academia, media)."))
    return orgs


def read_filters(source: Mapping[str, Any], provinces: list[Any],
                 errors: FormErrors) -> tuple[dict[str, str], services.FeedFilter, str]:
    """``(values, filters, sort)`` from the query string (or a posted form); unreadable
    values get a message and are left out of the filters."""
    values = {name: text(source, name, 100) for name in FILTER_NAMES}
    budget = None
    if values["budget"]:
        budget = whole_number(values["budget"])
        if budget is None:
            errors.add("budget", _("Enter the amount in rupiah as a whole number, for example "
                                   "1.500.000.000."))
    deadline_from = None
    if values["deadline_from"]:
        deadline_from = parse_date(values["deadline_from"])
        if deadline_from is None:
            errors.add("deadline_from",
                       _("Enter the date as day/month/year, for example 31/12/2026."))
    filters = services.FeedFilter(
        dimension=values["dimension"] if values["dimension"] in taxonomy.DIMENSIONS else None,
        province=values["province"] if values["province"] in {p.code for p in provinces}
        else None,
        budget=budget, deadline_from=deadline_from, q=values["q"] or None,
    )
    sort = values["sort"] if values["sort"] in services.FEED_SORTS else "fit"
    return values, filters, sort


def saved_filters(filters: services.FeedFilter, sort: str) -> dict[str, Any]:
    """The filters as a saved search keeps them (and as query arguments)."""
    saved = {
        "dimension": filters.dimension, "province": filters.province, "budget": filters.budget,
        "deadline_from": filters.deadline_from.isoformat() if filters.deadline_from else None,
        "q": filters.q, "sort": sort if sort != "fit" else None,
    }
    return {k: v for k, v in saved.items() if v not in (None, "")}


def render_feed(source: Mapping[str, Any], *, name: str = "",
                errors: FormErrors | None = None, status: int = 200):
    orgs = partner_orgs()
    db = db_session()
    errors = errors or FormErrors()
    provinces = directory.list_provinces(db)
    values, filters, sort = read_filters(source, provinces, errors)
    org_id = int_or_none(source.get("organisation_id"))
    org_id = org_id if org_id in orgs else orgs[0]
    page, per_page = page_args()
    result = services.opportunities(db, org_id, filters, sort=sort, page=page,
                                    per_page=per_page)
    weights = score_weights()
    items = [(match, need, labels.explain(match.explanation, weights))
             for match, need in result.items]
    if errors and status == 200:
        status = 422
    return render_template(
        "matchmaking/feed.html", result=result, items=items, values=values, sort=sort,
        provinces={p.code: p.name for p in provinces}, province_list=provinces,
        organisations=directory.list_organisations(db, ids=orgs), org_id=org_id,
        searches=services.list_saved_searches(db, current_principal()), errors=errors,
        name=name, current=saved_filters(filters, sort),
    ), status


@pages.get("/opportunities", endpoint="opportunities")
@login_required
def opportunities():
    """Open needs that match the organisation, best fit first (or newest, or by deadline)."""
    return render_feed(request.args)


@pages.post("/opportunities/searches", endpoint="search_save")
@login_required
def search_save():
    """Save the feed's current filters under a name."""
    orgs = partner_orgs()
    db = db_session()
    errors = FormErrors()
    name = text(request.form, "name", 100)
    _values, filters, sort = read_filters(request.form, directory.list_provinces(db), errors)
    org_id = int_or_none(request.form.get("organisation_id"))
    org_id = org_id if org_id in orgs else orgs[0]
    if errors:
        return render_feed(request.form, name=name, errors=errors)
    try:
        services.save_search(db, current_principal(), org_id, name,
                             saved_filters(filters, sort))
    except DomainError as error:
        if not is_form_error(error):
            raise
        db.rollback()
        errors.add_domain_error(error, ("name",))
        return render_feed(request.form, name=name, errors=errors, status=error.status)
    db.commit()
    flash(_("The search is saved."), "success")
    args = saved_filters(filters, sort)
    if len(orgs) > 1:
        args["organisation_id"] = org_id
    return redirect(url_for("matchmaking.opportunities", **args), 303)


@pages.post("/opportunities/searches/<int:search_id>/delete", endpoint="search_delete")
@login_required
def search_delete(search_id: int):
    """Delete one of the viewer's saved searches."""
    db = db_session()
    services.delete_saved_search(db, current_principal(), search_id)
    db.commit()
    flash(_("The saved search is deleted."), "success")
    return redirect(url_for("matchmaking.opportunities"), 303)
