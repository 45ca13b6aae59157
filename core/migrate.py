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
    # Every installed plugin's versions are known (so a database migrated while a plugin was
    # enabled still resolves after it is disabled); only active branches are upgraded.
    locations = [
        str(MIGRATIONS / "versions"),
        *app.extensions.get("sinergi.migration_dirs", []),
        *app.extensions.get("sinergi.dormant_migration_dirs", []),
    ]
    cfg.set_main_option("version_locations", " ".join(locations))
    cfg.set_main_option("path_separator", "space")
    cfg.attributes["engine"] = app.extensions["sinergi.db"].engine
    return cfg


def active_branches(app: Flask) -> list[str]:
    """``core`` and every enabled plugin that registers migrations."""
    host = app.extensions["sinergi.plugins"]
    return ["core", *(s.name for s in host.active() if s.migrations)]


class UnknownRevisions(RuntimeError):
    """The database records migrations that no installed branch provides."""


def unknown_heads(app: Flask) -> set[str]:
    """Heads in the version table that no installed branch knows (an uninstalled plugin)."""
    script = ScriptDirectory.from_config(alembic_config(app))
    known = {rev.revision for rev in script.walk_revisions()}
    with app.extensions["sinergi.db"].engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads()) - known


def upgrade(app: Flask, target: str | None = None) -> None:
    """Apply all pending migrations of core and of the enabled plugins (or up to ``target``).

    Raises :class:`UnknownRevisions` when the database records migrations of a plugin that is
    no longer installed (Alembic cannot upgrade past what it cannot find)."""
    unknown = unknown_heads(app)
    if unknown:
        raise UnknownRevisions(
            "The database records migrations that no installed plugin provides: "
            f"{', '.join(sorted(unknown))}. Install the plugin that provided them again "
            "(it may stay disabled), or see docs/operations.md#migrations to remove them."
        )
    cfg = alembic_config(app)
    if target is not None:
        command.upgrade(cfg, target)
        return
    for branch in active_branches(app):
        command.upgrade(cfg, f"{branch}@head")


def pending(app: Flask) -> list[str]:
    """Revisions of the active branches not yet applied."""
    cfg = alembic_config(app)
    script = ScriptDirectory.from_config(cfg)
    with app.extensions["sinergi.db"].engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    known = {rev.revision for rev in script.walk_revisions()}
    applied: set[str] = set()
    for head in current & known:  # heads of plugins no longer installed are not ours to walk
        applied.update(rev.revision for rev in script.iterate_revisions(head, "base"))
    active = set(active_branches(app))
    return [
        rev.revision for rev in script.walk_revisions()
        if rev.revision not in applied and set(rev.branch_labels or {"core"}) & active
    ]


def pending_by_branch(app: Flask) -> dict[str, list[str]]:
    """Pending revisions grouped by branch label (``core`` or a plugin name)."""
    script = ScriptDirectory.from_config(alembic_config(app))
    todo = set(pending(app))
    grouped: dict[str, list[str]] = {}
    for rev in script.walk_revisions():
        if rev.revision in todo:
            for label in rev.branch_labels or {"core"}:
                grouped.setdefault(label, []).append(rev.revision)
    return grouped


def revision(app: Flask, message: str, *, autogenerate: bool = True,
             plugin: str | None = None) -> None:
    """Create a revision on core's branch, or on a plugin's (its tables: ``<plugin>_*``)."""
    cfg = alembic_config(app)
    if plugin is None:
        cfg.attributes["table_filter"] = _core_tables(app)
        command.revision(cfg, message=message, autogenerate=autogenerate, head="core@head",
                         version_path=str(MIGRATIONS / "versions"))
        return
    host = app.extensions["sinergi.plugins"]
    state = host.plugins.get(plugin)
    if state is None or not state.migrations:
        raise ValueError(f"plugin {plugin!r} is not enabled or registers no migrations folder")
    cfg.attributes["table_filter"] = lambda name: name.startswith(f"{plugin}_")
    script = ScriptDirectory.from_config(cfg)
    has_branch = any(plugin in (rev.branch_labels or ()) for rev in script.walk_revisions())
    command.revision(
        cfg, message=message, autogenerate=autogenerate, version_path=state.migrations,
        head=f"{plugin}@head" if has_branch else "base",
        branch_label=None if has_branch else plugin,
        depends_on=None if has_branch else "core@head",
    )


def _core_tables(app: Flask):
    prefixes = tuple(f"{name}_" for name in app.extensions["sinergi.plugins"].plugins)
    return lambda name: not name.startswith(prefixes)
