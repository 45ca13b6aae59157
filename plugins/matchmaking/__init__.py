"""The matchmaking plugin: regions post needs, partners post offers, the engine matches them
with explanations, and interests turn into collaborations.

Table of contents (each hook points at the module doing the work): models and migrations
(``models.py``), rules (``services.py``), the engine (``engine.py``, ``text.py``,
``index_store.py``), API (``api.py``), pages (``pages.py``), handlers (``handlers.py``),
events (``events.py``), configuration (``config.py``), commands (``cli.py``), demo data
(``demo.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.plugin import hookimpl

SINERGI_API_VERSION = "1"


@hookimpl
def register_blueprints() -> list[Any]:
    from plugins.matchmaking.api import blp
    from plugins.matchmaking.pages import pages

    return [blp, pages]


@hookimpl
def register_migrations() -> str:
    return str(Path(__file__).parent / "migrations" / "versions")


@hookimpl
def register_event_types() -> list[Any]:
    from plugins.matchmaking.events import EVENT_TYPES

    return EVENT_TYPES


@hookimpl
def register_event_handlers() -> list[Any]:
    from plugins.matchmaking.handlers import HANDLERS

    return HANDLERS


@hookimpl
def config_schema() -> Any:
    from plugins.matchmaking.config import MatchmakingConfig

    return MatchmakingConfig


@hookimpl
def register_commands(cli: Any) -> None:
    from plugins.matchmaking.cli import register

    register(cli)


@hookimpl
def startup(app: Any) -> None:
    from plugins.matchmaking.cli import remember_app

    remember_app(app)


@hookimpl
def nav_items(principal: Any) -> list[Any]:
    from plugins.matchmaking.pages import nav

    return nav(principal)


@hookimpl
def page_slot(slot: str, context: dict[str, Any]) -> Any:
    from plugins.matchmaking.pages import slot_html

    return slot_html(slot, context)


@hookimpl
def load_demo_data(session: Any, context: Any) -> None:
    from plugins.matchmaking.demo import load

    load(session, context)
