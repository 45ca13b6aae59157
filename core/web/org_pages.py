"""Organisation pages: directory, profile, registration, editing, verification, members."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from core.accounts.principal import Principal
from core.db import session
from core.errors import DomainError, PermissionDenied, StaleVersion
from core.orgs import services as orgs
from core.orgs.models import Organisation
from core.regions import services as regions
from core.taxonomy import DIMENSIONS, ORG_TYPES
from core.web import forms
from core.web.auth import current_principal, login_required
from core.web.listing import arg_choice, arg_text, page_args, sort_arg
from core.web.pages import blp

ORG_SORTS = ("name", "created")


@blp.get("/organisations", endpoint="organisations")
def organisations_list():
    """The pentahelix directory: public profiles, filtered and paginated."""
    db = session()
    provinces = regions.list_provinces(db)
    verified = request.args.get("verified")
    filters = orgs.OrganisationFilter(
        type=arg_choice("type", ORG_TYPES),
        verified={"1": True, "0": False}.get(verified or ""),
        province=arg_choice("province", [p.code for p, _n, _m in provinces]),
        dimension=arg_choice("dimension", DIMENSIONS),
        q=arg_text("q") or None,
    )
    sort, key, descending = sort_arg(ORG_SORTS, "name")
    page, per_page = page_args()
    result = orgs.list_organisations(
        db, filters, sort=key, descending=descending, page=page, per_page=per_page
    )
    return render_template(
        "orgs/list.html", result=result, filters=filters, provinces=provinces, sort=sort,
        per_page=per_page,
    )


def creatable_types(actor: Principal) -> tuple[str, ...]:
    """Organisation types the actor may register (government ones are for admins)."""
    return ORG_TYPES if actor.is_admin else tuple(t for t in ORG_TYPES if t != "government")


def _profile_from_form(form: MultiDict) -> dict[str, Any]:
    return {
        "name": forms.text(form, "name", 200),
        "about": forms.text(form, "about"),
        "capabilities": forms.text(form, "capabilities"),
        "dimensions": [d for d in form.getlist("dimensions") if d][:20],
        "provinces_served": [p for p in form.getlist("provinces_served") if p][:60],
        "website": forms.text(form, "website", 300),
    }


def _profile_values(org: Organisation) -> dict[str, Any]:
    return {
        "name": org.name, "about": org.about, "capabilities": org.capabilities,
        "dimensions": list(org.dimensions or []),
        "provinces_served": list(org.provinces_served or []), "website": org.website,
        "type": org.type,
    }


def _render_form(template_values: dict[str, Any], errors: forms.FormErrors, status: int = 200,
                 org: Organisation | None = None):
    actor = current_principal()
    return render_template(
        "orgs/form.html", org=org, values=template_values, errors=errors,
        provinces_options=[(p.code, p.name) for p, _n, _m in regions.list_provinces(session())],
        types=creatable_types(actor),
    ), status


@blp.route("/organisations/new", methods=["GET", "POST"])
@login_required
def organisation_new():
    """Register an organisation; its creator becomes its admin."""
    actor = current_principal()
    if request.method == "GET":
        return _render_form({"type": "", "dimensions": [], "provinces_served": []},
                            forms.FormErrors())
    profile = _profile_from_form(request.form)
    values = {**profile, "type": forms.text(request.form, "type", 20)}
    errors = forms.FormErrors()
    if forms.choice(values["type"], creatable_types(actor)) is None:
        errors.add("type", _("Choose the kind of organisation."))
        return _render_form(values, errors, 422)
    db = session()
    try:
        org = orgs.create_organisation(db, actor, type=values["type"], **profile)
    except DomainError as error:
        if not forms.is_form_error(error):
            raise
        db.rollback()
        errors.add_domain_error(error)
        return _render_form(values, errors, error.status)
    db.commit()
    flash(_("%(name)s is registered. You are its administrator.", name=org.name), "success")
    return redirect(url_for("web.organisation", slug=org.slug), 303)


def _render_profile(slug: str, errors: forms.FormErrors | None = None,
                    values: dict[str, Any] | None = None, status: int = 200):
    db = session()
    actor = current_principal()
    org = orgs.get_organisation(db, slug)
    members = None
    if actor is not None and (actor.is_admin or actor.is_member(org.id)):
        members = orgs.list_members(db, org)
    percent, missing = orgs.profile_completeness(org)
    served = set(org.provinces_served or [])
    return render_template(
        "orgs/detail.html",
        org=org,
        members=members,
        can_manage=orgs.can_manage(actor, org),
        completeness=percent,
        missing=missing,
        provinces=[p for p, _n, _m in regions.list_provinces(db) if p.code in served],
        region=regions.get_region(db, org.region_code) if org.region_code else None,
        errors=errors or forms.FormErrors(),
        values=values or {},
    ), status


@blp.get("/organisations/<slug>")
def organisation(slug: str):
    """An organisation's public profile (members are shown to its members and admins)."""
    return _render_profile(slug)


@blp.route("/organisations/<slug>/edit", methods=["GET", "POST"])
@login_required
def organisation_edit(slug: str):
    """Edit a profile (organisation admins and platform admins), with optimistic locking."""
    db = session()
    actor = current_principal()
    org = orgs.get_organisation(db, slug)
    if not orgs.can_manage(actor, org):
        raise PermissionDenied()
    if request.method == "GET":
        return _render_form({**_profile_values(org), "version": org.version},
                            forms.FormErrors(), org=org)
    profile = _profile_from_form(request.form)
    values = {**profile, "type": org.type, "version": forms.version(request.form)}
    errors = forms.FormErrors()
    try:
        org = orgs.update_organisation(db, actor, org.id, profile,
                                       expected_version=values["version"])
    except DomainError as error:
        if not forms.is_form_error(error):
            raise
        db.rollback()
        errors.add_domain_error(error)
        org = orgs.get_organisation(db, slug)
        if isinstance(error, StaleVersion):
            errors.message = _(
                "Someone else changed this profile since you opened it. Your changes have not "
                "been saved; they are still in the form below. Check the current profile, "
                "then save again to replace it."
            )
            values["version"] = org.version
        return _render_form(values, errors, error.status, org=org)
    db.commit()
    flash(_("The profile has been saved."), "success")
    return redirect(url_for("web.organisation", slug=org.slug), 303)


@blp.post("/organisations/<slug>/verification")
@login_required
def organisation_verify(slug: str):
    """Admin: mark the organisation verified, or withdraw the verification."""
    db = session()
    verified = request.form.get("verified") == "1"
    org = orgs.verify_organisation(db, current_principal(), slug, verified)
    db.commit()
    flash(_("The organisation is now verified.") if verified
          else _("The organisation is no longer verified."), "success")
    return redirect(url_for("web.organisation", slug=org.slug), 303)


@blp.post("/organisations/<slug>/members")
@login_required
def organisation_add_member(slug: str):
    """Organisation admins: add a registered user by e-mail address."""
    db = session()
    email = forms.text(request.form, "email", 254)
    role = forms.text(request.form, "role", 10) or "member"
    errors = forms.FormErrors()
    if not email:
        errors.add("email", _("Enter the e-mail address of a registered user."))
        return _render_profile(slug, errors, {"email": email, "role": role}, 422)
    try:
        user, membership = orgs.add_member(db, current_principal(), slug, email, role)
    except DomainError as error:
        if not forms.is_form_error(error):
            raise
        db.rollback()
        errors.add_domain_error(error)
        return _render_profile(slug, errors, {"email": email, "role": role}, error.status)
    db.commit()
    flash(_("%(name)s has been added.", name=user.name), "success")
    return redirect(url_for("web.organisation", slug=slug) + "#members", 303)
