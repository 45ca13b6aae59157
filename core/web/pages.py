"""The ``web`` blueprint: home, login and logout. The other pages live in ``*_pages`` modules
that add their routes to this blueprint (see :func:`core.web.setup.init_pages`)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import audit
from core.accounts.login import attempt_login
from core.db import session
from core.orgs import services as orgs
from core.plans import services as plans
from core.regions import services as regions
from core.web.auth import current_principal, login_session, logout_session

blp = Blueprint("web", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow local redirects after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("web.dashboard")


@blp.get("/")
def index():
    """What Sinergi is, with the movement's key figures."""
    db = session()
    cohorts = regions.participation_by_cohort(db)
    verified = orgs.list_organisations(db, orgs.OrganisationFilter(verified=True), per_page=1)
    return render_template(
        "index.html",
        cohorts=cohorts,
        participating=sum(n for _year, n in cohorts),
        largest_cohort=max((n for _year, n in cohorts), default=0),
        approved_plans=plans.status_counts(db, None)["approved"],
        verified_organisations=verified.total,
    )


@blp.route("/login", methods=["GET", "POST"])
def login():
    next_url = request.args.get("next")
    if request.method == "POST":
        email = request.form.get("email", "").strip()[:254]
        password = request.form.get("password", "")[:1000]
        db = session()
        user = attempt_login(db, email, password, via="page")
        if user is None:
            return render_template(
                "auth/login.html", email=email, next_url=next_url,
                error=_("Wrong e-mail address or password."),
            ), 401
        db.commit()
        login_session(user.id)
        flash(_("Welcome, %(name)s.", name=user.name), "success")
        return redirect(_safe_next(next_url), 303)
    if current_principal() is not None:
        return redirect(_safe_next(next_url))
    return render_template("auth/login.html", email="", next_url=next_url, error=None)


@blp.post("/logout")
def logout():
    principal = current_principal()
    if principal is not None:
        audit.record("auth.logout")
    logout_session()
    flash(_("You have logged out."), "success")
    return redirect(url_for("web.index"), 303)
