"""Interest and collaboration pages: interests sent and received, accepting or declining
(a reason is required to decline) and withdrawing, each after a confirmation step; the
collaborations of both sides, their stage history and moving them to the next stage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from core.plugin import (
    DomainError,
    StaleVersion,
    _,
    current_principal,
    db_session,
    directory,
    login_required,
)
from plugins.matchmaking import labels, services
from plugins.matchmaking.models import INTEREST_STATUSES
from plugins.matchmaking.page_base import (
    FormErrors,
    arg_choice,
    checked,
    is_form_error,
    page_args,
    pages,
    text,
    version,
)

# ---------------------------------------------------------------- interests


@pages.get("/interests", endpoint="interests")
@login_required
def interests_list():
    """Interests the viewer is a party to: received by their region, sent by their
    organisation."""
    actor = current_principal()
    status = arg_choice("status", INTEREST_STATUSES)
    page, per_page = page_args()
    result = services.list_interests(db_session(), actor, status=status, page=page,
                                     per_page=per_page)
    return render_template("matchmaking/interests.html", result=result, status=status,
                           officer=bool(actor.region_codes),
                           partner=bool(services.partner_org_ids(actor)))


def render_interest(interest_id: int, values: dict[str, Any] | None = None,
                    errors: FormErrors | None = None, status: int = 200):
    actor = current_principal()
    db = db_session()
    interest = services.get_interest(db, actor, interest_id)
    need = services.get_need(db, interest.need_id)
    offer = services.get_offer(db, interest.offer_id) if interest.offer_id else None
    return render_template(
        "matchmaking/interest_detail.html", interest=interest, need=need, offer=offer,
        can_decide=actor.is_officer(interest.region_code) and interest.status == "open",
        can_withdraw=actor.is_member(interest.organisation_id) and interest.status == "open",
        collaboration=services.collaboration_for_interest(db, interest.id),
        values=values or {}, errors=errors or FormErrors(),
    ), status


@pages.get("/interests/<int:interest_id>", endpoint="interest")
@login_required
def interest_detail(interest_id: int):
    """An interest with its private message (only its two parties see it)."""
    return render_interest(interest_id)


def confirmed_action(interest_id: int, decision: str, action: Callable[..., Any],
                     field: str = "reason") -> tuple[bool, Any]:
    """Shared flow of accept, decline and withdraw: the service runs once without keeping
    anything (so every refusal shows before the question), the confirmation page asks, and
    the confirmed post runs it for real. Returns ``(done, page to show when not done)``."""
    values = {field: text(request.form, field, 5000), "decision": decision, "field": field}
    db = db_session()
    try:
        action(db, current_principal(), interest_id, values[field])
    except DomainError as error:
        if not is_form_error(error) and error.status != 403:
            raise
        db.rollback()
        errors = FormErrors()
        errors.add_domain_error(error, ("reason", "note"))
        return False, render_interest(interest_id, values, errors, error.status)
    if not checked(request.form, "confirmed"):
        db.rollback()
        interest = services.get_interest(db, current_principal(), interest_id)
        return False, render_template("matchmaking/interest_confirm.html", interest=interest,
                                      need=services.get_need(db, interest.need_id),
                                      values=values)
    db.commit()
    return True, None


@pages.post("/interests/<int:interest_id>/accept", endpoint="interest_accept")
@login_required
def interest_accept(interest_id: int):
    """The region accepts: a collaboration is formed."""
    done, page = confirmed_action(interest_id, "accept", lambda db, actor, i, note:
                                  services.decide_interest(db, actor, i, True, note), "note")
    if not done:
        return page
    collaboration = services.collaboration_for_interest(db_session(), interest_id)
    flash(_("The interest is accepted and a collaboration is formed. Plan the first "
            "meeting."), "success")
    return redirect(url_for("matchmaking.collaboration", collaboration_id=collaboration.id),
                    303)


@pages.post("/interests/<int:interest_id>/decline", endpoint="interest_decline")
@login_required
def interest_decline(interest_id: int):
    """The region declines, with the reason the organisation will read."""
    done, page = confirmed_action(interest_id, "decline", lambda db, actor, i, reason:
                                  services.decide_interest(db, actor, i, False, reason))
    if not done:
        return page
    flash(_("The interest is declined. The organisation can read your reason."), "success")
    return redirect(url_for("matchmaking.interest", interest_id=interest_id), 303)


@pages.post("/interests/<int:interest_id>/withdraw", endpoint="interest_withdraw")
@login_required
def interest_withdraw(interest_id: int):
    """The organisation withdraws its open interest."""
    done, page = confirmed_action(interest_id, "withdraw", lambda db, actor, i, _reason:
                                  services.withdraw_interest(db, actor, i))
    if not done:
        return page
    flash(_("Your interest is withdrawn."), "success")
    return redirect(url_for("matchmaking.interest", interest_id=interest_id), 303)


# ---------------------------------------------------------------- collaborations


@pages.get("/collaborations", endpoint="collaborations")
@login_required
def collaborations_list():
    """Collaborations of the viewer's region or organisation."""
    db = db_session()
    page, per_page = page_args()
    result = services.list_collaborations(db, current_principal(), page=page,
                                          per_page=per_page)
    codes = sorted({c.region_code for c in result.items})
    regions = {r.code: r.name for r in directory.list_regions(db, codes=codes)} if codes else {}
    return render_template("matchmaking/collaborations.html", result=result, regions=regions)


def render_collaboration(collaboration_id: int, values: dict[str, Any] | None = None,
                         errors: FormErrors | None = None, status: int = 200):
    actor = current_principal()
    db = db_session()
    collab = services.get_collaboration(db, actor, collaboration_id)
    people_ids = {h.get("by") for h in collab.history if isinstance(h.get("by"), int)}
    people = {p.id: p.name for p in directory.get_people(db, people_ids)} if people_ids else {}
    party = actor.is_member(collab.organisation_id) or actor.is_officer(collab.region_code)
    return render_template(
        "matchmaking/collaboration_detail.html", collab=collab, people=people,
        region=directory.get_region(db, collab.region_code),
        next_stages=services.next_stages(collab) if party else [],
        values=values or {"version": collab.version}, errors=errors or FormErrors(),
    ), status


@pages.get("/collaborations/<int:collaboration_id>", endpoint="collaboration")
@login_required
def collaboration_detail(collaboration_id: int):
    """A collaboration, its stage history and, for its parties, the next step."""
    return render_collaboration(collaboration_id)


@pages.post("/collaborations/<int:collaboration_id>/stage", endpoint="collaboration_stage")
@login_required
def collaboration_stage(collaboration_id: int):
    """Move the collaboration to a later stage (or stop it), with a note."""
    values = {"stage": text(request.form, "stage", 20), "note": text(request.form, "note", 2000),
              "version": version(request.form)}
    db = db_session()
    try:
        collab = services.change_stage(db, current_principal(), collaboration_id,
                                       values["stage"], values["note"],
                                       expected_version=values["version"])
    except DomainError as error:
        if not is_form_error(error):
            raise
        db.rollback()
        errors = FormErrors()
        errors.add_domain_error(error, ("stage", "note"))
        if isinstance(error, StaleVersion):
            errors.message = _("The other party moved this collaboration since you opened it. "
                               "Check its current stage below, then choose again.")
            values["version"] = services.get_collaboration(
                db, current_principal(), collaboration_id).version
        return render_collaboration(collaboration_id, values, errors, error.status)
    db.commit()
    flash(_("The collaboration moved to “%(stage)s”.",
            stage=labels.STAGE_LABELS.get(collab.stage, collab.stage)), "success")
    return redirect(url_for("matchmaking.collaboration", collaboration_id=collaboration_id),
                    303)
