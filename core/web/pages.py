"""Core pages. Views stay thin: parse the form, call a service, render or redirect."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.accounts import services as accounts
from core.db import session
from core.ratelimit import hit
from core.web.auth import current_principal, login_required, login_session, logout_session

blp = Blueprint("web", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow local redirects after login."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("web.dashboard")


@blp.get("/")
def index():
    return render_template("index.html")


@blp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        email = request.form.get("email", "").strip()
        password = request.form.get("password", "")
        hit("login", f"ip:{request.remote_addr}")
        db = session()
        user = accounts.authenticate(db, email, password) if email and password else None
        if user is None:
            db.rollback()
            flash(_("Wrong e-mail address or password."), "error")
            return render_template("auth/login.html", email=email), 401
        db.commit()
        login_session(user.id)
        flash(_("Welcome, %(name)s.", name=user.name), "success")
        return redirect(_safe_next(request.args.get("next")))
    if current_principal() is not None:
        return redirect(url_for("web.dashboard"))
    return render_template("auth/login.html", email="")


@blp.post("/logout")
def logout():
    logout_session()
    flash(_("You have logged out."), "success")
    return redirect(url_for("web.index"))


@blp.get("/dashboard")
@login_required
def dashboard():
    return render_template("dashboard.html")


@blp.get("/regions")
def regions():
    return render_template("index.html")


@blp.get("/organisations")
def organisations():
    return render_template("index.html")


@blp.get("/plans")
def plans():
    return render_template("index.html")
