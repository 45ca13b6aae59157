"""Database engine and sessions that work the same in requests, the CLI and workers.

One :class:`Database` per application lives in ``app.extensions["sinergi.db"]``. Web requests
use the thread-local ``db.session`` (removed at app-context teardown); scripts and workers use
``with db.begin() as session: ...``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app
from sqlalchemy import BigInteger, DateTime, Integer, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

WRITE_OPTION = "sinergi_write"

# Integer primary keys that are BIGINT on PostgreSQL and INTEGER (rowid alias) on SQLite.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use core.db.utcnow()")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    """Current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base for core models (plugins get their own metadata via the plugin API)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Database:
    """Engine plus session factories for one application."""

    def __init__(self, url: str, *, echo: bool = False, sqlite_busy_timeout_ms: int = 5000):
        self.url = url
        self.engine = make_engine(url, echo=echo, sqlite_busy_timeout_ms=sqlite_busy_timeout_ms)
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.session = scoped_session(self.session_factory)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def write_session(self) -> Session:
        """A new session whose first transaction is a write transaction."""
        session = self.session_factory()
        mark_writer(session)
        return session

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """A fresh session in one write transaction: committed on success, rolled back on
        error."""
        session = self.write_session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def remove(self, _exc: BaseException | None = None) -> None:
        """Discard the thread-local session (called at app-context teardown)."""
        self.session.remove()

    def dispose(self) -> None:
        self.session.remove()
        self.engine.dispose()


def make_engine(url: str, *, echo: bool = False, sqlite_busy_timeout_ms: int = 5000) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"timeout": sqlite_busy_timeout_ms / 1000, "check_same_thread": False},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy control transactions and issue BEGIN itself.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={int(sqlite_busy_timeout_ms)}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # Readers use a deferred BEGIN and never wait (WAL). Writers declare themselves
            # (WRITE_OPTIONS) and take the write lock up front with BEGIN IMMEDIATE: they queue
            # on the busy timeout instead of failing when a read snapshot turns stale.
            immediate = conn.get_execution_options().get(WRITE_OPTION)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def mark_writer(session: Session) -> None:
    """Declare that the session's next transaction will write (see ``make_engine``).

    It begins the transaction; a session already in a transaction is left as it is."""
    if not session.in_transaction():
        session.connection(execution_options={WRITE_OPTION: True})


def get_db() -> Database:
    """The current application's :class:`Database`."""
    return current_app.extensions["sinergi.db"]


def session() -> Session:
    """The current application's thread-local session."""
    return get_db().session()
