"""PostgreSQL databases for test sessions: each session (and each bus stack or bench run) gets
a database of its own beside ``SINERGI_TEST_DATABASE_URL``'s, so concurrent runs never reset
each other's tables."""

from __future__ import annotations

import os
import re

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def _admin_engine(url: str):
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


def create_database(url: str, suffix: str) -> str:
    """Create the PostgreSQL database ``<name of url>_<suffix>`` (dropped first if it exists)
    and return its URL."""
    target = make_url(url)
    name = f"{target.database}_{suffix}"
    admin = _admin_engine(url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return target.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop a PostgreSQL database made by :func:`create_database` (closing its connections)."""
    admin = _admin_engine(url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def session_database(url: str) -> str:
    """A fresh database ``<name>_s<pid>`` for this test session; databases of earlier
    sessions whose process is gone (killed runs) are dropped on the way."""
    base = make_url(url).database
    pattern = re.compile(rf"^{re.escape(str(base))}_s(\d+)$")
    admin = _admin_engine(url)
    try:
        with admin.connect() as conn:
            names = conn.scalars(text("SELECT datname FROM pg_database")).all()
            for name in names:
                match = pattern.match(name)
                if match and int(match.group(1)) != os.getpid() and not _alive(
                        int(match.group(1))):
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
    return create_database(url, f"s{os.getpid()}")
