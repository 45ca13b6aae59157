"""``sinergi match reindex``: rebuild the index and every stored match; ``sinergi match
prune``: delete old rows of the index change log."""

from __future__ import annotations

from typing import Any

import click
from tqdm import tqdm

from plugins.matchmaking import services
from plugins.matchmaking.index_store import index_for, prune_changes

#: The application the command line built (set by the ``startup`` hook).
_APP: dict[str, Any] = {}


def remember_app(app: Any) -> None:
    _APP["app"] = app


def reindex_app(app: Any, *, progress: bool = True) -> int:
    """Rebuild the matches of ``app``'s database; returns the number of needs."""
    db = app.extensions["sinergi.db"]
    config = app.extensions["sinergi.plugins"].config_for("matchmaking")
    with app.app_context(), db.begin() as session:
        from plugins.matchmaking.models import Need

        total = session.query(Need).filter(Need.status == "open").count()
        with tqdm(total=total, desc="needs", unit="need", disable=not progress) as bar:
            return services.reindex(session, index_for(app), config, bar.update)


def register(cli: click.Group) -> None:
    @cli.group("match")
    def match() -> None:
        """Matchmaking: the needs–offers engine."""

    @match.command("reindex")
    @click.option("--quiet", is_flag=True, help="No progress bar.")
    def reindex_command(quiet: bool) -> None:
        """Rebuild the index from the database and recompute every open need's matches."""
        app = _APP.get("app")
        if app is None:
            raise click.ClickException("the application could not start")
        count = reindex_app(app, progress=not quiet)
        click.echo(f"{count} needs matched")

    @match.command("prune")
    @click.option("--hours", type=click.IntRange(min=1), default=None,
                  help="Keep changes of this many hours (default: "
                       "index_change_retention_hours).")
    def prune_command(hours: int | None) -> None:
        """Delete index change rows older than the retention (run daily, e.g. from cron)."""
        app = _APP.get("app")
        if app is None:
            raise click.ClickException("the application could not start")
        config = app.extensions["sinergi.plugins"].config_for("matchmaking")
        keep = hours or int(config["index_change_retention_hours"])
        with app.app_context(), app.extensions["sinergi.db"].begin() as session:
            removed = prune_changes(session, keep)
        click.echo(f"{removed} index changes older than {keep} h deleted")
