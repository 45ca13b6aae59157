"""Plugin contributions to core pages: named slots and main-menu items."""

from __future__ import annotations

from typing import Any

from flask import current_app
from markupsafe import Markup, escape

from core.accounts.principal import Principal
from core.plugin.types import NavItem


def render_slot(name: str, **context: Any) -> Markup:
    """HTML that enabled plugins return from ``page_slot`` for this slot, in plugin order.

    Plain strings are escaped; return ``markupsafe.Markup`` for HTML.
    """
    host = current_app.extensions["sinergi.plugins"]
    parts = []
    for plugin, html in host.call("page_slot", slot=name, context=context):
        body = html if isinstance(html, Markup) else escape(str(html))
        parts.append(
            Markup('<div class="plugin-slot" data-plugin="{}" data-slot="{}">{}</div>').format(
                plugin, name, body
            )
        )
    return Markup("\n").join(parts)


def plugin_nav_items(principal: Principal | None) -> list[NavItem]:
    """Main-menu items from enabled plugins (items of a failing plugin are skipped)."""
    host = current_app.extensions["sinergi.plugins"]
    items: list[NavItem] = []
    for _plugin, result in host.call("nav_items", principal=principal):
        items.extend(item for item in result if isinstance(item, NavItem))
    return items
