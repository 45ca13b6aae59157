"""Offers pages: published offers for everyone, the organisation's own offers, posting and
editing an offer (optimistic locking) and withdrawing it."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from core.plugin import (
    DomainError,
    PermissionDenied,
    _,
    _l,
    current_principal,
    db_session,
    directory,
    login_required,
    taxonomy,
)
from plugins.matchmaking import labels, services
from plugins.matchmaking.models import Offer
from plugins.matchmaking.need_pages import amount_input
from plugins.matchmaking.page_base import (
    FormErrors,
    arg_choice,
    arg_text,
    checked,
    chosen,
    int_or_none,
    is_form_error,
    money,
    page_args,
    pages,
    save_versioned,
    text,
    version,
)

OFFER_INPUTS = ("organisation_id", "title", "description", "dimensions", "sub_dimensions",
                "provinces", "national", "price_min", "price_max", "references")
STALE_OFFER = _l(
    "Someone else changed this offer since you opened it. Your changes have not been saved; "
    "they are still in the form below. Check the current offer, then save again."
)
STALE_OFFER_WITHDRAW = _l("Someone else changed this offer since you opened it. Check it "
                          "below, then confirm again.")


@pages.get("/offers", endpoint="offers")
def offers_list():
    """Published offers of partner organisations, for everyone."""
    db = db_session()
    provinces = directory.list_provinces(db)
    filters = services.OfferFilter(
        dimension=arg_choice("dimension", taxonomy.DIMENSIONS),
        province=arg_choice("province", [p.code for p in provinces]),
        q=arg_text("q") or None,
    )
    page, per_page = page_args()
    result = services.list_offers(db, filters, page=page, per_page=per_page)
    return render_template(
        "matchmaking/offers.html", result=result, filters=filters, province_list=provinces,
        provinces={p.code: p.name for p in provinces},
        is_partner=bool(services.partner_org_ids(current_principal())),
    )


@pages.get("/offers/mine", endpoint="my_offers")
@login_required
def my_offers():
    """Every offer of the viewer's partner organisations, withdrawn ones included."""
    orgs = services.partner_org_ids(current_principal())
    if not orgs:
        raise PermissionDenied(_("Only members of a partner organisation post offers."))
    offers = services.offers_of_organisations(db_session(), orgs, published_only=False)
    return render_template("matchmaking/my_offers.html", offers=offers,
                           several=len(orgs) > 1)


def parse_offer(form: Any, errors: FormErrors,
                province_codes: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(values, data)``: what the inputs show again, and what the service receives."""
    values: dict[str, Any] = {
        "organisation_id": text(form, "organisation_id", 12),
        "title": text(form, "title", 200),
        "description": text(form, "description", 10_000),
        "references": text(form, "references", 5000),
        "dimensions": chosen(form, "dimensions", taxonomy.DIMENSIONS),
        "sub_dimensions": chosen(form, "sub_dimensions", taxonomy.SUB_DIMENSIONS),
        "provinces": chosen(form, "provinces", province_codes),
        "national": checked(form, "national"),
        "price_min": text(form, "price_min", 40),
        "price_max": text(form, "price_max", 40),
    }
    data = {name: values[name] for name in ("title", "description", "references",
                                             "dimensions", "sub_dimensions", "provinces",
                                             "national")}
    for name in ("price_min", "price_max"):
        data[name] = money(form, name, errors)
    return values, data


def offer_values(offer: Offer) -> dict[str, Any]:
    return {
        "title": offer.title, "description": offer.description,
        "references": offer.references, "dimensions": list(offer.dimensions or []),
        "sub_dimensions": list(offer.sub_dimensions or []),
        "provinces": list(offer.provinces or []), "national": offer.national,
        "price_min": amount_input(offer.price_min), "price_max": amount_input(offer.price_max),
        "version": offer.version,
    }


def render_offer_form(values: dict[str, Any], errors: FormErrors, *, offer: Offer | None = None,
                      status: int = 200):
    db = db_session()
    orgs = [] if offer else directory.list_organisations(
        db, ids=services.partner_org_ids(current_principal()))
    return render_template(
        "matchmaking/offer_form.html", values=values, errors=errors, offer=offer,
        organisations=[(o.id, o.name) for o in orgs], provinces=directory.list_provinces(db),
    ), status


@pages.route("/offers/new", methods=["GET", "POST"], endpoint="offer_new")
@login_required
def offer_new():
    """Post an offer for one of the viewer's partner organisations."""
    actor = current_principal()
    orgs = services.partner_org_ids(actor)
    if not orgs:
        raise PermissionDenied(_("Only members of a partner organisation post offers."))
    if request.method == "GET":
        return render_offer_form({"organisation_id": str(orgs[0]) if len(orgs) == 1 else "",
                                  "dimensions": [], "sub_dimensions": [], "provinces": []},
                                 FormErrors())
    db = db_session()
    errors = FormErrors()
    values, data = parse_offer(request.form, errors,
                               [p.code for p in directory.list_provinces(db)])
    org_id = int_or_none(values["organisation_id"]) or (orgs[0] if len(orgs) == 1 else None)
    if org_id not in orgs:
        errors.add("organisation_id", _("Choose one of your organisations."))
        return render_offer_form(values, errors, status=422)
    try:
        offer = services.create_offer(db, actor, org_id, data)
    except DomainError as error:
        if not is_form_error(error):
            raise
        db.rollback()
        errors.add_domain_error(error, OFFER_INPUTS)
        return render_offer_form(values, errors, status=error.status)
    if errors:
        db.rollback()
        return render_offer_form(values, errors, status=422)
    db.commit()
    flash(_("The offer is published. Matching needs appear in your opportunities within a "
            "minute."), "success")
    return redirect(url_for("matchmaking.offer", offer_id=offer.id), 303)


@pages.get("/offers/<int:offer_id>", endpoint="offer")
def offer_detail(offer_id: int):
    """An offer and, for its organisation's members, what they can do with it."""
    db = db_session()
    offer = services.get_offer(db, offer_id)
    provinces = {p.code: p.name for p in directory.list_provinces(db)}
    return render_template(
        "matchmaking/offer_detail.html", offer=offer, provinces=provinces,
        can_edit=services.can_edit_offer(current_principal(), offer),
        status_labels=labels.OFFER_STATUS_LABELS,
    )


def editable_offer(offer_id: int) -> Offer:
    offer = services.get_offer(db_session(), offer_id)
    if not services.can_edit_offer(current_principal(), offer):
        raise PermissionDenied(_("Only the organisation's members can change its offers."))
    return offer


@pages.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"], endpoint="offer_edit")
@login_required
def offer_edit(offer_id: int):
    """Edit an offer; the hidden version refuses to overwrite a colleague's changes."""
    offer = editable_offer(offer_id)
    if request.method == "GET":
        if offer.status == "withdrawn":
            flash(_("The offer was withdrawn and can no longer be edited."), "error")
            return redirect(url_for("matchmaking.offer", offer_id=offer_id), 303)
        return render_offer_form(offer_values(offer), FormErrors(), offer=offer)
    db = db_session()
    errors = FormErrors()
    values, data = parse_offer(request.form, errors,
                               [p.code for p in directory.list_provinces(db)])
    values["version"] = version(request.form)
    failed = save_versioned(
        lambda: services.update_offer(db, current_principal(), offer_id, data,
                                      expected_version=values["version"]),
        errors=errors, values=values, inputs=OFFER_INPUTS, stale_message=STALE_OFFER,
        reload=lambda: services.get_offer(db, offer_id),
        render=lambda current, status: render_offer_form(values, errors, offer=current,
                                                         status=status),
    )
    if failed is not None:
        return failed
    db.commit()
    flash(_("The offer has been saved."), "success")
    return redirect(url_for("matchmaking.offer", offer_id=offer_id), 303)


@pages.post("/offers/<int:offer_id>/withdraw", endpoint="offer_withdraw")
@login_required
def offer_withdraw(offer_id: int):
    """Withdraw an offer, after a confirmation step."""
    offer = editable_offer(offer_id)
    expected = version(request.form)
    errors = FormErrors()
    if not checked(request.form, "confirmed"):
        return render_template("matchmaking/offer_withdraw.html", offer=offer,
                               version=expected, errors=errors)
    db = db_session()
    failed = save_versioned(
        lambda: services.withdraw_offer(db, current_principal(), offer_id,
                                        expected_version=expected),
        errors=errors, values={"version": expected}, stale_message=STALE_OFFER_WITHDRAW,
        reload=lambda: services.get_offer(db, offer_id),
        render=lambda current, status: (render_template(
            "matchmaking/offer_withdraw.html", offer=current, version=current.version,
            errors=errors), status),
    )
    if failed is not None:
        return failed
    db.commit()
    flash(_("The offer is withdrawn. It no longer appears in regions' suggestions."),
          "success")
    return redirect(url_for("matchmaking.offer", offer_id=offer_id), 303)
