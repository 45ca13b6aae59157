"""Alembic environment: runs on the engine the Sinergi app hands over."""

from __future__ import annotations

from alembic import context

import core.models  # noqa: F401  (registers every core table on Base.metadata)
from core.db import Base

config = context.config
engine = config.attributes["engine"]
target_metadata = Base.metadata
# When autogenerating for one branch, only that branch's tables are compared.
table_filter = config.attributes.get("table_filter")


def include_object(obj, name, type_, reflected, compare_to):  # noqa: ANN001
    if table_filter is None:
        return True
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table is None or table_filter(table)


def run_migrations_online() -> None:
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
