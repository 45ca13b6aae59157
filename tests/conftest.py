"""The suite's fixtures come from Sinergi's testing kit (``core.testing``, a pytest plugin);
this file gives them the short names the suite uses and adds a few of its own.

The database is SQLite unless ``SINERGI_TEST_DATABASE_URL`` names another, the bus kombu's
filesystem transport unless ``SINERGI_TEST_BROKER_URL`` names a broker (CI runs the suite on
both stacks).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.db import Database
from core.testing.factories import PASSWORD, Account, Factory, full_programmes
from core.testing.pytest_plugin import REFERENCE_TABLES
from core.testing.sql import SQLCounter

__all__ = ["PASSWORD", "REFERENCE_TABLES", "Account", "Factory", "SQLCounter", "full_programmes"]


@pytest.fixture(scope="session")
def app(sinergi_app: Flask) -> Flask:
    return sinergi_app


@pytest.fixture
def db(sinergi_db: Database) -> Database:
    return sinergi_db


@pytest.fixture
def client(sinergi_client: FlaskClient) -> FlaskClient:
    return sinergi_client


@pytest.fixture
def factory(sinergi_factory: Factory) -> Factory:
    return sinergi_factory


@pytest.fixture
def sql_counter(sinergi_sql_counter: SQLCounter) -> SQLCounter:
    return sinergi_sql_counter


@pytest.fixture
def outbox(db: Database) -> Callable[..., list[Any]]:
    """Return outbox rows (optionally of one type), oldest first."""
    from core.events.outbox import OutboxEvent

    def rows(event_type: str | None = None) -> list[OutboxEvent]:
        with db.begin() as session:
            stmt = select(OutboxEvent).order_by(OutboxEvent.position)
            if event_type:
                stmt = stmt.where(OutboxEvent.type == event_type)
            return list(session.scalars(stmt))

    return rows
