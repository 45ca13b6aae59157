"""``sinergi notifications digest``: send the daily digest mails."""

from __future__ import annotations

from typing import Any

import click

from plugins.notifications import services

_APP: dict[str, Any] = {}


def remember_app(app: Any) -> None:
    _APP["app"] = app


def digest_app(app: Any) -> int:
    config = app.extensions["sinergi.plugins"].config_for("notifications")
    with app.app_context(), app.extensions["sinergi.db"].begin() as session:
        return services.send_digest(session, config, app.instance_path)


def register(cli: click.Group) -> None:
    @cli.group("notifications")
    def notifications() -> None:
        """Notifications: in-app and e-mail."""

    @notifications.command("digest")
    def digest() -> None:
        """Mail each user who chose a daily digest their waiting notifications (run daily)."""
        app = _APP.get("app")
        if app is None:
            raise click.ClickException("the application could not start")
        click.echo(f"{digest_app(app)} digest mails sent")
