"""Alembic environment: runs on the engine the Sinergi app hands over."""

from __future__ import annotations

from alembic import context

import core.models  # noqa: F401  (registers every core table on Base.metadata)
from core.db import Base

config = context.config
engine = config.attributes["engine"]
target_metadata = Base.metadata


def run_migrations_online() -> None:
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
