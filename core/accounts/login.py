"""Logging in with e-mail and password (the login page and the token exchange): rate limits
and audit events around :func:`core.accounts.services.authenticate`."""

from __future__ import annotations

from flask import request
from sqlalchemy.orm import Session
from werkzeug.exceptions import TooManyRequests

from core import audit
from core.accounts.models import User
from core.accounts.services import authenticate, normalise_email
from core.ratelimit import check, hit, limiter


def attempt_login(db: Session, email: str, password: str, *, via: str) -> User | None:
    """The active user with these credentials, or None; 429 past a rate limit.

    See :mod:`core.ratelimit` for the three login limits. The failed or throttled attempt is
    audited even though the caller rolls its transaction back; a success is recorded in
    ``db``'s transaction (it commits with the login)."""
    address = request.remote_addr or "-"
    normalised = normalise_email(email)
    try:
        hit("login", f"ip:{address}")
        if normalised:
            hit("login_account", f"{normalised}|{address}")
            check("login_email", normalised)
    except TooManyRequests:
        audit.record("auth.login.throttled", actor_email=email, details={"via": via})
        raise
    user = authenticate(db, email, password) if email and password else None
    if user is None:
        db.rollback()
        if normalised:
            limiter().count("login_email", normalised)
        audit.record("auth.login.failed", actor_email=email, details={"via": via})
        return None
    audit.record("auth.login.succeeded", session=db, actor_user_id=user.id,
                 actor_email=user.email, details={"via": via})
    return user
