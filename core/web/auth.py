"""Who is making this request: a bearer token or a browser session. Plus CSRF protection."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g, request, session
from flask_babel import lazy_gettext as _l

from core.accounts.principal import Principal
from core.accounts.services import load_principal, principal_for_token
from core.db import get_db
from core.errors import AuthenticationRequired

INVALID_TOKEN_MESSAGE = _l("The API token is not valid or has been revoked.")
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def load_current_principal() -> None:
    """before_request: resolve the principal once, in one query, into ``g.principal``."""
    g.principal = None
    g.auth_method = None
    environ = request.environ
    if "HTTP_AUTHORIZATION" not in environ and "HTTP_COOKIE" not in environ:
        return  # anonymous: neither a token nor a session cookie to look up
    token = bearer_token()
    if token is not None:
        g.principal = principal_for_token(get_db().session, token)
        g.auth_method = "token" if g.principal else "invalid-token"
        if g.principal is None:
            # An unknown or revoked token is refused at once, even for public reads: the
            # caller meant to authenticate and must learn that it failed (RFC 6750).
            raise AuthenticationRequired(INVALID_TOKEN_MESSAGE)
        return
    user_id = session.get("user_id")
    if user_id is not None:
        g.principal = load_principal(get_db().session, int(user_id))
        if g.principal is None:  # disabled or deleted: end the session
            session.end()
        else:
            g.auth_method = "session"


def current_principal() -> Principal | None:
    return getattr(g, "principal", None)


def require_principal() -> Principal:
    principal = current_principal()
    if principal is None:
        raise AuthenticationRequired()
    return principal


def login_session(principal_user_id: int) -> None:
    """Start an authenticated browser session with a fresh id (prevents fixation)."""
    session.rotate()
    session.clear()
    session["user_id"] = principal_user_id
    session["csrf"] = secrets.token_urlsafe(32)


def logout_session() -> None:
    session.end()


def csrf_token() -> str:
    """The session's CSRF token (creates the session when there is none yet)."""
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def csrf_required() -> bool:
    """Writes authenticated by cookie, and every form post, must carry the CSRF token."""
    if request.method not in UNSAFE_METHODS or g.get("auth_method") == "token":
        return False
    has_cookie = bool(session.sid) if hasattr(session, "sid") else False
    is_form = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
    return has_cookie or is_form


def check_csrf() -> None:
    """before_request: refuse a write without the matching token (403)."""
    if not csrf_required():
        return
    expected = session.get("csrf")
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD)
    if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
        g.csrf_failed = True
        abort(403, description="CSRF token missing or invalid.")


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Page decorator: redirect anonymous visitors to the login page."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_principal() is None:
            from flask import redirect, url_for

            return redirect(url_for("web.login", next=request.full_path))
        return view(*args, **kwargs)

    return wrapper
