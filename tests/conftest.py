"""Shared fixtures: one application per test session on the chosen database, a clean slate
per test, factories for users, organisations and plans, and an SQL statement counter.

The database is SQLite unless ``SINERGI_TEST_DATABASE_URL`` names another (CI runs the suite
twice: SQLite, then PostgreSQL).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, inspect, text

from core.accounts.principal import Principal
from core.accounts.services import create_token, create_user, load_principal
from core.app import create_app
from core.db import Base, Database
from core.migrate import upgrade
from core.regions.services import load_reference_data, read_regions_file

PASSWORD = "correct-horse-battery"
REFERENCE_TABLES = {"provinces", "regions", "alembic_version"}


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("SINERGI_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _reset_postgres(url: str) -> None:
    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    db.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    url = _database_url(tmp_path_factory)
    if url.startswith("postgresql"):
        _reset_postgres(url)
    application = create_app(
        {"database_url": url, "instance_path": str(tmp_path_factory.mktemp("instance"))},
        env="test",
    )
    upgrade(application)
    with application.extensions["sinergi.db"].begin() as session:
        load_reference_data(session, read_regions_file())
    yield application
    application.extensions["sinergi.db"].dispose()


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty every non-reference table after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    application: Flask = request.getfixturevalue("app")
    db: Database = application.extensions["sinergi.db"]
    db.remove()
    with db.engine.begin() as conn:
        existing = set(inspect(conn).get_table_names())
        for table in reversed(Base.metadata.sorted_tables):
            if table.name in existing and table.name not in REFERENCE_TABLES:
                conn.execute(table.delete())
    application.extensions["sinergi.ratelimit"].reset()


@pytest.fixture
def db(app: Flask) -> Database:
    return app.extensions["sinergi.db"]


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# ---------------------------------------------------------------- factories


@dataclass
class Account:
    """A test user with its principal and ready-made API headers."""

    user_id: int
    email: str
    principal: Principal
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Factory:
    """Creates domain objects through the real services, each in its own transaction."""

    def __init__(self, db: Database):
        self.db = db
        self._n = 0
        self.system = Principal(user_id=0, email="system", name="System", is_admin=True)

    def _next(self) -> int:
        self._n += 1
        return self._n

    def user(self, *, admin: bool = False, evaluator: bool = False, name: str = "") -> Account:
        from core.orgs.models import Membership  # noqa: F401  (model registry)

        n = self._next()
        email = f"user{n}@example.test"
        with self.db.begin() as session:
            user = create_user(
                session, email=email, name=name or f"User {n}", password=PASSWORD,
                min_password_length=8, is_admin=admin, is_evaluator=evaluator,
            )
            token = create_token(session, user, "test").secret
            user_id = user.id
        return self.account(user_id, token)

    def account(self, user_id: int, token: str) -> Account:
        with self.db.begin() as session:
            principal = load_principal(session, user_id)
        assert principal is not None
        return Account(user_id, principal.email, principal, token)

    def admin(self) -> Account:
        return self.user(admin=True, name="Admin")

    def evaluator(self) -> Account:
        return self.user(evaluator=True, name="Evaluator")

    def officer(self, region_code: str = "32.73", role: str = "member") -> Account:
        from core.orgs import services as orgs
        from core.orgs.models import Membership

        account = self.user(name=f"Officer {region_code}")
        with self.db.begin() as session:
            org = orgs.government_org_for(session, self.system, region_code)
            session.add(Membership(user_id=account.user_id, organisation_id=org.id, role=role))
        return self.account(account.user_id, account.token)

    def partner(self, org_type: str = "business", **profile: Any) -> tuple[Account, int]:
        """A user who is admin of a new organisation; returns (account, organisation id)."""
        from core.orgs import services as orgs

        account = self.user(name=f"Partner {org_type}")
        profile.setdefault("name", f"Org {self._next()}")
        with self.db.begin() as session:
            org = orgs.create_organisation(session, account.principal, type=org_type, **profile)
            org_id = org.id
        return self.account(account.user_id, account.token), org_id

    def plan(
        self,
        officer: Account,
        region_code: str = "32.73",
        *,
        status: str = "draft",
        complete: bool = True,
        period_start: int = 2024,
        reviewer: Account | None = None,
    ) -> int:
        """A plan in ``status`` (draft, submitted, revision_requested, resubmitted, approved)."""
        from core.plans import services as plans

        reviewer = reviewer or self.admin()
        with self.db.begin() as session:
            plan = plans.create_plan(
                session, officer.principal, region_code,
                {"title": "Rencana Induk Kota Cerdas", "period_start": period_start,
                 "period_end": period_start + 4, "vision": "Kota cerdas untuk semua."},
                full_programmes() if complete else [],
            )
            plan_id = plan.id
            if status == "draft":
                return plan_id
            plans.submit_plan(session, officer.principal, plan_id)
            if status == "submitted":
                return plan_id
            if status == "approved":
                plans.approve_plan(session, reviewer.principal, plan_id, "ok")
                return plan_id
            plans.request_revision(session, reviewer.principal, plan_id, "Tolong lengkapi.")
            if status == "revision_requested":
                return plan_id
            plans.submit_plan(session, officer.principal, plan_id)
            assert status == "resubmitted", status
        return plan_id


def full_programmes() -> list[dict[str, Any]]:
    """One programme per sub-dimension (18) with exactly three quick wins."""
    from core.taxonomy import DIMENSIONS

    items = []
    for dimension, subs in DIMENSIONS.items():
        for sub in subs:
            items.append({
                "title": f"Program {sub}",
                "description": f"Program untuk {sub}",
                "dimension": dimension,
                "sub_dimension": sub,
                "horizon": "short",
                "quick_win": sub in ("public_service", "health", "waste"),
                "budget_idr": 1_000_000_000,
            })
    return items


@pytest.fixture
def factory(db: Database) -> Factory:
    return Factory(db)


# ---------------------------------------------------------------- SQL counting


class SQLCounter:
    """Counts SQL statements sent to the database while active."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.active = False

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.active:
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __enter__(self) -> SQLCounter:
        self.statements.clear()
        self.active = True
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.active = False


@pytest.fixture
def sql_counter(db: Database) -> Iterator[SQLCounter]:
    counter = SQLCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    yield counter
    event.remove(db.engine, "before_cursor_execute", counter)


@pytest.fixture
def outbox(db: Database) -> Callable[..., list[Any]]:
    """Return outbox rows (optionally of one type), oldest first."""
    from sqlalchemy import select

    from core.events.outbox import OutboxEvent

    def rows(event_type: str | None = None) -> list[OutboxEvent]:
        with db.begin() as session:
            stmt = select(OutboxEvent).order_by(OutboxEvent.position)
            if event_type:
                stmt = stmt.where(OutboxEvent.type == event_type)
            return list(session.scalars(stmt))

    return rows
