"""The exhibition plugin: the public virtual exhibition of every region's achievements.

A national hall at /pameran and one booth per region at /pameran/<code>; officers draft their
booth, admins moderate it; evaluation results, approved plans and partnerships arrive as
events. See docs/exhibition.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.plugin import NavItem, _l, hookimpl

SINERGI_API_VERSION = "1"


@hookimpl
def config_schema():
    from plugins.exhibition.config import ExhibitionConfig

    return ExhibitionConfig


@hookimpl
def register_migrations() -> str:
    return str(Path(__file__).parent / "migrations" / "versions")


@hookimpl
def register_blueprints() -> list[Any]:
    from plugins.exhibition.api import blp
    from plugins.exhibition.pages import bp

    return [bp, blp]


@hookimpl
def register_event_types():
    from plugins.exhibition.events import event_types

    return event_types()


@hookimpl
def register_event_handlers():
    from plugins.exhibition.handlers import event_handlers

    return event_handlers()


@hookimpl
def nav_items(principal) -> list[NavItem]:
    items = [NavItem(_l("Exhibition"), "/pameran", order=60)]
    if principal is not None and principal.is_admin:
        items.append(NavItem(_l("Moderation"), "/pameran/moderasi", order=61))
    return items


@hookimpl
def page_slot(slot: str, context: dict[str, Any]) -> Any:
    from plugins.exhibition.slots import render_slot

    return render_slot(slot, context)


@hookimpl
def load_demo_data(session, context) -> None:
    from plugins.exhibition.demo import load_demo

    load_demo(session, context)
