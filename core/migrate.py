"""Alembic migrations: core is its own branch (label ``core``); plugins add theirs later."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(app: Flask) -> Config:
    """An Alembic config bound to the app's database, with every branch's versions folder."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    locations = [str(MIGRATIONS / "versions"), *app.extensions.get("sinergi.migration_dirs", [])]
    cfg.set_main_option("version_locations", " ".join(locations))
    cfg.set_main_option("path_separator", "space")
    cfg.attributes["engine"] = app.extensions["sinergi.db"].engine
    return cfg


def upgrade(app: Flask, target: str = "heads") -> None:
    """Apply all pending migrations of core (and of enabled plugins)."""
    command.upgrade(alembic_config(app), target)


def pending(app: Flask) -> list[str]:
    """Revisions not yet applied."""
    cfg = alembic_config(app)
    script = ScriptDirectory.from_config(cfg)
    with app.extensions["sinergi.db"].engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    applied: set[str] = set()
    for head in current:
        applied.update(rev.revision for rev in script.iterate_revisions(head, "base"))
    return [rev.revision for rev in script.walk_revisions() if rev.revision not in applied]


def revision(app: Flask, message: str, *, autogenerate: bool = True,
             branch: str = "core", version_path: str | None = None) -> None:
    """Create a new revision on a branch (``core`` by default)."""
    command.revision(
        alembic_config(app), message=message, autogenerate=autogenerate,
        head=f"{branch}@head", version_path=version_path,
    )
