"""The notifications plugin: listens to events only (never imports another plugin) and tells
people what concerns them — in the in-app notification centre and by e-mail (SMTP, or .eml
files in development), in their language, once per event, immediately or in a daily digest.

Contents: tables (``models.py``), delivery, centre, preferences and digest (``services.py``),
mail transport (``mail.py``), who hears of what (``handlers.py``), API (``api.py``), pages
(``pages.py``), configuration (``config.py``), the digest command (``cli.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.plugin import hookimpl

SINERGI_API_VERSION = "1"


@hookimpl
def register_blueprints() -> list[Any]:
    from plugins.notifications.api import blp
    from plugins.notifications.pages import pages

    return [blp, pages]


@hookimpl
def register_migrations() -> str:
    return str(Path(__file__).parent / "migrations" / "versions")


@hookimpl
def register_event_handlers() -> list[Any]:
    from plugins.notifications.handlers import HANDLERS

    return HANDLERS


@hookimpl
def config_schema() -> Any:
    from plugins.notifications.config import NotificationsConfig

    return NotificationsConfig


@hookimpl
def register_commands(cli: Any) -> None:
    from plugins.notifications.cli import register

    register(cli)


@hookimpl
def startup(app: Any) -> None:
    from plugins.notifications.cli import remember_app

    remember_app(app)


@hookimpl
def nav_items(principal: Any) -> list[Any]:
    from plugins.notifications.pages import nav

    return nav(principal)
