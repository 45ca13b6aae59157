"""Administrator pages: user accounts (disable, enable) and the audit log."""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import audit
from core.accounts import services as accounts
from core.db import session
from core.web.auth import current_principal, login_required
from core.web.listing import arg_text, page_args
from core.web.pages import blp


@blp.get("/admin/users")
@login_required
def admin_users():
    """User accounts, with a button to disable or enable each one."""
    page, per_page = page_args()
    query = arg_text("q", 254)
    result = accounts.list_users(session(), current_principal(), query or None, page, per_page)
    return render_template("admin/users.html", result=result, q=query)


def _set_active(user_id: int, active: bool):
    db = session()
    user = accounts.set_active(db, current_principal(), user_id, active)
    db.commit()
    if active:
        flash(_("The account of %(email)s is enabled again.", email=user.email), "success")
    else:
        flash(_("The account of %(email)s is disabled: its sessions have ended and its API "
                "tokens are revoked.", email=user.email), "success")
    return redirect(request.form.get("next") if request.form.get("next", "").startswith(
        "/admin/users") else url_for("web.admin_users"), 303)


@blp.post("/admin/users/<int:user_id>/disable")
@login_required
def admin_user_disable(user_id: int):
    return _set_active(user_id, False)


@blp.post("/admin/users/<int:user_id>/enable")
@login_required
def admin_user_enable(user_id: int):
    return _set_active(user_id, True)


def _since(raw: str) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


@blp.get("/admin/audit")
@login_required
def admin_audit():
    """The audit log, newest first, with filters."""
    accounts.require_admin(current_principal())
    page, per_page = page_args()
    filters = {"action": arg_text("action", 100), "actor": arg_text("actor", 254),
               "since": arg_text("since", 10)}
    flt = audit.AuditFilter(action=filters["action"] or None, actor=filters["actor"] or None,
                            since=_since(filters["since"]))
    result = audit.list_events(session(), flt, page, per_page)
    return render_template("admin/audit.html", result=result, filters=filters,
                           actions=audit.CORE_ACTIONS)
