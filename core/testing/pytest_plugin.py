"""pytest fixtures of the testing kit (see ``core.testing`` for the list)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, inspect

from core.app import create_app
from core.db import Base, Database
from core.migrate import upgrade
from core.regions.services import load_reference_data, read_regions_file
from core.testing.databases import drop_database, session_database
from core.testing.events import EventRecorder
from core.testing.factories import Factory
from core.testing.sql import SQLCounter

REFERENCE_TABLES = {"provinces", "regions", "alembic_version"}


def database_url_for_tests(tmp_path_factory: pytest.TempPathFactory) -> str:
    """``SINERGI_TEST_DATABASE_URL``, or a fresh SQLite file."""
    return os.environ.get("SINERGI_TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    )


def empty_tables(db: Database) -> None:
    """Delete every row except reference data (provinces, regions)."""
    db.remove()
    with db.engine.begin() as conn:
        existing = set(inspect(conn).get_table_names())
        for table in reversed(Base.metadata.sorted_tables):
            if table.name in existing and table.name not in REFERENCE_TABLES:
                conn.execute(table.delete())


@pytest.fixture(scope="session")
def sinergi_config() -> dict[str, Any]:
    """Override to choose plugins and settings, e.g. ``{"plugin_modules": ["x=my_plugin"]}``."""
    return {}


@pytest.fixture(scope="session")
def sinergi_app(
    sinergi_config: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """One migrated application per test session, with the 514 regions loaded. On
    PostgreSQL the session works in a database of its own (``<name>_s<pid>``, dropped at the
    end), so concurrent runs against one server do not disturb each other."""
    url = database_url_for_tests(tmp_path_factory)
    private = url.startswith("postgresql")
    if private:
        url = session_database(url)
    overrides = {
        "database_url": url,
        "instance_path": str(tmp_path_factory.mktemp("instance")),
        "broker_url": os.environ.get("SINERGI_TEST_BROKER_URL", ""),
        **sinergi_config,
    }
    application = create_app(overrides, env="test")
    upgrade(application)
    with application.extensions["sinergi.db"].begin() as session:
        load_reference_data(session, read_regions_file())
    yield application
    application.extensions["sinergi.db"].dispose()
    if private:
        drop_database(url)


@pytest.fixture(autouse=True)
def _sinergi_clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test that used the app: empty its tables and reset rate limits."""
    yield
    if "sinergi_app" not in request.fixturenames:
        return
    application: Flask = request.getfixturevalue("sinergi_app")
    empty_tables(application.extensions["sinergi.db"])
    application.extensions["sinergi.ratelimit"].reset()


@pytest.fixture
def sinergi_db(sinergi_app: Flask) -> Database:
    return sinergi_app.extensions["sinergi.db"]


@pytest.fixture
def sinergi_client(sinergi_app: Flask) -> FlaskClient:
    return sinergi_app.test_client()


@pytest.fixture
def sinergi_factory(sinergi_db: Database) -> Factory:
    return Factory(sinergi_db)


class RoleClient:
    """A test client that sends one user's API token with every request."""

    def __init__(self, app: Flask, headers: dict[str, str]):
        self.client = app.test_client()
        self.headers = headers

    def open(self, method: str, url: str, **kwargs: Any):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, url: str, **kwargs: Any):
        return self.open("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any):
        return self.open("POST", url, **kwargs)

    def patch(self, url: str, **kwargs: Any):
        return self.open("PATCH", url, **kwargs)

    def put(self, url: str, **kwargs: Any):
        return self.open("PUT", url, **kwargs)

    def delete(self, url: str, **kwargs: Any):
        return self.open("DELETE", url, **kwargs)


@pytest.fixture
def sinergi_clients(sinergi_app: Flask, sinergi_factory: Factory) -> dict[str, RoleClient]:
    """API clients per role: admin, evaluator, officer (of Kota Bandung 32.73), partner
    (admin of a business organisation), anonymous."""
    partner, _org_id = sinergi_factory.partner("business")
    return {
        "admin": RoleClient(sinergi_app, sinergi_factory.admin().headers),
        "evaluator": RoleClient(sinergi_app, sinergi_factory.evaluator().headers),
        "officer": RoleClient(sinergi_app, sinergi_factory.officer("32.73").headers),
        "partner": RoleClient(sinergi_app, partner.headers),
        "anonymous": RoleClient(sinergi_app, {}),
    }


@pytest.fixture
def sinergi_events(sinergi_app: Flask) -> EventRecorder:
    return EventRecorder(sinergi_app)


@pytest.fixture
def sinergi_sql_counter(sinergi_db: Database) -> Iterator[SQLCounter]:
    counter = SQLCounter()
    event.listen(sinergi_db.engine, "before_cursor_execute", counter)
    yield counter
    event.remove(sinergi_db.engine, "before_cursor_execute", counter)
