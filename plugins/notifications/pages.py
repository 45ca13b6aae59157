"""The notification centre page and the preferences form (no JavaScript needed)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from core.plugin import (
    DomainError,
    NavItem,
    _,
    _l,
    current_principal,
    db_session,
    login_required,
)
from plugins.notifications import services
from plugins.notifications.models import EMAIL_MODES, KINDS

pages = Blueprint("notifications", __name__, url_prefix="/notifications",
                  template_folder="templates")

KIND_LABELS = {
    "interest_received": _l("New interest in your region's needs"),
    "interest_decided": _l("Decisions on your organisation's interests"),
    "match_suggested": _l("New needs that match your organisation"),
    "collaboration": _l("Progress of your collaborations"),
}
EMAIL_LABELS = {
    "immediate": _l("Immediately"),
    "daily": _l("Once a day (digest)"),
    "off": _l("No e-mail"),
}


def nav(principal: Any) -> list[NavItem]:
    if principal is None:
        return []
    return [NavItem(_l("Notifications"), "/notifications/", order=85)]


@pages.get("/")
@login_required
def centre():
    """The notification centre."""
    actor = current_principal()
    db = db_session()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    unread = request.args.get("unread") == "1"
    result = services.list_notifications(db, actor, unread=unread, page=min(page, 10_000))
    return render_template("notifications/centre.html", result=result, unread=unread,
                           kind_labels=KIND_LABELS)


@pages.post("/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    db = db_session()
    item = services.mark_read(db, current_principal(), notification_id)
    db.commit()
    if request.form.get("go") == "1" and item.link.startswith("/"):
        return redirect(item.link, 303)
    return redirect(url_for("notifications.centre"), 303)


@pages.post("/read-all")
@login_required
def read_all():
    db = db_session()
    services.mark_all_read(db, current_principal())
    db.commit()
    flash(_("All notifications are marked read."), "success")
    return redirect(url_for("notifications.centre"), 303)


@pages.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    db = db_session()
    actor = current_principal()
    values = services.get_preferences(db, actor)
    error = None
    status = 200
    if request.method == "POST":
        kinds = request.form.getlist("kinds")
        mode = request.form.get("email_mode", "")
        try:
            services.set_preferences(db, actor, kinds, mode)
        except DomainError as exc:
            db.rollback()
            error, status = exc, 422
            values = {"kinds": kinds, "email_mode": mode}
        else:
            db.commit()
            flash(_("Your notification preferences are saved."), "success")
            return redirect(url_for("notifications.preferences"), 303)
    return render_template("notifications/preferences.html", values=values, error=error,
                           kinds=KINDS, modes=EMAIL_MODES, kind_labels=KIND_LABELS,
                           email_labels=EMAIL_LABELS), status
