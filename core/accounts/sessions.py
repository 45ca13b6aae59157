"""Server-side browser sessions stored in the database.

The cookie carries a random id; the table keys sessions by the id's SHA-256, so a leaked
database does not yield usable cookies. Logging out deletes the row, so the session really ends.
A session is only written when it was modified, and only created when something is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from flask import Flask, Request, Response, request
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete
from werkzeug.datastructures import CallbackDict

from core.accounts.models import WebSession
from core.db import WRITE_METHODS, mark_writer, utcnow


class ServerSession(CallbackDict, SessionMixin):
    """Session data plus the bookkeeping needed to save, rotate and end it."""

    def __init__(self, initial: dict[str, Any] | None = None, sid: str | None = None,
                 user_id: int | None = None):
        def on_update(_self: Any) -> None:
            self.modified = True

        super().__init__(initial or {}, on_update)
        self.sid = sid
        self.user_id = user_id
        self.modified = False
        self.ended = False
        self.rotate_requested = False
        self.old_sid: str | None = None

    def rotate(self) -> None:
        """Give the session a new id (call at login to prevent session fixation)."""
        self.old_sid = self.sid
        self.sid = None
        self.rotate_requested = True
        self.modified = True

    def end(self) -> None:
        """Delete the session server-side (logout)."""
        self.clear()
        self.ended = True
        self.modified = True


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


class DatabaseSessionInterface(SessionInterface):
    """Flask session interface backed by the ``web_sessions`` table."""

    def __init__(self, db: Any, lifetime: dt.timedelta):
        self.db = db
        self.lifetime = lifetime

    def open_session(self, app: Flask, request: Request) -> ServerSession:
        sid = request.cookies.get(self.get_cookie_name(app))
        if not sid or len(sid) > 128:
            return ServerSession()
        if request.method in WRITE_METHODS:
            # The request's transaction starts here: make it a write transaction from the start.
            mark_writer(self.db.session())
        row = self.db.session.get(WebSession, _hash(sid))
        if row is None or row.expires_at <= utcnow():
            return ServerSession()
        return ServerSession(dict(row.data or {}), sid=sid, user_id=row.user_id)

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        name = self.get_cookie_name(app)
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        if not session.modified:
            return
        # Whatever the request left uncommitted would be rolled back at teardown anyway; end it
        # now so its (SQLite) write lock does not block the session write below.
        self.db.session.rollback()
        db_session = self.db.write_session()
        try:
            stale = [s for s in (session.old_sid, session.sid if session.ended else None) if s]
            if stale:
                db_session.execute(
                    delete(WebSession).where(WebSession.id_hash.in_([_hash(s) for s in stale]))
                )
            if session.ended or not dict(session):
                db_session.commit()
                if session.sid or session.old_sid:
                    response.delete_cookie(name, domain=domain, path=path)
                return
            if session.sid is None:
                session.sid = secrets.token_urlsafe(32)
            expires = utcnow() + self.lifetime
            row = db_session.get(WebSession, _hash(session.sid))
            if row is None:
                row = WebSession(id_hash=_hash(session.sid))
                db_session.add(row)
            row.data = dict(session)
            row.user_id = session.get("user_id")
            row.expires_at = expires
            db_session.commit()
        finally:
            db_session.close()
        response.set_cookie(
            name,
            session.sid,
            expires=expires,
            httponly=True,
            # Secure whenever the request came over HTTPS (behind trusted proxies, see
            # ``trusted_proxy_count``), and always with ``session_cookie_secure``.
            secure=self.get_cookie_secure(app) or request.is_secure,
            samesite=self.get_cookie_samesite(app) or "Lax",
            domain=domain,
            path=path,
        )


def purge_expired(db_session: Any) -> int:
    """Delete expired sessions; returns how many."""
    result = db_session.execute(delete(WebSession).where(WebSession.expires_at <= utcnow()))
    return result.rowcount or 0
