"""Helpers of the session and browser security tests: a second application on the suite's
database with other settings, browser-style login, audit rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.app import create_app
from core.audit import AuditEvent
from tests.api.helpers import csrf_from
from tests.conftest import PASSWORD


@contextmanager
def other_app(app: Flask, folder: Path, **overrides: Any) -> Iterator[Flask]:
    """An application on the suite's database with ``overrides`` (its own rate limiter)."""
    application = create_app(
        {"database_url": app.config["DATABASE_URL"], "instance_path": str(folder),
         "broker_url": app.config["BROKER_URL"], **overrides},
        env="test",
    )
    try:
        yield application
    finally:
        application.extensions["sinergi.ratelimit"].reset()
        application.extensions["sinergi.db"].dispose()


def browser_login(client: FlaskClient, email: str, password: str = PASSWORD,
                  **kwargs: Any) -> Any:
    """Post the login form like a browser (fetching its CSRF token first)."""
    page = client.get("/login", **kwargs)
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": csrf_from(page.get_data(as_text=True))},
                       **kwargs)


def page_csrf(client: FlaskClient, path: str = "/") -> str:
    return csrf_from(client.get(path).get_data(as_text=True))


def audit_rows(app: Flask, action: str | None = None) -> list[AuditEvent]:
    """Audit events, oldest first (optionally of one action)."""
    with app.extensions["sinergi.db"].begin() as session:
        stmt = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            stmt = stmt.where(AuditEvent.action == action)
        return list(session.scalars(stmt))
