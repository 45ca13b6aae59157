"""The user's own account: API tokens (list, create — the secret is shown once — revoke) and
changing the password."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.accounts import services as accounts
from core.accounts.models import User
from core.db import session
from core.errors import ValidationFailed
from core.ratelimit import hit
from core.web import forms
from core.web.auth import current_principal, login_required, login_session
from core.web.pages import blp


def _render_tokens(issued: accounts.IssuedToken | None = None, status: int = 200,
                   errors: forms.FormErrors | None = None, name: str = ""):
    tokens = accounts.list_tokens(session(), current_principal())
    return render_template(
        "account/tokens.html", tokens=tokens, issued=issued, errors=errors or forms.FormErrors(),
        name=name,
    ), status


@blp.get("/account/tokens")
@login_required
def tokens():
    """The user's API tokens (never their secrets)."""
    return _render_tokens()


@blp.post("/account/tokens")
@login_required
def token_create():
    """Create a token and show its secret on this response only (it is not stored)."""
    name = forms.text(request.form, "name", 100)
    if not name:
        errors = forms.FormErrors()
        errors.add("name", _("Give the token a name, so that you recognise it later."))
        return _render_tokens(status=422, errors=errors)
    db = session()
    user = db.get(User, current_principal().user_id)
    issued = accounts.create_token(db, user, name)
    db.commit()
    return _render_tokens(issued, 201)


@blp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def token_revoke(token_id: int):
    """Revoke one of the user's tokens; it stops working at once."""
    db = session()
    token = accounts.revoke_token(db, current_principal(), token_id)
    db.commit()
    flash(_("The token “%(name)s” is revoked.", name=token.name or token.prefix), "success")
    return redirect(url_for("web.tokens"), 303)


@blp.route("/account/password", methods=["GET", "POST"])
@login_required
def password_change():
    """Change one's own password (the policy applies); every session ends, this one restarts."""
    errors = forms.FormErrors()
    if request.method == "POST":
        principal = current_principal()
        # Each try costs an attempt against the login limit of this account and address.
        hit("login_account", f"{principal.email}|{request.remote_addr or '-'}")
        db = session()
        try:
            accounts.change_own_password(
                db, principal, request.form.get("current_password", "")[:1000],
                request.form.get("new_password", "")[:1000],
                request.form.get("confirm_password", "")[:1000],
                min_password_length=int(current_app.config["PASSWORD_MIN_LENGTH"]),
            )
        except ValidationFailed as exc:
            db.rollback()
            errors.add_domain_error(exc)
            return render_template("account/password.html", errors=errors), 422
        db.commit()
        login_session(principal.user_id)  # a new session; the others are gone
        flash(_("Your password is changed. Other devices must log in again."), "success")
        return redirect(url_for("web.dashboard"), 303)
    return render_template("account/password.html", errors=errors)
